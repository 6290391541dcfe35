#include "weir/stream/micro_batch_execution.h"

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>

#include "weir/common/logging.h"
#include "weir/exec/planner.h"
#include "weir/plan/optimizer.h"
#include "weir/stream/stream_internal.h"

namespace weir::stream::internal {

namespace {

constexpr size_t kMaxRecentProgress = 100;                   // Spark's progress ring
constexpr int64_t kIdleEventIntervalNanos = 10'000'000'000;  // onQueryIdle throttle
constexpr int64_t kRetainedEpochs = 100;                     // minBatchesToRetain

int64_t NanosToMs(int64_t nanos) { return nanos / 1'000'000; }

// Event-time statistics of one source over one epoch (Spark's EventTimeStats), in
// microseconds; merged from every reader, once per batch.
struct EventTimeStats {
  std::mutex mu;
  int64_t min = std::numeric_limits<int64_t>::max();  // guarded by mu
  int64_t max = std::numeric_limits<int64_t>::min();  // guarded by mu
  double sum = 0;                                     // guarded by mu
  int64_t count = 0;                                  // guarded by mu
};

// Counts the rows every reader of a table yields (numInputRows per source, counted
// per batch), and for a watermarked source gathers the event-time column's
// statistics — reading that column even when the query does not, and leaving it
// out of what it returns.
class CountingReader final : public plan::BatchReader {
 public:
  CountingReader(plan::BatchReaderPtr inner, std::shared_ptr<std::atomic<int64_t>> rows,
                 std::shared_ptr<EventTimeStats> stats, int stats_column, SchemaPtr strip_to)
      : inner_(std::move(inner)),
        rows_(std::move(rows)),
        stats_(std::move(stats)),
        stats_column_(stats_column),
        strip_to_(std::move(strip_to)) {}

  Result<bool> Next(Batch* out) override {
    ASSIGN_OR_RAISE(bool more, inner_->Next(out));
    if (!more) return false;
    rows_->fetch_add(out->num_rows(), std::memory_order_relaxed);
    if (stats_column_ < 0) return true;
    GatherStats(*out);
    if (strip_to_ != nullptr) {
      if (strip_to_->num_fields() == 0) {
        *out = Batch::MakeRowsOnly(out->num_rows());
      } else {
        std::vector<ColumnPtr> columns(out->columns().begin(),
                                       out->columns().begin() + strip_to_->num_fields());
        ASSIGN_OR_RAISE(*out, Batch::Make(strip_to_, std::move(columns), out->selection()));
      }
    }
    return true;
  }

 private:
  void GatherStats(const Batch& batch) {
    const Column& ts = *batch.column(stats_column_);
    const int64_t* values = ts.values<int64_t>();
    int64_t mn = std::numeric_limits<int64_t>::max();
    int64_t mx = std::numeric_limits<int64_t>::min();
    double sum = 0;
    int64_t count = 0;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      const int64_t i = batch.RowIndex(r);
      if (ts.IsNull(i)) continue;
      mn = std::min(mn, values[i]);
      mx = std::max(mx, values[i]);
      sum += static_cast<double>(values[i]);
      ++count;
    }
    if (count == 0) return;
    std::lock_guard<std::mutex> lock(stats_->mu);
    stats_->min = std::min(stats_->min, mn);
    stats_->max = std::max(stats_->max, mx);
    stats_->sum += sum;
    stats_->count += count;
  }

  plan::BatchReaderPtr inner_;
  std::shared_ptr<std::atomic<int64_t>> rows_;
  std::shared_ptr<EventTimeStats> stats_;
  int stats_column_;    // index of the event-time column in the inner reader's batches
  SchemaPtr strip_to_;  // when set, the requested columns (the event time was added)
};

class CountingTable final : public plan::TableProvider {
 public:
  // `event_time_column` < 0: no statistics.
  CountingTable(plan::TableProviderPtr inner, std::shared_ptr<std::atomic<int64_t>> rows,
                int event_time_column, std::shared_ptr<EventTimeStats> stats)
      : inner_(std::move(inner)),
        rows_(std::move(rows)),
        event_time_column_(event_time_column),
        stats_(std::move(stats)) {}
  const SchemaPtr& schema() const override { return inner_->schema(); }
  std::string Describe() const override { return inner_->Describe(); }
  int NumPartitions() const override { return inner_->NumPartitions(); }
  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    std::vector<int> read = columns;
    int stats_column = -1;
    SchemaPtr strip_to;
    if (event_time_column_ >= 0) {
      auto it = std::find(read.begin(), read.end(), event_time_column_);
      if (it == read.end()) {
        std::vector<Field> fields;
        for (int c : columns) fields.push_back(inner_->schema()->field(c));
        strip_to = MakeSchema(std::move(fields));
        read.push_back(event_time_column_);
        it = read.end() - 1;
      }
      stats_column = static_cast<int>(it - read.begin());
    }
    ASSIGN_OR_RAISE(plan::BatchReaderPtr reader, inner_->Open(partition, read));
    return plan::BatchReaderPtr(std::make_unique<CountingReader>(
        std::move(reader), rows_, stats_, stats_column, std::move(strip_to)));
  }

