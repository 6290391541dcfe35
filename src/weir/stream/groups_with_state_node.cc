// [flat]mapGroupsWithState over a stream (incremental_internal.h): an
// exec::GroupsWithStateNode that reads a stream becomes a stateful operator
// ("flatMapGroupsWithState" in progress, for both, as Spark names
// FlatMapGroupsWithStateExec), after Spark 3.5's UnsupportedOperationChecker rules
// for it:
//  - at most one mapGroupsWithState, not mixed with flatMapGroupsWithState; several
//    flatMapGroupsWithState only all in Append mode in an Append query;
//  - mapGroupsWithState: Update output mode only, and no streaming aggregation in
//    the query;
//  - flatMapGroupsWithState without aggregation: its mode must be the query's; with
//    aggregation: Append mode only, and not after the aggregation;
//  - EventTimeTimeout needs a watermark on the input;
//  - (checkStreamingQueryGlobalWatermarkLimit) with EventTimeTimeout it may emit
//    rows the watermark makes late downstream, so no stateful operator may follow it.
//
// Timeouts need epochs without data: EventTimeTimeout sets evicts_by_watermark (an
// epoch runs when the watermark advances), ProcessingTimeTimeout publishes its
// earliest timeout through next_processing_timeout_ms (an epoch runs when a trigger
// is past it).

#include <limits>

#include "weir/exec/groups_with_state.h"
#include "weir/stream/incremental_internal.h"
#include "weir/stream/unsupported_operations.h"

