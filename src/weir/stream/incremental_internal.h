// The pieces of incrementalization (incremental.h) that each kind of stateful node
// shares (internal to weir_stream): the base of the engine's extension nodes, the
// preparation context that numbers operators, the watermark an operator judges late
// rows by, and one hook per kind of state, each defined in its own file:
//   WrapStreamStreamJoin  stream_join_node.cc   a join of two streams
//   WrapDeduplicate       dedup_node.cc         dropDuplicates[WithinWatermark]
//   WrapGroupsWithState   groups_with_state_node.cc   [flat]mapGroupsWithState
// PrepareStreamingPlan calls the hooks bottom-up on every node that reads a stream;
// a hook returns the node that replaces it, or nullopt when the node is not its kind.
//
// Thread-safety: as incremental.h.

#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weir/stream/incremental.h"

namespace weir::stream::internal {

// The base of the streaming engine's extension nodes.
class StreamNode : public plan::ExtensionNode {
 public:
  using plan::ExtensionNode::ExtensionNode;
  // Per output column, whether it carries event time (see EventTimeColumns).
  virtual std::vector<EventTimeKind> OutputEventTime() const = 0;
  // The stateful operator the node runs; null for a watermark observer.
  virtual StatefulOperator* stateful_operator() const { return nullptr; }
  // The physical operator of one epoch, over the planned children.
  virtual Result<exec::PhysicalOperatorPtr> Plan(std::vector<exec::PhysicalOperatorPtr> children,
                                                 exec::ExecContext& ctx,
                                                 const EpochPlanContext& epoch) const = 0;
  // The watermark (ms) of this node's output when its input watermark is
  // `input_ms` (Spark's produceOutputWatermark); unset: its output has none. A join
  // with a time-range condition holds it back by the range.
  virtual std::optional<int64_t> OutputWatermark(int64_t input_ms) const { return input_ms; }
};

// What a hook may use while the plan is prepared.
class PrepareContext {
 public:
  PrepareContext(const QuerySpec& spec, PreparedPlan* prepared)
      : spec_(spec), prepared_(prepared) {}
  const QuerySpec& spec() const { return spec_; }
  OutputMode mode() const { return spec_.output_mode; }
  // A new stateful operator (the next id, in post-order) for `node`, whose children
  // are already prepared; `name` is progress's operatorName.
  std::shared_ptr<StatefulOperator> NewOperator(std::string name, const plan::LogicalPlan& node);

 private:
  const QuerySpec& spec_;
  PreparedPlan* prepared_;
};

using StatefulWrapper = Result<std::optional<plan::LogicalPlanPtr>> (*)(
    const plan::LogicalPlanPtr& node, PrepareContext* prepare);

Result<std::optional<plan::LogicalPlanPtr>> WrapStreamStreamJoin(const plan::LogicalPlanPtr& node,
                                                                 PrepareContext* prepare);
Result<std::optional<plan::LogicalPlanPtr>> WrapDeduplicate(const plan::LogicalPlanPtr& node,
                                                            PrepareContext* prepare);
Result<std::optional<plan::LogicalPlanPtr>> WrapGroupsWithState(const plan::LogicalPlanPtr& node,
                                                                PrepareContext* prepare);

// Whether a stateful node (not a watermark observer) is in the subtree.
bool ContainsStatefulNode(const plan::LogicalPlan& plan);

// When `node` is a prepared plan's watermark observer (what a WatermarkNode becomes):
// the column it observes and the watermark's delay (µs).
std::optional<std::pair<int, int64_t>> ObservedWatermark(const plan::LogicalPlan& node);

// The watermark (ms) below which `op`'s input rows are late in `epoch`, by the
// query's watermark (see the overload below, which propagates it per operator).
int64_t LateWatermark(const StatefulOperator& op, const EpochPlanContext& epoch);

// Watermark propagation, as Spark 3.5's PropagateWatermarkSimulator: the watermark
// (ms) of `plan`'s output when the query's watermark is `query_watermark_ms`. A
// watermark observer outputs the query's watermark; a StreamNode its
// OutputWatermark of its input watermark; any other node the minimum over its
// children. Unset when no watermark reaches it.
std::optional<int64_t> OutputWatermarkOf(const plan::LogicalPlan& plan, int64_t query_watermark_ms);
// A stateful node's input watermark: the minimum of its children's output
// watermarks, at least 0 (Spark's getInputWatermark). Unset when none reaches it.
std::optional<int64_t> InputWatermark(const plan::LogicalPlan& node, int64_t query_watermark_ms);
// The input watermark of stateful `node` (operator `op`) in `epoch` for late rows:
// this epoch's for an operator fed by the sources, the previous epoch's for one fed
// by another stateful operator (see LateWatermark in incremental.cc); and for
// eviction: this epoch's.
std::optional<int64_t> LateWatermark(const StatefulOperator& op, const plan::LogicalPlan& node,
                                     const EpochPlanContext& epoch);
std::optional<int64_t> EvictionWatermark(const plan::LogicalPlan& node,
                                         const EpochPlanContext& epoch);

exec::StatefulOutputMode ModeOf(OutputMode mode);

}  // namespace weir::stream::internal
