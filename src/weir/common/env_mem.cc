// The in-memory Env: NewMemEnv().

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "weir/common/env.h"

namespace weir {

namespace {

// The contents of one file: the in-memory inode. Shared by the directory entry and
// every open handle, so a handle keeps working after the file is renamed or deleted.
//
// Thread-safety: thread-safe; mu guards data.
struct MemFile {
  std::mutex mu;
  std::string data;  // guarded by mu
};

// Returns `path` in normal form: components joined by '/', without a leading or
// trailing '/'. Empty and "." components are dropped and ".." drops the previous
// component. The root is "".
std::string Normalize(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(pos, end - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = end + 1;
  }
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

// The parent of a normalized path other than the root.
std::string ParentOf(const std::string& norm) {
  size_t slash = norm.rfind('/');
  return slash == std::string::npos ? std::string() : norm.substr(0, slash);
}

// Thread-safety: not thread-safe, like every SequentialFile (file_ is).
class MemSequentialFile final : public SequentialFile {
 public:
  explicit MemSequentialFile(std::shared_ptr<MemFile> file) : file_(std::move(file)) {}

  Status Read(size_t n, std::string* out) override {
    std::lock_guard<std::mutex> lock(file_->mu);
    const std::string& data = file_->data;
    if (pos_ >= data.size()) {
      out->clear();
    } else {
      out->assign(data, static_cast<size_t>(pos_), n);
    }
    pos_ += out->size();
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    pos_ += n;
    return Status::OK();
  }

 private:
  const std::shared_ptr<MemFile> file_;
  uint64_t pos_ = 0;
};

// Thread-safety: thread-safe; each call holds file_->mu.
class MemRandomAccessFile final : public RandomAccessFile {
 public:
  explicit MemRandomAccessFile(std::shared_ptr<MemFile> file) : file_(std::move(file)) {}

  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    std::lock_guard<std::mutex> lock(file_->mu);
    const std::string& data = file_->data;
    if (offset >= data.size()) {
      out->clear();
    } else {
      out->assign(data, static_cast<size_t>(offset), n);
    }
    return Status::OK();
  }

  Result<uint64_t> Size() const override {
    std::lock_guard<std::mutex> lock(file_->mu);
    return static_cast<uint64_t>(file_->data.size());
  }

 private:
  const std::shared_ptr<MemFile> file_;
};

// Thread-safety: not thread-safe, like every WritableFile (file_ is).
class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::string path, std::shared_ptr<MemFile> file, uint64_t size)
      : path_(std::move(path)), file_(std::move(file)), size_(size) {}

  Status Append(std::string_view data) override {
    RETURN_NOT_OK(CheckOpen("append"));
    std::lock_guard<std::mutex> lock(file_->mu);
    file_->data.append(data);
    size_ += data.size();
    return Status::OK();
  }

  Status Flush() override { return CheckOpen("flush"); }
  Status Sync() override { return CheckOpen("sync"); }

  Status Close() override {
    RETURN_NOT_OK(CheckOpen("close"));
    closed_ = true;
    return Status::OK();
  }

  uint64_t Size() const override { return size_; }

 private:
  Status CheckOpen(std::string_view op) const {
    if (!closed_) return Status::OK();
    return IoErrorFromErrno(std::string(op) + " " + path_ + " (file closed)", EBADF);
  }

  const std::string path_;
  const std::shared_ptr<MemFile> file_;
  uint64_t size_;
  bool closed_ = false;
};

class MemEnv;

// Releases its entry in MemEnv::locks_ when destroyed.
// Thread-safety: not thread-safe, like every FileLock.
class MemFileLock final : public FileLock {
 public:
  MemFileLock(MemEnv* env, std::string norm) : env_(env), norm_(std::move(norm)) {}
  ~MemFileLock() override;

 private:
  MemEnv* const env_;
  const std::string norm_;
};

