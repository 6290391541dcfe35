#include "weir/formats/formats_internal.h"

#include <algorithm>

#include <absl/time/clock.h>

#include "weir/expr/cast_internal.h"

namespace weir::formats::internal {

void AppendScalar(ColumnBuilder* builder, const Scalar& s) {
  if (!s.valid) {
    builder->AppendNull();
    return;
  }
  switch (builder->type().id()) {
    case TypeId::kBoolean:
      static_cast<BooleanBuilder*>(builder)->Append(s.v.b != 0);
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      static_cast<Int32Builder*>(builder)->Append(s.v.i32);
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      static_cast<Int64Builder*>(builder)->Append(s.v.i64);
      return;
    case TypeId::kDouble:
      static_cast<DoubleBuilder*>(builder)->Append(s.v.f64);
      return;
    case TypeId::kDecimal:
      static_cast<DecimalBuilder*>(builder)->Append(s.v.dec);
      return;
    case TypeId::kString:
    case TypeId::kBinary:
      static_cast<StringBuilder*>(builder)->Append(s.str);
      return;
    default:
      builder->AppendNull();
      return;
  }
}

DatetimeReader::DatetimeReader(const CommonOptions& options)
    : zone_(options.time_zone),
      zone_calc_(std::make_shared<datetime::ZoneCalc>(options.time_zone.zone())),
      utc_calc_(std::make_shared<datetime::ZoneCalc>(absl::UTCTimeZone())),
      now_micros_(absl::ToUnixMicros(absl::Now())) {}

Result<DatetimeReader> DatetimeReader::Make(const CommonOptions& options) {
  DatetimeReader r(options);
  if (options.date_format) {
    Result<datetime::DateTimePattern> p =
        datetime::DateTimePattern::Compile(*options.date_format, /*for_parsing=*/true);
    if (!p.ok()) {
      return Status::InvalidOption("[INVALID_OPTION] option 'dateFormat': " + p.status().message());
    }
    r.date_pattern_ = std::move(*p);
  }
  if (options.timestamp_format) {
    Result<datetime::DateTimePattern> p =
        datetime::DateTimePattern::Compile(*options.timestamp_format, /*for_parsing=*/true);
    if (!p.ok()) {
      return Status::InvalidOption("[INVALID_OPTION] option 'timestampFormat': " +
                                   p.status().message());
    }
    r.timestamp_pattern_ = std::move(*p);
  }
  return r;
}

bool DatetimeReader::ParseDate(std::string_view s, int32_t* days) const {
  if (!date_pattern_) return cast_internal::ParseSparkDate(s, days);
  int64_t micros = 0;
  std::string error;
  if (!date_pattern_->Parse(s, *utc_calc_, &micros, &error)) return false;
  *days = static_cast<int32_t>(datetime::FloorDiv(micros, kMicrosPerDay));
  return true;
}

bool DatetimeReader::ParseTimestamp(std::string_view s, int64_t* micros) const {
  if (!timestamp_pattern_) return cast_internal::ParseSparkTimestamp(s, zone_, now_micros_, micros);
  std::string error;
  return timestamp_pattern_->Parse(s, *zone_calc_, micros, &error);
}

namespace {

template <typename T>
bool ParseJavaIntegral(std::string_view s, T* out) {
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return false;
  // Accumulate negatively so that the minimum value fits.
  using U = T;
  U value = 0;
  constexpr U kMin = std::numeric_limits<T>::min();
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    U d = c - '0';
    if (value < (kMin + d) / 10) return false;
    value = value * 10 - d;
  }
  if (!negative) {
    if (value == kMin) return false;
    value = -value;
  }
  *out = value;
  return true;
}

}  // namespace

bool ParseJavaInt32(std::string_view s, int32_t* out) { return ParseJavaIntegral(s, out); }
bool ParseJavaInt64(std::string_view s, int64_t* out) { return ParseJavaIntegral(s, out); }

bool ParseJavaDouble(std::string_view s, double* out) {
  return cast_internal::ParseSparkDouble(s, out);
}

bool ParseJavaBoolean(std::string_view s, bool* out) {
  if (cast_internal::EqualsIgnoreCase(s, "true")) {
    *out = true;
    return true;
  }
  if (cast_internal::EqualsIgnoreCase(s, "false")) {
    *out = false;
    return true;
  }
  return false;
}

bool ParseJavaDecimal(std::string_view s, int precision, int scale, Int128* out) {
  cast_internal::DecimalText t;
  if (!cast_internal::ParseBigDecimalText(s, &t)) return false;
  return cast_internal::FitDecimal(t, precision, scale, out) == cast_internal::DecimalFit::kOk;
}

