// [flat]mapGroupsWithState: GroupStateCore (Spark's GroupStateImpl), the logical
// node, grouping a partition by key, and the batch operator (Spark's MapGroupsExec
// with GroupStateImpl.createForBatch). The streaming operator is in
// stateful_groups.cc.

#include <exception>
#include <limits>

#include "weir/exec/exec_internal.h"
#include "weir/exec/groups_with_state_internal.h"
#include "weir/exec/operators.h"
#include "weir/expr/cast.h"

namespace weir::exec {

std::string_view GroupStateTimeoutName(GroupStateTimeout timeout) {
  switch (timeout) {
    case GroupStateTimeout::kNoTimeout:
      return "NoTimeout";
    case GroupStateTimeout::kProcessingTimeTimeout:
      return "ProcessingTimeTimeout";
    case GroupStateTimeout::kEventTimeTimeout:
      return "EventTimeTimeout";
  }
  return "NoTimeout";
}

// ---- GroupStateCore -------------------------------------------------------------------

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86'400'000'000};

// Spark's GroupStateImpl.parseDuration: IntervalUtils.stringToInterval, refused when
// negative, then getDuration in milliseconds with 31 days per month.
Result<int64_t> ParseDurationMs(std::string_view duration) {
  EvalOptions options;
  EvalContext ctx(options);
  Result<Datum> cast = CastDatum(ctx, Datum::Constant(Value::String(std::string(duration))),
                                 DataType::Interval(), RowSet(1));
  if (!cast.ok() || cast->IsNull(0)) {
    return Status::InvalidArgument("Cannot parse the duration '" + std::string(duration) +
                                   "' as an interval")
        .WithHint("a duration is an interval string such as '10 seconds' or '1 hour 30 minutes'");
  }
  const Interval interval = cast->GetValue(0).interval();
  const __int128 micros = static_cast<__int128>(interval.months) * 31 * kMicrosPerDay +
                          static_cast<__int128>(interval.days) * kMicrosPerDay + interval.micros;
  if (micros < 0) {
    return Status::InvalidArgument("Provided duration (" + std::string(duration) + ") is negative");
  }
  if (micros / 1000 > std::numeric_limits<int64_t>::max()) {
    return Status::InvalidArgument("Provided duration (" + std::string(duration) + ") is too long");
  }
  return static_cast<int64_t>(micros / 1000);
}

Status CheckTimeoutTimestampAllowed(const GroupStateEnv& env) {
  if (env.timeout == GroupStateTimeout::kEventTimeTimeout) return Status::OK();
  return Status::Unsupported(
             "Cannot set timeout timestamp without enabling event time timeout in "
             "[map|flatMapGroupsWithState")
      .WithHint("pass GroupStateTimeout::kEventTimeTimeout to [Flat]MapGroupsWithState");
}

}  // namespace

void GroupStateCore::Begin(std::optional<std::string_view> state, bool has_timed_out) {
  defined_ = state.has_value();
  value_.assign(state.has_value() ? *state : std::string_view());
  updated_ = false;
  removed_ = false;
  has_timed_out_ = has_timed_out;
  timeout_ms_ = kNoTimestamp;
}

Status GroupStateCore::NotDefinedError() {
  return Status::NotFound("State is either not defined or has already been removed")
      .WithHint("check Exists() first, or use GetOption()");
}

void GroupStateCore::Update(std::string bytes) {
  value_ = std::move(bytes);
  defined_ = true;
  updated_ = true;
  removed_ = false;
}

void GroupStateCore::Remove() {
  value_.clear();
  defined_ = false;
  updated_ = false;
  removed_ = true;
}

Status GroupStateCore::SetTimeoutDuration(int64_t duration_ms) {
  if (env_->timeout != GroupStateTimeout::kProcessingTimeTimeout) {
    return Status::Unsupported(
               "Cannot set timeout duration without enabling processing time timeout in "
               "[map|flatMap]GroupsWithState")
        .WithHint("pass GroupStateTimeout::kProcessingTimeTimeout to [Flat]MapGroupsWithState");
  }
  if (duration_ms <= 0) return Status::InvalidArgument("Timeout duration must be positive");
  if (duration_ms > std::numeric_limits<int64_t>::max() - env_->batch_timestamp_ms) {
    return Status::InvalidArgument("Timeout duration (" + std::to_string(duration_ms) +
                                   " ms) is too long");
  }
  timeout_ms_ = env_->batch_timestamp_ms + duration_ms;
  return Status::OK();
}

Status GroupStateCore::SetTimeoutDuration(std::string_view duration) {
  ASSIGN_OR_RAISE(int64_t ms, ParseDurationMs(duration));
  return SetTimeoutDuration(ms);
}

