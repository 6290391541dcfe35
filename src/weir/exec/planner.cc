#include "weir/exec/planner.h"

#include <algorithm>
#include <functional>

#include "weir/exec/exec_internal.h"
#include "weir/exec/groups_with_state.h"
#include "weir/exec/operators.h"

namespace weir::exec {

namespace {

using plan::LogicalKind;

// ---- Scalar subqueries ----------------------------------------------------------------

Result<ExprPtr> ReplaceSubqueries(const ExprPtr& e, ExecContext& ctx,
                                  const PlannerOptions& options) {
  if (const auto* sub = dynamic_cast<const plan::ScalarSubqueryExpr*>(e.get())) {
    ASSIGN_OR_RAISE(PhysicalOperatorPtr op, PlanPhysical(sub->plan(), ctx, options));
    ASSIGN_OR_RAISE(std::vector<Batch> batches, CollectBatches(*op, ctx));
    int64_t rows = 0;
    const Batch* first = nullptr;
    for (const Batch& b : batches) {
      if (b.num_rows() > 0 && first == nullptr) first = &b;
      rows += b.num_rows();
    }
    if (rows > 1) {
      return Status::InvalidInput(
          "[SCALAR_SUBQUERY_TOO_MANY_ROWS] More than one row returned by a subquery used as an "
          "expression.");
    }
    if (rows == 0 || first->num_columns() == 0) return Literal(Value::Null(e->type()));
    return Literal(GetValue(*first->column(0), first->RowIndex(0)));
  }
  bool changed = false;
  std::vector<ExprPtr> kids;
  for (const ExprPtr& c : e->children()) {
    ASSIGN_OR_RAISE(ExprPtr k, ReplaceSubqueries(c, ctx, options));
    changed |= k != c;
    kids.push_back(std::move(k));
  }
  return changed ? e->WithChildren(std::move(kids)) : e;
}

// ---- Join keys ------------------------------------------------------------------------

void CollectConjuncts(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (e->kind() == ExprKind::kAnd) {
    for (const ExprPtr& c : e->children()) CollectConjuncts(c, out);
  } else {
    out->push_back(e);
  }
}

// min/max column index referenced by `e` (min > max when none).
void ColumnRange(const Expr& e, int* lo, int* hi) {
  if (e.kind() == ExprKind::kColumnRef) {
    int i = static_cast<const ColumnRefExpr&>(e).index();
    *lo = std::min(*lo, i);
    *hi = std::max(*hi, i);
  }
  for (const ExprPtr& c : e.children()) ColumnRange(*c, lo, hi);
}

ExprPtr ShiftColumns(const ExprPtr& e, int by) {
  if (e->kind() == ExprKind::kColumnRef) {
    const auto& c = static_cast<const ColumnRefExpr&>(*e);
    return ColumnRef(c.index() + by, c.name(), c.type(), c.nullable());
  }
  if (e->children().empty()) return e;
  std::vector<ExprPtr> kids;
  for (const ExprPtr& c : e->children()) kids.push_back(ShiftColumns(c, by));
  return e->WithChildren(std::move(kids));
}

enum class Side { kNone, kLeft, kRight, kBoth };

Side SideOf(const Expr& e, int nleft) {
  int lo = 1 << 30, hi = -1;
  ColumnRange(e, &lo, &hi);
  if (hi < 0) return Side::kNone;
  if (hi < nleft) return Side::kLeft;
  if (lo >= nleft) return Side::kRight;
  return Side::kBoth;
}

// The IN comparison of an existence join as its last keys: every conjunct is
// `lhs = rhs` with lhs over the left side (or constant) and rhs over the right.
Status AddMarkKeys(const plan::JoinNode& join, JoinSpec* spec) {
  const int nleft = join.child(0)->schema()->num_fields();
  std::vector<ExprPtr> conjuncts;
  CollectConjuncts(join.mark(), &conjuncts);
  for (const ExprPtr& c : conjuncts) {
    const bool eq = c->kind() == ExprKind::kCall && c->children().size() == 2 &&
                    static_cast<const CallExpr&>(*c).function().name() == "=";
    if (!eq || c->child(0)->type() != c->child(1)->type() ||
        SideOf(*c->child(0), nleft) == Side::kRight || SideOf(*c->child(0), nleft) == Side::kBoth ||
        SideOf(*c->child(1), nleft) != Side::kRight || !c->child(0)->deterministic() ||
        !c->child(1)->deterministic()) {
      return Status::Internal("existence join comparison is not an equality of the sides: " +
                              c->ToString());
    }
    spec->keys.push_back({c->child(0), ShiftColumns(c->child(1), -nleft), false});
  }
  spec->num_mark_keys = static_cast<int>(conjuncts.size());
  spec->mark = join.mark();
  return Status::OK();
}

Result<JoinSpec> ExtractJoinKeys(const plan::JoinNode& join) {
  JoinSpec spec;
  spec.type = join.join_type();
  spec.null_aware = join.null_aware();
  if (!join.condition()) {
    if (join.mark()) RETURN_NOT_OK(AddMarkKeys(join, &spec));
    return spec;
  }
  const int nleft = join.child(0)->schema()->num_fields();
  std::vector<ExprPtr> conjuncts;
  CollectConjuncts(join.condition(), &conjuncts);
  ExprPtr residual;
  for (const ExprPtr& c : conjuncts) {
    bool key = false;
    if (c->kind() == ExprKind::kCall && c->children().size() == 2) {
      const std::string& name = static_cast<const CallExpr&>(*c).function().name();
      if (name == "=" || name == "==" || name == "<=>") {
        ExprPtr a = c->child(0), b = c->child(1);
        Side sa = SideOf(*a, nleft), sb = SideOf(*b, nleft);
        if (sa == Side::kRight && sb == Side::kLeft) {
          std::swap(a, b);
          std::swap(sa, sb);
        }
        if (sa == Side::kLeft && sb == Side::kRight && a->type() == b->type() &&
            a->deterministic() && b->deterministic()) {
          spec.keys.push_back({a, ShiftColumns(b, -nleft), name == "<=>"});
          key = true;
        }
      }
    }
    if (!key) {
      if (residual) {
        ASSIGN_OR_RAISE(residual, And(residual, c));
      } else {
        residual = c;
      }
    }
  }
  spec.residual = residual;
  if (join.mark()) RETURN_NOT_OK(AddMarkKeys(join, &spec));
  return spec;
}

// ---- The planner ------------------------------------------------------------------------

class Planner {
 public:
  Planner(ExecContext& ctx, const PlannerOptions& options)
      : ctx_(ctx),
        options_(options),
        partitions_(options.shuffle_partitions > 0 ? options.shuffle_partitions
                                                   : std::max(1, ctx.pool->num_threads())) {}

