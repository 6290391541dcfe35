// A compact binary encoding of SQL values, for aggregate states that hold values
// of any type (collect_list, collect_set, max_by, DISTINCT aggregates) (internal to
// weir_functions). Decoding bounds every count by the bytes left and returns
// Corruption on malformed input.

#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "weir/common/check.h"
#include "weir/common/status.h"
#include "weir/types/builder.h"
#include "weir/types/column.h"

namespace weir::codec {

//
// A non-NULL value of type T:
//   BOOLEAN 1 byte; INT, DATE 4; BIGINT, TIMESTAMP, DOUBLE 8; DECIMAL 16 (unscaled
//   two's complement); INTERVAL 16 (months i32, days i32, micros i64); all
//   little-endian.
//   STRING, BINARY: varint length, bytes.
//   ARRAY: varint count, then per element a flag byte (0 NULL, 1 value) and the value.
//   MAP: varint count, then per entry the key, a flag byte and the value.
//   STRUCT: per field a flag byte and the value.

inline void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

inline int FixedWidth(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
      return 1;
    case TypeId::kInt32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDouble:
      return 8;
    case TypeId::kDecimal:
    case TypeId::kInterval:
      return 16;
    default:
      return 0;
  }
}

inline size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes the varint of `v` at `p`; returns the end. REQUIRES: VarintLength(v) bytes
// of room.
inline char* PutVarintTo(uint64_t v, char* p) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Column::IsNull without its bounds assertion (kept in Release builds): the row
// indices here come from the column's own offsets or from the caller's row, which
// the caller's own accessors have checked.
inline bool IsNullFast(const Column& c, int64_t k) {
  const uint64_t* bits = c.validity_bits();
  return bits != nullptr && !GetBit(bits, k);
}

inline bool IsNestedType(TypeId id) {
  return id == TypeId::kArray || id == TypeId::kMap || id == TypeId::kStruct;
}

// Encoding writes through a raw pointer, never field by field into a std::string:
// appending (a capacity check and a size update per byte or field) cost more than
// the values themselves in the states of max_by and _top_k, which re-encode whole
// structs per row (Nexmark q18, q19). EncodeValue first writes into a stack buffer
// with a bound check per field (EncodeValueBounded) and appends it at once; a value
// too large for it is sized (EncodedSize), `out` grown once, and the bytes written
// (EncodeValueTo). Both paths give the same bytes, the format above, which
// checkpoints hold. Scalars are handled inline in the loops over struct fields and
// array elements; only nested values recurse. Free functions without shared state:
// safe from any thread.

inline size_t EncodedSize(const Column& c, int64_t i);
inline char* EncodeValueTo(const Column& c, int64_t i, char* p);

// The encoded size of non-NULL row i of a column of a scalar type `id` (not nested).
inline size_t ScalarEncodedSize(TypeId id, const Column& c, int64_t i) {
  if (id == TypeId::kString || id == TypeId::kBinary) {
    const uint32_t n = c.values<StringRef>()[i].size();
    return VarintLength(n) + n;
  }
  // 0 for the NULL type: never encoded (NULLs are skipped or flagged).
  return static_cast<size_t>(FixedWidth(id));
}

// Writes non-NULL row i of a column of scalar type `id` at `p`; returns the end.
inline char* ScalarEncodeTo(TypeId id, const Column& c, int64_t i, char* p) {
  const uint8_t* v = c.values_buffer() ? c.values_buffer()->data() : nullptr;
  switch (id) {
    case TypeId::kBoolean:
      *p = static_cast<char>(v[i]);
      return p + 1;
    case TypeId::kInt32:
    case TypeId::kDate:
      std::memcpy(p, v + i * 4, 4);
      return p + 4;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDouble:
      std::memcpy(p, v + i * 8, 8);
      return p + 8;
    case TypeId::kDecimal:
    case TypeId::kInterval:
      std::memcpy(p, v + i * 16, 16);
      return p + 16;
    case TypeId::kString:
    case TypeId::kBinary: {
      const StringRef& r = reinterpret_cast<const StringRef*>(v)[i];
      const uint32_t n = r.size();
      p = PutVarintTo(n, p);
      if (n > 0) std::memcpy(p, r.data(), n);
      return p + n;
    }
    default:
      return p;
  }
}

// The size of a flag byte and, when valid, the value of row k of `c`.
inline size_t NullableEncodedSize(const Column& c, int64_t k) {
  if (IsNullFast(c, k)) return 1;
  const TypeId id = c.type().id();
  return 1 + (IsNestedType(id) ? EncodedSize(c, k) : ScalarEncodedSize(id, c, k));
}

