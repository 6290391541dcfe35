// Trigger text (a sink's `trigger` option), output modes and connector options.

#include "weir/stream/trigger.h"

#include <gtest/gtest.h>

#include "weir/stream/connector_registry.h"
#include "weir/stream/sink.h"

namespace weir::stream {
namespace {

Trigger Parse(std::string_view text) {
  auto t = ParseTrigger(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
  return t.ok() ? *t : Trigger{};
}

TEST(TriggerTest, ParsesEveryForm) {
  EXPECT_EQ(Parse("default").kind, Trigger::Kind::kDefault);
  EXPECT_EQ(Parse("Once").kind, Trigger::Kind::kOnce);
  EXPECT_EQ(Parse("available-now").kind, Trigger::Kind::kAvailableNow);
  EXPECT_EQ(Parse("availableNow").kind, Trigger::Kind::kAvailableNow);
  EXPECT_EQ(Parse("AVAILABLE_NOW").kind, Trigger::Kind::kAvailableNow);
  Trigger t = Parse("processing-time 10 seconds");
  EXPECT_EQ(t.kind, Trigger::Kind::kProcessingTime);
  EXPECT_EQ(t.interval_micros, 10'000'000);
  EXPECT_EQ(Parse("10 seconds").interval_micros, 10'000'000);
  EXPECT_EQ(Parse("500ms").interval_micros, 500'000);
  EXPECT_EQ(Parse("1 minute").interval_micros, 60'000'000);
  EXPECT_EQ(Parse("2h").interval_micros, 7'200'000'000);
  EXPECT_EQ(Parse("ProcessingTime('1.5 s')").interval_micros, 1'500'000);
  EXPECT_EQ(Parse("interval 3 minutes").interval_micros, 180'000'000);
  EXPECT_EQ(Parse("250").interval_micros, 250'000);  // bare number: milliseconds
}

TEST(TriggerTest, RejectsNonsenseWithAHint) {
  for (const char* bad : {"sometimes", "10 fortnights", "ten seconds", "1..2s", "-5s"}) {
    auto t = ParseTrigger(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidOption);
    EXPECT_NE(t.status().message().find(bad), std::string::npos) << t.status().ToString();
    EXPECT_FALSE(t.status().hint().empty());
  }
}

TEST(TriggerTest, ToString) {
  EXPECT_EQ(Trigger::Default().ToString(), "Default");
  EXPECT_EQ(Trigger::ProcessingTime(10'000'000).ToString(), "ProcessingTime(10000ms)");
  EXPECT_EQ(Trigger::Once().ToString(), "Once");
  EXPECT_EQ(Trigger::AvailableNow().ToString(), "AvailableNow");
}

TEST(OutputModeTest, ParseAndName) {
  EXPECT_EQ(*ParseOutputMode("append"), OutputMode::kAppend);
  EXPECT_EQ(*ParseOutputMode("UPDATE"), OutputMode::kUpdate);
  EXPECT_EQ(*ParseOutputMode("Complete"), OutputMode::kComplete);
  EXPECT_EQ(OutputModeName(OutputMode::kUpdate), "Update");
  auto bad = ParseOutputMode("upsert");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidOption);
  EXPECT_NE(bad.status().message().find("upsert"), std::string::npos);
}

TEST(OptionsTest, KeysAreCaseInsensitiveAndTypedGettersNameTheOption) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  Options o(Pairs{{"connector", "rate"},
                  {"rowsPerSecond", "10"},
                  {"Fail", "TRUE"},
                  {"rampUpTime", "5 seconds"},
                  {"bad", "x1"}});
  EXPECT_TRUE(o.Has("ROWSPERSECOND"));
  EXPECT_EQ(o.Get("rowspersecond"), "10");
  EXPECT_EQ(o.Get("missing", "dflt"), "dflt");
  EXPECT_EQ(*o.GetInt("rowsPerSecond", 1), 10);
  EXPECT_EQ(*o.GetInt("missing", 7), 7);
  EXPECT_TRUE(*o.GetBool("fail", false));
  EXPECT_EQ(*o.GetDurationMicros("rampUpTime", 0), 5'000'000);
  auto bad = o.GetInt("bad", 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "Invalid value 'x1' for option 'bad' of connector 'rate': not an integer");
  EXPECT_FALSE(o.GetBool("bad", false).ok());
  EXPECT_FALSE(o.GetDurationMicros("bad", 0).ok());
  Options big(Pairs{{"n", "99999999999999999999"}});
  EXPECT_NE(big.GetInt("n", 0).status().message().find("out of the range"), std::string::npos);
}

class NullSink final : public Sink {
 public:
  std::string Describe() const override { return "NullSink"; }
  Status AddBatch(int64_t, const SchemaPtr&, const std::vector<Batch>&, OutputMode) override {
    return Status::OK();
  }
};

TEST(ConnectorRegistryTest, FindsConnectorsCaseInsensitivelyAndListsKnownOnes) {
  ConnectorRegistry registry;
  registry.RegisterSink("Null", [](const ConnectorContext&) -> Result<SinkPtr> {
    return SinkPtr(std::make_shared<NullSink>());
  });
  ConnectorContext ctx;
  auto sink = registry.MakeSink("null", ctx);
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ((*sink)->Describe(), "NullSink");
  EXPECT_EQ(registry.SinkNames(), std::vector<std::string>{"null"});
  auto missing = registry.MakeSink("kafka", ctx);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidOption);
  EXPECT_NE(missing.status().message().find("[UNKNOWN_CONNECTOR]"), std::string::npos);
  EXPECT_NE(missing.status().message().find("kafka"), std::string::npos);
  EXPECT_EQ(missing.status().hint(), "the sink connectors are: null");
  auto close = registry.MakeSink("nul", ctx);
  EXPECT_EQ(close.status().hint(), "did you mean 'null'? The sink connectors are: null");
  EXPECT_FALSE(registry.MakeSource("null", ctx).ok());
}

}  // namespace
}  // namespace weir::stream
