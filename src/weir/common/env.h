// Env: the only way weir touches the file system or the clock. Every file, directory,
// fsync, rename and clock access of the engine goes through an Env, so that tests can
// run on an in-memory file system (NewMemEnv) or one that injects faults and loses
// power (FaultInjectionEnv).
//
// Durability contract, which every Env implements or simulates and every caller
// must follow:
//   - Bytes appended to a WritableFile are durable only after a successful Sync() of
//     that file. Flush() and Close() make them visible to readers, not durable.
//   - A directory entry -- a newly created file or directory, or the new name of a
//     renamed file -- is durable only after a successful SyncDir() of the directory
//     that holds it (for a rename, of both directories involved).
//   - So a file is safely on disk only after Sync() of the file and SyncDir() of its
//     parent. WriteStringToFileSync() below does the whole sequence.
//   - After a failed Sync(), what reached the disk is unknown; treat the file as
//     damaged and do not retry the Sync() hoping for success (on Linux a retry may
//     succeed after the kernel has dropped the unwritten data).
//
// Errors: a missing file or directory is NotFound; every other failure is an IoError
// whose sys_errno() is the errno of the failed call (or, for an Env that is not
// backed by system calls, the errno POSIX would have reported). Messages name the
// operation and the path: "open /data/log/000001.seg: No such file or directory".
//
// Paths are '/'-separated strings. Relative paths are resolved against the current
// directory of the process (POSIX) or against the root (mem env).

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/clock.h"
#include "weir/common/result.h"
#include "weir/common/status.h"

namespace weir {

// A file opened for reading from start to end.
//
// Thread-safety: not thread-safe; use from one thread at a time.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;

  // Reads up to `n` bytes from the current position into `*out`, replacing its
  // contents, and advances the position past them. Fewer than `n` bytes are returned
  // only at the end of the file; an empty `*out` means the position is at or past the
  // end. On error `*out` is unspecified.
  virtual Status Read(size_t n, std::string* out) = 0;

  // Advances the position by `n` bytes without reading them. Skipping past the end
  // of the file is not an error; later reads return nothing.
  virtual Status Skip(uint64_t n) = 0;
};

// A file opened for reads at arbitrary offsets.
//
// Thread-safety: thread-safe; Read() and Size() may be called concurrently.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;

  // Reads up to `n` bytes starting at `offset` into `*out`, replacing its contents.
  // Fewer than `n` bytes are returned only when the read reaches the end of the file;
  // an offset at or past the end returns an empty `*out`. On error `*out` is
  // unspecified.
  virtual Status Read(uint64_t offset, size_t n, std::string* out) const = 0;

  // The current size of the file in bytes.
  virtual Result<uint64_t> Size() const = 0;
};

// A file opened for writing at its end.
//
// Appended bytes may sit in a buffer inside the object until Flush(), Sync() or
// Close(); only then do readers of the file see them. They are durable only after
// Sync() returns OK (see the durability contract above). Destroying an open file
// closes it and ignores any error; call Close() to see the error.
//
// Thread-safety: not thread-safe; use from one thread at a time.
class WritableFile {
 public:
  virtual ~WritableFile() = default;

  // Appends `data` at the end of the file. A failed Append may have written any
  // prefix of `data`.
  virtual Status Append(std::string_view data) = 0;

  // Hands buffered bytes to the operating system, making them visible to readers.
  // Does not make them durable.
  virtual Status Flush() = 0;

  // Flushes, then makes every byte appended so far durable (fdatasync or fsync).
  // It does not make the file's directory entry durable; see Env::SyncDir().
  virtual Status Sync() = 0;

  // Flushes and releases the file. Every later call returns an error. Closing does
  // not make anything durable.
  virtual Status Close() = 0;

  // The size of the file as written through this object: its size when it was opened
  // plus every byte appended since, buffered or not.
  virtual uint64_t Size() const = 0;
};

// An exclusive lock on a file, held until this object is destroyed.
//
// Thread-safety: not thread-safe; a lock object is owned by one thread at a time.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

