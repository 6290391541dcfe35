// DataFrame::WithWatermark, DropDuplicates and DropDuplicatesWithinWatermark
// (include/weir/dataframe.h): batch results (the first row of each key), the checks
// of the arguments, and streaming deduplication epoch by epoch through a memory
// stream and a memory sink — with and without a watermark, late rows, expiry within
// the watermark at its exact boundary, restarts, and an aggregation over it.

#include <algorithm>
#include <tuple>

#include <gtest/gtest.h>

#include "weir/weir.h"

namespace weir {
namespace {

constexpr int64_t kSecond = 1'000'000;

class DedupApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv(&clock_);
    SessionOptions options;
    options.data_dir = "/data";
    options.threads = 2;
    options.env = env_.get();
    options.clock = &clock_;
    session_ = std::make_unique<Session>(Session::Open(std::move(options)).ValueOrDie());
    clicks_ = std::make_unique<MemoryStream>(
        session_->NewMemoryStream("clicks", "id BIGINT, ts TIMESTAMP, tag STRING").ValueOrDie());
  }

  void TearDown() override { session_.reset(); }

  static std::vector<std::string> Lines(const std::vector<std::vector<Value>>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i > 0 ? "|" : "") + row[i].ToString();
      out.push_back(std::move(line));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // The rows of `sql`'s result as "v1|v2" strings, sorted.
  std::vector<std::string> Rows(std::string_view sql) {
    return Lines(session_->Sql(sql).ValueOrDie().CollectRows().ValueOrDie());
  }

  // The tags a memory sink holds, sorted.
  std::vector<std::string> Tags(const std::string& sink) { return Rows("SELECT tag FROM " + sink); }

  // Appends (id, event time in seconds, tag) rows to `stream` (default: clicks) as
  // one batch.
  void Add(std::vector<std::tuple<int64_t, double, std::string>> rows,
           MemoryStream* stream = nullptr) {
    std::vector<std::vector<Value>> values;
    for (auto& [id, seconds, tag] : rows) {
      values.push_back({Value::Int64(id),
                        Value::Timestamp(static_cast<int64_t>(seconds * kSecond + 0.5)),
                        Value::String(tag)});
    }
    ASSERT_TRUE((stream != nullptr ? stream : clicks_.get())->AddData(values).ok());
  }

  StreamingQueryPtr Start(const DataFrame& df, const std::string& name,
                          const std::string& mode = "append", const std::string& checkpoint = "") {
    DataStreamWriter writer = df.WriteStream().format("memory").queryName(name).outputMode(mode);
    if (!checkpoint.empty()) writer.option("checkpointLocation", checkpoint);
    Result<StreamingQueryPtr> q = writer.start();
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    return q.ok() ? *q : nullptr;
  }

  // The deduplication's progress in epoch `batch_id` of `q`.
  static stream::StateOperatorProgress OperatorIn(const StreamingQueryPtr& q, int64_t batch_id,
                                                  size_t op = 0) {
    for (const StreamingQueryProgress& p : q->recent_progress()) {
      if (p.batch_id == batch_id && p.state_operators.size() > op) return p.state_operators[op];
    }
    ADD_FAILURE() << "no epoch " << batch_id;
    return {};
  }

