// JSON functions: from_json, to_json, schema_of_json (this file) and get_json_object,
// json_tuple (json_path.cc), with Spark 3.5's semantics (jsonExpressions.scala,
// json/JacksonParser.scala, json/JsonInferSchema.scala).
//
// from_json follows JacksonParser in PERMISSIVE mode (the default): a NULL or blank
// input is NULL; malformed text, or a root that is not an object, gives a struct
// whose fields are all NULL; a root field whose value does not convert to its type is
// NULL while the other fields keep their values (partial results). With an ARRAY or
// MAP schema any failure makes the result NULL. mode FAILFAST turns failures into
// [MALFORMED_RECORD_IN_PARSING] errors.
//
// json_tuple is a generator in Spark. Until the SQL layer's Generate operator exists
// it is also a scalar function returning STRUCT<c0: STRING, c1: STRING, ...>, and it
// is reachable as a generator through generator.h.

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/builtins.h"
#include "weir/functions/ddl_schema.h"
#include "weir/functions/json_internal.h"
#include "weir/functions/kernel_util.h"
#include "weir/functions/registry.h"
#include "weir/types/builder.h"
#include "weir/types/render.h"

namespace weir {

namespace {

namespace dom = simdjson::dom;
using json_internal::JsonDocParser;
using json_internal::ParseOutcome;

// ---- options -------------------------------------------------------------------------

using Options = std::map<std::string, std::string>;  // lower-case key -> value

// The options argument: a constant MAP<STRING, STRING>, as Spark requires
// (ExprUtils.convertToMapData).
Result<Options> ConstantOptions(const ExprPtr& arg) {
  if (arg->type().id() != TypeId::kMap || !arg->foldable()) {
    return Status::InvalidSql(
        "[INVALID_OPTIONS.NON_MAP_FUNCTION] Invalid options: Must use the `map()` function for "
        "options.");
  }
  if (arg->type().key_type().id() != TypeId::kString ||
      arg->type().value_type().id() != TypeId::kString) {
    return Status::InvalidSql(
        "[INVALID_OPTIONS.NON_STRING_TYPE] Invalid options: A type of keys and values in `map()` "
        "must be string, but got " +
        QuoteType(arg->type()) + ".");
  }
  EvalOptions eval_options;
  EvalContext ctx(eval_options);
  ASSIGN_OR_RAISE(Datum d, arg->Eval(ctx, Batch::MakeRowsOnly(1), RowSet(1)));
  Options options;
  Value v = d.GetValue(0);
  if (v.is_null()) return options;
  for (const auto& [key, value] : v.entries()) {
    if (!key.is_null() && !value.is_null()) options[AsciiLower(key.str())] = value.str();
  }
  return options;
}

// ---- from_json -------------------------------------------------------------------------

// Converts JSON values to SQL values of a target type, as JacksonParser's converters
// do. std::nullopt means the value does not convert (a bad record).
class JsonConverter {
 public:
  explicit JsonConverter(EvalContext& ctx) : options_(ctx.options()), lenient_(Lenient()) {}

