#include "weir/stream/checkpoint.h"

#include <algorithm>
#include <charconv>

#include "weir/stream/checkpoint_records.h"

namespace weir::stream {

namespace {

constexpr const char* kOffsetsDir = "offsets";
constexpr const char* kCommitsDir = "commits";

bool IsTmpDebris(const std::string& name) {
  return name.size() > 5 && name.front() == '.' && name.compare(name.size() - 4, 4, ".tmp") == 0;
}

// The epoch a record file's name stands for, or -1 for other names.
int64_t EpochOfName(const std::string& name) {
  if (name.empty() || name.size() > 18) return -1;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
  if (ec != std::errc() || ptr != name.data() + name.size() || v < 0) return -1;
  if (std::to_string(v) != name) return -1;  // "007" is not a record name
  return v;
}

// Creates `dir` and its missing parents so that they survive a power loss: each new
// directory's entry is made durable by syncing its parent.
Status CreateDirsDurably(Env* env, const std::string& dir) {
  std::vector<std::string> missing;
  for (std::string d = dir; !d.empty() && d != "/" && d != ".";) {
    ASSIGN_OR_RAISE(bool exists, env->FileExists(d));
    if (exists) break;
    missing.push_back(d);
    d = DirName(d);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    RETURN_NOT_OK(env->CreateDirIfMissing(*it));
    RETURN_NOT_OK(env->SyncDir(DirName(*it)));
  }
  return Status::OK();
}

Status CorruptFile(const std::string& path, const Status& why) {
  return Status::Corruption("corrupt checkpoint file " + path + ": " + why.message())
      .WithHint(
          "the file failed its checks; restore it from a backup, or move the checkpoint "
          "away to start the query from scratch");
}

// Reads and checks the framing of one record file. NotFound when it does not exist;
// Corruption naming the path when it fails any check.
Result<std::string> ReadRecordFile(Env* env, const std::string& path) {
  Result<uint64_t> size = env->GetFileSize(path);
  if (!size.ok()) return size.status();
  if (*size > internal::kMaxRecordBytes) {
    return CorruptFile(path, Status::Corruption("the file has " + std::to_string(*size) +
                                                " bytes, more than a record can have"));
  }
  return ReadFileToString(env, path);
}

template <typename T>
Result<T> DecodeFile(Env* env, const std::string& path, std::string_view kind,
                     Result<T> (*decode)(std::string_view)) {
  ASSIGN_OR_RAISE(std::string data, ReadRecordFile(env, path));
  Result<std::string_view> body = internal::UnframeRecord(kind, data);
  if (!body.ok()) return CorruptFile(path, body.status());
  Result<T> value = decode(*body);
  if (!value.ok()) return CorruptFile(path, value.status());
  return value;
}

}  // namespace

std::string Checkpoint::PlannedPath(int64_t batch_id) const {
  return dir_ + "/" + kOffsetsDir + "/" + std::to_string(batch_id);
}

std::string Checkpoint::CommitPath(int64_t batch_id) const {
  return dir_ + "/" + kCommitsDir + "/" + std::to_string(batch_id);
}

Result<std::unique_ptr<Checkpoint>> Checkpoint::Open(Env* env, std::string dir,
                                                     const CheckpointMetadata& fresh) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::unique_ptr<Checkpoint> cp(new Checkpoint(env, dir));
  for (const char* sub : {kOffsetsDir, kCommitsDir}) {
    RETURN_NOT_OK(CreateDirsDurably(env, dir + "/" + sub));
  }
  // Debris of writes a crash interrupted: never renamed, so never part of the log.
  for (const std::string& sub :
       {std::string(), std::string("/") + kOffsetsDir, std::string("/") + kCommitsDir}) {
    ASSIGN_OR_RAISE(std::vector<std::string> names, env->GetChildren(dir + sub));
    for (const std::string& name : names) {
      if (IsTmpDebris(name)) RETURN_NOT_OK(env->DeleteFile(dir + sub + "/" + name));
    }
  }
  const std::string path = cp->MetadataPath();
  ASSIGN_OR_RAISE(bool exists, env->FileExists(path));
  if (exists) {
    ASSIGN_OR_RAISE(cp->metadata_, DecodeFile<CheckpointMetadata>(env, path, "metadata",
                                                                  internal::DecodeMetadata));
    return cp;
  }
  // No metadata: the directory must hold no records either, or it is a damaged
  // checkpoint that must not be mistaken for a fresh one.
  ASSIGN_OR_RAISE(std::vector<int64_t> planned, cp->ListEpochs(kOffsetsDir));
  ASSIGN_OR_RAISE(std::vector<int64_t> commits, cp->ListEpochs(kCommitsDir));
  if (!planned.empty() || !commits.empty()) {
    return Status::Corruption("checkpoint " + dir + " has epoch records but no metadata file " +
                              path)
        .WithHint("the metadata file was lost; restore it or move the checkpoint away");
  }
  if (fresh.id.empty()) return Status::Internal("Checkpoint::Open: fresh metadata has no id");
  cp->metadata_ = fresh;
  RETURN_NOT_OK(cp->WriteDurably(
      "", "metadata", internal::FrameRecord("metadata", internal::EncodeMetadata(fresh))));
  cp->created_ = true;
  return cp;
}

