// The public C++ API for streams (include/weir/streaming.h): DataStreamReader,
// MemoryStream, DataStreamWriter with each kind of sink, foreachBatch epochs, the
// memory sink read back through Sql(), stream-static joins, unions of streams, and
// restarts from a checkpoint.

#include <algorithm>
#include <mutex>

#include <gtest/gtest.h>

#include "weir/weir.h"

namespace weir {
namespace {

class StreamingApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv(&clock_);
    SessionOptions options;
    options.data_dir = "/data";
    options.threads = 2;
    options.env = env_.get();
    options.clock = &clock_;
    session_ = std::make_unique<Session>(Session::Open(std::move(options)).ValueOrDie());
    events_ = std::make_unique<MemoryStream>(
        session_->NewMemoryStream("events", "id BIGINT, name STRING").ValueOrDie());
  }

  void TearDown() override { session_.reset(); }

  // The rows of `sql`'s result as "v1|v2" strings, sorted.
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

  void Add(std::vector<std::pair<int64_t, std::string>> rows) {
    std::vector<std::vector<Value>> values;
    for (auto& [id, name] : rows) values.push_back({Value::Int64(id), Value::String(name)});
    ASSERT_TRUE(events_->AddData(values).ok());
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Env> env_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<MemoryStream> events_;
};

TEST_F(StreamingApiTest, MemoryStreamToMemorySinkReadBySql) {
  DataFrame df = events_->ToDF()
                     .Filter("id % 2 = 1")
                     .ValueOrDie()
                     .Select("id", "upper(name) AS name")
                     .ValueOrDie();
  ASSERT_TRUE(df.IsStreaming());
  StreamingQueryPtr q =
      df.WriteStream().format("memory").queryName("odd").outputMode("append").start().ValueOrDie();
  EXPECT_EQ(q->name(), "odd");
  EXPECT_TRUE(q->is_active());
  EXPECT_TRUE(Rows("SELECT * FROM odd").empty());  // the table exists as the query starts
  Add({{1, "a"}, {2, "b"}, {3, "c"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Rows("SELECT * FROM odd"), (std::vector<std::string>{"1|A", "3|C"}));
  Add({{5, "e"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Rows("SELECT count(*) FROM odd"), std::vector<std::string>{"3"});
  std::optional<StreamingQueryProgress> p = q->last_progress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->batch_id, 1);
  EXPECT_EQ(p->num_input_rows, 1);
  EXPECT_EQ(q->recent_progress().size(), 2u);
  EXPECT_EQ(session_->Streams().Get("odd"), q);
  q->Stop();
  EXPECT_FALSE(q->is_active());
  EXPECT_TRUE(q->exception().ok());
  EXPECT_EQ(q->status().message, "Stopped");
  EXPECT_TRUE(q->AwaitTermination(0).ValueOrDie());
}

TEST_F(StreamingApiTest, ForeachBatchSeesEachEpoch) {
  std::mutex mu;
  std::vector<std::pair<int64_t, int64_t>> epochs;  // (epoch, rows)
  StreamingQueryPtr q = events_->ToDF()
                            .WriteStream()
                            .foreachBatch([&](int64_t epoch, const SchemaPtr& schema,
                                              const std::vector<Batch>& rows) -> Status {
                              EXPECT_EQ(schema->num_fields(), 2);
                              int64_t n = 0;
                              for (const Batch& b : rows) n += b.num_rows();
                              std::lock_guard<std::mutex> lock(mu);
                              epochs.emplace_back(epoch, n);
                              return Status::OK();
                            })
                            .start()
                            .ValueOrDie();
  Add({{1, "a"}, {2, "b"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  Add({{3, "c"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  q->Stop();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(epochs, (std::vector<std::pair<int64_t, int64_t>>{{0, 2}, {1, 1}}));
  EXPECT_FALSE(q->last_progress()->sink.exactly_once);
}

TEST_F(StreamingApiTest, ForeachBatchErrorFailsTheQuery) {
  StreamingQueryPtr q = events_->ToDF()
                            .WriteStream()
                            .foreachBatch([](int64_t, const SchemaPtr&, const std::vector<Batch>&) {
                              return Status::InvalidArgument("no thanks");
                            })
                            .start()
                            .ValueOrDie();
  Add({{1, "a"}});
  Status st = q->ProcessAllAvailable();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no thanks"), std::string::npos);
  EXPECT_FALSE(q->AwaitTermination().ok());
  EXPECT_FALSE(q->exception().ok());
}

TEST_F(StreamingApiTest, StreamStaticJoin) {
  DataFrame names =
      session_->Sql("SELECT * FROM VALUES (1, 'gold'), (2, 'silver') AS t(id, tier)").ValueOrDie();
  DataFrame joined = events_->ToDF()
                         .As("e")
                         .Join(names.As("t"), "e.id = t.id", "left_outer")
                         .ValueOrDie()
                         .Select("e.id", "e.name", "t.tier")
                         .ValueOrDie();
  ASSERT_TRUE(joined.IsStreaming());
  StreamingQueryPtr q =
      joined.WriteStream().format("memory").queryName("tiers").start().ValueOrDie();
  Add({{1, "a"}, {3, "c"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Rows("SELECT * FROM tiers"), (std::vector<std::string>{"1|a|gold", "3|c|NULL"}));
  q->Stop();

  // The stream on the right of a left outer join is refused when the query starts.
  DataFrame wrong =
      names.Join(events_->ToDF(), std::vector<std::string>{"id"}, "left").ValueOrDie();
  Result<StreamingQueryPtr> refused = wrong.WriteStream().format("memory").queryName("w").start();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnsupported);
}

TEST_F(StreamingApiTest, UnionOfStreamsAndSelfUnion) {
  MemoryStream more = session_->NewMemoryStream("more", "id BIGINT, name STRING").ValueOrDie();
  DataFrame both = events_->ToDF().Union(more.ToDF()).ValueOrDie();
  StreamingQueryPtr q = both.WriteStream().format("memory").queryName("both").start().ValueOrDie();
  Add({{1, "a"}});
  ASSERT_TRUE(more.AddData({{Value::Int64(2), Value::String("b")}}).ok());
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Rows("SELECT * FROM both"), (std::vector<std::string>{"1|a", "2|b"}));
  EXPECT_EQ(q->last_progress()->sources.size(), 2u);
  q->Stop();

  DataFrame twice = events_->ToDF().Union(events_->ToDF()).ValueOrDie();
  StreamingQueryPtr q2 =
      twice.WriteStream().format("memory").queryName("twice").start().ValueOrDie();
  ASSERT_TRUE(q2->ProcessAllAvailable().ok());
  EXPECT_EQ(q2->last_progress()->sources.size(), 1u);  // one stream, read once per epoch
  EXPECT_EQ(Rows("SELECT count(*) FROM twice"), std::vector<std::string>{"2"});
  q2->Stop();
}

TEST_F(StreamingApiTest, RestartFromCheckpointKeepsTheId) {
  auto start = [&] {
    return events_->ToDF()
        .WriteStream()
        .format("memory")
        .queryName("restarted")
        .option("checkpointLocation", "/ckpt/restarted")
        .start()
        .ValueOrDie();
  };
  StreamingQueryPtr first = start();
  Add({{1, "a"}});
  ASSERT_TRUE(first->ProcessAllAvailable().ok());
  const std::string id = first->id();
  const std::string run = first->run_id();
  first->Stop();

  Add({{2, "b"}});
  StreamingQueryPtr second = start();
  EXPECT_EQ(second->id(), id);
  EXPECT_NE(second->run_id(), run);
  ASSERT_TRUE(second->ProcessAllAvailable().ok());
  // The new run's sink holds only what it processed: epoch 1, the row added after
  // the first run's committed epoch 0.
  EXPECT_EQ(Rows("SELECT * FROM restarted"), std::vector<std::string>{"2|b"});
  EXPECT_EQ(second->last_progress()->batch_id, 1);
  second->Stop();
}

TEST_F(StreamingApiTest, ReadStreamFormats) {
  DataFrame rate =
      session_->ReadStream().format("rate").option("rowsPerSecond", 5).load().ValueOrDie();
  ASSERT_TRUE(rate.IsStreaming());
  EXPECT_EQ(rate.Schema()->ToString(), "struct<timestamp:timestamp,value:bigint>");

  DataFrame memory = session_->ReadStream()
                         .format("memory")
                         .option("name", "events")
                         .schema("id BIGINT, name STRING")
                         .load()
                         .ValueOrDie();
  StreamingQueryPtr q = memory.Select("name")
                            .ValueOrDie()
                            .WriteStream()
                            .format("memory")
                            .queryName("names")
                            .trigger(Trigger::AvailableNow())
                            .start()
                            .ValueOrDie();
  Add({{1, "a"}});
  // AvailableNow fixed its end when it started, before the row was added.
  EXPECT_TRUE(q->AwaitTermination().ValueOrDie());
  EXPECT_TRUE(Rows("SELECT * FROM names").empty());

  Result<DataFrame> unknown = session_->ReadStream().format("kinesis").load();
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("[UNKNOWN_CONNECTOR]"), std::string::npos);
  EXPECT_FALSE(session_->ReadStream().load().ok());
  Result<DataFrame> mismatch = session_->ReadStream().format("rate").schema("v INT").load();
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("does not match"), std::string::npos);
}

TEST_F(StreamingApiTest, TriggersAndOutputModes) {
  Add({{1, "a"}, {2, "b"}});
  StreamingQueryPtr once = events_->ToDF()
                               .WriteStream()
                               .format("memory")
                               .queryName("once")
                               .trigger(Trigger::Once())
                               .start()
                               .ValueOrDie();
  EXPECT_TRUE(once->AwaitTermination().ValueOrDie());
  EXPECT_EQ(Rows("SELECT count(*) FROM once"), std::vector<std::string>{"2"});

  StreamingQueryPtr timed = events_->ToDF()
                                .WriteStream()
                                .format("memory")
                                .queryName("timed")
                                .trigger(Trigger::ProcessingTime("1 second"))
                                .start()
                                .ValueOrDie();
  ASSERT_TRUE(timed->ProcessAllAvailable().ok());
  EXPECT_EQ(Rows("SELECT count(*) FROM timed"), std::vector<std::string>{"2"});
  timed->Stop();

  Result<StreamingQueryPtr> bad = events_->ToDF()
                                      .WriteStream()
                                      .format("memory")
                                      .queryName("bad")
                                      .trigger(Trigger::ProcessingTime("soon"))
                                      .start();
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidOption);
  bad = events_->ToDF().WriteStream().format("memory").queryName("bad").outputMode("all").start();
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidOption);
  bad =
      events_->ToDF().WriteStream().format("memory").outputMode("complete").queryName("c").start();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Complete output mode not supported"), std::string::npos);
  bad = events_->ToDF().WriteStream().start();
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  bad = events_->ToDF().WriteStream().format("memory").start();  // no queryName
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("queryName must be specified"), std::string::npos);
}

TEST_F(StreamingApiTest, UnsupportedOperationsAreRefusedAtStart) {
  DataFrame counted = events_->ToDF().Select("count(*) AS n").ValueOrDie();
  Result<StreamingQueryPtr> r = counted.WriteStream().format("memory").queryName("n").start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
}

TEST_F(StreamingApiTest, SqlOverASourceIsStreaming) {
  session_->Sql("CREATE SOURCE src (id BIGINT, name STRING) WITH (connector = 'memory')")
      .ValueOrDie();
  DataFrame df = session_->Sql("SELECT id FROM src WHERE id > 1").ValueOrDie();
  ASSERT_TRUE(df.IsStreaming());
  MemoryStream src = session_->NewMemoryStream("src", "id BIGINT, name STRING").ValueOrDie();
  StreamingQueryPtr q = df.WriteStream().format("memory").queryName("big").start().ValueOrDie();
  ASSERT_TRUE(
      src.AddData({{Value::Int64(1), Value::String("a")}, {Value::Int64(5), Value::String("e")}})
          .ok());
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(Rows("SELECT * FROM big"), std::vector<std::string>{"5"});
  q->Stop();
}

TEST_F(StreamingApiTest, MemoryStreamChecks) {
  EXPECT_FALSE(session_->NewMemoryStream("x", MakeSchema({})).ok());
  EXPECT_FALSE(session_->NewMemoryStream("events", "id INT").ok());  // other columns
  EXPECT_EQ(session_->NewMemoryStream("events", "id BIGINT, name STRING")
                ->AddData(std::vector<std::vector<Value>>{})
                .ValueOrDie(),
            1);
  EXPECT_FALSE(events_->AddData({{Value::String("not an id"), Value::String("a")}}).ok());
}

}  // namespace
}  // namespace weir