Status MalformedRecord(std::string_view record, const InputPosition& pos) {
  constexpr size_t kMaxShown = 1000;
  std::string shown(record.substr(0, kMaxShown));
  if (record.size() > kMaxShown) shown += "...";
  std::string where =
      pos.file.empty() ? "" : " (file " + pos.file + ", line " + std::to_string(pos.line) + ")";
  if (pos.file.empty()) where = " (line " + std::to_string(pos.line) + ")";
  return Status::InvalidInput(
      "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
      "record parsing: " +
      shown + where +
      ". Parse Mode: FAILFAST. To process malformed records as null result, try setting the "
      "option 'mode' as 'PERMISSIVE'.");
}

Result<int> CorruptColumnIndex(const Schema& schema, const std::string& name) {
  std::optional<int> idx = schema.FindField(name);
  if (!idx) return -1;
  const Field& f = schema.field(*idx);
  if (f.type.id() != TypeId::kString || !f.nullable) {
    return Status::InvalidArgument("[INVALID_CORRUPT_RECORD_TYPE] The column `" + name +
                                   "` for corrupt records must have the nullable STRING type, "
                                   "but got " +
                                   f.type.ToDdl() + (f.nullable ? "" : " NOT NULL") + ".");
  }
  return *idx;
}

Result<SchemaPtr> ProjectSchema(const SchemaPtr& schema, const std::vector<int>& columns) {
  std::vector<Field> fields;
  for (int c : columns) {
    if (c < 0 || c >= schema->num_fields()) {
      return Status::InvalidArgument("column index " + std::to_string(c) + " out of range for " +
                                     schema->ToString());
    }
    fields.push_back(schema->field(c));
  }
  return MakeSchema(std::move(fields));
}

OutputBuilders::OutputBuilders(SchemaPtr schema) : schema_(std::move(schema)) {
  for (const Field& f : schema_->fields()) builders_.push_back(MakeBuilder(f.type));
}

Result<Batch> OutputBuilders::Finish(int64_t rows) {
  if (builders_.empty()) return Batch::MakeRowsOnly(rows);
  std::vector<ColumnPtr> columns;
  columns.reserve(builders_.size());
  for (auto& b : builders_) columns.push_back(b->Finish());
  return Batch::Make(schema_, std::move(columns));
}

namespace {

bool IsIntegral(const DataType& t) { return t.id() == TypeId::kInt32 || t.id() == TypeId::kInt64; }

// DecimalType.forType: INT -> DECIMAL(10,0), BIGINT -> DECIMAL(20,0).
DataType DecimalFor(const DataType& t) {
  return DataType::DecimalUnchecked(t.id() == TypeId::kInt32 ? 10 : 20, 0);
}

// DecimalType.isWiderThan.
bool DecimalWiderThan(const DataType& d, const DataType& other) {
  const DataType o = IsIntegral(other) ? DecimalFor(other) : other;
  return d.precision() - d.scale() >= o.precision() - o.scale() && d.scale() >= o.scale();
}

int NumericRank(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt32:
      return 1;
    case TypeId::kInt64:
      return 2;
    case TypeId::kDouble:
      return 3;
    default:
      return 0;
  }
}

}  // namespace

std::optional<DataType> TightestCommonType(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  if (IsIntegral(a) && b.id() == TypeId::kDecimal && DecimalWiderThan(b, a)) return b;
  if (a.id() == TypeId::kDecimal && IsIntegral(b) && DecimalWiderThan(a, b)) return a;
  if (NumericRank(a) > 0 && NumericRank(b) > 0) {
    return NumericRank(a) >= NumericRank(b) ? a : b;
  }
  auto is_datetime = [](const DataType& t) {
    return t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp;
  };
  if (is_datetime(a) && is_datetime(b)) return DataType::Timestamp();
  return std::nullopt;
}

std::optional<DataType> NumericCompatibleType(const DataType& a, const DataType& b) {
  const bool ad = a.id() == TypeId::kDecimal, bd = b.id() == TypeId::kDecimal;
  if ((a.id() == TypeId::kDouble && bd) || (ad && b.id() == TypeId::kDouble)) {
    return DataType::Double();
  }
  if (ad && bd) {
    const int scale = std::max(a.scale(), b.scale());
    const int range = std::max(a.precision() - a.scale(), b.precision() - b.scale());
    if (range + scale > kMaxDecimalPrecision) return DataType::Double();
    return DataType::DecimalUnchecked(range + scale, scale);
  }
  if (IsIntegral(a) && bd) return NumericCompatibleType(DecimalFor(a), b);
  if (ad && IsIntegral(b)) return NumericCompatibleType(a, DecimalFor(b));
  return std::nullopt;
}

}  // namespace weir::formats::internal

namespace weir::formats {

Result<Batch> DecodeAll(RecordDecoder* decoder, std::string_view buffer, std::string_view file) {
  InputPosition pos;
  pos.file = std::string(file);
  size_t offset = 0;
  size_t used = 0;
  do {  // at least once: an empty file is one row with wholetext
    ASSIGN_OR_RAISE(used,
                    decoder->DecodeSome(buffer.substr(offset), /*padded=*/false, INT64_MAX, &pos));
    offset += used;
  } while (used > 0 && offset < buffer.size());
  return decoder->Flush();
}

}  // namespace weir::formats
