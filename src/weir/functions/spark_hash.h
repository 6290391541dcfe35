// Spark's row hashes, bit for bit: Murmur3 x86_32 (hash(), and HashPartitioning of
// exchanges and state) and xxHash64 (xxhash64()), with Spark 3.5's rules for turning
// every SQL type into the words it hashes (internal to weir and its exchanges).
//
// A row hash starts from the seed and folds in the arguments left to right, each
// one hashed with the running hash as its seed; a NULL leaves the running hash as it
// is. Per type (HashExpression / InterpretedHashFunction in Spark's hash.scala):
//   BOOLEAN           hashInt(1 or 0)
//   INT, DATE         hashInt
//   BIGINT, TIMESTAMP hashLong
//   DOUBLE            hashLong(doubleToLongBits), with -0.0 hashed as 0.0 and every
//                     NaN as the canonical NaN
//   DECIMAL(p, s)     p <= 18: hashLong(unscaled); otherwise hashBytes of the
//                     unscaled value as Java's BigInteger.toByteArray lays it out
//   STRING, BINARY    hashBytes of the (UTF-8) bytes
//   INTERVAL          see IntervalHashing
//   ARRAY             the elements in order, chained, NULL elements skipped
//   MAP               key, value, key, value, ... chained (MAP is refused by hash()
//                     unless legacy; the kernels support it for completeness)
//   STRUCT            the fields in order, chained, NULL fields skipped
//
// hashBytes is Spark's Murmur3_x86_32.hashUnsafeBytes, which is NOT standard
// Murmur3 for lengths that are not a multiple of 4: it mixes each tail byte as its
// own sign-extended int block. xxHash64's byte hash is the standard XXH64.
//
// Spark reads words in native byte order and only runs on little-endian machines in
// practice; these functions assume a little-endian host (checked at compile time).
//
// Thread-safety: free functions over immutable inputs.

#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "weir/expr/datum.h"
#include "weir/expr/row_set.h"
#include "weir/types/decimal.h"

