// The checkpoint of a streaming query: its metadata, planned-epoch records and commit
// records, in the layout of docs/checkpoint_format.md, written durably and
// checksummed through the Env.
//
// Thread-safety: a Checkpoint is used by its query's loop only.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/stream/source.h"

namespace weir::stream {

// A stateful operator as the checkpoint records it: its stable id (its place in
// the plan, numbered in post-order), its kind and its state schema (the types its
// state keys and values are made of), so that a restart with a changed query can
// tell whether the state still fits.
struct OperatorRecord {
  int id = 0;
  std::string name;    // "stateStoreSave", "dedupe", "symmetricHashJoin", ...
  std::string schema;  // e.g. "key: timestamp, string; value: count(bigint)"
  bool operator==(const OperatorRecord&) const = default;
};

struct CheckpointMetadata {
  std::string id;
  int64_t created_ms = 0;
  int shuffle_partitions = 0;
  std::vector<std::string> sources;  // one description per source
  std::vector<OperatorRecord> operators;
  // The state store backend the state was written with (weir.state.backend).
  std::string state_backend = "memory";
};

struct SourceOffsets {
  Offset start;
  Offset end;
};

struct PlannedEpoch {
  int64_t batch_id = 0;
  int64_t batch_timestamp_ms = 0;
  int64_t watermark_ms = 0;
  std::vector<SourceOffsets> offsets;  // one per source
};

struct CommitRecord {
  int64_t batch_id = 0;
  int64_t watermark_ms = 0;
};

class Checkpoint {
 public:
  // Opens `dir` (creating it if missing): deletes .tmp debris, reads or writes
  // `metadata` (`fresh` is used when there is none; its id must be set). A corrupt
  // metadata file is an error naming it.
  static Result<std::unique_ptr<Checkpoint>> Open(Env* env, std::string dir,
                                                  const CheckpointMetadata& fresh);

  // Opens `dir` to read it only (weir checkpoint inspect): nothing is created or
  // deleted. NotFound when it has no metadata file; Corruption naming it when that
  // file is corrupt.
  static Result<std::unique_ptr<Checkpoint>> OpenReadOnly(Env* env, std::string dir);

  const std::string& dir() const { return dir_; }
  const CheckpointMetadata& metadata() const { return metadata_; }
  // True when `metadata` was created by this Open (a first start).
  bool created() const { return created_; }

  // The highest planned epoch and the highest committed epoch, if any. Corrupt latest
  // records are skipped as docs/checkpoint_format.md says; the skipped paths are in
  // corrupt_files() for the caller to decide and report.
  Result<std::optional<PlannedEpoch>> LatestPlanned();
  Result<std::optional<CommitRecord>> LatestCommit();
  Result<std::optional<PlannedEpoch>> ReadPlanned(int64_t batch_id);
  // Corruption naming the file when it fails its checks; NotFound when absent.
  Result<CommitRecord> ReadCommit(int64_t batch_id);
  // The epochs with a planned-epoch record / a commit record, ascending.
  Result<std::vector<int64_t>> PlannedEpochs() { return ListEpochs("offsets"); }
  Result<std::vector<int64_t>> CommittedEpochs() { return ListEpochs("commits"); }
  const std::vector<std::string>& corrupt_files() const { return corrupt_; }

  // Replaces `metadata` durably (a query whose first start committed nothing may
  // start again with different stateful operators).
  Status RewriteMetadata(const CheckpointMetadata& metadata);

  // Durable writes (temp file, fsync, rename, fsync dir).
  Status WritePlanned(const PlannedEpoch& epoch);
  Status WriteCommit(const CommitRecord& commit);
  // Deletes records older than the last `keep` epochs before the latest commit
  // (oldest first, each planned record before its commit record).
  Status Purge(int64_t keep = 100);

  // The paths of the record files (for errors and tests).
  std::string PlannedPath(int64_t batch_id) const;
  std::string CommitPath(int64_t batch_id) const;
  std::string MetadataPath() const { return dir_ + "/metadata"; }

  // <dir>/sources/<i>: for a source's own metadata (created on demand).
  Result<std::string> SourceDir(int index);

 private:
  Checkpoint(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  // Writes `data` to <dir>/<name> durably through .<name>.tmp.
  Status WriteDurably(const std::string& subdir, const std::string& name, const std::string& data);
  // The epochs with a record in `subdir` ("offsets" or "commits"), ascending.
  Result<std::vector<int64_t>> ListEpochs(const std::string& subdir);
  void NoteCorrupt(const std::string& path);

  Env* env_;
  std::string dir_;
  CheckpointMetadata metadata_;
  bool created_ = false;
  std::vector<std::string> corrupt_;
  // The oldest epoch that may still have records (Purge starts there); -1: unknown.
  int64_t oldest_epoch_ = -1;
  // The highest epoch committed through or found by this object; -1: none.
  int64_t latest_commit_ = -1;
};

}  // namespace weir::stream
