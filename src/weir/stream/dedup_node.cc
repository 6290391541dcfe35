// dropDuplicates and dropDuplicatesWithinWatermark over a stream
// (incremental_internal.h): a plan::DeduplicateNode that reads a stream becomes a
// stateful operator, Spark's StreamingDeduplicateExec ("dedupe") or
// StreamingDeduplicateWithinWatermarkExec ("dedupeWithinWatermark").
//
// What bounds its state is decided here, from the event-time columns of its input
// (EventTimeColumns), as Spark's WatermarkSupport decides it:
//  - late rows are judged by the input's first event-time column (a row at or
//    before the late-rows watermark is dropped and counted), whatever the keys;
//  - dropDuplicates evicts a key once its event-time key column is at or before the
//    eviction watermark (the input's first event-time column when it is a key,
//    otherwise the first event-time key); without an event-time key the state keeps
//    every key;
//  - dropDuplicatesWithinWatermark keeps a key until the eviction watermark reaches
//    the event time of its first row plus the delay of that column's watermark.

#include <functional>

#include "weir/stream/incremental_internal.h"

namespace weir::stream::internal {

namespace {

using plan::LogicalKind;
using plan::LogicalPlan;
using plan::LogicalPlanPtr;

std::optional<int64_t> DelayOfExpr(const ExprPtr& e, const LogicalPlan& input);

// The delay (µs) of the watermark that makes output column `column` of `plan` an
// event-time column, traced through the nodes EventTimeColumns passes event time
// through; unset when it cannot be traced.
std::optional<int64_t> WatermarkDelayOf(const LogicalPlan& plan, int column) {
  if (std::optional<std::pair<int, int64_t>> w = ObservedWatermark(plan)) {
    if (w->first == column) return w->second;
    return WatermarkDelayOf(*plan.child(), column);
  }
  const auto c = static_cast<size_t>(column);
  switch (plan.kind()) {
    case LogicalKind::kWatermark: {
      const auto& w = static_cast<const plan::WatermarkNode&>(plan);
      if (w.column() == column) return w.delay_micros();
      return WatermarkDelayOf(*plan.child(), column);
    }
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit:
    case LogicalKind::kDeduplicate:
      return WatermarkDelayOf(*plan.child(), column);
    case LogicalKind::kProject: {
      const auto& p = static_cast<const plan::ProjectNode&>(plan);
      return c < p.exprs().size() ? DelayOfExpr(p.exprs()[c], *p.child()) : std::nullopt;
    }
    case LogicalKind::kAggregate: {
      const auto& a = static_cast<const plan::AggregateNode&>(plan);
      return c < a.groups().size() ? DelayOfExpr(a.groups()[c], *a.child()) : std::nullopt;
    }
    case LogicalKind::kJoin: {
      const int left = plan.child(0)->schema()->num_fields();
      if (column < left) return WatermarkDelayOf(*plan.child(0), column);
      if (plan.children().size() > 1) return WatermarkDelayOf(*plan.child(1), column - left);
      return std::nullopt;
    }
    case LogicalKind::kSetOp:
      return WatermarkDelayOf(*plan.child(0), column);
    case LogicalKind::kWindow:
      if (column < plan.child()->schema()->num_fields()) {
        return WatermarkDelayOf(*plan.child(), column);
      }
      return std::nullopt;
    case LogicalKind::kGenerate: {
      const auto& g = static_cast<const plan::GenerateNode&>(plan);
      if (column >= 0 && column < g.num_forwarded()) {
        return WatermarkDelayOf(*g.child(), g.forwarded()[c]);
      }
      return std::nullopt;
    }
    case LogicalKind::kExpand: {
      const auto& x = static_cast<const plan::ExpandNode&>(plan);
      if (x.projections().empty() || c >= x.projections()[0].size()) return std::nullopt;
      return DelayOfExpr(x.projections()[0][c], *x.child());
    }
    case LogicalKind::kExtension:
      // A stateful operator whose output columns are its input's.
      if (plan.children().size() == 1 &&
          plan.schema()->num_fields() == plan.child()->schema()->num_fields()) {
        return WatermarkDelayOf(*plan.child(), column);
      }
      return std::nullopt;
    case LogicalKind::kScan:
    case LogicalKind::kValues:
      return std::nullopt;
  }
  return std::nullopt;
}

// The delay of an event-time expression over `input`: a column, or a time window or
// a window's start or end computed from one.
std::optional<int64_t> DelayOfExpr(const ExprPtr& e, const LogicalPlan& input) {
  if (e->kind() == ExprKind::kColumnRef) {
    return WatermarkDelayOf(input, static_cast<const ColumnRefExpr&>(*e).index());
  }
  if (!e->children().empty()) return DelayOfExpr(e->children()[0], input);
  return std::nullopt;
}

// The delay of the only watermark in `plan`, or of all of its watermarks when they
// share one (what a column that cannot be traced falls back on).
std::optional<int64_t> CommonWatermarkDelay(const LogicalPlan& plan) {
  std::optional<int64_t> found;
  bool conflict = false;
  std::function<void(const LogicalPlan&)> visit = [&](const LogicalPlan& node) {
    std::optional<int64_t> d;
    if (std::optional<std::pair<int, int64_t>> w = ObservedWatermark(node)) d = w->second;
    if (node.kind() == LogicalKind::kWatermark) {
      d = static_cast<const plan::WatermarkNode&>(node).delay_micros();
    }
    if (d.has_value()) {
      conflict = conflict || (found.has_value() && *found != *d);
      found = d;
    }
    for (const LogicalPlanPtr& c : node.children()) visit(*c);
  };
  visit(plan);
  if (conflict) return std::nullopt;
  return found;
}

class DeduplicateStreamNode final : public StreamNode {
 public:
  DeduplicateStreamNode(std::shared_ptr<const plan::DeduplicateNode> dedup,
                        exec::DeduplicateSpec spec, std::shared_ptr<StatefulOperator> op)
      : StreamNode(dedup->schema(), dedup->children()),
        dedup_(std::move(dedup)),
        spec_(std::move(spec)),
        op_(std::move(op)) {}

