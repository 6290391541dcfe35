#include "weir/stream/micro_batch_execution.h"

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>

#include "weir/common/crash_point.h"
#include "weir/common/logging.h"
#include "weir/exec/planner.h"
#include "weir/plan/optimizer.h"
#include "weir/state/state_store.h"
#include "weir/stream/stream_internal.h"

namespace weir::stream::internal {

namespace {

constexpr size_t kMaxRecentProgress = 100;                   // Spark's progress ring
constexpr int64_t kIdleEventIntervalNanos = 10'000'000'000;  // onQueryIdle throttle
// How often old state files are purged (Spark's maintenance runs on a timer; here
// every this many epochs).
constexpr int64_t kStateMaintenanceEpochs = 10;

// Deletes `path` and everything under it (a temporary checkpoint).
Status RemoveTree(Env* env, const std::string& path) {
  Result<std::vector<std::string>> children = env->GetChildren(path);
  if (!children.ok()) return env->DeleteFile(path);  // a file, or gone
  for (const std::string& name : *children) RETURN_NOT_OK(RemoveTree(env, path + "/" + name));
  return env->DeleteDir(path);
}

int64_t NanosToMs(int64_t nanos) { return nanos / 1'000'000; }

// Counts the rows every reader of a table yields (numInputRows per source, counted
// per batch).
class CountingReader final : public plan::BatchReader {
 public:
  CountingReader(plan::BatchReaderPtr inner, std::shared_ptr<std::atomic<int64_t>> rows)
      : inner_(std::move(inner)), rows_(std::move(rows)) {}

  Result<bool> Next(Batch* out) override {
    ASSIGN_OR_RAISE(bool more, inner_->Next(out));
    if (more) rows_->fetch_add(out->num_rows(), std::memory_order_relaxed);
    return more;
  }

 private:
  plan::BatchReaderPtr inner_;
  std::shared_ptr<std::atomic<int64_t>> rows_;
};

class CountingTable final : public plan::TableProvider {
 public:
  CountingTable(plan::TableProviderPtr inner, std::shared_ptr<std::atomic<int64_t>> rows)
      : inner_(std::move(inner)), rows_(std::move(rows)) {}
  const SchemaPtr& schema() const override { return inner_->schema(); }
  std::string Describe() const override { return inner_->Describe(); }
  int NumPartitions() const override { return inner_->NumPartitions(); }
  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    ASSIGN_OR_RAISE(plan::BatchReaderPtr reader, inner_->Open(partition, columns));
    return plan::BatchReaderPtr(std::make_unique<CountingReader>(std::move(reader), rows_));
  }

 private:
  plan::TableProviderPtr inner_;
  std::shared_ptr<std::atomic<int64_t>> rows_;
};

// The sink contract: every batch carries the query's output schema. Operators may
// produce their input's names (a UNION ALL's later children), so re-label such a
// batch; the columns are shared, not copied.
Result<Batch> WithSchema(Batch batch, const SchemaPtr& schema) {
  if (batch.schema() == schema || *batch.schema() == *schema) return batch;
  std::vector<ColumnPtr> columns;
  columns.reserve(static_cast<size_t>(batch.num_columns()));
  for (int i = 0; i < batch.num_columns(); ++i) columns.push_back(batch.column(i));
  return Batch::Make(schema, std::move(columns), batch.selection());
}

}  // namespace

// Durations of one trigger's phases, Spark's durationMs keys.
struct MicroBatchExecution::EpochTimings {
  int64_t latest_offset_nanos = 0;
  int64_t wal_commit_nanos = 0;
  int64_t get_batch_nanos = 0;
  int64_t query_planning_nanos = 0;
  int64_t add_batch_nanos = 0;
  int64_t commit_offsets_nanos = 0;
};

