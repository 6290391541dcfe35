// DataFrame::GroupBy on a stream and DataStreamWriter::lateRows: a windowed count
// under a watermark whose late rows go to a second memory sink (docs/streaming.md,
// "Late rows to a sink"), epoch by epoch; and GroupBy on a batch DataFrame.

#include <algorithm>

#include <gtest/gtest.h>

#include "weir/weir.h"

namespace weir {
namespace {

constexpr int64_t kSecond = 1'000'000;

class LateRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv(&clock_);
    SessionOptions options;
    options.data_dir = "/data";
    options.threads = 2;
    options.env = env_.get();
    options.clock = &clock_;
    session_ = std::make_unique<Session>(Session::Open(std::move(options)).ValueOrDie());
  }
  void TearDown() override { session_.reset(); }

  std::vector<std::string> Rows(std::string_view sql) {
    std::vector<std::string> out;
    for (const auto& row : session_->Sql(sql).ValueOrDie().CollectRows().ValueOrDie()) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i > 0 ? "|" : "") + row[i].ToString();
      out.push_back(std::move(line));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  ManualClock clock_{1'719'792'000'000'000};
  std::unique_ptr<Env> env_;
  std::unique_ptr<Session> session_;
};

TEST_F(LateRowsTest, LateRowsOfAWindowedCountGoToTheirOwnSink) {
  MemoryStream events = session_->NewMemoryStream("e", "ts TIMESTAMP, k STRING").ValueOrDie();
  DataFrame counts = events.ToDF()
                         .WithWatermark("ts", "5 seconds")
                         .ValueOrDie()
                         .GroupBy({"window(ts, '10 seconds')", "k"}, {"count(*) AS n"})
                         .ValueOrDie();
  Result<StreamingQueryPtr> q = counts.SelectExprs({"window.start AS start", "k", "n"})
                                    .ValueOrDie()
                                    .WriteStream()
                                    .format("memory")
                                    .queryName("counts")
                                    .lateRows("memory", {{"queryName", "late"}})
                                    .start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  auto add = [&](double seconds, const char* k) {
    ASSERT_TRUE(events
                    .AddData({{Value::Timestamp(static_cast<int64_t>(seconds * kSecond)),
                               Value::String(k)}})
                    .ok());
    ASSERT_TRUE((*q)->ProcessAllAvailable().ok()) << (*q)->exception().ToString();
  };
  add(1, "a");
  add(20, "b");  // the watermark moves to 15 s and closes [0, 10)
  EXPECT_EQ(Rows("SELECT CAST(start AS STRING), k, n FROM counts"),
            std::vector<std::string>{"1970-01-01 00:00:00|a|1"});
  add(3, "a");   // late: its window is closed
  add(19, "c");  // on time
  EXPECT_EQ(Rows("SELECT k, CAST(window.end AS STRING) FROM late"),
            std::vector<std::string>{"a|1970-01-01 00:00:10"});
  // The late row was not counted, and rows are counted in the progress.
  EXPECT_EQ(Rows("SELECT CAST(start AS STRING), k, n FROM counts"),
            std::vector<std::string>{"1970-01-01 00:00:00|a|1"});
  bool counted = false;
  for (const StreamingQueryProgress& p : (*q)->recent_progress()) {
    for (const auto& op : p.state_operators)
      counted = counted || op.num_rows_dropped_by_watermark == 1;
  }
  EXPECT_TRUE(counted);
  (*q)->Stop();
}

TEST_F(LateRowsTest, GroupByOnABatchDataFrame) {
  DataFrame t =
      session_->Sql("SELECT * FROM VALUES (1, 'x'), (2, 'x'), (3, 'y') AS t(v, g)").ValueOrDie();
  DataFrame g = t.GroupBy({"g"}, {"sum(v) AS total", "count(*) AS n"}).ValueOrDie();
  std::vector<std::string> rows;
  for (const auto& row : g.CollectRows().ValueOrDie()) {
    rows.push_back(row[0].ToString() + "|" + row[1].ToString() + "|" + row[2].ToString());
  }
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::string>{"x|3|2", "y|3|1"}));
  EXPECT_FALSE(t.GroupBy({"nope"}, {"count(*)"}).ok());
}

TEST_F(LateRowsTest, LateRowsNeedAnAggregationThatDropsLateRows) {
  MemoryStream events = session_->NewMemoryStream("f", "ts TIMESTAMP, k STRING").ValueOrDie();
  Result<StreamingQueryPtr> q = events.ToDF()
                                    .WriteStream()
                                    .format("memory")
                                    .queryName("plain")
                                    .lateRows("memory", {{"queryName", "late2"}})
                                    .start();
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("late-rows sink but no stateful aggregation"),
            std::string::npos)
      << q.status().ToString();
}

}  // namespace
}  // namespace weir
