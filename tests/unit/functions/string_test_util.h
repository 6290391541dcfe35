// Table-driven helpers for the string function tests. Every case is evaluated twice:
// with literal arguments (constant patterns are then compiled when the call is
// resolved), and with every argument a column of two equal rows (the per-row path,
// including evaluation over a subset of rows); both must give the expected value.

#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/functions/function_test_util.h"

namespace weir::testing {

inline Value S(std::string v) { return Value::String(std::move(v)); }
inline Value Bin(std::string v) { return Value::Binary(std::move(v)); }
inline Value I(int32_t v) { return Value::Int32(v); }
inline Value L(int64_t v) { return Value::Int64(v); }
inline Value D(double v) { return Value::Double(v); }
inline Value NullStr() { return Value::Null(DataType::String()); }
inline Value NullBin() { return Value::Null(DataType::Binary()); }
inline Value NullInt() { return Value::Null(DataType::Int32()); }
inline Value Strs(std::vector<std::string> elements) {
  std::vector<Value> v;
  for (std::string& e : elements) v.push_back(S(std::move(e)));
  return Value::Array(DataType::String(), std::move(v));
}
inline Value NullStrs() { return Value::Null(DataType::Array(DataType::String())); }

// Equality that ignores an array's contains_null flag (Value::Array always sets it;
// split returns ARRAY<STRING> without NULL elements, as Spark's does).
inline bool SameValue(const Value& want, const Value& got) {
  if (want.type().id() == TypeId::kArray && got.type().id() == TypeId::kArray) {
    if (want.type().element_type() != got.type().element_type()) return false;
    if (want.is_null() || got.is_null()) return want.is_null() == got.is_null();
    return want.elements() == got.elements();
  }
  return want == got;
}

struct Case {
  // The Spark documentation example or source behaviour the case pins.
  std::string cite;
  std::string fn;
  std::vector<Value> args;
  Value want;
  // Some arguments must be constants (regexp_replace's position): skip the column run.
  bool literal_only = false;
};

inline void RunCase(const Case& c) {
  SCOPED_TRACE(c.cite);
  Result<Value> r = EvalLiterals(c.fn, c.args);
  ASSERT_TRUE(r.ok()) << "literals: " << r.status();
  EXPECT_TRUE(SameValue(c.want, *r)) << "literals: want " << c.want << " (" << c.want.type()
                                     << "), got " << *r << " (" << r->type() << ")";
  if (c.literal_only) return;
  std::vector<std::pair<DataType, std::vector<Value>>> columns;
  for (const Value& a : c.args) columns.push_back({a.type(), {a, a}});
  Result<std::vector<Value>> rows = EvalColumns(c.fn, columns);
  ASSERT_TRUE(rows.ok()) << "columns: " << rows.status();
  for (const Value& v : *rows) {
    EXPECT_TRUE(SameValue(c.want, v)) << "columns: want " << c.want << ", got " << v;
  }
}

inline void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) RunCase(c);
}

struct ErrorCase {
  std::string cite;
  std::string fn;
  std::vector<Value> args;
  StatusCode code;
  // Texts the message must contain (the error class, the offending value).
  std::vector<std::string> contains;
};

// The error must come both when resolving/evaluating literals and when evaluating
// columns (where patterns are compiled per row), unless `literal_only`.
inline void RunErrorCase(const ErrorCase& c, bool literal_only = false) {
  SCOPED_TRACE(c.cite);
  auto check = [&](const Status& st, const char* how) {
    ASSERT_FALSE(st.ok()) << how << ": expected an error";
    EXPECT_EQ(c.code, st.code()) << how << ": " << st;
    for (const std::string& text : c.contains) {
      EXPECT_NE(std::string::npos, st.message().find(text)) << how << ": " << st.message();
    }
  };
  Result<Value> r = EvalLiterals(c.fn, c.args);
  check(r.status(), "literals");
  if (literal_only) return;
  std::vector<std::pair<DataType, std::vector<Value>>> columns;
  for (const Value& a : c.args) columns.push_back({a.type(), {a}});
  check(EvalColumns(c.fn, columns).status(), "columns");
}

// Column k repeats `fixed[k]` when set, else holds `varying` (the values under
// test): a kernel over a column with NULLs mixed in, and constant other arguments
// materialized as columns. Returns one value per row.
inline std::vector<Value> EvalRows(std::string_view fn, const std::vector<Value>& varying,
                                   const DataType& varying_type, size_t varying_index,
                                   const std::vector<Value>& fixed) {
  std::vector<std::pair<DataType, std::vector<Value>>> columns;
  for (size_t k = 0; k < fixed.size() + 1; ++k) {
    if (k == varying_index) {
      columns.push_back({varying_type, varying});
    } else {
      const Value& v = fixed[k < varying_index ? k : k - 1];
      columns.push_back({v.type(), std::vector<Value>(varying.size(), v)});
    }
  }
  Result<std::vector<Value>> r = EvalColumns(fn, columns);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : std::vector<Value>();
}

}  // namespace weir::testing
