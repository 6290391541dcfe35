// Every Nexmark query file (bench/nexmark/queries/q*.sql, as built into the harness)
// checked over the first 200,000 events of the stream (20 s of event time):
//
//  - Streaming: the file's statements run as `weir bench nexmark` runs them — the
//    nexmark sources (2 partitions, epochs of 25,000 events, AvailableNow) — with the
//    sink swapped for one that records every epoch. The final result (append: every
//    epoch's rows; update: each key's last row; complete: the last epoch) equals the
//    batch engine's answer to the file's SELECT over tables holding the same events.
//    Windowed queries in append mode output only the windows the final watermark
//    (the last event time - 4 s) has closed, so their expected rows are the closed
//    windows' (as tests/stream/nexmark_q*_matches_batch.stest do). q12's windows are
//    processing time: its per-bidder sums equal the batch count per bidder. q10 keeps
//    its file sink: the CSV files it wrote, read back, equal the batch answer.
//  - SQLite: for q0-q8 (q6 is not one of weir's queries), the batch engine's answer
//    over all events equals what the sqlite3 command line computes with the hand
//    translation in bench/nexmark/queries/sqlite/qN.sql over the events exported as
//    tab-separated files.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "weir/api/session.h"
#include "weir/common/env.h"
#include "weir/stream/sink.h"

#include "nexmark/generator.h"
#include "nexmark/harness.h"

#ifndef WEIR_SOURCE_DIR
#error "WEIR_SOURCE_DIR must name the source tree"
#endif

namespace weir::nexmark {
namespace {

constexpr int64_t kEvents = 200000;

// Each epoch's output of one query, as a sink receives it.
class Capture {
 public:
  void Add(int64_t epoch, std::vector<Batch> batches) {
    std::lock_guard<std::mutex> lock(mu_);
    epochs_[epoch] = std::move(batches);  // a replayed epoch replaces its first attempt
  }
  std::map<int64_t, std::vector<Batch>> epochs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return epochs_;
  }

 private:
  mutable std::mutex mu_;
  std::map<int64_t, std::vector<Batch>> epochs_;  // guarded by mu_
};

class CaptureSink final : public stream::Sink {
 public:
  explicit CaptureSink(std::shared_ptr<Capture> capture) : capture_(std::move(capture)) {}
  std::string Describe() const override { return "CaptureSink"; }
  Status AddBatch(int64_t epoch, const SchemaPtr&, const std::vector<Batch>& batches,
                  stream::OutputMode) override {
    capture_->Add(epoch, batches);
    return Status::OK();
  }

 private:
  std::shared_ptr<Capture> capture_;
};

std::vector<std::string> Split(const std::string& row) {
  std::vector<std::string> cells;
  std::stringstream in(row);
  std::string cell;
  while (std::getline(in, cell, '\t')) cells.push_back(cell);
  if (!row.empty() && row.back() == '\t') cells.emplace_back();
  return cells;
}

std::string Join(const std::vector<std::string>& cells, const std::vector<int>& which) {
  std::string out;
  for (int c : which) {
    if (!out.empty()) out += '\t';
    out += cells[static_cast<size_t>(c)];
  }
  return out;
}

// Cells are equal as text, or as numbers within a relative 1e-9 (averages summed in
// another order).
bool SameCell(const std::string& a, const std::string& b) {
  if (a == b) return true;
  char* end_a = nullptr;
  char* end_b = nullptr;
  const double x = std::strtod(a.c_str(), &end_a);
  const double y = std::strtod(b.c_str(), &end_b);
  if (a.empty() || b.empty() || *end_a != '\0' || *end_b != '\0') return false;
  return std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y));
}

void ExpectSameRows(std::vector<std::string> actual, std::vector<std::string> expected,
                    const std::string& what) {
  std::sort(actual.begin(), actual.end());
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i) {
    const std::vector<std::string> a = Split(actual[i]);
    const std::vector<std::string> e = Split(expected[i]);
    bool same = a.size() == e.size();
    for (size_t c = 0; same && c < a.size(); ++c) same = SameCell(a[c], e[c]);
    ASSERT_TRUE(same) << what << ", row " << i << ":\n  got      " << actual[i] << "\n  expected "
                      << expected[i];
  }
}

