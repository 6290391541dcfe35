#include "weir/common/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

namespace weir::crc32c {

namespace {

// A little-endian 32-bit load (the slicing tables assume that byte order).
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

constexpr uint32_t kPoly = 0x82F63B78;  // Castagnoli, bit-reflected

// kTables[k][b] is the CRC of byte b followed by k zero bytes: slicing-by-8 folds
// eight input bytes per step with eight table lookups.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? kPoly : 0);
    t[0][b] = crc;
  }
  for (int k = 1; k < 8; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
  }
  return t;
}

constexpr Tables kTables = MakeTables();

}  // namespace

uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint32_t c = ~crc;
  // The loads are byte-wise little-endian, so any alignment of `data` works.
  while (n >= 8) {
    uint32_t lo = DecodeFixed32(reinterpret_cast<const char*>(p)) ^ c;
    uint32_t hi = DecodeFixed32(reinterpret_cast<const char*>(p + 4));
    c = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xff] ^ kTables[2][(hi >> 8) & 0xff] ^
        kTables[1][(hi >> 16) & 0xff] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = (c >> 8) ^ kTables[0][(c ^ *p) & 0xff];
    ++p;
    --n;
  }
  return ~c;
}

#if defined(__x86_64__)
// The SSE4.2 crc32 instruction computes exactly this polynomial, 8 bytes at a time.
__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const char* data, size_t n) {
  uint64_t c = ~crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);
    c = __builtin_ia32_crc32di(c, word);
    data += 8;
    n -= 8;
  }
  auto c32 = static_cast<uint32_t>(c);
  while (n > 0) {
    c32 = __builtin_ia32_crc32qi(c32, static_cast<unsigned char>(*data));
    ++data;
    --n;
  }
  return ~c32;
}
#endif

namespace {

using ExtendFn = uint32_t (*)(uint32_t, const char*, size_t);

ExtendFn Choose() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("sse4.2")) return ExtendSse42;
#endif
  return ExtendPortable;
}

const ExtendFn kExtend = Choose();

}  // namespace

uint32_t Extend(uint32_t crc, const char* data, size_t n) { return kExtend(crc, data, n); }

bool HardwareAccelerated() { return kExtend != ExtendPortable; }

}  // namespace weir::crc32c
