// The kafka sink against librdkafka's mock cluster: Spark's columns, placement, the
// epoch headers, a replayed epoch recognized by a new sink instance (a restart), an
// epoch going back refused, at-least-once, a broker going down and coming back and
// injected produce errors — every record written once.

#include <thread>

#include "weir/connectors/kafka_internal.h"
#include "weir/log/partitioner.h"

#include "kafka_test_util.h"

namespace weir::connectors {
namespace {

using testing::KafkaRecord;
using testing::MockKafka;
using testing::OptionList;
using testing::Strings;

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    ASSERT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)

SchemaPtr KeyValue() {
  return MakeSchema({{"key", DataType::String()}, {"value", DataType::String()}});
}

// Rows (key, value); an empty key is NULL.
Batch Rows(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::vector<std::vector<Value>> values;
  for (const auto& [k, v] : rows) {
    values.push_back(
        {k.empty() ? Value::Null(DataType::String()) : Value::String(k), Value::String(v)});
  }
  return testing::MakeBatch(KeyValue(), values);
}

// Keyless rows "<prefix><i>" for i in [0, n).
Batch Values(const std::string& prefix, int n) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (int i = 0; i < n; ++i) rows.emplace_back("", prefix + std::to_string(i));
  return Rows(rows);
}

class KafkaSinkTest : public ::testing::Test {
 protected:
  KafkaSinkTest() { RegisterKafkaConnectors(&registry_); }

  Result<stream::SinkPtr> TryMake(const OptionList& options, const std::string& query = "q") {
    OptionList o = {{"connector", "kafka"}, {"kafka.bootstrap.servers", kafka_.bootstraps()}};
    o.insert(o.end(), options.begin(), options.end());
    stream::ConnectorContext ctx = testing::Context("out", o);
    ctx.query_name = query;
    return registry_.MakeSink("kafka", ctx);
  }

  stream::SinkPtr Make(const OptionList& options, const std::string& query = "q") {
    auto s = TryMake(options, query);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }

  static Status Add(stream::Sink* sink, int64_t epoch, const Batch& batch) {
    return sink->AddBatch(epoch, batch.schema(), {batch}, stream::OutputMode::kAppend);
  }

  MockKafka kafka_;
  stream::ConnectorRegistry registry_;
};

TEST_F(KafkaSinkTest, WritesEpochsWithHeadersAndPlacement) {
  kafka_.CreateTopic("out", 3);
  stream::SinkPtr sink = Make({{"topic", "out"}});
  ASSERT_NE(nullptr, sink);
  EXPECT_EQ("KafkaSink[out]", sink->Describe());
  EXPECT_EQ(stream::Delivery::kExactlyOnce, sink->delivery());
  ASSERT_OK(Add(sink.get(), 0, Rows({{"alice", "a1"}, {"", "n1"}, {"bob", "b1"}, {"", "n2"}})));
  ASSERT_OK(Add(sink.get(), 1, Rows({{"alice", "a2"}, {"", "n3"}})));
  std::vector<KafkaRecord> records = kafka_.Consume("out", 3);
  ASSERT_EQ(6u, records.size());
  std::map<std::string, KafkaRecord> by_value;
  for (const KafkaRecord& r : records) by_value[*r.value] = r;
  // Keys by murmur2; keyless rows of epoch N to partition N % 3.
  EXPECT_EQ(log::PartitionForKey("alice", 3), by_value["a1"].partition);
  EXPECT_EQ(log::PartitionForKey("alice", 3), by_value["a2"].partition);
  EXPECT_EQ(log::PartitionForKey("bob", 3), by_value["b1"].partition);
  EXPECT_EQ(0, by_value["n1"].partition);
  EXPECT_EQ(0, by_value["n2"].partition);
  EXPECT_EQ(1, by_value["n3"].partition);
  EXPECT_EQ("alice", by_value["a1"].key.value_or(""));
  EXPECT_FALSE(by_value["n1"].key.has_value());
  // Every record carries its epoch; the last of an epoch in a partition also the
  // producer's transactional id.
  EXPECT_EQ("0", by_value["n1"].Header("weir.epoch"));
  EXPECT_EQ("", by_value["n1"].Header("weir.commit"));
  EXPECT_EQ("weir-q-0", by_value["n2"].Header("weir.commit"));
  EXPECT_EQ("1", by_value["n3"].Header("weir.epoch"));
  EXPECT_EQ("weir-q-0", by_value["n3"].Header("weir.commit"));
}

