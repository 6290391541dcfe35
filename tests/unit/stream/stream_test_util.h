// Helpers for the stream engine's tests: a memory source and a recording sink
// written against the Source/Sink contracts, a catalog whose relations are stream
// inputs (and one static table), and row rendering.

#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/common/thread_pool.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder.h"
#include "weir/plan/table.h"
#include "weir/sql/parser.h"
#include "weir/stream/local_tables.h"
#include "weir/stream/sink.h"
#include "weir/stream/source.h"
#include "weir/stream/streaming_query.h"
#include "weir/types/builder.h"
#include "weir/types/value.h"

namespace weir::stream::testing {

// "1|a" per row.
inline std::vector<std::string> RowStrings(const std::vector<Batch>& batches) {
  std::vector<std::string> out;
  for (const Batch& b : batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::string s;
      for (int c = 0; c < b.num_columns(); ++c) {
        Value v = GetValue(*b.column(c), b.RowIndex(r));
        s += (c > 0 ? "|" : "") + (v.is_null() ? std::string("NULL") : v.ToString());
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

inline Batch MakeBatch(const SchemaPtr& schema, const std::vector<std::vector<Value>>& rows) {
  BatchBuilder builder(schema);
  for (const auto& row : rows) builder.AppendRow(row).Check();
  return builder.Finish().ValueOrDie();
}

// A replayable source over a MemoryStreamBuffer: offset {"batch":N} means the first N
// appended batches. `max_per_trigger` > 0 limits each epoch to that many batches.
class TestSource final : public Source {
 public:
  TestSource(std::shared_ptr<MemoryStreamBuffer> buffer, std::string name,
             int64_t max_per_trigger = 0)
      : buffer_(std::move(buffer)), name_(std::move(name)), max_(max_per_trigger) {}

  static Offset Off(int64_t n) { return "{\"batch\":" + std::to_string(n) + "}"; }
  static int64_t Parse(const Offset& o) { return std::stoll(o.substr(o.find(':') + 1)); }

  const SchemaPtr& schema() const override { return buffer_->schema(); }
  std::string Describe() const override { return "MemoryStream[" + name_ + "]"; }
  Result<Offset> InitialOffset() override { return Off(0); }
  Result<Offset> LatestOffset(const Offset& start, const ReadLimit& limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t s = Parse(start);
    int64_t end = buffer_->size();
    if (available_now_end_ >= 0) end = std::min(end, available_now_end_);
    if (max_ > 0 && !limit.all_available) end = std::min(end, s + max_);
    all_available_seen_ = all_available_seen_ || limit.all_available;
    return Off(std::max(s, end));
  }
  Status PrepareForAvailableNow() override {
    std::lock_guard<std::mutex> lock(mu_);
    available_now_end_ = buffer_->size();
    ++prepare_calls_;
    return Status::OK();
  }
  Result<plan::TableProviderPtr> Read(const Offset& start, const Offset& end) override {
    std::lock_guard<std::mutex> lock(mu_);
    reads_.push_back(std::to_string(Parse(start)) + "-" + std::to_string(Parse(end)));
    if (fail_reads_ > 0) {
      --fail_reads_;
      return Status::IoError("injected read failure");
    }
    ASSIGN_OR_RAISE(std::vector<Batch> batches, buffer_->Slice(Parse(start), Parse(end)));
    return plan::TableProviderPtr(
        std::make_shared<plan::MemoryTable>(buffer_->schema(), std::move(batches), 2, name_));
  }
  Status Commit(const Offset& end) override {
    std::lock_guard<std::mutex> lock(mu_);
    commits_.push_back(Parse(end));
    return Status::OK();
  }
  void Stop() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++stops_;
  }
  SourceMetrics metrics() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return metrics_;
  }

  void FailReads(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_reads_ = n;
  }
  void SetMetrics(SourceMetrics m) {
    std::lock_guard<std::mutex> lock(mu_);
    metrics_ = m;
  }
  std::vector<std::string> reads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return reads_;
  }
  std::vector<int64_t> commits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return commits_;
  }
  int prepare_calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return prepare_calls_;
  }
  int stops() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stops_;
  }
  bool all_available_seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return all_available_seen_;
  }

 private:
  std::shared_ptr<MemoryStreamBuffer> buffer_;
  std::string name_;
  int64_t max_;
  mutable std::mutex mu_;
  int64_t available_now_end_ = -1;
  int prepare_calls_ = 0;
  int fail_reads_ = 0;
  int stops_ = 0;
  bool all_available_seen_ = false;
  SourceMetrics metrics_;
  std::vector<std::string> reads_;
  std::vector<int64_t> commits_;
};