  std::optional<Value> Convert(const dom::element& e, const DataType& type) {
    using T = dom::element_type;
    const T kind = e.type();
    if (kind == T::NULL_VALUE || type.is_null()) return Value::Null(type);
    switch (type.id()) {
      case TypeId::kBoolean:
        if (kind == T::BOOL) return Value::Boolean(e.get_bool().value_unsafe());
        return std::nullopt;
      case TypeId::kInt32: {
        // Jackson's getIntValue: integers only, and only in range.
        if (kind != T::INT64) return std::nullopt;
        int64_t v = e.get_int64().value_unsafe();
        if (v < INT32_MIN || v > INT32_MAX) return std::nullopt;
        return Value::Int32(static_cast<int32_t>(v));
      }
      case TypeId::kInt64:
        if (kind != T::INT64) return std::nullopt;
        return Value::Int64(e.get_int64().value_unsafe());
      case TypeId::kDouble:
        return ConvertDouble(e);
      case TypeId::kDecimal:
        return ConvertDecimal(e, type);
      case TypeId::kString: {
        std::string text;
        json_internal::AppendRawOrJson(e, &text);
        return Value::String(std::move(text));
      }
      case TypeId::kDate:
      case TypeId::kTimestamp:
        return ConvertDatetime(e, type);
      case TypeId::kArray: {
        if (kind != T::ARRAY) return std::nullopt;
        std::vector<Value> elements;
        for (dom::element child : json_internal::AsArray(e)) {
          std::optional<Value> v = Convert(child, type.element_type());
          if (!v) return std::nullopt;
          elements.push_back(std::move(*v));
        }
        return Value::Array(type.element_type(), std::move(elements));
      }
      case TypeId::kMap: {
        if (kind != T::OBJECT) return std::nullopt;
        std::vector<std::pair<Value, Value>> entries;
        for (dom::key_value_pair kv : json_internal::AsObject(e)) {
          std::optional<Value> v = Convert(kv.value, type.value_type());
          if (!v) return std::nullopt;
          entries.emplace_back(Value::String(std::string(kv.key)), std::move(*v));
        }
        return Value::Map(type.key_type(), type.value_type(), std::move(entries));
      }
      case TypeId::kStruct: {
        if (kind != T::OBJECT) return std::nullopt;
        std::vector<Value> fields;
        // A nested struct is all or nothing (spark.sql.json.enablePartialResults is
        // false in 3.5).
        if (!ConvertFields(e, type, &fields, /*partial=*/false)) return std::nullopt;
        return Value::Struct(type, std::move(fields));
      }
      default:
        // BINARY and INTERVAL are not read from JSON (see docs/architecture.md).
        return std::nullopt;
    }
  }

  // Fills one value per field of `type` from object `e`: missing fields are NULL, the
  // last of duplicate keys wins, names match case-sensitively. With `partial`, a field
  // that fails to convert is NULL and the others are kept; returns false if any
  // field failed.
  bool ConvertFields(const dom::element& e, const DataType& type, std::vector<Value>* out,
                     bool partial) {
    const auto& fields = type.fields();
    out->clear();
    for (const Field& f : fields) out->push_back(Value::Null(f.type));
    bool ok = true;
    for (dom::key_value_pair kv : json_internal::AsObject(e)) {
      for (size_t k = 0; k < fields.size(); ++k) {
        if (fields[k].name != kv.key) continue;
        std::optional<Value> v = Convert(kv.value, fields[k].type);
        if (v) {
          (*out)[k] = std::move(*v);
        } else {
          ok = false;
          (*out)[k] = Value::Null(fields[k].type);
          if (!partial) return false;
        }
        break;
      }
    }
    return ok;
  }

 private:
  static EvalOptions Lenient() { return EvalOptions{}; }

  std::optional<Value> ConvertDouble(const dom::element& e) {
    using T = dom::element_type;
    switch (e.type()) {
      case T::INT64:
        return Value::Double(static_cast<double>(e.get_int64().value_unsafe()));
      case T::UINT64:
        return Value::Double(static_cast<double>(e.get_uint64().value_unsafe()));
      case T::DOUBLE:
        return Value::Double(e.get_double().value_unsafe());
      case T::STRING: {
        // allowNonNumericNumbers (default true): the special values as strings.
        std::string_view s = json_internal::StringOf(e);
        if (s == "NaN" || s == "+NaN" || s == "-NaN") {
          return Value::Double(std::numeric_limits<double>::quiet_NaN());
        }
        if (s == "Infinity" || s == "+Infinity" || s == "+INF" || s == "INF") {
          return Value::Double(std::numeric_limits<double>::infinity());
        }
        if (s == "-Infinity" || s == "-INF") {
          return Value::Double(-std::numeric_limits<double>::infinity());
        }
        return std::nullopt;
      }
      default:
        return std::nullopt;
    }
  }

  std::optional<Value> ConvertDecimal(const dom::element& e, const DataType& type) {
    using T = dom::element_type;
    std::string text;
    switch (e.type()) {
      case T::INT64:
        text = std::to_string(e.get_int64().value_unsafe());
        break;
      case T::UINT64:
        text = std::to_string(e.get_uint64().value_unsafe());
        break;
      case T::DOUBLE: {
        // The shortest text that reads back as the same double (the JSON text itself
        // is not kept by the DOM; see docs/architecture.md).
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof(buf), e.get_double().value_unsafe());
        text.assign(buf, r.ptr);
        break;
      }
      case T::STRING:
        // ExprUtils.getDecimalParser for the default locale: grouping commas dropped.
        for (char c : json_internal::StringOf(e)) {
          if (c != ',') text.push_back(c);
        }
        break;
      default:
        return std::nullopt;
    }
    Result<Int128> d = ParseDecimal(text, type.precision(), type.scale());
    if (!d.ok()) return std::nullopt;
    return Value::Decimal(*d, type.precision(), type.scale());
  }

