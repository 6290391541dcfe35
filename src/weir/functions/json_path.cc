// get_json_object and json_tuple: Spark 3.5's GetJsonObject / JsonTuple
// (sql/catalyst/.../expressions/jsonExpressions.scala), over a simdjson DOM instead
// of a Jackson token stream. The path grammar and the evaluation rules — including
// Hive's quirks for wildcards — follow GetJsonObject.evaluatePath step by step.

#include <cstring>
#include <optional>

#include "weir/expr/cast.h"
#include "weir/functions/json_internal.h"
#include "weir/functions/kernel_util.h"
#include "weir/functions/registry.h"
#include "weir/types/builder.h"
#include "weir/types/pretty.h"
#include "weir/types/render.h"

namespace weir::json_internal {

namespace dom = simdjson::dom;

ParseOutcome JsonDocParser::Parse(std::string_view text, dom::element* root) {
  size_t i = 0;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
    ++i;
  }
  if (i == text.size()) return ParseOutcome::kEmpty;
  auto error = parser_.parse(text.data(), text.size(), true).get(*root);
  return error ? ParseOutcome::kMalformed : ParseOutcome::kOk;
}

void AppendJsonElement(const dom::element& e, std::string* out) {
  switch (e.type()) {
    case dom::element_type::ARRAY: {
      out->push_back('[');
      bool first = true;
      for (dom::element child : AsArray(e)) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonElement(child, out);
      }
      out->push_back(']');
      return;
    }
    case dom::element_type::OBJECT: {
      out->push_back('{');
      bool first = true;
      for (dom::key_value_pair kv : AsObject(e)) {
        if (!first) out->push_back(',');
        first = false;
        out->push_back('"');
        AppendJsonEscaped(kv.key, out);
        *out += "\":";
        AppendJsonElement(kv.value, out);
      }
      out->push_back('}');
      return;
    }
    case dom::element_type::INT64:
      *out += std::to_string(e.get_int64().value_unsafe());
      return;
    case dom::element_type::UINT64:
      *out += std::to_string(e.get_uint64().value_unsafe());
      return;
    case dom::element_type::DOUBLE:
      AppendJavaDouble(e.get_double().value_unsafe(), out);
      return;
    case dom::element_type::STRING:
      out->push_back('"');
      AppendJsonEscaped(StringOf(e), out);
      out->push_back('"');
      return;
    case dom::element_type::BOOL:
      *out += e.get_bool().value_unsafe() ? "true" : "false";
      return;
    case dom::element_type::NULL_VALUE:
      *out += "null";
      return;
  }
}

void AppendRawOrJson(const dom::element& e, std::string* out) {
  if (e.type() == dom::element_type::STRING) {
    *out += StringOf(e);
  } else {
    AppendJsonElement(e, out);
  }
}

namespace {

// ---- JsonPath (GetJsonObject's JsonPathParser) --------------------------------------

enum class Op : uint8_t { kKey, kSubscript, kWildcard, kIndex, kNamed };

struct PathStep {
  Op op;
  int64_t index = 0;
  std::string name;
};
using Path = std::vector<PathStep>;

// Parses Spark's JsonPath subset: '$' then any of `.*` / `['*']` (Wildcard),
// `.name` / `['name']` (Key, Named), `[*]` (Subscript, Wildcard), `[n]` (Subscript,
// Index). As with Scala's RegexParsers, whitespace is skipped before each token.
// Returns nullopt when the path is invalid (Spark then returns NULL).
std::optional<Path> ParsePath(std::string_view s) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto literal = [&](std::string_view lit) {
    skip_ws();
    if (s.substr(i, lit.size()) != lit) return false;
    i += lit.size();
    return true;
  };
  if (!literal("$")) return std::nullopt;
  Path path;
  while (true) {
    skip_ws();
    if (i == s.size()) return path;
    size_t save = i;
    if (literal(".*") || (i = save, literal("['*']"))) {
      path.push_back({Op::kWildcard, 0, {}});
      continue;
    }
    i = save;
    if (literal(".")) {
      skip_ws();
      size_t start = i;
      while (i < s.size() && s[i] != '.' && s[i] != '[') ++i;
      if (i == start) return std::nullopt;
      path.push_back({Op::kKey, 0, {}});
      path.push_back({Op::kNamed, 0, std::string(s.substr(start, i - start))});
      continue;
    }
    i = save;
    if (literal("['")) {
      skip_ws();
      size_t start = i;
      while (i < s.size() && s[i] != '\'' && s[i] != '?') ++i;
      if (i == start) return std::nullopt;
      std::string name(s.substr(start, i - start));
      if (!literal("']")) return std::nullopt;
      path.push_back({Op::kKey, 0, {}});
      path.push_back({Op::kNamed, 0, std::move(name)});
      continue;
    }
    i = save;
    if (literal("[")) {
      if (literal("*")) {
        if (!literal("]")) return std::nullopt;
        path.push_back({Op::kSubscript, 0, {}});
        path.push_back({Op::kWildcard, 0, {}});
        continue;
      }
      skip_ws();
      size_t start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      // Scala's toLong throws beyond 19 digits; treat that as an invalid path.
      if (i == start || i - start > 18) return std::nullopt;
      int64_t index = std::stoll(std::string(s.substr(start, i - start)));
      if (!literal("]")) return std::nullopt;
      path.push_back({Op::kSubscript, 0, {}});
      path.push_back({Op::kIndex, index, {}});
      continue;
    }
    return std::nullopt;
  }
}

