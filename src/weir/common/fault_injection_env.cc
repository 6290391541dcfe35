#include "weir/common/fault_injection_env.h"

#include <algorithm>
#include <utility>

#include "weir/common/check.h"

namespace weir {

namespace {

// Lexical normal form of a path, used as the key of tracked files and directories:
// repeated '/' and "." components are dropped, as is a trailing '/'. ".." is kept
// (resolving it lexically is wrong across symbolic links). "" and "." become ".".
std::string NormalizePath(std::string_view path) {
  const bool absolute = !path.empty() && path[0] == '/';
  std::string out = absolute ? "/" : "";
  size_t pos = 0;
  while (pos < path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(pos, end - pos);
    if (!part.empty() && part != ".") {
      if (!out.empty() && out.back() != '/') out += '/';
      out += part;
    }
    pos = end + 1;
  }
  return out.empty() ? "." : out;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The length of the prefix kept of a torn write of `size` bytes: in [0, size), a
// function of the seed and the path only, so that a test can be replayed.
uint64_t TornLength(uint64_t seed, std::string_view path, uint64_t size) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, stable across platforms
  for (char c : path) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return SplitMix64(seed ^ SplitMix64(h)) % size;
}

Status StaleHandleError(std::string_view op, const std::string& path) {
  return IoErrorFromErrno(
      std::string(op) + " " + path + " (stale handle: opened before a simulated power loss)", EIO);
}

Status IgnoreNotFound(Status s) { return s.IsNotFound() ? Status::OK() : s; }

}  // namespace

std::string_view FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kAppend:
      return "append";
    case FaultOp::kSync:
      return "sync";
    case FaultOp::kSyncDir:
      return "syncdir";
    case FaultOp::kRename:
      return "rename";
    case FaultOp::kCreate:
      return "create";
    case FaultOp::kRead:
      return "read";
  }
  return "unknown";
}

// Thread-safety: like any WritableFile, used by one thread at a time; its shared
// state (state_, target_) is guarded by env_->mu_.
class FaultInjectionEnv::WritableFileImpl final : public WritableFile {
 public:
  WritableFileImpl(FaultInjectionEnv* env, std::string path, std::shared_ptr<FileState> state,
                   std::unique_ptr<WritableFile> target)
      : env_(env),
        open_path_(std::move(path)),
        state_(std::move(state)),
        target_(std::move(target)),
        epoch_(env->epoch_),
        size_(target_->Size()) {}

  ~WritableFileImpl() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    env_->open_writables_.erase(this);
    target_.reset();
  }

  Status Append(std::string_view data) override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    RETURN_NOT_OK(CheckUsableLocked("append"));
    RETURN_NOT_OK(env_->MaybeFailLocked(FaultOp::kAppend, PathLocked()));
    RETURN_NOT_OK(target_->Append(data));
    if (!data.empty()) {
      state_->last_append_offset = state_->written;
      state_->last_append_size = data.size();
      state_->written += data.size();
    }
    size_ += data.size();
    return Status::OK();
  }

  Status Flush() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    RETURN_NOT_OK(CheckUsableLocked("flush"));
    return target_->Flush();
  }

  Status Sync() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    RETURN_NOT_OK(CheckUsableLocked("sync"));
    RETURN_NOT_OK(env_->MaybeFailLocked(FaultOp::kSync, PathLocked()));
    RETURN_NOT_OK(target_->Sync());
    state_->durable = state_->written;
    state_->last_append_size = 0;
    return Status::OK();
  }

  Status Close() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    RETURN_NOT_OK(CheckUsableLocked("close"));
    Status s = target_->Close();
    target_.reset();
    env_->open_writables_.erase(this);
    return s;
  }

  uint64_t Size() const override { return size_; }

  // Called by a power loss: the target file is closed (flushing any buffer, so that
  // the rollback that follows sees every byte) and this handle becomes stale.
  void DropTargetLocked() {
    if (target_ != nullptr) target_->Close().IgnoreError();
    target_.reset();
  }

 private:
  Status CheckUsableLocked(std::string_view op) const {
    if (epoch_ != env_->epoch_) return StaleHandleError(op, open_path_);
    if (target_ == nullptr) {
      return IoErrorFromErrno(std::string(op) + " " + open_path_ + " (file closed)", EBADF);
    }
    return Status::OK();
  }

  // The file's current name, for fault rules and messages.
  const std::string& PathLocked() const { return state_->path.empty() ? open_path_ : state_->path; }

  FaultInjectionEnv* const env_;
  const std::string open_path_;
  const std::shared_ptr<FileState> state_;
  std::unique_ptr<WritableFile> target_;  // null once closed
  const uint64_t epoch_;
  uint64_t size_;  // only touched by the owning thread
};

