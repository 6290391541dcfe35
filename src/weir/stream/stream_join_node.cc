// Stream-stream joins (incremental_internal.h): a join whose two inputs both read
// streams becomes a StreamJoinNode, which plans exec's MakeStreamStreamJoin every
// epoch (Spark's StreamingSymmetricHashJoinExec; stream_join_analysis.h says how
// the keys and condition bound the state).
//
// Per epoch the node computes, from its input watermark for eviction W (watermark
// propagation, incremental_internal.h), each side's state watermark: W for both
// sides when a join key carries event time, else the side's time-range bound of W,
// else none (that side's state is never evicted). Its output watermark is the
// minimum of W and both state watermarks (Spark's produceOutputWatermark), so an
// aggregation downstream judges the join's output by how late the join can emit.
//
// Progress: operatorName "symmetricHashJoin"; customMetrics "unboundedStateSides"
// counts the sides whose state is never evicted (2 for a join without a watermark
// or a time-range condition: its state grows for as long as the query runs).

#include "weir/stream/incremental_internal.h"
#include "weir/stream/stream_join_analysis.h"
#include "weir/stream/unsupported_operations.h"

namespace weir::stream::internal {

namespace {

using plan::LogicalPlan;
using plan::LogicalPlanPtr;

// What preparation derived from the join; the state watermarks are per epoch.
struct JoinPlan {
  exec::StreamJoinSpec spec;
  std::optional<StateValueBound> left_bound;
  std::optional<StateValueBound> right_bound;
};

class StreamJoinNode final : public StreamNode {
 public:
  StreamJoinNode(std::shared_ptr<const plan::JoinNode> join, std::shared_ptr<const JoinPlan> plan,
                 std::shared_ptr<StatefulOperator> op)
      : StreamNode(join->schema(), join->children()),
        join_(std::move(join)),
        plan_(std::move(plan)),
        op_(std::move(op)) {}

  std::string Describe() const override {
    return "StreamingSymmetricHashJoin [operator " + std::to_string(op_->id) + "] " +
           join_->Describe();
  }
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override {
    auto join =
        std::static_pointer_cast<const plan::JoinNode>(join_->WithChildren(std::move(children)));
    return std::make_shared<StreamJoinNode>(std::move(join), plan_, op_);
  }
  std::vector<EventTimeKind> OutputEventTime() const override { return EventTimeColumns(*join_); }

  std::optional<int64_t> OutputWatermark(int64_t input_ms) const override {
    const auto [left, right] = StateWatermarks(input_ms);
    int64_t out = input_ms;
    if (left.has_value()) out = std::min(out, *left);
    if (right.has_value()) out = std::min(out, *right);
    return out;
  }

  Result<exec::PhysicalOperatorPtr> Plan(std::vector<exec::PhysicalOperatorPtr> children,
                                         exec::ExecContext&,
                                         const EpochPlanContext& epoch) const override {
    exec::StatefulContext context;
    context.operator_id = op_->id;
    context.batch_id = epoch.batch_id;
    context.providers = op_->providers;
    context.mode = ModeOf(epoch.mode);
    context.late_watermark_ms = LateWatermark(*op_, *this, epoch);
    context.eviction_watermark_ms = EvictionWatermark(*this, epoch);
    context.metrics = op_->metrics;
    exec::StreamJoinSpec spec = plan_->spec;
    if (context.eviction_watermark_ms.has_value()) {
      const auto [left, right] = StateWatermarks(*context.eviction_watermark_ms);
      spec.left.state_watermark_ms = left;
      spec.right.state_watermark_ms = right;
    }
    return exec::MakeStreamStreamJoin(std::move(children[0]), std::move(children[1]),
                                      std::move(spec), schema(), std::move(context));
  }

  StatefulOperator* stateful_operator() const override { return op_.get(); }

 private:
  // Each side's state watermark for input watermark `w` (Spark's getStateWatermark).
  std::pair<std::optional<int64_t>, std::optional<int64_t>> StateWatermarks(int64_t w) const {
    if (plan_->spec.time_key.index >= 0) return {w, w};
    std::optional<int64_t> left, right;
    if (plan_->left_bound.has_value()) left = plan_->left_bound->StateWatermarkMs(w);
    if (plan_->right_bound.has_value()) right = plan_->right_bound->StateWatermarkMs(w);
    return {left, right};
  }