// Thread-safety: thread-safe. mu_ guards the namespace (nodes_, locks_); each file's
// contents are guarded by its own MemFile::mu; the two are never held together.
class MemEnv final : public Env {
 public:
  explicit MemEnv(Clock* clock) : clock_(clock != nullptr ? clock : SystemClock()) {}

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    ASSIGN_OR_RAISE(std::shared_ptr<MemFile> file, OpenExisting("open", path));
    return std::unique_ptr<SequentialFile>(new MemSequentialFile(std::move(file)));
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    ASSIGN_OR_RAISE(std::shared_ptr<MemFile> file, OpenExisting("open", path));
    return std::unique_ptr<RandomAccessFile>(new MemRandomAccessFile(std::move(file)));
  }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    ASSIGN_OR_RAISE(std::shared_ptr<MemFile> file, OpenOrCreate(path));
    std::lock_guard<std::mutex> lock(file->mu);
    file->data.clear();
    return std::unique_ptr<WritableFile>(new MemWritableFile(path, file, 0));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    ASSIGN_OR_RAISE(std::shared_ptr<MemFile> file, OpenOrCreate(path));
    std::lock_guard<std::mutex> lock(file->mu);
    uint64_t size = file->data.size();
    return std::unique_ptr<WritableFile>(new MemWritableFile(path, file, size));
  }

  Result<bool> FileExists(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    return FindLocked(Normalize(path)) != nullptr;
  }

  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string norm = Normalize(dir);
    const Node* node = FindLocked(norm);
    if (node == nullptr) return ErrorLocked("opendir " + dir, norm, ENOENT);
    if (!node->is_dir) return IoErrorFromErrno("opendir " + dir, ENOTDIR);
    std::string prefix = norm.empty() ? std::string() : norm + "/";
    std::vector<std::string> names;
    for (auto it = nodes_.lower_bound(prefix);
         it != nodes_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      std::string_view name = std::string_view(it->first).substr(prefix.size());
      if (name.find('/') == std::string_view::npos) names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  Status DeleteFile(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string norm = Normalize(path);
    const Node* node = FindLocked(norm);
    if (node == nullptr) return ErrorLocked("unlink " + path, norm, ENOENT);
    if (node->is_dir) return IoErrorFromErrno("unlink " + path, EISDIR);
    nodes_.erase(norm);
    return Status::OK();
  }

  Status CreateDirIfMissing(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string norm = Normalize(dir);
    const Node* node = FindLocked(norm);
    if (node != nullptr) {
      return node->is_dir ? Status::OK() : IoErrorFromErrno("mkdir " + dir, EEXIST);
    }
    RETURN_NOT_OK(CheckParentLocked("mkdir " + dir, norm));
    nodes_[norm] = Node{true, nullptr};
    return Status::OK();
  }

  Status DeleteDir(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string norm = Normalize(dir);
    if (norm.empty()) return IoErrorFromErrno("rmdir " + dir, EBUSY);
    const Node* node = FindLocked(norm);
    if (node == nullptr) return ErrorLocked("rmdir " + dir, norm, ENOENT);
    if (!node->is_dir) return IoErrorFromErrno("rmdir " + dir, ENOTDIR);
    std::string prefix = norm + "/";
    auto child = nodes_.lower_bound(prefix);
    if (child != nodes_.end() && child->first.compare(0, prefix.size(), prefix) == 0) {
      return IoErrorFromErrno("rmdir " + dir, ENOTEMPTY);
    }
    nodes_.erase(norm);
    return Status::OK();
  }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    ASSIGN_OR_RAISE(std::shared_ptr<MemFile> file, OpenExisting("stat", path));
    std::lock_guard<std::mutex> lock(file->mu);
    return static_cast<uint64_t>(file->data.size());
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string context = "rename " + from + " to " + to;
    std::string norm_from = Normalize(from);
    std::string norm_to = Normalize(to);
    const Node* src = FindLocked(norm_from);
    if (src == nullptr) return ErrorLocked(context, norm_from, ENOENT);
    if (src->is_dir) {
      return Status::Unsupported(context + ": the mem env does not rename directories");
    }
    if (norm_from == norm_to) return Status::OK();
    RETURN_NOT_OK(CheckParentLocked(context, norm_to));
    const Node* dst = FindLocked(norm_to);
    if (dst != nullptr && dst->is_dir) return IoErrorFromErrno(context, EISDIR);
    Node moved = *src;
    nodes_.erase(norm_from);
    nodes_[norm_to] = std::move(moved);
    return Status::OK();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    ASSIGN_OR_RAISE(std::shared_ptr<MemFile> file, OpenExisting("truncate", path));
    std::lock_guard<std::mutex> lock(file->mu);
    file->data.resize(static_cast<size_t>(size), '\0');
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string norm = Normalize(dir);
    const Node* node = FindLocked(norm);
    if (node == nullptr) return ErrorLocked("open " + dir, norm, ENOENT);
    if (!node->is_dir) return IoErrorFromErrno("open " + dir, ENOTDIR);
    return Status::OK();
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    RETURN_NOT_OK(OpenOrCreate(path));
    std::lock_guard<std::mutex> lock(mu_);
    std::string norm = Normalize(path);
    if (!locks_.insert(norm).second) {
      return IoErrorFromErrno("lock " + path + " (held by this process)", EAGAIN);
    }
    return std::unique_ptr<FileLock>(new MemFileLock(this, norm));
  }

  Clock* clock() override { return clock_; }

  void Unlock(const std::string& norm) {
    std::lock_guard<std::mutex> lock(mu_);
    locks_.erase(norm);
  }

 private:
  struct Node {
    bool is_dir = false;
    std::shared_ptr<MemFile> file;  // null for a directory
  };

  // Returns the node at a normalized path, or nullptr. The root is a directory.
  const Node* FindLocked(const std::string& norm) const {
    static const Node kRoot{true, nullptr};
    if (norm.empty()) return &kRoot;
    auto it = nodes_.find(norm);
    return it == nodes_.end() ? nullptr : &it->second;
  }

  // The error for a lookup of `norm` that failed: POSIX reports ENOTDIR rather than
  // ENOENT when a component on the way is a file.
  Status ErrorLocked(const std::string& context, const std::string& norm, int err) const {
    if (err == ENOENT) {
      for (std::string p = norm; !p.empty();) {
        p = ParentOf(p);
        const Node* node = FindLocked(p);
        if (node != nullptr) {
          if (!node->is_dir) err = ENOTDIR;
          break;
        }
      }
    }
    return EnvErrorFromErrno(context, err);
  }

  // OK if the parent of `norm` exists and is a directory. REQUIRES: norm is not root.
  Status CheckParentLocked(const std::string& context, const std::string& norm) const {
    std::string parent = ParentOf(norm);
    const Node* node = FindLocked(parent);
    if (node == nullptr) return ErrorLocked(context, parent, ENOENT);
    if (!node->is_dir) return IoErrorFromErrno(context, ENOTDIR);
    return Status::OK();
  }

  Result<std::shared_ptr<MemFile>> OpenExisting(std::string_view op, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string norm = Normalize(path);
    std::string context = std::string(op) + " " + path;
    const Node* node = FindLocked(norm);
    if (node == nullptr) return ErrorLocked(context, norm, ENOENT);
    if (node->is_dir) return IoErrorFromErrno(context, EISDIR);
    return node->file;
  }

  Result<std::shared_ptr<MemFile>> OpenOrCreate(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string norm = Normalize(path);
    std::string context = "open " + path;
    const Node* node = FindLocked(norm);
    if (node != nullptr) {
      if (node->is_dir) return IoErrorFromErrno(context, EISDIR);
      return node->file;
    }
    RETURN_NOT_OK(CheckParentLocked(context, norm));
    auto file = std::make_shared<MemFile>();
    nodes_[norm] = Node{false, file};
    return file;
  }

  Clock* const clock_;
  std::mutex mu_;
  // Every file and directory but the root, by normalized path. Invariant: the parent
  // of every entry is the root or a directory entry. Guarded by mu_.
  std::map<std::string, Node> nodes_;
  // Normalized paths of the files locked by LockFile(). Guarded by mu_.
  std::set<std::string> locks_;
};

MemFileLock::~MemFileLock() { env_->Unlock(norm_); }

}  // namespace

std::unique_ptr<Env> NewMemEnv(Clock* clock) { return std::make_unique<MemEnv>(clock); }

}  // namespace weir