// The file system and clock of the engine.
//
// Objects returned by an Env (files, locks) must be destroyed before the Env.
//
// Thread-safety: every Env is thread-safe; all methods may be called concurrently.
class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env, using SystemClock(). Never null, never deleted.
  static Env* Default();

  // Opens an existing file for sequential reading. NotFound if it does not exist.
  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;

  // Opens an existing file for random-access reading. NotFound if it does not exist.
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;

  // Creates the file, or truncates it to empty if it exists, and opens it for
  // writing. NotFound if the parent directory does not exist.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;

  // Creates the file if it does not exist and opens it for appending at its end.
  // NotFound if the parent directory does not exist.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;

  // Whether `path` names an existing file or directory. An error only when the
  // question cannot be answered (e.g. permission denied on a parent).
  virtual Result<bool> FileExists(const std::string& path) = 0;

  // The names (not paths) of the entries of directory `dir`, sorted bytewise, without
  // "." and "..". NotFound if `dir` does not exist.
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;

  // Removes a file. NotFound if it does not exist; an IoError (EISDIR) for a directory.
  virtual Status DeleteFile(const std::string& path) = 0;

  // Creates directory `dir`. OK if it already exists as a directory; an IoError
  // (EEXIST) if it exists as something else; NotFound if its parent does not exist.
  virtual Status CreateDirIfMissing(const std::string& dir) = 0;

  // Creates directory `dir` and any missing parents, like `mkdir -p`. Implemented with
  // CreateDirIfMissing(), one call per path component, outermost first.
  Status CreateDirs(const std::string& dir);

  // Removes an empty directory. NotFound if it does not exist; an IoError
  // (ENOTEMPTY) if it is not empty.
  virtual Status DeleteDir(const std::string& dir) = 0;

  // The size of a file in bytes. NotFound if it does not exist; an IoError (EISDIR)
  // for a directory.
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;

  // Renames file `from` to `to`, atomically replacing `to` if it exists: a concurrent
  // reader of `to` sees either the old file or the new one. Renaming a directory is
  // not part of the contract. NotFound if `from` does not exist.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;

  // Sets the size of a file, dropping bytes past `size` or extending it with zero
  // bytes. NotFound if it does not exist.
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;

  // Makes the directory entries of `dir` durable: files and directories created in
  // it and renames into or out of it. NotFound if it does not exist; an IoError
  // (ENOTDIR) if it is not a directory.
  virtual Status SyncDir(const std::string& dir) = 0;

  // Takes an exclusive lock on `path`, creating the file if needed; the file is left
  // in place after the lock is released. Does not block: if the lock is held, by
  // this process or another, returns an IoError (EAGAIN). The lock is released when
  // the returned object is destroyed. Used to keep two processes from opening one
  // data directory.
  //
  // POSIX: an fcntl() lock, which the kernel drops when ANY descriptor of the file in
  // this process is closed, so never open a lock file for anything else.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // The clock of this Env. Never null; lives as long as the Env.
  virtual Clock* clock() = 0;
};

// Returns an Env holding a file system entirely in memory, for fast tests. It behaves
// like the POSIX Env, down to the errno of its errors, with these differences: paths
// are normalized lexically (empty and "." components are ignored, ".." removes the
// previous component, and relative paths start at the root, so "a/b", "/a/b" and
// "/a//b/" are one file); the root always exists; renaming a directory is
// Unsupported; Sync() and SyncDir() do nothing, as nothing survives the Env anyway.
// Files stay readable through open handles after they are deleted or renamed, as on
// POSIX. `clock` is not owned and must outlive the Env; nullptr means SystemClock().
std::unique_ptr<Env> NewMemEnv(Clock* clock = nullptr);

// Writes `data` to `path` so that after a crash at any point `path` holds either its
// previous contents (or does not exist, if it did not) or exactly `data`, never a
// mix: writes `path + ".tmp"`, Syncs and Closes it, renames it over `path`, and
// SyncDirs the parent of `path`. On an error before the rename the temporary file is
// removed (best effort) and `path` is unchanged. An error from the final SyncDir
// leaves the new contents visible but not known to be durable.
Status WriteStringToFileSync(Env* env, std::string_view data, const std::string& path);

// Returns the whole contents of a file. NotFound if it does not exist.
Result<std::string> ReadFileToString(Env* env, const std::string& path);

// The directory part of `path`, lexically: "a/b/c" -> "a/b", "/a" -> "/", "a" -> ".",
// "a/b/" -> "a". Used to find the directory to SyncDir() after creating a file.
std::string DirName(std::string_view path);

// The Status an Env returns for a failed call with errno `err`: NotFound for ENOENT,
// otherwise IoErrorFromErrno(context, err). `context` names the operation and the
// path, e.g. "open /data/x".
Status EnvErrorFromErrno(std::string_view context, int err);

}  // namespace weir
