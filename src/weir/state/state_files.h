// StateFiles: the durable files of one stateful operator partition's state, under
// <checkpoint>/state/<operator>/<partition>/ (docs/checkpoint_format.md, "State").
//
//   <version>.delta      the changes of the epoch that made `version` (puts and
//                        removes, in the order they were committed)
//   <version>.snapshot   every entry of `version` (in-memory backend)
//   <version>.rocksdb/   a RocksDB checkpoint of `version` (RocksDB backend; written
//                        and read by rocksdb_store.cc, listed and purged here)
//
// A version v can be loaded from the newest snapshot s <= v (or from empty, s = 0)
// followed by the deltas s+1 .. v. Every file is checksummed and written as a
// temp file, synced, renamed and its directory synced, all through the Env; a file
// under its final name that fails its checks is corrupt, and reading it is a
// DataLoss error naming the file, never "absent".
//
// Thread-safety: not thread-safe; one provider uses its StateFiles from one thread
// at a time.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"

namespace weir::state {

// Applies one item of a delta or snapshot: `value` is null for a remove.
using StateFileVisitor = std::function<Status(std::string_view key, const std::string* value)>;

// Writes one delta or snapshot file. Nothing is visible under the final name until
// Finish() has returned OK; destroying an unfinished writer deletes its temp file.
class StateFileWriter {
 public:
  virtual ~StateFileWriter() = default;
  virtual Status Put(std::string_view key, std::string_view value) = 0;
  // Only in deltas.
  virtual Status Remove(std::string_view key) = 0;
  // Writes the trailer, syncs, renames into place and syncs the directory.
  virtual Status Finish() = 0;
};

class StateFiles {
 public:
  enum class Kind : uint8_t { kDelta, kSnapshot, kRocksDbSnapshot };
  struct File {
    int64_t version = 0;
    Kind kind = Kind::kDelta;
  };

  // `dir` is created on the first write.
  StateFiles(Env* env, std::string dir);

  const std::string& dir() const { return dir_; }
  Env* env() const { return env_; }
  std::string Path(int64_t version, Kind kind) const;
  // <dir>/<version>.rocksdb.done: the marker that says the RocksDB snapshot
  // Path(version, kRocksDbSnapshot) is complete. Its writer writes it durably once the
  // directory is; List reports the snapshot only while the marker exists, and Purge
  // and DeleteAfter delete the marker before the directory.
  std::string RocksDbDonePath(int64_t version) const;
  // Creates `dir` and its missing parents durably (each new directory's entry synced
  // in its parent). The writers call it; so may a backend that writes into `dir`
  // itself.
  Status CreateDir();

  Result<std::unique_ptr<StateFileWriter>> NewDelta(int64_t version);
  Result<std::unique_ptr<StateFileWriter>> NewSnapshot(int64_t version);

  // The complete files of the directory, by version then kind (temp debris is
  // ignored; DeleteDebris removes it).
  Result<std::vector<File>> List();
  Status DeleteDebris();

  // Reads one delta or snapshot, calling `visit` for each item in order. The file's
  // checksums are verified as it is read; a corrupt or truncated file stops with a
  // DataLoss error naming it (items already visited must then be discarded).
  Status Read(int64_t version, Kind kind, const StateFileVisitor& visit);

  // How to load `version`: the newest snapshot (of kind `snapshot_kind`) at or below
  // it, if any, and the deltas after that snapshot up to `version`. NotFound naming
  // the first missing delta when the chain is broken.
  struct LoadPlan {
    int64_t snapshot_version = 0;  // 0: start from empty
    std::vector<int64_t> deltas;   // ascending
  };
  Result<LoadPlan> PlanLoad(int64_t version, Kind snapshot_kind);

  // Deletes the files no load of a version >= min_version needs: every file older
  // than the newest snapshot at or below min_version (a delta or snapshot strictly
  // older than it). Never deletes a file a retained version needs.
  Status Purge(int64_t min_version);
  // Deletes every file of a version > `version` (a re-run epoch replaces them).
  Status DeleteAfter(int64_t version);

 private:
  Result<std::unique_ptr<StateFileWriter>> NewWriter(int64_t version, Kind kind);
  // Deletes one file (a delta or snapshot) or one RocksDB snapshot (marker, then
  // directory). Missing is not an error.
  Status DeleteFile(const File& file);

  Env* env_;
  std::string dir_;
  bool dir_created_ = false;  // CreateDir succeeded once
};

}  // namespace weir::state
