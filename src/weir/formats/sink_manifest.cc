#include "weir/formats/sink_manifest.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>

#include "weir/common/crc32c.h"

namespace weir::formats {

namespace {

constexpr std::string_view kMagic = "weir-file-sink v1";

std::string Join(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

std::string Hex32(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", v);
  return buf;
}

// Splits `text` into lines, each without its '\n'; false when the text does not end
// with '\n'.
bool SplitLines(std::string_view text, std::vector<std::string_view>* lines) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    lines->push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return true;
}

bool ValidName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

}  // namespace

std::string EncodeSinkManifest(const SinkManifestEntry& entry) {
  std::string out(kMagic);
  out += "\nepoch " + std::to_string(entry.epoch) + "\n";
  for (const SinkManifestFile& f : entry.files) {
    out += "file " + std::to_string(f.size) + " " + f.name + "\n";
  }
  out += "crc32c " + Hex32(crc32c::Value(out)) + "\n";
  return out;
}

Result<SinkManifestEntry> DecodeSinkManifest(std::string_view text, int64_t expected_epoch,
                                             std::string_view path) {
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("file sink manifest " + std::string(path) +
                              " is corrupt: " + std::string(why));
  };
  std::vector<std::string_view> lines;
  if (!SplitLines(text, &lines) || lines.size() < 3) return corrupt("truncated");
  std::string_view crc_line = lines.back();
  constexpr std::string_view kCrc = "crc32c ";
  if (crc_line.substr(0, kCrc.size()) != kCrc) return corrupt("no checksum line");
  const size_t body = text.size() - crc_line.size() - 1;
  if (crc_line.substr(kCrc.size()) != Hex32(crc32c::Value(text.substr(0, body)))) {
    return corrupt("checksum mismatch");
  }
  if (lines[0] != kMagic) return corrupt("unknown version line '" + std::string(lines[0]) + "'");
  SinkManifestEntry entry;
  constexpr std::string_view kEpoch = "epoch ";
  if (lines[1].substr(0, kEpoch.size()) != kEpoch ||
      !ParseNumber(lines[1].substr(kEpoch.size()), &entry.epoch) || entry.epoch != expected_epoch) {
    return corrupt("expected epoch " + std::to_string(expected_epoch));
  }
  constexpr std::string_view kFile = "file ";
  for (size_t i = 2; i + 1 < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.substr(0, kFile.size()) != kFile) return corrupt("bad line " + std::to_string(i + 1));
    line.remove_prefix(kFile.size());
    const size_t space = line.find(' ');
    SinkManifestFile f;
    if (space == std::string_view::npos || !ParseNumber(line.substr(0, space), &f.size) ||
        !ValidName(line.substr(space + 1))) {
      return corrupt("bad line " + std::to_string(i + 1));
    }
    f.name = std::string(line.substr(space + 1));
    entry.files.push_back(std::move(f));
  }
  return entry;
}

std::string SinkManifestDir(std::string_view dir) { return Join(dir, kSinkMetadataDir); }

std::string SinkManifestEntryPath(std::string_view dir, int64_t epoch) {
  return Join(SinkManifestDir(dir), std::to_string(epoch));
}

std::optional<int64_t> ParseSinkManifestEntryName(std::string_view name) {
  // Digits only, no leading zero (except "0"), so that one epoch has one name.
  if (name.empty() || name.size() > 18 || (name.size() > 1 && name[0] == '0')) return std::nullopt;
  int64_t epoch = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (!ParseNumber(name, &epoch)) return std::nullopt;
  return epoch;
}

Result<std::optional<std::vector<SinkManifestEntry>>> ReadSinkManifest(Env* env,
                                                                       std::string_view dir) {
  const std::string meta = SinkManifestDir(dir);
  Result<std::vector<std::string>> children = env->GetChildren(meta);
  if (!children.ok()) {
    // No manifest directory (or `meta` is a plain file, which is not one).
    if (children.status().IsNotFound() || children.status().sys_errno() == ENOTDIR) {
      return std::optional<std::vector<SinkManifestEntry>>();
    }
    return children.status();
  }
  std::vector<int64_t> epochs;
  for (const std::string& c : *children) {
    if (std::optional<int64_t> e = ParseSinkManifestEntryName(c)) epochs.push_back(*e);
  }
  std::sort(epochs.begin(), epochs.end());
  std::vector<SinkManifestEntry> entries;
  for (int64_t e : epochs) {
    const std::string path = SinkManifestEntryPath(dir, e);
    ASSIGN_OR_RAISE(std::string text, ReadFileToString(env, path));
    ASSIGN_OR_RAISE(SinkManifestEntry entry, DecodeSinkManifest(text, e, path));
    entries.push_back(std::move(entry));
  }
  return std::optional<std::vector<SinkManifestEntry>>(std::move(entries));
}

}  // namespace weir::formats
