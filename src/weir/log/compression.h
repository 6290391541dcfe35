// Compression of a record batch's records section with zstd or LZ4
// (docs/log_format.md, section 2.2).
//
// Thread-safety: free functions; safe to call concurrently.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "weir/common/result.h"
#include "weir/common/status.h"

namespace weir::log {

// The codec of a batch's records section; the value is bits 0-2 of its attributes.
enum class Compression : uint8_t { kNone = 0, kZstd = 1, kLz4 = 2 };

// "none", "zstd" or "lz4".
std::string_view CompressionName(Compression c);

// Parses "none", "zstd" or "lz4"; InvalidOption otherwise.
Result<Compression> ParseCompression(std::string_view name);

// Returns `input` compressed with `c` (zstd at its default level 3, or one raw LZ4
// block). REQUIRES: c != kNone.
Result<std::string> Compress(Compression c, std::string_view input);

// Decompresses `input` into `*out`, which must come out exactly `uncompressed_size`
// bytes long; the caller has bounded that size. Corruption if the input is not valid
// for the codec or decodes to another size. REQUIRES: c != kNone.
Status Decompress(Compression c, std::string_view input, size_t uncompressed_size,
                  std::string* out);

}  // namespace weir::log