  static int64_t LastBatch(const StreamingQueryPtr& q) {
    std::optional<StreamingQueryProgress> p = q->last_progress();
    return p.has_value() ? p->batch_id : -1;
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Env> env_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<MemoryStream> clicks_;
};

// ---- Batch ------------------------------------------------------------------------

TEST_F(DedupApiTest, BatchKeepsTheFirstRowOfEachKey) {
  DataFrame t = session_
                    ->Sql(
                        "SELECT * FROM VALUES (1, 'a', 10), (1, 'b', 20), (2, 'c', 30), "
                        "(2, 'c', 40), (NULL, 'd', 1), (NULL, 'e', 2) AS t(k, s, v)")
                    .ValueOrDie();
  DataFrame by_k = t.DropDuplicates({"k"}).ValueOrDie();
  EXPECT_EQ(by_k.Schema()->ToString(), t.Schema()->ToString());
  EXPECT_EQ(Lines(by_k.CollectRows().ValueOrDie()),
            (std::vector<std::string>{"1|a|10", "2|c|30", "NULL|d|1"}));
  EXPECT_NE(by_k.Explain().find("Deduplicate [k]"), std::string::npos) << by_k.Explain();
  // Names resolve case-insensitively; each column counts once.
  EXPECT_EQ(Lines(t.DropDuplicates({"K", "s", "k"}).ValueOrDie().CollectRows().ValueOrDie()),
            (std::vector<std::string>{"1|a|10", "1|b|20", "2|c|30", "NULL|d|1", "NULL|e|2"}));
  // No columns: whole rows.
  DataFrame rows = session_
                       ->Sql(
                           "SELECT * FROM VALUES (1, 'x'), (1, 'x'), (1, 'y'), (NULL, NULL), "
                           "(NULL, NULL) AS t(a, b)")
                       .ValueOrDie();
  EXPECT_EQ(Lines(rows.DropDuplicates().ValueOrDie().CollectRows().ValueOrDie()),
            (std::vector<std::string>{"1|x", "1|y", "NULL|NULL"}));
}

TEST_F(DedupApiTest, BatchManyRowsAcrossPartitions) {
  session_->Sql("SET spark.sql.shuffle.partitions = 4").ValueOrDie();
  DataFrame t = session_->Sql("SELECT id % 100 AS k, id FROM range(0, 10000)").ValueOrDie();
  DataFrame d = t.DropDuplicates({"k"}).ValueOrDie();
  EXPECT_EQ(Lines(d.Select("count(*) AS n", "sum(k) AS s", "count(DISTINCT id % 100) AS c")
                      .ValueOrDie()
                      .CollectRows()
                      .ValueOrDie()),
            std::vector<std::string>{"100|4950|100"});
}

TEST_F(DedupApiTest, BatchErrors) {
  DataFrame t = session_->Sql("SELECT 1 AS a, 'x' AS b").ValueOrDie();
  Result<DataFrame> unknown = t.DropDuplicates({"a", "c"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "Cannot resolve column name \"c\" among (a, "
            "b).");
  // Spark refuses dropDuplicatesWithinWatermark in a batch query when it runs.
  DataFrame within = t.DropDuplicatesWithinWatermark({"a"}).ValueOrDie();
  Result<std::vector<Batch>> run = within.Collect();
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(run.status().message().find(
                "dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets"),
            std::string::npos);
}

TEST_F(DedupApiTest, WithWatermarkChecksItsArguments) {
  DataFrame t = session_->Sql("SELECT TIMESTAMP '2024-01-01 00:00:00' AS ts, 1 AS n").ValueOrDie();
  DataFrame marked = t.WithWatermark("TS", "1 minute 30 seconds").ValueOrDie();
  EXPECT_NE(marked.Explain().find("EventTimeWatermark ts, 90000 ms"), std::string::npos)
      << marked.Explain();
  // A batch query ignores the watermark.
  EXPECT_EQ(Lines(marked.CollectRows().ValueOrDie()).size(), 1u);
  // A month is 31 days, and the delay is kept in whole milliseconds (as Spark's).
  EXPECT_NE(t.WithWatermark("ts", "interval 1 month 1.0009 seconds")
                .ValueOrDie()
                .Explain()
                .find("EventTimeWatermark ts, 2678401000 ms"),
            std::string::npos);

  Result<DataFrame> r = t.WithWatermark("tss", "10 seconds");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("UNRESOLVED_COLUMN"), std::string::npos);
  r = t.WithWatermark("n", "10 seconds");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time `n` has the invalid type "
            "\"INT\", but expected \"TIMESTAMP\".");
  r = t.WithWatermark("ts", "soon");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = t.WithWatermark("ts", "-1 second");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "requirement failed: delay threshold (-1 second) should not be negative.");
  r = t.WithWatermark("ts + INTERVAL 1 SECOND", "1 second");
  ASSERT_FALSE(r.ok());
}

// ---- Streaming ----------------------------------------------------------------------

TEST_F(DedupApiTest, StreamWithoutWatermarkKeepsEveryKey) {
  for (const std::string mode : {"append", "update"}) {
    SCOPED_TRACE(mode);
    MemoryStream s = session_->NewMemoryStream("s_" + mode, "id BIGINT, name STRING").ValueOrDie();
    DataFrame d = s.ToDF().DropDuplicates({"id"}).ValueOrDie();
    StreamingQueryPtr q = Start(d, "no_wm_" + mode, mode);
    ASSERT_NE(q, nullptr);
    auto add = [&](std::vector<std::pair<int64_t, std::string>> rows) {
      std::vector<std::vector<Value>> values;
      for (auto& [id, name] : rows) values.push_back({Value::Int64(id), Value::String(name)});
      ASSERT_TRUE(s.AddData(values).ok());
      ASSERT_TRUE(q->ProcessAllAvailable().ok());
    };
    add({{1, "a"}, {1, "b"}, {2, "c"}});
    EXPECT_EQ(Rows("SELECT * FROM no_wm_" + mode), (std::vector<std::string>{"1|a", "2|c"}));
    stream::StateOperatorProgress op = OperatorIn(q, 0);
    EXPECT_EQ(op.operator_name, "dedupe");
    EXPECT_EQ(op.num_rows_total, 2);
    EXPECT_EQ(op.num_rows_updated, 2);
    EXPECT_EQ(op.num_rows_removed, 0);
    EXPECT_GT(op.memory_used_bytes, 0);
    add({{1, "z"}, {3, "d"}, {3, "e"}});
    EXPECT_EQ(Rows("SELECT * FROM no_wm_" + mode), (std::vector<std::string>{"1|a", "2|c", "3|d"}));
    op = OperatorIn(q, 1);
    EXPECT_EQ(op.num_rows_total, 3);
    EXPECT_EQ(op.num_rows_updated, 1);
    EXPECT_EQ(op.custom_metrics.count("numRowsBehindWatermark"), 0u);  // never evicts
    EXPECT_EQ(LastBatch(q), 1);
    q->Stop();
    EXPECT_TRUE(q->exception().ok());
  }
}

