// The kafka connectors through the engine, against librdkafka's mock cluster: SQL
// (CREATE SOURCE / CREATE SINK / INSERT INTO) from a Kafka topic through a filter to a
// Kafka topic, run to the end of the data, restarted from its checkpoint after more
// input, with the output checked record by record; the same through the C++
// DataStreamReader; and a batch SELECT of a topic range (endingOffsets), as `weir sql`
// runs it.

#include <algorithm>
#include <string>
#include <vector>

#include "weir/api/session.h"
#include "weir/weir.h"

#include "kafka_test_util.h"

namespace weir {
namespace {

using connectors::testing::KafkaRecord;
using connectors::testing::MockKafka;

class KafkaStreamingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_.CreateTopic("in", 2);
    kafka_.CreateTopic("out", 2);
  }

  Session Open() {
    SessionOptions options;
    options.data_dir = "/data";
    options.threads = 2;
    options.env = env_.get();
    options.clock = &clock_;
    return Session::Open(std::move(options)).ValueOrDie();
  }

  // Events {"id": i, "kind": "a"|"b"} for i in [first, last], alternating partitions.
  void Produce(int first, int last) {
    std::vector<KafkaRecord> records;
    for (int i = first; i <= last; ++i) {
      KafkaRecord r;
      r.key = "k" + std::to_string(i);
      r.value = "{\"id\":" + std::to_string(i) + ",\"kind\":\"" + (i % 3 == 0 ? "a" : "b") + "\"}";
      r.partition = i % 2;
      records.push_back(std::move(r));
    }
    kafka_.Produce("in", records);
  }

  std::string Pipeline() const {
    const std::string servers = "'kafka.bootstrap.servers' = '" + kafka_.bootstraps() + "'";
    return "CREATE SOURCE events (id BIGINT, kind STRING) WITH (connector = 'kafka', " + servers +
           ", subscribe = 'in', startingOffsets = 'earliest', format = 'json');\n"
           "CREATE SINK selected WITH (connector = 'kafka', " +
           servers +
           ", topic = 'out', checkpointLocation = '/ckpt', trigger = 'available-now');\n"
           "INSERT INTO selected SELECT CAST(id AS STRING) AS key, "
           "to_json(named_struct('id', id, 'kind', kind)) AS value FROM events WHERE kind = 'a';\n";
  }

  // Runs the pipeline to the end of the available data (a process of its own).
  void Run() {
    Session session = Open();
    ASSERT_TRUE(session.sql_session()
                    .ExecuteScript(Pipeline(), [](const auto&...) { return Status::OK(); })
                    .ok());
    for (const stream::StreamingQueryPtr& q : session.Streams().active()) {
      Result<bool> done = q->AwaitTermination();
      ASSERT_TRUE(done.ok()) << done.status();
      ASSERT_TRUE(q->exception().ok()) << q->exception();
    }
  }

  // The output records as "key=value", sorted.
  std::vector<std::string> Output() {
    std::vector<std::string> out;
    for (const KafkaRecord& r : kafka_.Consume("out", 2)) {
      out.push_back(r.key.value_or("NULL") + "=" + r.value.value_or("NULL"));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::vector<std::string> Expected(int last) {
    std::vector<std::string> out;
    for (int i = 0; i <= last; i += 3) {
      out.push_back(std::to_string(i) + "={\"id\":" + std::to_string(i) + ",\"kind\":\"a\"}");
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  MockKafka kafka_;
  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Env> env_ = NewMemEnv(&clock_);
};

TEST_F(KafkaStreamingTest, SqlPipelineFiltersExactlyOnceAcrossRestarts) {
  Produce(0, 299);
  Run();
  EXPECT_EQ(Expected(299), Output());
  // A restart with nothing new writes nothing; with new input, only the new rows.
  Run();
  EXPECT_EQ(Expected(299), Output());
  Produce(300, 599);
  Run();
  EXPECT_EQ(Expected(599), Output());
}

TEST_F(KafkaStreamingTest, DataStreamReaderToKafkaSink) {
  Produce(0, 99);
  Session session = Open();
  DataFrame df = session.ReadStream()
                     .format("kafka")
                     .option("kafka.bootstrap.servers", kafka_.bootstraps())
                     .option("subscribe", "in")
                     .option("startingOffsets", "earliest")
                     .load()
                     .ValueOrDie()
                     .Filter("CAST(value AS STRING) LIKE '%\"a\"%'")
                     .ValueOrDie()
                     .Select("key", "value")
                     .ValueOrDie();
  StreamingQueryPtr q = df.WriteStream()
                            .format("kafka")
                            .option("kafka.bootstrap.servers", kafka_.bootstraps())
                            .option("topic", "out")
                            .option("checkpointLocation", "/ckpt2")
                            .queryName("copy")
                            .start()
                            .ValueOrDie();
  ASSERT_TRUE(q->ProcessAllAvailable().ok()) << q->exception();
  Produce(100, 149);
  ASSERT_TRUE(q->ProcessAllAvailable().ok()) << q->exception();
  q->Stop();
  ASSERT_TRUE(q->exception().ok()) << q->exception();
  EXPECT_TRUE(q->last_progress()->sink.exactly_once);
  std::vector<std::string> out = Output();
  std::vector<std::string> want;
  for (int i = 0; i <= 149; i += 3) {
    want.push_back("k" + std::to_string(i) + "={\"id\":" + std::to_string(i) + ",\"kind\":\"a\"}");
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(want, out);
}

TEST_F(KafkaStreamingTest, BatchSelectOfATopicRange) {
  Produce(0, 9);  // partition 0: ids 0,2,4,6,8; partition 1: 1,3,5,7,9
  Session session = Open();
  const std::string servers = "'kafka.bootstrap.servers' = '" + kafka_.bootstraps() + "'";
  ASSERT_TRUE(session.sql_session()
                  .Execute("CREATE SOURCE slice (id BIGINT) WITH (connector = 'kafka', " + servers +
                           ", subscribe = 'in', format = 'json', "
                           "startingOffsets = '{\"in\":{\"0\":1,\"1\":-2}}', "
                           "endingOffsets = '{\"in\":{\"0\":3,\"1\":-1}}')")
                  .ok());
  // As `weir sql` runs it: a batch query.
  Result<api::StatementResult> result =
      session.sql_session().Execute("SELECT id FROM slice ORDER BY id");
  ASSERT_TRUE(result.ok()) << result.status();
  std::vector<std::string> ids;
  for (const Batch& b : result->batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      ids.push_back(std::to_string(b.column(0)->Get<int64_t>(b.RowIndex(r))));
    }
  }
  EXPECT_EQ((std::vector<std::string>{"1", "2", "3", "4", "5", "7", "9"}), ids);
  // Without endingOffsets a source is a stream, which a batch query cannot read.
  ASSERT_TRUE(session.sql_session()
                  .Execute("CREATE SOURCE live (id BIGINT) WITH (connector = 'kafka', " + servers +
                           ", subscribe = 'in', format = 'json')")
                  .ok());
  Result<api::StatementResult> live = session.sql_session().Execute("SELECT id FROM live");
  ASSERT_FALSE(live.ok());
  EXPECT_NE(std::string::npos, live.status().hint().find("endingOffsets"));
}

}  // namespace
}  // namespace weir
