// The POSIX Env: Env::Default().

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <set>
#include <string>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "weir/common/env.h"

namespace weir {

namespace {

// Appends are gathered into a buffer of this size so that small records do not each
// cost a write(2).
constexpr size_t kWritableBufferSize = 64 * 1024;

// Retries a system call returning -1 with errno EINTR.
template <typename F>
auto RetryOnEintr(F f) {
  decltype(f()) r;
  do {
    r = f();
  } while (r == -1 && errno == EINTR);
  return r;
}

Status ClosedFileError(std::string_view op, const std::string& path) {
  return IoErrorFromErrno(std::string(op) + " " + path + " (file closed)", EBADF);
}

// Thread-safety: not thread-safe, like every SequentialFile.
class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Status Read(size_t n, std::string* out) override {
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = RetryOnEintr([&] { return ::read(fd_, out->data() + got, n - got); });
      if (r < 0) return EnvErrorFromErrno("read " + path_, errno);
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out->resize(got);
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0) {
      return EnvErrorFromErrno("seek " + path_, errno);
    }
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

// Thread-safety: thread-safe; its state is immutable and reads use pread(2).
class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  // pread(2) does not move a shared position, so concurrent reads need no lock.
  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = RetryOnEintr([&] {
        return ::pread(fd_, out->data() + got, n - got, static_cast<off_t>(offset + got));
      });
      if (r < 0) return EnvErrorFromErrno("read " + path_, errno);
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out->resize(got);
    return Status::OK();
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return EnvErrorFromErrno("stat " + path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  const std::string path_;
  const int fd_;
};

// Thread-safety: not thread-safe, like every WritableFile.
class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t initial_size)
      : path_(std::move(path)), fd_(fd), size_(initial_size) {
    buffer_.reserve(kWritableBufferSize);
  }
  ~PosixWritableFile() override {
    if (fd_ >= 0) Close().IgnoreError();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return ClosedFileError("append", path_);
    if (buffer_.size() + data.size() > kWritableBufferSize) {
      RETURN_NOT_OK(FlushBuffer());
      if (data.size() > kWritableBufferSize / 2) {
        // Too big to be worth copying: write it directly.
        RETURN_NOT_OK(WriteFully(data));
        size_ += data.size();
        return Status::OK();
      }
    }
    buffer_.append(data);
    size_ += data.size();
    return Status::OK();
  }

  Status Flush() override {
    if (fd_ < 0) return ClosedFileError("flush", path_);
    return FlushBuffer();
  }

