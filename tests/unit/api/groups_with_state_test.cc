// Arbitrary state in the C++ API (include/weir/group_state.h): GroupByKey with
// FlatMapGroupsWithState and MapGroupsWithState over memory streams, with Spark
// 3.5's GroupState semantics — exists/get on absent state, update, remove, timeouts
// by processing time (driven by a manual clock) and by event time (driven by the
// watermark), the errors GroupState reports, the output-mode rules checked at
// start, restarts that keep state, and batch DataFrames.

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>

#include <gtest/gtest.h>

#include "weir/weir.h"

namespace weir {
namespace {

constexpr int64_t kStartMicros = 1'719'792'000'000'000;  // 2024-07-01T00:00:00Z
constexpr int64_t kStartMs = kStartMicros / 1000;

// Each epoch's rows, as sorted "v1|v2" lines, from a foreachBatch sink.
class Epochs {
 public:
  ForeachBatchFunction Sink() {
    return [this](int64_t epoch, const SchemaPtr&, const std::vector<Batch>& batches) -> Status {
      std::vector<std::string> rows;
      for (const Batch& b : batches) {
        for (int64_t r = 0; r < b.num_rows(); ++r) {
          std::string line;
          for (int c = 0; c < b.num_columns(); ++c) {
            line += (c > 0 ? "|" : "") + GetValue(*b.column(c), b.RowIndex(r)).ToString();
          }
          rows.push_back(std::move(line));
        }
      }
      std::sort(rows.begin(), rows.end());
      std::lock_guard<std::mutex> lock(mu_);
      epochs_[epoch] = std::move(rows);
      return Status::OK();
    };
  }
  std::vector<std::string> Epoch(int64_t epoch) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = epochs_.find(epoch);
    return it == epochs_.end() ? std::vector<std::string>{"<no epoch>"} : it->second;
  }
  // Every epoch's rows, sorted.
  std::vector<std::string> All() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> all;
    for (const auto& [epoch, rows] : epochs_) all.insert(all.end(), rows.begin(), rows.end());
    std::sort(all.begin(), all.end());
    return all;
  }
  int64_t Count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int64_t>(epochs_.size());
  }

 private:
  mutable std::mutex mu_;
  std::map<int64_t, std::vector<std::string>> epochs_;
};

using Strings = std::vector<std::string>;

// A session of events of one user (a trivially copyable state).
struct UserSession {
  int64_t start_micros;
  int64_t end_micros;
  int64_t events;
};

class GroupsWithStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv(&clock_);
    SessionOptions options;
    options.data_dir = "/data";
    options.threads = 2;
    options.env = env_.get();
    options.clock = &clock_;
    options.wait_for_clock = true;  // only the test moves processing time
    session_ = std::make_unique<Session>(Session::Open(std::move(options)).ValueOrDie());
    events_ = std::make_unique<MemoryStream>(
        session_->NewMemoryStream("events", "user STRING, ts TIMESTAMP").ValueOrDie());
  }
  void TearDown() override { session_.reset(); }

  // Events at kStartMicros + `seconds`.
  void Add(const std::vector<std::pair<std::string, int64_t>>& rows) {
    std::vector<std::vector<Value>> values;
    for (const auto& [user, seconds] : rows) {
      values.push_back({Value::String(user), Value::Timestamp(kStartMicros + seconds * 1'000'000)});
    }
    ASSERT_TRUE(events_->AddData(values).ok());
  }

  KeyValueGroupedDataFrame ByUser(const DataFrame& df) {
    return df.GroupByKey({"user"}).ValueOrDie();
  }

  StreamingQueryPtr Start(const DataFrame& df, std::string_view mode, Epochs* epochs,
                          std::string checkpoint = "") {
    DataStreamWriter writer = df.WriteStream().outputMode(mode).foreachBatch(epochs->Sink());
    if (!checkpoint.empty()) writer.option("checkpointLocation", checkpoint);
    Result<StreamingQueryPtr> q = writer.start();
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    return q.ok() ? *q : nullptr;
  }

  static void Process(const StreamingQueryPtr& q) {
    const Status st = q->ProcessAllAvailable();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  static stream::StateOperatorProgress Operator(const StreamingQueryPtr& q) {
    std::optional<StreamingQueryProgress> p = q->last_progress();
    EXPECT_TRUE(p.has_value());
    EXPECT_EQ(p->state_operators.size(), 1u);
    return p.has_value() && !p->state_operators.empty() ? p->state_operators[0]
                                                        : stream::StateOperatorProgress{};
  }

  // The error a query failed with, after it stopped.
  static std::string Failure(const StreamingQueryPtr& q) {
    (void)q->AwaitTermination(10'000'000);
    return q->exception().ToString();
  }

  // A running count per user, in Update mode.
  DataFrame RunningCount(const DataFrame& input) {
    return ByUser(input)
        .FlatMapGroupsWithState<int64_t>(
            OutputMode::kUpdate, GroupStateTimeout::kNoTimeout, "user STRING, n BIGINT",
            [](const std::vector<Value>& key, const GroupRows& rows, GroupState<int64_t>& state,
               GroupOutput& out) -> Status {
              const int64_t n = state.GetOption().value_or(0) + rows.size();
              state.Update(n);
              return out.Emit({key[0], Value::Int64(n)});
            })
        .ValueOrDie();
  }

  ManualClock clock_{kStartMicros};
  std::unique_ptr<Env> env_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<MemoryStream> events_;
};