  std::optional<Value> ConvertDatetime(const dom::element& e, const DataType& type) {
    using T = dom::element_type;
    if (type.id() == TypeId::kTimestamp && e.type() == T::INT64) {
      // Seconds since the epoch.
      int64_t seconds = e.get_int64().value_unsafe();
      if (seconds > INT64_MAX / kMicrosPerSecond || seconds < INT64_MIN / kMicrosPerSecond) {
        return std::nullopt;
      }
      return Value::Timestamp(seconds * kMicrosPerSecond);
    }
    if (e.type() != T::STRING) return std::nullopt;
    std::string_view s = json_internal::StringOf(e);
    if (s.empty()) return std::nullopt;
    // The default formats (yyyy-MM-dd, yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]) fall back to
    // the CAST parsers, which accept every text those formats accept; the session
    // time zone applies to timestamps without an offset.
    lenient_.time_zone = options_.time_zone;
    lenient_.current_timestamp_micros = options_.current_timestamp_micros;
    EvalContext ctx(lenient_);
    Result<Datum> d =
        CastDatum(ctx, Datum::Constant(Value::String(std::string(s))), type, RowSet(1));
    if (!d.ok() || d->IsNull(0)) return std::nullopt;
    return d->GetValue(0);
  }

  const EvalOptions& options_;
  EvalOptions lenient_;
};

// Spark's ExprUtils.checkJsonSchema: map keys must be strings, at any depth.
bool JsonMapKeysAreStrings(const DataType& t) {
  switch (t.id()) {
    case TypeId::kMap:
      return t.key_type().id() == TypeId::kString && JsonMapKeysAreStrings(t.value_type());
    case TypeId::kArray:
      return JsonMapKeysAreStrings(t.element_type());
    case TypeId::kStruct:
      for (const Field& f : t.fields()) {
        if (!JsonMapKeysAreStrings(f.type)) return false;
      }
      return true;
    default:
      return true;
  }
}

// schema.asNullable.
DataType AsNullable(const DataType& t) {
  switch (t.id()) {
    case TypeId::kArray:
      return DataType::Array(AsNullable(t.element_type()));
    case TypeId::kMap:
      return DataType::Map(AsNullable(t.key_type()), AsNullable(t.value_type()));
    case TypeId::kStruct: {
      std::vector<Field> fields;
      for (const Field& f : t.fields()) fields.push_back({f.name, AsNullable(f.type), true});
      return DataType::Struct(std::move(fields));
    }
    default:
      return t;
  }
}

Status MalformedRecord(std::string_view record) {
  return Status::InvalidInput(
      "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
      "record parsing: " +
      std::string(record) +
      ". Parse Mode: FAILFAST. To process malformed records as null result, try setting the "
      "option 'mode' as 'PERMISSIVE'.");
}

Result<ExprPtr> ResolveFromJson(std::vector<ExprPtr> args, const ResolveOptions&) {
  const ExprPtr& schema_arg = args[1];
  if (schema_arg->kind() != ExprKind::kLiteral || schema_arg->type().id() != TypeId::kString ||
      static_cast<const LiteralExpr&>(*schema_arg).value().is_null()) {
    return Status::InvalidSql("[INVALID_SCHEMA.NON_STRING_LITERAL] The input schema \"" +
                              schema_arg->ToString() +
                              "\" is not a valid schema string. The input expression must be "
                              "string literal and not null.");
  }
  const std::string& schema_text = static_cast<const LiteralExpr&>(*schema_arg).value().str();
  Result<DataType> parsed = ParseDdlSchema(schema_text);
  if (!parsed.ok()) {
    return parsed.status().WithContext("from_json schema '" + schema_text + "'");
  }
  DataType type = AsNullable(*parsed);
  if (type.id() != TypeId::kStruct && type.id() != TypeId::kArray && type.id() != TypeId::kMap) {
    return DataTypeMismatch(
        "INVALID_JSON_SCHEMA", DescribeCall("from_json", args),
        "Input schema " + QuoteType(type) + " must be a struct, an array or a map.");
  }
  if (!JsonMapKeysAreStrings(type)) {
    return Status::InvalidSql("[INVALID_JSON_MAP_KEY_TYPE] Input schema " + QuoteType(type) +
                              " can only contain STRING as a key type for a MAP.");
  }
  bool failfast = false;
  if (args.size() == 3) {
    ASSIGN_OR_RAISE(Options options, ConstantOptions(args[2]));
    for (const auto& [key, value] : options) {
      if (key == "mode") {
        std::string mode = AsciiLower(value);
        if (mode == "failfast") {
          failfast = true;
        } else if (mode != "permissive") {
          return Status::InvalidSql(
              "[PARSE_MODE_UNSUPPORTED] The function `from_json` doesn't "
              "support the " +
              value + " mode. Acceptable modes are PERMISSIVE and FAILFAST.");
        }
      } else if (key == "dateformat" || key == "timestampformat" || key == "locale") {
        return Status::Unsupported("from_json option '" + key +
                                   "' is not supported yet; the default formats apply");
      }
      // Other options (allowComments, ...) are accepted and ignored.
    }
  }
  if (args[0]->type().id() != TypeId::kString && !args[0]->type().is_null()) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall("from_json", args),
                            "Parameter 1 requires the \"STRING\" type, however \"" +
                                args[0]->ToString() + "\" has the type " +
                                QuoteType(args[0]->type()) + ".");
  }
  ASSIGN_OR_RAISE(args[0], Cast(args[0], DataType::String()));
  args.resize(1);
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "from_json", type,
      [type, failfast](EvalContext& ctx, const std::vector<Datum>& in,
                       const RowSet& rows) -> Result<Datum> {
        const Datum& json = in[0];
        auto builder = MakeBuilder(type);
        JsonDocParser parser;
        JsonConverter converter(ctx);
        dom::element root;
        std::vector<Value> fields;
        const bool is_struct = type.id() == TypeId::kStruct;
        Status st;
        int64_t next = 0;
        auto one_row = [&](int64_t i) -> Status {
          if (json.IsNull(i)) {
            builder->AppendNull();
            return Status::OK();
          }
          std::string_view text = json.Get<StringRef>(i).view();
          ParseOutcome outcome = parser.Parse(text, &root);
          if (outcome == ParseOutcome::kEmpty) {
            builder->AppendNull();
            return Status::OK();
          }
          bool bad = outcome == ParseOutcome::kMalformed;
          std::optional<Value> v;
          if (!bad && is_struct) {
            fields.clear();
            for (const Field& f : type.fields()) fields.push_back(Value::Null(f.type));
            if (root.type() == dom::element_type::OBJECT) {
              bad = !converter.ConvertFields(root, type, &fields, /*partial=*/true);
            } else {
              bad = true;  // a root array or scalar is a bad record for a struct
            }
            v = Value::Struct(type, fields);
          } else if (!bad) {
            v = converter.Convert(root, type);
            if (root.type() == dom::element_type::NULL_VALUE) v.reset();
            bad = !v.has_value();
          }
          if (bad && failfast) return MalformedRecord(text);
          if (bad && !is_struct) {
            builder->AppendNull();
            return Status::OK();
          }
          if (bad && outcome == ParseOutcome::kMalformed) {
            std::vector<Value> nulls;
            for (const Field& f : type.fields()) nulls.push_back(Value::Null(f.type));
            v = Value::Struct(type, std::move(nulls));
          }
          return builder->AppendValue(*v);
        };
        rows.ForEach([&](int64_t i) {
          for (; next < i; ++next) builder->AppendNull();
          next = i + 1;
          if (st.ok()) {
            st = one_row(i);
          } else {
            builder->AppendNull();
          }
        });
        for (; next < rows.physical_rows(); ++next) builder->AppendNull();
        RETURN_NOT_OK(st);
        return Datum::Flat(builder->Finish());
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

// ---- to_json -----------------------------------------------------------------------------

Result<ExprPtr> ResolveToJson(std::vector<ExprPtr> args, const ResolveOptions&) {
  const DataType& t = args[0]->type();
  if (t.id() != TypeId::kStruct && t.id() != TypeId::kArray && t.id() != TypeId::kMap) {
    return DataTypeMismatch(
        "INVALID_JSON_SCHEMA", DescribeCall("to_json", args),
        "Input schema " + QuoteType(t) + " must be a struct, an array or a map.");
  }
  bool ignore_null_fields = true;
  if (args.size() == 2) {
    ASSIGN_OR_RAISE(Options options, ConstantOptions(args[1]));
    for (const auto& [key, value] : options) {
      if (key == "ignorenullfields") {
        ignore_null_fields = AsciiLower(value) != "false";
      } else if (key == "timestampformat" || key == "dateformat" || key == "pretty") {
        return Status::Unsupported("to_json option '" + key +
                                   "' is not supported yet; the default formats apply");
      }
    }
    args.pop_back();
  }
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "to_json", DataType::String(),
      [ignore_null_fields](EvalContext& ctx, const std::vector<Datum>& in,
                           const RowSet& rows) -> Result<Datum> {
        // Rendered by the JSON-lines writer of render.h (Spark's JacksonGenerator
        // rules): a struct's fields become the columns of a batch; an array or map is
        // wrapped as the single column "v" and unwrapped again.
        const Datum& value = in[0];
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(&value, 1, rows);
        ColumnPtr col = value.Materialize(rows.physical_rows());
        const bool is_struct = col->type().id() == TypeId::kStruct;
        std::vector<Field> fields;
        std::vector<ColumnPtr> columns;
        if (is_struct) {
          fields = col->type().fields();
          columns = col->children();
        } else {
          fields = {{"v", col->type(), true}};
          columns = {col};
        }
        std::vector<uint32_t> selected;
        rows.ForEach([&](int64_t i) {
          if (!col->IsNull(i)) selected.push_back(static_cast<uint32_t>(i));
        });
        if (selected.empty()) return out.Finish();
        std::string text;
        if (columns.empty()) {
          for (size_t k = 0; k < selected.size(); ++k) text += "{}\n";
        } else {
          auto selection = std::make_shared<const SelectionVector>(selected);
          ASSIGN_OR_RAISE(Batch batch, Batch::Make(MakeSchema(fields), columns, selection));
          JsonOptions options;
          options.ignore_null_fields = ignore_null_fields;
          options.time_zone = &ctx.time_zone();
          AppendJsonLines(batch, options, &text);
        }
        // Every line ends in '\n'; values never contain a raw newline (escaped).
        size_t start = 0;
        const size_t prefix = is_struct ? 0 : 5;  // {"v":
        for (uint32_t row : selected) {
          size_t end = text.find('\n', start);
          std::string_view line(text.data() + start, end - start);
          if (!is_struct) line = line.substr(prefix, line.size() - prefix - 1);
          out.Set(row, line);
          start = end + 1;
        }
        return out.Finish();
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

// ---- schema_of_json ---------------------------------------------------------------------

DataType MergeInferred(const DataType& a, const DataType& b);

std::vector<Field> MergeFields(const std::vector<Field>& a, const std::vector<Field>& b) {
  // Both sorted by name; a sorted merge (JsonInferSchema.compatibleType for structs).
  std::vector<Field> out;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].name < b[j].name)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].name < a[i].name) {
      out.push_back(b[j++]);
    } else {
      out.push_back({a[i].name, MergeInferred(a[i].type, b[j].type), true});
      ++i;
      ++j;
    }
  }
  return out;
}

