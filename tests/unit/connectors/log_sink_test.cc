// The `log` sink driven through the Sink interface, read back with the log source:
// round trips in each value format, key placement, replayed epochs written once, a
// checkpoint reset refused, at-least-once delivery, and crashes between the append
// and the commit (FaultInjectionEnv) leaving exactly one visible copy of the epoch.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/fault_injection_env.h"
#include "weir/connectors/log_sink_internal.h"
#include "weir/log/partitioner.h"
#include "weir/log/topic.h"

#include "log_connector_test_util.h"

namespace weir::connectors {
namespace {

using testing::Columns;
using testing::LogConnectorTest;
using testing::MakeBatch;
using testing::Strings;

SchemaPtr UserHits() {
  return Columns(
      {{"key", DataType::String()}, {"user", DataType::String()}, {"hits", DataType::Int64()}});
}

std::vector<Batch> Rows(std::vector<std::pair<std::string, int64_t>> rows) {
  std::vector<std::vector<Value>> values;
  for (auto& [user, hits] : rows) {
    values.push_back({Value::String(user), Value::String(user), Value::Int64(hits)});
  }
  return {MakeBatch(UserHits(), values)};
}

SchemaPtr KeyValue() {
  return Columns({{"key", DataType::String()},
                  {"value", DataType::String()},
                  {"topic", DataType::String()},
                  {"partition", DataType::Int32()},
                  {"offset", DataType::Int64()},
                  {"timestamp", DataType::Timestamp()},
                  {"timestampType", DataType::Int32()}});
}

// "key=value" of every record a read-committed reader sees, partition after partition.
class LogSinkTest : public LogConnectorTest {
 protected:
  Strings Committed(const std::string& topic = "out") {
    Strings out;
    for (const std::string& row : ReadTopic({{"topic", topic}}, KeyValue())) {
      // key | value | topic | ... : keep key and value.
      const size_t a = row.find(" | ");
      const size_t b = row.find(" | ", a + 3);
      out.push_back(row.substr(0, a) + "=" + row.substr(a + 3, b - a - 3));
    }
    return out;
  }