TEST_F(GroupsWithStateTest, FlatMapKeepsStatePerKeyAcrossEpochs) {
  Epochs out;
  StreamingQueryPtr q = Start(RunningCount(events_->ToDF()), "update", &out);
  Add({{"a", 1}, {"a", 2}, {"b", 3}});
  Process(q);
  EXPECT_EQ(out.Epoch(0), (Strings{"a|2", "b|1"}));
  Add({{"a", 4}});
  Process(q);
  // Called only for the keys with rows in the epoch.
  EXPECT_EQ(out.Epoch(1), (Strings{"a|3"}));
  const stream::StateOperatorProgress op = Operator(q);
  EXPECT_EQ(op.operator_name, "flatMapGroupsWithState");
  EXPECT_EQ(op.num_rows_total, 2);
  EXPECT_EQ(op.num_rows_updated, 1);
  EXPECT_EQ(op.num_rows_removed, 0);
  EXPECT_GT(op.memory_used_bytes, 0);
  q->Stop();
  EXPECT_TRUE(q->exception().ok());
}

TEST_F(GroupsWithStateTest, FunctionSeesTheGroupsRowsInArrivalOrder) {
  Epochs out;
  DataFrame df =
      ByUser(events_->ToDF())
          .FlatMapGroupsWithState<int64_t>(
              OutputMode::kUpdate, GroupStateTimeout::kNoTimeout, "user STRING, seconds STRING",
              [](const std::vector<Value>& key, const GroupRows& rows, GroupState<int64_t>&,
                 GroupOutput& out) -> Status {
                std::string seconds;
                for (GroupRow row : rows) {
                  seconds += std::to_string((row.GetInt64(1) - kStartMicros) / 1'000'000);
                  seconds += row.GetString(0) == key[0].str() ? ";" : "?";
                }
                return out.Emit({key[0], Value::String(seconds)});
              })
          .ValueOrDie();
  StreamingQueryPtr q = Start(df, "update", &out);
  Add({{"a", 3}, {"b", 1}, {"a", 1}, {"a", 2}});
  Process(q);
  EXPECT_EQ(out.Epoch(0), (Strings{"a|3;1;2;", "b|1;"}));
  q->Stop();
}

TEST_F(GroupsWithStateTest, MapGroupsWithStateEmitsOneRowPerKey) {
  Epochs out;
  DataFrame df = ByUser(events_->ToDF())
                     .MapGroupsWithState<int64_t>(
                         GroupStateTimeout::kNoTimeout, "user STRING, total BIGINT",
                         [](const std::vector<Value>& key, const GroupRows& rows,
                            GroupState<int64_t>& state) -> Result<std::vector<Value>> {
                           const int64_t total = state.GetOption().value_or(0) + rows.size();
                           state.Update(total);
                           return std::vector<Value>{key[0], Value::Int64(total)};
                         })
                     .ValueOrDie();
  EXPECT_NE(df.Explain().find("MapGroupsWithState [user], Update, NoTimeout"), std::string::npos)
      << df.Explain();
  StreamingQueryPtr q = Start(df, "update", &out);
  Add({{"a", 1}, {"b", 2}, {"b", 3}});
  Process(q);
  Add({{"b", 4}, {"c", 5}});
  Process(q);
  EXPECT_EQ(out.Epoch(0), (Strings{"a|1", "b|2"}));
  EXPECT_EQ(out.Epoch(1), (Strings{"b|3", "c|1"}));
  q->Stop();
}

