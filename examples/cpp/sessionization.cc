// Sessionization with flatMapGroupsWithState (docs/api.md, "Arbitrary state").
//
// Clicks (user, ts, page) arrive on a memory stream. A session collects a user's
// clicks until 30 seconds of event time pass without one: a click more than 30 s
// after the session's last one starts a new session, and a session whose timeout
// (last click + 30 s) the watermark passes is closed by an event-time timeout. Closed
// sessions go to a memory sink in Append mode, which SQL reads at the end. The
// program checks its own output and exits non-zero on a mismatch, so that
// `make test` proves the example works.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <tuple>

#include <unistd.h>

#include "weir/weir.h"

using namespace weir;

namespace {

constexpr int64_t kGapMicros = 30'000'000;

// The state of one user's open session: trivially copyable, so weir stores its bytes.
struct ClickSession {
  int64_t start_micros;
  int64_t end_micros;
  int64_t clicks;
};

Status EmitClosed(const Value& user, const ClickSession& s, GroupOutput& out) {
  return out.Emit({user, Value::Timestamp(s.start_micros), Value::Timestamp(s.end_micros),
                   Value::Int64(s.clicks)});
}

// Called once per user with clicks in an epoch, and once per user whose session
// timed out (no clicks then).
Status Sessionize(const std::vector<Value>& key, const GroupRows& rows,
                  GroupState<ClickSession>& state, GroupOutput& out) {
  if (state.HasTimedOut()) {
    ASSIGN_OR_RAISE(ClickSession closed, state.Get());
    state.Remove();
    return EmitClosed(key[0], closed, out);
  }
  // A group's rows come in no particular order: sort the click times.
  std::vector<int64_t> times;
  for (GroupRow row : rows) times.push_back(row.GetInt64(1));
  std::sort(times.begin(), times.end());
  std::optional<ClickSession> s = state.GetOption();
  for (int64_t t : times) {
    if (s.has_value() && t > s->end_micros + kGapMicros) {
      RETURN_NOT_OK(EmitClosed(key[0], *s, out));
      s.reset();
    }
    if (!s.has_value()) s = ClickSession{t, t, 0};
    s->end_micros = std::max(s->end_micros, t);
    ++s->clicks;
  }
  state.Update(*s);
  // Closed when the watermark passes the last click + 30 s.
  return state.SetTimeoutTimestamp(s->end_micros / 1000, "30 seconds");
}

// Adds clicks (user, "hh:mm:ss" on 2024-07-01, page).
Status AddClicks(MemoryStream& clicks,
                 const std::vector<std::tuple<std::string, std::string, std::string>>& rows) {
  std::vector<std::vector<Value>> data;
  for (const auto& [user, time, page] : rows) {
    const int64_t seconds = std::stoll(time.substr(0, 2)) * 3600 +
                            std::stoll(time.substr(3, 2)) * 60 + std::stoll(time.substr(6, 2));
    data.push_back({Value::String(user),
                    Value::Timestamp(1'719'792'000'000'000 + seconds * 1'000'000),
                    Value::String(page)});
  }
  return clicks.AddData(data).status();
}

Status Run(const std::string& data_dir, std::string* report) {
  SessionOptions options;
  options.data_dir = data_dir;
  ASSIGN_OR_RAISE(Session session, Session::Open(options));
  ASSIGN_OR_RAISE(MemoryStream clicks,
                  session.NewMemoryStream("clicks", "user STRING, ts TIMESTAMP, page STRING"));

  // The watermark trails the latest click by 10 seconds.
  ASSIGN_OR_RAISE(DataFrame marked, clicks.ToDF().WithWatermark("ts", "10 seconds"));
  ASSIGN_OR_RAISE(KeyValueGroupedDataFrame by_user, marked.GroupByKey({"user"}));
  ASSIGN_OR_RAISE(DataFrame sessions,
                  by_user.FlatMapGroupsWithState<ClickSession>(
                      OutputMode::kAppend, GroupStateTimeout::kEventTimeTimeout,
                      "user STRING, session_start TIMESTAMP, session_end TIMESTAMP, clicks BIGINT",
                      Sessionize));
  ASSIGN_OR_RAISE(
      StreamingQueryPtr query,
      sessions.WriteStream().format("memory").queryName("sessions").outputMode("append").start());

  RETURN_NOT_OK(AddClicks(
      clicks,
      {{"ann", "10:00:00", "/home"}, {"bob", "10:00:05", "/home"}, {"ann", "10:00:10", "/cart"}}));
  RETURN_NOT_OK(query->ProcessAllAvailable());
  // bob's click is more than 30 s after his last: his first session closes. The
  // watermark moves to 10:01:20, past ann's timeout (10:00:50).
  RETURN_NOT_OK(AddClicks(clicks, {{"ann", "10:00:20", "/pay"}, {"bob", "10:01:30", "/home"}}));
  RETURN_NOT_OK(query->ProcessAllAvailable());
  // The watermark moves to 10:02:50, past bob's second session (10:02:00).
  RETURN_NOT_OK(AddClicks(clicks, {{"cat", "10:03:00", "/home"}}));
  RETURN_NOT_OK(query->ProcessAllAvailable());

  ASSIGN_OR_RAISE(DataFrame closed,
                  session.Sql("SELECT * FROM sessions ORDER BY session_start, user"));
  ASSIGN_OR_RAISE(std::string shown, closed.Show());
  *report += shown;
  const StreamingQueryProgress progress = *query->last_progress();
  const auto& op = progress.state_operators.at(0);
  *report += op.operator_name + ": " + std::to_string(op.num_rows_total) + " open session(s)\n";
  query->Stop();
  return query->exception();
}

}  // namespace

int main() {
  const std::string data_dir =
      (std::filesystem::temp_directory_path() / ("weir-sessions-" + std::to_string(getpid())))
          .string();
  std::string report;
  Status st = Run(data_dir, &report);
  std::filesystem::remove_all(data_dir);
  std::cout << report;
  if (!st.ok()) {
    std::cerr << "error: " << st << "\n";
    return 1;
  }
  const std::string expected =
      "+----+-------------------+-------------------+------+\n"
      "|user|      session_start|        session_end|clicks|\n"
      "+----+-------------------+-------------------+------+\n"
      "| ann|2024-07-01 10:00:00|2024-07-01 10:00:20|     3|\n"
      "| bob|2024-07-01 10:00:05|2024-07-01 10:00:05|     1|\n"
      "| bob|2024-07-01 10:01:30|2024-07-01 10:01:30|     1|\n"
      "+----+-------------------+-------------------+------+\n"
      "flatMapGroupsWithState: 1 open session(s)\n";
  if (report != expected) {
    std::cerr << "unexpected output; expected:\n" << expected;
    return 1;
  }
  std::cout << "ok\n";
  return 0;
}
