#include "weir/api/session.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "weir/api/session_internal.h"
#include "weir/connectors/builtin.h"
#include "weir/exec/planner.h"
#include "weir/plan/binder.h"
#include "weir/plan/optimizer.h"
#include "weir/sql/parser.h"
#include "weir/stream/stream_internal.h"
#include "weir/types/builder.h"

namespace weir::api {

namespace {

constexpr std::string_view kAnsiKey = "spark.sql.ansi.enabled";
constexpr std::string_view kTimeZoneKey = "spark.sql.session.timezone";
constexpr std::string_view kShufflePartitionsKey = "spark.sql.shuffle.partitions";
constexpr std::string_view kMemoryBudgetKey = "weir.exec.memorybudget";
constexpr std::string_view kWatermarkPolicyKey = "spark.sql.streaming.multiplewatermarkpolicy";
constexpr std::string_view kIdleTimeoutKey = "weir.streaming.watermark.idletimeout";
constexpr std::string_view kStateBackendKey = "weir.state.backend";
constexpr std::string_view kMinDeltasKey = "spark.sql.streaming.statestore.mindeltasforsnapshot";
constexpr std::string_view kMinBatchesKey = "spark.sql.streaming.minbatchestoretain";

// The settings SET with no argument lists, with their defaults.
const std::vector<std::pair<std::string, std::string>>& KnownSettings() {
  static const auto* known = new std::vector<std::pair<std::string, std::string>>{
      {"spark.sql.ansi.enabled", "false"},
      {"spark.sql.session.timeZone", "UTC"},
      {"spark.sql.shuffle.partitions", "0"},
      {"weir.exec.memoryBudget", "1g"},
      {"spark.sql.streaming.multipleWatermarkPolicy", "min"},
      {"weir.streaming.watermark.idleTimeout", "0"},
      {"weir.state.backend", "memory"},
      {"spark.sql.streaming.stateStore.minDeltasForSnapshot", "10"},
      {"spark.sql.streaming.minBatchesToRetain", "100"},
  };
  return *known;
}

Result<bool> ParseBool(std::string_view key, std::string_view value) {
  const std::string v = AsciiLower(value);
  if (v == "true") return true;
  if (v == "false") return false;
  return Status::InvalidOption("[INVALID_CONF_VALUE] The value '" + std::string(value) +
                               "' in the config \"" + std::string(key) + "\" is invalid.")
      .WithHint("use true or false");
}

// "1g", "512m", "64k", "1048576" -> bytes.
Result<int64_t> ParseBytes(std::string_view key, std::string_view value) {
  std::string v = AsciiLower(value);
  int64_t scale = 1;
  if (!v.empty() && (v.back() == 'b')) v.pop_back();
  if (!v.empty()) {
    switch (v.back()) {
      case 'k':
        scale = int64_t{1} << 10;
        break;
      case 'm':
        scale = int64_t{1} << 20;
        break;
      case 'g':
        scale = int64_t{1} << 30;
        break;
      case 't':
        scale = int64_t{1} << 40;
        break;
      default:
        break;
    }
    if (scale != 1) v.pop_back();
  }
  int64_t n = 0;
  bool ok = !v.empty() && v.size() <= 12;
  for (char c : v) {
    if (c < '0' || c > '9') ok = false;
    if (ok) n = n * 10 + (c - '0');
  }
  if (!ok) {
    return Status::InvalidOption("[INVALID_CONF_VALUE] The value '" + std::string(value) +
                                 "' in the config \"" + std::string(key) + "\" is invalid.")
        .WithHint("use a byte count such as 268435456, 256m or 1g");
  }
  return n * scale;
}

// The process's local time zone, for SET TIME ZONE LOCAL (Spark: the JVM's default
// zone): $TZ when set, else the zone /etc/localtime links to, else UTC.
std::string LocalTimeZoneName() {
  if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
    return *tz == ':' ? std::string(tz + 1) : std::string(tz);
  }
  std::error_code ec;
  const std::filesystem::path target = std::filesystem::read_symlink("/etc/localtime", ec);
  if (!ec) {
    const std::string t = target.string();
    const size_t at = t.find("zoneinfo/");
    if (at != std::string::npos) return t.substr(at + 9);
  }
  return "UTC";
}

// Moves an error's position from a statement's own text to the whole script's.
Status Relocate(Status st, std::string_view script, size_t statement_offset) {
  SourcePosition pos = st.position();
  if (st.ok() || pos.line == 0) return st;
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < statement_offset && i < script.size(); ++i) {
    if (script[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(script[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  if (pos.line == 1) pos.column += column - 1;
  pos.line += line - 1;
  return st.WithPosition(pos);
}

}  // namespace

// A batch of STRING columns named `names` holding `rows`.
StatementResult StringRows(const std::vector<std::string>& names,
                           const std::vector<std::vector<std::string>>& rows) {
  std::vector<Field> fields;
  for (const std::string& n : names) fields.push_back(Field{n, DataType::String(), true});
  StatementResult result;
  result.schema = MakeSchema(std::move(fields));
  std::vector<ColumnPtr> columns;
  for (size_t c = 0; c < names.size(); ++c) {
    StringBuilder builder;
    for (const auto& row : rows) builder.Append(row[c]);
    columns.push_back(builder.Finish());
  }
  if (!rows.empty()) {
    result.batches.push_back(Batch::Make(result.schema, std::move(columns)).ValueOrDie());
  }
  return result;
}

const std::string* FindOptionValue(const std::vector<std::pair<std::string, std::string>>& options,
                                   std::string_view key) {
  for (const auto& [k, v] : options) {
    if (EqualsIgnoreCase(k, key)) return &v;
  }
  return nullptr;
}

int64_t StatementResult::num_rows() const {
  int64_t n = 0;
  for (const Batch& b : batches) n += b.num_rows();
  return n;
}

Session::Session(SessionOptions options)
    : options_(std::move(options)),
      env_(options_.env != nullptr ? options_.env : Env::Default()),
      clock_(options_.clock != nullptr ? options_.clock : env_->clock()),
      pool_(std::make_unique<ThreadPool>(options_.threads)),
      catalog_(env_, &local_tables_) {
  connectors::RegisterBuiltinConnectors(&connectors_);
  catalog_.SetBoundedSourceReader(
      [this](const CatalogObject& source) { return ReadBoundedSource(source); });
  stream::ManagerOptions manager;
  manager.pool = pool_.get();
  manager.env = env_;
  manager.clock = clock_;
  queries_ = std::make_unique<stream::StreamingQueryManager>(manager);
}

Session::~Session() = default;

std::string Session::GetSetting(std::string_view key) const {
  auto it = settings_.find(AsciiLower(key));
  if (it != settings_.end()) return it->second;
  for (const auto& [k, v] : KnownSettings()) {
    if (EqualsIgnoreCase(k, key)) return v;
  }
  return "";
}

Status Session::SetSetting(std::string_view key, std::string_view value) {
  const std::string k = AsciiLower(key);
  if (k == kAnsiKey) {
    ASSIGN_OR_RAISE(eval_.ansi, ParseBool(key, value));
  } else if (k == kTimeZoneKey) {
    const std::string zone =
        EqualsIgnoreCase(value, "LOCAL") ? LocalTimeZoneName() : std::string(value);
    Result<TimeZone> tz = TimeZone::Load(zone);
    if (!tz.ok()) {
      return Status::InvalidOption("[INVALID_CONF_VALUE.TIME_ZONE] The value '" +
                                   std::string(value) + "' in the config \"" + std::string(key) +
                                   "\" is invalid. Cannot resolve the given timezone.")
          .WithHint("use a region ID such as 'America/Los_Angeles' or an offset such as '+01:00'");
    }
    eval_.time_zone = *tz;
    settings_[k] = zone;
    return Status::OK();
  } else if (k == kShufflePartitionsKey) {
    ASSIGN_OR_RAISE(int64_t n, ParseBytes(key, value));
    if (n > 100000)
      return Status::InvalidOption("spark.sql.shuffle.partitions must be at most 100000");
    shuffle_partitions_ = static_cast<int>(n);
  } else if (k == kMemoryBudgetKey) {
    ASSIGN_OR_RAISE(memory_budget_, ParseBytes(key, value));
  } else if (k == kWatermarkPolicyKey) {
    const std::string v = AsciiLower(value);
    if (v != "min" && v != "max") {
      return Status::InvalidOption("[INVALID_CONF_VALUE] The value '" + std::string(value) +
                                   "' in the config \"" + std::string(key) + "\" is invalid.")
          .WithHint("use min or max");
    }
    max_watermark_policy_ = v == "max";
  } else if (k == kIdleTimeoutKey) {
    Result<int64_t> micros = stream::internal::ParseDurationMicros(value);
    if (!micros.ok()) {
      return Status::InvalidOption("[INVALID_CONF_VALUE] The value '" + std::string(value) +
                                   "' in the config \"" + std::string(key) +
                                   "\" is invalid: " + micros.status().message())
          .WithHint("a duration such as '30 seconds' or '5 minutes'; 0 turns it off");
    }
    watermark_idle_timeout_micros_ = *micros;
  } else if (k == kStateBackendKey) {
    const std::string v = AsciiLower(value);
    if (v != "memory" && v != "rocksdb") {
      return Status::InvalidOption("[INVALID_CONF_VALUE] The value '" + std::string(value) +
                                   "' in the config \"" + std::string(key) + "\" is invalid.")
          .WithHint("use memory or rocksdb");
    }
    state_conf_.backend = v;
  } else if (k == kMinDeltasKey || k == kMinBatchesKey) {
    ASSIGN_OR_RAISE(int64_t n, ParseBytes(key, value));
    if (n < 1 || n > 1000000) {
      return Status::InvalidOption("[INVALID_CONF_VALUE] The value '" + std::string(value) +
                                   "' in the config \"" + std::string(key) + "\" is invalid.")
          .WithHint("a whole number from 1 to 1000000");
    }
    if (k == kMinDeltasKey) {
      state_conf_.min_deltas_for_snapshot = static_cast<int>(n);
    } else {
      min_batches_to_retain_ = static_cast<int>(n);
    }
  }
  settings_[k] = std::string(value);
  return Status::OK();
}

void Session::ApplyStreamingSettings(stream::QuerySpec* spec) const {
  spec->eval = eval_;
  spec->shuffle_partitions = shuffle_partitions_;
  spec->memory_budget = memory_budget_;
  spec->max_watermark_policy = max_watermark_policy_;
  spec->watermark_idle_timeout_micros = watermark_idle_timeout_micros_;
  spec->state_conf = state_conf_;
  spec->min_batches_to_retain = min_batches_to_retain_;
  spec->wait_for_clock = options_.wait_for_clock;
}

Result<StatementResult> Session::Execute(std::string_view sql) {
  ASSIGN_OR_RAISE(sql::StatementPtr stmt, sql::ParseStatement(sql, ParseOptions()));
  current_sql_ = sql;
  return Run(*stmt);
}

Status Session::ExecuteScript(std::string_view sql, const ResultCallback& on_result) {
  ASSIGN_OR_RAISE(std::vector<std::string_view> texts, sql::SplitStatements(sql));
  for (std::string_view text : texts) {
    const size_t offset = static_cast<size_t>(text.data() - sql.data());
    Result<sql::StatementPtr> stmt = sql::ParseStatement(text, ParseOptions());
    if (!stmt.ok()) return Relocate(stmt.status(), sql, offset);
    current_sql_ = text;
    Result<StatementResult> result = Run(**stmt);
    if (!result.ok()) return Relocate(result.status(), sql, offset);
    RETURN_NOT_OK(on_result(text, *result));
  }
  return Status::OK();
}

Result<plan::LogicalPlanPtr> Session::PlanQuery(std::string_view sql) {
  ASSIGN_OR_RAISE(sql::StatementPtr stmt, sql::ParseStatement(sql, ParseOptions()));
  if (stmt->kind != sql::StatementKind::kQuery) {
    return Status::InvalidSql("expected a query").WithPosition(stmt->position);
  }
  ASSIGN_OR_RAISE(plan::LogicalPlanPtr bound, Bind(*stmt->query));
  EvalContext ctx(eval_);
  return plan::Optimize(bound, ctx);
}

sql::ParseOptions Session::ParseOptions() const {
  sql::ParseOptions options;
  options.time_zone = eval_.time_zone;
  return options;
}

Result<plan::LogicalPlanPtr> Session::Bind(const sql::Query& query) {
  plan::BindOptions options;
  options.resolve.ansi = eval_.ansi;
  return plan::BindQuery(query, catalog_, options);
}

exec::ExecContext Session::MakeExecContext() {
  exec::ExecContext ctx;
  ctx.pool = pool_.get();
  ctx.eval = eval_;
  ctx.memory_budget = memory_budget_;
  ctx.env = env_;
  ctx.spill_dir = options_.data_dir + "/tmp";
  return ctx;
}

Result<exec::PhysicalOperatorPtr> Session::PlanPhysical(const plan::LogicalPlanPtr& logical) {
  exec::ExecContext ctx = MakeExecContext();
  exec::PlannerOptions options;
  options.shuffle_partitions = shuffle_partitions_;
  return exec::PlanPhysical(logical, ctx, options);
}

Result<StatementResult> Session::Run(const sql::Statement& stmt) {
  switch (stmt.kind) {
    case sql::StatementKind::kQuery:
      return RunQuery(*stmt.query);
    case sql::StatementKind::kSet:
      return RunSet(stmt);
    case sql::StatementKind::kReset:
      return RunReset(stmt);
    case sql::StatementKind::kShow:
      return RunShow(stmt);
    case sql::StatementKind::kDescribe:
      return RunDescribe(stmt);
    case sql::StatementKind::kExplain:
      return RunExplain(stmt);
    case sql::StatementKind::kCreateView:
      return RunCreateView(stmt);
    case sql::StatementKind::kCreateSource:
      return RunCreateSource(stmt);
    case sql::StatementKind::kCreateSink:
      return RunCreateSink(stmt);
    case sql::StatementKind::kInsert:
      return RunInsert(stmt);
    case sql::StatementKind::kDrop:
      return RunDrop(stmt);
    case sql::StatementKind::kStopQuery:
      // Stops the active query of that name (or id) at an epoch boundary.
      if (stream::StreamingQueryPtr q =
              queries_->Get(stmt.name.empty() ? std::string() : stmt.name.back())) {
        q->Stop();
        StatementResult result;
        result.message = "Stopped streaming query `" + q->name() + "`";
        return result;
      }
      return Status::NotFound("[QUERY_NOT_FOUND] There is no running query named `" +
                              (stmt.name.empty() ? std::string() : stmt.name.back()) + "`.")
          .WithPosition(stmt.position)
          .WithHint("SHOW QUERIES lists the running queries");
  }
  return Status::Internal("unknown statement kind");
}

Result<StatementResult> Session::RunQuery(const sql::Query& query) {
  ASSIGN_OR_RAISE(plan::LogicalPlanPtr bound, Bind(query));
  return RunPlan(bound);
}

Result<StatementResult> Session::RunPlan(const plan::LogicalPlanPtr& bound) {
  EvalContext eval_ctx(eval_);
  ASSIGN_OR_RAISE(plan::LogicalPlanPtr optimized, plan::Optimize(bound, eval_ctx));
  exec::ExecContext ctx = MakeExecContext();
  exec::PlannerOptions options;
  options.shuffle_partitions = shuffle_partitions_;
  ASSIGN_OR_RAISE(exec::PhysicalOperatorPtr physical, exec::PlanPhysical(optimized, ctx, options));
  StatementResult result;
  result.schema = bound->schema();
  ASSIGN_OR_RAISE(result.batches, exec::CollectBatches(*physical, ctx));
  return result;
}

Result<StatementResult> Session::RunSet(const sql::Statement& stmt) {
  if (stmt.key.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : KnownSettings()) rows.push_back({k, GetSetting(k)});
    for (const auto& [k, v] : settings_) {
      const bool known = std::any_of(KnownSettings().begin(), KnownSettings().end(),
                                     [&](const auto& kv) { return EqualsIgnoreCase(kv.first, k); });
      if (!known) rows.push_back({k, v});
    }
    return StringRows({"key", "value"}, rows);
  }
  if (stmt.has_value) {
    Status st = SetSetting(stmt.key, stmt.value);
    if (!st.ok()) return st.WithPosition(stmt.position);
  }
  std::string value = GetSetting(stmt.key);
  if (value.empty() && !stmt.has_value) value = "<undefined>";
  return StringRows({"key", "value"}, {{stmt.key, value}});
}

Result<StatementResult> Session::RunReset(const sql::Statement& stmt) {
  if (stmt.key.empty()) {
    settings_.clear();
    eval_ = EvalOptions{};
    shuffle_partitions_ = 0;
    memory_budget_ = int64_t{1} << 30;
    max_watermark_policy_ = false;
    watermark_idle_timeout_micros_ = 0;
    state_conf_ = state::StateStoreConf{};
    min_batches_to_retain_ = 100;
    return StatementResult{};
  }
  settings_.erase(AsciiLower(stmt.key));
  for (const auto& [k, v] : KnownSettings()) {
    if (EqualsIgnoreCase(k, stmt.key)) RETURN_NOT_OK(SetSetting(k, v));
  }
  settings_.erase(AsciiLower(stmt.key));
  return StatementResult{};
}

}  // namespace weir::api
