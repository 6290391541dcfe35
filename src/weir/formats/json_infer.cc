#include "weir/formats/json_infer.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <simdjson.h>

#include "weir/expr/cast_internal.h"
#include "weir/formats/formats_internal.h"
#include "weir/functions/json_internal.h"

namespace weir::formats {

namespace {

namespace dom = simdjson::dom;
using T = dom::element_type;

DataType Merge(const DataType& a, const DataType& b);

// Sorted merge of two name-sorted field lists (JsonInferSchema.compatibleType).
std::vector<Field> MergeFields(const std::vector<Field>& a, const std::vector<Field>& b) {
  std::vector<Field> out;
  out.reserve(std::max(a.size(), b.size()));
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].name < b[j].name)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].name < a[i].name) {
      out.push_back(b[j++]);
    } else {
      out.push_back({a[i].name, Merge(a[i].type, b[j].type), true});
      ++i;
      ++j;
    }
  }
  return out;
}

// JsonInferSchema.compatibleType.
DataType Merge(const DataType& a, const DataType& b) {
  if (a.id() == TypeId::kStruct && b.id() == TypeId::kStruct) {
    if (a == b) return a;
    return DataType::Struct(MergeFields(a.fields(), b.fields()));
  }
  if (a.id() == TypeId::kArray && b.id() == TypeId::kArray) {
    return DataType::Array(Merge(a.element_type(), b.element_type()));
  }
  if (std::optional<DataType> t = internal::TightestCommonType(a, b)) return *t;
  if (std::optional<DataType> t = internal::NumericCompatibleType(a, b)) return *t;
  return DataType::String();
}

// precision and scale of new java.math.BigDecimal(text); false if not a number.
bool BigDecimalShape(std::string_view text, int64_t* precision, int64_t* scale) {
  cast_internal::DecimalText t;
  if (!cast_internal::ParseBigDecimalText(text, &t)) return false;
  std::string digits(t.int_digits);
  digits.append(t.frac_digits);
  size_t first = digits.find_first_not_of('0');
  *precision = first == std::string::npos ? 1 : static_cast<int64_t>(digits.size() - first);
  *scale = static_cast<int64_t>(t.frac_digits.size()) - t.exponent;
  return true;
}

DataType DecimalOrDouble(int64_t precision, int64_t scale) {
  // DecimalType(max(precision, scale), max(scale, 0)) when that fits in 38 digits.
  const int64_t p = std::max(precision, scale);
  if (p > kMaxDecimalPrecision) return DataType::Double();
  return DataType::DecimalUnchecked(static_cast<int>(p),
                                    static_cast<int>(std::max<int64_t>(scale, 0)));
}

class Inferrer {
 public:
  explicit Inferrer(const JsonReadOptions& options) : options_(options) {}

  // JsonInferSchema.inferField.
  DataType Infer(const dom::element& e) {
    const T kind = e.type();
    if (kind == T::NULL_VALUE) return DataType::Null();
    if (kind == T::STRING && json_internal::StringOf(e).empty()) return DataType::Null();
    if (options_.primitives_as_string && kind != T::ARRAY && kind != T::OBJECT) {
      return DataType::String();
    }
    switch (kind) {
      case T::BOOL:
        return DataType::Boolean();
      case T::INT64:
        return DataType::Int64();
      case T::UINT64: {
        // Jackson's BIG_INTEGER: a DECIMAL of its digits.
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof(buf), e.get_uint64().value_unsafe());
        return DataType::DecimalUnchecked(static_cast<int>(r.ptr - buf), 0);
      }
      case T::DOUBLE: {
        if (!options_.prefers_decimal) return DataType::Double();
        double v = e.get_double().value_unsafe();
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof(buf), v);
        int64_t precision, scale;
        if (!std::isfinite(v) ||
            !BigDecimalShape(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), &precision,
                             &scale)) {
          return DataType::Double();
        }
        return DecimalOrDouble(precision, scale);
      }
      case T::STRING: {
        if (options_.prefers_decimal) {
          // DecimalType(bigDecimal.precision, bigDecimal.scale) when that is a valid type.
          int64_t precision, scale;
          if (BigDecimalShape(json_internal::StringOf(e), &precision, &scale) && scale >= 0 &&
              scale <= precision && precision <= kMaxDecimalPrecision) {
            return DataType::DecimalUnchecked(static_cast<int>(precision), static_cast<int>(scale));
          }
        }
        return DataType::String();
      }
      case T::ARRAY: {
        DataType element = DataType::Null();
        for (dom::element c : json_internal::AsArray(e)) element = Merge(element, Infer(c));
        return DataType::Array(element);
      }
      case T::OBJECT: {
        std::vector<Field> fields;
        for (dom::key_value_pair kv : json_internal::AsObject(e)) {
          fields.push_back({std::string(kv.key), Infer(kv.value), true});
        }
        std::stable_sort(fields.begin(), fields.end(),
                         [](const Field& x, const Field& y) { return x.name < y.name; });
        // Duplicate keys: one field of their merged type.
        std::vector<Field> unique;
        for (Field& f : fields) {
          if (!unique.empty() && unique.back().name == f.name) {
            unique.back().type = Merge(unique.back().type, f.type);
          } else {
            unique.push_back(std::move(f));
          }
        }
        return DataType::Struct(std::move(unique));
      }
      default:
        return DataType::String();
    }
  }

 private:
  const JsonReadOptions& options_;
};