Status GroupStateCore::SetTimeoutTimestamp(int64_t timestamp_ms) {
  RETURN_NOT_OK(CheckTimeoutTimestampAllowed(*env_));
  if (timestamp_ms <= 0) return Status::InvalidArgument("Timeout timestamp must be positive");
  if (env_->watermark_ms != kNoTimestamp && timestamp_ms < env_->watermark_ms) {
    return Status::InvalidArgument("Timeout timestamp (" + std::to_string(timestamp_ms) +
                                   ") cannot be earlier than the current watermark (" +
                                   std::to_string(env_->watermark_ms) + ")");
  }
  timeout_ms_ = timestamp_ms;
  return Status::OK();
}

Status GroupStateCore::SetTimeoutTimestamp(int64_t timestamp_ms,
                                           std::string_view additional_duration) {
  RETURN_NOT_OK(CheckTimeoutTimestampAllowed(*env_));
  ASSIGN_OR_RAISE(int64_t ms, ParseDurationMs(additional_duration));
  if (timestamp_ms > 0 && ms > std::numeric_limits<int64_t>::max() - timestamp_ms) {
    return Status::InvalidArgument("Timeout timestamp is too large");
  }
  return SetTimeoutTimestamp(timestamp_ms + ms);
}

Result<int64_t> GroupStateCore::GetCurrentWatermarkMs() const {
  if (!env_->watermark_present) {
    return Status::Unsupported(
               "Cannot get event time watermark timestamp without setting watermark before "
               "[map|flatMap]GroupsWithState")
        .WithHint("call WithWatermark on the input, or declare WATERMARK FOR on its source");
  }
  return env_->watermark_ms;
}

// ---- GroupOutput, the node ------------------------------------------------------------

Status GroupOutput::Flush(std::vector<Batch>* out) {
  if (builder_.num_rows() == 0) return Status::OK();
  ASSIGN_OR_RAISE(Batch batch, builder_.Finish());
  out->push_back(std::move(batch));
  return Status::OK();
}

std::string GroupsWithStateNode::Describe() const {
  std::string keys;
  for (size_t i = 0; i < spec_->key_names.size(); ++i) {
    keys += (i > 0 ? ", " : "") + spec_->key_names[i];
  }
  const char* mode = spec_->output_mode == StatefulOutputMode::kAppend ? "Append" : "Update";
  return std::string(spec_->is_map ? "MapGroupsWithState" : "FlatMapGroupsWithState") + " [" +
         keys + "], " + mode + ", " + std::string(GroupStateTimeoutName(spec_->timeout));
}

plan::LogicalPlanPtr GroupsWithStateNode::WithChildren(
    std::vector<plan::LogicalPlanPtr> children) const {
  return std::make_shared<GroupsWithStateNode>(std::move(children[0]), spec_, schema());
}

// ---- Grouping -------------------------------------------------------------------------

std::vector<Value> GroupedPartition::Key(uint32_t g) const {
  std::vector<Value> key;
  key.reserve(key_columns.size());
  for (const ColumnPtr& c : key_columns) key.push_back(GetValue(*c, g));
  return key;
}

Status GroupPartition(const std::vector<Batch>& batches, const SchemaPtr& schema,
                      const std::vector<ExprPtr>& keys, EvalContext& ectx, GroupedPartition* out) {
  out->offsets.assign(1, 0);
  out->key_columns.clear();
  int64_t n = 0;
  for (const Batch& b : batches) n += b.num_rows();
  if (n == 0) {
    out->rows = Batch::MakeEmpty(schema);
    return Status::OK();
  }
  const Batch all = ConcatBatches(schema, batches);
  ASSIGN_OR_RAISE(std::vector<Datum> datums, EvalAll(keys, ectx, all));
  std::vector<DataType> types;
  for (const Datum& d : datums) types.push_back(d.type());
  GroupTable table(types);
  std::vector<uint32_t> ids(static_cast<size_t>(n));
  table.FindOrInsert(datums, RowSet(n), ids.data());
  const uint32_t groups = table.num_groups();

  // A stable counting sort of the rows by group.
  out->offsets.assign(static_cast<size_t>(groups) + 1, 0);
  for (uint32_t id : ids) ++out->offsets[id + 1];
  for (uint32_t g = 0; g < groups; ++g) out->offsets[g + 1] += out->offsets[g];
  std::vector<int64_t> cursor(out->offsets.begin(), out->offsets.end() - 1);
  std::vector<uint32_t> order(static_cast<size_t>(n));
  for (int64_t r = 0; r < n; ++r) {
    order[static_cast<size_t>(cursor[ids[static_cast<size_t>(r)]]++)] = static_cast<uint32_t>(r);
  }
  std::vector<ColumnPtr> columns;
  for (int c = 0; c < all.num_columns(); ++c)
    columns.push_back(all.column(c)->Take(order.data(), n));
  ASSIGN_OR_RAISE(out->rows, Batch::Make(schema, std::move(columns)));

  std::vector<uint32_t> group_ids(groups);
  for (uint32_t g = 0; g < groups; ++g) group_ids[g] = g;
  ASSIGN_OR_RAISE(out->key_columns, table.KeyColumns(group_ids));
  std::vector<Datum> key_datums;
  for (const ColumnPtr& c : out->key_columns) key_datums.push_back(Datum::Flat(c));
  out->encoder.Encode(key_datums, RowSet(groups));
  return Status::OK();
}