TEST_F(KafkaSinkTest, TopicPartitionAndHeaderColumns) {
  kafka_.CreateTopic("x", 2);
  kafka_.CreateTopic("y", 1);
  const DataType entry =
      DataType::Struct({{"key", DataType::String()}, {"value", DataType::Binary()}});
  const DataType array = DataType::Array(entry);
  SchemaPtr schema = MakeSchema({{"topic", DataType::String()},
                                 {"partition", DataType::Int32()},
                                 {"value", DataType::Binary()},
                                 {"headers", array}});
  Value headers =
      Value::Array(entry, {Value::Struct(entry, {Value::String("h"), Value::Binary("1")})});
  const Value no_topic = Value::Null(DataType::String());
  const Value no_partition = Value::Null(DataType::Int32());
  const Value no_headers = Value::Null(array);
  Batch rows = testing::MakeBatch(
      schema, {{Value::String("x"), Value::Int32(1), Value::Binary("to-x1"), headers},
               {no_topic, no_partition, Value::Binary("to-default"), no_headers},
               {Value::String("y"), no_partition, Value::Binary("to-y"), no_headers}});
  stream::SinkPtr sink = Make({{"topic", "x"}});
  ASSERT_OK(sink->AddBatch(4, schema, {rows}, stream::OutputMode::kUpdate));
  std::vector<KafkaRecord> x = kafka_.Consume("x", 2);
  ASSERT_EQ(2u, x.size());
  EXPECT_EQ("to-default", *x[0].value);  // partition 4 % 2
  EXPECT_EQ(0, x[0].partition);
  EXPECT_EQ("to-x1", *x[1].value);
  EXPECT_EQ(1, x[1].partition);
  EXPECT_EQ("1", x[1].Header("h"));
  EXPECT_EQ("4", x[1].Header("weir.epoch"));
  EXPECT_EQ((Strings{"to-y"}), kafka_.Values("y", 1));
  // A partition the topic does not have.
  Batch bad = testing::MakeBatch(
      schema, {{Value::String("y"), Value::Int32(5), Value::Binary("v"), no_headers}});
  Status st = sink->AddBatch(5, schema, {bad}, stream::OutputMode::kAppend);
  EXPECT_NE(std::string::npos, st.message().find("partition 5 of topic 'y'")) << st;
}

