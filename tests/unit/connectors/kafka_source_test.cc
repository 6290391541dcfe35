// The kafka source against librdkafka's mock cluster: Spark's options and raw
// columns, offsets, replayable reads, rate limits, new partitions, a broker going down
// and coming back, and injected request errors — every record read once.

#include <thread>

#include "weir/connectors/kafka_internal.h"

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

stream::ReadLimit NoLimit() { return stream::ReadLimit{}; }

// The raw columns with key and value as STRING, so that rows print as text.
SchemaPtr TextColumns() {
  return MakeSchema({{"key", DataType::String()},
                     {"value", DataType::String()},
                     {"topic", DataType::String()},
                     {"partition", DataType::Int32()},
                     {"offset", DataType::Int64()},
                     {"timestamp", DataType::Timestamp()},
                     {"timestampType", DataType::Int32()}});
}

class KafkaSourceTest : public ::testing::Test {
 protected:
  KafkaSourceTest() { RegisterKafkaConnectors(&registry_); }

  Result<stream::SourcePtr> TryMake(const OptionList& options, SchemaPtr schema = nullptr) {
    OptionList o = {{"connector", "kafka"}, {"kafka.bootstrap.servers", kafka_.bootstraps()}};
    o.insert(o.end(), options.begin(), options.end());
    stream::ConnectorContext ctx = testing::Context("src", o);
    ctx.schema = std::move(schema);
    return registry_.MakeSource("kafka", ctx);
  }

  stream::SourcePtr Make(const OptionList& options, SchemaPtr schema = nullptr) {
    auto s = TryMake(options, std::move(schema));
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }

  static Strings ReadRows(stream::Source* source, const stream::Offset& start,
                          const stream::Offset& end, std::vector<int> columns = {}) {
    auto table = source->Read(start, end);
    EXPECT_TRUE(table.ok()) << table.status();
    if (!table.ok()) return {};
    Strings rows;
    for (int p = 0; p < (*table)->NumPartitions(); ++p) {
      for (std::string& r : testing::ReadPartition(**table, p, columns)) rows.push_back(r);
    }
    return rows;
  }

  // The values a fresh source with `options` reads from its start to the end now.
  Strings ReadValues(const OptionList& options) {
    stream::SourcePtr s = Make(options, TextColumns());
    if (s == nullptr) return {};
    auto start = s->InitialOffset();
    EXPECT_TRUE(start.ok()) << start.status();
    auto end = s->LatestOffset(*start, NoLimit());
    EXPECT_TRUE(end.ok()) << end.status();
    return ReadRows(s.get(), *start, *end, {1});
  }

  MockKafka kafka_;
  stream::ConnectorRegistry registry_;
};

TEST(KafkaOffsetsTest, FormatAndParse) {
  KafkaOffsets offsets = {{{"b", 1}, 7}, {{"a", 0}, 3}, {{"b", 0}, 5}};
  EXPECT_EQ("{\"a\":{\"0\":3},\"b\":{\"0\":5,\"1\":7}}", FormatKafkaOffsets(offsets));
  EXPECT_EQ("{}", FormatKafkaOffsets({}));
  auto parsed = ParseKafkaOffsets(" { \"b\" : {\"1\":7, \"0\":5}, \"a\":{\"0\":3} } ", "src");
  ASSERT_OK(parsed);
  EXPECT_EQ(offsets, *parsed);
  EXPECT_TRUE(ParseKafkaOffsets("{}", "src")->empty());
  for (std::string_view bad :
       {"", "{", "[]", "{\"a\":1}", "{\"a\":{\"x\":1}}", "{\"a\":{\"0\":-3}}",
        "{\"a\":{\"0\":1,\"0\":2}}", "{\"a\":{\"0\":1}} x", "{\"\":{}}", "{\"a\":{\"0\":1}"}) {
    EXPECT_FALSE(ParseKafkaOffsets(bad, "src").ok()) << bad;
  }
  auto assign = ParseKafkaAssign("{\"t\":[1,0],\"s\":[2]}", "src");
  ASSERT_OK(assign);
  EXPECT_EQ((std::vector<TopicPartition>{{"s", 2}, {"t", 0}, {"t", 1}}), *assign);
  for (std::string_view bad : {"{}", "{\"t\":[]}", "{\"t\":[-1]}", "{\"t\":[0,0]}", "[0]"}) {
    EXPECT_FALSE(ParseKafkaAssign(bad, "src").ok()) << bad;
  }
}