MicroBatchExecution::MicroBatchExecution(std::shared_ptr<ManagerShared> manager, QuerySpec spec,
                                         PreparedPlan prepared,
                                         std::unique_ptr<Checkpoint> checkpoint, ResumePoint resume,
                                         bool temporary_checkpoint)
    : manager_(std::move(manager)),
      spec_(std::move(spec)),
      prepared_(std::move(prepared)),
      id_(checkpoint->metadata().id),
      run_id_(RandomUuid()),
      clock_(manager_->options.clock),
      system_clock_(clock_ == SystemClock()),
      checkpoint_(std::move(checkpoint)),
      resume_(std::move(resume)),
      temporary_checkpoint_(temporary_checkpoint) {
  status_.message = "Initializing sources";
}

MicroBatchExecution::~MicroBatchExecution() {
  if (thread_.joinable()) {
    // The last reference can be dropped by the loop thread itself, as it ends.
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      thread_.join();
    }
  }
}

void MicroBatchExecution::Run() {
  Status st = RunLoop();
  if (!st.ok()) {
    st = st.WithContext("Query " + (spec_.name.empty() ? std::string("<unnamed>") : spec_.name) +
                        " [id = " + id_ + ", runId = " + run_id_ + "] terminated with exception");
    WEIR_LOG(ERROR) << st.ToString();
  }
  spec_.sink->Stop();
  if (spec_.late_rows_sink != nullptr) spec_.late_rows_sink->Stop();
  for (const SourcePtr& source : spec_.sources) source->Stop();
  // The state stores close (a RocksDB instance releases its directory), so that a
  // restart, in this process or another, can open them.
  for (const auto& op : prepared_.operators) op->providers.clear();
  if (st.ok() && temporary_checkpoint_) {
    // Nothing will restart from a checkpoint no one named; leave nothing behind.
    RemoveTree(manager_->options.env, checkpoint_->dir()).IgnoreError();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_ = st.ok() ? QueryState::kStopped : QueryState::kFailed;
    exception_ = st;
    status_ = QueryStatus{"Stopped", false, false};
    started_ = true;
  }
  for (const auto& listener : manager_->Listeners()) {
    listener->OnQueryTerminated(id_, run_id_, st);
  }
  // As Spark's StreamExecution: the manager forgets the query before anyone waiting
  // for its end wakes up. The loop thread holds a reference to this query, so the
  // manager's may be dropped here.
  manager_->OnTerminated(this);
  {
    std::lock_guard<std::mutex> lock(mu_);
    terminated_ = true;
  }
  cv_.notify_all();
}

Status MicroBatchExecution::Initialize() {
  const size_t n = spec_.sources.size();
  // Progress reports each epoch's share of the sources' counters.
  last_metrics_.resize(n);
  for (size_t i = 0; i < n; ++i) last_metrics_[i] = spec_.sources[i]->metrics();
  for (const auto& listener : manager_->Listeners()) {
    listener->OnQueryStarted(id_, run_id_, spec_.name);
  }
  next_batch_id_ = resume_.next_batch_id;
  watermark_ms_ = resume_.watermark_ms;
  previous_watermark_ms_ = resume_.previous_watermark_ms;
  observer_watermark_ms_.assign(prepared_.watermarks.size(), std::nullopt);
  observer_last_rows_nanos_.assign(prepared_.watermarks.size(), clock_->MonotonicNanos());
  if (resume_.committed_end.has_value()) {
    start_offsets_ = *resume_.committed_end;
    // As Spark does on restart: the last committed epoch is processed, so the sources
    // may drop what lies before its end.
    for (size_t i = 0; i < n; ++i) RETURN_NOT_OK(spec_.sources[i]->Commit(start_offsets_[i]));
  } else {
    start_offsets_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      ASSIGN_OR_RAISE(start_offsets_[i], spec_.sources[i]->InitialOffset());
    }
  }
  latest_offsets_ = start_offsets_;
  if (spec_.trigger.kind == Trigger::Kind::kAvailableNow) {
    for (const SourcePtr& source : spec_.sources) RETURN_NOT_OK(source->PrepareForAvailableNow());
  }
  // Start() returns now: the query's starting point (and AvailableNow's end) is fixed,
  // so data added after Start() returns is not part of an AvailableNow run.
  {
    std::lock_guard<std::mutex> lock(mu_);
    started_ = true;
    state_ = QueryState::kActive;
  }
  cv_.notify_all();
  return Status::OK();
}

