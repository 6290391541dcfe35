// The `log` source driven through the Source interface: raw columns, values decoded
// with json and csv in each mode, startingOffsets, maxOffsetsPerTrigger, read_committed
// around aborted and open transactions, a concurrent writer, and retention deleting
// data under failOnDataLoss.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/connectors/log_sink_internal.h"
#include "weir/connectors/log_source_internal.h"
#include "weir/log/topic.h"

#include "log_connector_test_util.h"

namespace weir::connectors {
namespace {

using testing::Columns;
using testing::LogConnectorTest;
using testing::Rec;
using testing::Strings;

stream::ReadLimit NoLimit() { return stream::ReadLimit{}; }

TEST(LogOffsetsTest, FormatAndParse) {
  PartitionOffsets o = {{1, 17}, {0, 42}};
  EXPECT_EQ("{\"weblogs\":{\"0\":42,\"1\":17}}", FormatLogOffsets("weblogs", o));
  auto back = ParseLogOffsets(" { \"weblogs\" : { \"1\" : 17 , \"0\":42 } } ", "weblogs", "src");
  ASSERT_OK(back);
  EXPECT_EQ(o, *back);
  auto empty = ParseLogOffsets("{\"t\":{}}", "t", "src");
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
  for (const char* bad :
       {"", "{", "{}", "[1]", "{\"t\":{\"0\":1}", "{\"t\":{\"0\":1}}x", "{\"t\":{\"a\":1}}",
        "{\"t\":{\"-1\":1}}", "{\"t\":{\"0\":-3}}", "{\"t\":{\"0\":1,\"0\":2}}",
        "{\"t\":{\"0\":99999999999999999999}}", "{\"t\\\"\":{}}", "{\"t\":{\"0\":}}"}) {
    EXPECT_FALSE(ParseLogOffsets(bad, "t", "src").ok()) << bad;
  }
  auto other = ParseLogOffsets("{\"other\":{\"0\":1}}", "t", "log source `src`");
  EXPECT_NE(std::string::npos, other.status().message().find("names the topic 'other'"));
}

// Spark's KafkaMicroBatchStream.rateLimit.
TEST(LogOffsetsTest, RateLimitIsProportionalAndNeverStarvesAPartition) {
  const PartitionOffsets from = {{0, 0}, {1, 100}, {2, 5}};
  const PartitionOffsets until = {{0, 90}, {1, 110}, {2, 5}};
  PartitionOffsets got = RateLimitOffsets(from, until, 10);
  EXPECT_EQ((PartitionOffsets{{0, 9}, {1, 101}, {2, 5}}), got);
  got = RateLimitOffsets(from, until, 1);
  EXPECT_EQ((PartitionOffsets{{0, 1}, {1, 101}, {2, 5}}), got);  // shares below 1 round up
  got = RateLimitOffsets(from, until, 1000);
  EXPECT_EQ(until, got);
  EXPECT_EQ(until, RateLimitOffsets(until, until, 10));
}

TEST_F(LogConnectorTest, RawColumns) {
  CreateTopic("clicks", 2);
  log::Record with_headers = Rec("k1", "v1", testing::kT0Ms + 1);
  with_headers.headers = {{"h", "x"}, {"n", std::nullopt}};
  Append("clicks", 0, {with_headers, Rec(std::nullopt, "v2")});
  Append("clicks", 1, {Rec("k3", std::nullopt)});

  stream::SourcePtr s = Source({{"topic", "clicks"}});
  ASSERT_NE(nullptr, s);
  EXPECT_EQ(
      "struct<key:binary,value:binary,topic:string,partition:int,offset:bigint,"
      "timestamp:timestamp,timestampType:int>",
      s->schema()->ToString());
  EXPECT_EQ("LogV2[Subscribe[clicks]]", s->Describe());
  auto start = s->InitialOffset();
  ASSERT_OK(start);
  EXPECT_EQ("{\"clicks\":{\"0\":0,\"1\":0}}", *start);
  auto end = s->LatestOffset(*start, NoLimit());
  ASSERT_OK(end);
  EXPECT_EQ("{\"clicks\":{\"0\":2,\"1\":1}}", *end);
  auto table = s->Read(*start, *end);
  ASSERT_OK(table);
  EXPECT_EQ(2, (*table)->NumPartitions());
  // Offset, partition and timestamp (projected, in the order asked for).
  EXPECT_EQ((Strings{"0 | 0 | 2024-01-01 00:00:00.001", "1 | 0 | 2024-01-01 00:00:00"}),
            testing::ReadPartition(**table, 0, {4, 3, 5}));
  EXPECT_EQ((Strings{"0 | clicks | 1"}), testing::ReadPartition(**table, 1, {6, 2, 3}));
  ASSERT_OK(s->Commit(*end));
  EXPECT_EQ(*end, *s->LatestOffset(*end, NoLimit()));  // nothing new

  // key and value declared as STRING, headers with includeHeaders.
  SchemaPtr declared =
      Columns({{"key", DataType::String()},
               {"value", DataType::String()},
               {"topic", DataType::String()},
               {"partition", DataType::Int32()},
               {"offset", DataType::Int64()},
               {"timestamp", DataType::Timestamp()},
               {"timestampType", DataType::Int32()},
               {"headers", DataType::Array(DataType::Struct(
                               {{"key", DataType::String()}, {"value", DataType::Binary()}}))}});
  stream::SourcePtr h = Source({{"topic", "clicks"}, {"includeHeaders", "true"}}, declared);
  ASSERT_NE(nullptr, h);
  EXPECT_EQ(*declared, *h->schema());
  auto t = h->Read(*start, *end);
  ASSERT_OK(t);
  Strings rows = testing::ReadPartition(**t, 0, {0, 1, 7});
  ASSERT_EQ(2u, rows.size());
  EXPECT_EQ("k1 | v1 | [{h, [78]}, {n, NULL}]", rows[0]);
  EXPECT_EQ("NULL | v2 | []", rows[1]);
  EXPECT_EQ((Strings{"k3 | NULL"}), testing::ReadPartition(**t, 1, {0, 1}));
}

TEST_F(LogConnectorTest, RowsOnlyProjectionCountsRecords) {
  CreateTopic("t", 1);
  Append("t", 0, {Rec("a", "1"), Rec("b", "2"), Rec("c", "3")});
  stream::SourcePtr s = Source({{"topic", "t"}});
  auto start = s->InitialOffset();
  auto end = s->LatestOffset(*start, NoLimit());
  auto table = s->Read(*start, *end);
  ASSERT_OK(table);
  auto reader = (*table)->Open(0, {});
  ASSERT_OK(reader);
  Batch b;
  int64_t rows = 0;
  while (*(*reader)->Next(&b)) rows += b.num_rows();
  EXPECT_EQ(3, rows);
}

TEST_F(LogConnectorTest, DeclaredColumnsWithoutFormatMustBeTheRawOnes) {
  CreateTopic("t", 1);
  auto made = registry_.MakeSource(
      "log", Ctx("src", {{"topic", "t"}}, Columns({{"host", DataType::String()}})));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(StatusCode::kInvalidOption, made.status().code());
  EXPECT_NE(std::string::npos, made.status().message().find("struct<host:string>"));
  EXPECT_NE(std::string::npos, made.status().message().find("struct<key:binary"));
  EXPECT_NE(std::string::npos, made.status().hint().find("format = 'json'"));
}

TEST_F(LogConnectorTest, OptionErrors) {
  auto missing = registry_.MakeSource("log", Ctx("src", {}));
  EXPECT_EQ(StatusCode::kInvalidOption, missing.status().code());
  auto no_topic = registry_.MakeSource("log", Ctx("src", {{"topic", "nope"}}));
  EXPECT_EQ(StatusCode::kNotFound, no_topic.status().code());
  EXPECT_NE(std::string::npos, no_topic.status().message().find("'nope'"));
  EXPECT_EQ("create it first: weir topic create nope", no_topic.status().hint());
  CreateTopic("t", 1);
  for (const testing::OptionList& bad :
       std::vector<testing::OptionList>{{{"topic", "t"}, {"maxOffsetsPerTrigger", "0"}},
                                        {{"topic", "t"}, {"isolation.level", "dirty"}},
                                        {{"topic", "t"}, {"failOnDataLoss", "maybe"}},
                                        {{"topic", "t"}, {"format", "avro"}},
                                        {{"topic", "a/b"}},
                                        {{"topic", "t"}, {"format", "json"}}}) {
    auto made = registry_.MakeSource("log", Ctx("src", bad));
    EXPECT_EQ(StatusCode::kInvalidOption, made.status().code()) << made.status();
  }
  // subscribe is Spark's name for it.
  EXPECT_NE(nullptr, Source({{"subscribe", "t"}}));
}

SchemaPtr HostBytes(bool corrupt = false) {
  std::vector<Field> f = {{"host", DataType::String()}, {"bytes", DataType::Int64()}};
  if (corrupt) f.push_back({"_corrupt_record", DataType::String()});
  return Columns(std::move(f));
}

TEST_F(LogConnectorTest, JsonValuesInEachMode) {
  CreateTopic("weblogs", 1);
  Append("weblogs", 0,
         {Rec(std::nullopt, R"({"host":"a","bytes":10})"), Rec(std::nullopt, "not json"),
          Rec(std::nullopt, std::nullopt), Rec(std::nullopt, R"({"host":"b","bytes":"x"})"),
          Rec(std::nullopt, R"({"host":"c"})")});

  Strings permissive = ReadTopic({{"topic", "weblogs"}, {"format", "json"}}, HostBytes(true));
  EXPECT_EQ((Strings{"a | 10 | NULL", "NULL | NULL | not json",
                     "b | NULL | {\"host\":\"b\",\"bytes\":\"x\"}", "c | NULL | NULL"}),
            permissive);

  stream::SourcePtr drop =
      Source({{"topic", "weblogs"}, {"format", "json"}, {"mode", "DROPMALFORMED"}}, HostBytes());
  auto start = drop->InitialOffset();
  auto end = drop->LatestOffset(*start, NoLimit());
  EXPECT_EQ((Strings{"a | 10", "c | NULL"}), ReadRows(drop.get(), *start, *end));
  EXPECT_EQ(2, drop->metrics().malformed_records);
  EXPECT_EQ(2, drop->metrics().dropped_records);

  stream::SourcePtr fail =
      Source({{"topic", "weblogs"}, {"format", "json"}, {"mode", "FAILFAST"}}, HostBytes());
  auto table = fail->Read(*start, *end);
  ASSERT_OK(table);
  Status st = testing::ReadError(**table);
  EXPECT_EQ(StatusCode::kInvalidInput, st.code());
  EXPECT_NE(std::string::npos, st.message().find("topic 'weblogs' partition 0 offset 1"))
      << st.message();
  EXPECT_NE(std::string::npos, st.message().find("MALFORMED_RECORD_IN_PARSING"));
}

TEST_F(LogConnectorTest, CsvValuesInEachMode) {
  CreateTopic("t", 1);
  Append("t", 0,
         {Rec(std::nullopt, "a,10"), Rec(std::nullopt, "b,ten"),
          Rec(std::nullopt, "\"multi\nline\",3")});
  EXPECT_EQ((Strings{"a | 10", "b | NULL", "multi\nline | 3"}),
            ReadTopic({{"topic", "t"}, {"format", "csv"}, {"multiLine", "true"}}, HostBytes()));
  stream::SourcePtr drop =
      Source({{"topic", "t"}, {"format", "csv"}, {"mode", "DROPMALFORMED"}}, HostBytes());
  auto start = drop->InitialOffset();
  auto end = drop->LatestOffset(*start, NoLimit());
  Strings rows = ReadRows(drop.get(), *start, *end);
  EXPECT_EQ("a | 10", rows.at(0));
  EXPECT_GE(drop->metrics().dropped_records, 1);
  EXPECT_EQ(drop->metrics().dropped_records, drop->metrics().malformed_records);
}

TEST_F(LogConnectorTest, StartingOffsets) {
  CreateTopic("t", 2);
  Append("t", 0, {Rec("a", "0"), Rec("a", "1"), Rec("a", "2")});
  Append("t", 1, {Rec("b", "0"), Rec("b", "1")});
  EXPECT_EQ("{\"t\":{\"0\":3,\"1\":2}}",
            *Source({{"topic", "t"}, {"startingOffsets", "latest"}})->InitialOffset());
  EXPECT_EQ("{\"t\":{\"0\":0,\"1\":0}}",
            *Source({{"topic", "t"}, {"startingOffsets", "EARLIEST"}})->InitialOffset());
  stream::SourcePtr s = Source({{"topic", "t"}, {"startingOffsets", R"({"t":{"0":1,"1":-1}})"}});
  auto start = s->InitialOffset();
  ASSERT_OK(start);
  EXPECT_EQ("{\"t\":{\"0\":1,\"1\":2}}", *start);
  EXPECT_EQ(
      "{\"t\":{\"0\":0,\"1\":2}}",
      *Source({{"topic", "t"}, {"startingOffsets", R"({"t":{"0":-2,"1":-1}})"}})->InitialOffset());
  for (const char* bad : {R"({"t":{"0":1}})", R"({"t":{"0":1,"1":0,"2":0}})",
                          R"({"t":{"0":9,"1":0}})", R"({"u":{"0":0,"1":0}})", "newest"}) {
    auto made = Source({{"topic", "t"}, {"startingOffsets", bad}});
    ASSERT_NE(nullptr, made);
    auto offset = made->InitialOffset();
    EXPECT_EQ(StatusCode::kInvalidOption, offset.status().code()) << bad << ": " << offset.status();
  }
  // Records written after a 'latest' start are read.
  stream::SourcePtr latest = Source({{"topic", "t"}, {"startingOffsets", "latest"}});
  auto from = latest->InitialOffset();
  Append("t", 1, {Rec("b", "new")});
  auto to = latest->LatestOffset(*from, NoLimit());
  auto table = latest->Read(*from, *to);
  ASSERT_OK(table);
  EXPECT_EQ((Strings{"2 | 1"}), testing::ReadPartition(**table, 1, {4, 3}));
  EXPECT_TRUE(testing::ReadPartition(**table, 0, {4}).empty());
}

TEST_F(LogConnectorTest, MaxOffsetsPerTrigger) {
  CreateTopic("t", 2);
  std::vector<log::Record> many;
  for (int i = 0; i < 90; ++i) many.push_back(Rec("a", std::to_string(i)));
  Append("t", 0, many);
  many.resize(10);
  Append("t", 1, many);
  stream::SourcePtr s = Source({{"topic", "t"}, {"maxOffsetsPerTrigger", "10"}});
  auto start = s->InitialOffset();
  auto end = s->LatestOffset(*start, NoLimit());
  EXPECT_EQ("{\"t\":{\"0\":9,\"1\":1}}", *end);
  auto next = s->LatestOffset(*end, NoLimit());
  EXPECT_EQ("{\"t\":{\"0\":18,\"1\":2}}", *next);
  EXPECT_EQ(20u, ReadRows(s.get(), *start, *next).size());
  // AvailableNow-like limits read everything.
  stream::ReadLimit all;
  all.all_available = true;
  EXPECT_EQ("{\"t\":{\"0\":90,\"1\":10}}", *s->LatestOffset(*start, all));
}

TEST_F(LogConnectorTest, AvailableNowStopsAtWhatWasThere) {
  CreateTopic("t", 1);
  Append("t", 0, {Rec("a", "1")});
  stream::SourcePtr s = Source({{"topic", "t"}});
  auto start = s->InitialOffset();
  ASSERT_OK(s->PrepareForAvailableNow());
  Append("t", 0, {Rec("a", "2")});
  EXPECT_EQ("{\"t\":{\"0\":1}}", *s->LatestOffset(*start, NoLimit()));
}

// A transactional writer: producer 7 at epoch 0, continuing its sequence.
class Txn {
 public:
  Txn(log::Partition* p, int64_t id) : p_(p), id_(id) {}
  void Write(std::vector<std::string> values) {
    std::vector<log::Record> records;
    for (auto& v : values) records.push_back(Rec(std::nullopt, v));
    log::BatchOptions o{
        .producer_id = id_, .producer_epoch = 0, .base_sequence = seq_, .transactional = true};
    ASSERT_OK(p_->Append(records, o));
    seq_ += static_cast<int32_t>(records.size());
  }
  void End(log::TransactionResult r) { ASSERT_OK(p_->EndTransaction(id_, 0, r)); }

