#include "weir/log/compression.h"

#include <limits>

#include <lz4.h>
#include <zstd.h>

#include "weir/common/check.h"

namespace weir::log {

namespace {

constexpr int kZstdLevel = 3;

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kZstd:
      return "zstd";
    case Compression::kLz4:
      return "lz4";
  }
  return "unknown";
}

Result<Compression> ParseCompression(std::string_view name) {
  if (name == "none") return Compression::kNone;
  if (name == "zstd") return Compression::kZstd;
  if (name == "lz4") return Compression::kLz4;
  return Status::InvalidOption("unknown compression '" + std::string(name) +
                               "': expected none, zstd or lz4");
}

Result<std::string> Compress(Compression c, std::string_view input) {
  WEIR_CHECK(c != Compression::kNone);
  std::string out;
  if (c == Compression::kZstd) {
    out.resize(ZSTD_compressBound(input.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), kZstdLevel);
    if (ZSTD_isError(n)) {
      return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
    }
    out.resize(n);
    return out;
  }
  if (input.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return Status::InvalidArgument("input too large for lz4: " + std::to_string(input.size()));
  }
  const int src_size = static_cast<int>(input.size());
  out.resize(static_cast<size_t>(LZ4_compressBound(src_size)));
  int n = LZ4_compress_default(input.data(), out.data(), src_size, static_cast<int>(out.size()));
  if (n <= 0) return Status::Internal("lz4 compression failed");
  out.resize(static_cast<size_t>(n));
  return out;
}

Status Decompress(Compression c, std::string_view input, size_t uncompressed_size,
                  std::string* out) {
  WEIR_CHECK(c != Compression::kNone);
  out->resize(uncompressed_size);
  if (c == Compression::kZstd) {
    size_t n = ZSTD_decompress(out->data(), out->size(), input.data(), input.size());
    if (ZSTD_isError(n)) {
      return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(n));
    }
    if (n != uncompressed_size) {
      return Status::Corruption("zstd: decompressed " + std::to_string(n) + " bytes, expected " +
                                std::to_string(uncompressed_size));
    }
    return Status::OK();
  }
  if (input.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      uncompressed_size > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::Corruption("lz4: block too large");
  }
  int n = LZ4_decompress_safe(input.data(), out->data(), static_cast<int>(input.size()),
                              static_cast<int>(uncompressed_size));
  if (n < 0) return Status::Corruption("lz4: malformed compressed block");
  if (static_cast<size_t>(n) != uncompressed_size) {
    return Status::Corruption("lz4: decompressed " + std::to_string(n) + " bytes, expected " +
                              std::to_string(uncompressed_size));
  }
  return Status::OK();
}

}  // namespace weir::log
