// Tests of codec::EncodeValue / DecodeValue (value_codec_internal.h): the bytes of
// the two-pass encoder (size, then writes through a raw pointer) must equal the
// format as docs/checkpoint_format.md specifies it, here written out field by field
// in the most direct way, for random values of every type; and they must round-trip.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "weir/functions/value_codec_internal.h"
#include "weir/types/builder.h"
#include "weir/types/column.h"
#include "weir/types/datetime.h"

namespace weir {
namespace {

// The format, appended one byte or field at a time (the encoder before its
// two-pass rewrite): what checkpoints hold.
void ReferenceVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void ReferenceEncode(const Column& c, int64_t i, std::string* out) {
  const auto* raw =
      reinterpret_cast<const char*>(c.values_buffer() ? c.values_buffer()->data() : nullptr);
  switch (c.type().id()) {
    case TypeId::kBoolean:
      out->append(raw + i, 1);
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      out->append(raw + i * 4, 4);
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDouble:
      out->append(raw + i * 8, 8);
      return;
    case TypeId::kDecimal:
    case TypeId::kInterval:
      out->append(raw + i * 16, 16);
      return;
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view v = c.Get<StringRef>(i).view();
      ReferenceVarint(v.size(), out);
      out->append(v);
      return;
    }
    case TypeId::kArray: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      ReferenceVarint(static_cast<uint64_t>(e - b), out);
      for (int32_t k = b; k < e; ++k) {
        const bool null = c.child(0)->IsNull(k);
        out->push_back(null ? 0 : 1);
        if (!null) ReferenceEncode(*c.child(0), k, out);
      }
      return;
    }
    case TypeId::kMap: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      ReferenceVarint(static_cast<uint64_t>(e - b), out);
      for (int32_t k = b; k < e; ++k) {
        ReferenceEncode(*c.child(0), k, out);
        const bool null = c.child(1)->IsNull(k);
        out->push_back(null ? 0 : 1);
        if (!null) ReferenceEncode(*c.child(1), k, out);
      }
      return;
    }
    case TypeId::kStruct:
      for (int f = 0; f < c.num_children(); ++f) {
        const bool null = c.child(f)->IsNull(i);
        out->push_back(null ? 0 : 1);
        if (!null) ReferenceEncode(*c.child(f), i, out);
      }
      return;
    default:
      FAIL() << "unexpected type " << c.type().ToString();
  }
}

class RandomValues {
 public:
  explicit RandomValues(uint64_t seed) : rng_(seed) {}

  // Appends a random value of `t` (NULL one time in five) to `b`.
  void Append(const DataType& t, ColumnBuilder* b) {
    if (Below(5) == 0) {
      b->AppendNull();
      return;
    }
    AppendValue(t, b);
  }