Status MicroBatchExecution::RunLoop() {
  RETURN_NOT_OK(Initialize());
  const Trigger& trigger = spec_.trigger;
  if (!resume_.reruns.empty()) {
    // The epochs the previous run planned but did not commit (or whose state could
    // not be loaded): exactly their offsets and batch timestamps again (their effects
    // may have partly happened; sinks are idempotent per epoch).
    std::vector<PlannedEpoch> reruns = std::move(resume_.reruns);
    resume_.reruns.clear();
    for (PlannedEpoch& epoch : reruns) {
      if (stopping()) return Status::OK();
      trigger_start_nanos_ = clock_->MonotonicNanos();
      trigger_start_micros_ = clock_->NowMicros();
      latest_offsets_.clear();
      for (const SourceOffsets& o : epoch.offsets) latest_offsets_.push_back(o.end);
      EpochTimings timings;
      RETURN_NOT_OK(RunEpoch(epoch, &timings));
    }
    if (trigger.kind == Trigger::Kind::kOnce) return Status::OK();  // the one batch
  }
  const bool processing_time =
      trigger.kind == Trigger::Kind::kProcessingTime && trigger.interval_micros > 0;
  int64_t next_trigger_nanos = clock_->MonotonicNanos();
  while (!stopping()) {
    if (processing_time) {
      SetStatus("Waiting for next trigger", false, false);
      WaitUntil(next_trigger_nanos);
      if (stopping()) break;
    }
    bool ran = false;
    RETURN_NOT_OK(RunTrigger(&ran));
    if (trigger.kind == Trigger::Kind::kOnce) break;
    if (trigger.kind == Trigger::Kind::kAvailableNow && !ran) break;
    if (processing_time) {
      // Spark's ProcessingTimeExecutor: the next trigger is at the first multiple of
      // the interval (of wall-clock time) after this trigger's start; an overrun starts
      // the next one at once, and missed intervals are not caught up.
      const int64_t interval = trigger.interval_micros;
      const int64_t start = trigger_start_micros_;
      const int64_t floor = start / interval - (start % interval < 0 ? 1 : 0);
      next_trigger_nanos = trigger_start_nanos_ + ((floor + 1) * interval - start) * 1000;
    } else if (!ran) {
      WaitIdle(spec_.idle_poll_micros);
    }
  }
  return Status::OK();
}

bool MicroBatchExecution::NeedsNoDataEpoch() const {
  if (next_batch_id_ == 0) return false;
  // Processing-time timeouts: Spark's shouldRunAnotherBatch is always true for them
  // (an epoch at every trigger); weir runs one only when a key's timeout is before
  // this trigger's batch timestamp: the same keys time out at the same triggers,
  // without the epochs that would find nothing due.
  for (const auto& op : prepared_.operators) {
    if (op->next_processing_timeout_ms != nullptr &&
        op->next_processing_timeout_ms->load() < trigger_start_micros_ / 1000) {
      return true;
    }
  }
  if (watermark_ms_ <= previous_watermark_ms_) return false;
  for (const auto& op : prepared_.operators) {
    if (op->evicts_by_watermark) return true;
  }
  return false;
}