// Records every AddBatch; an exactly-once sink that replaces a re-run epoch.
class RecordingSink final : public Sink {
 public:
  std::string Describe() const override { return "RecordingSink"; }
  Delivery delivery() const override { return delivery_; }
  Status AddBatch(int64_t epoch, const SchemaPtr& schema, const std::vector<Batch>& batches,
                  OutputMode mode) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(epoch);
    if (fail_epoch_ == epoch) {
      fail_epoch_ = -1;
      return Status::IoError("injected sink failure in epoch " + std::to_string(epoch));
    }
    for (const Batch& b : batches) {
      // The contract: every batch has the schema handed with it.
      EXPECT_TRUE(*b.schema() == *schema) << b.schema()->ToString() << " vs " << schema->ToString();
    }
    epochs_[epoch] = RowStrings(batches);
    schema_ = schema;
    mode_ = mode;
    return Status::OK();
  }
  void Stop() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++stops_;
  }

  // The next AddBatch of `epoch` fails (once).
  void FailEpochOnce(int64_t epoch) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_epoch_ = epoch;
  }
  void set_delivery(Delivery d) { delivery_ = d; }
  std::map<int64_t, std::vector<std::string>> epochs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return epochs_;
  }
  // Every row of every epoch, in epoch order.
  std::vector<std::string> AllRows() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& [e, rows] : epochs_) out.insert(out.end(), rows.begin(), rows.end());
    return out;
  }
  std::vector<int64_t> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  int stops() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stops_;
  }
  SchemaPtr schema() const {
    std::lock_guard<std::mutex> lock(mu_);
    return schema_;
  }

 private:
  mutable std::mutex mu_;
  Delivery delivery_ = Delivery::kExactlyOnce;
  int64_t fail_epoch_ = -1;
  int stops_ = 0;
  std::map<int64_t, std::vector<std::string>> epochs_;
  std::vector<int64_t> calls_;
  SchemaPtr schema_;
  OutputMode mode_ = OutputMode::kAppend;
};

// Relations: streams `events(id BIGINT, name STRING)` (input 0) and
// `clicks(id BIGINT, url STRING)` (input 1), and the static table
// `users(id BIGINT, country STRING)` with rows (1, de), (2, fr).
class StreamCatalog final : public plan::Catalog {
 public:
  StreamCatalog() {
    events_schema = MakeSchema({{"id", DataType::Int64()}, {"name", DataType::String()}});
    clicks_schema = MakeSchema({{"id", DataType::Int64()}, {"url", DataType::String()}});
    users_schema = MakeSchema({{"id", DataType::Int64()}, {"country", DataType::String()}});
    streams_.push_back(std::make_shared<StreamInputTable>(0, "events", events_schema));
    streams_.push_back(std::make_shared<StreamInputTable>(1, "clicks", clicks_schema));
    users_ = std::make_shared<plan::MemoryTable>(
        users_schema,
        std::vector<Batch>{MakeBatch(users_schema, {{Value::Int64(1), Value::String("de")},
                                                    {Value::Int64(2), Value::String("fr")}})},
        1, "users");
  }

  Result<plan::LogicalPlanPtr> ResolveRelation(
      const std::vector<std::string>& name) const override {
    if (name.size() != 1) return Status::NotFound("no such relation");
    plan::TableProviderPtr table;
    if (EqualsIgnoreCase(name[0], "events")) table = streams_[0];
    if (EqualsIgnoreCase(name[0], "clicks")) table = streams_[1];
    if (EqualsIgnoreCase(name[0], "users")) table = users_;
    if (table == nullptr) return Status::NotFound("no such relation");
    std::vector<int> cols;
    for (int i = 0; i < table->schema()->num_fields(); ++i) cols.push_back(i);
    return plan::LogicalPlanPtr(std::make_shared<plan::ScanNode>(table, cols));
  }
  Result<plan::TableProviderPtr> ResolvePath(std::string_view, std::string_view) const override {
    return Status::NotFound("no paths");
  }
  std::vector<std::string> RelationNames() const override { return {"events", "clicks", "users"}; }

  SchemaPtr events_schema;
  SchemaPtr clicks_schema;
  SchemaPtr users_schema;

 private:
  std::vector<plan::TableProviderPtr> streams_;
  plan::TableProviderPtr users_;
};

inline Result<plan::LogicalPlanPtr> BindStreamSql(std::string_view sql) {
  static StreamCatalog catalog;
  ASSIGN_OR_RAISE(sql::StatementPtr st, sql::ParseStatement(sql));
  if (st->kind != sql::StatementKind::kQuery) return Status::InvalidArgument("not a query");
  return plan::BindQuery(*st->query, catalog);
}

}  // namespace weir::stream::testing