std::unique_ptr<api::Session> MemSession(Env* env) {
  api::SessionOptions options;
  options.data_dir = "/data";
  options.env = env;
  options.threads = 2;
  options.trigger_override = stream::Trigger::AvailableNow();
  auto session = std::make_unique<api::Session>(options);
  EXPECT_TRUE(session->SetSetting("spark.sql.shuffle.partitions", "2").ok());
  return session;
}

// The batch engine's answer to `sql` over tables holding the file's sources' events.
std::vector<std::string> BatchRows(const QueryFile& file, const std::string& sql) {
  std::unique_ptr<Env> env = NewMemEnv();
  std::unique_ptr<api::Session> session = MemSession(env.get());
  Status st = SetUpBatch(session.get(), file, kEvents, nullptr);
  EXPECT_TRUE(st.ok()) << st;
  Result<api::StatementResult> r = session->Execute(sql);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  return CanonicalRows(r->batches);
}

// The columns of the file's SELECT.
SchemaPtr BatchSchema(const QueryFile& file) {
  std::unique_ptr<Env> env = NewMemEnv();
  std::unique_ptr<api::Session> session = MemSession(env.get());
  Status st = SetUpBatch(session.get(), file, 0, nullptr);
  EXPECT_TRUE(st.ok()) << st;
  Result<plan::LogicalPlanPtr> plan = session->PlanQuery(file.select);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return plan.ok() ? (*plan)->schema() : nullptr;
}

// How a query's streaming result is compared.
struct Spec {
  // The query's key columns in update mode: its final result is each key's last row.
  std::vector<int> update_keys;
  // The batch query whose rows the stream must equal; "" is the file's SELECT. "{q}"
  // stands for the file's SELECT.
  std::string expected;
};