Status MicroBatchExecution::RunTrigger(bool* ran) {
  *ran = false;
  int64_t drain_generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    drain_generation = drain_requested_;
    status_.is_trigger_active = true;
  }
  trigger_start_nanos_ = clock_->MonotonicNanos();
  trigger_start_micros_ = clock_->NowMicros();
  EpochTimings timings;
  ReadLimit limit;
  limit.all_available = spec_.trigger.kind == Trigger::Kind::kOnce;
  bool has_data = false;
  const size_t n = spec_.sources.size();
  for (size_t i = 0; i < n; ++i) {
    ASSIGN_OR_RAISE(latest_offsets_[i], spec_.sources[i]->LatestOffset(start_offsets_[i], limit));
    has_data = has_data || latest_offsets_[i] != start_offsets_[i];
  }
  timings.latest_offset_nanos = clock_->MonotonicNanos() - trigger_start_nanos_;
  if (!has_data && !NeedsNoDataEpoch()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      drain_done_ = std::max(drain_done_, drain_generation);
      status_ = QueryStatus{"Waiting for data to arrive", false, false};
    }
    cv_.notify_all();
    ReportIdle();
    return Status::OK();
  }
  PlannedEpoch epoch;
  epoch.batch_id = next_batch_id_;
  epoch.batch_timestamp_ms = trigger_start_micros_ / 1000;
  epoch.watermark_ms = watermark_ms_;
  epoch.offsets.resize(n);
  for (size_t i = 0; i < n; ++i)
    epoch.offsets[i] = SourceOffsets{start_offsets_[i], latest_offsets_[i]};
  const int64_t wal_start = clock_->MonotonicNanos();
  RETURN_NOT_OK(checkpoint_->WritePlanned(epoch));
  CrashPoint("after-planned");
  timings.wal_commit_nanos = clock_->MonotonicNanos() - wal_start;
  *ran = true;
  return RunEpoch(epoch, &timings);
}