  std::string Describe() const override {
    return "StreamingDeduplicate [operator " + std::to_string(op_->id) + "] " + dedup_->Describe();
  }
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override {
    auto dedup = std::static_pointer_cast<const plan::DeduplicateNode>(
        dedup_->WithChildren(std::move(children)));
    return std::make_shared<DeduplicateStreamNode>(std::move(dedup), spec_, op_);
  }
  std::vector<EventTimeKind> OutputEventTime() const override { return EventTimeColumns(*child()); }
  Result<exec::PhysicalOperatorPtr> Plan(std::vector<exec::PhysicalOperatorPtr> children,
                                         exec::ExecContext&,
                                         const EpochPlanContext& epoch) const override {
    exec::StatefulContext context;
    context.operator_id = op_->id;
    context.batch_id = epoch.batch_id;
    context.providers = op_->providers;
    if (spec_.keys.empty()) context.providers.resize(1);  // one key: every row's
    context.mode = ModeOf(epoch.mode);
    context.late_watermark_ms = LateWatermark(*op_, *this, epoch);
    context.eviction_watermark_ms = EvictionWatermark(*this, epoch);
    context.metrics = op_->metrics;
    return exec::MakeStatefulDeduplicate(std::move(children[0]), spec_, std::move(context));
  }

  StatefulOperator* stateful_operator() const override { return op_.get(); }

 private:
  std::shared_ptr<const plan::DeduplicateNode> dedup_;
  exec::DeduplicateSpec spec_;
  std::shared_ptr<StatefulOperator> op_;
};

}  // namespace

Result<std::optional<plan::LogicalPlanPtr>> WrapDeduplicate(const plan::LogicalPlanPtr& node,
                                                            PrepareContext* prepare) {
  if (node->kind() != LogicalKind::kDeduplicate) return std::optional<plan::LogicalPlanPtr>();
  auto dedup = std::static_pointer_cast<const plan::DeduplicateNode>(node);
  const std::vector<EventTimeKind> kinds = EventTimeColumns(*dedup->child());
  exec::DeduplicateSpec spec;
  spec.keys = dedup->keys();
  spec.within_watermark = dedup->within_watermark();
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == EventTimeKind::kNone) continue;
    spec.event_time.index = static_cast<int>(i);
    spec.event_time.window_struct = kinds[i] == EventTimeKind::kWindow;
    break;
  }
  if (spec.within_watermark) {
    if (spec.event_time.index < 0) {  // refused by CheckStreamingPlan already
      return Status::Unsupported(
          "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets "
          "without watermark;\n" +
          dedup->Describe());
    }
    std::optional<int64_t> delay = WatermarkDelayOf(*dedup->child(), spec.event_time.index);
    if (!delay.has_value()) delay = CommonWatermarkDelay(*dedup->child());
    if (!delay.has_value()) {
      return Status::Unsupported(
          "dropDuplicatesWithinWatermark cannot tell which watermark delay its event-time "
          "column `" +
          dedup->child()->schema()->field(spec.event_time.index).name + "` has;\n" +
          dedup->Describe());
    }
    spec.delay_micros = *delay;
  } else {
    // The first event-time column when it is a key, else the first event-time key.
    for (size_t k = 0; k < spec.keys.size(); ++k) {
      const EventTimeKind kind = kinds[static_cast<size_t>(spec.keys[k])];
      if (kind == EventTimeKind::kNone) continue;
      if (spec.evict_by.index < 0 || spec.keys[k] == spec.event_time.index) {
        spec.evict_by.index = static_cast<int>(k);
        spec.evict_by.window_struct = kind == EventTimeKind::kWindow;
      }
    }
  }
  std::shared_ptr<StatefulOperator> op =
      prepare->NewOperator(spec.within_watermark ? "dedupeWithinWatermark" : "dedupe", *dedup);
  op->evicts_by_watermark = spec.within_watermark || spec.evict_by.index >= 0;
  return std::optional<plan::LogicalPlanPtr>(
      std::make_shared<DeduplicateStreamNode>(std::move(dedup), std::move(spec), std::move(op)));
}

}  // namespace weir::stream::internal