TEST(KafkaOffsetsTest, RateLimitAndSplits) {
  // 100 offsets over a backlog of 300 and 100: 75 and 25; a new partition counts from 0.
  KafkaOffsets from = {{{"a", 0}, 0}, {{"a", 1}, 100}};
  KafkaOffsets until = {{{"a", 0}, 300}, {{"a", 1}, 200}, {{"b", 0}, 0}};
  EXPECT_EQ((KafkaOffsets{{{"a", 0}, 75}, {{"a", 1}, 125}, {{"b", 0}, 0}}),
            RateLimitKafkaOffsets(from, until, 100));
  std::vector<KafkaRange> ranges = {{"a", 0, 0, 30}, {"a", 1, 10, 20}};
  EXPECT_EQ(2u, SplitKafkaRanges(ranges, 2).size());
  std::vector<KafkaRange> split = SplitKafkaRanges(ranges, 4);
  ASSERT_EQ(4u, split.size());  // 30 of 40 offsets: 3 parts; 10 of 40: 1 part
  EXPECT_EQ(0, split[0].from);
  EXPECT_EQ(10, split[0].until);
  EXPECT_EQ(20, split[2].from);
  EXPECT_EQ(30, split[2].until);
  EXPECT_EQ(10, split[3].from);
  EXPECT_EQ(20, split[3].until);
}

TEST_F(KafkaSourceTest, OptionErrors) {
  auto message = [&](const OptionList& o) {
    auto s = TryMake(o);
    return s.ok() ? std::string("ok") : s.status().ToString();
  };
  EXPECT_NE(std::string::npos, message({}).find("exactly one of the options subscribe"));
  EXPECT_NE(std::string::npos,
            message({{"subscribe", "a"}, {"assign", "{\"a\":[0]}"}}).find("but it has 2"));
  EXPECT_NE(std::string::npos, message({{"assign", "{\"a\":[x]}"}}).find("'assign'"));
  EXPECT_NE(std::string::npos, message({{"subscribePattern", "a("}}).find("subscribePattern"));
  EXPECT_NE(std::string::npos,
            message({{"subscribe", "a"}, {"endingOffsets", "earliest"}}).find("endingOffsets"));
  EXPECT_NE(std::string::npos,
            message({{"subscribe", "a"}, {"kafka.auto.offset.reset", "earliest"}})
                .find("startingOffsets"));
  EXPECT_NE(std::string::npos,
            message({{"subscribe", "a"}, {"maxOffsetsPerTrigger", "0"}}).find("positive"));
  EXPECT_NE(std::string::npos,
            message({{"subscribe", "a"}, {"format", "json"}}).find("no declared columns"));
  // A bad client setting is reported when the client is made, naming the option.
  stream::SourcePtr s = Make({{"subscribe", "a"}, {"kafka.no.such.setting", "1"}});
  ASSERT_NE(nullptr, s);
  auto start = s->InitialOffset();
  ASSERT_FALSE(start.ok());
  EXPECT_NE(std::string::npos, start.status().message().find("'kafka.no.such.setting'"));
  // No bootstrap servers.
  auto none = registry_.MakeSource(
      "kafka", testing::Context("src", {{"connector", "kafka"}, {"subscribe", "a"}}));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(std::string::npos, none.status().message().find("kafka.bootstrap.servers"));
}