namespace weir::spark_hash {

static_assert(std::endian::native == std::endian::little,
              "Spark's hashes read words little-endian; a big-endian port must byte-swap");

// ---- Murmur3 x86_32 (org.apache.spark.unsafe.hash.Murmur3_x86_32) -----------------

namespace murmur3_internal {

inline constexpr uint32_t kC1 = 0xcc9e2d51u;
inline constexpr uint32_t kC2 = 0x1b873593u;

inline uint32_t MixK1(uint32_t k1) {
  k1 *= kC1;
  k1 = std::rotl(k1, 15);
  return k1 * kC2;
}

inline uint32_t MixH1(uint32_t h1, uint32_t k1) {
  h1 ^= k1;
  h1 = std::rotl(h1, 13);
  return h1 * 5 + 0xe6546b64u;
}

inline uint32_t Fmix(uint32_t h1, uint32_t length) {
  h1 ^= length;
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6bu;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35u;
  h1 ^= h1 >> 16;
  return h1;
}

}  // namespace murmur3_internal

inline int32_t Murmur3HashInt(int32_t input, int32_t seed) {
  using namespace murmur3_internal;
  uint32_t h1 = MixH1(static_cast<uint32_t>(seed), MixK1(static_cast<uint32_t>(input)));
  return static_cast<int32_t>(Fmix(h1, 4));
}

inline int32_t Murmur3HashLong(int64_t input, int32_t seed) {
  using namespace murmur3_internal;
  const auto u = static_cast<uint64_t>(input);
  uint32_t h1 = MixH1(static_cast<uint32_t>(seed), MixK1(static_cast<uint32_t>(u)));
  h1 = MixH1(h1, MixK1(static_cast<uint32_t>(u >> 32)));
  return static_cast<int32_t>(Fmix(h1, 8));
}

// Spark's hashUnsafeBytes: 4-byte little-endian blocks, then each remaining byte
// sign-extended to an int and mixed as a block of its own.
inline int32_t Murmur3HashBytes(const void* data, size_t length, int32_t seed) {
  using namespace murmur3_internal;
  const auto* p = static_cast<const unsigned char*>(data);
  const size_t aligned = length & ~size_t{3};
  uint32_t h1 = static_cast<uint32_t>(seed);
  for (size_t i = 0; i < aligned; i += 4) {
    uint32_t block;
    std::memcpy(&block, p + i, 4);
    h1 = MixH1(h1, MixK1(block));
  }
  for (size_t i = aligned; i < length; ++i) {
    const auto byte = static_cast<int32_t>(static_cast<signed char>(p[i]));
    h1 = MixH1(h1, MixK1(static_cast<uint32_t>(byte)));
  }
  return static_cast<int32_t>(Fmix(h1, static_cast<uint32_t>(length)));
}

// ---- xxHash64 (org.apache.spark.sql.catalyst.expressions.XXH64) ---------------------

namespace xxh64_internal {

inline constexpr uint64_t kP1 = 0x9E3779B185EBCA87ull;
inline constexpr uint64_t kP2 = 0xC2B2AE3D27D4EB4Full;
inline constexpr uint64_t kP3 = 0x165667B19E3779F9ull;
inline constexpr uint64_t kP4 = 0x85EBCA77C2B2AE63ull;
inline constexpr uint64_t kP5 = 0x27D4EB2F165667C5ull;

inline uint64_t Fmix(uint64_t h) {
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

inline uint64_t Round(uint64_t acc, uint64_t lane) {
  acc += lane * kP2;
  acc = std::rotl(acc, 31);
  return acc * kP1;
}

inline uint64_t MergeRound(uint64_t h, uint64_t v) {
  h ^= Round(0, v);
  return h * kP1 + kP4;
}

inline uint64_t Load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint32_t Load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace xxh64_internal

// XXH64 of the 4 little-endian bytes of `input`.
inline int64_t XxHash64Int(int32_t input, int64_t seed) {
  using namespace xxh64_internal;
  uint64_t h = static_cast<uint64_t>(seed) + kP5 + 4;
  h ^= static_cast<uint64_t>(static_cast<uint32_t>(input)) * kP1;
  h = std::rotl(h, 23) * kP2 + kP3;
  return static_cast<int64_t>(Fmix(h));
}

// XXH64 of the 8 little-endian bytes of `input`.
inline int64_t XxHash64Long(int64_t input, int64_t seed) {
  using namespace xxh64_internal;
  uint64_t h = static_cast<uint64_t>(seed) + kP5 + 8;
  h ^= std::rotl(static_cast<uint64_t>(input) * kP2, 31) * kP1;
  h = std::rotl(h, 27) * kP1 + kP4;
  return static_cast<int64_t>(Fmix(h));
}

// Standard XXH64 of `length` bytes (Spark's XXH64.hashUnsafeBytes is the reference
// algorithm, so libxxhash would agree; this copy inlines into the kernels).
inline int64_t XxHash64Bytes(const void* data, size_t length, int64_t seed) {
  using namespace xxh64_internal;
  const auto* p = static_cast<const unsigned char*>(data);
  const auto s = static_cast<uint64_t>(seed);
  size_t offset = 0;
  uint64_t h;
  if (length >= 32) {
    uint64_t v1 = s + kP1 + kP2, v2 = s + kP2, v3 = s, v4 = s - kP1;
    const size_t limit = length - 32;
    do {
      v1 = Round(v1, Load64(p + offset));
      v2 = Round(v2, Load64(p + offset + 8));
      v3 = Round(v3, Load64(p + offset + 16));
      v4 = Round(v4, Load64(p + offset + 24));
      offset += 32;
    } while (offset <= limit);
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
    h = MergeRound(h, v1);
    h = MergeRound(h, v2);
    h = MergeRound(h, v3);
    h = MergeRound(h, v4);
  } else {
    h = s + kP5;
  }
  h += static_cast<uint64_t>(length);
  for (; offset + 8 <= length; offset += 8) {
    h ^= Round(0, Load64(p + offset));
    h = std::rotl(h, 27) * kP1 + kP4;
  }
  if (offset + 4 <= length) {
    h ^= static_cast<uint64_t>(Load32(p + offset)) * kP1;
    h = std::rotl(h, 23) * kP2 + kP3;
    offset += 4;
  }
  for (; offset < length; ++offset) {
    h ^= static_cast<uint64_t>(p[offset]) * kP5;
    h = std::rotl(h, 11) * kP1;
  }
  return static_cast<int64_t>(Fmix(h));
}

// ---- Value encodings -----------------------------------------------------------

// The long Spark hashes for a DOUBLE: 0 for both zeros, Java's doubleToLongBits
// (canonical NaN 0x7ff8000000000000) otherwise.
inline int64_t DoubleHashBits(double d) {
  if (d == 0.0) return 0;
  if (d != d) return 0x7ff8000000000000LL;
  return std::bit_cast<int64_t>(d);
}

// Java's BigInteger.toByteArray of `v`: big-endian two's complement in the fewest
// bytes that keep the sign (at least one). Writes them to `out` and returns how
// many: 0 -> {00}, 128 -> {00 80}, -1 -> {ff}, -129 -> {ff 7f}.
inline int JavaBigIntegerBytes(Int128 v, unsigned char out[16]) {
  unsigned char be[16];
  auto u = static_cast<unsigned __int128>(v);
  for (int i = 15; i >= 0; --i) {
    be[i] = static_cast<unsigned char>(u);
    u >>= 8;
  }
  int start = 0;
  while (start < 15 && ((be[start] == 0x00 && (be[start + 1] & 0x80) == 0) ||
                        (be[start] == 0xff && (be[start + 1] & 0x80) != 0))) {
    ++start;
  }
  std::memcpy(out, be + start, static_cast<size_t>(16 - start));
  return 16 - start;
}

// How an INTERVAL (Spark's CalendarInterval) is hashed. Spark 3.5 has two answers:
// whole-stage codegen, which computes hash() over columns and HashPartitioning,
// hashes microseconds then months and skips days (genHashCalendarInterval, fixed
// only by SPARK-58236 in 4.3); interpreted evaluation, which is what constant
// folding runs, hashes microseconds, days, months.
enum class IntervalHashing : uint8_t {
  kMicrosMonths,      // codegen: hashInt(months, hashLong(micros, h))
  kMicrosDaysMonths,  // interpreted: hashInt(months, hashInt(days, hashLong(micros, h)))
};

// ---- Column kernels ------------------------------------------------------------

// Row hashes of `num_args` datums (all over the same batch) for every row i of
// `rows`: out[i] = the seed folded with args[0..num_args) as described above.
// Entries of `out` for rows outside `rows` are not touched.
// REQUIRES: `out` has rows.physical_rows() entries.
// The loops over BIGINT, INT, DOUBLE, STRING ... columns are tight typed loops:
// no allocation and no indirect call per row.
void SparkMurmur3Hash(const Datum* args, int num_args, const RowSet& rows, int32_t seed,
                      int32_t* out, IntervalHashing intervals = IntervalHashing::kMicrosMonths);
void SparkXxHash64(const Datum* args, int num_args, const RowSet& rows, int64_t seed, int64_t* out,
                   IntervalHashing intervals = IntervalHashing::kMicrosMonths);

// Spark's seed for hash() and for HashPartitioning (Murmur3Hash(exprs, 42)), and
// for xxhash64().
inline constexpr int32_t kSparkMurmur3Seed = 42;
inline constexpr int64_t kSparkXxHash64Seed = 42;

}  // namespace weir::spark_hash
