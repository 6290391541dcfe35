// The hand-written baselines (bench/nexmark/baseline.h) compute each query's answer:
// over 200,000 events (20 s of event time: two 10 s windows, nine 2 s-sliding ones),
// the rows of q0, q1, q2, q5 and q7's baselines equal the batch engine's answer to the
// query file's SELECT over the same events, both when the baseline generates its input
// and when it reads pregenerated batches. Also the pregenerated input itself: its
// slices are the generator's rows, and the nexmark_pregenerated source reads the rows
// the nexmark source generates.

#include "nexmark/baseline.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "weir/common/env.h"
#include "weir/connectors/nexmark_source.h"

#include "nexmark/harness.h"
#include "nexmark/pregenerated.h"

namespace weir::nexmark {
namespace {

constexpr int64_t kEvents = 200000;

const Generator& Gen() {
  static const Generator g = Generator::Make({}).ValueOrDie();
  return g;
}

std::vector<std::string> Sorted(std::vector<std::string> rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

// The batch engine's answer to the query file's SELECT over events [0, kEvents).
std::vector<std::string> BatchAnswer(const std::string& query) {
  const QueryFile file = BuiltinQuery(query).ValueOrDie();
  std::unique_ptr<Env> env = NewMemEnv();
  api::SessionOptions options;
  options.data_dir = "/data";
  options.env = env.get();
  options.threads = 2;
  api::Session session(options);
  Status st = SetUpBatch(&session, file, kEvents, nullptr);
  EXPECT_TRUE(st.ok()) << st;
  Result<api::StatementResult> r = session.Execute(file.select);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  return Sorted(CanonicalRows(r->batches));
}

class BaselineTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BaselineTest, EqualsTheBatchEngine) {
  const std::string query = GetParam();
  ASSERT_TRUE(HasBaseline(query));
  const std::vector<std::string> expected = BatchAnswer(query);
  ASSERT_FALSE(expected.empty());

  std::vector<std::string> generated;
  Result<BaselineResult> r = RunBaseline(query, Gen(), kEvents, nullptr, &generated);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->output_rows, static_cast<int64_t>(expected.size()));
  generated = Sorted(std::move(generated));
  ASSERT_EQ(generated.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(generated[i], expected[i]) << "row " << i;
  }

  std::shared_ptr<const PregeneratedEvents> events =
      PregeneratedEvents::Make(Gen(), kEvents, {EventKind::kBid}, 2).ValueOrDie();
  std::vector<std::string> pregenerated;
  r = RunBaseline(query, Gen(), kEvents, events.get(), &pregenerated);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Sorted(std::move(pregenerated)), expected);

  // The checksum mode sees the same rows.
  Result<BaselineResult> folded = RunBaseline(query, Gen(), kEvents, nullptr, nullptr);
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(folded->output_rows, static_cast<int64_t>(expected.size()));
  Result<BaselineResult> folded_pregenerated =
      RunBaseline(query, Gen(), kEvents, events.get(), nullptr);
  ASSERT_TRUE(folded_pregenerated.ok());
  EXPECT_EQ(folded_pregenerated->checksum, folded->checksum);
}

INSTANTIATE_TEST_SUITE_P(Queries, BaselineTest, ::testing::Values("q0", "q1", "q2", "q5", "q7"),
                         [](const auto& info) { return info.param; });

TEST(BaselineTest, WindowedAnswersHaveSeveralWindows) {
  // q7's answer has a row per closed or open 10 s window (20 s of events: at least 2),
  // q5's several per 2 s-sliding window.
  std::vector<std::string> q7;
  ASSERT_TRUE(RunBaseline("q7", Gen(), kEvents, nullptr, &q7).ok());
  EXPECT_GE(q7.size(), 2u);
  std::vector<std::string> q5;
  ASSERT_TRUE(RunBaseline("q5", Gen(), kEvents, nullptr, &q5).ok());
  EXPECT_GE(q5.size(), 10u);
}

TEST(BaselineTest, RefusesOtherQueries) {
  EXPECT_FALSE(HasBaseline("q3"));
  EXPECT_FALSE(RunBaseline("q3", Gen(), 10, nullptr, nullptr).ok());
}

