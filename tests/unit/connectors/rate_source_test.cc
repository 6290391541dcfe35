// The rate source, as Spark 3.5's RateStreamMicroBatchStream generates rows
// (RateStreamProviderSuite.scala): values and timestamps a pure function of the
// offsets, Spark's ramp-up schedule, values interleaved over partitions.

#include <gtest/gtest.h>

#include "tests/unit/connectors/basic_connectors_test_util.h"

namespace weir::connectors {
namespace {

using testing::Context;
using testing::OptionList;
using testing::ReadAll;
using testing::ReadPartition;
using testing::Strings;

// 2023-11-14 22:13:20 UTC.
constexpr int64_t kStartMicros = 1700000000000000;

class RateTest : public ::testing::Test {
 protected:
  Result<stream::SourcePtr> Make(const OptionList& extra = {}) {
    OptionList options{{"connector", "rate"}};
    options.insert(options.end(), extra.begin(), extra.end());
    return registry_.MakeSource("rate", Context("clicks", options, nullptr, &clock_));
  }
  stream::SourcePtr MakeOk(const OptionList& extra = {}) {
    Result<stream::SourcePtr> s = Make(extra);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }
  static stream::Offset At(int64_t seconds) {
    return "{\"seconds\":" + std::to_string(seconds) + ",\"startMs\":1700000000000}";
  }
  static Strings Values(const stream::SourcePtr& s, int64_t from, int64_t to) {
    Result<plan::TableProviderPtr> t = s->Read(At(from), At(to));
    EXPECT_TRUE(t.ok()) << t.status();
    Strings values;
    if (!t.ok()) return values;
    for (int p = 0; p < (*t)->NumPartitions(); ++p) {
      for (auto& v : ReadPartition(**t, p, {1})) values.push_back(v);
    }
    return values;
  }

  stream::ConnectorRegistry registry_ = testing::Registry();
  ManualClock clock_{kStartMicros};
};

TEST_F(RateTest, SchemaAndDescription) {
  stream::SourcePtr s = MakeOk({{"rowsPerSecond", "10"}});
  EXPECT_EQ(s->schema()->ToString(), "struct<timestamp:timestamp,value:bigint>");
  EXPECT_EQ(s->Describe(),
            "RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=0, numPartitions=default]");
  EXPECT_EQ(MakeOk({{"numPartitions", "4"}})->Describe(),
            "RateStreamV2[rowsPerSecond=1, rampUpTimeSeconds=0, numPartitions=4]");
}

TEST_F(RateTest, OffsetsFollowTheClockInWholeSeconds) {
  stream::SourcePtr s = MakeOk({{"rowsPerSecond", "10"}});
  Result<stream::Offset> initial = s->InitialOffset();
  ASSERT_TRUE(initial.ok());
  EXPECT_EQ(*initial, At(0));
  EXPECT_EQ(*s->LatestOffset(*initial, {}), At(0));  // nothing yet
  clock_.Advance(999999);
  EXPECT_EQ(*s->LatestOffset(*initial, {}), At(0));
  clock_.Advance(2500001);
  EXPECT_EQ(*s->LatestOffset(*initial, {}), At(3));
  // The wall clock going back never moves offsets back.
  clock_.SetNowMicros(kStartMicros - 5000000);
  EXPECT_EQ(*s->LatestOffset(At(3), {}), At(3));
}

TEST_F(RateTest, RowsAreEvenlySpreadOverTheInterval) {
  stream::SourcePtr s = MakeOk({{"rowsPerSecond", "2"}});
  Result<plan::TableProviderPtr> t = s->Read(At(0), At(2));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->NumPartitions(), 1);
  EXPECT_EQ(ReadAll(**t), Strings({"2023-11-14 22:13:20 | 0", "2023-11-14 22:13:20.5 | 1",
                                   "2023-11-14 22:13:21 | 2", "2023-11-14 22:13:21.5 | 3"}));
  t = s->Read(At(2), At(3));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ReadAll(**t), Strings({"2023-11-14 22:13:22 | 4", "2023-11-14 22:13:22.5 | 5"}));
  // An empty interval has no rows.
  t = s->Read(At(3), At(3));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(ReadAll(**t).empty());
}