// Writes a flag byte (0 NULL, 1 value) and, when valid, the value of row k of `c`.
inline char* NullableEncodeTo(const Column& c, int64_t k, char* p) {
  if (IsNullFast(c, k)) {
    *p = 0;
    return p + 1;
  }
  *p++ = 1;
  const TypeId id = c.type().id();
  return IsNestedType(id) ? EncodeValueTo(c, k, p) : ScalarEncodeTo(id, c, k, p);
}

// The number of bytes EncodeValue appends for non-NULL row i of `c`.
inline size_t EncodedSize(const Column& c, int64_t i) {
  const TypeId id = c.type().id();
  switch (id) {
    case TypeId::kArray: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      size_t n = VarintLength(static_cast<uint64_t>(e - b));
      const Column& elems = *c.child(0);
      for (int32_t k = b; k < e; ++k) n += NullableEncodedSize(elems, k);
      return n;
    }
    case TypeId::kMap: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      size_t n = VarintLength(static_cast<uint64_t>(e - b));
      const Column& keys = *c.child(0);
      const Column& values = *c.child(1);
      const TypeId key_id = keys.type().id();
      for (int32_t k = b; k < e; ++k) {
        n += IsNestedType(key_id) ? EncodedSize(keys, k) : ScalarEncodedSize(key_id, keys, k);
        n += NullableEncodedSize(values, k);
      }
      return n;
    }
    case TypeId::kStruct: {
      size_t n = 0;
      for (const ColumnPtr& f : c.children()) n += NullableEncodedSize(*f, i);
      return n;
    }
    default:
      return ScalarEncodedSize(id, c, i);
  }
}

// Writes the encoding of non-NULL row i of `c` at `p`; returns the end.
// REQUIRES: EncodedSize(c, i) bytes of room.
inline char* EncodeValueTo(const Column& c, int64_t i, char* p) {
  const TypeId id = c.type().id();
  switch (id) {
    case TypeId::kArray: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      p = PutVarintTo(static_cast<uint64_t>(e - b), p);
      const Column& elems = *c.child(0);
      for (int32_t k = b; k < e; ++k) p = NullableEncodeTo(elems, k, p);
      return p;
    }
    case TypeId::kMap: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      p = PutVarintTo(static_cast<uint64_t>(e - b), p);
      const Column& keys = *c.child(0);
      const Column& values = *c.child(1);
      const TypeId key_id = keys.type().id();
      for (int32_t k = b; k < e; ++k) {
        p = IsNestedType(key_id) ? EncodeValueTo(keys, k, p) : ScalarEncodeTo(key_id, keys, k, p);
        p = NullableEncodeTo(values, k, p);
      }
      return p;
    }
    case TypeId::kStruct:
      for (const ColumnPtr& f : c.children()) p = NullableEncodeTo(*f, i, p);
      return p;
    default:
      return ScalarEncodeTo(id, c, i, p);
  }
}

// Writes like EncodeValueTo, but never past `end`: returns nullptr when the value
// does not fit. The checks per field are cheaper than a pass to size the value, and
// the room they keep lets a short string be copied as a fixed 12 bytes.
inline char* EncodeValueBounded(const Column& c, int64_t i, char* p, char* end);

[[gnu::always_inline]] inline char* ScalarEncodeBounded(TypeId id, const Column& c, int64_t i,
                                                        char* p, char* end) {
  const size_t room = static_cast<size_t>(end - p);
  const uint8_t* v = c.values_buffer() ? c.values_buffer()->data() : nullptr;
  switch (id) {
    case TypeId::kBoolean:
      if (room < 1) return nullptr;
      *p = static_cast<char>(v[i]);
      return p + 1;
    case TypeId::kInt32:
    case TypeId::kDate:
      if (room < 4) return nullptr;
      std::memcpy(p, v + i * 4, 4);
      return p + 4;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDouble:
      if (room < 8) return nullptr;
      std::memcpy(p, v + i * 8, 8);
      return p + 8;
    case TypeId::kDecimal:
    case TypeId::kInterval:
      if (room < 16) return nullptr;
      std::memcpy(p, v + i * 16, 16);
      return p + 16;
    case TypeId::kString:
    case TypeId::kBinary: {
      const StringRef& r = reinterpret_cast<const StringRef*>(v)[i];
      const uint32_t n = r.size();
      // A varint of a uint32_t takes at most 5 bytes.
      if (room < 5 + StringRef::kInlineSize + static_cast<size_t>(n)) return nullptr;
      p = PutVarintTo(n, p);
      if (r.is_inline()) {
        // All 12 inline bytes (zero-padded past n); the ones past n are overwritten
        // by what follows or lie past the end of the value.
        std::memcpy(p, r.data(), StringRef::kInlineSize);
      } else {
        std::memcpy(p, r.data(), n);
      }
      return p + n;
    }
    default:
      return p;
  }
}