TEST_F(KafkaSourceTest, RawColumnsAndReplay) {
  kafka_.CreateTopic("clicks", 2);
  KafkaRecord a;
  a.key = "k1";
  a.value = "v1";
  a.partition = 0;
  a.timestamp_ms = 1704067200001;  // 2024-01-01 00:00:00.001
  a.headers = {{"h", "x"}, {"n", std::nullopt}};
  KafkaRecord b;
  b.value = "v2";
  b.partition = 0;
  b.timestamp_ms = 1704067200000;
  KafkaRecord c;
  c.key = "k3";
  c.partition = 1;
  c.timestamp_ms = 1704067200000;
  kafka_.Produce("clicks", {a, b, c});

  stream::SourcePtr s =
      Make({{"subscribe", "clicks"}, {"startingOffsets", "earliest"}, {"includeHeaders", "true"}});
  ASSERT_NE(nullptr, s);
  EXPECT_EQ(
      "struct<key:binary,value:binary,topic:string,partition:int,offset:bigint,"
      "timestamp:timestamp,timestampType:int,headers:array<struct<key:string,value:binary>>>",
      s->schema()->ToString());
  EXPECT_EQ("KafkaV2[Subscribe[clicks]]", s->Describe());
  auto start = s->InitialOffset();
  ASSERT_OK(start);
  EXPECT_EQ("{\"clicks\":{\"0\":0,\"1\":0}}", *start);
  auto end = s->LatestOffset(*start, NoLimit());
  ASSERT_OK(end);
  EXPECT_EQ("{\"clicks\":{\"0\":2,\"1\":1}}", *end);
  const Strings want = {
      "[6B 31] | [76 31] | clicks | 0 | 0 | 2024-01-01 00:00:00.001 | 0 | [{h, [78]}, {n, NULL}]",
      "NULL | [76 32] | clicks | 0 | 1 | 2024-01-01 00:00:00 | 0 | []",
      "[6B 33] | NULL | clicks | 1 | 0 | 2024-01-01 00:00:00 | 0 | []"};
  EXPECT_EQ(want, ReadRows(s.get(), *start, *end));
  // The same offsets give the same rows: again, and from a new source (a restart).
  EXPECT_EQ(want, ReadRows(s.get(), *start, *end));
  stream::SourcePtr again =
      Make({{"subscribe", "clicks"}, {"startingOffsets", "latest"}, {"includeHeaders", "true"}});
  EXPECT_EQ(want, ReadRows(again.get(), *start, *end));
  ASSERT_OK(s->Commit(*end));
  EXPECT_EQ(*end, *s->LatestOffset(*end, NoLimit()));  // nothing new
  // latest starts at the end; JSON names every partition (-2 earliest, -1 latest).
  EXPECT_EQ(*end, *again->InitialOffset());
  stream::SourcePtr json =
      Make({{"subscribe", "clicks"}, {"startingOffsets", "{\"clicks\":{\"0\":1,\"1\":-2}}"}});
  EXPECT_EQ("{\"clicks\":{\"0\":1,\"1\":0}}", *json->InitialOffset());
  stream::SourcePtr partial =
      Make({{"subscribe", "clicks"}, {"startingOffsets", "{\"clicks\":{\"0\":1}}"}});
  auto bad = partial->InitialOffset();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.status().message().find("partition 1 of 'clicks' is missing"));
}

TEST_F(KafkaSourceTest, EpochsFollowTheTopicAndReadEachRecordOnce) {
  kafka_.CreateTopic("t", 3);
  stream::SourcePtr s = Make({{"subscribe", "t"}, {"startingOffsets", "earliest"}}, TextColumns());
  ASSERT_NE(nullptr, s);
  stream::Offset at = *s->InitialOffset();
  Strings seen;
  for (int round = 0; round < 5; ++round) {
    for (int p = 0; p < 3; ++p) kafka_.ProduceValues("t", p, round * 100, round * 100 + 99);
    auto end = s->LatestOffset(at, NoLimit());
    ASSERT_OK(end);
    // (partition, value) pairs: each record's identity.
    for (std::string& v : ReadRows(s.get(), at, *end, {3, 1})) seen.push_back(v);
    at = *end;
  }
  EXPECT_EQ("{\"t\":{\"0\":500,\"1\":500,\"2\":500}}", at);
  EXPECT_EQ(1500u, seen.size());
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.end(), std::adjacent_find(seen.begin(), seen.end()));
}

TEST_F(KafkaSourceTest, MaxOffsetsPerTriggerAndMinPartitions) {
  kafka_.CreateTopic("t", 2);
  kafka_.ProduceValues("t", 0, 0, 299);
  kafka_.ProduceValues("t", 1, 0, 99);
  stream::SourcePtr s = Make({{"subscribe", "t"},
                              {"startingOffsets", "earliest"},
                              {"maxOffsetsPerTrigger", "100"},
                              {"minPartitions", "4"}});
  ASSERT_NE(nullptr, s);
  auto start = s->InitialOffset();
  ASSERT_OK(start);
  auto end = s->LatestOffset(*start, NoLimit());
  ASSERT_OK(end);
  EXPECT_EQ("{\"t\":{\"0\":75,\"1\":25}}", *end);
  auto table = s->Read(*start, *end);
  ASSERT_OK(table);
  EXPECT_EQ(4, (*table)->NumPartitions());  // 75 of 100 offsets: 3 parts, 25: 1 part
  EXPECT_EQ(100u, testing::ReadAll(**table).size());
  // AvailableNow and Once ignore the limit's cap when told to.
  auto all = s->LatestOffset(*start, stream::ReadLimit{.all_available = true});
  EXPECT_EQ("{\"t\":{\"0\":300,\"1\":100}}", *all);
}