 private:
  log::Partition* p_;
  int64_t id_;
  int32_t seq_ = 0;
};

TEST_F(LogConnectorTest, ReadCommittedSkipsAbortedAndStopsAtAnOpenTransaction) {
  CreateTopic("t", 1);
  auto writer = OpenWriter("t");
  log::Partition* p = *writer->GetPartition(0);
  Txn a(p, 7), b(p, 8);
  ASSERT_OK(p->Append(std::vector<log::Record>{Rec(std::nullopt, "plain")}));  // 0
  a.Write({"aborted-1", "aborted-2"});                                         // 1-2
  a.End(log::TransactionResult::kAbort);                                       // 3
  b.Write({"committed"});                                                      // 4
  b.End(log::TransactionResult::kCommit);                                      // 5
  a.Write({"open"});                                                           // 6
  ASSERT_OK(p->Append(std::vector<log::Record>{Rec(std::nullopt, "after")}));  // 7

  SchemaPtr kv = Columns({{"key", DataType::String()},
                          {"value", DataType::String()},
                          {"topic", DataType::String()},
                          {"partition", DataType::Int32()},
                          {"offset", DataType::Int64()},
                          {"timestamp", DataType::Timestamp()},
                          {"timestampType", DataType::Int32()}});
  stream::SourcePtr committed = Source({{"topic", "t"}}, kv);
  auto start = committed->InitialOffset();
  auto end = committed->LatestOffset(*start, NoLimit());
  EXPECT_EQ("{\"t\":{\"0\":6}}", *end);  // the open transaction's first offset
  auto table = committed->Read(*start, *end);
  EXPECT_EQ((Strings{"plain | 0", "committed | 4"}), testing::ReadPartition(**table, 0, {1, 4}));

  stream::SourcePtr dirty = Source({{"topic", "t"}, {"isolation.level", "read_uncommitted"}}, kv);
  auto dirty_end = dirty->LatestOffset(*start, NoLimit());
  EXPECT_EQ("{\"t\":{\"0\":8}}", *dirty_end);
  EXPECT_EQ((Strings{"plain", "aborted-1", "aborted-2", "committed", "open", "after"}),
            testing::ReadPartition(**dirty->Read(*start, *dirty_end), 0, {1}));

  // The open transaction commits: the rest becomes readable.
  a.End(log::TransactionResult::kCommit);  // 8
  auto later = committed->LatestOffset(*end, NoLimit());
  EXPECT_EQ("{\"t\":{\"0\":9}}", *later);
  EXPECT_EQ((Strings{"open", "after"}),
            testing::ReadPartition(**committed->Read(*end, *later), 0, {1}));
}

TEST_F(LogConnectorTest, SeesAConcurrentWritersAppendsAfterLatestOffset) {
  CreateTopic("t", 1);
  stream::SourcePtr s = Source({{"topic", "t"}});
  auto start = s->InitialOffset();
  EXPECT_EQ(*start, *s->LatestOffset(*start, NoLimit()));
  auto writer = OpenWriter("t");  // a writer beside the read-only source
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(writer->Append(0, std::vector<log::Record>{Rec("k", std::to_string(i))}));
    auto end = s->LatestOffset(*start, NoLimit());
    EXPECT_EQ("{\"t\":{\"0\":" + std::to_string(i + 1) + "}}", *end);
  }
  EXPECT_EQ(3u, ReadRows(s.get(), *start, *s->LatestOffset(*start, NoLimit())).size());
}

TEST_F(LogConnectorTest, RetentionDeletingDataWithFailOnDataLoss) {
  log::TopicConfig config;
  config.segment_bytes = 200;
  config.retention_bytes = 400;
  CreateTopic("t", 1, config);
  Append("t", 0, {Rec("k", "first")});
  stream::SourcePtr strict = Source({{"topic", "t"}});
  stream::SourcePtr lenient = Source({{"topic", "t"}, {"failOnDataLoss", "false"}});
  auto start = strict->InitialOffset();
  EXPECT_EQ("{\"t\":{\"0\":0}}", *start);
  {
    auto writer = OpenWriter("t");
    for (int i = 0; i < 20; ++i) {
      ASSERT_OK(writer->Append(0, std::vector<log::Record>{Rec("k", std::string(60, 'x'))}));
    }
  }
  auto end = strict->LatestOffset(*start, NoLimit());
  ASSERT_OK(end);
  EXPECT_EQ("{\"t\":{\"0\":21}}", *end);
  auto table = strict->Read(*start, *end);
  ASSERT_OK(table);
  Status st = testing::ReadError(**table);
  EXPECT_EQ(StatusCode::kInvalidInput, st.code());
  EXPECT_NE(std::string::npos, st.message().find("topic 't' partition 0 no longer holds offsets 0"))
      << st.message();
  EXPECT_NE(std::string::npos, st.hint().find("failOnDataLoss"));

  auto lenient_end = lenient->LatestOffset(*start, NoLimit());
  ASSERT_OK(lenient_end);
  Strings rows = ReadRows(lenient.get(), *start, *lenient_end);
  EXPECT_LT(rows.size(), 21u);
  EXPECT_GT(rows.size(), 0u);
  EXPECT_EQ(0, lenient->metrics().malformed_records);
}

}  // namespace
}  // namespace weir::connectors