namespace weir::stream::internal {

namespace {

using plan::LogicalKind;
using plan::LogicalPlan;
using plan::LogicalPlanPtr;

const exec::GroupsWithStateNode* AsGroups(const LogicalPlan& node) {
  return dynamic_cast<const exec::GroupsWithStateNode*>(&node);
}

// Every [flat]mapGroupsWithState over a stream in `plan`.
void CollectGroups(const LogicalPlan& plan, std::vector<const exec::GroupsWithStateNode*>* out) {
  if (const auto* g = AsGroups(plan); g != nullptr && IsStreamingPlan(plan)) out->push_back(g);
  for (const LogicalPlanPtr& c : plan.children()) CollectGroups(*c, out);
}

bool HasStreamingAggregate(const LogicalPlan& plan) {
  if (plan.kind() == LogicalKind::kAggregate && IsStreamingPlan(plan)) return true;
  for (const LogicalPlanPtr& c : plan.children()) {
    if (HasStreamingAggregate(*c)) return true;
  }
  return false;
}

// Whether `node` keeps state (Spark's isStatefulOperation).
bool IsStatefulOperation(const LogicalPlan& node) {
  if (!IsStreamingPlan(node)) return false;
  switch (node.kind()) {
    case LogicalKind::kAggregate:
    case LogicalKind::kDeduplicate:
      return true;
    case LogicalKind::kJoin:
      return IsStreamingPlan(*node.child(0)) && IsStreamingPlan(*node.child(1));
    default:
      return AsGroups(node) != nullptr;
  }
}

// What is above a node of the plan.
struct Ancestors {
  bool stateful = false;     // a stateful operation
  bool aggregation = false;  // a streaming aggregation
};

// The node of `plan` for `spec` (the bound plan's copy), and what is above it.
const exec::GroupsWithStateNode* Find(const LogicalPlan& plan,
                                      const exec::GroupsWithStateSpec* spec, Ancestors above,
                                      Ancestors* found) {
  if (const auto* g = AsGroups(plan); g != nullptr && &g->spec() == spec) {
    *found = above;
    return g;
  }
  above.stateful = above.stateful || IsStatefulOperation(plan);
  above.aggregation =
      above.aggregation || (plan.kind() == LogicalKind::kAggregate && IsStreamingPlan(plan));
  for (const LogicalPlanPtr& c : plan.children()) {
    if (const auto* g = Find(*c, spec, above, found)) return g;
  }
  return nullptr;
}

Status Refuse(const LogicalPlan& node, const std::string& msg) {
  return Status::Unsupported(msg + ";\n" + node.Describe());
}

std::string ModeName(OutputMode mode) { return std::string(OutputModeName(mode)); }

Status CheckGroupsWithState(const exec::GroupsWithStateNode& node,
                            const std::vector<EventTimeKind>& input_event_time,
                            const LogicalPlan& query, OutputMode mode) {
  std::vector<const exec::GroupsWithStateNode*> all;
  CollectGroups(query, &all);
  int maps = 0;
  bool all_append = true;
  for (const auto* g : all) {
    if (g->spec().is_map) ++maps;
    all_append = all_append && !g->spec().is_map &&
                 g->spec().output_mode == exec::StatefulOutputMode::kAppend;
  }
  const int flat_maps = static_cast<int>(all.size()) - maps;
  if (maps >= 2) {
    return Refuse(query,
                  "Multiple mapGroupsWithStates are not supported on a streaming "
                  "DataFrames/Datasets");
  }
  if (maps > 0 && flat_maps > 0) {
    return Refuse(query,
                  "Mixing mapGroupsWithStates and flatMapGroupsWithStates are not supported on a "
                  "streaming DataFrames/Datasets");
  }
  if (flat_maps >= 2 && (mode != OutputMode::kAppend || !all_append)) {
    return Refuse(query,
                  "Multiple flatMapGroupsWithStates are not supported when they are not all in "
                  "append mode or the output mode is not append on a streaming "
                  "DataFrames/Datasets");
  }

  const exec::GroupsWithStateSpec& spec = node.spec();
  Ancestors above;
  const exec::GroupsWithStateNode* bound = Find(query, &spec, Ancestors{}, &above);
  const bool aggregation = HasStreamingAggregate(query);
  if (spec.is_map) {
    if (aggregation) {
      return Refuse(node,
                    "mapGroupsWithState is not supported with aggregation on a streaming "
                    "DataFrame/Dataset");
    }
    if (mode != OutputMode::kUpdate) {
      return Refuse(node, "mapGroupsWithState is not supported with " + ModeName(mode) +
                              " output mode on a streaming DataFrame/Dataset");
    }
  } else {
    const bool append = spec.output_mode == exec::StatefulOutputMode::kAppend;
    if (!aggregation) {
      if (!append && mode != OutputMode::kUpdate) {
        return Refuse(node, "flatMapGroupsWithState in update mode is not supported with " +
                                ModeName(mode) + " output mode on a streaming DataFrame/Dataset");
      }
      if (append && mode != OutputMode::kAppend) {
        return Refuse(node, "flatMapGroupsWithState in append mode is not supported with " +
                                ModeName(mode) + " output mode on a streaming DataFrame/Dataset");
      }
    } else if (!append) {
      return Refuse(node,
                    "flatMapGroupsWithState in update mode is not supported with aggregation on "
                    "a streaming DataFrame/Dataset");
    } else if (bound != nullptr && HasStreamingAggregate(*bound->child())) {
      return Refuse(node,
                    "flatMapGroupsWithState in append mode is not supported after aggregation "
                    "on a streaming DataFrame/Dataset");
    } else if (above.aggregation && mode == OutputMode::kComplete) {
      // Spark allows it; weir's Complete-mode aggregation over a stateful operator
      // keeps no state (incremental.cc), which fits only operators that output their
      // whole result every epoch.
      return Refuse(node,
                    "An aggregation after flatMapGroupsWithState is not supported in Complete "
                    "output mode yet; use Update output mode");
    }
  }
  if (spec.timeout == exec::GroupStateTimeout::kEventTimeTimeout) {
    bool watermarked = false;
    for (EventTimeKind k : input_event_time) watermarked = watermarked || k != EventTimeKind::kNone;
    if (!watermarked) {
      return Refuse(query,
                    "Watermark must be specified in the query using "
                    "'[Dataset/DataFrame].withWatermark()' for using event-time timeout in a "
                    "[map|flatMap]GroupsWithState. Event-time timeout not supported without "
                    "watermark.");
    }
    if (above.stateful) {
      return Refuse(query,
                    "Detected pattern of possible 'correctness' issue due to global watermark. The "
                    "query contains stateful operation which can emit rows older than the current "
                    "watermark plus allowed late record delay, which are \"late rows\" in "
                    "downstream stateful operations and these rows can be discarded. Please refer "
                    "the programming guide doc for more details. If you understand the possible "
                    "risk of correctness issue and still need to run the query, you can disable "
                    "this check by setting the config "
                    "`spark.sql.streaming.statefulOperator.checkCorrectness.enabled` to false.");
    }
  }
  return Status::OK();
}

class GroupsWithStateStreamNode final : public StreamNode {
 public:
  GroupsWithStateStreamNode(std::shared_ptr<const exec::GroupsWithStateNode> node,
                            exec::EventTimeKey late_column, std::shared_ptr<StatefulOperator> op)
      : StreamNode(node->schema(), node->children()),
        node_(std::move(node)),
        late_column_(late_column),
        op_(std::move(op)) {}

