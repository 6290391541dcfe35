// The nexmark source: options and their errors, offsets (events, bounded per trigger,
// by `events`, by `rate` over processing time, fixed for AvailableNow), and reads that
// are the generator's events for the offsets, in any partitioning and on any replay.

#include <gtest/gtest.h>

#include "nexmark/generator.h"
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

class NexmarkSourceTest : public ::testing::Test {
 protected:
  NexmarkSourceTest() { RegisterNexmarkSource(&registry_); }

  Result<stream::SourcePtr> Make(const OptionList& extra = {}, SchemaPtr declared = nullptr) {
    OptionList options{{"connector", "nexmark"}};
    options.insert(options.end(), extra.begin(), extra.end());
    stream::ConnectorContext ctx = Context("bid", options, nullptr, &clock_);
    ctx.schema = std::move(declared);
    return registry_.MakeSource("nexmark", ctx);
  }
  stream::SourcePtr MakeOk(const OptionList& extra = {}, SchemaPtr declared = nullptr) {
    Result<stream::SourcePtr> s = Make(extra, std::move(declared));
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }
  static stream::Offset At(int64_t events) {
    return "{\"events\":" + std::to_string(events) + ",\"startMs\":1700000000000}";
  }
  static std::string Error(const Result<stream::SourcePtr>& s) {
    EXPECT_FALSE(s.ok());
    return s.ok() ? "" : s.status().ToString();
  }
  // Rows of events [from, to) as the generator makes them.
  static Strings Expected(nexmark::EventKind kind, int64_t from, int64_t to) {
    const nexmark::Generator g = nexmark::Generator::Make({}).ValueOrDie();
    return testing::Rows(nexmark::GenerateBatch(g, kind, from, to).ValueOrDie());
  }

  stream::ConnectorRegistry registry_;
  ManualClock clock_{kStartMicros};
};

TEST_F(NexmarkSourceTest, SchemaAndDescription) {
  stream::SourcePtr s = MakeOk({{"events", "1000"}});
  EXPECT_EQ(s->schema()->ToString(),
            "struct<auction:bigint,bidder:bigint,price:bigint,channel:string,url:string,"
            "dateTime:timestamp,extra:string>");
  EXPECT_EQ(s->Describe(), "Nexmark[table=bid, events=1000, rate=0, partitions=1]");
  EXPECT_EQ(MakeOk({{"table", "Person"}})->schema()->field(2).name, "emailAddress");
  EXPECT_EQ(MakeOk({{"table", "auction"}, {"partitions", "4"}})->Describe(),
            "Nexmark[table=auction, events=0, rate=0, partitions=4]");
}

TEST_F(NexmarkSourceTest, BadOptionsNameTheOption) {
  EXPECT_NE(Error(Make({{"table", "bids"}})).find("option 'table'"), std::string::npos);
  EXPECT_NE(Error(Make({{"events", "-1"}})).find("option 'events'"), std::string::npos);
  EXPECT_NE(Error(Make({{"events", "many"}})).find("events"), std::string::npos);
  EXPECT_NE(Error(Make({{"rate", "-5"}})).find("option 'rate'"), std::string::npos);
  EXPECT_NE(Error(Make({{"maxEventsPerTrigger", "0"}})).find("maxEventsPerTrigger"),
            std::string::npos);
  EXPECT_NE(Error(Make({{"base_time", "-1"}})).find("base_time"), std::string::npos);
  EXPECT_NE(Error(Make({{"base_time", "99999999999999999"}})).find("base_time"), std::string::npos);
  EXPECT_NE(Error(Make({{"first_event_rate", "0"}})).find("first_event_rate"), std::string::npos);
  EXPECT_NE(Error(Make({{"partitions", "0"}})).find("partitions"), std::string::npos);
  EXPECT_NE(Error(Make({{"partitions", "65537"}})).find("partitions"), std::string::npos);
  // A misspelt option is refused rather than ignored (an unbounded run instead of
  // `events` would never end).
  const std::string typo = Error(Make({{"event", "10"}}));
  EXPECT_NE(typo.find("has no option 'event'"), std::string::npos) << typo;
  EXPECT_NE(typo.find("first_event_rate"), std::string::npos) << typo;
  // Event times past year 9999.
  EXPECT_NE(
      Error(Make({{"first_event_rate", "1"}, {"events", "9000000000000000000"}})).find("year 9999"),
      std::string::npos);
}

TEST_F(NexmarkSourceTest, DeclaredColumnsAreASubsetInAnyOrder) {
  SchemaPtr declared = MakeSchema({{"price", DataType::Int64()},
                                   {"DATETIME", DataType::Timestamp()},
                                   {"auction", DataType::Int64(), /*nullable=*/false}});
  stream::SourcePtr s = MakeOk({{"events", "100"}}, declared);
  EXPECT_EQ(s->schema(), declared);
  Result<plan::TableProviderPtr> t = s->Read(At(0), At(10));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->schema(), declared);
  // Events 0..9 have ids 1..10, of which 4..10 are bids.
  const nexmark::Generator g = nexmark::Generator::Make({}).ValueOrDie();
  auto writer =
      nexmark::BatchWriter::Make(g, nexmark::EventKind::kBid,
                                 {nexmark::kBidPrice, nexmark::kBidDateTime, nexmark::kBidAuction})
          .ValueOrDie();
  int64_t k = 0;
  EXPECT_EQ(writer->Append(&k, 10, 100), 7);
  EXPECT_EQ(ReadAll(**t), testing::Rows(writer->Finish().ValueOrDie()));
  // Reading a subset of the declared columns.
  EXPECT_EQ(ReadPartition(**t, 0, {2}).size(), 7u);

  const std::string unknown =
      Error(Make({}, MakeSchema({{"auction", DataType::Int64()}, {"bid", DataType::Int64()}})));
  EXPECT_NE(unknown.find("declares the column `bid`"), std::string::npos) << unknown;
  const std::string type = Error(Make({}, MakeSchema({{"price", DataType::Int32()}})));
  EXPECT_NE(type.find("`price` as INT"), std::string::npos) << type;
}

