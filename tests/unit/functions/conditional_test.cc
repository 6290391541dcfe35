// Conditional and NULL functions, with expected values from the Spark 3.5 SQL
// function reference (spark.apache.org/docs/latest/api/sql) examples.

#include <gtest/gtest.h>

#include "tests/unit/functions/function_test_util.h"

namespace weir {
namespace {

using testing::EvalColumns;
using testing::EvalLiterals;

Value I(int32_t v) { return Value::Int32(v); }
Value L(int64_t v) { return Value::Int64(v); }
Value S(std::string v) { return Value::String(std::move(v)); }
Value NI() { return Value::Null(DataType::Int32()); }

TEST(ConditionalTest, Coalesce) {
  // `SELECT coalesce(NULL, 1, NULL);` -> 1
  EXPECT_EQ(I(1), *EvalLiterals("coalesce", {Value(), I(1), Value()}));
  // Widening: coalesce(NULL, 1, 2L) is BIGINT.
  EXPECT_EQ(L(1), *EvalLiterals("coalesce", {Value(), I(1), L(2)}));
  EXPECT_TRUE(EvalLiterals("coalesce", {Value(), Value()})->is_null());
  auto r = EvalColumns("coalesce", {{DataType::Int32(), {NI(), I(2), NI()}},
                                    {DataType::Int32(), {I(10), I(20), NI()}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{I(10), I(2), NI()}), *r);
}

TEST(ConditionalTest, IfAndNvlFamily) {
  // `SELECT if(1 < 2, 'a', 'b');` -> a
  EXPECT_EQ(S("a"), *EvalLiterals("if", {Value::Boolean(true), S("a"), S("b")}));
  EXPECT_EQ(S("b"), *EvalLiterals("if", {Value::Boolean(false), S("a"), S("b")}));
  // A NULL predicate takes the else branch.
  EXPECT_EQ(S("b"), *EvalLiterals("if", {Value(), S("a"), S("b")}));
  // `SELECT nvl(NULL, array('2'));` -> ["2"]; here with a scalar.
  EXPECT_EQ(S("2"), *EvalLiterals("nvl", {Value(), S("2")}));
  EXPECT_EQ(S("2"), *EvalLiterals("ifnull", {Value(), S("2")}));
  // `SELECT nvl2(NULL, 2, 1);` -> 1
  EXPECT_EQ(I(1), *EvalLiterals("nvl2", {Value(), I(2), I(1)}));
  EXPECT_EQ(I(2), *EvalLiterals("nvl2", {I(0), I(2), I(1)}));
  // `SELECT nullif(2, 2);` -> NULL
  EXPECT_TRUE(EvalLiterals("nullif", {I(2), I(2)})->is_null());
  EXPECT_EQ(I(3), *EvalLiterals("nullif", {I(3), I(2)}));
  // `SELECT isnull(1);` -> false, `SELECT isnotnull(1);` -> true
  EXPECT_EQ(Value::Boolean(false), *EvalLiterals("isnull", {I(1)}));
  EXPECT_EQ(Value::Boolean(true), *EvalLiterals("isnotnull", {I(1)}));
}

TEST(ConditionalTest, IfRejectsANonBooleanPredicate) {
  auto r = EvalLiterals("if", {I(1), S("a"), S("b")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("requires the \"BOOLEAN\" type"));
}

TEST(ConditionalTest, GreatestAndLeastSkipNulls) {
  // `SELECT greatest(10, 9, 2, 4, 3);` -> 10, `SELECT least(10, 9, 2, 4, 3);` -> 2
  EXPECT_EQ(I(10), *EvalLiterals("greatest", {I(10), I(9), I(2), I(4), I(3)}));
  EXPECT_EQ(I(2), *EvalLiterals("least", {I(10), I(9), I(2), I(4), I(3)}));
  EXPECT_EQ(I(7), *EvalLiterals("greatest", {NI(), I(7), NI()}));
  EXPECT_TRUE(EvalLiterals("least", {NI(), NI()})->is_null());
  EXPECT_EQ(S("b"), *EvalLiterals("greatest", {S("a"), S("b"), S("ab")}));
  EXPECT_EQ(Value::Double(2.5), *EvalLiterals("greatest", {I(2), Value::Double(2.5)}));
  auto bad = EvalLiterals("greatest", {I(1), Value::Boolean(true)});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.status().message().find("DATA_DIFF_TYPES"));
  auto r = EvalColumns("least", {{DataType::Int32(), {I(5), NI(), I(1), NI()}},
                                 {DataType::Int32(), {I(3), I(4), NI(), NI()}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{I(3), I(4), I(1), NI()}), *r);
}

}  // namespace
}  // namespace weir
