// FaultInjectionEnv: an Env for crash tests. It wraps a target Env, passes every call
// through, and remembers what a real machine would not yet have on disk, so that a
// test can pull the plug (SimulatePowerLoss) and check that what the code under test
// finds afterwards is consistent. It can also make chosen operations fail with a
// chosen errno (InjectFault), such as EIO from fsync or ENOSPC from a write.
//
// The model of durability follows the contract in env.h:
//   - File data. For each file written through this Env it tracks the bytes written
//     and the bytes durable: those covered by the last successful Sync() of the file,
//     through any handle. Flush() and Close() do not make data durable. Opening a file
//     with NewWritableFile() truncates it, and the truncation, like Env::Truncate(), is
//     durable at once.
//   - Directory entries. A file or directory created, and a rename, are undone by a
//     power loss unless SyncDir() has since been called on the directory holding the
//     entry -- for a rename, on both the source's and the destination's directory.
//     A rename that replaced a file remembers the replaced file's durable contents so
//     a power loss can restore them.
//   - Deletions (DeleteFile, DeleteDir) are durable at once and never undone. Undoing
//     an operation on a name that has since been deleted is skipped. This is weaker
//     than a real file system: tests do not catch code that relies on an unsynced
//     deletion having happened.
//   - A failed Sync() leaves the durable size unchanged; a later successful Sync()
//     makes everything written durable. (Linux may instead drop the unwritten pages
//     after a failed fsync; env.h tells callers never to retry one.)
//   - Only operations made through this Env (and its handles) are tracked. Files that
//     existed before, or that are modified behind its back, count as durable.
//   - Paths are compared lexically after dropping repeated '/', "." components and a
//     trailing '/': "d//f" and "d/f/" are one file, but "d/f" and "/abs/d/f" are two
//     to the tracker, so spell paths one way (as the engine does, from one root).
//
// Thread-safety: thread-safe. One mutex, mu_, guards all tracking state and also
// serializes every call into the target made by this Env and its handles, so a
// simulated power loss never interleaves with an operation. Handles and locks
// returned by this Env must be destroyed before it; the target must outlive it.

#pragma once

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/env.h"

namespace weir {

// The operations a FaultRule can make fail.
enum class FaultOp : uint8_t {
  kAppend,   // WritableFile::Append; a failed append writes nothing
  kSync,     // WritableFile::Sync; a failed sync makes nothing durable
  kSyncDir,  // Env::SyncDir; a failed one makes no directory entry durable
  kRename,   // Env::RenameFile, matched on either path; a failed one renames nothing
  kCreate,   // NewWritableFile, NewAppendableFile, CreateDirIfMissing and CreateDirs
             // (each component); a failed one creates and truncates nothing
  kRead,     // SequentialFile::Read and RandomAccessFile::Read
};
inline constexpr int kNumFaultOps = 6;

// "append", "sync", "syncdir", "rename", "create" or "read".
std::string_view FaultOpName(FaultOp op);

// Makes matching operations fail. An operation matches when its kind is `op` and its
// path contains `path_substring`. The first `skip` matching operations succeed; the
// `times` after them fail with IoErrorFromErrno("<op> <path> (injected)", error) and
// have no effect; later ones succeed again.
struct FaultRule {
  FaultOp op = FaultOp::kAppend;
  std::string path_substring = {};  // empty matches every path
  int skip = 0;                     // matching operations let through first
  int times = 1;                    // failures after the skipped ones; -1 means forever
  int error = EIO;                  // the errno reported, e.g. EIO or ENOSPC
};

struct PowerLossOptions {
  // When false (the default), all unsynced data of a file is lost. When true, the
  // last unsynced Append() of each file is torn instead: the appends before it are
  // kept, and of it a strict prefix is kept (possibly empty), as when power fails in
  // the middle of a write that the disk had partly done.
  bool tear_last_write = false;
  // Chooses the length of each torn prefix, as a hash of the seed and the file's
  // path: the same seed and path always keep the same length. Default 0.
  uint64_t seed = 0;
};

class FaultInjectionEnv final : public Env {
 public:
  // `target` is not owned and must outlive this Env.
  explicit FaultInjectionEnv(Env* target);
  ~FaultInjectionEnv() override;

