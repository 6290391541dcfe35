// The file sink's manifest (docs/file_sink_format.md): which part files of an output
// directory belong to committed epochs. The streaming file sink (connectors) writes
// it; every weir reader of a directory — the batch file scan (ListInputFiles) and the
// streaming file source — lists the committed files from it instead of the
// directory, so part files of an epoch that never committed stay invisible (Spark's
// `_spark_metadata` log of FileStreamSink/ManifestFileCommitProtocol).
//
// Layout: <dir>/_weir_metadata/<epoch>, one file per committed epoch (decimal, no
// padding), each written whole to a temp name and renamed into place, so an entry is
// either absent or complete. Entry text:
//
//   weir-file-sink v1
//   epoch 7
//   file 1234 part-00007-00000-<uuid>.json
//   crc32c 1a2b3c4d
//
// `file` lines give the size in bytes and the name relative to <dir>; the last line
// is the CRC32C (lower-case hex) of every byte before it.
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"

namespace weir::formats {

// The manifest directory's name inside an output directory.
inline constexpr std::string_view kSinkMetadataDir = "_weir_metadata";

struct SinkManifestFile {
  std::string name;  // relative to the output directory; no '/'
  uint64_t size = 0;
};

struct SinkManifestEntry {
  int64_t epoch = 0;
  std::vector<SinkManifestFile> files;
};

// The entry's text (see the header comment).
std::string EncodeSinkManifest(const SinkManifestEntry& entry);

// Parses an entry's text. Corruption naming `path` when the checksum, the syntax or
// the epoch (it must be `expected_epoch`) is wrong.
Result<SinkManifestEntry> DecodeSinkManifest(std::string_view text, int64_t expected_epoch,
                                             std::string_view path);

// <dir>/_weir_metadata and <dir>/_weir_metadata/<epoch>.
std::string SinkManifestDir(std::string_view dir);
std::string SinkManifestEntryPath(std::string_view dir, int64_t epoch);

// The epoch an entry's file name stands for; nullopt for other names (temp files).
std::optional<int64_t> ParseSinkManifestEntryName(std::string_view name);

// The committed entries of `dir`, by ascending epoch, or nullopt when `dir` has no
// manifest directory. A corrupt entry is an error (never skipped silently).
Result<std::optional<std::vector<SinkManifestEntry>>> ReadSinkManifest(Env* env,
                                                                       std::string_view dir);

}  // namespace weir::formats
