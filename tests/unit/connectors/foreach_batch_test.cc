// foreachBatch: the function sees every epoch's id, schema and batches; its errors
// (and exceptions) fail the epoch; the sink reports at-least-once delivery.

#include <stdexcept>

#include <gtest/gtest.h>

#include "tests/unit/connectors/basic_connectors_test_util.h"

namespace weir::connectors {
namespace {

using testing::MakeBatch;

TEST(ForeachBatch, CallsTheFunctionPerEpoch) {
  SchemaPtr schema = MakeSchema({Field{"v", DataType::Int64()}});
  std::vector<std::pair<int64_t, int64_t>> seen;  // epoch, rows
  stream::SinkPtr sink = MakeForeachBatchSink(
      [&](int64_t epoch, const SchemaPtr& s, const std::vector<Batch>& batches) {
        EXPECT_EQ(*s, *schema);
        int64_t rows = 0;
        for (const Batch& b : batches) rows += b.num_rows();
        seen.emplace_back(epoch, rows);
        return Status::OK();
      });
  EXPECT_EQ(sink->delivery(), stream::Delivery::kAtLeastOnce);
  EXPECT_EQ(sink->Describe(), "ForeachBatchSink");
  Batch two = MakeBatch(schema, {{Value::Int64(1)}, {Value::Int64(2)}});
  ASSERT_TRUE(sink->AddBatch(0, schema, {two}, stream::OutputMode::kAppend).ok());
  ASSERT_TRUE(sink->AddBatch(1, schema, {}, stream::OutputMode::kAppend).ok());
  ASSERT_TRUE(sink->AddBatch(1, schema, {two, two}, stream::OutputMode::kAppend).ok());
  EXPECT_EQ(seen, (std::vector<std::pair<int64_t, int64_t>>{{0, 2}, {1, 0}, {1, 4}}));
  sink->Stop();
}

TEST(ForeachBatch, ErrorsAndExceptionsFailTheEpoch) {
  SchemaPtr schema = MakeSchema({Field{"v", DataType::Int64()}});
  stream::SinkPtr failing =
      MakeForeachBatchSink([](int64_t, const SchemaPtr&, const std::vector<Batch>&) {
        return Status::IoError("disk full");
      });
  EXPECT_EQ(failing->AddBatch(0, schema, {}, stream::OutputMode::kAppend).message(), "disk full");
  stream::SinkPtr throwing =
      MakeForeachBatchSink([](int64_t, const SchemaPtr&, const std::vector<Batch>&) -> Status {
        throw std::runtime_error("boom");
      });
  Status st = throwing->AddBatch(4, schema, {}, stream::OutputMode::kAppend);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("boom"), std::string::npos);
  EXPECT_NE(st.message().find("epoch 4"), std::string::npos);
  EXPECT_FALSE(
      MakeForeachBatchSink(nullptr)->AddBatch(0, schema, {}, stream::OutputMode::kAppend).ok());
}

}  // namespace
}  // namespace weir::connectors