  FaultInjectionEnv(const FaultInjectionEnv&) = delete;
  FaultInjectionEnv& operator=(const FaultInjectionEnv&) = delete;

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<bool> FileExists(const std::string& path) override;
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override;
  Status DeleteFile(const std::string& path) override;
  Status CreateDirIfMissing(const std::string& dir) override;
  Status DeleteDir(const std::string& dir) override;
  Result<uint64_t> GetFileSize(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;
  // Passed through untracked. Locks survive SimulatePowerLoss(); destroy them to
  // model the process dying.
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;
  Clock* clock() override { return target_->clock(); }

  // The machine loses power, and this Env makes the target look as the disk would
  // after a reboot: every tracked file is cut back to its durable size (or torn, see
  // PowerLossOptions), then the directory operations not made durable by SyncDir()
  // are undone, newest first: created files and directories (with everything in
  // them) are removed, renames are moved back and the files they replaced restored.
  // Every handle opened before the call is then stale: all its calls fail with an
  // IoError (EIO). Tracking starts afresh from what is now on the target, which
  // counts as durable. Fault rules are kept.
  //
  // Returns the first error the target reported while rolling back; the rollback
  // still does as much as it can.
  Status SimulatePowerLoss(const PowerLossOptions& options = {});

  // Adds a rule. Rules are checked in the order added; the first that fires decides,
  // and rules after it do not count the operation towards their `skip`. A rule is
  // dropped once it has failed `times` operations.
  void InjectFault(FaultRule rule);
  // Drops all rules. The counters are kept.
  void ClearFaults();
  // How many operations failed because of a rule, in total or of one kind.
  int64_t faults_fired() const;
  int64_t faults_fired(FaultOp op) const;

  // Bytes written and bytes durable of a file written through this Env since the
  // last power loss; nullopt if it is not tracked.
  struct FileDurability {
    uint64_t written = 0;
    uint64_t durable = 0;
  };
  std::optional<FileDurability> GetFileDurability(const std::string& path) const;
  // The number of directory operations a power loss would undo now.
  size_t unsynced_dir_ops() const;

 private:
  class WritableFileImpl;
  class SequentialFileImpl;
  class RandomAccessFileImpl;

  // What is known about one file's data. Shared by the entry in files_ and by open
  // writable handles, so it follows the file through renames. Guarded by mu_.
  struct FileState {
    std::string path;  // the file's current name; empty once deleted or replaced
    uint64_t written = 0;
    uint64_t durable = 0;
    // The last Append() since the last Sync(), for tearing; size 0 when none.
    uint64_t last_append_offset = 0;
    uint64_t last_append_size = 0;
  };

  // A directory operation that a power loss would undo.
  struct DirOp {
    enum class Kind : uint8_t { kCreateFile, kCreateDir, kRename };
    Kind kind = Kind::kCreateFile;
    std::string path;               // what was created, or the rename's destination
    std::string from;               // the rename's source
    bool replaced = false;          // the rename replaced an existing file at `path`
    std::string replaced_contents;  // that file's durable contents
    // The directories whose SyncDir() is still needed to make the operation durable.
    std::vector<std::string> unsynced_dirs;
  };

  Status MaybeFailLocked(FaultOp op, const std::string& path,
                         const std::string& other_path = std::string());
  Result<std::unique_ptr<WritableFile>> OpenWritableLocked(const std::string& path, bool truncate);
  Status UndoLocked(const DirOp& op);
  Status RemoveTreeLocked(const std::string& path);

  Env* const target_;

  mutable std::mutex mu_;
  // Tracked files by normalized path. Guarded by mu_.
  std::map<std::string, std::shared_ptr<FileState>> files_;
  // Directory operations not yet durable, oldest first. Guarded by mu_.
  std::vector<DirOp> dir_ops_;
  // Guarded by mu_.
  std::vector<FaultRule> rules_;
  // Writable handles whose target file is open, closed by a power loss. Guarded by mu_.
  std::set<WritableFileImpl*> open_writables_;
  // Incremented by each power loss; handles from an older epoch are stale. Guarded by
  // mu_.
  uint64_t epoch_ = 0;
  // Guarded by mu_.
  int64_t faults_fired_[kNumFaultOps] = {};
};

}  // namespace weir
