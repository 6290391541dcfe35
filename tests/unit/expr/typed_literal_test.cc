// Typed literals, including Spark 3.5's special datetime values ("Special Values"
// in the Spark SQL datetime reference: epoch, now, today, yesterday, tomorrow).

#include "weir/expr/typed_literal.h"

#include <gtest/gtest.h>

namespace weir {
namespace {

class TypedLiteralTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 2024-03-10 05:30:00 UTC: still 2024-03-09 in Los Angeles (UTC-8).
    options_.current_timestamp_micros = TimestampFromCivilUtc(2024, 3, 10, 5, 30, 0);
  }
  EvalOptions options_;
};

TEST_F(TypedLiteralTest, SpecialTimestampValues) {
  EXPECT_EQ(Value::Timestamp(options_.current_timestamp_micros),
            *ParseTypedLiteral(DataType::Timestamp(), "now", options_));
  EXPECT_EQ(Value::Timestamp(0), *ParseTypedLiteral(DataType::Timestamp(), " EPOCH ", options_));
  EXPECT_EQ(Value::Timestamp(TimestampFromCivilUtc(2024, 3, 10, 0, 0, 0)),
            *ParseTypedLiteral(DataType::Timestamp(), "today", options_));
  EXPECT_EQ(Value::Timestamp(TimestampFromCivilUtc(2024, 3, 9, 0, 0, 0)),
            *ParseTypedLiteral(DataType::Timestamp(), "Yesterday", options_));
  EXPECT_EQ(Value::Timestamp(TimestampFromCivilUtc(2024, 3, 11, 0, 0, 0)),
            *ParseTypedLiteral(DataType::Timestamp(), "tomorrow", options_));
}

TEST_F(TypedLiteralTest, TodayFollowsTheSessionTimeZone) {
  options_.time_zone = *TimeZone::Load("America/Los_Angeles");
  // Local date is 2024-03-09; its midnight is 08:00 UTC (PST).
  EXPECT_EQ(Value::Date(static_cast<int32_t>(DaysFromCivil(2024, 3, 9))),
            *ParseTypedLiteral(DataType::Date(), "today", options_));
  EXPECT_EQ(Value::Timestamp(TimestampFromCivilUtc(2024, 3, 9, 8, 0, 0)),
            *ParseTypedLiteral(DataType::Timestamp(), "today", options_));
  // 'tomorrow' is 2024-03-10, the day DST starts: midnight is still PST.
  EXPECT_EQ(Value::Timestamp(TimestampFromCivilUtc(2024, 3, 10, 8, 0, 0)),
            *ParseTypedLiteral(DataType::Timestamp(), "tomorrow", options_));
}

TEST_F(TypedLiteralTest, SpecialDateValues) {
  EXPECT_EQ(Value::Date(0), *ParseTypedLiteral(DataType::Date(), "epoch", options_));
  EXPECT_EQ(Value::Date(static_cast<int32_t>(DaysFromCivil(2024, 3, 10))),
            *ParseTypedLiteral(DataType::Date(), "now", options_));
  EXPECT_EQ(Value::Date(static_cast<int32_t>(DaysFromCivil(2024, 3, 11))),
            *ParseTypedLiteral(DataType::Date(), "tomorrow", options_));
}

TEST_F(TypedLiteralTest, OrdinaryTextParsesLikeAnsiCast) {
  EXPECT_EQ(Value::Date(static_cast<int32_t>(DaysFromCivil(2024, 7, 1))),
            *ParseTypedLiteral(DataType::Date(), "2024-07-01", options_));
  EXPECT_EQ(Value::Timestamp(TimestampFromCivilUtc(2024, 7, 1, 10, 0, 0)),
            *ParseTypedLiteral(DataType::Timestamp(), "2024-07-01 10:00:00", options_));
  EXPECT_EQ(Value::Decimal(15, 2, 1),
            *ParseTypedLiteral(DataType::DecimalUnchecked(2, 1), "1.5", options_));
}

TEST_F(TypedLiteralTest, MalformedLiteralsAreErrorsNotNulls) {
  // Spark: SELECT DATE 'x' -> [INVALID_TYPED_LITERAL] The value of the typed literal
  // "DATE" is invalid: 'x'.
  Result<Value> r = ParseTypedLiteral(DataType::Date(), "x", options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("INVALID_TYPED_LITERAL"));
  EXPECT_NE(std::string::npos, r.status().message().find("'x'"));
  EXPECT_FALSE(ParseTypedLiteral(DataType::Timestamp(), "2024-13-01", options_).ok());
  EXPECT_FALSE(ParseTypedLiteral(DataType::Int32(), "nowish", options_).ok());
  EXPECT_FALSE(ParseTypedLiteral(DataType::Array(DataType::Int32()), "[1]", options_).ok());
}

}  // namespace
}  // namespace weir
