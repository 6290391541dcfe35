#include "weir/stream/unsupported_operations.h"

#include "weir/stream/streaming_query.h"

namespace weir::stream {

namespace {

using plan::LogicalKind;
using plan::LogicalPlan;

constexpr const char* kStatefulLater =
    " keeps state across micro-batches, which weir's stateful processing will bring; it is "
    "not implemented yet";

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

Status CheckJoin(const plan::JoinNode& join, bool left, bool right, OutputMode mode) {
  using sql::JoinType;
  if (left && right) {
    if (mode != OutputMode::kAppend) {
      return Refuse(join, "Join between two streaming DataFrames/Datasets is not supported in " +
                              std::string(OutputModeName(mode)) +
                              " output mode, only in Append output mode");
    }
    return Refuse(join,
                  std::string("A join between two streaming DataFrames/Datasets") + kStatefulLater);
  }
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

Status CheckAggregate(const plan::AggregateNode& agg) {
  for (const AggregateCall& call : agg.aggregates()) {
    if (call.distinct) {
      return Refuse(agg,
                    "Distinct aggregations are not supported on streaming DataFrames/Datasets. "
                    "Consider using approx_count_distinct() instead.");
    }
  }
  if (agg.child()->kind() == LogicalKind::kExpand) {
    return Refuse(agg, "Grouping Sets is not supported on streaming DataFrames/Datasets");
  }
  if (agg.aggregates().empty()) {
    return Refuse(agg, std::string("Deduplication (DISTINCT, dropDuplicates) on a streaming "
                                   "DataFrame/Dataset") +
                           kStatefulLater);
  }
  return Refuse(agg, std::string("Aggregation on a streaming DataFrame/Dataset") + kStatefulLater);
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

// Checks `node`'s subtree bottom-up, like Spark's foreachUp; sets *streaming to
// whether it reads a stream.
Status CheckNode(const plan::LogicalPlanPtr& node_ptr, OutputMode mode, bool* streaming) {
  const LogicalPlan& node = *node_ptr;
  std::vector<bool> child_streaming;
  for (const plan::LogicalPlanPtr& child : node.children()) {
    bool s = false;
    RETURN_NOT_OK(CheckNode(child, mode, &s));
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
      return CheckAggregate(static_cast<const plan::AggregateNode&>(node));
    case LogicalKind::kJoin:
      return CheckJoin(static_cast<const plan::JoinNode&>(node), child_streaming[0],
                       child_streaming[1], mode);
    case LogicalKind::kSort:
      // An aggregate below was refused already, so the data is never complete here.
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
  bool streaming = false;
  return CheckNode(plan_ptr, mode, &streaming);
}

}  // namespace weir::stream