[[gnu::always_inline]] inline char* NullableEncodeBounded(const Column& c, int64_t k, char* p,
                                                          char* end) {
  if (p == end) return nullptr;
  if (IsNullFast(c, k)) {
    *p = 0;
    return p + 1;
  }
  *p++ = 1;
  const TypeId id = c.type().id();
  return IsNestedType(id) ? EncodeValueBounded(c, k, p, end)
                          : ScalarEncodeBounded(id, c, k, p, end);
}

inline char* EncodeValueBounded(const Column& c, int64_t i, char* p, char* end) {
  const TypeId id = c.type().id();
  switch (id) {
    case TypeId::kArray: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      if (end - p < 5) return nullptr;
      p = PutVarintTo(static_cast<uint64_t>(e - b), p);
      const Column& elems = *c.child(0);
      for (int32_t k = b; k < e && p != nullptr; ++k) p = NullableEncodeBounded(elems, k, p, end);
      return p;
    }
    case TypeId::kMap: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      if (end - p < 5) return nullptr;
      p = PutVarintTo(static_cast<uint64_t>(e - b), p);
      const Column& keys = *c.child(0);
      const Column& values = *c.child(1);
      const TypeId key_id = keys.type().id();
      for (int32_t k = b; k < e && p != nullptr; ++k) {
        p = IsNestedType(key_id) ? EncodeValueBounded(keys, k, p, end)
                                 : ScalarEncodeBounded(key_id, keys, k, p, end);
        if (p != nullptr) p = NullableEncodeBounded(values, k, p, end);
      }
      return p;
    }
    case TypeId::kStruct:
      for (const ColumnPtr& f : c.children()) {
        p = NullableEncodeBounded(*f, i, p, end);
        if (p == nullptr) return nullptr;
      }
      return p;
    default:
      return ScalarEncodeBounded(id, c, i, p, end);
  }
}

// Appends the encoding of non-NULL row i of `c`. A value that fits a stack buffer
// (all of Nexmark's rows) is written there in one pass and appended at once; a
// larger one is sized first and written straight into `out`.
inline void EncodeValue(const Column& c, int64_t i, std::string* out) {
  char buf[1024];
  if (char* e = EncodeValueBounded(c, i, buf, buf + sizeof(buf)); e != nullptr) {
    out->append(buf, static_cast<size_t>(e - buf));
    return;
  }
  const size_t old = out->size();
  out->resize(old + EncodedSize(c, i));
  char* end = EncodeValueTo(c, i, out->data() + old);
  WEIR_DCHECK(end == out->data() + out->size());
  (void)end;
}

inline Status BadEncoding() {
  return Status::Corruption("aggregate state holds a malformed value");
}

inline Status DecodeValue(std::string_view* in, const DataType& t, ColumnBuilder* b);