Result<std::unique_ptr<Checkpoint>> Checkpoint::OpenReadOnly(Env* env, std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::unique_ptr<Checkpoint> cp(new Checkpoint(env, dir));
  ASSIGN_OR_RAISE(cp->metadata_, DecodeFile<CheckpointMetadata>(env, cp->MetadataPath(), "metadata",
                                                                internal::DecodeMetadata));
  return cp;
}

Result<CommitRecord> Checkpoint::ReadCommit(int64_t batch_id) {
  const std::string path = CommitPath(batch_id);
  ASSIGN_OR_RAISE(CommitRecord c,
                  DecodeFile<CommitRecord>(env_, path, "commit", internal::DecodeCommit));
  if (c.batch_id != batch_id) {
    return CorruptFile(path, Status::Corruption("it records batch " + std::to_string(c.batch_id)));
  }
  return c;
}

Status Checkpoint::RewriteMetadata(const CheckpointMetadata& metadata) {
  RETURN_NOT_OK(WriteDurably(
      "", "metadata", internal::FrameRecord("metadata", internal::EncodeMetadata(metadata))));
  metadata_ = metadata;
  return Status::OK();
}

Status Checkpoint::WriteDurably(const std::string& subdir, const std::string& name,
                                const std::string& data) {
  const std::string dir = subdir.empty() ? dir_ : dir_ + "/" + subdir;
  const std::string tmp = dir + "/." + name + ".tmp";
  const std::string path = dir + "/" + name;
  Status st = [&]() -> Status {
    ASSIGN_OR_RAISE(std::unique_ptr<WritableFile> file, env_->NewWritableFile(tmp));
    RETURN_NOT_OK(file->Append(data));
    RETURN_NOT_OK(file->Sync());
    RETURN_NOT_OK(file->Close());
    return env_->RenameFile(tmp, path);
  }();
  if (!st.ok()) {
    env_->DeleteFile(tmp).IgnoreError();  // best effort; Open removes debris anyway
    return st;
  }
  return env_->SyncDir(dir);
}

Result<std::vector<int64_t>> Checkpoint::ListEpochs(const std::string& subdir) {
  ASSIGN_OR_RAISE(std::vector<std::string> names, env_->GetChildren(dir_ + "/" + subdir));
  std::vector<int64_t> epochs;
  for (const std::string& name : names) {
    const int64_t e = EpochOfName(name);
    if (e >= 0) epochs.push_back(e);
  }
  std::sort(epochs.begin(), epochs.end());
  return epochs;
}

void Checkpoint::NoteCorrupt(const std::string& path) {
  if (std::find(corrupt_.begin(), corrupt_.end(), path) == corrupt_.end()) {
    corrupt_.push_back(path);
  }
}