// JsonInferSchema.compatibleType.
DataType MergeInferred(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  if (a.is_numeric() && b.is_numeric()) {
    if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return DataType::Double();
    std::optional<DataType> w = WiderType(a, b);
    return w ? *w : DataType::Double();
  }
  if (a.id() == TypeId::kStruct && b.id() == TypeId::kStruct) {
    return DataType::Struct(MergeFields(a.fields(), b.fields()));
  }
  if (a.id() == TypeId::kArray && b.id() == TypeId::kArray) {
    return DataType::Array(MergeInferred(a.element_type(), b.element_type()));
  }
  return DataType::String();
}

// JsonInferSchema.inferField with the default options (no prefersDecimal, inferTimestamp
// or inferDate): integers BIGINT (DECIMAL(20,0) beyond BIGINT), other numbers DOUBLE,
// objects structs with fields sorted by name.
DataType InferType(const dom::element& e) {
  using T = dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE:
      return DataType::Null();
    case T::BOOL:
      return DataType::Boolean();
    case T::INT64:
      return DataType::Int64();
    case T::UINT64:
      return DataType::DecimalUnchecked(20, 0);
    case T::DOUBLE:
      return DataType::Double();
    case T::STRING:
      return DataType::String();
    case T::ARRAY: {
      DataType element = DataType::Null();
      for (dom::element child : json_internal::AsArray(e)) {
        element = MergeInferred(element, InferType(child));
      }
      return DataType::Array(element);
    }
    case T::OBJECT: {
      std::vector<Field> fields;
      for (dom::key_value_pair kv : json_internal::AsObject(e)) {
        fields.push_back({std::string(kv.key), InferType(kv.value), true});
      }
      std::stable_sort(fields.begin(), fields.end(),
                       [](const Field& x, const Field& y) { return x.name < y.name; });
      return DataType::Struct(std::move(fields));
    }
  }
  return DataType::String();
}