// A minimal stand-in for Jackson's JsonGenerator: separators between the values of an
// array, none around raw text.
class Gen {
 public:
  std::string out;

  void Value(const dom::element& e) {
    Separator();
    AppendJsonElement(e, &out);
  }
  // writeRaw: no separator, not counted as a value.
  void Raw(std::string_view s) { out += s; }
  // writeRawValue: a value, with a separator.
  void RawValue(std::string_view s) {
    Separator();
    out += s;
  }
  void StartArray() {
    Separator();
    out.push_back('[');
    counts_.push_back(0);
  }
  void EndArray() {
    out.push_back(']');
    counts_.pop_back();
  }

 private:
  void Separator() {
    if (counts_.empty()) return;
    if (counts_.back()++ > 0) out.push_back(',');
  }
  std::vector<int> counts_;
};

enum class Style { kRaw, kQuoted, kFlatten };

bool Is(const Path& p, size_t at, Op op) { return at < p.size() && p[at].op == op; }

bool Evaluate(const dom::element& v, Gen& g, Style style, const Path& path, size_t at);

bool EvaluateField(std::string_view key, const dom::element& value, Gen& g, Style style,
                   const Path& path, size_t at) {
  if (Is(path, at, Op::kNamed) && path[at].name == key) {
    if (value.type() == dom::element_type::NULL_VALUE) return false;
    return Evaluate(value, g, style, path, at + 1);
  }
  if (Is(path, at, Op::kWildcard)) return Evaluate(value, g, style, path, at + 1);
  return false;
}

bool Evaluate(const dom::element& v, Gen& g, Style style, const Path& path, size_t at) {
  const auto type = v.type();
  if (at == path.size()) {
    if (type == dom::element_type::STRING && style == Style::kRaw) {
      g.Raw(StringOf(v));
      return true;
    }
    if (type == dom::element_type::ARRAY && style == Style::kFlatten) {
      bool dirty = false;
      for (dom::element e : AsArray(v)) dirty |= Evaluate(e, g, style, path, at);
      return dirty;
    }
    g.Value(v);
    return true;
  }
  if (type == dom::element_type::OBJECT && Is(path, at, Op::kKey)) {
    for (dom::key_value_pair kv : AsObject(v)) {
      if (EvaluateField(kv.key, kv.value, g, style, path, at + 1)) return true;
    }
    return false;
  }
  if (type != dom::element_type::ARRAY || !Is(path, at, Op::kSubscript)) return false;
  dom::array array = AsArray(v);
  if (Is(path, at + 1, Op::kWildcard)) {
    if (Is(path, at + 2, Op::kSubscript) && Is(path, at + 3, Op::kWildcard)) {
      // Hive's non-structure-preserving double wildcard.
      bool dirty = false;
      g.StartArray();
      for (dom::element e : array) dirty |= Evaluate(e, g, Style::kFlatten, path, at + 4);
      g.EndArray();
      return dirty;
    }
    if (style != Style::kQuoted) {
      // Matches are buffered; one match is written without the enclosing array.
      Style next = style == Style::kRaw ? Style::kQuoted : Style::kFlatten;
      Gen buffer;
      buffer.StartArray();
      int dirty = 0;
      for (dom::element e : array) dirty += Evaluate(e, buffer, next, path, at + 2) ? 1 : 0;
      buffer.EndArray();
      if (dirty > 1) {
        g.RawValue(buffer.out);
      } else if (dirty == 1) {
        g.RawValue(std::string_view(buffer.out).substr(1, buffer.out.size() - 2));
      }
      return dirty > 0;
    }
    bool dirty = false;
    g.StartArray();
    for (dom::element e : array) dirty |= Evaluate(e, g, Style::kQuoted, path, at + 2);
    g.EndArray();
    return dirty;
  }
  if (Is(path, at + 1, Op::kIndex)) {
    int64_t index = path[at + 1].index;
    if (index < 0 || static_cast<size_t>(index) >= array.size()) return false;
    dom::element e = array.at(static_cast<size_t>(index)).value_unsafe();
    bool wildcard_next = Is(path, at + 2, Op::kSubscript) && Is(path, at + 3, Op::kWildcard);
    return Evaluate(e, g, wildcard_next ? Style::kQuoted : style, path, at + 2);
  }
  return false;
}

Status ExpectStrings(std::string_view name, const std::vector<ExprPtr>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    TypeId id = args[i]->type().id();
    if (id != TypeId::kString && id != TypeId::kNull) {
      return DataTypeMismatch(
          "UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
          "Parameter " + std::to_string(i + 1) + " requires the \"STRING\" type, however \"" +
              args[i]->ToString() + "\" has the type " + QuoteType(args[i]->type()) + ".");
    }
  }
  return Status::OK();
}