TEST_F(KafkaSinkTest, ColumnErrors) {
  kafka_.CreateTopic("out", 1);
  stream::SinkPtr sink = Make({{"topic", "out"}});
  SchemaPtr schema = MakeSchema({{"value", DataType::String()}, {"n", DataType::Int64()}});
  Batch rows = testing::MakeBatch(schema, {{Value::String("v"), Value::Int64(1)}});
  Status st = sink->AddBatch(0, schema, {rows}, stream::OutputMode::kAppend);
  EXPECT_NE(std::string::npos, st.message().find("other columns: n BIGINT")) << st;
  EXPECT_NE(std::string::npos, st.hint().find("to_json")) << st;
  stream::SinkPtr no_topic = Make({});
  st = Add(no_topic.get(), 0, Values("v", 1));
  EXPECT_NE(std::string::npos, st.message().find("needs the option 'topic'")) << st;
  auto bad = TryMake({{"topic", "out"}, {"delivery", "twice"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.status().message().find("'delivery'"));
}

TEST_F(KafkaSinkTest, ARestartedSinkSkipsAReplayedEpoch) {
  kafka_.CreateTopic("out", 2);
  {
    stream::SinkPtr first = Make({{"topic", "out"}});
    ASSERT_OK(Add(first.get(), 0, Values("e0-", 3)));
    ASSERT_OK(Add(first.get(), 1, Values("e1-", 2)));
  }
  // Other writers append meanwhile; the sink finds its last epoch behind them.
  kafka_.ProduceValues("out", 1, 0, 99, "other");
  // The process died after the sink committed epoch 1 but before the checkpoint did:
  // the engine replays epoch 1, then goes on with epoch 2.
  stream::SinkPtr second = Make({{"topic", "out"}});
  ASSERT_OK(Add(second.get(), 1, Values("e1-", 2)));
  ASSERT_OK(Add(second.get(), 2, Values("e2-", 1)));
  ASSERT_OK(Add(second.get(), 2, Values("e2-", 1)));  // the same instance, again
  Strings values = kafka_.Values("out", 2);
  Strings ours;
  for (const std::string& v : values) {
    if (v.rfind("other", 0) != 0) ours.push_back(v);
  }
  EXPECT_EQ((Strings{"e0-0", "e0-1", "e0-2", "e2-0", "e1-0", "e1-1"}), ours);
  // Going back means a lost checkpoint or a second query of the same name.
  stream::SinkPtr third = Make({{"topic", "out"}});
  Status st = Add(third.get(), 0, Values("e0-", 3));
  EXPECT_NE(std::string::npos, st.message().find("already holds epoch 2")) << st;
  // Another query (another transactional id) is another producer.
  stream::SinkPtr other = Make({{"topic", "out"}}, "q2");
  ASSERT_OK(Add(other.get(), 0, Values("q2-", 1)));
  EXPECT_EQ(values.size() + 1, kafka_.Values("out", 2).size());
}

TEST_F(KafkaSinkTest, AtLeastOnceWritesAReplayAgain) {
  kafka_.CreateTopic("out", 1);
  stream::SinkPtr sink = Make({{"topic", "out"}, {"delivery", "at-least-once"}});
  EXPECT_EQ(stream::Delivery::kAtLeastOnce, sink->delivery());
  ASSERT_OK(Add(sink.get(), 0, Values("v", 2)));
  stream::SinkPtr again = Make({{"topic", "out"}, {"delivery", "at-least-once"}});
  ASSERT_OK(Add(again.get(), 0, Values("v", 2)));
  EXPECT_EQ((Strings{"v0", "v1", "v0", "v1"}), kafka_.Values("out", 1));
}

TEST_F(KafkaSinkTest, BrokerDownAndBackWritesEachRecordOnce) {
  kafka_.CreateTopic("out", 3);
  stream::SinkPtr sink = Make({{"topic", "out"}});
  ASSERT_OK(Add(sink.get(), 0, Values("warm", 3)));
  int64_t expected = 3;
  for (int32_t broker = 1; broker <= 3; ++broker) {
    ASSERT_EQ(RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_mock_broker_set_down(kafka_.cluster(), broker));
    std::thread up([&, broker] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      rd_kafka_mock_broker_set_up(kafka_.cluster(), broker);
    });
    // Keyed rows reach every partition, so every broker's partition is written.
    std::vector<std::pair<std::string, std::string>> rows;
    for (int i = 0; i < 30; ++i) {
      rows.emplace_back("k" + std::to_string(i),
                        "b" + std::to_string(broker) + "-" + std::to_string(i));
    }
    Status st = Add(sink.get(), broker, Rows(rows));
    up.join();
    // The producer either rode out the outage or failed the epoch, which the engine
    // then retries (a new sink instance, as after a restart).
    if (!st.ok()) {
      sink = Make({{"topic", "out"}});
      ASSERT_OK(Add(sink.get(), broker, Rows(rows)));
    }
    expected += 30;
  }
  Strings values = kafka_.Values("out", 3);
  EXPECT_EQ(static_cast<size_t>(expected), values.size());
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values.end(), std::adjacent_find(values.begin(), values.end()));
}

TEST_F(KafkaSinkTest, InjectedProduceErrorsWriteEachRecordOnce) {
  kafka_.CreateTopic("out", 2);
  stream::SinkPtr sink = Make({{"topic", "out"}});
  ASSERT_OK(Add(sink.get(), 0, Values("warm", 1)));
  // Produce (API key 0) fails a few times with retriable errors; the idempotent,
  // transactional producer retries.
  rd_kafka_mock_push_request_errors(
      kafka_.cluster(), 0, 4, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
      RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  ASSERT_OK(Add(sink.get(), 1, Values("e1-", 100)));
  // EndTxn (26) and AddPartitionsToTxn (24) too.
  rd_kafka_mock_push_request_errors(kafka_.cluster(), 24, 2,
                                    RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS,
                                    RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
  rd_kafka_mock_push_request_errors(kafka_.cluster(), 26, 1,
                                    RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
  ASSERT_OK(Add(sink.get(), 2, Values("e2-", 100)));
  Strings values = kafka_.Values("out", 2);
  ASSERT_EQ(201u, values.size());
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values.end(), std::adjacent_find(values.begin(), values.end()));
}

}  // namespace
}  // namespace weir::connectors
