// ListInputFiles and ReadFilePadded (file_table.h).

#include <algorithm>
#include <cstring>

#include "weir/formats/file_table.h"
#include "weir/formats/sink_manifest.h"

namespace weir::formats {

namespace {

bool IsHidden(std::string_view name) { return !name.empty() && (name[0] == '_' || name[0] == '.'); }

bool HasGlob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// Matches `name` against a glob: '*' any run, '?' one byte, [abc] [a-z] [!x] [^x] a set.
bool GlobMatch(std::string_view pat, std::string_view name) {
  size_t p = 0, n = 0, star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star_p = ++p;
      star_n = n;
      continue;
    }
    bool ok = false;
    size_t next = p + 1;
    if (p < pat.size() && pat[p] == '?') {
      ok = true;
    } else if (p < pat.size() && pat[p] == '[') {
      size_t q = p + 1;
      bool negate = q < pat.size() && (pat[q] == '!' || pat[q] == '^');
      if (negate) ++q;
      bool in = false;
      size_t start = q;
      while (q < pat.size() && (pat[q] != ']' || q == start)) {
        if (q + 2 < pat.size() && pat[q + 1] == '-' && pat[q + 2] != ']') {
          in |= name[n] >= pat[q] && name[n] <= pat[q + 2];
          q += 3;
        } else {
          in |= name[n] == pat[q];
          ++q;
        }
      }
      if (q < pat.size()) {
        ok = in != negate;
        next = q + 1;
      } else {
        ok = name[n] == '[';  // no closing bracket: a literal '['
      }
    } else if (p < pat.size()) {
      ok = pat[p] == name[n];
    }
    if (ok) {
      p = next;
      ++n;
    } else if (star_p != std::string_view::npos) {
      p = star_p;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

Status PathNotFound(std::string_view path) {
  std::string shown(path);
  return Status::NotFound("[PATH_NOT_FOUND] Path does not exist: file:" + shown + ".");
}

// The non-hidden files directly in `dir`, sorted; or, when `dir` is a file sink's
// output (it has a _weir_metadata manifest), the files of its committed epochs in
// epoch order (sink_manifest.h).
Status AddDirectoryFiles(Env* env, const std::string& dir, std::vector<std::string>* out) {
  ASSIGN_OR_RAISE(std::optional<std::vector<SinkManifestEntry>> manifest,
                  ReadSinkManifest(env, dir));
  if (manifest.has_value()) {
    for (const SinkManifestEntry& entry : *manifest) {
      for (const SinkManifestFile& f : entry.files) out->push_back(Join(dir, f.name));
    }
    return Status::OK();
  }
  ASSIGN_OR_RAISE(std::vector<std::string> children, env->GetChildren(dir));
  for (const std::string& c : children) {
    if (IsHidden(c)) continue;
    std::string p = Join(dir, c);
    if (env->GetFileSize(p).ok()) out->push_back(std::move(p));  // directories fail
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<std::string>> ListInputFiles(std::string_view raw, Env* env) {
  std::string path(raw);
  if (path.rfind("file://", 0) == 0) {
    path = path.substr(7);
  } else if (path.rfind("file:", 0) == 0) {
    path = path.substr(5);
  }
  if (path.empty()) return Status::InvalidArgument("[PATH_NOT_FOUND] Path is empty.");
  std::vector<std::string> files;
  const size_t slash = path.find_last_of('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (HasGlob(base)) {
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    Result<std::vector<std::string>> children = env->GetChildren(dir);
    if (!children.ok()) {
      if (children.status().IsNotFound()) return PathNotFound(raw);
      return children.status();
    }
    bool matched = false;
    for (const std::string& c : *children) {
      if (IsHidden(c) || !GlobMatch(base, c)) continue;
      matched = true;
      std::string p = Join(dir, c);
      if (env->GetFileSize(p).ok()) {
        files.push_back(std::move(p));
      } else {
        RETURN_NOT_OK(AddDirectoryFiles(env, p, &files));
      }
    }
    if (!matched) return PathNotFound(raw);
    return files;
  }
  ASSIGN_OR_RAISE(bool exists, env->FileExists(path));
  if (!exists) return PathNotFound(raw);
  if (env->GetFileSize(path).ok()) {
    files.push_back(path);
    return files;
  }
  RETURN_NOT_OK(AddDirectoryFiles(env, path, &files));
  return files;
}

Result<FileContents> ReadFilePadded(Env* env, const std::string& path) {
  ASSIGN_OR_RAISE(uint64_t size, env->GetFileSize(path));
  ASSIGN_OR_RAISE(std::unique_ptr<SequentialFile> file, env->NewSequentialFile(path));
  FileContents out;
  // The size bounds the allocation; a file that grows meanwhile is read up to it.
  out.data.reset(new char[size + RecordDecoder::kPadding]);
  std::memset(out.data.get() + size, 0, RecordDecoder::kPadding);
  std::string chunk;
  while (out.size < size) {
    RETURN_NOT_OK(file->Read(std::min<size_t>(size - out.size, size_t{1} << 20), &chunk));
    if (chunk.empty()) break;
    std::memcpy(out.data.get() + out.size, chunk.data(), chunk.size());
    out.size += chunk.size();
  }
  return out;
}

}  // namespace weir::formats