// Thread-safety: like any SequentialFile, used by one thread at a time; calls into
// target_ are serialized by env_->mu_.
class FaultInjectionEnv::SequentialFileImpl final : public SequentialFile {
 public:
  SequentialFileImpl(FaultInjectionEnv* env, std::string path,
                     std::unique_ptr<SequentialFile> target)
      : env_(env), path_(std::move(path)), target_(std::move(target)), epoch_(env->epoch_) {}

  ~SequentialFileImpl() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    target_.reset();
  }

  Status Read(size_t n, std::string* out) override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    if (epoch_ != env_->epoch_) return StaleHandleError("read", path_);
    RETURN_NOT_OK(env_->MaybeFailLocked(FaultOp::kRead, path_));
    return target_->Read(n, out);
  }

  Status Skip(uint64_t n) override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    if (epoch_ != env_->epoch_) return StaleHandleError("skip", path_);
    return target_->Skip(n);
  }

 private:
  FaultInjectionEnv* const env_;
  const std::string path_;
  std::unique_ptr<SequentialFile> target_;
  const uint64_t epoch_;
};

// Thread-safety: thread-safe; every call holds env_->mu_.
class FaultInjectionEnv::RandomAccessFileImpl final : public RandomAccessFile {
 public:
  RandomAccessFileImpl(FaultInjectionEnv* env, std::string path,
                       std::unique_ptr<RandomAccessFile> target)
      : env_(env), path_(std::move(path)), target_(std::move(target)), epoch_(env->epoch_) {}

  ~RandomAccessFileImpl() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    target_.reset();
  }

  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    if (epoch_ != env_->epoch_) return StaleHandleError("read", path_);
    RETURN_NOT_OK(env_->MaybeFailLocked(FaultOp::kRead, path_));
    return target_->Read(offset, n, out);
  }

  Result<uint64_t> Size() const override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    if (epoch_ != env_->epoch_) return StaleHandleError("stat", path_);
    return target_->Size();
  }

 private:
  FaultInjectionEnv* const env_;
  const std::string path_;
  std::unique_ptr<RandomAccessFile> target_;
  const uint64_t epoch_;
};

FaultInjectionEnv::FaultInjectionEnv(Env* target) : target_(target) {
  WEIR_CHECK(target != nullptr);
}

FaultInjectionEnv::~FaultInjectionEnv() {
  std::lock_guard<std::mutex> lock(mu_);
  WEIR_CHECK(open_writables_.empty());
}

