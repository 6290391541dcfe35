// A compact binary encoding of SQL values, for aggregate states that hold values
// of any type (collect_list, collect_set, max_by, DISTINCT aggregates) (internal to
// weir_functions). Decoding bounds every count by the bytes left and returns
// Corruption on malformed input.

#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

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

// Appends the encoding of non-NULL row i of `c`.
inline void EncodeValue(const Column& c, int64_t i, std::string* out) {
  const TypeId id = c.type().id();
  if (int w = FixedWidth(id); w > 0) {
    out->append(reinterpret_cast<const char*>(c.values_buffer()->data()) + i * w,
                static_cast<size_t>(w));
    return;
  }
  switch (id) {
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view v = c.Get<StringRef>(i).view();
      PutVarint(v.size(), out);
      out->append(v);
      return;
    }
    case TypeId::kArray: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      PutVarint(static_cast<uint64_t>(e - b), out);
      const Column& elems = *c.child(0);
      for (int32_t k = b; k < e; ++k) {
        bool null = elems.IsNull(k);
        out->push_back(null ? 0 : 1);
        if (!null) EncodeValue(elems, k, out);
      }
      return;
    }
    case TypeId::kMap: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      PutVarint(static_cast<uint64_t>(e - b), out);
      for (int32_t k = b; k < e; ++k) {
        EncodeValue(*c.child(0), k, out);
        bool null = c.child(1)->IsNull(k);
        out->push_back(null ? 0 : 1);
        if (!null) EncodeValue(*c.child(1), k, out);
      }
      return;
    }
    case TypeId::kStruct:
      for (int f = 0; f < c.num_children(); ++f) {
        bool null = c.child(f)->IsNull(i);
        out->push_back(null ? 0 : 1);
        if (!null) EncodeValue(*c.child(f), i, out);
      }
      return;
    default:
      return;  // NULL type: never encoded (NULLs are skipped or flagged)
  }
}

inline Status BadEncoding() {
  return Status::Corruption("aggregate state holds a malformed value");
}

inline Status DecodeValue(std::string_view* in, const DataType& t, ColumnBuilder* b);

// Reads a flag byte and, if set, a value; appends NULL or the value to `b`.
inline Status DecodeNullable(std::string_view* in, const DataType& t, ColumnBuilder* b) {
  if (in->empty()) return BadEncoding();
  const auto flag = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  if (flag > 1) return BadEncoding();
  if (flag == 0) {
    if (b != nullptr) b->AppendNull();
    return Status::OK();
  }
  return DecodeValue(in, t, b);
}

template <typename T>
inline T LoadLe(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Decodes one non-NULL value of type `t` from the front of `in` and appends it to
// `b`; with `b` == nullptr only validates and skips it. Counts are bounded by the
// bytes left, so corrupt input can neither over-allocate nor loop long.
inline Status DecodeValue(std::string_view* in, const DataType& t, ColumnBuilder* b) {
  const TypeId id = t.id();
  if (int w = FixedWidth(id); w > 0) {
    if (in->size() < static_cast<size_t>(w)) return BadEncoding();
    const char* p = in->data();
    in->remove_prefix(static_cast<size_t>(w));
    if (id == TypeId::kBoolean && static_cast<uint8_t>(p[0]) > 1) return BadEncoding();
    if (b == nullptr) return Status::OK();
    switch (id) {
      case TypeId::kBoolean:
        static_cast<PrimitiveBuilder<uint8_t>*>(b)->Append(static_cast<uint8_t>(p[0]));
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        static_cast<Int32Builder*>(b)->Append(LoadLe<int32_t>(p));
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        static_cast<Int64Builder*>(b)->Append(LoadLe<int64_t>(p));
        break;
      case TypeId::kDouble:
        static_cast<DoubleBuilder*>(b)->Append(LoadLe<double>(p));
        break;
      case TypeId::kDecimal:
        static_cast<DecimalBuilder*>(b)->Append(LoadLe<Int128>(p));
        break;
      default:
        static_cast<IntervalBuilder*>(b)->Append(LoadLe<Interval>(p));
        break;
    }
    return Status::OK();
  }
  switch (id) {
    case TypeId::kString:
    case TypeId::kBinary: {
      uint64_t n;
      if (!GetVarint(in, &n) || n > in->size()) return BadEncoding();
      if (b != nullptr) static_cast<StringBuilder*>(b)->Append(in->substr(0, n));
      in->remove_prefix(n);
      return Status::OK();
    }
    case TypeId::kArray: {
      uint64_t n;
      if (!GetVarint(in, &n) || n > in->size()) return BadEncoding();
      auto* ab = static_cast<ArrayBuilder*>(b);
      if (ab != nullptr) ab->Append();
      for (uint64_t k = 0; k < n; ++k) {
        RETURN_NOT_OK(DecodeNullable(in, t.element_type(), ab ? ab->element_builder() : nullptr));
      }
      return Status::OK();
    }
    case TypeId::kMap: {
      uint64_t n;
      if (!GetVarint(in, &n) || n > in->size()) return BadEncoding();
      auto* mb = static_cast<MapBuilder*>(b);
      if (mb != nullptr) mb->Append();
      for (uint64_t k = 0; k < n; ++k) {
        RETURN_NOT_OK(DecodeValue(in, t.key_type(), mb ? mb->key_builder() : nullptr));
        RETURN_NOT_OK(DecodeNullable(in, t.value_type(), mb ? mb->value_builder() : nullptr));
      }
      return Status::OK();
    }
    case TypeId::kStruct: {
      auto* sb = static_cast<StructBuilder*>(b);
      if (sb != nullptr) sb->Append();
      for (size_t f = 0; f < t.fields().size(); ++f) {
        RETURN_NOT_OK(DecodeNullable(in, t.fields()[f].type,
                                     sb ? sb->field_builder(static_cast<int>(f)) : nullptr));
      }
      return Status::OK();
    }
    default:
      return BadEncoding();  // a NULL-typed value is never encoded
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