TEST_F(DedupApiTest, StreamEventTimeKeyIsEvictedAndLateRowsAreDropped) {
  DataFrame d = clicks_->ToDF()
                    .WithWatermark("ts", "10 seconds")
                    .ValueOrDie()
                    .DropDuplicates({"id", "ts"})
                    .ValueOrDie();
  StreamingQueryPtr q = Start(d, "by_time");
  ASSERT_NE(q, nullptr);
  Add({{1, 20, "a"}, {1, 20, "b"}, {2, 5, "c"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Tags("by_time"), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(OperatorIn(q, 0).num_rows_total, 2);
  // The watermark moved to 20 s - 10 s: a no-data epoch evicted (2, 5 s).
  ASSERT_EQ(LastBatch(q), 1);
  stream::StateOperatorProgress op = OperatorIn(q, 1);
  EXPECT_EQ(op.num_rows_removed, 1);
  EXPECT_EQ(op.num_rows_total, 1);
  EXPECT_EQ(op.custom_metrics.at("numRowsBehindWatermark"), 0);

  // 5 s and 10 s (exactly the watermark) are late; (1, 20 s) is still a duplicate.
  Add({{2, 5, "d"}, {1, 20, "e"}, {3, 10, "f"}, {4, 10.000001, "g"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Tags("by_time"), (std::vector<std::string>{"a", "c", "g"}));
  op = OperatorIn(q, 2);
  EXPECT_EQ(op.num_rows_dropped_by_watermark, 2);
  EXPECT_EQ(op.num_rows_updated, 1);
  EXPECT_EQ(op.num_rows_total, 2);
  q->Stop();
  EXPECT_TRUE(q->exception().ok());
}

TEST_F(DedupApiTest, StreamKeyWithoutEventTimeDropsLateRowsButKeepsState) {
  DataFrame d = clicks_->ToDF()
                    .WithWatermark("ts", "10 seconds")
                    .ValueOrDie()
                    .DropDuplicates({"id"})
                    .ValueOrDie();
  StreamingQueryPtr q = Start(d, "by_id", "update");
  ASSERT_NE(q, nullptr);
  Add({{1, 100, "a"}, {2, 50, "b"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  // No no-data epoch: nothing to evict.
  EXPECT_EQ(LastBatch(q), 0);
  Add({{3, 90, "c"}, {4, 91, "d"}, {2, 200, "e"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Tags("by_id"), (std::vector<std::string>{"a", "b", "d"}));
  stream::StateOperatorProgress op = OperatorIn(q, 1);
  EXPECT_EQ(op.num_rows_dropped_by_watermark, 1);  // 90 s <= 100 s - 10 s
  EXPECT_EQ(op.num_rows_removed, 0);
  EXPECT_EQ(op.num_rows_total, 3);
  Add({{1, 500, "f"}});  // key 1 is kept forever
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Tags("by_id"), (std::vector<std::string>{"a", "b", "d"}));
  q->Stop();
}

TEST_F(DedupApiTest, WithinWatermarkExpiresAtTheBoundary) {
  DataFrame d = clicks_->ToDF()
                    .WithWatermark("ts", "10 seconds")
                    .ValueOrDie()
                    .DropDuplicatesWithinWatermark({"id"})
                    .ValueOrDie();
  StreamingQueryPtr q = Start(d, "within");
  ASSERT_NE(q, nullptr);
  Add({{1, 100, "a"}});  // key 1 expires at 100 s + 10 s
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(OperatorIn(q, 0).operator_name, "dedupeWithinWatermark");
  Add({{1, 105, "b"}, {2, 119.999999, "c"}});  // the watermark becomes 109.999 s
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Tags("within"), (std::vector<std::string>{"a", "c"}));
  int64_t last = LastBatch(q);
  EXPECT_EQ(OperatorIn(q, last).num_rows_removed, 0);
  EXPECT_EQ(OperatorIn(q, last).num_rows_total, 2);

  Add({{1, 115, "d"}});  // not late, and key 1 has not expired
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Tags("within"), (std::vector<std::string>{"a", "c"}));

  Add({{3, 120, "e"}});  // the watermark becomes 110 s: key 1 expires, exactly
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  last = LastBatch(q);
  stream::StateOperatorProgress op = OperatorIn(q, last);
  EXPECT_EQ(op.num_rows_removed, 1);
  EXPECT_EQ(op.num_rows_total, 2);
  EXPECT_EQ(op.custom_metrics.at("numRowsBehindWatermark"), 0);

  Add({{1, 115, "f"}, {1, 110, "g"}});  // 110 s is late; 115 s is a new first row
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Tags("within"), (std::vector<std::string>{"a", "c", "e", "f"}));
  EXPECT_EQ(OperatorIn(q, LastBatch(q)).num_rows_dropped_by_watermark, 1);
  q->Stop();
  EXPECT_TRUE(q->exception().ok());
}

TEST_F(DedupApiTest, WithinWatermarkNeedsAWatermark) {
  DataFrame d = clicks_->ToDF().DropDuplicatesWithinWatermark({"id"}).ValueOrDie();
  Result<StreamingQueryPtr> r = d.WriteStream().format("memory").queryName("nope").start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("dropDuplicatesWithinWatermark is not supported on "
                                      "streaming DataFrames/DataSets without watermark"),
            std::string::npos)
      << r.status().ToString();
}

TEST_F(DedupApiTest, RestartKeepsTheKeysSeen) {
  DataFrame d = clicks_->ToDF().DropDuplicates({"id"}).ValueOrDie();
  StreamingQueryPtr first = Start(d, "restarted", "append", "/ckpt/restarted");
  ASSERT_NE(first, nullptr);
  Add({{1, 1, "a"}, {2, 2, "b"}});
  ASSERT_TRUE(first->ProcessAllAvailable().ok());
  first->Stop();

  Add({{1, 3, "c"}, {3, 4, "d"}});
  StreamingQueryPtr second = Start(d, "restarted", "append", "/ckpt/restarted");
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(second->ProcessAllAvailable().ok());
  // The new run's sink holds epoch 1 only: key 1 was seen by the first run.
  EXPECT_EQ(Tags("restarted"), std::vector<std::string>{"d"});
  EXPECT_EQ(OperatorIn(second, 1).num_rows_total, 3);
  second->Stop();
}

TEST_F(DedupApiTest, AggregationOverDeduplicatedStream) {
  for (const std::string mode : {"update", "complete"}) {
    SCOPED_TRACE(mode);
    MemoryStream s = session_->NewMemoryStream("agg_" + mode, "id BIGINT, ts TIMESTAMP, tag STRING")
                         .ValueOrDie();
    DataFrame counted =
        s.ToDF().DropDuplicates({"id"}).ValueOrDie().Select("count(*) AS n").ValueOrDie();
    StreamingQueryPtr q = Start(counted, "distinct_ids_" + mode, mode);
    ASSERT_NE(q, nullptr);
    Add({{1, 1, "a"}, {1, 2, "b"}, {2, 3, "c"}}, &s);
    ASSERT_TRUE(q->ProcessAllAvailable().ok());
    EXPECT_EQ(Rows("SELECT * FROM distinct_ids_" + mode), std::vector<std::string>{"2"});
    Add({{2, 4, "d"}, {3, 5, "e"}}, &s);
    ASSERT_TRUE(q->ProcessAllAvailable().ok());
    EXPECT_EQ(Rows("SELECT max(n) FROM distinct_ids_" + mode), std::vector<std::string>{"3"});
    ASSERT_EQ(q->last_progress()->state_operators.size(), 2u);
    EXPECT_EQ(q->last_progress()->state_operators[0].operator_name, "dedupe");
    q->Stop();
    EXPECT_TRUE(q->exception().ok());
  }
}

TEST_F(DedupApiTest, SourceWatermarkReachesTheDataFrame) {
  session_
      ->Sql(
          "CREATE SOURCE clicks (id BIGINT, ts TIMESTAMP, tag STRING, "
          "WATERMARK FOR ts AS ts - INTERVAL 10 SECONDS) WITH (connector = 'memory')")
      .ValueOrDie();
  DataFrame d = session_->Sql("SELECT * FROM clicks")
                    .ValueOrDie()
                    .DropDuplicatesWithinWatermark()
                    .ValueOrDie();
  StreamingQueryPtr q = Start(d, "from_sql");
  ASSERT_NE(q, nullptr);
  Add({{1, 100, "a"}, {1, 100, "a"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Tags("from_sql"), std::vector<std::string>{"a"});
  EXPECT_NE(q->last_progress()->ToJson().find("\"watermark\""), std::string::npos);
  q->Stop();
}

}  // namespace
}  // namespace weir