const std::map<std::string, Spec>& Specs() {
  static const std::map<std::string, Spec> specs = {
      // Windows the final watermark has closed.
      {"q5",
       {{},
        R"(SELECT auction, num FROM (
  SELECT AuctionBids.auction, AuctionBids.num, AuctionBids.endtime FROM (
    SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
    FROM HOP(bid, dateTime, INTERVAL 2 SECONDS, INTERVAL 10 SECONDS)
    GROUP BY auction, window_start, window_end) AuctionBids
  JOIN (
    SELECT max(num) AS maxn, starttime, endtime FROM (
      SELECT count(*) AS num, window_start AS starttime, window_end AS endtime
      FROM HOP(bid, dateTime, INTERVAL 2 SECONDS, INTERVAL 10 SECONDS)
      GROUP BY auction, window_start, window_end) CountBids
    GROUP BY starttime, endtime) MaxBids
  ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
     AND AuctionBids.num >= MaxBids.maxn)
WHERE endtime <= (SELECT max(dateTime) - INTERVAL 4 SECONDS FROM bid))"}},
      {"q7",
       {{},
        R"(SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra FROM bid B
JOIN (SELECT MAX(price) AS maxprice, window_end AS dateTime
      FROM TUMBLE(bid, dateTime, INTERVAL 10 SECONDS)
      GROUP BY window_start, window_end) B1
ON B.price = B1.maxprice
WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL 10 SECONDS AND B1.dateTime
  AND B1.dateTime <= (SELECT max(dateTime) - INTERVAL 4 SECONDS FROM bid))"}},
      {"q8",
       {{},
        "SELECT * FROM ({q}) WHERE starttime + INTERVAL 10 SECONDS <= "
        "(SELECT least((SELECT max(dateTime) FROM person), (SELECT max(dateTime) FROM auction)) "
        "- INTERVAL 4 SECONDS)"}},
      {"q11",
       {{},
        "SELECT * FROM ({q}) WHERE endtime <= (SELECT max(dateTime) - INTERVAL 4 SECONDS "
        "FROM bid)"}},
      // Update mode: the key columns.
      {"q9", {{0}, ""}},
      {"q12", {{0, 2, 3}, "SELECT bidder, count(*) FROM bid GROUP BY bidder"}},
      {"q15", {{0}, ""}},
      {"q16", {{0, 1}, ""}},
      {"q17", {{0, 1}, ""}},
      {"q18", {{0, 1}, ""}},
      {"q19", {{0, 7}, ""}},
  };
  return specs;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string OptionOf(api::Session* session, const std::string& object, const std::string& key) {
  const api::CatalogObject* o = session->catalog().Find(object);
  if (o == nullptr) return "";
  for (const auto& [k, v] : o->options) {
    if (EqualsIgnoreCase(k, key)) return v;
  }
  return "";
}

class QueryTest : public ::testing::TestWithParam<std::string> {};

TEST_P(QueryTest, StreamEqualsBatch) {
  const std::string name = GetParam();
  Result<QueryFile> loaded = BuiltinQuery(name);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const QueryFile& file = *loaded;
  const Spec spec = Specs().count(name) > 0 ? Specs().at(name) : Spec{};

  std::unique_ptr<Env> env = NewMemEnv();
  std::unique_ptr<api::Session> session = MemSession(env.get());
  auto capture = std::make_shared<Capture>();
  session->connectors().RegisterSink("capture", [capture](const stream::ConnectorContext&) {
    return Result<stream::SinkPtr>(std::make_shared<CaptureSink>(capture));
  });
  StreamSetup setup;
  setup.events = kEvents;
  setup.partitions = 2;
  setup.max_events_per_trigger = kEvents / 8;
  setup.sink_options = {{"checkpointLocation", "/data/checkpoint"}};
  const bool file_sink = file.create_sink.find("'file'") != std::string::npos;
  if (file_sink) {
    setup.sink_options.emplace_back("path", "/data/out");
  } else {
    setup.sink_connector = "capture";
  }
  Status st = SetUpStream(session.get(), file, setup);
  ASSERT_TRUE(st.ok()) << st;
  std::string mode = OptionOf(session.get(), file.sink, "output_mode");
  if (mode.empty()) mode = "append";

  Result<api::StatementResult> started = session->Execute(file.insert);
  ASSERT_TRUE(started.ok()) << started.status();
  for (const auto& q : session->queries().active()) {
    Result<bool> ended = q->AwaitTermination(-1);
    ASSERT_TRUE(ended.ok()) << ended.status();
    ASSERT_TRUE(q->exception().ok()) << q->exception();
  }

  std::vector<std::string> actual;
  if (file_sink) {
    // The files, read back with the query's columns.
    SchemaPtr schema = BatchSchema(file);
    ASSERT_NE(schema, nullptr);
    std::string columns;
    for (const Field& f : schema->fields()) {
      columns += (columns.empty() ? "" : ", ") + f.name + " " + f.type.ToDdl();
    }
    ASSERT_TRUE(session
                    ->Execute("CREATE TEMPORARY VIEW written (" + columns +
                              ") USING csv OPTIONS (path '/data/out')")
                    .ok());
    Result<api::StatementResult> r = session->Execute("SELECT * FROM written");
    ASSERT_TRUE(r.ok()) << r.status();
    actual = CanonicalRows(r->batches);
  } else {
    const std::map<int64_t, std::vector<Batch>> epochs = capture->epochs();
    ASSERT_FALSE(epochs.empty());
    if (mode == "complete") {
      actual = CanonicalRows(epochs.rbegin()->second);
    } else if (mode == "update") {
      ASSERT_FALSE(spec.update_keys.empty()) << "no key columns for " << name;
      std::map<std::string, std::string> last;
      for (const auto& [epoch, batches] : epochs) {
        for (std::string& row : CanonicalRows(batches)) {
          last[Join(Split(row), spec.update_keys)] = std::move(row);
        }
      }
      for (auto& [key, row] : last) actual.push_back(std::move(row));
    } else {
      for (const auto& [epoch, batches] : epochs) {
        for (std::string& row : CanonicalRows(batches)) actual.push_back(std::move(row));
      }
    }
  }
  if (name == "q12") {
    // Processing-time windows: each bidder's counts over its windows add up.
    std::map<std::string, int64_t> sums;
    for (const std::string& row : actual) {
      const std::vector<std::string> cells = Split(row);
      sums[cells[0]] += std::stoll(cells[1]);
    }
    actual.clear();
    for (const auto& [bidder, n] : sums) actual.push_back(bidder + "\t" + std::to_string(n));
  }

  const std::string expected_sql =
      spec.expected.empty() ? file.select : Replace(spec.expected, "{q}", file.select);
  const std::vector<std::string> expected = BatchRows(file, expected_sql);
  EXPECT_FALSE(expected.empty()) << name << ": the check would be vacuous";
  ExpectSameRows(actual, expected, name + " (" + mode + " mode)");
}

INSTANTIATE_TEST_SUITE_P(Nexmark, QueryTest, ::testing::ValuesIn(BuiltinQueryNames()),
                         [](const auto& info) { return info.param; });

TEST(QueryFilesTest, EveryListedQueryIsBuiltIn) {
  // The queries of issue #10, and the optional ones weir runs.
  for (const char* q :
       {"q0",  "q1",  "q2",  "q3",  "q4",  "q5",  "q7",  "q8",  "q9",  "q10", "q11",
        "q12", "q13", "q14", "q15", "q16", "q17", "q18", "q19", "q20", "q21", "q22"}) {
    Result<QueryFile> file = BuiltinQuery(q);
    ASSERT_TRUE(file.ok()) << q << ": " << file.status();
    EXPECT_FALSE(file->select.empty());
    EXPECT_TRUE(FlinkEventsPerSecPerCore(q).has_value()) << q;
  }
  EXPECT_FALSE(BuiltinQuery("q6").ok());  // not supported: bench/nexmark/README.md
}

// --- SQLite ---------------------------------------------------------------------

// The events exported once per test binary, loaded into one SQLite database.
class SqliteTest : public ::testing::TestWithParam<std::string> {
 public:
  static void SetUpTestSuite() {
    dir_ = new std::string((std::filesystem::temp_directory_path() /
                            ("weir-nexmark-sqlite-" + std::to_string(getpid())))
                               .string());
    std::filesystem::create_directories(*dir_);
    const Generator g = Generator::Make({}).ValueOrDie();
    std::string script =
        "CREATE TABLE person (id INTEGER, name TEXT, emailAddress TEXT, creditCard TEXT, "
        "city TEXT, state TEXT, dateTime INTEGER, extra TEXT);\n"
        "CREATE TABLE auction (id INTEGER, itemName TEXT, description TEXT, initialBid INTEGER, "
        "reserve INTEGER, dateTime INTEGER, expires INTEGER, seller INTEGER, category INTEGER, "
        "extra TEXT);\n"
        "CREATE TABLE bid (auction INTEGER, bidder INTEGER, price INTEGER, channel TEXT, "
        "url TEXT, dateTime INTEGER, extra TEXT);\n.mode tabs\n";
    for (EventKind kind : {EventKind::kPerson, EventKind::kAuction, EventKind::kBid}) {
      const std::string path = *dir_ + "/" + std::string(KindName(kind)) + ".tsv";
      std::ofstream out(path);
      for (const std::string& row :
           CanonicalRows({GenerateBatch(g, kind, 0, kEvents).ValueOrDie()})) {
        out << row << "\n";
      }
      script += ".import " + path + " " + std::string(KindName(kind)) + "\n";
    }
    std::ofstream(*dir_ + "/load.sql") << script;
    const std::string cmd = "sqlite3 -batch " + *dir_ + "/nexmark.db < " + *dir_ + "/load.sql";
    load_status_ = std::system(cmd.c_str());
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(*dir_, ec);
    delete dir_;
    dir_ = nullptr;
  }

 protected:
  static std::string* dir_;
  static int load_status_;
};

std::string* SqliteTest::dir_ = nullptr;
int SqliteTest::load_status_ = -1;

TEST_P(SqliteTest, BatchEqualsSqlite) {
  ASSERT_EQ(load_status_, 0) << "loading the events into sqlite3 failed";
  const std::string name = GetParam();
  const QueryFile file = BuiltinQuery(name).ValueOrDie();
  const std::string query =
      std::string(WEIR_SOURCE_DIR) + "/bench/nexmark/queries/sqlite/" + name + ".sql";
  ASSERT_TRUE(std::filesystem::exists(query)) << query;
  const std::string out = *dir_ + "/" + name + ".out";
  const std::string cmd =
      "sqlite3 -batch -tabs -nullvalue NULL " + *dir_ + "/nexmark.db < " + query + " > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::vector<std::string> sqlite;
  std::ifstream in(out);
  for (std::string line; std::getline(in, line);) sqlite.push_back(line);

  const std::vector<std::string> weir = BatchRows(file, file.select);
  EXPECT_FALSE(weir.empty()) << name << ": the check would be vacuous";
  ExpectSameRows(weir, sqlite, name + " against SQLite");
}

INSTANTIATE_TEST_SUITE_P(Nexmark, SqliteTest,
                         ::testing::Values("q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace weir::nexmark