  std::shared_ptr<const plan::JoinNode> join_;
  std::shared_ptr<const JoinPlan> plan_;
  std::shared_ptr<StatefulOperator> op_;
};

Result<exec::StreamJoinType> StreamJoinTypeOf(const plan::JoinNode& join) {
  switch (join.join_type()) {
    case plan::JoinType::kInner:
    case plan::JoinType::kCross:
      return exec::StreamJoinType::kInner;
    case plan::JoinType::kLeftOuter:
      return exec::StreamJoinType::kLeftOuter;
    case plan::JoinType::kRightOuter:
      return exec::StreamJoinType::kRightOuter;
    case plan::JoinType::kFullOuter:
      return exec::StreamJoinType::kFullOuter;
    case plan::JoinType::kLeftSemi:
      return exec::StreamJoinType::kLeftSemi;
    default:
      // The start-time checks refuse the others first.
      return Status::Unsupported("Join type " + std::string(sql::JoinTypeName(join.join_type())) +
                                 " is not supported with streaming DataFrame/Dataset;\n" +
                                 join.Describe());
  }
}

std::vector<DataType> TypesOf(const Schema& schema) {
  std::vector<DataType> out;
  for (const Field& f : schema.fields()) out.push_back(f.type);
  return out;
}

}  // namespace

Result<std::optional<LogicalPlanPtr>> WrapStreamStreamJoin(const LogicalPlanPtr& node,
                                                           PrepareContext* prepare) {
  if (node->kind() != plan::LogicalKind::kJoin || !IsStreamingPlan(*node->child(0)) ||
      !IsStreamingPlan(*node->child(1))) {
    return std::optional<LogicalPlanPtr>();
  }
  auto join = std::static_pointer_cast<const plan::JoinNode>(node);
  auto jp = std::make_shared<JoinPlan>();
  exec::StreamJoinSpec& spec = jp->spec;
  ASSIGN_OR_RAISE(spec.type, StreamJoinTypeOf(*join));
  const LogicalPlan& left = *join->child(0);
  const LogicalPlan& right = *join->child(1);
  const int num_left = left.schema()->num_fields();
  ASSIGN_OR_RAISE(JoinConditionParts parts, SplitJoinCondition(join->condition(), num_left));
  if (parts.left_keys.empty()) {
    // Spark's StreamingJoinStrategy: the state is kept per join key.
    return Status::Unsupported("Stream-stream join without equality predicate is not supported;\n" +
                               join->Describe());
  }
  const std::vector<EventTimeKind> left_kinds = EventTimeColumns(left);
  const std::vector<EventTimeKind> right_kinds = EventTimeColumns(right);
  spec.null_safe = parts.null_safe;
  spec.residual = parts.both;
  spec.left.keys = parts.left_keys;
  spec.left.filter = parts.left_only;
  spec.left.late = EventTimeKeyOf(left_kinds);
  spec.right.keys = parts.right_keys;
  spec.right.filter = parts.right_only;
  spec.right.late = EventTimeKeyOf(right_kinds);
  spec.time_key = WatermarkJoinKey(parts, left_kinds, right_kinds);
  if (spec.time_key.index < 0) {
    const std::vector<DataType> left_types = TypesOf(*left.schema());
    const std::vector<DataType> right_types = TypesOf(*right.schema());
    jp->left_bound = FindStateValueBound(join->condition(), num_left, true, left_kinds, right_kinds,
                                         left_types, right_types);
    jp->right_bound = FindStateValueBound(join->condition(), num_left, false, left_kinds,
                                          right_kinds, left_types, right_types);
    if (jp->left_bound.has_value()) spec.left.value_time_column = jp->left_bound->column;
    if (jp->right_bound.has_value()) spec.right.value_time_column = jp->right_bound->column;
  }
  std::shared_ptr<StatefulOperator> op = prepare->NewOperator("symmetricHashJoin", *join);
  const bool by_key = spec.time_key.index >= 0;
  const int64_t unbounded = (by_key || jp->left_bound.has_value() ? 0 : 1) +
                            (by_key || jp->right_bound.has_value() ? 0 : 1);
  op->evicts_by_watermark = unbounded < 2;
  op->custom_metrics["unboundedStateSides"] = unbounded;
  return std::optional<LogicalPlanPtr>(
      std::make_shared<StreamJoinNode>(std::move(join), std::move(jp), std::move(op)));
}

}  // namespace weir::stream::internal