TEST_F(KafkaSourceTest, EndingOffsetsBoundTheStream) {
  kafka_.CreateTopic("t", 1);
  kafka_.ProduceValues("t", 0, 0, 9);
  stream::SourcePtr s =
      Make({{"subscribe", "t"}, {"endingOffsets", "{\"t\":{\"0\":4}}"}}, TextColumns());
  ASSERT_NE(nullptr, s);
  auto start = s->InitialOffset();  // endingOffsets makes earliest the default start
  ASSERT_OK(start);
  EXPECT_EQ("{\"t\":{\"0\":0}}", *start);
  ASSERT_OK(s->PrepareForAvailableNow());
  auto end = s->LatestOffset(*start, stream::ReadLimit{.all_available = true});
  EXPECT_EQ("{\"t\":{\"0\":4}}", *end);
  EXPECT_EQ((Strings{"v0", "v1", "v2", "v3"}), ReadRows(s.get(), *start, *end, {1}));
}

TEST_F(KafkaSourceTest, NewTopicsAndPartitionsArePickedUp) {
  // The mock cluster cannot add partitions to a topic, so new partitions come from a
  // topic created after the query started: subscribed by name, or by pattern.
  kafka_.CreateTopic("logs-a", 1);
  kafka_.ProduceValues("logs-a", 0, 0, 1, "a");
  stream::SourcePtr pattern =
      Make({{"subscribePattern", "logs-.*"}, {"startingOffsets", "latest"}}, TextColumns());
  stream::SourcePtr named = Make({{"subscribe", "logs-b"}}, TextColumns());
  ASSERT_NE(nullptr, pattern);
  ASSERT_NE(nullptr, named);
  auto p0 = pattern->InitialOffset();
  auto n0 = named->InitialOffset();
  ASSERT_OK(p0);
  ASSERT_OK(n0);
  EXPECT_EQ("{\"logs-a\":{\"0\":2}}", *p0);
  EXPECT_EQ("{}", *n0);
  kafka_.CreateTopic("logs-b", 2);
  kafka_.ProduceValues("logs-b", 0, 0, 2, "b");
  kafka_.ProduceValues("logs-b", 1, 0, 0, "c");
  kafka_.ProduceValues("logs-a", 0, 2, 2, "a");
  kafka_.CreateTopic("other", 1);
  auto p1 = pattern->LatestOffset(*p0, NoLimit());
  ASSERT_OK(p1);
  EXPECT_EQ("{\"logs-a\":{\"0\":3},\"logs-b\":{\"0\":3,\"1\":1}}", *p1);
  // New partitions are read from their beginning.
  EXPECT_EQ((Strings{"a2", "b0", "b1", "b2", "c0"}), ReadRows(pattern.get(), *p0, *p1, {1}));
  auto n1 = named->LatestOffset(*n0, NoLimit());
  ASSERT_OK(n1);
  EXPECT_EQ((Strings{"b0", "b1", "b2", "c0"}), ReadRows(named.get(), *n0, *n1, {1}));
}

TEST_F(KafkaSourceTest, AssignReadsThePartitionsNamed) {
  kafka_.CreateTopic("t", 3);
  for (int p = 0; p < 3; ++p) kafka_.ProduceValues("t", p, 0, 1, "p" + std::to_string(p) + "-");
  EXPECT_EQ((Strings{"p0-0", "p0-1", "p2-0", "p2-1"}),
            ReadValues({{"assign", "{\"t\":[2,0]}"}, {"startingOffsets", "earliest"}}));
  stream::SourcePtr missing = Make({{"assign", "{\"t\":[3]}"}});
  auto start = missing->InitialOffset();
  ASSERT_FALSE(start.ok());
  EXPECT_NE(std::string::npos, start.status().message().find("it has 3 partitions"));
  EXPECT_EQ("KafkaV2[Assign[t-3]]", missing->Describe());
}

TEST_F(KafkaSourceTest, JsonValuesIntoDeclaredColumns) {
  kafka_.CreateTopic("events", 1);
  std::vector<KafkaRecord> records(4);
  records[0].value = R"({"id": 1, "name": "a"})";
  records[1].value = R"({"id": 2, "name": "b"})";
  records[2].value = "not json";
  records[3].value = std::nullopt;  // a tombstone: no row
  for (auto& r : records) r.partition = 0;
  kafka_.Produce("events", records);
  SchemaPtr columns = MakeSchema({{"id", DataType::Int64()}, {"name", DataType::String()}});
  stream::SourcePtr s = Make({{"subscribe", "events"},
                              {"startingOffsets", "earliest"},
                              {"format", "json"},
                              {"mode", "DROPMALFORMED"}},
                             columns);
  ASSERT_NE(nullptr, s);
  auto start = s->InitialOffset();
  auto end = s->LatestOffset(*start, NoLimit());
  ASSERT_OK(end);
  EXPECT_EQ((Strings{"1 | a", "2 | b"}), ReadRows(s.get(), *start, *end));
  EXPECT_EQ(1, s->metrics().malformed_records);
  EXPECT_EQ(1, s->metrics().dropped_records);
}