  static Status Add(stream::Sink* sink, int64_t epoch, const std::vector<Batch>& batches) {
    return sink->AddBatch(epoch, batches.empty() ? UserHits() : batches[0].schema(), batches,
                          stream::OutputMode::kAppend);
  }
};

TEST(LogSinkIdTest, ProducerIdIsStableAndDistinct) {
  EXPECT_EQ(LogSinkProducerId("q", "t"), LogSinkProducerId("q", "t"));
  EXPECT_NE(LogSinkProducerId("q", "t"), LogSinkProducerId("q", "u"));
  EXPECT_NE(LogSinkProducerId("qt", ""), LogSinkProducerId("q", "t"));
  EXPECT_GE(LogSinkProducerId("q", "t"), 0);
  log::Record r;
  r.headers = {{"a", "1"}, {"weir.epoch", "42"}};
  EXPECT_EQ(42, RecordEpoch(r));
  r.headers = {{"weir.epoch", "4x"}};
  EXPECT_EQ(std::nullopt, RecordEpoch(r));
}

TEST_F(LogSinkTest, JsonRoundTripWithKeysPlacedByMurmur2) {
  CreateTopic("out", 3);
  stream::SinkPtr sink = Sink({{"topic", "out"}});
  ASSERT_NE(nullptr, sink);
  EXPECT_EQ("LogSink[out]", sink->Describe());
  EXPECT_EQ(stream::Delivery::kExactlyOnce, sink->delivery());
  ASSERT_OK(Add(sink.get(), 0, Rows({{"ann", 1}, {"bob", 2}, {"cy", 3}})));

  // Read back with a format: the key column went into the record key, not the value.
  stream::SourcePtr src =
      Source({{"topic", "out"}, {"format", "json"}}, Columns({{"user", DataType::String()},
                                                              {"hits", DataType::Int64()},
                                                              {"key", DataType::String()}}));
  auto start = src->InitialOffset();
  auto end = src->LatestOffset(*start, stream::ReadLimit{});
  auto table = src->Read(*start, *end);
  ASSERT_OK(table);
  for (const char* user : {"ann", "bob", "cy"}) {
    const int p = log::PartitionForKey(user, 3);
    Strings rows = testing::ReadPartition(**table, p);
    EXPECT_NE(rows.end(), std::find(rows.begin(), rows.end(),
                                    std::string(user) + " | " +
                                        std::to_string(user[0] == 'a'   ? 1
                                                       : user[0] == 'b' ? 2
                                                                        : 3) +
                                        " | NULL"))
        << user << " in partition " << p;
  }
  Strings all = Committed();
  std::sort(all.begin(), all.end());
  EXPECT_EQ((Strings{"ann={\"user\":\"ann\",\"hits\":1}", "bob={\"user\":\"bob\",\"hits\":2}",
                     "cy={\"user\":\"cy\",\"hits\":3}"}),
            all);

  // Every record carries its epoch.
  stream::SourcePtr raw = Source({{"topic", "out"}, {"includeHeaders", "true"}});
  auto t = raw->Read(*start, *end);
  for (const std::string& row : testing::ReadAll(**t)) {
    EXPECT_NE(std::string::npos, row.find("{weir.epoch, [30]}")) << row;
  }
}

TEST_F(LogSinkTest, CsvAndRawValues) {
  CreateTopic("out", 1);
  stream::SinkPtr csv = Sink({{"topic", "out"}, {"format", "csv"}});
  ASSERT_OK(Add(csv.get(), 0, Rows({{"a,b", 1}})));
  EXPECT_EQ((Strings{"a,b=\"a,b\",1"}), Committed());

  CreateTopic("raw", 1);
  stream::SinkPtr raw = Sink({{"topic", "raw"}, {"format", "raw"}});
  SchemaPtr kv = Columns({{"value", DataType::Binary()}, {"key", DataType::String()}});
  std::vector<Batch> batches = {
      MakeBatch(kv, {{Value::Binary("v1"), Value::String("k1")},
                     {Value::Null(DataType::Binary()), Value::Null(DataType::String())}})};
  ASSERT_OK(raw->AddBatch(0, kv, batches, stream::OutputMode::kUpdate));
  EXPECT_EQ((Strings{"k1=v1", "NULL=NULL"}), Committed("raw"));

  // raw needs a value column and nothing else to put in it.
  Status st = raw->AddBatch(1, UserHits(), Rows({{"x", 1}}), stream::OutputMode::kAppend);
  EXPECT_EQ(StatusCode::kInvalidOption, st.code());
  EXPECT_NE(std::string::npos, st.message().find("`value`"));
}

TEST_F(LogSinkTest, KeylessRowsOfAnEpochGoToOnePartitionRoundRobin) {
  CreateTopic("out", 3);
  stream::SinkPtr sink = Sink({{"topic", "out"}});
  SchemaPtr v = Columns({{"n", DataType::Int64()}});
  for (int64_t epoch = 0; epoch < 4; ++epoch) {
    std::vector<Batch> b = {MakeBatch(v, {{Value::Int64(epoch)}, {Value::Int64(epoch)}})};
    ASSERT_OK(sink->AddBatch(epoch, v, b, stream::OutputMode::kAppend));
  }
  log::LogStore store(env(), kDataDir);
  auto d = store.DescribeTopic("out");
  ASSERT_OK(d);
  // Epochs 0 and 3 in partition 0, 1 in 1, 2 in 2: two records and a marker each.
  EXPECT_EQ(6, d->partitions[0].end_offset);
  EXPECT_EQ(3, d->partitions[1].end_offset);
  EXPECT_EQ(3, d->partitions[2].end_offset);
}

TEST_F(LogSinkTest, AReplayedEpochIsWrittenOnce) {
  CreateTopic("out", 2);
  {
    stream::SinkPtr sink = Sink({{"topic", "out"}});
    ASSERT_OK(Add(sink.get(), 0, Rows({{"ann", 1}, {"bob", 1}})));
    ASSERT_OK(Add(sink.get(), 1, Rows({{"ann", 2}})));
    ASSERT_OK(Add(sink.get(), 1, Rows({{"ann", 2}})));  // the same instance
  }
  // A new instance (a restarted query) replays epoch 1, then goes on.
  stream::SinkPtr again = Sink({{"topic", "out"}});
  ASSERT_OK(Add(again.get(), 1, Rows({{"ann", 2}})));
  Strings rows = Committed();
  EXPECT_EQ(3u, rows.size());
  ASSERT_OK(Add(again.get(), 2, Rows({{"ann", 3}, {"bob", 3}})));
  EXPECT_EQ(5u, Committed().size());

  again.reset();  // one writer per partition: the query stops first
  // An epoch below the last one written is a reset checkpoint, not a replay.
  stream::SinkPtr reset = Sink({{"topic", "out"}});
  Status st = Add(reset.get(), 0, Rows({{"ann", 1}}));
  EXPECT_EQ(StatusCode::kInvalidInput, st.code());
  EXPECT_NE(std::string::npos, st.message().find("already holds epoch 2")) << st.message();
  EXPECT_NE(std::string::npos, st.hint().find("new name"));
  // Another query name is another producer, free to start at 0.
  stream::ConnectorContext ctx = Ctx("out", {{"topic", "out"}});
  ctx.query_name = "q2";
  reset.reset();
  auto other = registry_.MakeSink("log", ctx);
  ASSERT_OK(other);
  ASSERT_OK(Add(other->get(), 0, Rows({{"ann", 9}})));
  EXPECT_EQ(6u, Committed().size());
}

TEST_F(LogSinkTest, AtLeastOnceWritesAReplayAgain) {
  CreateTopic("out", 1);
  stream::SinkPtr sink = Sink({{"topic", "out"}, {"delivery", "at-least-once"}});
  EXPECT_EQ(stream::Delivery::kAtLeastOnce, sink->delivery());
  ASSERT_OK(Add(sink.get(), 0, Rows({{"ann", 1}})));
  ASSERT_OK(Add(sink.get(), 0, Rows({{"ann", 1}})));
  EXPECT_EQ(2u, Committed().size());
}

TEST_F(LogSinkTest, OptionErrors) {
  EXPECT_EQ(StatusCode::kInvalidOption, registry_.MakeSink("log", Ctx("o", {})).status().code());
  for (const testing::OptionList& bad :
       std::vector<testing::OptionList>{{{"topic", "out"}, {"format", "avro"}},
                                        {{"topic", "out"}, {"delivery", "twice"}},
                                        {{"topic", "out"}, {"sep", "ab"}}}) {
    EXPECT_EQ(StatusCode::kInvalidOption, registry_.MakeSink("log", Ctx("o", bad)).status().code());
  }
  stream::SinkPtr missing = Sink({{"topic", "nope"}});
  Status st = Add(missing.get(), 0, Rows({{"a", 1}}));
  EXPECT_EQ(StatusCode::kNotFound, st.code());
  EXPECT_EQ("create it first: weir topic create nope", st.hint());
}

// A crash in the middle of an epoch: the data is appended (and synced), the commit
// marker's append fails, the machine loses power, and a new sink instance replays the
// epoch. Read-committed readers see exactly one copy, and nothing before the replay.
TEST_F(LogSinkTest, CrashBetweenAppendAndCommitLeavesOneCopyAfterTheReplay) {
  FaultInjectionEnv faulty(mem_.get());
  env_override_ = &faulty;
  CreateTopic("out", 1);
  stream::SinkPtr sink = Sink({{"topic", "out"}});
  ASSERT_OK(Add(sink.get(), 0, Rows({{"ann", 1}})));
  // Epoch 1: the data batch's append passes, the marker's fails.
  faulty.InjectFault(FaultRule{.op = FaultOp::kAppend, .path_substring = ".log", .skip = 1});
  Status st = Add(sink.get(), 1, Rows({{"ann", 2}, {"bob", 2}}));
  EXPECT_FALSE(st.ok());
  ASSERT_OK(faulty.SimulatePowerLoss());
  sink.reset();  // the process dies: its locks go
  faulty.ClearFaults();

  // The open transaction blocks read-committed readers at its first offset.
  EXPECT_EQ((Strings{"ann={\"user\":\"ann\",\"hits\":1}"}), Committed());
  stream::SinkPtr restarted = Sink({{"topic", "out"}});
  ASSERT_OK(Add(restarted.get(), 1, Rows({{"ann", 2}, {"bob", 2}})));
  EXPECT_EQ((Strings{"ann={\"user\":\"ann\",\"hits\":1}", "ann={\"user\":\"ann\",\"hits\":2}",
                     "bob={\"user\":\"bob\",\"hits\":2}"}),
            Committed());
  // read_uncommitted shows the aborted attempt too.
  EXPECT_EQ(5u, ReadTopic({{"topic", "out"}, {"isolation.level", "read_uncommitted"}}).size());
}

// A crash after the commit, before the query's checkpoint recorded the epoch: the
// replay is recognized from the log and skipped.
TEST_F(LogSinkTest, CrashAfterCommitSkipsTheReplay) {
  FaultInjectionEnv faulty(mem_.get());
  env_override_ = &faulty;
  CreateTopic("out", 2);
  stream::SinkPtr sink = Sink({{"topic", "out"}});
  ASSERT_OK(Add(sink.get(), 0, Rows({{"ann", 1}, {"bob", 1}})));
  ASSERT_OK(Add(sink.get(), 1, Rows({{"ann", 2}, {"bob", 2}})));
  ASSERT_OK(faulty.SimulatePowerLoss());
  sink.reset();
  stream::SinkPtr restarted = Sink({{"topic", "out"}});
  ASSERT_OK(Add(restarted.get(), 1, Rows({{"ann", 2}, {"bob", 2}})));
  EXPECT_EQ(4u, Committed().size());
}

// Every way the epoch's writes can fail, at every step: after the power loss and a
// replay by a new instance, the epoch is there exactly once.
TEST_F(LogSinkTest, InjectedErrorAtEveryStepThenReplayGivesOneCopy) {
  for (FaultOp op : {FaultOp::kAppend, FaultOp::kSync}) {
    for (int skip = 0; skip < 8; ++skip) {
      SCOPED_TRACE(std::string(FaultOpName(op)) + " skip " + std::to_string(skip));
      mem_ = NewMemEnv(&clock_);
      FaultInjectionEnv faulty(mem_.get());
      env_override_ = &faulty;
      CreateTopic("out", 2);
      {
        stream::SinkPtr sink = Sink({{"topic", "out"}});
        ASSERT_OK(Add(sink.get(), 0, Rows({{"ann", 1}, {"bob", 1}})));
        faulty.InjectFault(
            FaultRule{.op = op, .path_substring = "/data/topics/out/", .skip = skip});
        Status st = Add(sink.get(), 1, Rows({{"ann", 2}, {"bob", 2}, {"cy", 2}}));
        ASSERT_OK(faulty.SimulatePowerLoss());
        faulty.ClearFaults();
      }
      stream::SinkPtr restarted = Sink({{"topic", "out"}});
      ASSERT_OK(Add(restarted.get(), 1, Rows({{"ann", 2}, {"bob", 2}, {"cy", 2}})));
      ASSERT_OK(Add(restarted.get(), 2, Rows({{"dee", 3}})));
      Strings rows = Committed();
      std::sort(rows.begin(), rows.end());
      EXPECT_EQ((Strings{"ann={\"user\":\"ann\",\"hits\":1}", "ann={\"user\":\"ann\",\"hits\":2}",
                         "bob={\"user\":\"bob\",\"hits\":1}", "bob={\"user\":\"bob\",\"hits\":2}",
                         "cy={\"user\":\"cy\",\"hits\":2}", "dee={\"user\":\"dee\",\"hits\":3}"}),
                rows);
      restarted.reset();
      env_override_ = nullptr;
    }
  }
}

}  // namespace
}  // namespace weir::connectors
