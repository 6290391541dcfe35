#include "weir/log/coding.h"

namespace weir::log {

namespace {

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

void PutUnsigned(std::string* dst, uint64_t u) {
  char buf[10];
  int n = 0;
  while (u >= 0x80) {
    buf[n++] = static_cast<char>((u & 0x7f) | 0x80);
    u >>= 7;
  }
  buf[n++] = static_cast<char>(u);
  dst->append(buf, n);
}

// Reads at most `max_bytes` bytes of LEB128. The last allowed byte may only carry the
// bits that fit in 64 bits.
bool GetUnsigned(std::string_view* in, int max_bytes, uint64_t* out) {
  uint64_t result = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (static_cast<size_t>(i) >= in->size()) return false;
    uint64_t byte = static_cast<unsigned char>((*in)[i]);
    if (i == 9 && byte > 1) return false;  // bits beyond 64
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      in->remove_prefix(i + 1);
      *out = result;
      return true;
    }
  }
  return false;  // too long
}

}  // namespace

void PutVarint32(std::string* dst, int32_t v) { PutUnsigned(dst, ZigZag(v)); }
void PutVarint64(std::string* dst, int64_t v) { PutUnsigned(dst, ZigZag(v)); }

bool GetVarint32Slow(std::string_view* in, int32_t* v) {
  uint64_t u;
  if (!GetUnsigned(in, 5, &u) || u > 0xffffffffULL) return false;
  *v = static_cast<int32_t>(UnZigZag(u));
  return true;
}

bool GetVarint64Slow(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetUnsigned(in, 10, &u)) return false;
  *v = UnZigZag(u);
  return true;
}

int VarintLength(int64_t v) {
  uint64_t u = ZigZag(v);
  int n = 1;
  while (u >= 0x80) {
    u >>= 7;
    ++n;
  }
  return n;
}

}  // namespace weir::log