  Result<PhysicalOperatorPtr> Plan(const plan::LogicalPlanPtr& in) {
    plan::LogicalPlanPtr node = in;
    if (node->kind() != LogicalKind::kScan) {
      ASSIGN_OR_RAISE(node, plan::TransformExpressions(node, [this](const ExprPtr& e) {
                        return ReplaceSubqueries(e, ctx_, options_);
                      }));
    }
    std::vector<PhysicalOperatorPtr> kids;
    // Sort + Limit is planned as a top-N below.
    const bool top_n = node->kind() == LogicalKind::kLimit &&
                       node->child()->kind() == LogicalKind::kSort &&
                       static_cast<const plan::LimitNode&>(*node).limit() >= 0;
    if (top_n) {
      ASSIGN_OR_RAISE(PhysicalOperatorPtr k, Plan(node->child()->child()));
      kids.push_back(std::move(k));
    } else {
      for (const auto& c : node->children()) {
        ASSIGN_OR_RAISE(PhysicalOperatorPtr k, Plan(c));
        kids.push_back(std::move(k));
      }
    }
    const SchemaPtr& schema = node->schema();
    switch (node->kind()) {
      case LogicalKind::kScan: {
        const auto& n = static_cast<const plan::ScanNode&>(*node);
        return MakeScan(schema, n.table(), n.columns());
      }
      case LogicalKind::kValues:
        return MakeValues(schema, static_cast<const plan::ValuesNode&>(*node).rows());
      case LogicalKind::kProject:
        return MakeProject(kids[0], static_cast<const plan::ProjectNode&>(*node).exprs(), schema);
      case LogicalKind::kFilter:
        return MakeFilter(kids[0], static_cast<const plan::FilterNode&>(*node).predicate());
      case LogicalKind::kAggregate: {
        const auto& n = static_cast<const plan::AggregateNode&>(*node);
        if (n.session_window_group() >= 0) {
          // Sessions merge per key: every row of a key goes to one partition.
          std::vector<ExprPtr> keys;
          for (size_t j = 0; j < n.groups().size(); ++j) {
            if (static_cast<int>(j) != n.session_window_group()) keys.push_back(n.groups()[j]);
          }
          PhysicalOperatorPtr child =
              keys.empty() ? MakeGather(kids[0]) : MakeHashExchange(kids[0], keys, partitions_);
          return MakeSessionWindowAggregate(child, n.groups(), n.session_window_group(),
                                            n.aggregates(), schema);
        }
        return MakeHashAggregate(kids[0], n.groups(), n.aggregates(), schema, partitions_);
      }
      case LogicalKind::kJoin: {
        const auto& n = static_cast<const plan::JoinNode&>(*node);
        ASSIGN_OR_RAISE(JoinSpec spec, ExtractJoinKeys(n));
        return MakeHashJoin(kids[0], kids[1], std::move(spec), schema);
      }
      case LogicalKind::kSort:
        return MakeSort(kids[0], static_cast<const plan::SortNode&>(*node).keys());
      case LogicalKind::kLimit: {
        const auto& n = static_cast<const plan::LimitNode&>(*node);
        if (top_n) {
          const auto& sort = static_cast<const plan::SortNode&>(*node->child());
          return MakeSort(kids[0], sort.keys(), n.limit(), n.offset());
        }
        PhysicalOperatorPtr child = kids[0];
        if (n.limit() >= 0 && child->num_partitions() > 1) {
          child = MakeLocalLimit(child, n.limit() + n.offset());
        }
        return MakeLimit(child, n.limit(), n.offset());
      }
      case LogicalKind::kSetOp: {
        const auto& n = static_cast<const plan::SetOpNode&>(*node);
        if (n.op() == plan::SetOpKind::kUnion) return MakeUnionAll(kids, schema);
        if (kids.size() != 2) return Status::Internal("INTERSECT/EXCEPT need two inputs");
        return MakeSetOp(kids[0], kids[1], n.op(), n.all(), schema);
      }
      case LogicalKind::kWindow: {
        const auto& n = static_cast<const plan::WindowNode&>(*node);
        PhysicalOperatorPtr child = n.partition_by().empty()
                                        ? MakeGather(kids[0])
                                        : MakeHashExchange(kids[0], n.partition_by(), partitions_);
        return MakeWindow(child, n.partition_by(), n.order_by(), n.functions(), schema);
      }
      case LogicalKind::kGenerate: {
        const auto& n = static_cast<const plan::GenerateNode&>(*node);
        return MakeGenerate(kids[0], n.generator(), n.args(), n.outer(), n.forwarded(), schema);
      }
      case LogicalKind::kExpand: {
        const auto& n = static_cast<const plan::ExpandNode&>(*node);
        return MakeExpand(kids[0], n.projections(), schema);
      }
      case LogicalKind::kDeduplicate: {
        const auto& n = static_cast<const plan::DeduplicateNode&>(*node);
        if (n.within_watermark()) {
          // Spark's UnsupportedOperationChecker.checkForBatch (a streaming query
          // replaces the node with its stateful operator before planning).
          return Status::Unsupported(
              "dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets");
        }
        std::vector<ExprPtr> keys;
        for (int k : n.keys()) keys.push_back(ColumnRef(*schema, k));
        PhysicalOperatorPtr child =
            keys.empty() ? MakeGather(kids[0]) : MakeHashExchange(kids[0], keys, partitions_);
        return MakeDeduplicate(std::move(child), n.keys());
      }
      case LogicalKind::kWatermark:
        // Batch queries ignore watermarks (as Spark); a streaming query replaces the
        // node with its own observer before planning.
        return kids[0];
      case LogicalKind::kExtension:
        if (const auto* groups = dynamic_cast<const GroupsWithStateNode*>(node.get())) {
          // [flat]mapGroupsWithState over batch data (over a stream, the streaming
          // engine has replaced the node with its own).
          return MakeGroupsWithState(kids[0], groups->shared_spec(), schema, partitions_);
        }
        if (!options_.plan_extension) {
          return Status::Internal("no planner for the extension node " + node->Describe());
        }
        return options_.plan_extension(static_cast<const plan::ExtensionNode&>(*node),
                                       std::move(kids), ctx_, partitions_);
    }
    return Status::Internal("unknown logical plan node");
  }

 private:
  ExecContext& ctx_;
  const PlannerOptions& options_;
  int partitions_;
};

}  // namespace

Result<PhysicalOperatorPtr> PlanPhysical(const plan::LogicalPlanPtr& plan, ExecContext& ctx,
                                         const PlannerOptions& options) {
  if (ctx.pool == nullptr) return Status::InvalidArgument("ExecContext without a thread pool");
  Planner planner(ctx, options);
  return planner.Plan(plan);
}

}  // namespace weir::exec
