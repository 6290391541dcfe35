#include "weir/formats/csv_infer.h"

#include <cmath>

#include "weir/expr/cast_internal.h"
#include "weir/formats/csv_decoder.h"
#include "weir/formats/csv_tokenizer.h"
#include "weir/formats/formats_internal.h"

namespace weir::formats {

namespace {

// The default date pattern inference uses when preferDate is on (CSVOptions
// .dateFormatInRead: DateFormatter.defaultPattern, strict).
constexpr std::string_view kDefaultDatePattern = "yyyy-MM-dd";

}  // namespace

struct CsvSchemaInferrer::State {
  State(const CsvReadOptions& o, internal::DatetimeReader d)
      : options(o), dt(std::move(d)), tokenizer(o) {}

  CsvReadOptions options;
  internal::DatetimeReader dt;
  std::optional<datetime::DateTimePattern> date_pattern;
  std::shared_ptr<const datetime::ZoneCalc> utc =
      std::make_shared<datetime::ZoneCalc>(absl::UTCTimeZone());
  internal::CsvTokenizer tokenizer;
  bool have_names = false;
  std::vector<std::string> names;
  std::vector<DataType> types;
  int64_t seen = 0;

  bool IsInfOrNan(std::string_view f) const {
    return f == options.nan_value || f == options.negative_inf || f == options.positive_inf;
  }

  DataType TryInt(std::string_view f) {
    int32_t v;
    return internal::ParseJavaInt32(f, &v) ? DataType::Int32() : TryLong(f);
  }
  DataType TryLong(std::string_view f) {
    int64_t v;
    return internal::ParseJavaInt64(f, &v) ? DataType::Int64() : TryDecimal(f);
  }
  DataType TryDecimal(std::string_view f) {
    // new BigDecimal(f); only scale 0 becomes a DECIMAL (negative scales are refused
    // by DecimalType, more than 38 digits too).
    cast_internal::DecimalText t;
    if (cast_internal::ParseBigDecimalText(f, &t) && t.frac_digits.empty() && t.exponent == 0) {
      std::string_view d = t.int_digits;
      size_t first = d.find_first_not_of('0');
      size_t precision = first == std::string_view::npos ? 1 : d.size() - first;
      if (precision <= static_cast<size_t>(kMaxDecimalPrecision)) {
        return DataType::DecimalUnchecked(static_cast<int>(precision), 0);
      }
    }
    return TryDouble(f);
  }
  DataType TryDouble(std::string_view f) {
    double v;
    if (internal::ParseJavaDouble(f, &v) || IsInfOrNan(f)) return DataType::Double();
    return options.prefer_date ? TryDate(f) : TryTimestamp(f);
  }
  DataType TryDate(std::string_view f) {
    int64_t micros;
    std::string error;
    if (date_pattern && date_pattern->Parse(f, *utc, &micros, &error)) return DataType::Date();
    return TryTimestamp(f);
  }
  DataType TryTimestamp(std::string_view f) {
    int64_t micros;
    if (dt.ParseTimestamp(f, &micros)) return DataType::Timestamp();
    return TryBoolean(f);
  }
  DataType TryBoolean(std::string_view f) {
    bool b;
    return internal::ParseJavaBoolean(f, &b) ? DataType::Boolean() : DataType::String();
  }

  // CSVInferSchema.compatibleType.
  static std::optional<DataType> Compatible(const DataType& a, const DataType& b) {
    const bool dates = (a.id() == TypeId::kDate && b.id() == TypeId::kTimestamp) ||
                       (a.id() == TypeId::kTimestamp && b.id() == TypeId::kDate);
    if (dates) return DataType::String();
    if (auto t = internal::TightestCommonType(a, b)) return t;
    if (a.id() == TypeId::kString || b.id() == TypeId::kString) return DataType::String();
    return internal::NumericCompatibleType(a, b);
  }

