// Helpers for the datetime function tests: values from civil fields and a
// table-driven runner that evaluates name(args...) under a session time zone and
// ANSI setting.

#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/functions/function_test_util.h"

namespace weir::testing {

inline Value S(std::string v) { return Value::String(std::move(v)); }
inline Value I(int32_t v) { return Value::Int32(v); }
inline Value L(int64_t v) { return Value::Int64(v); }
inline Value Dbl(double v) { return Value::Double(v); }
inline Value Bool(bool v) { return Value::Boolean(v); }
inline Value D(int64_t y, int m, int d) {
  return Value::Date(static_cast<int32_t>(DaysFromCivil(y, m, d)));
}
// A TIMESTAMP given by its UTC wall time.
inline Value TS(int64_t y, int m, int d, int h = 0, int mi = 0, int s = 0, int us = 0) {
  return Value::Timestamp(TimestampFromCivilUtc(y, m, d, h, mi, s, us));
}
inline Value NullOf(DataType t) { return Value::Null(std::move(t)); }
inline Value Iv(int32_t months, int32_t days, int64_t micros) {
  return Value::IntervalValue(Interval{months, days, micros});
}

struct Case {
  std::string fn;
  std::vector<Value> args;
  Value want;
  std::string tz = "UTC";
  bool ansi = false;
};

inline EvalOptions Options(const std::string& tz, bool ansi) {
  EvalOptions o;
  o.ansi = ansi;
  o.time_zone = *TimeZone::Load(tz);
  // 2024-03-05 10:00:00 UTC, fixed for the query.
  o.current_timestamp_micros = TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0);
  return o;
}

inline void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    std::string label = c.fn + "(";
    for (size_t k = 0; k < c.args.size(); ++k) label += (k ? ", " : "") + c.args[k].ToString();
    label += ") tz=" + c.tz + (c.ansi ? " ansi" : "");
    Result<Value> got = EvalLiterals(c.fn, c.args, Options(c.tz, c.ansi));
    ASSERT_TRUE(got.ok()) << label << ": " << got.status().ToString();
    EXPECT_EQ(c.want, *got) << label << " gave " << got->ToString();
  }
}

// The error message of name(args...), or "" when it succeeds.
inline std::string ErrorOf(const std::string& fn, const std::vector<Value>& args,
                           const std::string& tz = "UTC", bool ansi = false) {
  Result<Value> got = EvalLiterals(fn, args, Options(tz, ansi));
  return got.ok() ? "" : got.status().message();
}

}  // namespace weir::testing