  // A key of a map may not be NULL.
  void AppendValue(const DataType& t, ColumnBuilder* b) {
    switch (t.id()) {
      case TypeId::kBoolean:
        static_cast<BooleanBuilder*>(b)->Append(Below(2) == 1);
        return;
      case TypeId::kInt32:
      case TypeId::kDate:
        static_cast<Int32Builder*>(b)->Append(static_cast<int32_t>(rng_()));
        return;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        static_cast<Int64Builder*>(b)->Append(static_cast<int64_t>(rng_()));
        return;
      case TypeId::kDouble: {
        static const double kSpecial[] = {std::numeric_limits<double>::quiet_NaN(),
                                          -std::numeric_limits<double>::quiet_NaN(),
                                          -0.0,
                                          0.0,
                                          std::numeric_limits<double>::infinity(),
                                          -std::numeric_limits<double>::infinity(),
                                          std::numeric_limits<double>::denorm_min()};
        const uint64_t k = Below(10);
        double v;
        if (k < 7) {
          v = kSpecial[k];
        } else {
          const uint64_t bits = rng_();
          std::memcpy(&v, &bits, sizeof(v));
        }
        static_cast<DoubleBuilder*>(b)->Append(v);
        return;
      }
      case TypeId::kDecimal: {
        const Int128 v =
            (static_cast<Int128>(static_cast<int64_t>(rng_())) << 64) | static_cast<Int128>(rng_());
        static_cast<DecimalBuilder*>(b)->Append(v % PowerOfTen(38));
        return;
      }
      case TypeId::kInterval: {
        Interval v;
        v.months = static_cast<int32_t>(rng_());
        v.days = static_cast<int32_t>(rng_());
        v.micros = static_cast<int64_t>(rng_());
        static_cast<IntervalBuilder*>(b)->Append(v);
        return;
      }
      case TypeId::kString:
      case TypeId::kBinary: {
        // Empty, inline (up to 12 bytes), just past inline, and long enough for two-
        // and three-byte varint lengths.
        static const size_t kLengths[] = {0, 1, 11, 12, 13, 40, 127, 128, 300, 20000};
        const size_t n = Below(4) == 0 ? kLengths[Below(10)] : Below(30);
        std::string s(n, '\0');
        for (char& ch : s) ch = static_cast<char>(rng_());
        static_cast<StringBuilder*>(b)->Append(s);
        return;
      }
      case TypeId::kArray: {
        auto* ab = static_cast<ArrayBuilder*>(b);
        ab->Append();
        const uint64_t n = Below(5);
        for (uint64_t k = 0; k < n; ++k) Append(t.element_type(), ab->element_builder());
        return;
      }
      case TypeId::kMap: {
        auto* mb = static_cast<MapBuilder*>(b);
        mb->Append();
        const uint64_t n = Below(4);
        for (uint64_t k = 0; k < n; ++k) {
          AppendValue(t.key_type(), mb->key_builder());
          Append(t.value_type(), mb->value_builder());
        }
        return;
      }
      case TypeId::kStruct: {
        auto* sb = static_cast<StructBuilder*>(b);
        sb->Append();
        for (size_t f = 0; f < t.fields().size(); ++f) {
          Append(t.fields()[f].type, sb->field_builder(static_cast<int>(f)));
        }
        return;
      }
      default:
        FAIL() << "unexpected type " << t.ToString();
    }
  }

 private:
  uint64_t Below(uint64_t n) { return rng_() % n; }

  std::mt19937_64 rng_;
};

DataType StructOf(std::vector<DataType> types) {
  std::vector<Field> fields;
  for (size_t f = 0; f < types.size(); ++f) {
    fields.push_back(Field{"f" + std::to_string(f), std::move(types[f]), true});
  }
  return DataType::Struct(std::move(fields));
}

std::vector<DataType> AllTypes() {
  const DataType dec = DataType::DecimalUnchecked(38, 6);
  // Nexmark q18's two structs: the bid and its order key.
  const DataType bid = StructOf({DataType::Int64(), DataType::String(), DataType::String(),
                                 DataType::Timestamp(), DataType::String()});
  const DataType key = StructOf({DataType::Timestamp(), DataType::Int64(), DataType::String()});
  const DataType nested = StructOf(
      {DataType::Array(DataType::String()), DataType::Map(DataType::String(), DataType::Array(dec)),
       StructOf({DataType::Double(), DataType::Boolean(), DataType::Binary()}),
       DataType::Interval(), DataType::Date()});
  return {DataType::Boolean(),
          DataType::Int32(),
          DataType::Date(),
          DataType::Int64(),
          DataType::Timestamp(),
          DataType::Double(),
          dec,
          DataType::DecimalUnchecked(10, 2),
          DataType::Interval(),
          DataType::String(),
          DataType::Binary(),
          DataType::Array(DataType::Int64()),
          DataType::Array(DataType::Double()),
          DataType::Array(DataType::Array(dec)),
          DataType::Array(bid),
          DataType::Map(DataType::String(), DataType::Double()),
          DataType::Map(key, DataType::Array(DataType::Interval())),
          DataType::Map(DataType::Int32(), nested),
          bid,
          key,
          nested,
          StructOf({nested, DataType::Array(nested)})};
}