 private:
  plan::TableProviderPtr inner_;
  std::shared_ptr<std::atomic<int64_t>> rows_;
  int event_time_column_;
  std::shared_ptr<EventTimeStats> stats_;
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
                                         std::unique_ptr<Checkpoint> checkpoint, ResumePoint resume,
                                         bool temporary_checkpoint)
    : manager_(std::move(manager)),
      spec_(std::move(spec)),
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
  for (const SourcePtr& source : spec_.sources) source->Stop();
  if (st.ok() && temporary_checkpoint_) {
    // Nothing will restart from a checkpoint no one named; leave no records behind.
    Env* env = manager_->options.env;
    for (const char* sub : {"offsets", "commits"}) {
      const std::string dir = checkpoint_->dir() + "/" + sub;
      for (const std::string& name : env->GetChildren(dir).ValueOr({})) {
        env->DeleteFile(dir + "/" + name).IgnoreError();
      }
      env->DeleteDir(dir).IgnoreError();
    }
    env->DeleteFile(checkpoint_->MetadataPath()).IgnoreError();
    env->DeleteDir(checkpoint_->dir()).IgnoreError();
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
  source_watermark_ms_.assign(n, std::nullopt);
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
  if (resume_.rerun.has_value()) {
    // The epoch the previous run planned but did not commit: exactly its offsets and
    // batch timestamp again (its effects may have partly happened; sinks are
    // idempotent per epoch).
    trigger_start_nanos_ = clock_->MonotonicNanos();
    trigger_start_micros_ = clock_->NowMicros();
    PlannedEpoch epoch = std::move(*resume_.rerun);
    resume_.rerun.reset();
    latest_offsets_.clear();
    for (const SourceOffsets& o : epoch.offsets) latest_offsets_.push_back(o.end);
    EpochTimings timings;
    RETURN_NOT_OK(RunEpoch(epoch, &timings));
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
  std::vector<std::shared_ptr<EventTimeStats>> stats(n);
  std::vector<plan::TableProviderPtr> inputs(n);
  for (size_t i = 0; i < n; ++i) {
    const SourceOffsets& o = epoch.offsets[i];
    ASSIGN_OR_RAISE(plan::TableProviderPtr table, spec_.sources[i]->Read(o.start, o.end));
    if (table == nullptr || !(*table->schema() == *spec_.sources[i]->schema())) {
      return Status::Internal("source " + spec_.sources[i]->Describe() +
                              " read a table whose schema is not the source's schema");
    }
    counters[i] = std::make_shared<std::atomic<int64_t>>(0);
    const std::optional<WatermarkSpec>& wm = Watermark(i);
    stats[i] = std::make_shared<EventTimeStats>();
    inputs[i] = std::make_shared<CountingTable>(std::move(table), counters[i], wm ? wm->column : -1,
                                                stats[i]);
  }
  int64_t now = clock_->MonotonicNanos();
  timings->get_batch_nanos = now - t;

  // queryPlanning: the query's plan over this epoch's inputs.
  t = now;
  ASSIGN_OR_RAISE(
      plan::LogicalPlanPtr logical,
      plan::TransformUp(
          spec_.plan, [&](const plan::LogicalPlanPtr& node) -> Result<plan::LogicalPlanPtr> {
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
  now = clock_->MonotonicNanos();
  timings->add_batch_nanos = now - t;

  // The watermark the next epoch runs with (each watermarked source's max event time
  // minus its delay; the minimum over sources with data; never backwards).
  std::map<std::string, std::string> event_time;
  int64_t next_watermark_ms = epoch.watermark_ms;
  {
    EventTimeStats merged;
    bool any_watermark = false;
    std::optional<int64_t> global;
    for (size_t i = 0; i < n; ++i) {
      const std::optional<WatermarkSpec>& wm = Watermark(i);
      if (!wm) continue;
      any_watermark = true;
      if (stats[i]->count > 0) {
        const int64_t candidate = (stats[i]->max - wm->delay_micros) / 1000;
        source_watermark_ms_[i] = std::max(source_watermark_ms_[i].value_or(candidate), candidate);
        merged.min = std::min(merged.min, stats[i]->min);
        merged.max = std::max(merged.max, stats[i]->max);
        merged.sum += stats[i]->sum;
        merged.count += stats[i]->count;
      }
      if (source_watermark_ms_[i]) {
        global = std::min(global.value_or(*source_watermark_ms_[i]), *source_watermark_ms_[i]);
      }
    }
    if (global) next_watermark_ms = std::max(next_watermark_ms, *global);
    if (any_watermark) {
      if (merged.count > 0) {
        event_time["min"] = FormatIsoMillis(merged.min);
        event_time["max"] = FormatIsoMillis(merged.max);
        event_time["avg"] =
            FormatIsoMillis(static_cast<int64_t>(merged.sum / static_cast<double>(merged.count)));
      }
      event_time["watermark"] = FormatIsoMillis(epoch.watermark_ms * 1000);
    }
  }

  // commitOffsets: the commit record, then the sources may drop what is processed.
  t = now;
  RETURN_NOT_OK(checkpoint_->WriteCommit(CommitRecord{epoch.batch_id, next_watermark_ms}));
  watermark_ms_ = next_watermark_ms;
  for (size_t i = 0; i < n; ++i) RETURN_NOT_OK(spec_.sources[i]->Commit(epoch.offsets[i].end));
  RETURN_NOT_OK(checkpoint_->Purge(kRetainedEpochs));
  timings->commit_offsets_nanos = clock_->MonotonicNanos() - t;

  for (size_t i = 0; i < n; ++i) start_offsets_[i] = epoch.offsets[i].end;
  next_batch_id_ = epoch.batch_id + 1;
  std::vector<int64_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = counters[i]->load(std::memory_order_relaxed);
  ReportProgress(epoch, *timings, rows, output_rows, std::move(event_time));
  return Status::OK();
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