Status MicroBatchExecution::RunEpoch(const PlannedEpoch& epoch, EpochTimings* timings) {
  SetStatus("Processing new data", true, true);
  const size_t n = spec_.sources.size();

  // getBatch: each source's rows for [start, end], counted as they are scanned.
  int64_t t = clock_->MonotonicNanos();
  std::vector<std::shared_ptr<std::atomic<int64_t>>> counters(n);
  std::vector<plan::TableProviderPtr> inputs(n);
  for (const WatermarkObserverInfo& w : prepared_.watermarks) w.stats->Reset();
  if (prepared_.late_rows != nullptr) prepared_.late_rows->Take();  // a failed epoch's
  for (const auto& op : prepared_.operators) {
    op->metrics->Reset();
    op->watermark_ms.reset();
  }
  for (size_t i = 0; i < n; ++i) {
    const SourceOffsets& o = epoch.offsets[i];
    ASSIGN_OR_RAISE(plan::TableProviderPtr table, spec_.sources[i]->Read(o.start, o.end));
    if (table == nullptr || !(*table->schema() == *spec_.sources[i]->schema())) {
      return Status::Internal("source " + spec_.sources[i]->Describe() +
                              " read a table whose schema is not the source's schema");
    }
    counters[i] = std::make_shared<std::atomic<int64_t>>(0);
    inputs[i] = std::make_shared<CountingTable>(std::move(table), counters[i]);
  }
  int64_t now = clock_->MonotonicNanos();
  timings->get_batch_nanos = now - t;

  // queryPlanning: the query's plan over this epoch's inputs.
  t = now;
  ASSIGN_OR_RAISE(
      plan::LogicalPlanPtr logical,
      plan::TransformUp(
          prepared_.plan, [&](const plan::LogicalPlanPtr& node) -> Result<plan::LogicalPlanPtr> {
            if (node->kind() != plan::LogicalKind::kScan) return node;
            const auto& scan = static_cast<const plan::ScanNode&>(*node);
            const auto* input = dynamic_cast<const StreamInputTable*>(scan.table().get());
            if (input == nullptr) return node;
            return plan::LogicalPlanPtr(std::make_shared<plan::ScanNode>(
                inputs[input->input()], scan.columns(), scan.filters()));
          }));
  exec::ExecContext ctx;
  ctx.pool = manager_->options.pool;
  ctx.eval = spec_.eval;
  ctx.eval.current_timestamp_micros = epoch.batch_timestamp_ms * 1000;
  ctx.memory_budget = spec_.memory_budget;
  ctx.env = manager_->options.env;
  ctx.cancelled = &cancelled_;
  EvalContext eval_ctx(ctx.eval);
  ASSIGN_OR_RAISE(plan::LogicalPlanPtr optimized, plan::Optimize(logical, eval_ctx));
  exec::PlannerOptions planner_options;
  planner_options.shuffle_partitions = checkpoint_->metadata().shuffle_partitions;
  EpochPlanContext epoch_ctx;
  epoch_ctx.batch_id = epoch.batch_id;
  epoch_ctx.mode = spec_.output_mode;
  epoch_ctx.watermark_ms = epoch.watermark_ms;
  epoch_ctx.previous_watermark_ms = previous_watermark_ms_;
  planner_options.plan_extension = [&epoch_ctx](const plan::ExtensionNode& node,
                                                std::vector<exec::PhysicalOperatorPtr> children,
                                                exec::ExecContext& exec_ctx, int) {
    return PlanExtension(node, std::move(children), exec_ctx, epoch_ctx);
  };
  ASSIGN_OR_RAISE(exec::PhysicalOperatorPtr physical,
                  exec::PlanPhysical(optimized, ctx, planner_options));
  now = clock_->MonotonicNanos();
  timings->query_planning_nanos = now - t;

  // addBatch: run the plan and hand the output to the sink.
  t = now;
  ASSIGN_OR_RAISE(std::vector<Batch> output, exec::CollectBatches(*physical, ctx));
  const SchemaPtr& schema = spec_.plan->schema();
  int64_t output_rows = 0;
  for (Batch& b : output) {
    output_rows += b.num_rows();
    ASSIGN_OR_RAISE(b, WithSchema(std::move(b), schema));
  }
  RETURN_NOT_OK(spec_.sink->AddBatch(epoch.batch_id, schema, output, spec_.output_mode));
  if (spec_.late_rows_sink != nullptr && prepared_.late_rows != nullptr) {
    // The epoch's late rows, keyed by the same epoch (a re-run epoch replaces them).
    std::vector<Batch> late = prepared_.late_rows->Take();
    for (Batch& b : late) {
      ASSIGN_OR_RAISE(b, WithSchema(std::move(b), prepared_.late_rows_schema));
    }
    RETURN_NOT_OK(spec_.late_rows_sink->AddBatch(epoch.batch_id, prepared_.late_rows_schema, late,
                                                 OutputMode::kAppend));
  }
  CrashPoint("after-sink");
  now = clock_->MonotonicNanos();
  timings->add_batch_nanos = now - t;

  // The watermark the next epoch runs with (Spark's WatermarkTracker): each
  // watermark's largest event time (ms) minus its delay, never backwards; the
  // query's is the minimum (or, by policy, the maximum) over watermarks, counting one
  // that has seen no data as 0, and never moves back. A watermark whose inputs have
  // been idle for the idle timeout is left out.
  std::map<std::string, std::string> event_time;
  const int64_t next_watermark_ms = NextWatermark(epoch, &event_time);

  // commitOffsets: the commit record, then the sources may drop what is processed.
  t = now;
  RETURN_NOT_OK(checkpoint_->WriteCommit(CommitRecord{epoch.batch_id, next_watermark_ms}));
  CrashPoint("after-commit");
  previous_watermark_ms_ = epoch.watermark_ms;
  watermark_ms_ = next_watermark_ms;
  for (size_t i = 0; i < n; ++i) RETURN_NOT_OK(spec_.sources[i]->Commit(epoch.offsets[i].end));
  RETURN_NOT_OK(checkpoint_->Purge(spec_.min_batches_to_retain));
  if (epoch.batch_id % kStateMaintenanceEpochs == 0) {
    // State versions the retained epochs may need again: a re-run of epoch e opens
    // version e.
    const int64_t min_version = epoch.batch_id + 1 - spec_.min_batches_to_retain;
    for (const auto& op : prepared_.operators) {
      for (const auto& provider : op->providers) RETURN_NOT_OK(provider->Purge(min_version));
    }
  }
  timings->commit_offsets_nanos = clock_->MonotonicNanos() - t;

  for (size_t i = 0; i < n; ++i) start_offsets_[i] = epoch.offsets[i].end;
  next_batch_id_ = epoch.batch_id + 1;
  std::vector<int64_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = counters[i]->load(std::memory_order_relaxed);
  ReportProgress(epoch, *timings, rows, output_rows, std::move(event_time));
  return Status::OK();
}