// JsonInferSchema.canonicalizeType: NULL becomes STRING, empty structs disappear.
std::optional<DataType> Canonicalize(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
      return DataType::String();
    case TypeId::kArray: {
      std::optional<DataType> e = Canonicalize(t.element_type());
      if (!e) return std::nullopt;
      return DataType::Array(*e);
    }
    case TypeId::kStruct: {
      std::vector<Field> fields;
      for (const Field& f : t.fields()) {
        if (f.name.empty()) continue;
        std::optional<DataType> c = Canonicalize(f.type);
        if (c) fields.push_back({f.name, *c, true});
      }
      if (fields.empty()) return std::nullopt;
      return DataType::Struct(std::move(fields));
    }
    default:
      return t;
  }
}

Result<ExprPtr> ResolveSchemaOfJson(std::vector<ExprPtr> args, const ResolveOptions&) {
  const ExprPtr& arg = args[0];
  if (arg->kind() != ExprKind::kLiteral || arg->type().id() != TypeId::kString ||
      static_cast<const LiteralExpr&>(*arg).value().is_null()) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", DescribeCall("schema_of_json", args),
                            "the input `json` should be a foldable \"STRING\" expression; "
                            "however, got \"" +
                                arg->ToString() + "\".");
  }
  const std::string& text = static_cast<const LiteralExpr&>(*arg).value().str();
  JsonDocParser parser;
  dom::element root;
  if (parser.Parse(text, &root) != ParseOutcome::kOk) {
    return Status::InvalidInput(
        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
        "schema inference: '" +
        text + "' is not valid JSON.");
  }
  DataType inferred = InferType(root);
  DataType result;
  if (inferred.id() == TypeId::kStruct) {
    result = Canonicalize(inferred).value_or(DataType::Struct({}));
  } else if (inferred.id() == TypeId::kArray && inferred.element_type().id() == TypeId::kStruct) {
    std::optional<DataType> e = Canonicalize(inferred.element_type());
    result = DataType::Array(e.value_or(DataType::Struct({})));
  } else {
    result = Canonicalize(inferred).value_or(DataType::String());
  }
  return Literal(Value::String(SqlTypeString(result)));
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry* registry) {
  registry->Register({"from_json", 2, 3,
                      "from_json(jsonStr, schema[, options]) - Returns a struct value with the "
                      "given `jsonStr` and `schema`.",
                      ResolveFromJson});
  registry->Register({"to_json", 1, 2,
                      "to_json(expr[, options]) - Returns a JSON string with a given struct "
                      "value",
                      ResolveToJson});
  registry->Register({"schema_of_json", 1, 2,
                      "schema_of_json(json[, options]) - Returns schema in the DDL format of "
                      "JSON string.",
                      ResolveSchemaOfJson});
  json_internal::RegisterJsonPathFunctions(registry);
}

}  // namespace weir
