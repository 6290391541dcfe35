// The memory source and sink (Spark 3.5's MemoryStream and MemorySink, memory.scala):
// batch-count offsets over a LocalTables buffer; a sink that keeps every row, replaces
// them in Complete mode, ignores replayed epochs and publishes its table by name.

#include <gtest/gtest.h>

#include "tests/unit/connectors/basic_connectors_test_util.h"

namespace weir::connectors {
namespace {

using testing::Context;
using testing::MakeBatch;
using testing::ReadAll;
using testing::Strings;

SchemaPtr IdName() {
  return MakeSchema({Field{"id", DataType::Int64()}, Field{"name", DataType::String()}});
}

Batch Rows(std::initializer_list<std::pair<int64_t, const char*>> rows) {
  std::vector<std::vector<Value>> values;
  for (const auto& [id, name] : rows) {
    values.push_back({Value::Int64(id),
                      name == nullptr ? Value::Null(DataType::String()) : Value::String(name)});
  }
  return MakeBatch(IdName(), values);
}

class MemoryTest : public ::testing::Test {
 protected:
  Result<stream::SourcePtr> Source(SchemaPtr schema, std::string name = "events") {
    stream::ConnectorContext ctx =
        Context(std::move(name), {{"connector", "memory"}}, nullptr, nullptr, &tables_);
    ctx.schema = std::move(schema);
    return registry_.MakeSource("memory", ctx);
  }
  Result<stream::SinkPtr> Sink(std::string query_name, testing::OptionList options = {},
                               SchemaPtr declared = nullptr) {
    options.emplace_back("connector", "memory");
    stream::ConnectorContext ctx = Context("out", options, nullptr, nullptr, &tables_);
    ctx.query_name = std::move(query_name);
    ctx.schema = std::move(declared);
    return registry_.MakeSink("memory", ctx);
  }
  Strings Published(std::string_view name) {
    plan::TableProviderPtr t = tables_.GetResult(name);
    EXPECT_NE(t, nullptr) << name;
    return t == nullptr ? Strings{} : ReadAll(*t);
  }