Status CallGroupsFunction(const GroupsFunction& fn, const std::vector<Value>& key,
                          const GroupRows& rows, GroupStateCore& state, GroupOutput& out) {
  try {
    return fn.Call(key, rows, state, out);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("the [flat]mapGroupsWithState function failed: ") +
                                   e.what());
  } catch (...) {
    return Status::InvalidArgument(
        "the [flat]mapGroupsWithState function failed with an unknown exception");
  }
}

Result<std::vector<Batch>> DrainPartition(PhysicalOperator& child, ExecContext& ctx, int p) {
  ASSIGN_OR_RAISE(BatchStreamPtr stream, child.Execute(ctx, p));
  std::vector<Batch> batches;
  Batch b;
  while (true) {
    RETURN_NOT_OK(CheckCancelled(ctx));
    ASSIGN_OR_RAISE(bool more, stream->Next(&b));
    if (!more) break;
    if (b.num_rows() > 0) batches.push_back(std::move(b));
  }
  return batches;
}

// ---- Batch operator -------------------------------------------------------------------

namespace {

class GroupsWithStateOp final : public PhysicalOperator {
 public:
  GroupsWithStateOp(PhysicalOperatorPtr exchange, std::shared_ptr<const GroupsWithStateSpec> spec,
                    SchemaPtr schema)
      : PhysicalOperator(std::move(schema), {std::move(exchange)}), spec_(std::move(spec)) {}

  int num_partitions() const override { return children()[0]->num_partitions(); }

  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override {
    PhysicalOperator& child = *children()[0];
    ASSIGN_OR_RAISE(std::vector<Batch> input, DrainPartition(child, ctx, p));
    EvalContext ectx(ctx.eval);
    GroupedPartition groups;
    RETURN_NOT_OK(GroupPartition(input, child.schema(), spec_->keys, ectx, &groups));
    // Spark's GroupStateImpl.createForBatch: no prior state, processing time now, no
    // watermark (GetCurrentWatermarkMs is -1, as the GroupState scaladoc says).
    GroupStateEnv env;
    env.timeout = spec_->timeout;
    env.batch_timestamp_ms =
        (ctx.eval.current_timestamp_micros != 0 ? ctx.eval.current_timestamp_micros
                                                : EnvOf(ctx)->clock()->NowMicros()) /
        1000;
    env.watermark_ms = kNoTimestamp;
    env.watermark_present = true;
    GroupStateCore state(&env);
    GroupOutput out(schema());
    auto batches = std::make_shared<std::vector<Batch>>();
    for (uint32_t g = 0; g < groups.num_groups(); ++g) {
      state.Begin(std::nullopt, false);
      RETURN_NOT_OK(
          CallGroupsFunction(*spec_->function, groups.Key(g), groups.Rows(g), state, out));
      if (out.num_rows() >= kDefaultBatchRows) RETURN_NOT_OK(out.Flush(batches.get()));
    }
    RETURN_NOT_OK(out.Flush(batches.get()));
    return BatchStreamPtr(std::make_unique<VectorStream>(std::move(batches)));
  }

  std::string Describe() const override {
    return (spec_->is_map ? "MapGroupsWithState(keys=[" : "FlatMapGroupsWithState(keys=[") +
           ExprList(spec_->keys) + "], batch)";
  }

 private:
  std::shared_ptr<const GroupsWithStateSpec> spec_;
};

}  // namespace

PhysicalOperatorPtr MakeGroupsWithState(PhysicalOperatorPtr child,
                                        std::shared_ptr<const GroupsWithStateSpec> spec,
                                        SchemaPtr schema, int partitions) {
  PhysicalOperatorPtr exchange = MakeHashExchange(std::move(child), spec->keys, partitions);
  return std::make_shared<GroupsWithStateOp>(std::move(exchange), std::move(spec),
                                             std::move(schema));
}

}  // namespace weir::exec