TEST(ValueCodecTest, BytesEqualReferenceAndRoundTrip) {
  RandomValues gen(20261121);
  for (const DataType& t : AllTypes()) {
    SCOPED_TRACE(t.ToString());
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(t);
    constexpr int kRows = 400;
    for (int r = 0; r < kRows; ++r) gen.Append(t, b.get());
    ColumnPtr col = b->Finish();
    ASSERT_EQ(col->length(), kRows);

    std::unique_ptr<ColumnBuilder> decoded = MakeBuilder(t);
    std::vector<std::string> encodings;
    int64_t checked = 0;
    for (int64_t r = 0; r < kRows; ++r) {
      if (col->IsNull(r)) continue;
      std::string expected;
      ReferenceEncode(*col, r, &expected);
      // Appending keeps what the buffer held before.
      std::string got = "prefix";
      codec::EncodeValue(*col, r, &got);
      ASSERT_EQ(got.substr(0, 6), "prefix");
      ASSERT_EQ(got.substr(6), expected) << "row " << r;
      ASSERT_EQ(codec::EncodedSize(*col, r), expected.size());
      // Both of EncodeValue's paths, whatever the value's size: the sized one ...
      std::string sized(expected.size(), '\xee');
      ASSERT_EQ(codec::EncodeValueTo(*col, r, sized.data()), sized.data() + sized.size());
      ASSERT_EQ(sized, expected);
      // ... and the bounded one, which needs some room past the value (a short
      // string is copied as 12 bytes) and never writes past `end`.
      std::string room(expected.size() + 32, '\xee');
      char* end = codec::EncodeValueBounded(*col, r, room.data(), room.data() + room.size());
      ASSERT_EQ(end, room.data() + expected.size());
      ASSERT_EQ(room.substr(0, expected.size()), expected);
      for (size_t cap :
           {size_t{0}, expected.size() / 2, expected.size() > 0 ? expected.size() - 1 : 0}) {
        std::string small(cap + 8, '\xee');
        char* e = codec::EncodeValueBounded(*col, r, small.data(), small.data() + cap);
        ASSERT_TRUE(e == nullptr || e <= small.data() + cap);
        if (cap < expected.size()) {
          ASSERT_EQ(e, nullptr) << "cap " << cap;
        }
        ASSERT_EQ(small.substr(cap), std::string(8, '\xee')) << "wrote past end, cap " << cap;
      }

      // Validation alone consumes exactly the value.
      std::string_view in = expected;
      ASSERT_TRUE(codec::DecodeValue(&in, t, nullptr).ok());
      ASSERT_TRUE(in.empty());
      // Decoding appends the value.
      in = expected;
      ASSERT_TRUE(codec::DecodeValue(&in, t, decoded.get()).ok());
      ASSERT_TRUE(in.empty());
      // Every strict prefix is malformed, never a crash.
      for (size_t cut = 0; cut < expected.size(); cut += 1 + expected.size() / 16) {
        std::string_view part(expected.data(), cut);
        EXPECT_FALSE(codec::DecodeValue(&part, t, nullptr).ok()) << "cut at " << cut;
      }
      encodings.push_back(std::move(expected));
      ++checked;
    }
    EXPECT_GT(checked, kRows / 2);
    // The decoded values encode to the same bytes (NaN payloads and -0.0 included).
    ColumnPtr back = decoded->Finish();
    ASSERT_EQ(back->length(), static_cast<int64_t>(encodings.size()));
    for (int64_t r = 0; r < back->length(); ++r) {
      ASSERT_FALSE(back->IsNull(r));
      std::string again;
      codec::EncodeValue(*back, r, &again);
      ASSERT_EQ(again, encodings[static_cast<size_t>(r)]) << "decoded row " << r;
    }
  }
}

// Hand-written bytes of one q18 bid: the format itself, not only agreement with the
// reference above.
TEST(ValueCodecTest, FlatStructBytes) {
  const DataType t = StructOf({DataType::Int64(), DataType::String(), DataType::String()});
  auto b = MakeBuilder(t);
  auto* sb = static_cast<StructBuilder*>(b.get());
  sb->Append();
  static_cast<Int64Builder*>(sb->field_builder(0))->Append(0x0102030405060708);
  sb->field_builder(1)->AppendNull();
  static_cast<StringBuilder*>(sb->field_builder(2))->Append(std::string(130, 'x'));
  ColumnPtr col = b->Finish();
  std::string got;
  codec::EncodeValue(*col, 0, &got);
  std::string want;
  want += '\x01';
  want += std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8);
  want += '\x00';
  want += '\x01';
  want += "\x82\x01";  // 130 as a varint
  want += std::string(130, 'x');
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace weir