TEST_F(RateTest, SameOffsetsSameRowsAfterRestart) {
  stream::SourcePtr s = MakeOk({{"rowsPerSecond", "7"}, {"numPartitions", "3"}});
  clock_.Advance(4000000);
  Result<stream::Offset> end = s->LatestOffset(At(0), {});
  ASSERT_TRUE(end.ok());
  ASSERT_EQ(*end, At(4));
  Result<plan::TableProviderPtr> first = s->Read(At(1), *end);
  ASSERT_TRUE(first.ok());
  const Strings rows = ReadAll(**first);
  EXPECT_EQ(rows.size(), 21u);
  EXPECT_EQ(ReadAll(**s->Read(At(1), *end)), rows);
  // A new instance much later (a restarted query) replays the recorded offsets.
  s.reset();
  clock_.Advance(3600000000);
  stream::SourcePtr again = MakeOk({{"rowsPerSecond", "7"}, {"numPartitions", "3"}});
  EXPECT_EQ(ReadAll(**again->Read(At(1), *end)), rows);
  // ... and catches up from the recorded start time, as Spark's does.
  EXPECT_EQ(*again->LatestOffset(*end, {}), At(3604));
}

TEST_F(RateTest, RampUpFollowsSparksSchedule) {
  // Spark's example: rampUpTime 4s, rowsPerSecond 10 -> end values 0 2 6 12 20 30 40.
  for (const char* ramp : {"4s", "4", " 4 ", "4 seconds", "4500ms"}) {
    SCOPED_TRACE(ramp);
    stream::SourcePtr s = MakeOk({{"rowsPerSecond", "10"}, {"rampUpTime", ramp}});
    EXPECT_EQ(s->Describe(),
              "RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=4, numPartitions=default]");
    const int64_t ends[] = {0, 2, 6, 12, 20, 30, 40};
    for (int sec = 0; sec < 6; ++sec) {
      Strings v = Values(s, sec, sec + 1);
      ASSERT_EQ(static_cast<int64_t>(v.size()), ends[sec + 1] - ends[sec]) << sec;
      if (!v.empty()) {
        EXPECT_EQ(v.front(), std::to_string(ends[sec]));
      }
    }
  }
}

TEST_F(RateTest, PartitionsInterleaveValues) {
  stream::SourcePtr s = MakeOk({{"rowsPerSecond", "10"}, {"numPartitions", "3"}});
  Result<plan::TableProviderPtr> t = s->Read(At(0), At(1));
  ASSERT_TRUE(t.ok());
  ASSERT_EQ((*t)->NumPartitions(), 3);
  EXPECT_EQ(ReadPartition(**t, 0, {1}), Strings({"0", "3", "6", "9"}));
  EXPECT_EQ(ReadPartition(**t, 1, {1}), Strings({"1", "4", "7"}));
  EXPECT_EQ(ReadPartition(**t, 2, {1}), Strings({"2", "5", "8"}));
  // More partitions than rows: the extra ones are empty.
  stream::SourcePtr wide = MakeOk({{"numPartitions", "5"}});
  t = wide->Read(At(0), At(2));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ReadPartition(**t, 1, {1}), Strings({"1"}));
  EXPECT_TRUE(ReadPartition(**t, 4, {1}).empty());
  EXPECT_FALSE((*t)->Open(5, {0}).ok());
  EXPECT_FALSE((*t)->Open(0, {2}).ok());
}

TEST_F(RateTest, BatchesAreBoundedAndProjected) {
  stream::SourcePtr s = MakeOk({{"rowsPerSecond", "10000"}});
  Result<plan::TableProviderPtr> t = s->Read(At(0), At(1));
  ASSERT_TRUE(t.ok());
  std::vector<int64_t> sizes;
  Strings values = ReadPartition(**t, 0, {1}, &sizes);
  EXPECT_EQ(sizes, std::vector<int64_t>({4096, 4096, 1808}));
  EXPECT_EQ(values.back(), "9999");
  // No columns: row counts only (count(*)).
  Result<plan::BatchReaderPtr> r = (*t)->Open(0, {});
  ASSERT_TRUE(r.ok());
  Batch b;
  int64_t rows = 0;
  while (*(*r)->Next(&b)) {
    EXPECT_EQ(b.num_columns(), 0);
    rows += b.num_rows();
  }
  EXPECT_EQ(rows, 10000);
  // Columns in the order asked for.
  EXPECT_EQ(ReadPartition(**s->Read(At(0), At(1)), 0, {1, 0}).front(), "0 | 2023-11-14 22:13:20");
}