int64_t MicroBatchExecution::NextWatermark(const PlannedEpoch& epoch,
                                           std::map<std::string, std::string>* event_time) {
  if (prepared_.watermarks.empty()) return epoch.watermark_ms;
  const int64_t now = clock_->MonotonicNanos();
  int64_t mn = std::numeric_limits<int64_t>::max();
  int64_t mx = std::numeric_limits<int64_t>::min();
  double sum = 0;
  int64_t count = 0;
  std::optional<int64_t> chosen;
  for (size_t i = 0; i < prepared_.watermarks.size(); ++i) {
    EventTimeStats& stats = *prepared_.watermarks[i].stats;
    std::lock_guard<std::mutex> lock(stats.mu);
    if (stats.count > 0) {
      // Spark: event times in ms (truncated), the delay in ms.
      const int64_t candidate = stats.max / 1000 - prepared_.watermarks[i].delay_micros / 1000;
      std::optional<int64_t>& wm = observer_watermark_ms_[i];
      if (!wm.has_value() || candidate > *wm) wm = candidate;
      observer_last_rows_nanos_[i] = now;
      mn = std::min(mn, stats.min);
      mx = std::max(mx, stats.max);
      sum += stats.sum;
      count += stats.count;
    } else if (spec_.watermark_idle_timeout_micros > 0 &&
               now - observer_last_rows_nanos_[i] >= spec_.watermark_idle_timeout_micros * 1000) {
      continue;  // idle: does not hold the watermark back
    }
    const int64_t value = observer_watermark_ms_[i].value_or(0);
    if (!chosen.has_value()) {
      chosen = value;
    } else {
      chosen = spec_.max_watermark_policy ? std::max(*chosen, value) : std::min(*chosen, value);
    }
  }
  if (count > 0) {
    (*event_time)["min"] = FormatIsoMillis(mn);
    (*event_time)["max"] = FormatIsoMillis(mx);
    (*event_time)["avg"] = FormatIsoMillis(static_cast<int64_t>(sum / static_cast<double>(count)));
  }
  (*event_time)["watermark"] = FormatIsoMillis(epoch.watermark_ms * 1000);
  return chosen.has_value() ? std::max(epoch.watermark_ms, *chosen) : epoch.watermark_ms;
}