  // CSVInferSchema.inferField.
  DataType InferField(const DataType& so_far, const internal::CsvField& field) {
    std::string_view f = field.text;
    if (f.empty() && field.quoted) f = options.empty_value;
    if (f.empty() || f == options.null_value) return so_far;
    DataType t;
    switch (so_far.id()) {
      case TypeId::kNull:
      case TypeId::kInt32:
        t = TryInt(f);
        break;
      case TypeId::kInt64:
        t = TryLong(f);
        break;
      case TypeId::kDecimal:
        t = TryDecimal(f);
        break;
      case TypeId::kDouble:
        t = TryDouble(f);
        break;
      case TypeId::kDate:
        t = TryDate(f);
        break;
      case TypeId::kTimestamp:
        t = TryTimestamp(f);
        break;
      case TypeId::kBoolean:
        t = TryBoolean(f);
        break;
      default:
        return DataType::String();
    }
    return Compatible(so_far, t).value_or(DataType::String());
  }
};

CsvSchemaInferrer::CsvSchemaInferrer(std::unique_ptr<State> state) : state_(std::move(state)) {}
CsvSchemaInferrer::~CsvSchemaInferrer() = default;

Result<std::unique_ptr<CsvSchemaInferrer>> CsvSchemaInferrer::Make(const CsvReadOptions& options) {
  ASSIGN_OR_RAISE(internal::DatetimeReader dt, internal::DatetimeReader::Make(options.common));
  auto state = std::make_unique<State>(options, std::move(dt));
  if (options.prefer_date) {
    std::string_view pattern = options.common.date_format
                                   ? std::string_view(*options.common.date_format)
                                   : kDefaultDatePattern;
    Result<datetime::DateTimePattern> p = datetime::DateTimePattern::Compile(pattern, true);
    if (!p.ok()) {
      return Status::InvalidOption("[INVALID_OPTION] option 'dateFormat': " + p.status().message());
    }
    state->date_pattern = std::move(*p);
  }
  return std::unique_ptr<CsvSchemaInferrer>(new CsvSchemaInferrer(std::move(state)));
}

void CsvSchemaInferrer::AddFile(std::string_view buffer) {
  State& s = *state_;
  size_t pos = 0;
  std::string_view record;
  int64_t lines = 1, record_line = 1;
  bool header_pending = s.options.header;
  const double ratio = s.options.common.sampling_ratio;
  while (s.tokenizer.Next(buffer, &pos, &record, &lines, &record_line)) {
    const auto& fields = s.tokenizer.fields();
    if (!s.have_names) {
      std::vector<std::string> first;
      for (const auto& f : fields) first.emplace_back(f.text);
      s.names = CsvColumnNames(first, s.options);
      s.types.assign(s.names.size(), DataType::Null());
      s.have_names = true;
    }
    if (header_pending) {
      header_pending = false;
      continue;
    }
    if (!s.options.infer_schema) break;  // the names are all that is needed
    const int64_t n = s.seen++;
    if (ratio < 1.0 && std::floor(static_cast<double>(n + 1) * ratio) ==
                           std::floor(static_cast<double>(n) * ratio)) {
      continue;
    }
    // inferRowType: columns missing on the right are left as they are.
    const size_t k = std::min(fields.size(), s.types.size());
    for (size_t i = 0; i < k; ++i) s.types[i] = s.InferField(s.types[i], fields[i]);
  }
}

SchemaPtr CsvSchemaInferrer::Finish() const {
  const State& s = *state_;
  std::vector<Field> fields;
  for (size_t i = 0; i < s.names.size(); ++i) {
    DataType t = s.types[i].is_null() ? DataType::String() : s.types[i];
    fields.push_back({s.names[i], t, true});
  }
  return MakeSchema(std::move(fields));
}

Result<SchemaPtr> InferCsvSchema(std::string_view buffer, const CsvReadOptions& options) {
  ASSIGN_OR_RAISE(std::unique_ptr<CsvSchemaInferrer> inferrer, CsvSchemaInferrer::Make(options));
  inferrer->AddFile(buffer);
  return inferrer->Finish();
}

}  // namespace weir::formats