TEST(PregeneratedEventsTest, SlicesAreTheGeneratorsRows) {
  std::shared_ptr<const PregeneratedEvents> events =
      PregeneratedEvents::Make(Gen(), 30000, {EventKind::kBid, EventKind::kPerson}, 3).ValueOrDie();
  EXPECT_TRUE(events->Has(EventKind::kBid));
  EXPECT_TRUE(events->Has(EventKind::kPerson));
  EXPECT_FALSE(events->Has(EventKind::kAuction));
  EXPECT_GT(events->MemoryUsage(), 0);
  for (EventKind kind : {EventKind::kBid, EventKind::kPerson}) {
    // Ranges that cut stored batches at both ends, and empty ones.
    for (auto [k0, k1] : std::vector<std::pair<int64_t, int64_t>>{
             {0, 30000}, {1, 2}, {4095, 9001}, {12345, 23456}, {7, 7}}) {
      const Batch expected = GenerateBatch(Gen(), kind, k0, k1).ValueOrDie();
      const std::vector<std::string> want = CanonicalRows({expected});
      EXPECT_EQ(CanonicalRows(events->Slice(kind, k0, k1)), want) << k0 << " " << k1;
    }
  }
  EXPECT_FALSE(PregeneratedEvents::Make(Gen(), -1, {EventKind::kBid}, 1).ok());
}

// The rows a streaming query `SELECT <columns> FROM bid` read into a memory sink,
// from a source over `connector`; or the error that stopped it.
Result<std::vector<std::string>> StreamRows(const std::string& connector,
                                            std::shared_ptr<const PregeneratedEvents> events,
                                            const std::string& table, int64_t count,
                                            const std::string& columns) {
  std::unique_ptr<Env> env = NewMemEnv();
  api::SessionOptions options;
  options.data_dir = "/data";
  options.env = env.get();
  options.threads = 2;
  options.trigger_override = stream::Trigger::AvailableNow();
  api::Session session(options);
  connectors::RegisterPregeneratedNexmarkSource(&session.connectors(), "nexmark_pregenerated",
                                                std::move(events));
  RETURN_NOT_OK(session
                    .Execute("CREATE SOURCE s WITH (connector = '" + connector + "', table = '" +
                             table + "', events = " + std::to_string(count) +
                             ", partitions = 3, maxEventsPerTrigger = 7000)")
                    .status());
  RETURN_NOT_OK(
      session.Execute("CREATE SINK out WITH (connector = 'memory', queryName = 'out')").status());
  RETURN_NOT_OK(session.Execute("INSERT INTO out SELECT " + columns + " FROM s").status());
  for (const auto& q : session.queries().active()) {
    RETURN_NOT_OK(q->AwaitTermination(-1).status());
    RETURN_NOT_OK(q->exception());
  }
  ASSIGN_OR_RAISE(api::StatementResult r, session.Execute("SELECT * FROM out"));
  return Sorted(CanonicalRows(r.batches));
}

TEST(PregeneratedSourceTest, ReadsTheSameRowsAsTheGenerator) {
  std::shared_ptr<const PregeneratedEvents> events =
      PregeneratedEvents::Make(Gen(), 50000, {EventKind::kBid, EventKind::kAuction}, 2)
          .ValueOrDie();
  for (const auto& [table, columns] : std::vector<std::pair<std::string, std::string>>{
           {"bid", "*"}, {"bid", "price, auction"}, {"auction", "id, expires, extra"}}) {
    Result<std::vector<std::string>> generated =
        StreamRows("nexmark", events, table, 40000, columns);
    ASSERT_TRUE(generated.ok()) << generated.status();
    Result<std::vector<std::string>> read =
        StreamRows("nexmark_pregenerated", events, table, 40000, columns);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(generated->size(),
              static_cast<size_t>(
                  CountOfKind(table == "bid" ? EventKind::kBid : EventKind::kAuction, 40000)));
    EXPECT_EQ(*read, *generated) << table << " " << columns;
  }
  // Kinds not pregenerated, and more events than there are, are refused.
  Result<std::vector<std::string>> person =
      StreamRows("nexmark_pregenerated", events, "person", 1000, "*");
  ASSERT_FALSE(person.ok());
  EXPECT_NE(person.status().ToString().find("were not pregenerated"), std::string::npos)
      << person.status();
  Result<std::vector<std::string>> more =
      StreamRows("nexmark_pregenerated", events, "bid", 50001, "*");
  ASSERT_FALSE(more.ok());
  EXPECT_NE(more.status().ToString().find("50000 pregenerated events"), std::string::npos)
      << more.status();
}

}  // namespace
}  // namespace weir::nexmark