void MicroBatchExecution::ReportProgress(const PlannedEpoch& epoch, const EpochTimings& timings,
                                         const std::vector<int64_t>& rows_per_source,
                                         int64_t output_rows,
                                         std::map<std::string, std::string> event_time) {
  const int64_t end_nanos = clock_->MonotonicNanos();
  const int64_t trigger_nanos = end_nanos - trigger_start_nanos_;
  // Spark: processing time at least 1 ms; the input interval is the time since the
  // previous trigger that had data (infinite for the first, giving a rate of 0).
  const double processing_sec =
      static_cast<double>(std::max<int64_t>(1, NanosToMs(trigger_nanos))) / 1000.0;
  const double input_sec =
      last_data_trigger_nanos_ >= 0
          ? static_cast<double>(NanosToMs(trigger_start_nanos_ - last_data_trigger_nanos_)) / 1000.0
          : std::numeric_limits<double>::infinity();
  last_data_trigger_nanos_ = trigger_start_nanos_;
  last_idle_event_nanos_ = end_nanos;

  QueryProgress p;
  p.id = id_;
  p.run_id = run_id_;
  p.name = spec_.name;
  p.timestamp_micros = trigger_start_micros_;
  p.batch_id = epoch.batch_id;
  p.event_time = std::move(event_time);
  p.duration_ms = {{"addBatch", NanosToMs(timings.add_batch_nanos)},
                   {"commitOffsets", NanosToMs(timings.commit_offsets_nanos)},
                   {"getBatch", NanosToMs(timings.get_batch_nanos)},
                   {"latestOffset", NanosToMs(timings.latest_offset_nanos)},
                   {"queryPlanning", NanosToMs(timings.query_planning_nanos)},
                   {"triggerExecution", NanosToMs(trigger_nanos)},
                   {"walCommit", NanosToMs(timings.wal_commit_nanos)}};
  for (size_t i = 0; i < spec_.sources.size(); ++i) {
    const Source& source = *spec_.sources[i];
    SourceProgress s;
    s.description = source.Describe();
    s.start_offset = epoch.offsets[i].start;
    s.end_offset = epoch.offsets[i].end;
    s.latest_offset = latest_offsets_[i];
    s.num_input_rows = rows_per_source[i];
    s.input_rows_per_second = static_cast<double>(s.num_input_rows) / input_sec;
    s.processed_rows_per_second = static_cast<double>(s.num_input_rows) / processing_sec;
    const SourceMetrics m = source.metrics();
    s.num_malformed_records = m.malformed_records - last_metrics_[i].malformed_records;
    s.num_dropped_records = m.dropped_records - last_metrics_[i].dropped_records;
    last_metrics_[i] = m;
    p.num_input_rows += s.num_input_rows;
    p.input_rows_per_second += s.input_rows_per_second;
    p.processed_rows_per_second += s.processed_rows_per_second;
    p.sources.push_back(std::move(s));
  }
  const int shuffle_partitions = checkpoint_->metadata().shuffle_partitions;
  for (const auto& op : prepared_.operators) {
    const exec::StatefulMetrics& m = *op->metrics;
    StateOperatorProgress s;
    s.operator_name = op->name;
    s.num_rows_total = m.num_rows_total.load();
    s.num_rows_updated = m.num_rows_updated.load();
    s.all_updates_time_ms = NanosToMs(m.all_updates_time_ns.load());
    s.num_rows_removed = m.num_rows_removed.load();
    s.all_removals_time_ms = NanosToMs(m.all_removals_time_ns.load());
    s.commit_time_ms = NanosToMs(m.commit_time_ns.load());
    s.memory_used_bytes = m.memory_used_bytes.load();
    s.num_rows_dropped_by_watermark = m.num_rows_dropped_by_watermark.load();
    s.num_shuffle_partitions = shuffle_partitions;
    s.num_state_store_instances = m.num_state_store_instances.load();
    if (op->evicts_by_watermark) {
      // weir's: state rows the eviction watermark should have removed (always 0 unless
      // state is leaking).
      s.custom_metrics["numRowsBehindWatermark"] = m.num_keys_behind_watermark.load();
    }
    for (const auto& [name, value] : op->custom_metrics) s.custom_metrics[name] = value;
    if (op->watermark_ms.has_value()) s.watermark = FormatIsoMillis(*op->watermark_ms * 1000);
    p.state_operators.push_back(std::move(s));
  }
  p.sink.description = spec_.sink->Describe();
  p.sink.num_output_rows = output_rows;
  p.sink.exactly_once = spec_.sink->delivery() == Delivery::kExactlyOnce;
  {
    std::lock_guard<std::mutex> lock(mu_);
    progress_.push_back(p);
    if (progress_.size() > kMaxRecentProgress) progress_.pop_front();
    status_ = QueryStatus{"Waiting for next trigger", false, false};
  }
  cv_.notify_all();
  for (const auto& listener : manager_->Listeners()) listener->OnQueryProgress(p);
}

void MicroBatchExecution::ReportIdle() {
  const int64_t now = clock_->MonotonicNanos();
  if (last_idle_event_nanos_.has_value() &&
      now - *last_idle_event_nanos_ < kIdleEventIntervalNanos) {
    return;
  }
  last_idle_event_nanos_ = now;
  for (const auto& listener : manager_->Listeners()) listener->OnQueryIdle(id_, run_id_);
}

}  // namespace weir::stream::internal