// JsonInferSchema.canonicalizeType.
std::optional<DataType> Canonicalize(const DataType& t, bool drop_all_null) {
  switch (t.id()) {
    case TypeId::kNull:
      if (drop_all_null) return std::nullopt;
      return DataType::String();
    case TypeId::kArray: {
      std::optional<DataType> e = Canonicalize(t.element_type(), drop_all_null);
      if (!e) return std::nullopt;
      return DataType::Array(*e);
    }
    case TypeId::kStruct: {
      std::vector<Field> fields;
      for (const Field& f : t.fields()) {
        if (f.name.empty()) continue;
        if (std::optional<DataType> c = Canonicalize(f.type, drop_all_null)) {
          fields.push_back({f.name, *c, true});
        }
      }
      if (fields.empty()) return std::nullopt;  // SPARK-8093: empty structs go
      return DataType::Struct(std::move(fields));
    }
    default:
      return t;
  }
}

}  // namespace

struct JsonSchemaInferrer::State {
  explicit State(const JsonReadOptions& o) : options(o), inferrer(options) {}
  JsonReadOptions options;
  Inferrer inferrer;
  dom::parser parser;
  DataType root = DataType::Null();
  int64_t seen = 0;

  // JsonInferSchema.compatibleRootType, with withCorruptField for a non-struct root.
  Status MergeRoot(const DataType& t) {
    if (t.id() == TypeId::kArray) return MergeRoot(t.element_type());
    if (t.is_null()) return Status::OK();
    if (root.is_null()) {
      root = t;
      return Status::OK();
    }
    const bool rs = root.id() == TypeId::kStruct, ts = t.id() == TypeId::kStruct;
    if (rs != ts) {
      if (!rs) root = t;
      return Corrupt();
    }
    root = Merge(root, t);
    return Status::OK();
  }

  // A record that is not an object: the corrupt column joins the struct (PERMISSIVE).
  Status Corrupt() {
    switch (options.common.mode) {
      case ParseMode::kFailFast:
        return Status::InvalidInput(
            "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected "
            "in schema inference. Parse Mode: FAILFAST.");
      case ParseMode::kDropMalformed:
        return Status::OK();
      case ParseMode::kPermissive:
        break;
    }
    DataType corrupt =
        DataType::Struct({{options.common.corrupt_column, DataType::String(), true}});
    if (root.id() != TypeId::kStruct) {
      root = corrupt;
    } else {
      for (const Field& f : root.fields()) {
        if (f.name == options.common.corrupt_column) return Status::OK();
      }
      root = Merge(root, corrupt);
    }
    return Status::OK();
  }
};

JsonSchemaInferrer::JsonSchemaInferrer(const JsonReadOptions& options)
    : state_(std::make_unique<State>(options)) {}
JsonSchemaInferrer::~JsonSchemaInferrer() = default;

Status JsonSchemaInferrer::Add(std::string_view buffer, std::string_view file) {
  State& s = *state_;
  const double ratio = s.options.common.sampling_ratio;
  size_t offset = 0;
  int64_t line_no = 1;
  while (offset < buffer.size()) {
    size_t end;
    std::string_view line = internal::LineAt(buffer, offset, &end);
    offset = end + 1;
    const int64_t this_line = line_no++;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const int64_t n = s.seen++;
    if (ratio < 1.0 && std::floor(static_cast<double>(n + 1) * ratio) ==
                           std::floor(static_cast<double>(n) * ratio)) {
      continue;
    }
    dom::element root;
    if (s.parser.parse(line.data(), line.size(), true).get(root) != simdjson::SUCCESS) {
      Status st = s.Corrupt();
      if (!st.ok()) {
        return st.WithContext(std::string(file) + " line " + std::to_string(this_line));
      }
      continue;
    }
    Status st = s.MergeRoot(s.inferrer.Infer(root));
    if (!st.ok()) return st.WithContext(std::string(file) + " line " + std::to_string(this_line));
  }
  return Status::OK();
}

SchemaPtr JsonSchemaInferrer::Finish() const {
  const State& s = *state_;
  if (s.root.id() != TypeId::kStruct) return MakeSchema({});
  std::optional<DataType> t = Canonicalize(s.root, s.options.drop_field_if_all_null);
  if (!t) return MakeSchema({});
  return MakeSchema(t->fields());
}

Result<SchemaPtr> InferJsonSchema(std::string_view buffer, const JsonReadOptions& options) {
  JsonSchemaInferrer inferrer(options);
  RETURN_NOT_OK(inferrer.Add(buffer));
  return inferrer.Finish();
}

}  // namespace weir::formats