template <typename T>
inline T LoadLe(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Decodes one non-NULL value of the scalar (not nested) type `id` from the front of
// `in` and appends it to `b`, or with `b` == nullptr only validates and skips it.
// Inline, so that the loops over struct fields and array elements call no function
// per scalar.
[[gnu::always_inline]] inline Status DecodeScalar(std::string_view* in, TypeId id,
                                                  ColumnBuilder* b) {
  const char* p = in->data();
  const size_t left = in->size();
  switch (id) {
    case TypeId::kBoolean: {
      if (left < 1 || static_cast<uint8_t>(p[0]) > 1) return BadEncoding();
      in->remove_prefix(1);
      if (b != nullptr)
        static_cast<PrimitiveBuilder<uint8_t>*>(b)->Append(static_cast<uint8_t>(p[0]));
      return Status::OK();
    }
    case TypeId::kInt32:
    case TypeId::kDate:
      if (left < 4) return BadEncoding();
      in->remove_prefix(4);
      if (b != nullptr) static_cast<Int32Builder*>(b)->Append(LoadLe<int32_t>(p));
      return Status::OK();
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if (left < 8) return BadEncoding();
      in->remove_prefix(8);
      if (b != nullptr) static_cast<Int64Builder*>(b)->Append(LoadLe<int64_t>(p));
      return Status::OK();
    case TypeId::kDouble:
      if (left < 8) return BadEncoding();
      in->remove_prefix(8);
      if (b != nullptr) static_cast<DoubleBuilder*>(b)->Append(LoadLe<double>(p));
      return Status::OK();
    case TypeId::kDecimal:
      if (left < 16) return BadEncoding();
      in->remove_prefix(16);
      if (b != nullptr) static_cast<DecimalBuilder*>(b)->Append(LoadLe<Int128>(p));
      return Status::OK();
    case TypeId::kInterval:
      if (left < 16) return BadEncoding();
      in->remove_prefix(16);
      if (b != nullptr) static_cast<IntervalBuilder*>(b)->Append(LoadLe<Interval>(p));
      return Status::OK();
    case TypeId::kString:
    case TypeId::kBinary: {
      uint64_t n;
      // One-byte lengths (under 128) are the common case.
      if (left >= 1 && static_cast<uint8_t>(p[0]) < 0x80) {
        n = static_cast<uint8_t>(p[0]);
        in->remove_prefix(1);
      } else if (!GetVarint(in, &n)) {
        return BadEncoding();
      }
      if (n > in->size()) return BadEncoding();
      if (b != nullptr) static_cast<StringBuilder*>(b)->Append(std::string_view(in->data(), n));
      in->remove_prefix(n);
      return Status::OK();
    }
    default:
      return BadEncoding();  // a NULL-typed value is never encoded
  }
}

// Reads a flag byte and, if set, a value; appends NULL or the value to `b`.
[[gnu::always_inline]] inline Status DecodeNullable(std::string_view* in, const DataType& t,
                                                    ColumnBuilder* b) {
  if (in->empty()) return BadEncoding();
  const auto flag = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  if (flag > 1) return BadEncoding();
  if (flag == 0) {
    if (b != nullptr) b->AppendNull();
    return Status::OK();
  }
  const TypeId id = t.id();
  return IsNestedType(id) ? DecodeValue(in, t, b) : DecodeScalar(in, id, b);
}

// Decodes one non-NULL value of type `t` from the front of `in` and appends it to
// `b`; with `b` == nullptr only validates and skips it. Counts are bounded by the
// bytes left, so corrupt input can neither over-allocate nor loop long.
inline Status DecodeValue(std::string_view* in, const DataType& t, ColumnBuilder* b) {
  const TypeId id = t.id();
  switch (id) {
    case TypeId::kArray: {
      uint64_t n;
      if (!GetVarint(in, &n) || n > in->size()) return BadEncoding();
      auto* ab = static_cast<ArrayBuilder*>(b);
      if (ab != nullptr) ab->Append();
      const DataType& et = t.element_type();
      ColumnBuilder* eb = ab ? ab->element_builder() : nullptr;
      for (uint64_t k = 0; k < n; ++k) RETURN_NOT_OK(DecodeNullable(in, et, eb));
      return Status::OK();
    }
    case TypeId::kMap: {
      uint64_t n;
      if (!GetVarint(in, &n) || n > in->size()) return BadEncoding();
      auto* mb = static_cast<MapBuilder*>(b);
      if (mb != nullptr) mb->Append();
      const DataType& kt = t.key_type();
      const DataType& vt = t.value_type();
      const TypeId key_id = kt.id();
      ColumnBuilder* kb = mb ? mb->key_builder() : nullptr;
      ColumnBuilder* vb = mb ? mb->value_builder() : nullptr;
      for (uint64_t k = 0; k < n; ++k) {
        RETURN_NOT_OK(IsNestedType(key_id) ? DecodeValue(in, kt, kb)
                                           : DecodeScalar(in, key_id, kb));
        RETURN_NOT_OK(DecodeNullable(in, vt, vb));
      }
      return Status::OK();
    }
    case TypeId::kStruct: {
      auto* sb = static_cast<StructBuilder*>(b);
      if (sb != nullptr) sb->Append();
      const std::vector<Field>& fields = t.fields();
      for (size_t f = 0; f < fields.size(); ++f) {
        RETURN_NOT_OK(DecodeNullable(in, fields[f].type,
                                     sb ? sb->field_builder(static_cast<int>(f)) : nullptr));
      }
      return Status::OK();
    }
    default:
      return DecodeScalar(in, id, b);
  }
}

inline bool ContainsMap(const DataType& t) {
  switch (t.id()) {
    case TypeId::kMap:
      return true;
    case TypeId::kArray:
      return ContainsMap(t.element_type());
    case TypeId::kStruct:
      for (const Field& f : t.fields()) {
        if (ContainsMap(f.type)) return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace weir::codec