Result<std::unique_ptr<SequentialFile>> FaultInjectionEnv::NewSequentialFile(
    const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string norm = NormalizePath(path);
  ASSIGN_OR_RAISE(std::unique_ptr<SequentialFile> file, target_->NewSequentialFile(norm));
  return std::unique_ptr<SequentialFile>(new SequentialFileImpl(this, norm, std::move(file)));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionEnv::NewRandomAccessFile(
    const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string norm = NormalizePath(path);
  ASSIGN_OR_RAISE(std::unique_ptr<RandomAccessFile> file, target_->NewRandomAccessFile(norm));
  return std::unique_ptr<RandomAccessFile>(new RandomAccessFileImpl(this, norm, std::move(file)));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return OpenWritableLocked(NormalizePath(path), /*truncate=*/true);
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewAppendableFile(
    const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return OpenWritableLocked(NormalizePath(path), /*truncate=*/false);
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::OpenWritableLocked(const std::string& norm,
                                                                            bool truncate) {
  RETURN_NOT_OK(MaybeFailLocked(FaultOp::kCreate, norm));
  ASSIGN_OR_RAISE(bool existed, target_->FileExists(norm));
  std::unique_ptr<WritableFile> file;
  if (truncate) {
    ASSIGN_OR_RAISE(file, target_->NewWritableFile(norm));
  } else {
    ASSIGN_OR_RAISE(file, target_->NewAppendableFile(norm));
  }
  std::shared_ptr<FileState>& state = files_[norm];
  if (state == nullptr) {
    // Not written since the last power loss: what is there counts as durable.
    state = std::make_shared<FileState>();
    state->path = norm;
    state->written = state->durable = file->Size();
  } else if (truncate) {
    // The truncation is durable at once, like Truncate().
    state->written = state->durable = 0;
    state->last_append_size = 0;
  }
  if (!existed) {
    dir_ops_.push_back(DirOp{DirOp::Kind::kCreateFile, norm, "", false, "", {DirName(norm)}});
  }
  auto impl = std::make_unique<WritableFileImpl>(this, norm, state, std::move(file));
  open_writables_.insert(impl.get());
  return std::unique_ptr<WritableFile>(std::move(impl));
}

Result<bool> FaultInjectionEnv::FileExists(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return target_->FileExists(NormalizePath(path));
}

Result<std::vector<std::string>> FaultInjectionEnv::GetChildren(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  return target_->GetChildren(NormalizePath(dir));
}

Status FaultInjectionEnv::DeleteFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string norm = NormalizePath(path);
  RETURN_NOT_OK(target_->DeleteFile(norm));
  auto it = files_.find(norm);
  if (it != files_.end()) {
    it->second->path.clear();
    files_.erase(it);
  }
  return Status::OK();
}

Status FaultInjectionEnv::CreateDirIfMissing(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string norm = NormalizePath(dir);
  RETURN_NOT_OK(MaybeFailLocked(FaultOp::kCreate, norm));
  ASSIGN_OR_RAISE(bool existed, target_->FileExists(norm));
  RETURN_NOT_OK(target_->CreateDirIfMissing(norm));
  if (!existed) {
    dir_ops_.push_back(DirOp{DirOp::Kind::kCreateDir, norm, "", false, "", {DirName(norm)}});
  }
  return Status::OK();
}

Status FaultInjectionEnv::DeleteDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  return target_->DeleteDir(NormalizePath(dir));
}

Result<uint64_t> FaultInjectionEnv::GetFileSize(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return target_->GetFileSize(NormalizePath(path));
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string norm_from = NormalizePath(from);
  std::string norm_to = NormalizePath(to);
  RETURN_NOT_OK(MaybeFailLocked(FaultOp::kRename, norm_from, norm_to));
  if (norm_from == norm_to) return target_->RenameFile(norm_from, norm_to);

  DirOp op{DirOp::Kind::kRename, norm_to, norm_from, false, "", {DirName(norm_from)}};
  if (DirName(norm_to) != op.unsynced_dirs[0]) op.unsynced_dirs.push_back(DirName(norm_to));
  ASSIGN_OR_RAISE(bool replacing, target_->FileExists(norm_to));
  auto replaced_state = files_.find(norm_to);
  if (replacing) {
    // Save what a power loss must bring back: the durable part of the replaced file.
    ASSIGN_OR_RAISE(op.replaced_contents, ReadFileToString(target_, norm_to));
    if (replaced_state != files_.end()) {
      op.replaced_contents.resize(
          std::min<uint64_t>(op.replaced_contents.size(), replaced_state->second->durable));
    }
    op.replaced = true;
  }
  RETURN_NOT_OK(target_->RenameFile(norm_from, norm_to));

  if (replaced_state != files_.end()) {
    replaced_state->second->path.clear();
    files_.erase(replaced_state);
  }
  auto moved = files_.find(norm_from);
  if (moved != files_.end()) {
    std::shared_ptr<FileState> state = std::move(moved->second);
    files_.erase(moved);
    state->path = norm_to;
    files_[norm_to] = std::move(state);
  }
  dir_ops_.push_back(std::move(op));
  return Status::OK();
}

Status FaultInjectionEnv::Truncate(const std::string& path, uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string norm = NormalizePath(path);
  RETURN_NOT_OK(target_->Truncate(norm, size));
  auto it = files_.find(norm);
  if (it != files_.end()) {
    FileState& state = *it->second;
    state.written = size;
    state.durable = std::min(state.durable, size);
    state.last_append_size = 0;
  }
  return Status::OK();
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string norm = NormalizePath(dir);
  RETURN_NOT_OK(MaybeFailLocked(FaultOp::kSyncDir, norm));
  RETURN_NOT_OK(target_->SyncDir(norm));
  for (DirOp& op : dir_ops_) {
    std::erase(op.unsynced_dirs, norm);
  }
  std::erase_if(dir_ops_, [](const DirOp& op) { return op.unsynced_dirs.empty(); });
  return Status::OK();
}

Result<std::unique_ptr<FileLock>> FaultInjectionEnv::LockFile(const std::string& path) {
  return target_->LockFile(NormalizePath(path));
}

Status FaultInjectionEnv::SimulatePowerLoss(const PowerLossOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  Status first_error;
  auto note = [&first_error](Status s) {
    if (first_error.ok() && !s.ok()) first_error = std::move(s);
  };

  // Close the target files first: a buffered target (POSIX) would otherwise write
  // its buffer after the rollback.
  for (WritableFileImpl* file : open_writables_) file->DropTargetLocked();
  open_writables_.clear();

  for (const auto& [path, state] : files_) {
    uint64_t keep = state->durable;
    if (options.tear_last_write && state->last_append_size > 0) {
      keep = state->last_append_offset + TornLength(options.seed, path, state->last_append_size);
    }
    note(IgnoreNotFound(target_->Truncate(path, keep)));
  }

  for (auto it = dir_ops_.rbegin(); it != dir_ops_.rend(); ++it) note(UndoLocked(*it));

  files_.clear();
  dir_ops_.clear();
  ++epoch_;
  return first_error;
}

Status FaultInjectionEnv::UndoLocked(const DirOp& op) {
  switch (op.kind) {
    case DirOp::Kind::kCreateFile:
      return IgnoreNotFound(target_->DeleteFile(op.path));
    case DirOp::Kind::kCreateDir:
      return RemoveTreeLocked(op.path);
    case DirOp::Kind::kRename: {
      ASSIGN_OR_RAISE(bool present, target_->FileExists(op.path));
      if (!present) return Status::OK();  // deleted since; deletions are never undone
      RETURN_NOT_OK(target_->RenameFile(op.path, op.from));
      if (!op.replaced) return Status::OK();
      ASSIGN_OR_RAISE(std::unique_ptr<WritableFile> file, target_->NewWritableFile(op.path));
      RETURN_NOT_OK(file->Append(op.replaced_contents));
      RETURN_NOT_OK(file->Sync());
      return file->Close();
    }
  }
  return Status::Internal("unknown directory operation");
}

Status FaultInjectionEnv::RemoveTreeLocked(const std::string& path) {
  Result<std::vector<std::string>> children = target_->GetChildren(path);
  if (!children.ok()) {
    if (children.status().IsNotFound()) return Status::OK();
    // Not a directory: a file.
    return IgnoreNotFound(target_->DeleteFile(path));
  }
  for (const std::string& child : *children) {
    RETURN_NOT_OK(RemoveTreeLocked(JoinPath(path, child)));
  }
  return IgnoreNotFound(target_->DeleteDir(path));
}

Status FaultInjectionEnv::MaybeFailLocked(FaultOp op, const std::string& path,
                                          const std::string& other_path) {
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    FaultRule& rule = *it;
    if (rule.op != op) continue;
    bool matches =
        path.find(rule.path_substring) != std::string::npos ||
        (!other_path.empty() && other_path.find(rule.path_substring) != std::string::npos);
    if (!matches) continue;
    if (rule.skip > 0) {
      --rule.skip;
      continue;
    }
    const int error = rule.error;
    if (rule.times > 0 && --rule.times == 0) rules_.erase(it);
    ++faults_fired_[static_cast<int>(op)];
    std::string what = other_path.empty() ? path : path + " to " + other_path;
    return IoErrorFromErrno(std::string(FaultOpName(op)) + " " + what + " (injected)", error);
  }
  return Status::OK();
}

void FaultInjectionEnv::InjectFault(FaultRule rule) {
  if (rule.times == 0) return;
  if (rule.times < 0) rule.times = -1;
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back(std::move(rule));
}

void FaultInjectionEnv::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

int64_t FaultInjectionEnv::faults_fired() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t total = 0;
  for (int64_t n : faults_fired_) total += n;
  return total;
}

int64_t FaultInjectionEnv::faults_fired(FaultOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_fired_[static_cast<int>(op)];
}

std::optional<FaultInjectionEnv::FileDurability> FaultInjectionEnv::GetFileDurability(
    const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(NormalizePath(path));
  if (it == files_.end()) return std::nullopt;
  return FileDurability{it->second->written, it->second->durable};
}

size_t FaultInjectionEnv::unsynced_dir_ops() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dir_ops_.size();
}

}  // namespace weir