TEST_F(NexmarkSourceTest, ReadsAreTheGeneratorsEvents) {
  stream::SourcePtr s = MakeOk({{"events", "5000"}});
  Result<plan::TableProviderPtr> t = s->Read(At(0), At(5000));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->NumPartitions(), 1);
  std::vector<int64_t> sizes;
  Strings rows = ReadPartition(**t, 0, {}, &sizes);
  EXPECT_EQ(rows, Expected(nexmark::EventKind::kBid, 0, 5000));
  EXPECT_EQ(rows.size(), 4600u);
  EXPECT_EQ(sizes, (std::vector<int64_t>{4096, 504}));
  // Replays and other partitionings give the same rows, in the same order.
  EXPECT_EQ(ReadAll(**s->Read(At(0), At(5000))), rows);
  stream::SourcePtr four = MakeOk({{"events", "5000"}, {"partitions", "4"}});
  Result<plan::TableProviderPtr> t4 = four->Read(At(0), At(5000));
  ASSERT_TRUE(t4.ok());
  EXPECT_EQ((*t4)->NumPartitions(), 4);
  EXPECT_EQ(ReadAll(**t4), rows);
  // Consecutive epochs add up to the whole.
  Strings pieces = ReadAll(**s->Read(At(0), At(1234)));
  for (const std::string& r : ReadAll(**s->Read(At(1234), At(5000)))) pieces.push_back(r);
  EXPECT_EQ(pieces, rows);
  // Persons and auctions.
  EXPECT_EQ(ReadAll(**MakeOk({{"table", "person"}})->Read(At(100), At(3000))),
            Expected(nexmark::EventKind::kPerson, 100, 3000));
  EXPECT_EQ(ReadAll(**MakeOk({{"table", "auction"}})->Read(At(100), At(3000))),
            Expected(nexmark::EventKind::kAuction, 100, 3000));
}

TEST_F(NexmarkSourceTest, OffsetsAreBoundedByEventsAndMaxEventsPerTrigger) {
  stream::SourcePtr s = MakeOk({{"events", "2500000"}});
  Result<stream::Offset> initial = s->InitialOffset();
  ASSERT_TRUE(initial.ok());
  EXPECT_EQ(*initial, At(0));
  EXPECT_EQ(*s->LatestOffset(At(0), {}), At(1000000));
  EXPECT_EQ(*s->LatestOffset(At(2000000), {}), At(2500000));
  EXPECT_EQ(*s->LatestOffset(At(2500000), {}), At(2500000));  // the end
  stream::ReadLimit all;
  all.all_available = true;  // Trigger.Once
  EXPECT_EQ(*s->LatestOffset(At(0), all), At(2500000));

  stream::SourcePtr small = MakeOk({{"maxEventsPerTrigger", "10"}});
  EXPECT_EQ(*small->LatestOffset(At(5), {}), At(15));
  EXPECT_EQ(*small->LatestOffset(At(5), all), At(15));  // unbounded: still one trigger's worth
}

TEST_F(NexmarkSourceTest, RateFollowsTheClock) {
  stream::SourcePtr s = MakeOk({{"rate", "1000"}, {"events", "5000"}});
  const stream::Offset start = *s->InitialOffset();
  EXPECT_EQ(*s->LatestOffset(start, {}), At(0));
  clock_.Advance(1500 * 1000);  // 1.5 s
  EXPECT_EQ(*s->LatestOffset(start, {}), At(1500));
  clock_.Advance(10 * 1000 * 1000);
  EXPECT_EQ(*s->LatestOffset(start, {}), At(5000));
}

TEST_F(NexmarkSourceTest, AvailableNowFixesTheEnd) {
  stream::SourcePtr rated = MakeOk({{"rate", "100"}});
  const stream::Offset start = *rated->InitialOffset();
  clock_.Advance(2 * 1000 * 1000);
  ASSERT_TRUE(rated->PrepareForAvailableNow().ok());
  clock_.Advance(5 * 1000 * 1000);
  EXPECT_EQ(*rated->LatestOffset(start, {}), At(200));

  stream::SourcePtr bounded = MakeOk({{"events", "30"}, {"maxEventsPerTrigger", "20"}});
  ASSERT_TRUE(bounded->PrepareForAvailableNow().ok());
  EXPECT_EQ(*bounded->LatestOffset(At(0), {}), At(20));  // still split per trigger
  EXPECT_EQ(*bounded->LatestOffset(At(20), {}), At(30));

  stream::SourcePtr unbounded = MakeOk();
  Status st = unbounded->PrepareForAvailableNow();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("unbounded"), std::string::npos) << st;
}

TEST_F(NexmarkSourceTest, BadOffsetsAreErrors) {
  stream::SourcePtr s = MakeOk({{"events", "100"}});
  EXPECT_FALSE(s->Read(At(50), At(10)).ok());
  EXPECT_FALSE(s->Read("{\"events\":1}", At(10)).ok());
  EXPECT_FALSE(s->Read("not json", At(10)).ok());
  EXPECT_FALSE(s->Read("{\"events\":-1,\"startMs\":1700000000000}", At(10)).ok());
  EXPECT_FALSE(s->Read(At(0), At(int64_t{1} << 62)).ok());
  EXPECT_TRUE(s->Commit(At(10)).ok());
  EXPECT_FALSE(s->Commit("{}").ok());
}

}  // namespace
}  // namespace weir::connectors
