// The built-in [flat]mapGroupsWithState functions of weir_stest (stest_state_demos.h).

#include "stest_state_demos.h"

#include <algorithm>
#include <optional>

namespace weir::stest {

namespace {

// The state of .sessionize (trivially copyable: stored as its bytes).
struct DemoSession {
  int64_t start_micros;
  int64_t end_micros;
  int64_t events;
};

struct SessionConfig {
  GroupStateTimeout timeout = GroupStateTimeout::kNoTimeout;
  std::string gap;
  bool append = false;
  bool from_start = false;
  int ts = -1;  // the input's `ts` column, or -1
};

Result<GroupStateTimeout> TimeoutOf(const std::string& kind) {
  if (kind == "event") return GroupStateTimeout::kEventTimeTimeout;
  if (kind == "processing") return GroupStateTimeout::kProcessingTimeTimeout;
  if (kind == "none") return GroupStateTimeout::kNoTimeout;
  return Status::InvalidArgument("a timeout is event, processing or none, not " + kind);
}

// The input's first column as the key, and its `ts` column (TIMESTAMP) if any.
Result<KeyValueGroupedDataFrame> ByFirstColumn(const DataFrame& df, int* ts) {
  const SchemaPtr& schema = df.Schema();
  *ts = -1;
  if (std::optional<int> i = schema->FindField("ts");
      i.has_value() && schema->field(*i).type.id() == TypeId::kTimestamp) {
    *ts = *i;
  }
  return df.GroupByKey({"`" + schema->field(0).name + "`"});
}

Result<DataFrame> Sessionize(const DataFrame& df, const std::vector<std::string>& args) {
  if (args.size() < 2) return Status::InvalidArgument(".sessionize(<timeout>, <gap>, ...)");
  SessionConfig cfg;
  ASSIGN_OR_RAISE(cfg.timeout, TimeoutOf(args[0]));
  cfg.gap = args[1];
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "append" || args[i] == "update") {
      cfg.append = args[i] == "append";
    } else if (args[i] == "start" || args[i] == "end") {
      cfg.from_start = args[i] == "start";
    } else {
      return Status::InvalidArgument(".sessionize: unknown option " + args[i]);
    }
  }
  ASSIGN_OR_RAISE(KeyValueGroupedDataFrame by_key, ByFirstColumn(df, &cfg.ts));
  const Field& key = df.Schema()->field(0);
  SchemaPtr output = MakeSchema(
      {Field{key.name, key.type, true}, Field{"session_start", DataType::Timestamp(), true},
       Field{"session_end", DataType::Timestamp(), true}, Field{"events", DataType::Int64(), true},
       Field{"closed", DataType::Boolean(), true}});
  const OutputMode mode = cfg.append ? OutputMode::kAppend : OutputMode::kUpdate;
  return by_key.FlatMapGroupsWithState<DemoSession>(
      mode, cfg.timeout, std::move(output),
      [cfg](const std::vector<Value>& k, const GroupRows& rows, GroupState<DemoSession>& state,
            GroupOutput& out) -> Status {
        auto emit = [&](const DemoSession& s, bool closed) {
          return out.Emit({k[0], Value::Timestamp(s.start_micros), Value::Timestamp(s.end_micros),
                           Value::Int64(s.events), Value::Boolean(closed)});
        };
        if (state.HasTimedOut()) {
          ASSIGN_OR_RAISE(DemoSession s, state.Get());
          if (!cfg.from_start) state.Remove();
          return emit(s, true);
        }
        const int64_t now = state.GetCurrentProcessingTimeMs() * 1000;
        std::optional<DemoSession> s = state.GetOption();
        for (GroupRow row : rows) {
          const int64_t t = cfg.ts >= 0 && !row.IsNull(cfg.ts) ? row.GetInt64(cfg.ts) : now;
          if (!s.has_value()) s = DemoSession{t, t, 0};
          s->start_micros = std::min(s->start_micros, t);
          s->end_micros = std::max(s->end_micros, t);
          ++s->events;
        }
        if (!s.has_value()) return Status::OK();
        state.Update(*s);
        if (cfg.timeout == GroupStateTimeout::kEventTimeTimeout) {
          const int64_t anchor = cfg.from_start ? s->start_micros : s->end_micros;
          RETURN_NOT_OK(state.SetTimeoutTimestamp(anchor / 1000, cfg.gap));
        } else {
          RETURN_NOT_OK(state.SetTimeoutDuration(std::string_view(cfg.gap)));
        }
        return cfg.append ? Status::OK() : emit(*s, false);
      });
}

Result<DataFrame> CountByKey(const DataFrame& df, const std::vector<std::string>& args) {
  GroupStateTimeout timeout = GroupStateTimeout::kNoTimeout;
  std::string duration;
  if (!args.empty()) {
    if (args.size() != 2) return Status::InvalidArgument(".countByKey([<timeout>, <duration>])");
    ASSIGN_OR_RAISE(timeout, TimeoutOf(args[0]));
    duration = args[1];
  }
  int ts = -1;
  ASSIGN_OR_RAISE(KeyValueGroupedDataFrame by_key, ByFirstColumn(df, &ts));
  const Field& key = df.Schema()->field(0);
  SchemaPtr output =
      MakeSchema({Field{key.name, key.type, true}, Field{"count", DataType::Int64(), true},
                  Field{"timed_out", DataType::Boolean(), true}});
  return by_key.MapGroupsWithState<int64_t>(
      timeout, std::move(output),
      [timeout, duration, ts](const std::vector<Value>& k, const GroupRows& rows,
                              GroupState<int64_t>& state) -> Result<std::vector<Value>> {
        if (state.HasTimedOut()) {
          ASSIGN_OR_RAISE(int64_t n, state.Get());
          state.Remove();
          return std::vector<Value>{k[0], Value::Int64(n), Value::Boolean(true)};
        }
        const int64_t n = state.GetOption().value_or(0) + rows.size();
        state.Update(n);
        if (timeout == GroupStateTimeout::kProcessingTimeTimeout) {
          RETURN_NOT_OK(state.SetTimeoutDuration(std::string_view(duration)));
        } else if (timeout == GroupStateTimeout::kEventTimeTimeout && ts >= 0) {
          int64_t latest = 0;
          for (GroupRow row : rows) {
            if (!row.IsNull(ts)) latest = std::max(latest, row.GetInt64(ts));
          }
          RETURN_NOT_OK(state.SetTimeoutTimestamp(latest / 1000, duration));
        }
        return std::vector<Value>{k[0], Value::Int64(n), Value::Boolean(false)};
      });
}

}  // namespace

bool IsStateDemo(const std::string& name) { return name == "sessionize" || name == "countByKey"; }

Result<DataFrame> ApplyStateDemo(const DataFrame& df, const std::string& name,
                                 const std::vector<std::string>& args) {
  if (name == "sessionize") return Sessionize(df, args);
  if (name == "countByKey") return CountByKey(df, args);
  return Status::InvalidArgument("unknown call " + name);
}

}  // namespace weir::stest
