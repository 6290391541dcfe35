// Helpers shared by the decoders of weir_formats (not part of its interface): the
// per-field conversion results they buffer before a row is known to be good, text
// conversions with Spark's reading rules, the malformed-record error, projection.
//
// Thread-safety: DatetimeReader is immutable after Make; the rest are values and
// free functions.

#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/formats/decoder.h"
#include "weir/formats/options.h"
#include "weir/functions/datetime_format.h"
#include "weir/types/builder.h"
#include "weir/types/decimal.h"

namespace weir::formats::internal {

// One converted field value of a primitive type, held until the record is known to
// be good. `str` views either the input or `owned` of the same Scalar.
struct Scalar {
  bool valid = false;
  union {
    uint8_t b;
    int32_t i32;
    int64_t i64;
    double f64;
    Int128 dec;
  } v{};
  std::string_view str;
  std::string owned;
};

// Appends `s` (or NULL when !s.valid) to `builder`, whose type is a primitive type
// (not ARRAY, MAP, STRUCT).
void AppendScalar(ColumnBuilder* builder, const Scalar& s);

// Parses DATE and TIMESTAMP text as Spark's readers do: with dateFormat /
// timestampFormat when set (no fallback, as Spark), otherwise with the CAST parsers
// (DateTimeUtils.stringToDate / stringToTimestamp), which is what Spark's default
// formatters and their fallback accept.
class DatetimeReader {
 public:
  static Result<DatetimeReader> Make(const CommonOptions& options);
  bool ParseDate(std::string_view s, int32_t* days) const;
  bool ParseTimestamp(std::string_view s, int64_t* micros) const;

 private:
  DatetimeReader(const CommonOptions& options);

  TimeZone zone_;
  std::shared_ptr<const datetime::ZoneCalc> zone_calc_;
  std::shared_ptr<const datetime::ZoneCalc> utc_calc_;
  std::optional<datetime::DateTimePattern> date_pattern_;
  std::optional<datetime::DateTimePattern> timestamp_pattern_;
  int64_t now_micros_ = 0;  // for a bare time "T10:00:00": today's date, as Spark
};

// Java's Integer.parseInt / Long.parseLong: [+-]digits, nothing else, in range.
bool ParseJavaInt32(std::string_view s, int32_t* out);
bool ParseJavaInt64(std::string_view s, int64_t* out);
// java.lang.Double.parseDouble (plus Spark's CAST special values).
bool ParseJavaDouble(std::string_view s, double* out);
// Scala's String.toBoolean: "true" / "false", any case.
bool ParseJavaBoolean(std::string_view s, bool* out);
// new java.math.BigDecimal(s), then Decimal(value, precision, scale): rounds HALF_UP,
// false when the text is not a number or the value does not fit.
bool ParseJavaDecimal(std::string_view s, int precision, int scale, Int128* out);

// [MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] ... for FAILFAST, with the record
// (cut to 1000 bytes), the file and the line.
Status MalformedRecord(std::string_view record, const InputPosition& pos);

// Checks that the corrupt-record column, if `schema` has one, is a nullable STRING
// (Spark's INVALID_CORRUPT_RECORD_TYPE), and returns its index (-1 if none).
Result<int> CorruptColumnIndex(const Schema& schema, const std::string& name);

// The projection's schema; InvalidArgument if an index is out of range.
Result<SchemaPtr> ProjectSchema(const SchemaPtr& schema, const std::vector<int>& columns);

// One builder per output column; Finish returns them as a batch of `schema` (rows-only
// when it has no columns).
class OutputBuilders {
 public:
  explicit OutputBuilders(SchemaPtr schema);
  ColumnBuilder* at(int i) { return builders_[static_cast<size_t>(i)].get(); }
  int size() const { return static_cast<int>(builders_.size()); }
  Result<Batch> Finish(int64_t rows);

 private:
  SchemaPtr schema_;
  std::vector<std::unique_ptr<ColumnBuilder>> builders_;
};

// TypeCoercion.findTightestCommonType on the types inference produces (NULL,
// BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL, STRING, DATE, TIMESTAMP, ARRAY, STRUCT):
// NULL gives way, integral types widen to BIGINT, to DOUBLE, or into a DECIMAL wide
// enough; DATE and TIMESTAMP give TIMESTAMP; equal types stay. Nothing otherwise.
std::optional<DataType> TightestCommonType(const DataType& a, const DataType& b);

// The rules JSON and CSV inference share after that (JsonInferSchema.compatibleType,
// CSVInferSchema.findCompatibleTypeForCSV): DOUBLE with DECIMAL is DOUBLE; two
// DECIMALs widen to hold both (DOUBLE past 38 digits); an integral type with a
// DECIMAL goes through DecimalType.forType. Nothing for other pairs.
std::optional<DataType> NumericCompatibleType(const DataType& a, const DataType& b);

// The end of the line starting at `pos`: the index of its '\n' (or buffer.size()),
// and the line's text without a trailing '\r'.
inline std::string_view LineAt(std::string_view buffer, size_t pos, size_t* end) {
  const void* nl = std::memchr(buffer.data() + pos, '\n', buffer.size() - pos);
  size_t e = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buffer.data()) : buffer.size();
  *end = e;
  std::string_view line = buffer.substr(pos, e - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace weir::formats::internal
