// Little-endian fixed-width integers and zigzag varints, as used by the log format
// (docs/log_format.md). Encoders append to a std::string; decoders read from the front
// of a std::string_view, advance it past what they consumed, and return false when the
// input is too short or malformed, never reading past its end.
//
// Thread-safety: free functions on caller-owned data; safe to call concurrently.

#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace weir::log {

inline void PutFixed16(std::string* dst, uint16_t v) {
  char buf[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
  dst->append(buf, 2);
}

inline void PutFixed32(std::string* dst, uint32_t v) {
  char buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>(v >> (8 * i));
  dst->append(buf, 4);
}

inline void PutFixed64(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (8 * i));
  dst->append(buf, 8);
}

// REQUIRES: p points at 4 (8, 2) readable bytes.
inline uint16_t DecodeFixed16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(u[0] | (u[1] << 8));
}

inline uint32_t DecodeFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | u[i];
  return v;
}

inline uint64_t DecodeFixed64(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | u[i];
  return v;
}

// REQUIRES: dst has room for 4 (8) bytes at p. For patching fields in place.
inline void EncodeFixed32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

inline void EncodeFixed64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

// Zigzag varints: LEB128 of (v << 1) ^ (v >> 63), so small negative numbers are short.
void PutVarint32(std::string* dst, int32_t v);
void PutVarint64(std::string* dst, int64_t v);

// Reads a zigzag varint. False if the input ends first, the encoding is longer than 5
// (10) bytes, or the value does not fit the type. On false, *in is unspecified.
bool GetVarint32Slow(std::string_view* in, int32_t* v);
bool GetVarint64Slow(std::string_view* in, int64_t* v);

namespace internal {
// The value of a one- or two-byte varint at the front of *in, which it consumes; -1
// (nothing consumed) for a longer one or too little input. Inline: the read path
// decodes several per record, nearly all short.
inline int64_t ShortUnsigned(std::string_view* in) {
  const size_t n = in->size();
  if (n == 0) return -1;
  const auto b0 = static_cast<unsigned char>((*in)[0]);
  if (b0 < 0x80) {
    in->remove_prefix(1);
    return b0;
  }
  if (n < 2) return -1;
  const auto b1 = static_cast<unsigned char>((*in)[1]);
  if (b1 >= 0x80) return -1;
  in->remove_prefix(2);
  return (b0 & 0x7f) | (int64_t{b1} << 7);
}
inline int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }
}  // namespace internal

inline bool GetVarint32(std::string_view* in, int32_t* v) {
  const int64_t u = internal::ShortUnsigned(in);
  if (u < 0) return GetVarint32Slow(in, v);
  *v = static_cast<int32_t>(internal::UnZigZag(static_cast<uint64_t>(u)));
  return true;
}
inline bool GetVarint64(std::string_view* in, int64_t* v) {
  const int64_t u = internal::ShortUnsigned(in);
  if (u < 0) return GetVarint64Slow(in, v);
  *v = internal::UnZigZag(static_cast<uint64_t>(u));
  return true;
}

// The encoded size of a zigzag varint.
int VarintLength(int64_t v);

}  // namespace weir::log