  stream::ConnectorRegistry registry_ = testing::Registry();
  stream::LocalTables tables_;
};

TEST_F(MemoryTest, SourceNeedsDeclaredColumns) {
  auto s = Source(nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidOption);
  EXPECT_NE(s.status().message().find("memory source `events`"), std::string::npos);
  EXPECT_NE(s.status().hint().find("CREATE SOURCE events"), std::string::npos);
}

TEST_F(MemoryTest, SourceOffsetsCountBatches) {
  auto made = Source(IdName());
  ASSERT_TRUE(made.ok()) << made.status();
  stream::SourcePtr s = *made;
  EXPECT_EQ(s->Describe(), "MemoryStream[id,name]");
  EXPECT_EQ(*s->InitialOffset(), "{\"batches\":0}");
  EXPECT_EQ(*s->LatestOffset("{\"batches\":0}", {}), "{\"batches\":0}");

  auto buffer = tables_.FindInput("EVENTS");  // names are case-insensitive
  ASSERT_NE(buffer, nullptr);
  ASSERT_TRUE(buffer->Append(Rows({{1, "a"}, {2, "b"}})).ok());
  ASSERT_TRUE(buffer->Append(Rows({{3, nullptr}})).ok());
  EXPECT_EQ(*s->LatestOffset("{\"batches\":0}", {}), "{\"batches\":2}");

  auto t = s->Read("{\"batches\":0}", "{\"batches\":2}");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->NumPartitions(), 2);
  EXPECT_EQ(ReadAll(**t), Strings({"1 | a", "2 | b", "3 | NULL"}));
  t = s->Read("{\"batches\":1}", "{\"batches\":2}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ReadAll(**t), Strings({"3 | NULL"}));
  t = s->Read("{\"batches\":2}", "{\"batches\":2}");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(ReadAll(**t).empty());
  // Past the end, backwards, malformed: errors.
  EXPECT_FALSE(s->Read("{\"batches\":0}", "{\"batches\":3}").ok());
  EXPECT_FALSE(s->Read("{\"batches\":2}", "{\"batches\":1}").ok());
  EXPECT_FALSE(s->Read("{\"batches\":-1}", "{\"batches\":1}").ok());
  EXPECT_FALSE(s->LatestOffset("{\"lines\":0}", {}).ok());
  EXPECT_TRUE(s->Commit("{\"batches\":2}").ok());
}

TEST_F(MemoryTest, SourcePartitionsAreCapped) {
  stream::SourcePtr s = *Source(IdName());
  auto buffer = tables_.FindInput("events");
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(buffer->Append(Rows({{i, "x"}})).ok());
  auto t = s->Read("{\"batches\":0}", "{\"batches\":100}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->NumPartitions(), 64);
  EXPECT_EQ(ReadAll(**t).size(), 100u);
}

TEST_F(MemoryTest, SourceAvailableNow) {
  stream::SourcePtr s = *Source(IdName());
  auto buffer = tables_.FindInput("events");
  ASSERT_TRUE(buffer->Append(Rows({{1, "a"}})).ok());
  ASSERT_TRUE(s->PrepareForAvailableNow().ok());
  ASSERT_TRUE(buffer->Append(Rows({{2, "b"}})).ok());
  EXPECT_EQ(*s->LatestOffset("{\"batches\":0}", {}), "{\"batches\":1}");
}

TEST_F(MemoryTest, SourceSchemaMustMatchTheBuffer) {
  ASSERT_TRUE(Source(IdName()).ok());
  auto other = Source(MakeSchema({Field{"id", DataType::Int32()}}));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidOption);
}

TEST_F(MemoryTest, SinkAppendsAndIgnoresReplayedEpochs) {
  auto made = Sink("results");
  ASSERT_TRUE(made.ok()) << made.status();
  stream::SinkPtr sink = *made;
  EXPECT_EQ(sink->Describe(), "MemorySink");
  EXPECT_EQ(sink->delivery(), stream::Delivery::kExactlyOnce);
  EXPECT_EQ(tables_.GetResult("results"), nullptr);  // columns unknown until epoch 0

  ASSERT_TRUE(sink->AddBatch(0, IdName(), {Rows({{1, "a"}})}, stream::OutputMode::kAppend).ok());
  plan::TableProviderPtr after0 = tables_.GetResult("results");
  ASSERT_TRUE(
      sink->AddBatch(1, IdName(), {Rows({{2, "b"}}), Rows({{3, "c"}})}, stream::OutputMode::kAppend)
          .ok());
  EXPECT_EQ(Published("results"), Strings({"1 | a", "2 | b", "3 | c"}));
  // A replay of epoch 1 (or older) after a crash changes nothing.
  ASSERT_TRUE(
      sink->AddBatch(1, IdName(), {Rows({{2, "b"}}), Rows({{3, "c"}})}, stream::OutputMode::kAppend)
          .ok());
  ASSERT_TRUE(sink->AddBatch(0, IdName(), {Rows({{1, "a"}})}, stream::OutputMode::kAppend).ok());
  EXPECT_EQ(Published("RESULTS"), Strings({"1 | a", "2 | b", "3 | c"}));
  // Published tables are snapshots.
  EXPECT_EQ(ReadAll(*after0), Strings({"1 | a"}));
  // Update mode appends too (Spark's MemorySink).
  ASSERT_TRUE(sink->AddBatch(2, IdName(), {Rows({{1, "z"}})}, stream::OutputMode::kUpdate).ok());
  EXPECT_EQ(Published("results").size(), 4u);
  // Projection and rows-only reads of the published table.
  plan::TableProviderPtr t = tables_.GetResult("results");
  EXPECT_EQ(testing::ReadPartition(*t, 0, {1}), Strings({"a", "b", "c", "z"}));
  EXPECT_FALSE(t->Open(1, {0}).ok());
}

TEST_F(MemoryTest, SinkCompleteModeReplaces) {
  stream::SinkPtr sink = *Sink("counts");
  ASSERT_TRUE(
      sink->AddBatch(0, IdName(), {Rows({{1, "a"}, {2, "b"}})}, stream::OutputMode::kComplete)
          .ok());
  ASSERT_TRUE(sink->AddBatch(1, IdName(), {Rows({{1, "aa"}})}, stream::OutputMode::kComplete).ok());
  EXPECT_EQ(Published("counts"), Strings({"1 | aa"}));
  ASSERT_TRUE(sink->AddBatch(2, IdName(), {}, stream::OutputMode::kComplete).ok());
  EXPECT_TRUE(Published("counts").empty());
}

TEST_F(MemoryTest, SinkNameAndDeclaredColumns) {
  // The query name wins; then the queryName option; then the sink's own name.
  ASSERT_TRUE(Sink("", {{"queryName", "named"}}, IdName()).ok());
  EXPECT_NE(tables_.GetResult("named"), nullptr);  // published empty at once
  EXPECT_TRUE(Published("named").empty());
  ASSERT_TRUE(Sink("").ok());
  stream::SinkPtr sink = *Sink("");
  ASSERT_TRUE(sink->AddBatch(0, IdName(), {Rows({{1, "a"}})}, stream::OutputMode::kAppend).ok());
  EXPECT_EQ(Published("out"), Strings({"1 | a"}));
  // Rows of another shape are refused.
  SchemaPtr one = MakeSchema({Field{"id", DataType::Int64()}});
  Status st =
      sink->AddBatch(1, one, {MakeBatch(one, {{Value::Int64(1)}})}, stream::OutputMode::kAppend);
  EXPECT_FALSE(st.ok());
  st = sink->AddBatch(1, IdName(), {MakeBatch(one, {{Value::Int64(1)}})},
                      stream::OutputMode::kAppend);
  EXPECT_FALSE(st.ok());
}

TEST_F(MemoryTest, SinkKeepsOrderOverManyEpochs) {
  stream::SinkPtr sink = *Sink("many");
  Strings expected;
  for (int64_t e = 0; e < 700; ++e) {
    ASSERT_TRUE(sink->AddBatch(e, IdName(), {Rows({{e, "r"}}), Batch::MakeEmpty(IdName())},
                               stream::OutputMode::kAppend)
                    .ok());
    expected.push_back(std::to_string(e) + " | r");
  }
  EXPECT_EQ(Published("many"), expected);
}

}  // namespace
}  // namespace weir::connectors