TEST_F(GroupsWithStateTest, ExistsGetAndRemove) {
  Epochs out;
  // Each call reports what it saw; a user's "stop" marker (ts second 99) removes
  // the state.
  DataFrame df =
      ByUser(events_->ToDF())
          .FlatMapGroupsWithState<int64_t>(
              OutputMode::kUpdate, GroupStateTimeout::kNoTimeout, "user STRING, seen STRING",
              [](const std::vector<Value>& key, const GroupRows& rows, GroupState<int64_t>& state,
                 GroupOutput& out) -> Status {
                std::string seen = state.Exists() ? "exists" : "absent";
                Result<int64_t> got = state.Get();
                seen +=
                    got.ok() ? " get=" + std::to_string(*got) : " get:" + got.status().message();
                bool stop = false;
                for (GroupRow row : rows)
                  stop = stop || row.GetInt64(1) % 100'000'000 == 99'000'000;
                if (stop) {
                  state.Remove();
                  seen += state.Exists() || state.GetOption().has_value() ? " still" : " removed";
                } else {
                  state.Update(state.GetOption().value_or(0) + rows.size());
                }
                return out.Emit({key[0], Value::String(seen)});
              })
          .ValueOrDie();
  StreamingQueryPtr q = Start(df, "update", &out);
  Add({{"a", 1}, {"b", 2}});
  Process(q);
  EXPECT_EQ(out.Epoch(0),
            (Strings{"a|absent get:State is either not defined or has already been removed",
                     "b|absent get:State is either not defined or has already been removed"}));
  Add({{"a", 3}, {"b", 99}});
  Process(q);
  EXPECT_EQ(out.Epoch(1), (Strings{"a|exists get=1", "b|exists get=1 removed"}));
  stream::StateOperatorProgress op = Operator(q);
  EXPECT_EQ(op.num_rows_total, 1);
  EXPECT_EQ(op.num_rows_updated, 1);
  EXPECT_EQ(op.num_rows_removed, 1);
  Add({{"b", 5}});
  Process(q);
  EXPECT_EQ(out.Epoch(2),
            (Strings{"b|absent get:State is either not defined or has already been removed"}));
  EXPECT_EQ(Operator(q).num_rows_total, 2);
  q->Stop();
}

// Reports each call: (user, count, how, processing time); a timed-out key is removed.
DataFrame CountWithProcessingTimeout(const KeyValueGroupedDataFrame& by_user) {
  return by_user
      .FlatMapGroupsWithState<int64_t>(
          OutputMode::kUpdate, GroupStateTimeout::kProcessingTimeTimeout,
          "user STRING, n BIGINT, how STRING, at_ms BIGINT",
          [](const std::vector<Value>& key, const GroupRows& rows, GroupState<int64_t>& state,
             GroupOutput& out) -> Status {
            const int64_t at = state.GetCurrentProcessingTimeMs() - kStartMs;
            if (state.HasTimedOut()) {
              EXPECT_TRUE(rows.empty());
              ASSIGN_OR_RAISE(int64_t n, state.Get());
              state.Remove();
              return out.Emit(
                  {key[0], Value::Int64(n), Value::String("timeout"), Value::Int64(at)});
            }
            const int64_t n = state.GetOption().value_or(0) + rows.size();
            state.Update(n);
            RETURN_NOT_OK(state.SetTimeoutDuration("10 seconds"));
            return out.Emit({key[0], Value::Int64(n), Value::String("data"), Value::Int64(at)});
          })
      .ValueOrDie();
}