Result<std::vector<ExprPtr>> CastToStrings(std::vector<ExprPtr> args) {
  for (ExprPtr& a : args) {
    ASSIGN_OR_RAISE(a, Cast(a, DataType::String()));
  }
  return args;
}

Result<ExprPtr> ResolveGetJsonObject(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(ExpectStrings("get_json_object", args));
  ASSIGN_OR_RAISE(args, CastToStrings(std::move(args)));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "get_json_object", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        const Datum& json = in[0];
        const Datum& path_arg = in[1];
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), 2, rows);
        std::optional<Path> constant_path;
        if (path_arg.is_constant() && !path_arg.IsNull(0)) {
          constant_path = ParsePath(path_arg.Get<StringRef>(0).view());
          if (!constant_path) {
            // An invalid constant path: NULL for every row, without parsing any JSON.
            rows.ForEach([&](int64_t i) { out.SetNull(i); });
            return out.Finish();
          }
        }
        JsonDocParser parser;
        dom::element root;
        rows.ForEach([&](int64_t i) {
          if (json.IsNull(i) || path_arg.IsNull(i)) return;
          std::optional<Path> row_path;
          const Path* path = constant_path ? &*constant_path : nullptr;
          if (path == nullptr) {
            row_path = ParsePath(path_arg.Get<StringRef>(i).view());
            if (!row_path) {
              out.SetNull(i);
              return;
            }
            path = &*row_path;
          }
          if (parser.Parse(json.Get<StringRef>(i).view(), &root) != ParseOutcome::kOk) {
            out.SetNull(i);
            return;
          }
          Gen g;
          if (Evaluate(root, g, Style::kRaw, *path, 0)) {
            out.Set(i, g.out);
          } else {
            out.SetNull(i);
          }
        });
        return out.Finish();
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

Result<ExprPtr> ResolveJsonTuple(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args.size() < 2) {
    return Status::InvalidSql(
        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `json_tuple` requires > 1 parameters but the "
        "actual number is " +
        std::to_string(args.size()) + ".");
  }
  RETURN_NOT_OK(ExpectStrings("json_tuple", args));
  ASSIGN_OR_RAISE(args, CastToStrings(std::move(args)));
  std::vector<Field> fields;
  for (size_t i = 1; i < args.size(); ++i) {
    fields.push_back({"c" + std::to_string(i - 1), DataType::String(), true});
  }
  DataType type = DataType::Struct(std::move(fields));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "json_tuple", type,
      [type](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // One STRING column per requested name. A NULL, malformed or non-object JSON
        // gives a row of NULLs (JsonTuple's nullRow); the struct itself is never NULL.
        const size_t n = in.size() - 1;
        std::vector<StringResult> cols;
        cols.reserve(n);
        for (size_t k = 0; k < n; ++k) {
          cols.emplace_back(DataType::String(), rows);
          cols.back().validity().InitFromRows(rows);
        }
        JsonDocParser parser;
        dom::element root;
        std::vector<bool> found(n);
        std::string text;
        rows.ForEach([&](int64_t i) {
          std::fill(found.begin(), found.end(), false);
          if (!in[0].IsNull(i) &&
              parser.Parse(in[0].Get<StringRef>(i).view(), &root) == ParseOutcome::kOk &&
              root.type() == dom::element_type::OBJECT) {
            for (dom::key_value_pair kv : AsObject(root)) {
              if (kv.value.type() == dom::element_type::NULL_VALUE) continue;
              text.clear();
              bool rendered = false;
              for (size_t k = 0; k < n; ++k) {
                const Datum& name = in[k + 1];
                if (name.IsNull(i) || name.Get<StringRef>(i).view() != kv.key) continue;
                if (!rendered) AppendRawOrJson(kv.value, &text);
                rendered = true;
                // A later duplicate key overwrites an earlier one, as in Spark.
                cols[k].Set(i, text);
                found[k] = true;
              }
            }
          }
          for (size_t k = 0; k < n; ++k) {
            if (!found[k]) cols[k].SetNull(i);
          }
        });
        ResultValidity validity(rows.physical_rows());
        validity.InitFromRows(rows);
        Column::Parts p;
        p.type = type;
        p.length = rows.physical_rows();
        p.validity = validity.Take();
        for (StringResult& c : cols) p.children.push_back(c.Finish().column());
        return Datum::Flat(Column::Make(std::move(p)));
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), false));
}

}  // namespace

void RegisterJsonPathFunctions(FunctionRegistry* registry) {
  registry->Register({"get_json_object", 2, 2,
                      "get_json_object(json_txt, path) - Extracts a json object from `path`.",
                      ResolveGetJsonObject});
  registry->Register({"json_tuple", 2, -1,
                      "json_tuple(jsonStr, p1, p2, ..., pn) - Returns a tuple like the function "
                      "get_json_object, but it takes multiple names. All the input parameters "
                      "and output column types are string.",
                      ResolveJsonTuple});
}

}  // namespace weir::json_internal
