// Helpers shared by the log source and sink tests: a data dir on an in-memory Env,
// topics, contexts, and the rows a log source reads between two offsets.

#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/connectors/builtin.h"
#include "weir/log/topic.h"

#include "basic_connectors_test_util.h"

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    ASSERT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)

namespace weir::connectors::testing {

inline constexpr int64_t kT0Ms = 1704067200000;  // 2024-01-01T00:00:00Z

inline log::Record Rec(std::optional<std::string> key, std::optional<std::string> value,
                       int64_t ts = kT0Ms) {
  log::Record r;
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp = ts;
  return r;
}

class LogConnectorTest : public ::testing::Test {
 protected:
  LogConnectorTest() { RegisterLogConnectors(&registry_); }

  // Builds the env lazily so a test may wrap it first (FaultInjectionEnv).
  Env* env() { return env_override_ != nullptr ? env_override_ : mem_.get(); }

  void CreateTopic(const std::string& name, int32_t partitions, log::TopicConfig config = {}) {
    config.partitions = partitions;
    log::LogStore store(env(), kDataDir);
    ASSERT_OK(store.CreateTopic(name, config));
  }

  std::unique_ptr<log::Topic> OpenWriter(const std::string& name) {
    log::LogStore store(env(), kDataDir);
    auto t = store.OpenTopic(name, log::TopicAccess::kWrite);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? std::move(*t) : nullptr;
  }

  void Append(const std::string& topic, int32_t p, std::vector<log::Record> records) {
    auto writer = OpenWriter(topic);
    ASSERT_NE(nullptr, writer);
    ASSERT_OK(writer->Append(p, records));
  }

  stream::ConnectorContext Ctx(std::string name, const OptionList& options,
                               SchemaPtr schema = nullptr) {
    stream::ConnectorContext ctx;
    ctx.name = std::move(name);
    ctx.options = stream::Options(options);
    ctx.schema = std::move(schema);
    ctx.env = env();
    ctx.clock = &clock_;
    ctx.data_dir = kDataDir;
    ctx.local_tables = &tables_;
    ctx.query_name = "q";
    return ctx;
  }

  stream::SourcePtr Source(const OptionList& options, SchemaPtr schema = nullptr) {
    OptionList o = {{"connector", "log"}};
    o.insert(o.end(), options.begin(), options.end());
    auto s = registry_.MakeSource("log", Ctx("src", o, std::move(schema)));
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }

  stream::SinkPtr Sink(const OptionList& options) {
    OptionList o = {{"connector", "log"}};
    o.insert(o.end(), options.begin(), options.end());
    auto s = registry_.MakeSink("log", Ctx("out", o));
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }

  // The rows of Read(start, end), partition after partition.
  static Strings ReadRows(stream::Source* source, const stream::Offset& start,
                          const stream::Offset& end) {
    auto table = source->Read(start, end);
    EXPECT_TRUE(table.ok()) << table.status();
    return table.ok() ? ReadAll(**table) : Strings{};
  }

  // Everything a fresh read-committed source with `options` reads from the start.
  Strings ReadTopic(const OptionList& options, SchemaPtr schema = nullptr) {
    stream::SourcePtr s = Source(options, std::move(schema));
    if (s == nullptr) return {};
    auto start = s->InitialOffset();
    EXPECT_TRUE(start.ok()) << start.status();
    auto end = s->LatestOffset(*start, stream::ReadLimit{});
    EXPECT_TRUE(end.ok()) << end.status();
    return ReadRows(s.get(), *start, *end);
  }

  static constexpr const char* kDataDir = "/data";
  ManualClock clock_{kT0Ms * 1000};
  std::unique_ptr<Env> mem_ = NewMemEnv(&clock_);
  Env* env_override_ = nullptr;
  stream::LocalTables tables_;
  stream::ConnectorRegistry registry_;
};

inline SchemaPtr Columns(std::vector<Field> fields) { return MakeSchema(std::move(fields)); }

}  // namespace weir::connectors::testing
