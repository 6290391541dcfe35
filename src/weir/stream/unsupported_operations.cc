#include "weir/stream/unsupported_operations.h"

#include <algorithm>

#include "weir/stream/incremental.h"
#include "weir/stream/stream_join_analysis.h"
#include "weir/stream/streaming_query.h"

namespace weir::stream {

namespace {

using plan::LogicalKind;
using plan::LogicalPlan;

constexpr const char* kStatefulLater =
    " keeps state across micro-batches in a way weir has not implemented yet";

Status Refuse(const LogicalPlan& node, const std::string& msg) {
  return Status::Unsupported(msg + ";\n" + node.Describe());
}

bool HasStreamingSubquery(const ExprPtr& expr) {
  if (expr == nullptr) return false;
  if (const auto* sub = dynamic_cast<const plan::ScalarSubqueryExpr*>(expr.get())) {
    if (IsStreamingPlan(*sub->plan())) return true;
  }
  for (const ExprPtr& child : expr->children()) {
    if (HasStreamingSubquery(child)) return true;
  }
  return false;
}

Status CheckSubqueries(const plan::LogicalPlanPtr& node) {
  bool found = false;
  // TransformExpressions visits every expression the node holds (aggregate and window
  // calls included); the result is discarded.
  Result<plan::LogicalPlanPtr> ignored =
      plan::TransformExpressions(node, [&](const ExprPtr& e) -> Result<ExprPtr> {
        found = found || HasStreamingSubquery(e);
        return e;
      });
  (void)ignored;
  if (found) {
    return Refuse(*node, "Scalar subqueries over streaming DataFrames/Datasets are not supported");
  }
  return Status::OK();
}

bool HasAggregate(const LogicalPlan& node);

// Spark's checkForStreamStreamJoinWatermark: an outer or semi join of two streams
// needs a watermark in its join keys, or a time-range condition that bounds the
// state of the side whose unmatched rows it outputs (of either side, for a full
// outer join, as Spark checks it).
Status CheckStreamStreamJoinWatermark(const plan::JoinNode& join) {
  using sql::JoinType;
  const LogicalPlan& l = *join.child(0);
  const LogicalPlan& r = *join.child(1);
  const int num_left = l.schema()->num_fields();
  ASSIGN_OR_RAISE(internal::JoinConditionParts parts,
                  internal::SplitJoinCondition(join.condition(), num_left));
  const std::vector<internal::EventTimeKind> left_kinds = internal::EventTimeColumns(l);
  const std::vector<internal::EventTimeKind> right_kinds = internal::EventTimeColumns(r);
  if (internal::WatermarkJoinKey(parts, left_kinds, right_kinds).index >= 0) return Status::OK();
  std::vector<DataType> left_types, right_types;
  for (const Field& f : l.schema()->fields()) left_types.push_back(f.type);
  for (const Field& f : r.schema()->fields()) right_types.push_back(f.type);
  auto bounded = [&](bool side_left) {
    return internal::FindStateValueBound(join.condition(), num_left, side_left, left_kinds,
                                         right_kinds, left_types, right_types)
        .has_value();
  };
  const char* name = "LeftOuter";
  bool valid = false;
  switch (join.join_type()) {
    case JoinType::kLeftOuter:
    case JoinType::kLeftSemi:
      name = join.join_type() == JoinType::kLeftOuter ? "LeftOuter" : "LeftSemi";
      valid = bounded(true);
      break;
    case JoinType::kRightOuter:
      name = "RightOuter";
      valid = bounded(false);
      break;
    default:
      name = "FullOuter";
      valid = bounded(true) || bounded(false);
      break;
  }
  if (valid) return Status::OK();
  return Refuse(join, "Stream-stream " + std::string(name) +
                          " join between two streaming DataFrame/Datasets is not supported "
                          "without a watermark in the join keys, or a watermark on the nullable "
                          "side and an appropriate range condition");
}

// A join of two streams (`left` and `right` say which inputs are streams):
// Spark's rules; `below_aggregate` says whether a streaming aggregation is above it.
Status CheckStreamStreamJoin(const plan::JoinNode& join, OutputMode mode, bool below_aggregate) {
  using sql::JoinType;
  const JoinType type = join.join_type();
  const bool inner = type == JoinType::kInner || type == JoinType::kCross;
  // Spark allows stream-stream joins in Append mode only. weir also runs an inner
  // join (whose output only ever adds rows) under an aggregation in Update or
  // Complete mode, when no aggregation is below it (NEXMARK q4).
  const bool feeds_aggregation =
      below_aggregate && !HasAggregate(*join.child(0)) && !HasAggregate(*join.child(1));
  if (mode != OutputMode::kAppend && !(inner && feeds_aggregation)) {
    return Refuse(join, "Join between two streaming DataFrames/Datasets is not supported in " +
                            std::string(OutputModeName(mode)) +
                            " output mode, only in Append output mode");
  }
  switch (type) {
    case JoinType::kInner:
    case JoinType::kCross:
      return Status::OK();
    case JoinType::kLeftOuter:
    case JoinType::kLeftSemi:
    case JoinType::kRightOuter:
    case JoinType::kFullOuter:
      return CheckStreamStreamJoinWatermark(join);
    case JoinType::kLeftAnti:
      return Refuse(join,
                    "LeftAnti joins with a streaming DataFrame/Dataset on the right are not "
                    "supported");
    case JoinType::kExistence:
      return Refuse(join,
                    "ExistenceJoin with a streaming DataFrame/Dataset on the right (an IN or "
                    "EXISTS subquery over a stream) is not supported");
  }
  return Status::OK();
}

Status CheckJoin(const plan::JoinNode& join, bool left, bool right, OutputMode mode,
                 bool below_aggregate) {
  using sql::JoinType;
  if (left && right) return CheckStreamStreamJoin(join, mode, below_aggregate);
  switch (join.join_type()) {
    case JoinType::kInner:
    case JoinType::kCross:
      return Status::OK();
    case JoinType::kFullOuter:
      if (left) {
        return Refuse(join,
                      "FullOuter joins with streaming DataFrames/Datasets on the left and a "
                      "static DataFrame/Dataset on the right is not supported");
      }
      return Refuse(join,
                    "FullOuter joins with streaming DataFrames/Datasets on the right and a "
                    "static DataFrame/Dataset on the left is not supported");
    case JoinType::kLeftAnti:
      if (right) {
        return Refuse(join,
                      "LeftAnti joins with a streaming DataFrame/Dataset on the right are not "
                      "supported");
      }
      return Status::OK();
    case JoinType::kLeftOuter:
    case JoinType::kLeftSemi:
      if (right) {
        return Refuse(
            join, std::string(join.join_type() == JoinType::kLeftOuter ? "LeftOuter" : "LeftSemi") +
                      " join with a streaming DataFrame/Dataset on the right and a "
                      "static DataFrame/Dataset on the left is not supported");
      }
      return Status::OK();
    case JoinType::kExistence:
      // An IN / EXISTS subquery outside a top-level conjunct: a stream-static join
      // when the subquery is static; Spark refuses an ExistenceJoin otherwise.
      if (right) {
        return Refuse(join,
                      "ExistenceJoin with a streaming DataFrame/Dataset on the right (an IN or "
                      "EXISTS subquery over a stream) is not supported");
      }
      return Status::OK();
    case JoinType::kRightOuter:
      if (left) {
        return Refuse(join,
                      "RightOuter join with a streaming DataFrame/Dataset on the left and a "
                      "static DataFrame/DataSet on the right not supported");
      }
      return Status::OK();
  }
  return Status::OK();
}

bool IsTimeWindowExpand(const LogicalPlan& node);

Status CheckAggregate(const plan::AggregateNode& agg, OutputMode mode) {
  for (const AggregateCall& call : agg.aggregates()) {
    if (call.distinct) {
      return Refuse(agg,
                    "Distinct aggregations are not supported on streaming DataFrames/Datasets. "
                    "Consider using approx_count_distinct() instead.");
    }
  }
  if (agg.child()->kind() == LogicalKind::kExpand && !IsTimeWindowExpand(*agg.child())) {
    return Refuse(agg, "Grouping Sets is not supported on streaming DataFrames/Datasets");
  }
  if (mode == OutputMode::kAppend) {
    // Spark: the aggregation must group by an event-time column (or a window of
    // one), so that the watermark tells when a group is final.
    const std::vector<internal::EventTimeKind> kinds = internal::EventTimeColumns(agg);
    bool keyed = false;
    for (size_t i = 0; i < agg.groups().size(); ++i) {
      keyed = keyed || kinds[i] != internal::EventTimeKind::kNone;
    }
    if (!keyed) {
      return Refuse(agg,
                    "Append output mode not supported when there are streaming aggregations on "
                    "streaming DataFrames/DataSets without watermark");
    }
  }
  return Status::OK();
}

Status CheckWindow(const plan::WindowNode& window) {
  std::string functions;
  const auto& names = window.schema()->fields();
  const size_t first = names.size() - window.functions().size();
  for (size_t i = 0; i < window.functions().size(); ++i) {
    if (!functions.empty()) functions += ", ";
    functions += window.functions()[i].ToString() + " (as column `" + names[first + i].name + "`)";
  }
  return Refuse(window,
                "[NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING] Non-time-based windows are "
                "not supported on streaming DataFrames/Datasets: window function " +
                    functions +
                    ". Structured Streaming only supports time-window aggregation using "
                    "the WINDOW function.");
}

bool HasAggregate(const LogicalPlan& node);

// Spark's rules for Deduplicate and DeduplicateWithinWatermark over a stream: the
// latter needs a watermark on its input; and either, when its state is bounded by
// event time (an event-time key, or within the watermark), must not follow an
// aggregation that emits rows in Update or Complete mode, whose rows may be late for
// it (checkStreamingQueryGlobalWatermarkLimit).
Status CheckDeduplicate(const plan::DeduplicateNode& dedup, OutputMode mode) {
  const std::vector<internal::EventTimeKind> kinds = internal::EventTimeColumns(*dedup.child());
  const bool watermarked = std::any_of(kinds.begin(), kinds.end(), [](internal::EventTimeKind k) {
    return k != internal::EventTimeKind::kNone;
  });
  if (dedup.within_watermark() && !watermarked) {
    return Refuse(dedup,
                  "dropDuplicatesWithinWatermark is not supported on streaming "
                  "DataFrames/DataSets without watermark");
  }
  bool by_event_time = dedup.within_watermark();
  for (int k : dedup.keys()) {
    by_event_time =
        by_event_time || kinds[static_cast<size_t>(k)] != internal::EventTimeKind::kNone;
  }
  if (by_event_time && mode != OutputMode::kAppend && HasAggregate(*dedup.child())) {
    return Refuse(dedup,
                  "Detected pattern of possible 'correctness' issue due to global watermark. The "
                  "query contains stateful operation which can emit rows older than the current "
                  "watermark plus allowed late record delay, which are \"late rows\" in "
                  "downstream stateful operations and these rows can be discarded. Please refer "
                  "the programming guide doc for more details. If you understand the possible "
                  "risk of correctness issue and still need to run the query, you can disable "
                  "this check by setting the config "
                  "`spark.sql.streaming.statefulOperator.checkCorrectness.enabled` to false.");
  }
  return Status::OK();
}

// Checks `node`'s subtree bottom-up, like Spark's foreachUp; sets *streaming to
// whether it reads a stream.
// `below_aggregate`: a streaming aggregation is above `node`.
Status CheckNode(const plan::LogicalPlanPtr& node_ptr, OutputMode mode, bool* streaming,
                 bool below_aggregate = false) {
  const LogicalPlan& node = *node_ptr;
  std::vector<bool> child_streaming;
  const bool aggregate = node.kind() == LogicalKind::kAggregate && IsStreamingPlan(node);
  for (const plan::LogicalPlanPtr& child : node.children()) {
    bool s = false;
    RETURN_NOT_OK(CheckNode(child, mode, &s, below_aggregate || aggregate));
    child_streaming.push_back(s);
  }
  bool any = false;
  for (bool s : child_streaming) any = any || s;
  if (node.kind() == LogicalKind::kScan) {
    const auto& scan = static_cast<const plan::ScanNode&>(node);
    any = dynamic_cast<const StreamInputTable*>(scan.table().get()) != nullptr;
  }
  *streaming = any;
  RETURN_NOT_OK(CheckSubqueries(node_ptr));
  if (!any) return Status::OK();
  switch (node.kind()) {
    case LogicalKind::kAggregate:
      return CheckAggregate(static_cast<const plan::AggregateNode&>(node), mode);
    case LogicalKind::kJoin:
      return CheckJoin(static_cast<const plan::JoinNode&>(node), child_streaming[0],
                       child_streaming[1], mode, below_aggregate);
    case LogicalKind::kSort:
      if (mode == OutputMode::kComplete && HasAggregate(node)) return Status::OK();
      return Refuse(node,
                    "Sorting is not supported on streaming DataFrames/Datasets, unless it is on "
                    "aggregated DataFrame/Dataset in Complete output mode");
    case LogicalKind::kLimit: {
      const auto& limit = static_cast<const plan::LimitNode&>(node);
      if (limit.offset() > 0) {
        return Refuse(node, "Offset is not supported on streaming DataFrames/Datasets");
      }
      if (mode == OutputMode::kUpdate) {
        return Refuse(node,
                      "Limits are not supported on streaming DataFrames/Datasets in Update "
                      "output mode");
      }
      // Complete mode: the limit applies to the whole result of each epoch.
      if (mode == OutputMode::kComplete && HasAggregate(node)) return Status::OK();
      return Refuse(node, std::string("Limit on a streaming DataFrame/Dataset in ") +
                              std::string(OutputModeName(mode)) + " output mode" + kStatefulLater);
    }
    case LogicalKind::kSetOp: {
      const auto& setop = static_cast<const plan::SetOpNode&>(node);
      if (setop.op() == plan::SetOpKind::kIntersect) {
        return Refuse(node, "Intersect of streaming DataFrames/Datasets is not supported");
      }
      if (setop.op() == plan::SetOpKind::kExcept) {
        if (child_streaming[1]) {
          return Refuse(node,
                        "Except on a streaming DataFrame/Dataset on the right is not supported");
        }
        return Refuse(node,
                      std::string("Except on a streaming DataFrame/Dataset") + kStatefulLater);
      }
      for (bool s : child_streaming) {
        if (!s) {
          return Refuse(node,
                        "Union between streaming and batch DataFrames/Datasets is not supported");
        }
      }
      return Status::OK();
    }
    case LogicalKind::kWindow:
      return CheckWindow(static_cast<const plan::WindowNode&>(node));
    case LogicalKind::kDeduplicate:
      return CheckDeduplicate(static_cast<const plan::DeduplicateNode&>(node), mode);
    default:
      return Status::OK();
  }
}

bool HasAggregate(const LogicalPlan& node) {
  if (node.kind() == LogicalKind::kAggregate && IsStreamingPlan(node)) return true;
  for (const plan::LogicalPlanPtr& child : node.children()) {
    if (HasAggregate(*child)) return true;
  }
  return false;
}

int CountAggregates(const LogicalPlan& node) {
  int n = node.kind() == LogicalKind::kAggregate && IsStreamingPlan(node) ? 1 : 0;
  for (const plan::LogicalPlanPtr& child : node.children()) n += CountAggregates(*child);
  return n;
}

// The Expand of a sliding time window (window() with a slide shorter than the
// window), which is not a grouping set.
bool IsTimeWindowExpand(const LogicalPlan& node) {
  const std::vector<internal::EventTimeKind> kinds = internal::EventTimeColumns(node);
  return std::find(kinds.begin(), kinds.end(), internal::EventTimeKind::kWindow) != kinds.end();
}

}  // namespace

bool IsStreamingPlan(const plan::LogicalPlan& plan) {
  if (plan.kind() == LogicalKind::kScan) {
    const auto& scan = static_cast<const plan::ScanNode&>(plan);
    return dynamic_cast<const StreamInputTable*>(scan.table().get()) != nullptr;
  }
  for (const plan::LogicalPlanPtr& child : plan.children()) {
    if (IsStreamingPlan(*child)) return true;
  }
  return false;
}

Status CheckStreamingPlan(const plan::LogicalPlanPtr& plan_ptr, OutputMode mode) {
  const LogicalPlan& plan = *plan_ptr;
  if (!IsStreamingPlan(plan)) {
    return Refuse(plan,
                  "Queries without streaming sources cannot be executed with "
                  "writeStream.start()");
  }
  if (mode == OutputMode::kComplete && !HasAggregate(plan)) {
    return Refuse(plan,
                  "Complete output mode not supported when there are no streaming aggregations "
                  "on streaming DataFrames/Datasets");
  }
  if (mode == OutputMode::kUpdate && CountAggregates(plan) > 1) {
    return Refuse(plan,
                  "Multiple streaming aggregations are not supported with streaming "
                  "DataFrames/Datasets in Update output mode");
  }
  bool streaming = false;
  return CheckNode(plan_ptr, mode, &streaming);
}

}  // namespace weir::stream