  std::string Describe() const override {
    return node_->Describe() + " [operator " + std::to_string(op_->id) + "]";
  }
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override {
    auto node = std::static_pointer_cast<const exec::GroupsWithStateNode>(
        node_->WithChildren(std::move(children)));
    return std::make_shared<GroupsWithStateStreamNode>(std::move(node), late_column_, op_);
  }
  // Spark's produceOutputWatermark is None: the function's rows carry no event time.
  std::vector<EventTimeKind> OutputEventTime() const override {
    return std::vector<EventTimeKind>(static_cast<size_t>(schema()->num_fields()),
                                      EventTimeKind::kNone);
  }
  Result<exec::PhysicalOperatorPtr> Plan(std::vector<exec::PhysicalOperatorPtr> children,
                                         exec::ExecContext& ctx,
                                         const EpochPlanContext& epoch) const override {
    exec::GroupsWithStateContext context;
    context.stateful.operator_id = op_->id;
    context.stateful.batch_id = epoch.batch_id;
    context.stateful.providers = op_->providers;
    context.stateful.mode = ModeOf(epoch.mode);
    // The operator's own input watermark (lower below a stream-stream join).
    context.stateful.late_watermark_ms = LateWatermark(*op_, *this, epoch);
    context.stateful.eviction_watermark_ms = EvictionWatermark(*this, epoch);
    context.stateful.metrics = op_->metrics;
    // The epoch's batch timestamp: the micro-batch loop fixes current_timestamp() to it.
    context.batch_timestamp_ms = ctx.eval.current_timestamp_micros / 1000;
    context.watermark_present = late_column_.index >= 0;
    context.late_column = late_column_;
    context.next_timeout_ms = op_->next_processing_timeout_ms;
    return exec::MakeStatefulGroupsWithState(std::move(children[0]), node_->shared_spec(), schema(),
                                             std::move(context));
  }

  StatefulOperator* stateful_operator() const override { return op_.get(); }

 private:
  std::shared_ptr<const exec::GroupsWithStateNode> node_;
  exec::EventTimeKey late_column_;
  std::shared_ptr<StatefulOperator> op_;
};

}  // namespace

Result<std::optional<LogicalPlanPtr>> WrapGroupsWithState(const LogicalPlanPtr& node,
                                                          PrepareContext* prepare) {
  auto groups = std::dynamic_pointer_cast<const exec::GroupsWithStateNode>(node);
  if (groups == nullptr) return std::optional<LogicalPlanPtr>();
  // The input's first event-time column (Spark: the first attribute with watermark
  // metadata) judges late rows.
  const std::vector<EventTimeKind> input = EventTimeColumns(*groups->child());
  exec::EventTimeKey late_column;
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] != EventTimeKind::kNone) {
      late_column.index = static_cast<int>(i);
      late_column.window_struct = input[i] == EventTimeKind::kWindow;
      break;
    }
  }
  RETURN_NOT_OK(CheckGroupsWithState(*groups, input, *prepare->spec().plan, prepare->mode()));
  std::shared_ptr<StatefulOperator> op = prepare->NewOperator("flatMapGroupsWithState", *groups);
  const exec::GroupStateTimeout timeout = groups->spec().timeout;
  op->evicts_by_watermark = timeout == exec::GroupStateTimeout::kEventTimeTimeout;
  if (timeout == exec::GroupStateTimeout::kProcessingTimeTimeout) {
    op->next_processing_timeout_ms =
        std::make_shared<std::atomic<int64_t>>(std::numeric_limits<int64_t>::min());
  }
  return std::optional<LogicalPlanPtr>(
      std::make_shared<GroupsWithStateStreamNode>(std::move(groups), late_column, op));
}

}  // namespace weir::stream::internal