TEST_F(KafkaSourceTest, BrokerDownAndBackLosesNothing) {
  kafka_.CreateTopic("t", 3);
  for (int p = 0; p < 3; ++p) kafka_.ProduceValues("t", p, 0, 299, "p" + std::to_string(p) + "-");
  stream::SourcePtr s = Make({{"subscribe", "t"}, {"startingOffsets", "earliest"}}, TextColumns());
  ASSERT_NE(nullptr, s);
  auto start = s->InitialOffset();
  auto end = s->LatestOffset(*start, NoLimit());
  ASSERT_OK(end);
  auto table = s->Read(*start, *end);
  ASSERT_OK(table);
  // Every broker leads some partition (the mock spreads leaders); take each down in
  // turn while the table is read, and bring it back.
  for (int32_t broker = 1; broker <= 3; ++broker) {
    ASSERT_EQ(RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_mock_broker_set_down(kafka_.cluster(), broker));
    std::thread up([&, broker] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      rd_kafka_mock_broker_set_up(kafka_.cluster(), broker);
    });
    Strings rows = testing::ReadAll(**table);
    up.join();
    ASSERT_EQ(900u, rows.size()) << "broker " << broker;
    std::sort(rows.begin(), rows.end());
    EXPECT_EQ(rows.end(), std::adjacent_find(rows.begin(), rows.end())) << "broker " << broker;
  }
}

TEST_F(KafkaSourceTest, InjectedFetchErrorsLoseNothing) {
  kafka_.CreateTopic("t", 2);
  kafka_.ProduceValues("t", 0, 0, 499, "a");
  kafka_.ProduceValues("t", 1, 0, 499, "b");
  stream::SourcePtr s = Make({{"subscribe", "t"}, {"startingOffsets", "earliest"}}, TextColumns());
  ASSERT_NE(nullptr, s);
  auto start = s->InitialOffset();
  auto end = s->LatestOffset(*start, NoLimit());
  ASSERT_OK(end);
  // Fetch (API key 1) and ListOffsets (2) answer with retriable errors a few times.
  rd_kafka_mock_push_request_errors(
      kafka_.cluster(), 1, 6, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
      RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  Strings rows = ReadRows(s.get(), *start, *end, {1});
  ASSERT_EQ(1000u, rows.size());
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ("a" + std::to_string(i), rows[static_cast<size_t>(i)]);
    EXPECT_EQ("b" + std::to_string(i), rows[static_cast<size_t>(500 + i)]);
  }
  rd_kafka_mock_push_request_errors(kafka_.cluster(), 2, 2,
                                    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  kafka_.ProduceValues("t", 0, 500, 509, "a");
  auto next = s->LatestOffset(*end, NoLimit());
  ASSERT_OK(next);
  EXPECT_EQ("{\"t\":{\"0\":510,\"1\":500}}", *next);
}

TEST_F(KafkaSourceTest, OffsetsPastTheEndAreDataLoss) {
  kafka_.CreateTopic("t", 1);
  kafka_.ProduceValues("t", 0, 0, 4);
  stream::SourcePtr s = Make({{"subscribe", "t"}, {"kafkaConsumer.pollTimeoutMs", "5000"}});
  ASSERT_NE(nullptr, s);
  // A checkpoint from a topic that was longer (deleted and recreated).
  auto end = s->LatestOffset("{\"t\":{\"0\":9}}", NoLimit());
  ASSERT_FALSE(end.ok());
  EXPECT_NE(std::string::npos, end.status().message().find("lost data"));
  stream::SourcePtr lenient = Make({{"subscribe", "t"}, {"failOnDataLoss", "false"}});
  auto moved = lenient->LatestOffset("{\"t\":{\"0\":9}}", NoLimit());
  ASSERT_OK(moved);
  EXPECT_EQ("{\"t\":{\"0\":5}}", *moved);  // continues from the partition's new end
  EXPECT_TRUE(ReadRows(lenient.get(), "{\"t\":{\"0\":9}}", *moved).empty());
}

}  // namespace
}  // namespace weir::connectors