TEST_F(RateTest, AvailableNowCapsTheEnd) {
  stream::SourcePtr s = MakeOk();
  clock_.Advance(2000000);
  ASSERT_TRUE(s->PrepareForAvailableNow().ok());
  clock_.Advance(10000000);
  EXPECT_EQ(*s->LatestOffset(At(0), {}), At(2));
  EXPECT_EQ(*s->LatestOffset(At(2), {}), At(2));
}

TEST_F(RateTest, OverflowIsAnErrorNotACrash) {
  stream::SourcePtr s = MakeOk({{"rowsPerSecond", "4611686018427387904"}});  // 2^62
  clock_.Advance(100000000);
  // At most INT64_MAX / rowsPerSecond = 1 second of rows.
  EXPECT_EQ(*s->LatestOffset(At(0), {}), At(1));
  Result<plan::TableProviderPtr> t = s->Read(At(0), At(5));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("ARITHMETIC_OVERFLOW"), std::string::npos);
  EXPECT_FALSE(Make({{"rowsPerSecond", "1000000000000"}, {"rampUpTime", "100000000"}}).ok());
}

TEST_F(RateTest, BadOptionsNameTheOptionAndValue) {
  struct Case {
    OptionList options;
    std::string key;
    std::string value;
  };
  for (const Case& c :
       std::vector<Case>{{{{"rowsPerSecond", "0"}}, "rowsPerSecond", "'0'"},
                         {{{"rowsPerSecond", "-3"}}, "rowsPerSecond", "'-3'"},
                         {{{"rowsPerSecond", "ten"}}, "rowsPerSecond", "'ten'"},
                         {{{"rampUpTime", "-1s"}}, "rampUpTime", "'-1s'"},
                         {{{"rampUpTime", "soon"}}, "rampUpTime", "'soon'"},
                         {{{"numPartitions", "0"}}, "numPartitions", "'0'"},
                         {{{"numPartitions", "1e9"}}, "numPartitions", "'1e9'"},
                         {{{"numPartitions", "100000"}}, "numPartitions", "'100000'"}}) {
    Result<stream::SourcePtr> s = Make(c.options);
    ASSERT_FALSE(s.ok()) << c.key << "=" << c.value;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidOption);
    const std::string m = s.status().message();
    EXPECT_NE(m.find(c.key), std::string::npos) << m;
    EXPECT_NE(m.find(c.value), std::string::npos) << m;
    EXPECT_NE(m.find("rate"), std::string::npos) << m;
  }
}

TEST_F(RateTest, MalformedOffsetsAreErrors) {
  stream::SourcePtr s = MakeOk();
  for (const char* bad : {"", "{", "}", "{}", "[1]", "{\"seconds\":1}", "{\"startMs\":1}",
                          "{\"seconds\":-1,\"startMs\":0}", "{\"seconds\":1x,\"startMs\":0}",
                          "{\"seconds\":99999999999999999999,\"startMs\":0}",
                          "{\"seconds\":1,\"startMs\":0} trailing", "{\"seconds\":\"1\"}",
                          "{\"seconds\":1,,\"startMs\":0}", "{\"sec\\\"onds\":1}"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(s->LatestOffset(bad, {}).ok());
    EXPECT_FALSE(s->Read(bad, At(1)).ok());
  }
  // Whitespace and field order do not matter.
  EXPECT_TRUE(s->Read(" { \"startMs\" : 1700000000000 , \"seconds\" : 0 } ", At(1)).ok());
  // Offsets of two different streams do not mix.
  EXPECT_FALSE(s->Read("{\"seconds\":0,\"startMs\":5}", At(1)).ok());
  EXPECT_FALSE(s->Read(At(2), At(1)).ok());
}

}  // namespace
}  // namespace weir::connectors
