// Table-driven helpers for the arithmetic and math function tests: each case is
// evaluated with spark.sql.ansi.enabled off and on.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/types/decimal.h"

#include "tests/unit/functions/function_test_util.h"

namespace weir::testing {

inline Value I(int32_t v) { return Value::Int32(v); }
inline Value L(int64_t v) { return Value::Int64(v); }
inline Value D(double v) { return Value::Double(v); }
inline Value S(std::string v) { return Value::String(std::move(v)); }
inline Value NullOf(DataType t) { return Value::Null(std::move(t)); }
inline Value NullInt() { return Value::Null(DataType::Int32()); }
inline Value NullLong() { return Value::Null(DataType::Int64()); }
inline Value NullDouble() { return Value::Null(DataType::Double()); }
// DECIMAL(p, s) from its text, e.g. Dec("12.34", 4, 2).
inline Value Dec(const std::string& text, int p, int s) {
  Result<Int128> v = ParseDecimal(text, p, s);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status();
  return Value::Decimal(v.ok() ? *v : 0, p, s);
}
inline Value NullDec(int p, int s) { return Value::Null(DataType::DecimalUnchecked(p, s)); }

struct Case {
  // The Spark documentation example or source line the case pins.
  std::string cite;
  std::string fn;
  std::vector<Value> args;
  // The result with ANSI off (its type is checked too).
  Value want;
  // With ANSI on: an error whose message contains this text; empty: `ansi_want`,
  // or `want` when that is not set either.
  std::string ansi_error = "";
  std::optional<Value> ansi_want = std::nullopt;
};

// Evaluates every case over literal arguments in both modes.
inline void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    for (bool ansi : {false, true}) {
      SCOPED_TRACE(c.cite + (ansi ? " [ansi]" : ""));
      EvalOptions options;
      options.ansi = ansi;
      Result<Value> r = EvalLiterals(c.fn, c.args, options);
      if (ansi && !c.ansi_error.empty()) {
        ASSERT_FALSE(r.ok()) << "expected an error, got " << *r;
        EXPECT_EQ(StatusCode::kInvalidInput, r.status().code()) << r.status();
        EXPECT_NE(std::string::npos, r.status().message().find(c.ansi_error)) << r.status();
        continue;
      }
      ASSERT_TRUE(r.ok()) << r.status();
      const Value& want = ansi && c.ansi_want ? *c.ansi_want : c.want;
      EXPECT_EQ(want, *r);
    }
  }
}

// One argument of a mixed call: a column of values, or a literal.
struct Arg {
  DataType type;
  std::vector<Value> values;  // a column when `literal` is unset
  std::optional<Value> literal = std::nullopt;
};
inline Arg Col(DataType t, std::vector<Value> v) { return {std::move(t), std::move(v)}; }
inline Arg Lit(Value v) { return {v.type(), {}, v}; }

// name(args...) over a batch whose columns are the non-literal arguments; checks that
// evaluating over every other row gives the same values there. Returns one value per
// row, or the evaluation error.
inline Result<std::vector<Value>> EvalMixed(std::string_view name, const std::vector<Arg>& args,
                                            bool ansi = false, DataType* result_type = nullptr) {
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  for (const Arg& a : args) {
    if (a.literal) continue;
    fields.push_back({"c" + std::to_string(fields.size()), a.type, true});
    auto b = MakeBuilder(a.type);
    for (const Value& v : a.values) RETURN_NOT_OK(b->AppendValue(v));
    cols.push_back(b->Finish());
  }
  SchemaPtr schema = MakeSchema(fields);
  ASSIGN_OR_RAISE(Batch batch, Batch::Make(schema, cols));
  std::vector<ExprPtr> exprs;
  int k = 0;
  for (const Arg& a : args)
    exprs.push_back(a.literal ? Literal(*a.literal) : ColumnRef(*schema, k++));
  ResolveOptions ropts;
  ropts.ansi = ansi;
  ASSIGN_OR_RAISE(ExprPtr call,
                  FunctionRegistry::Builtins().Resolve(name, std::move(exprs), ropts));
  if (result_type != nullptr) *result_type = call->type();
  EvalOptions options;
  options.ansi = ansi;
  return EvalCallOverRows(call, batch, options);
}

// The type `name(args)` resolves to (column arguments are references, not literals).
inline Result<DataType> ResolvedType(std::string_view name, const std::vector<Arg>& args,
                                     bool ansi = false) {
  std::vector<ExprPtr> exprs;
  int k = 0;
  for (const Arg& a : args) {
    exprs.push_back(a.literal ? Literal(*a.literal)
                              : ColumnRef(k, "c" + std::to_string(k), a.type, true));
    if (!a.literal) ++k;
  }
  ResolveOptions ropts;
  ropts.ansi = ansi;
  ASSIGN_OR_RAISE(ExprPtr call,
                  FunctionRegistry::Builtins().Resolve(name, std::move(exprs), ropts));
  return call->type();
}

}  // namespace weir::testing