Result<std::optional<PlannedEpoch>> Checkpoint::ReadPlanned(int64_t batch_id) {
  const std::string path = PlannedPath(batch_id);
  Result<PlannedEpoch> e = DecodeFile<PlannedEpoch>(env_, path, "offsets", internal::DecodePlanned);
  if (!e.ok()) {
    if (e.status().IsNotFound()) return std::optional<PlannedEpoch>();
    return e.status();
  }
  if (e->batch_id != batch_id) {
    return CorruptFile(path, Status::Corruption("it records batch " + std::to_string(e->batch_id)));
  }
  if (e->offsets.size() != metadata_.sources.size()) {
    return CorruptFile(
        path,
        Status::Corruption("it has offsets for " + std::to_string(e->offsets.size()) +
                           " sources, the query has " + std::to_string(metadata_.sources.size())));
  }
  return std::optional<PlannedEpoch>(std::move(*e));
}

Result<std::optional<PlannedEpoch>> Checkpoint::LatestPlanned() {
  ASSIGN_OR_RAISE(std::vector<int64_t> epochs, ListEpochs(kOffsetsDir));
  for (auto it = epochs.rbegin(); it != epochs.rend(); ++it) {
    Result<std::optional<PlannedEpoch>> e = ReadPlanned(*it);
    if (e.ok()) {
      if (e->has_value()) return e;
      continue;  // deleted meanwhile
    }
    if (!e.status().IsCorruption()) return e.status();
    NoteCorrupt(PlannedPath(*it));
  }
  return std::optional<PlannedEpoch>();
}

Result<std::optional<CommitRecord>> Checkpoint::LatestCommit() {
  ASSIGN_OR_RAISE(std::vector<int64_t> epochs, ListEpochs(kCommitsDir));
  for (auto it = epochs.rbegin(); it != epochs.rend(); ++it) {
    const std::string path = CommitPath(*it);
    Result<CommitRecord> c = ReadCommit(*it);
    if (c.ok()) {
      latest_commit_ = std::max(latest_commit_, c->batch_id);
      return std::optional<CommitRecord>(std::move(*c));
    }
    if (c.status().IsNotFound()) continue;
    if (!c.status().IsCorruption()) return c.status();
    NoteCorrupt(path);
  }
  return std::optional<CommitRecord>();
}

Status Checkpoint::WritePlanned(const PlannedEpoch& epoch) {
  return WriteDurably(kOffsetsDir, std::to_string(epoch.batch_id),
                      internal::FrameRecord("offsets", internal::EncodePlanned(epoch)));
}

Status Checkpoint::WriteCommit(const CommitRecord& commit) {
  RETURN_NOT_OK(WriteDurably(kCommitsDir, std::to_string(commit.batch_id),
                             internal::FrameRecord("commit", internal::EncodeCommit(commit))));
  latest_commit_ = std::max(latest_commit_, commit.batch_id);
  return Status::OK();
}

Status Checkpoint::Purge(int64_t keep) {
  if (latest_commit_ < 0 || keep < 1) return Status::OK();
  const int64_t first_kept = latest_commit_ - keep + 1;
  // Epochs start at 0: until `keep` epochs are committed, nothing is old enough (and
  // the listing below, which would find that out, is not repeated every epoch).
  if (first_kept <= 0) return Status::OK();
  if (oldest_epoch_ < 0) {
    // First purge of this run: find the oldest record once; later purges go on from
    // where this one stopped, so a purge costs one or two deletes, not a listing.
    ASSIGN_OR_RAISE(std::vector<int64_t> planned, ListEpochs(kOffsetsDir));
    ASSIGN_OR_RAISE(std::vector<int64_t> commits, ListEpochs(kCommitsDir));
    oldest_epoch_ = first_kept;
    if (!planned.empty()) oldest_epoch_ = std::min(oldest_epoch_, planned.front());
    if (!commits.empty()) oldest_epoch_ = std::min(oldest_epoch_, commits.front());
  }
  for (; oldest_epoch_ < first_kept; ++oldest_epoch_) {
    for (const std::string& path : {PlannedPath(oldest_epoch_), CommitPath(oldest_epoch_)}) {
      Status st = env_->DeleteFile(path);
      if (!st.ok() && !st.IsNotFound()) return st;
    }
  }
  return Status::OK();
}

Result<std::string> Checkpoint::SourceDir(int index) {
  const std::string dir = dir_ + "/sources/" + std::to_string(index);
  RETURN_NOT_OK(CreateDirsDurably(env_, dir));
  return dir;
}

}  // namespace weir::stream