  Status Sync() override {
    if (fd_ < 0) return ClosedFileError("sync", path_);
    RETURN_NOT_OK(FlushBuffer());
#if defined(__linux__)
    // fdatasync also writes the metadata needed to read the data back, such as the
    // size of a file that grew; it skips only timestamps.
    int r = RetryOnEintr([&] { return ::fdatasync(fd_); });
#else
    int r = RetryOnEintr([&] { return ::fsync(fd_); });
#endif
    if (r != 0) return EnvErrorFromErrno("sync " + path_, errno);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return ClosedFileError("close", path_);
    Status s = FlushBuffer();
    // close(2) is not retried on EINTR: on Linux the descriptor is released anyway,
    // and a retry could close a descriptor another thread just opened.
    if (::close(fd_) != 0 && s.ok()) s = EnvErrorFromErrno("close " + path_, errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

 private:
  Status FlushBuffer() {
    Status s = WriteFully(buffer_);
    buffer_.clear();
    return s;
  }

  // Writes all of `data`, continuing after short writes.
  Status WriteFully(std::string_view data) {
    while (!data.empty()) {
      ssize_t r = RetryOnEintr([&] { return ::write(fd_, data.data(), data.size()); });
      if (r < 0) return EnvErrorFromErrno("write " + path_, errno);
      data.remove_prefix(static_cast<size_t>(r));
    }
    return Status::OK();
  }

  const std::string path_;
  int fd_;  // -1 once closed
  uint64_t size_;
  std::string buffer_;
};

// The paths this process holds fcntl() locks on. fcntl() locks belong to the process,
// so a second lock of the same file from the same process would succeed; this table
// makes it fail, as it would from another process.
//
// Thread-safety: thread-safe; mu_ guards paths_.
class LockTable {
 public:
  bool Insert(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return paths_.insert(path).second;
  }
  void Remove(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_.erase(path);
  }

 private:
  std::mutex mu_;
  std::set<std::string> paths_;  // guarded by mu_
};

int SetFcntlLock(int fd, int type) {
  struct flock f = {};
  f.l_type = static_cast<decltype(f.l_type)>(type);
  f.l_whence = SEEK_SET;
  f.l_start = 0;
  f.l_len = 0;  // the whole file
  return RetryOnEintr([&] { return ::fcntl(fd, F_SETLK, &f); });
}

// Thread-safety: not thread-safe, like every FileLock.
class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(LockTable* table, std::string path, int fd)
      : table_(table), path_(std::move(path)), fd_(fd) {}
  ~PosixFileLock() override {
    SetFcntlLock(fd_, F_UNLCK);
    ::close(fd_);
    table_->Remove(path_);
  }

 private:
  LockTable* const table_;
  const std::string path_;
  const int fd_;
};

// Thread-safety: thread-safe; its only state, locks_, is thread-safe.
class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return EnvErrorFromErrno("open " + path, errno);
    return std::unique_ptr<SequentialFile>(new PosixSequentialFile(path, fd));
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return EnvErrorFromErrno("open " + path, errno);
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, fd));
  }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    int fd = RetryOnEintr(
        [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); });
    if (fd < 0) return EnvErrorFromErrno("open " + path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd, 0));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    int fd = RetryOnEintr(
        [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644); });
    if (fd < 0) return EnvErrorFromErrno("open " + path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = EnvErrorFromErrno("stat " + path, errno);
      ::close(fd);
      return s;
    }
    return std::unique_ptr<WritableFile>(
        new PosixWritableFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<bool> FileExists(const std::string& path) override {
    if (::access(path.c_str(), F_OK) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return EnvErrorFromErrno("access " + path, errno);
  }

  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return EnvErrorFromErrno("opendir " + dir, errno);
    std::vector<std::string> names;
    while (true) {
      errno = 0;
      struct dirent* entry = ::readdir(d);
      if (entry == nullptr) break;
      std::string_view name(entry->d_name);
      if (name == "." || name == "..") continue;
      names.emplace_back(name);
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) return EnvErrorFromErrno("readdir " + dir, err);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return EnvErrorFromErrno("unlink " + path, errno);
    return Status::OK();
  }

  Status CreateDirIfMissing(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) == 0) return Status::OK();
    int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::OK();
    }
    return EnvErrorFromErrno("mkdir " + dir, err);
  }

  Status DeleteDir(const std::string& dir) override {
    if (::rmdir(dir.c_str()) != 0) return EnvErrorFromErrno("rmdir " + dir, errno);
    return Status::OK();
  }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return EnvErrorFromErrno("stat " + path, errno);
    if (S_ISDIR(st.st_mode)) return IoErrorFromErrno("stat " + path, EISDIR);
    return static_cast<uint64_t>(st.st_size);
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return EnvErrorFromErrno("rename " + from + " to " + to, errno);
    }
    return Status::OK();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    int r = RetryOnEintr([&] { return ::truncate(path.c_str(), static_cast<off_t>(size)); });
    if (r != 0) return EnvErrorFromErrno("truncate " + path, errno);
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = RetryOnEintr([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return EnvErrorFromErrno("open " + dir, errno);
    Status s;
    if (RetryOnEintr([&] { return ::fsync(fd); }) != 0) {
      s = EnvErrorFromErrno("fsync " + dir, errno);
    }
    ::close(fd);
    return s;
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    if (!locks_.Insert(path)) {
      return IoErrorFromErrno("lock " + path + " (held by this process)", EAGAIN);
    }
    int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644); });
    if (fd < 0) {
      Status s = EnvErrorFromErrno("open " + path, errno);
      locks_.Remove(path);
      return s;
    }
    if (SetFcntlLock(fd, F_WRLCK) != 0) {
      int err = errno;
      ::close(fd);
      locks_.Remove(path);
      if (err == EACCES || err == EAGAIN) {
        // POSIX allows either errno for a lock held elsewhere; report one.
        return IoErrorFromErrno("lock " + path + " (held by another process)", EAGAIN);
      }
      return EnvErrorFromErrno("lock " + path, err);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(&locks_, path, fd));
  }

  Clock* clock() override { return SystemClock(); }

 private:
  LockTable locks_;
};

}  // namespace

Env* Env::Default() {
  // Leaked on purpose: files and locks may be released during static destruction.
  static Env* const env = new PosixEnv();
  return env;
}

}  // namespace weir
