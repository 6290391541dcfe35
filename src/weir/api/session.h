// Session: where SQL statements run. It owns the catalog of views, sources and sinks
// the statements create, the settings SET changes, and the worker pool batch queries
// run on. `weir sql`, the SQL logic tests and the C++ API all go through it.
//
// A statement runs in four steps: parse (sql/parser.h), bind against the session's
// catalog (plan/binder.h), optimize (plan/optimizer.h), then plan and run the
// physical operators (exec/planner.h). CREATE SOURCE / CREATE SINK / INSERT INTO are
// parsed, validated and recorded now; running them as streaming queries is the
// streaming engine's job (docs/sql.md says which statements do what).
//
// Settings (SET key = value), with Spark's names where Spark has one:
//   spark.sql.ansi.enabled          false   ANSI mode for casts and arithmetic
//   spark.sql.session.timeZone      UTC     rendering and parsing of TIMESTAMP
//   spark.sql.shuffle.partitions    0       partitions of aggregates and joins (0: one
//                                           per worker thread)
//   weir.exec.memoryBudget          1g      bytes a sort may buffer before it spills
// Other keys are accepted and stored (SET shows them), as Spark does.
//
// Thread-safety: a Session runs one statement at a time (callers serialize); the
// queries it runs use the worker pool internally.

#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/api/session_catalog.h"
#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/thread_pool.h"
#include "weir/exec/operator.h"
#include "weir/plan/logical_plan.h"
#include "weir/sql/ast.h"
#include "weir/sql/parser.h"
#include "weir/stream/connector_registry.h"
#include "weir/stream/local_tables.h"
#include "weir/stream/streaming_query.h"
#include "weir/types/batch.h"

namespace weir::api {

struct SessionOptions {
  // Where the embedded log, checkpoints and spill files live.
  std::string data_dir = "weir-data";
  // Worker threads; 0 means one per hardware thread.
  int threads = 0;
  // File access; nullptr means Env::Default().
  Env* env = nullptr;
  // Processing time for streaming queries; nullptr means the Env's clock. Tests pass a
  // ManualClock.
  Clock* clock = nullptr;
  // When set, every streaming query runs with this trigger instead of its sink's
  // (`weir run --available-now`).
  std::optional<stream::Trigger> trigger_override;
  // Streaming queries never move a ManualClock themselves; processing-time triggers
  // wait for the caller to advance it (QuerySpec::wait_for_clock; .stest scripts).
  bool wait_for_clock = false;
};

// What one statement returned. Queries, SHOW, DESCRIBE, EXPLAIN and SET return rows;
// the other statements return none (schema is null) and may carry a message.
struct StatementResult {
  SchemaPtr schema;
  std::vector<Batch> batches;
  std::string message;
  // True when the rows are lines of text meant to be printed as they are (EXPLAIN's
  // plan), not as a table.
  bool plain_text = false;

  bool has_rows() const { return schema != nullptr; }
  int64_t num_rows() const;
};

class Session {
 public:
  explicit Session(SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs exactly one statement.
  Result<StatementResult> Execute(std::string_view sql);

  // Runs the statements of a script in order and hands each result to `on_result`
  // with the statement's text. Stops at the first failing statement and returns its
  // error (positions are relative to the whole script).
  using ResultCallback = std::function<Status(std::string_view text, StatementResult& result)>;
  Status ExecuteScript(std::string_view sql, const ResultCallback& on_result);

  // The bound and optimized plan of a query, without running it.
  Result<plan::LogicalPlanPtr> PlanQuery(std::string_view sql);

  // A setting's current value (the default when unset); empty for unknown keys.
  std::string GetSetting(std::string_view key) const;
  Status SetSetting(std::string_view key, std::string_view value);

  SessionCatalog& catalog() { return catalog_; }
  // Where connectors are found by name; tests may register their own.
  stream::ConnectorRegistry& connectors() { return connectors_; }
  // Memory sinks' results and memory sources' inputs.
  stream::LocalTables& local_tables() { return local_tables_; }
  // The streaming queries INSERT INTO started.
  stream::StreamingQueryManager& queries() { return *queries_; }
  const EvalOptions& eval_options() const { return eval_; }

  // For the C++ API (include/weir/, src/weir/api/dataframe.cc and friends):
  // Runs a bound query plan as a SELECT runs one (optimize, plan, collect).
  Result<StatementResult> RunPlan(const plan::LogicalPlanPtr& bound);
  // What a streaming query started from C++ inherits: the session's options (data
  // dir, trigger override), its Env and clock, and the current settings.
  const SessionOptions& options() const { return options_; }
  Env* env() const { return env_; }
  Clock* clock() const { return clock_; }
  int shuffle_partitions() const { return shuffle_partitions_; }
  int64_t memory_budget() const { return memory_budget_; }
  // Copies the session's streaming settings (watermark policy and idle timeout,
  // shuffle partitions, memory budget, evaluation options) into a query's spec.
  void ApplyStreamingSettings(stream::QuerySpec* spec) const;

 private:
  Result<StatementResult> Run(const sql::Statement& stmt);
  Result<StatementResult> RunQuery(const sql::Query& query);
  Result<StatementResult> RunSet(const sql::Statement& stmt);
  Result<StatementResult> RunReset(const sql::Statement& stmt);
  Result<StatementResult> RunShow(const sql::Statement& stmt);
  Result<StatementResult> RunDescribe(const sql::Statement& stmt);
  Result<StatementResult> RunExplain(const sql::Statement& stmt);
  Result<StatementResult> RunCreateView(const sql::Statement& stmt);
  Result<StatementResult> RunCreateSource(const sql::Statement& stmt);
  Result<StatementResult> RunCreateSink(const sql::Statement& stmt);
  Result<StatementResult> RunInsert(const sql::Statement& stmt);
  Result<StatementResult> RunDrop(const sql::Statement& stmt);

  Result<plan::LogicalPlanPtr> Bind(const sql::Query& query);
  sql::ParseOptions ParseOptions() const;
  // Starts the streaming query of an INSERT INTO (session_streaming.cc).
  Result<stream::StreamingQueryPtr> StartInsert(const plan::LogicalPlanPtr& bound,
                                                const CatalogObject& sink,
                                                const std::vector<const CatalogObject*>& inputs);
  // A batch query's read of a source with endingOffsets: its rows from its starting
  // to its ending offsets, as one table (session_streaming.cc).
  Result<plan::TableProviderPtr> ReadBoundedSource(const CatalogObject& source);
  Result<exec::PhysicalOperatorPtr> PlanPhysical(const plan::LogicalPlanPtr& logical);
  exec::ExecContext MakeExecContext();

  SessionOptions options_;
  Env* env_;
  Clock* clock_;
  std::unique_ptr<ThreadPool> pool_;
  stream::ConnectorRegistry connectors_;
  stream::LocalTables local_tables_;
  SessionCatalog catalog_;
  // Declared after everything its queries use, so it is destroyed (stopping them)
  // first.
  std::unique_ptr<stream::StreamingQueryManager> queries_;
  std::map<std::string, std::string> settings_;  // lower-case key -> value, as SET wrote it
  EvalOptions eval_;
  int shuffle_partitions_ = 0;
  int64_t memory_budget_ = int64_t{1} << 30;
  bool max_watermark_policy_ = false;
  int64_t watermark_idle_timeout_micros_ = 0;
  state::StateStoreConf state_conf_;
  int min_batches_to_retain_ = 100;
  // The text of the statement being run (expressions' byte ranges index it).
  std::string_view current_sql_;
};

}  // namespace weir::api