namespace weir::stream::testing {

// Listener that records every callback as a line: "started", "progress 3",
// "idle", "terminated OK" / "terminated <error>".
class RecordingListener final : public StreamingQueryListener {
 public:
  void OnQueryStarted(const std::string& id, const std::string& run_id,
                      const std::string& name) override {
    Add("started " + name);
    std::lock_guard<std::mutex> lock(mu_);
    started_id_ = id;
    started_run_id_ = run_id;
  }
  void OnQueryProgress(const QueryProgress& p) override {
    Add("progress " + std::to_string(p.batch_id));
  }
  void OnQueryIdle(const std::string&, const std::string&) override { Add("idle"); }
  void OnQueryTerminated(const std::string&, const std::string&, const Status& error) override {
    Add(error.ok() ? "terminated OK" : "terminated " + error.message());
  }
  // Events other than "idle", which depend on timing.
  std::vector<std::string> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& e : events_) {
      if (e != "idle") out.push_back(e);
    }
    return out;
  }
  int idle_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(std::count(events_.begin(), events_.end(), "idle"));
  }
  std::string started_id() const {
    std::lock_guard<std::mutex> lock(mu_);
    return started_id_;
  }
  std::string started_run_id() const {
    std::lock_guard<std::mutex> lock(mu_);
    return started_run_id_;
  }

 private:
  void Add(std::string e) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(e));
  }
  mutable std::mutex mu_;
  std::vector<std::string> events_;
  std::string started_id_;
  std::string started_run_id_;
};

// A manager on a ManualClock and an in-memory Env, with the `events` and `clicks`
// streams as memory buffers.
class StreamTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStartMicros = 1719792000000000;  // 2024-07-01T00:00:00Z

  StreamTest()
      : clock_(kStartMicros),
        env_(NewMemEnv(&clock_)),
        pool_(2),
        events_(std::make_shared<MemoryStreamBuffer>(catalog_.events_schema)),
        clicks_(std::make_shared<MemoryStreamBuffer>(catalog_.clicks_schema)) {
    NewManager();
  }

  void NewManager() {
    manager_.reset();
    manager_ = std::make_unique<StreamingQueryManager>(ManagerOptions{&pool_, env_.get(), &clock_});
  }

  // A spec over `sql` reading events (and clicks) through fresh TestSources.
  QuerySpec Spec(std::string_view sql, int64_t max_per_trigger = 0) {
    QuerySpec spec;
    auto plan = BindStreamSql(sql);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (plan.ok()) spec.plan = *plan;
    events_source_ = std::make_shared<TestSource>(events_, "events", max_per_trigger);
    clicks_source_ = std::make_shared<TestSource>(clicks_, "clicks", max_per_trigger);
    spec.sources = {events_source_, clicks_source_};
    sink_ = std::make_shared<RecordingSink>();
    spec.sink = sink_;
    spec.checkpoint_location = "/checkpoints/q";
    spec.shuffle_partitions = 2;
    return spec;
  }

  StreamingQueryPtr Start(QuerySpec spec) {
    auto q = manager_->Start(std::move(spec));
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    return q.ok() ? *q : nullptr;
  }

  void AddEvents(const std::vector<std::pair<int64_t, std::string>>& rows) {
    std::vector<std::vector<Value>> values;
    for (const auto& [id, name] : rows) values.push_back({Value::Int64(id), Value::String(name)});
    ASSERT_TRUE(events_->Append(MakeBatch(catalog_.events_schema, values)).ok());
  }
  void AddClicks(const std::vector<std::pair<int64_t, std::string>>& rows) {
    std::vector<std::vector<Value>> values;
    for (const auto& [id, url] : rows) values.push_back({Value::Int64(id), Value::String(url)});
    ASSERT_TRUE(clicks_->Append(MakeBatch(catalog_.clicks_schema, values)).ok());
  }

  // Waits (10 s at most, real time) for the query to end.
  static Status Await(const StreamingQueryPtr& q) {
    auto r = q->AwaitTermination(10'000'000);
    if (!r.ok()) return r.status();
    return *r ? Status::OK() : Status::TimedOut("query did not terminate");
  }

  StreamCatalog catalog_;
  ManualClock clock_;
  std::unique_ptr<Env> env_;
  ThreadPool pool_;
  std::shared_ptr<MemoryStreamBuffer> events_;
  std::shared_ptr<MemoryStreamBuffer> clicks_;
  std::shared_ptr<TestSource> events_source_;
  std::shared_ptr<TestSource> clicks_source_;
  std::shared_ptr<RecordingSink> sink_;
  std::unique_ptr<StreamingQueryManager> manager_;
};

using Rows = std::vector<std::string>;

}  // namespace weir::stream::testing
