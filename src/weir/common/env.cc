#include "weir/common/env.h"

#include <cerrno>
#include <utility>

namespace weir {

Status Env::CreateDirs(const std::string& dir) {
  std::string prefix;
  prefix.reserve(dir.size());
  size_t pos = 0;
  if (!dir.empty() && dir[0] == '/') prefix = "/";
  while (pos < dir.size()) {
    size_t end = dir.find('/', pos);
    if (end == std::string::npos) end = dir.size();
    if (end > pos) {
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      prefix.append(dir, pos, end - pos);
      RETURN_NOT_OK(CreateDirIfMissing(prefix));
    }
    pos = end + 1;
  }
  return Status::OK();
}

Status WriteStringToFileSync(Env* env, std::string_view data, const std::string& path) {
  const std::string tmp = path + ".tmp";
  Status s = [&]() -> Status {
    ASSIGN_OR_RAISE(std::unique_ptr<WritableFile> file, env->NewWritableFile(tmp));
    RETURN_NOT_OK(file->Append(data));
    RETURN_NOT_OK(file->Sync());
    return file->Close();
  }();
  if (s.ok()) s = env->RenameFile(tmp, path);
  if (!s.ok()) {
    // The rename did not happen, so `path` is untouched; do not leave litter behind.
    env->DeleteFile(tmp).IgnoreError();
    return s;
  }
  return env->SyncDir(DirName(path));
}

Result<std::string> ReadFileToString(Env* env, const std::string& path) {
  constexpr size_t kChunk = 64 * 1024;
  ASSIGN_OR_RAISE(std::unique_ptr<SequentialFile> file, env->NewSequentialFile(path));
  std::string contents;
  std::string chunk;
  while (true) {
    RETURN_NOT_OK(file->Read(kChunk, &chunk));
    if (chunk.empty()) break;
    contents += chunk;
  }
  return contents;
}

std::string DirName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  std::string_view dir = path.substr(0, slash);
  while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  if (dir.empty()) return "/";
  return std::string(dir);
}

Status EnvErrorFromErrno(std::string_view context, int err) {
  if (err == ENOENT) {
    Status io = IoErrorFromErrno(context, err);
    return Status::NotFound(io.message());
  }
  return IoErrorFromErrno(context, err);
}

}  // namespace weir