TEST_F(GroupsWithStateTest, ProcessingTimeTimeoutsFireOnTheBatchTimestamp) {
  Epochs out;
  StreamingQueryPtr q = Start(CountWithProcessingTimeout(ByUser(events_->ToDF())), "update", &out);
  Add({{"a", 0}});
  Process(q);
  EXPECT_EQ(out.Epoch(0), (Strings{"a|1|data|0"}));
  clock_.Advance(5'000'000);
  Add({{"b", 0}});
  Process(q);
  EXPECT_EQ(out.Epoch(1), (Strings{"b|1|data|5000"}));
  // At exactly +10 s a's timeout (0 + 10 s) is not before the batch timestamp.
  clock_.Advance(5'000'000);
  Process(q);
  EXPECT_EQ(out.Count(), 2);
  // Past it: an epoch without data calls a, timed out.
  clock_.Advance(1'000);
  Process(q);
  EXPECT_EQ(out.Count(), 3);
  EXPECT_EQ(out.Epoch(2), (Strings{"a|1|timeout|10001"}));
  EXPECT_EQ(q->last_progress()->num_input_rows, 0);
  EXPECT_EQ(Operator(q).num_rows_total, 1);
  EXPECT_EQ(Operator(q).num_rows_removed, 1);
  // New rows reset b's timeout: it is 10 s after the call that had them.
  clock_.Advance(4'000'000);  // +14.001 s
  Add({{"b", 1}});
  Process(q);
  EXPECT_EQ(out.Epoch(3), (Strings{"b|2|data|14001"}));
  clock_.Advance(2'000'000);  // +16.001 s: b's first timeout (+15 s) was replaced
  Process(q);
  EXPECT_EQ(out.Count(), 4);
  clock_.Advance(8'000'000);  // +24.001 s: b's timeout, not before it
  Process(q);
  EXPECT_EQ(out.Count(), 4);
  clock_.Advance(1'000);
  Process(q);
  EXPECT_EQ(out.Epoch(4), (Strings{"b|2|timeout|24002"}));
  EXPECT_EQ(Operator(q).num_rows_total, 0);
  q->Stop();
  EXPECT_TRUE(q->exception().ok()) << q->exception().ToString();
}

TEST_F(GroupsWithStateTest, TimeoutIsResetByEveryCall) {
  Epochs out;
  // Sets a timeout only for the first rows of a key.
  DataFrame df = ByUser(events_->ToDF())
                     .FlatMapGroupsWithState<int64_t>(
                         OutputMode::kUpdate, GroupStateTimeout::kProcessingTimeTimeout,
                         "user STRING, how STRING",
                         [](const std::vector<Value>& key, const GroupRows&,
                            GroupState<int64_t>& state, GroupOutput& out) -> Status {
                           if (state.HasTimedOut())
                             return out.Emit({key[0], Value::String("timeout")});
                           if (!state.Exists()) RETURN_NOT_OK(state.SetTimeoutDuration(1000));
                           state.Update(1);
                           return out.Emit({key[0], Value::String("data")});
                         })
                     .ValueOrDie();
  StreamingQueryPtr q = Start(df, "update", &out);
  Add({{"a", 0}, {"b", 0}});
  Process(q);
  Add({{"a", 1}});  // a's second call sets no timeout: a never times out
  Process(q);
  clock_.Advance(2'000'000);
  Process(q);
  EXPECT_EQ(out.Count(), 3);
  EXPECT_EQ(out.Epoch(2), (Strings{"b|timeout"}));
  // b's timed-out call set no timeout either, and kept its state.
  clock_.Advance(10'000'000);
  Process(q);
  EXPECT_EQ(out.Count(), 3);
  EXPECT_EQ(Operator(q).num_rows_total, 2);
  q->Stop();
}

// Sessions of events per user that end after `gap` seconds without events, by event
// time: a session is emitted (Append mode) when the watermark passes its end + gap.
DataFrame Sessions(const DataFrame& events, OutputMode mode) {
  return events.WithWatermark("ts", "10 seconds")
      .ValueOrDie()
      .GroupByKey({"user"})
      .ValueOrDie()
      .FlatMapGroupsWithState<UserSession>(
          mode, GroupStateTimeout::kEventTimeTimeout,
          "user STRING, session_start TIMESTAMP, session_end TIMESTAMP, events BIGINT, "
          "closed BOOLEAN",
          [mode](const std::vector<Value>& key, const GroupRows& rows,
                 GroupState<UserSession>& state, GroupOutput& out) -> Status {
            if (state.HasTimedOut()) {
              ASSIGN_OR_RAISE(UserSession s, state.Get());
              state.Remove();
              return out.Emit({key[0], Value::Timestamp(s.start_micros),
                               Value::Timestamp(s.end_micros), Value::Int64(s.events),
                               Value::Boolean(true)});
            }
            UserSession s = state.GetOption().value_or(
                UserSession{rows[0].GetInt64(1), rows[0].GetInt64(1), 0});
            for (GroupRow row : rows) {
              s.start_micros = std::min(s.start_micros, row.GetInt64(1));
              s.end_micros = std::max(s.end_micros, row.GetInt64(1));
              ++s.events;
            }
            state.Update(s);
            RETURN_NOT_OK(state.SetTimeoutTimestamp(s.end_micros / 1000, "30 seconds"));
            if (mode == OutputMode::kAppend) return Status::OK();
            return out.Emit({key[0], Value::Timestamp(s.start_micros),
                             Value::Timestamp(s.end_micros), Value::Int64(s.events),
                             Value::Boolean(false)});
          })
      .ValueOrDie();
}

TEST_F(GroupsWithStateTest, EventTimeTimeoutsFireWhenTheWatermarkPasses) {
  Epochs out;
  StreamingQueryPtr q = Start(Sessions(events_->ToDF(), OutputMode::kAppend), "append", &out);
  // Each epoch runs with the watermark of the epochs before it (max event time - 10
  // s); each advance of it runs an epoch without data, where timeouts fire.
  Add({{"a", 0}, {"a", 5}, {"b", 8}});  // timeouts: a +35 s, b +38 s; watermark -> -2 s
  Process(q);
  Add({{"a", 20}});  // a: +50 s; watermark -> +10 s
  Process(q);
  EXPECT_EQ(out.All(), Strings{});
  Add({{"c", 60}});  // watermark -> +50 s: b's +38 s is before it, a's +50 s is not
  Process(q);
  EXPECT_EQ(out.All(), (Strings{"b|2024-07-01 00:00:08|2024-07-01 00:00:08|1|true"}));
  EXPECT_EQ(q->last_progress()->num_input_rows, 0);  // the epoch without data
  EXPECT_EQ(Operator(q).num_rows_removed, 1);
  Add({{"c", 61}, {"a", 30}});  // a at +30 s is late (watermark +50 s): dropped
  Process(q);
  EXPECT_EQ(out.All(), (Strings{"a|2024-07-01 00:00:00|2024-07-01 00:00:20|3|true",
                                "b|2024-07-01 00:00:08|2024-07-01 00:00:08|1|true"}));
  int64_t dropped = 0;
  for (const StreamingQueryProgress& p : q->recent_progress()) {
    dropped += p.state_operators.at(0).num_rows_dropped_by_watermark;
  }
  EXPECT_EQ(dropped, 1);
  const stream::StateOperatorProgress op = Operator(q);
  EXPECT_EQ(op.num_rows_total, 1);  // c
  EXPECT_EQ(op.custom_metrics.at("numRowsBehindWatermark"), 0);
  q->Stop();
  EXPECT_TRUE(q->exception().ok()) << q->exception().ToString();
}

TEST_F(GroupsWithStateTest, UpdateModeEmitsOpenSessionsToo) {
  Epochs out;
  StreamingQueryPtr q = Start(Sessions(events_->ToDF(), OutputMode::kUpdate), "update", &out);
  Add({{"a", 0}, {"a", 5}});
  Process(q);
  EXPECT_EQ(out.All(), (Strings{"a|2024-07-01 00:00:00|2024-07-01 00:00:05|2|false"}));
  Add({{"b", 100}});
  Process(q);
  EXPECT_EQ(out.All(), (Strings{"a|2024-07-01 00:00:00|2024-07-01 00:00:05|2|false",
                                "a|2024-07-01 00:00:00|2024-07-01 00:00:05|2|true",
                                "b|2024-07-01 00:01:40|2024-07-01 00:01:40|1|false"}));
  q->Stop();
}

TEST_F(GroupsWithStateTest, TimeoutTimestampBeforeTheWatermarkFailsTheQuery) {
  Epochs out;
  DataFrame df =
      ByUser(events_->ToDF().WithWatermark("ts", "10 seconds").ValueOrDie())
          .FlatMapGroupsWithState<int64_t>(
              OutputMode::kUpdate, GroupStateTimeout::kEventTimeTimeout, "user STRING",
              [](const std::vector<Value>& key, const GroupRows& rows, GroupState<int64_t>& state,
                 GroupOutput& out) -> Status {
                if (state.HasTimedOut()) return Status::OK();
                // An hour before the key's first row.
                RETURN_NOT_OK(state.SetTimeoutTimestamp(rows[0].GetInt64(1) / 1000 - 3'600'000));
                return out.Emit({key[0]});
              })
          .ValueOrDie();
  StreamingQueryPtr q = Start(df, "update", &out);
  Add({{"a", 0}});  // the first epoch's watermark is 0: the timestamp is fine
  Process(q);       // (and the next epoch, at watermark -10 s, times it out)
  EXPECT_EQ(out.Epoch(0), Strings{"a"});
  Add({{"a", 60}});  // runs with the watermark -10 s
  EXPECT_FALSE(q->ProcessAllAvailable().ok());
  EXPECT_NE(Failure(q).find("cannot be earlier than the current watermark (" +
                            std::to_string(kStartMs - 10'000) + ")"),
            std::string::npos)
      << Failure(q);
}

TEST_F(GroupsWithStateTest, TimeoutsMustBeEnabled) {
  Epochs out;
  DataFrame df = ByUser(events_->ToDF())
                     .FlatMapGroupsWithState<int64_t>(
                         OutputMode::kUpdate, GroupStateTimeout::kNoTimeout, "user STRING",
                         [](const std::vector<Value>& key, const GroupRows&,
                            GroupState<int64_t>& state, GroupOutput& out) -> Status {
                           RETURN_NOT_OK(state.SetTimeoutDuration("1 minute"));
                           return out.Emit({key[0]});
                         })
                     .ValueOrDie();
  StreamingQueryPtr q = Start(df, "update", &out);
  Add({{"a", 0}});
  EXPECT_FALSE(q->ProcessAllAvailable().ok());
  EXPECT_NE(Failure(q).find("Cannot set timeout duration without enabling processing time "
                            "timeout in [map|flatMap]GroupsWithState"),
            std::string::npos)
      << Failure(q);
  EXPECT_EQ(q->exception().code(), StatusCode::kUnsupported);
}

// GroupState's own checks, seen from a batch query (each key once).
TEST_F(GroupsWithStateTest, GroupStateChecksItsArguments) {
  DataFrame input = session_->Sql("SELECT * FROM VALUES ('a') AS t(k)").ValueOrDie();
  auto run = [&](GroupStateTimeout timeout,
                 std::function<Status(GroupState<int64_t>&)> call) -> std::string {
    DataFrame df = input.GroupByKey({"k"})
                       .ValueOrDie()
                       .FlatMapGroupsWithState<int64_t>(
                           OutputMode::kUpdate, timeout, "r STRING",
                           [call](const std::vector<Value>&, const GroupRows&,
                                  GroupState<int64_t>& state, GroupOutput& out) -> Status {
                             const Status st = call(state);
                             return out.Emit({Value::String(st.ok() ? "ok" : st.message())});
                           })
                       .ValueOrDie();
    auto rows = df.CollectRows().ValueOrDie();
    return rows.size() == 1 ? rows[0][0].str() : "<" + std::to_string(rows.size()) + " rows>";
  };
  using T = GroupStateTimeout;
  EXPECT_EQ(run(T::kProcessingTimeTimeout, [](auto& s) { return s.SetTimeoutDuration(1000); }),
            "ok");
  EXPECT_EQ(run(T::kProcessingTimeTimeout, [](auto& s) { return s.SetTimeoutDuration(0); }),
            "Timeout duration must be positive");
  EXPECT_EQ(run(T::kProcessingTimeTimeout, [](auto& s) { return s.SetTimeoutDuration("-1 hour"); }),
            "Provided duration (-1 hour) is negative");
  EXPECT_EQ(run(T::kProcessingTimeTimeout, [](auto& s) { return s.SetTimeoutDuration("soon"); }),
            "Cannot parse the duration 'soon' as an interval");
  EXPECT_EQ(run(T::kProcessingTimeTimeout, [](auto& s) { return s.SetTimeoutTimestamp(1000); }),
            "Cannot set timeout timestamp without enabling event time timeout in "
            "[map|flatMapGroupsWithState");
  EXPECT_EQ(run(T::kEventTimeTimeout, [](auto& s) { return s.SetTimeoutDuration(1000); }),
            "Cannot set timeout duration without enabling processing time timeout in "
            "[map|flatMap]GroupsWithState");
  EXPECT_EQ(run(T::kEventTimeTimeout, [](auto& s) { return s.SetTimeoutTimestamp(0); }),
            "Timeout timestamp must be positive");
  EXPECT_EQ(run(T::kEventTimeTimeout, [](auto& s) { return s.SetTimeoutTimestamp(1, "1 day"); }),
            "ok");
  EXPECT_EQ(run(T::kNoTimeout, [](auto& s) { return s.SetTimeoutTimestamp(1, "1 day"); }),
            "Cannot set timeout timestamp without enabling event time timeout in "
            "[map|flatMapGroupsWithState");
}

TEST_F(GroupsWithStateTest, CurrentWatermarkNeedsAWatermark) {
  auto watermark_of = [](const KeyValueGroupedDataFrame& by_user) {
    return by_user
        .FlatMapGroupsWithState<int64_t>(
            OutputMode::kUpdate, GroupStateTimeout::kNoTimeout, "user STRING, wm STRING",
            [](const std::vector<Value>& key, const GroupRows&, GroupState<int64_t>& state,
               GroupOutput& out) -> Status {
              Result<int64_t> wm = state.GetCurrentWatermarkMs();
              return out.Emit(
                  {key[0], Value::String(wm.ok() ? std::to_string(*wm) : wm.status().message())});
            })
        .ValueOrDie();
  };
  Epochs plain;
  StreamingQueryPtr q1 = Start(watermark_of(ByUser(events_->ToDF())), "update", &plain);
  Epochs marked;
  StreamingQueryPtr q2 =
      Start(watermark_of(ByUser(events_->ToDF().WithWatermark("ts", "10 seconds").ValueOrDie())),
            "update", &marked);
  Add({{"a", 100}});
  Process(q1);
  Process(q2);
  Add({{"a", 200}});
  Process(q1);
  Process(q2);
  EXPECT_EQ(plain.Epoch(0), (Strings{"a|Cannot get event time watermark timestamp without "
                                     "setting watermark before [map|flatMap]GroupsWithState"}));
  EXPECT_EQ(marked.Epoch(0), (Strings{"a|0"}));
  EXPECT_EQ(marked.Epoch(1), (Strings{"a|" + std::to_string(kStartMs + 90'000)}));
  q1->Stop();
  q2->Stop();
}

TEST_F(GroupsWithStateTest, OutputModeRulesAreCheckedAtStart) {
  DataFrame input = events_->ToDF();
  auto map_count =
      ByUser(input)
          .MapGroupsWithState<int64_t>(GroupStateTimeout::kNoTimeout, "user STRING",
                                       [](const std::vector<Value>& key, const GroupRows&,
                                          GroupState<int64_t>&) -> Result<std::vector<Value>> {
                                         return std::vector<Value>{key[0]};
                                       })
          .ValueOrDie();
  auto flat = [&](OutputMode mode, GroupStateTimeout timeout = GroupStateTimeout::kNoTimeout) {
    return ByUser(input)
        .FlatMapGroupsWithState<int64_t>(
            mode, timeout, "user STRING",
            [](const std::vector<Value>& key, const GroupRows&, GroupState<int64_t>&,
               GroupOutput& out) -> Status { return out.Emit({key[0]}); })
        .ValueOrDie();
  };
  auto refused = [](const DataFrame& df, std::string_view mode) {
    Epochs unused;
    Result<StreamingQueryPtr> q =
        df.WriteStream().outputMode(mode).foreachBatch(unused.Sink()).start();
    if (q.ok()) {
      (*q)->Stop();
      return std::string("started");
    }
    EXPECT_EQ(q.status().code(), StatusCode::kUnsupported);
    return q.status().message();
  };
  auto starts_with = [](const std::string& s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
  };
  EXPECT_TRUE(starts_with(refused(map_count, "append"),
                          "mapGroupsWithState is not supported with Append output mode on a "
                          "streaming DataFrame/Dataset"));
  EXPECT_TRUE(starts_with(refused(map_count, "complete"),
                          "Complete output mode not supported when there are no streaming "
                          "aggregations"));
  EXPECT_EQ(refused(map_count, "update"), "started");
  EXPECT_TRUE(starts_with(refused(flat(OutputMode::kUpdate), "append"),
                          "flatMapGroupsWithState in update mode is not supported with Append "
                          "output mode on a streaming DataFrame/Dataset"));
  EXPECT_TRUE(starts_with(refused(flat(OutputMode::kAppend), "update"),
                          "flatMapGroupsWithState in append mode is not supported with Update "
                          "output mode on a streaming DataFrame/Dataset"));
  EXPECT_EQ(refused(flat(OutputMode::kAppend), "append"), "started");
  EXPECT_EQ(refused(flat(OutputMode::kUpdate), "update"), "started");
  EXPECT_TRUE(starts_with(
      refused(flat(OutputMode::kUpdate, GroupStateTimeout::kEventTimeTimeout), "update"),
      "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for "
      "using event-time timeout in a [map|flatMap]GroupsWithState."));
  // With an aggregation in the query.
  DataFrame counted = map_count.Select("count(*) AS n").ValueOrDie();
  EXPECT_TRUE(starts_with(refused(counted, "update"),
                          "mapGroupsWithState is not supported with aggregation on a streaming "
                          "DataFrame/Dataset"));
  EXPECT_TRUE(starts_with(
      refused(flat(OutputMode::kUpdate).Select("count(*) AS n").ValueOrDie(), "complete"),
      "flatMapGroupsWithState in update mode is not supported with "
      "aggregation on a streaming DataFrame/Dataset"));
  EXPECT_EQ(ByUser(input)
                .FlatMapGroupsWithState<int64_t>(
                    OutputMode::kComplete, GroupStateTimeout::kNoTimeout, "user STRING",
                    [](const std::vector<Value>&, const GroupRows&, GroupState<int64_t>&,
                       GroupOutput&) { return Status::OK(); })
                .status()
                .message(),
            "The output mode of function should be append or update");
}

TEST_F(GroupsWithStateTest, RestartKeepsStateAndTimeouts) {
  Epochs out;
  const std::string checkpoint = "/ckpt/gws-restart";
  DataFrame df = CountWithProcessingTimeout(ByUser(events_->ToDF()));
  StreamingQueryPtr q = Start(df, "update", &out, checkpoint);
  Add({{"a", 0}, {"a", 1}, {"b", 2}});
  Process(q);
  q->Stop();
  Add({{"a", 3}});
  clock_.Advance(3'000'000);
  StreamingQueryPtr again = Start(df, "update", &out, checkpoint);
  Process(again);
  EXPECT_EQ(out.Epoch(1), (Strings{"a|3|data|3000"}));
  // b's timeout (+10 s) survived the restart.
  clock_.Advance(8'000'000);
  Process(again);
  EXPECT_EQ(out.Epoch(2), (Strings{"b|1|timeout|11000"}));
  again->Stop();
  EXPECT_TRUE(again->exception().ok()) << again->exception().ToString();
}

TEST_F(GroupsWithStateTest, BatchDataFrameCallsEachGroupOnce) {
  DataFrame input =
      session_->Sql("SELECT * FROM VALUES ('a', 1), ('b', 2), ('a', 3), (NULL, 4) AS t(k, v)")
          .ValueOrDie();
  DataFrame df =
      input.GroupByKey({"k"})
          .ValueOrDie()
          .FlatMapGroupsWithState<int64_t>(
              OutputMode::kUpdate, GroupStateTimeout::kProcessingTimeTimeout,
              "k STRING, total BIGINT, state STRING, wm BIGINT, now_ms BIGINT",
              [](const std::vector<Value>& key, const GroupRows& rows, GroupState<int64_t>& state,
                 GroupOutput& out) -> Status {
                int64_t total = 0;
                for (GroupRow row : rows) total += row.GetInt32(1);
                const std::string seen = state.Exists() ? "exists" : "absent";
                state.Update(total);
                RETURN_NOT_OK(state.SetTimeoutDuration("1 hour"));  // no effect in batch
                ASSIGN_OR_RAISE(int64_t wm, state.GetCurrentWatermarkMs());
                return out.Emit({key[0], Value::Int64(total), Value::String(seen), Value::Int64(wm),
                                 Value::Int64(state.GetCurrentProcessingTimeMs())});
              })
          .ValueOrDie();
  EXPECT_FALSE(df.IsStreaming());
  std::vector<std::string> rows;
  for (const auto& row : df.CollectRows().ValueOrDie()) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += (i > 0 ? "|" : "") + row[i].ToString();
    rows.push_back(line);
  }
  std::sort(rows.begin(), rows.end());
  const std::string now = std::to_string(kStartMs);
  EXPECT_EQ(rows,
            (Strings{"NULL|4|absent|-1|" + now, "a|4|absent|-1|" + now, "b|2|absent|-1|" + now}));
}

TEST_F(GroupsWithStateTest, KeysAreExpressions) {
  DataFrame input =
      session_->Sql("SELECT * FROM VALUES ('A', 1), ('a', 2), ('b', 3) AS t(k, v)").ValueOrDie();
  KeyValueGroupedDataFrame by = input.GroupByKey({"lower(k)", "v > 1"}).ValueOrDie();
  EXPECT_EQ(by.KeySchema()->ToString(), "struct<lower(k):string,v > 1:boolean>");
  DataFrame df =
      by.FlatMapGroupsWithState<int64_t>(
            OutputMode::kAppend, GroupStateTimeout::kNoTimeout, "k STRING, big BOOLEAN, n BIGINT",
            [](const std::vector<Value>& key, const GroupRows& rows, GroupState<int64_t>&,
               GroupOutput& out) -> Status {
              return out.Emit({key[0], key[1], Value::Int64(rows.size())});
            })
          .ValueOrDie();
  auto rows = df.Select("*").ValueOrDie().CollectRows().ValueOrDie();
  std::vector<std::string> lines;
  for (const auto& r : rows) lines.push_back(r[0].ToString() + r[1].ToString() + r[2].ToString());
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (Strings{"afalse1", "atrue1", "btrue1"}));
  EXPECT_EQ(input.GroupByKey({"nope"}).status().code(), StatusCode::kInvalidSql);
  EXPECT_EQ(input.GroupByKey({}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(GroupsWithStateTest, UserErrorsFailTheQuery) {
  auto failing = [&](std::function<Status(GroupOutput&)> body) {
    Epochs out;
    DataFrame df = ByUser(events_->ToDF())
                       .FlatMapGroupsWithState<int64_t>(
                           OutputMode::kUpdate, GroupStateTimeout::kNoTimeout, "n BIGINT",
                           [body](const std::vector<Value>&, const GroupRows&, GroupState<int64_t>&,
                                  GroupOutput& out) { return body(out); })
                       .ValueOrDie();
    StreamingQueryPtr q = Start(df, "update", &out);
    Add({{"a", 0}});
    EXPECT_FALSE(q->ProcessAllAvailable().ok());
    return Failure(q);
  };
  EXPECT_NE(
      failing([](GroupOutput&) { return Status::InvalidArgument("no thanks"); }).find("no thanks"),
      std::string::npos);
  EXPECT_NE(failing([](GroupOutput&) -> Status {
              throw std::runtime_error("boom");
            }).find("the [flat]mapGroupsWithState function failed: boom"),
            std::string::npos);
  EXPECT_NE(failing([](GroupOutput& out) { return out.Emit({Value::String("x")}); }), "OK");
}

TEST_F(GroupsWithStateTest, ListAndStringStates) {
  Epochs out;
  DataFrame df =
      ByUser(events_->ToDF())
          .FlatMapGroupsWithState<std::vector<std::string>>(
              OutputMode::kUpdate, GroupStateTimeout::kNoTimeout, "user STRING, seconds STRING",
              [](const std::vector<Value>& key, const GroupRows& rows,
                 GroupState<std::vector<std::string>>& state, GroupOutput& out) -> Status {
                std::vector<std::string> seen =
                    state.GetOption().value_or(std::vector<std::string>{});
                for (GroupRow row : rows) {
                  seen.push_back(std::to_string((row.GetInt64(1) - kStartMicros) / 1'000'000));
                }
                state.Update(seen);
                std::string joined;
                for (const std::string& s : seen) joined += s + ",";
                return out.Emit({key[0], Value::String(joined)});
              })
          .ValueOrDie();
  StreamingQueryPtr q = Start(df, "update", &out);
  Add({{"a", 1}, {"a", 2}});
  Process(q);
  Add({{"a", 30}, {"b", 4}});
  Process(q);
  EXPECT_EQ(out.Epoch(1), (Strings{"a|1,2,30,", "b|4,"}));
  q->Stop();
}

}  // namespace
}  // namespace weir
