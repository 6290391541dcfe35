// The console sink prints each epoch as Spark 3.5's ConsoleWrite does: a banner with
// the batch id, then Dataset.show(numRows, truncate) followed by println's newline.

#include "weir/connectors/console_sink.h"

#include <sstream>

#include <gtest/gtest.h>

#include "tests/unit/connectors/basic_connectors_test_util.h"

namespace weir::connectors {
namespace {

using testing::Context;
using testing::MakeBatch;

SchemaPtr IdName() {
  return MakeSchema({Field{"id", DataType::Int64()}, Field{"name", DataType::String()}});
}

Batch Sample() {
  return MakeBatch(IdName(), {{Value::Int64(1), Value::String("a")},
                              {Value::Int64(2), Value::Null(DataType::String())},
                              {Value::Int64(3), Value::String("a rather long name, over 20")}});
}

class ConsoleTest : public ::testing::Test {
 protected:
  stream::SinkPtr Make(const testing::OptionList& options = {}) {
    Result<stream::SinkPtr> s = MakeConsoleSink(Context("out", options), &out_);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }
  std::ostringstream out_;
};

TEST_F(ConsoleTest, PrintsSparksLayout) {
  stream::SinkPtr sink = Make();
  EXPECT_EQ(sink->delivery(), stream::Delivery::kAtLeastOnce);
  EXPECT_EQ(sink->Describe(), "ConsoleWriter[numRows=20, truncate=true]");
  ASSERT_TRUE(sink->AddBatch(0, IdName(), {Sample()}, stream::OutputMode::kAppend).ok());
  EXPECT_EQ(out_.str(),
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+---+--------------------+\n"
            "| id|                name|\n"
            "+---+--------------------+\n"
            "|  1|                   a|\n"
            "|  2|                NULL|\n"
            "|  3|a rather long nam...|\n"
            "+---+--------------------+\n"
            "\n");
}

TEST_F(ConsoleTest, NumRowsAndNoTruncation) {
  stream::SinkPtr sink = Make({{"numRows", "2"}, {"truncate", "false"}});
  EXPECT_EQ(sink->Describe(), "ConsoleWriter[numRows=2, truncate=false]");
  ASSERT_TRUE(sink->AddBatch(7, IdName(), {Sample()}, stream::OutputMode::kUpdate).ok());
  EXPECT_EQ(out_.str(),
            "-------------------------------------------\n"
            "Batch: 7\n"
            "-------------------------------------------\n"
            "+---+----+\n"
            "|id |name|\n"
            "+---+----+\n"
            "|1  |a   |\n"
            "|2  |NULL|\n"
            "+---+----+\n"
            "only showing top 2 rows\n"
            "\n");
}

TEST_F(ConsoleTest, EmptyEpochAndReplayPrintAgain) {
  stream::SinkPtr sink = Make();
  ASSERT_TRUE(sink->AddBatch(3, IdName(), {}, stream::OutputMode::kComplete).ok());
  ASSERT_TRUE(sink->AddBatch(3, IdName(), {}, stream::OutputMode::kComplete).ok());
  const std::string once =
      "-------------------------------------------\n"
      "Batch: 3\n"
      "-------------------------------------------\n"
      "+---+----+\n"
      "| id|name|\n"
      "+---+----+\n"
      "+---+----+\n"
      "\n";
  EXPECT_EQ(out_.str(), once + once);
}

TEST_F(ConsoleTest, TimeZoneOption) {
  SchemaPtr ts = MakeSchema({Field{"t", DataType::Timestamp()}});
  stream::SinkPtr sink = Make({{"timeZone", "+02:00"}});
  ASSERT_TRUE(
      sink->AddBatch(0, ts, {MakeBatch(ts, {{Value::Timestamp(0)}})}, stream::OutputMode::kAppend)
          .ok());
  EXPECT_NE(out_.str().find("|1970-01-01 02:00:00|"), std::string::npos) << out_.str();
}

TEST_F(ConsoleTest, BadOptions) {
  for (const auto& [key, value] : testing::OptionList{{"numRows", "-1"},
                                                      {"numRows", "many"},
                                                      {"truncate", "yes"},
                                                      {"timeZone", "Mars/Olympus"}}) {
    Result<stream::SinkPtr> s = MakeConsoleSink(Context("out", {{key, value}}), &out_);
    ASSERT_FALSE(s.ok()) << key;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidOption);
    EXPECT_NE(s.status().message().find(key), std::string::npos) << s.status().message();
    EXPECT_NE(s.status().message().find(value), std::string::npos) << s.status().message();
  }
}

TEST_F(ConsoleTest, RegisteredByName) {
  stream::ConnectorRegistry r = testing::Registry();
  Result<stream::SinkPtr> s = r.MakeSink("CONSOLE", Context("out", {{"numRows", "5"}}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->Describe(), "ConsoleWriter[numRows=5, truncate=true]");
}

}  // namespace
}  // namespace weir::connectors
