// Projection pruning: top-down, each node is told which of its output columns are
// used; it asks its children only for what it and those columns need, and reports
// where each of its old output columns went (-1: dropped). Scans read only used
// columns, projections compute only used columns, and a projection left as the
// identity of its child disappears. The root keeps every column. A scan left with
// only its table's corrupt-record column is an error (TableProvider).

#include <algorithm>
#include <set>

#include "weir/plan/optimizer_internal.h"

namespace weir::plan::internal {

namespace {

struct Pruned {
  LogicalPlanPtr plan;
  std::vector<int> map;  // old output index -> new output index, or -1
};

Result<Pruned> Prune(const LogicalPlanPtr& plan, std::set<int> used);

// QueryCompilationErrors.queryFromRawFilesIncludeCorruptRecordColumnError (Spark 3.5,
// raised by JsonFileFormat / CSVFileFormat when the columns a file scan must read
// are the corrupt-record column alone).
Status QueryOnlyCorruptRecordColumn() {
  return Status::InvalidSql(
      "[UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN] The feature is not supported: "
      "Queries from raw JSON/CSV files are disallowed when the referenced columns only include "
      "the internal corrupt record column (named `_corrupt_record` by default). For example: "
      "`spark.read.schema(schema).json(file).filter($\"_corrupt_record\".isNotNull).count()` "
      "and `spark.read.schema(schema).json(file).select(\"_corrupt_record\").count()`. Instead, "
      "you can cache or save the parsed results and then send the same query. For example, "
      "`val df = spark.read.schema(schema).json(file).cache()` and then "
      "`df.filter($\"_corrupt_record\".isNotNull).count()`.");
}

std::vector<int> Identity(int n) {
  std::vector<int> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return v;
}

std::set<int> All(const LogicalPlan& plan) {
  std::set<int> s;
  for (int i = 0; i < plan.schema()->num_fields(); ++i) s.insert(i);
  return s;
}

void AddRead(const ExprPtr& e, std::set<int>* out, int lo = 0, int hi = INT32_MAX, int shift = 0) {
  std::vector<int> cols;
  ColumnsRead(e, &cols);
  for (int c : cols) {
    if (c >= lo && c < hi) out->insert(c - shift);
  }
}

// `e` over the old child output, rewritten over the new one.
Result<ExprPtr> Remap(const ExprPtr& e, const std::vector<int>& map, int shift_old = 0,
                      int shift_new = 0) {
  return MapColumns(e, [&](const ColumnRefExpr& r) {
    const int i = r.index() - shift_old;
    const int n = map[static_cast<size_t>(i)] + shift_new;
    return ColumnRef(n, r.name(), r.type(), r.nullable());
  });
}

Result<std::vector<ExprPtr>> RemapAll(const std::vector<ExprPtr>& exprs,
                                      const std::vector<int>& map) {
  std::vector<ExprPtr> out;
  for (const ExprPtr& e : exprs) {
    ASSIGN_OR_RAISE(ExprPtr r, Remap(e, map));
    out.push_back(std::move(r));
  }
  return out;
}

Result<AggregateCall> RemapCall(const AggregateCall& c, const std::vector<int>& map) {
  AggregateCall out = c;
  ASSIGN_OR_RAISE(out.args, RemapAll(c.args, map));
  if (c.filter) {
    ASSIGN_OR_RAISE(out.filter, Remap(c.filter, map));
  }
  return out;
}

std::vector<std::string> Names(const Schema& s, int from = 0) {
  std::vector<std::string> out;
  for (int i = from; i < s.num_fields(); ++i) out.push_back(s.field(i).name);
  return out;
}

// A child pruned to `used`, the node rebuilt over it with remapped expressions, and
// the node's output equal to its child's (Filter, Sort, Limit).
Result<Pruned> PassThrough(const LogicalPlanPtr& plan, std::set<int> used) {
  std::vector<ExprPtr> own;
  if (plan->kind() == LogicalKind::kFilter) {
    own.push_back(static_cast<const FilterNode&>(*plan).predicate());
  } else if (plan->kind() == LogicalKind::kSort) {
    for (const SortKey& k : static_cast<const SortNode&>(*plan).keys()) own.push_back(k.expr);
  }
  for (const ExprPtr& e : own) AddRead(e, &used);
  ASSIGN_OR_RAISE(Pruned child, Prune(plan->child(), used));
  LogicalPlanPtr node;
  if (plan->kind() == LogicalKind::kFilter) {
    ASSIGN_OR_RAISE(ExprPtr p, Remap(own[0], child.map));
    node = std::make_shared<FilterNode>(child.plan, std::move(p));
  } else if (plan->kind() == LogicalKind::kSort) {
    std::vector<SortKey> keys = static_cast<const SortNode&>(*plan).keys();
    for (SortKey& k : keys) {
      ASSIGN_OR_RAISE(k.expr, Remap(k.expr, child.map));
    }
    node = std::make_shared<SortNode>(child.plan, std::move(keys));
  } else {
    node = plan->WithChildren({child.plan});
  }
  return Pruned{node, child.map};
}

bool IsIdentityProject(const ProjectNode& p) {
  const Schema& in = *p.child()->schema();
  if (static_cast<int>(p.exprs().size()) != in.num_fields()) return false;
  for (size_t i = 0; i < p.exprs().size(); ++i) {
    const ExprPtr& e = p.exprs()[i];
    if (e->kind() != ExprKind::kColumnRef ||
        static_cast<const ColumnRefExpr&>(*e).index() != static_cast<int>(i)) {
      return false;
    }
    if (p.schema()->field(static_cast<int>(i)) != in.field(static_cast<int>(i))) return false;
  }
  return true;
}

Result<Pruned> PruneProject(const ProjectNode& p, const std::set<int>& used) {
  std::set<int> need;
  std::vector<int> map(p.exprs().size(), -1);
  std::vector<int> kept;
  for (int i : used) {
    kept.push_back(i);
    AddRead(p.exprs()[static_cast<size_t>(i)], &need);
  }
  ASSIGN_OR_RAISE(Pruned child, Prune(p.child(), need));
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  for (int i : kept) {
    map[static_cast<size_t>(i)] = static_cast<int>(exprs.size());
    ASSIGN_OR_RAISE(ExprPtr e, Remap(p.exprs()[static_cast<size_t>(i)], child.map));
    exprs.push_back(std::move(e));
    names.push_back(p.schema()->field(i).name);
  }
  auto node = std::make_shared<ProjectNode>(child.plan, std::move(exprs), std::move(names));
  if (IsIdentityProject(*node)) return Pruned{child.plan, map};
  return Pruned{node, map};
}

Result<Pruned> PruneJoin(const JoinNode& j, const std::set<int>& used) {
  const int lw = j.child(0)->schema()->num_fields();
  const int rw = j.child(1)->schema()->num_fields();
  const bool existence = j.join_type() == JoinType::kExistence;
  std::set<int> lu, ru;
  for (int i : used) {
    if (existence && i >= lw) continue;  // the `exists` column, always kept
    (i < lw ? lu : ru).insert(i < lw ? i : i - lw);
  }
  for (const ExprPtr& e : {j.condition(), j.mark()}) {
    if (!e) continue;
    AddRead(e, &lu, 0, lw);
    AddRead(e, &ru, lw, lw + rw, lw);
  }
  ASSIGN_OR_RAISE(Pruned l, Prune(j.child(0), lu));
  ASSIGN_OR_RAISE(Pruned r, Prune(j.child(1), ru));
  const int new_lw = l.plan->schema()->num_fields();
  std::vector<int> both = l.map;
  for (int m : r.map) both.push_back(m < 0 ? -1 : m + new_lw);
  ExprPtr cond, mark;
  if (j.condition()) {
    ASSIGN_OR_RAISE(cond, Remap(j.condition(), both));
  }
  if (j.mark()) {
    ASSIGN_OR_RAISE(mark, Remap(j.mark(), both));
  }
  auto node = std::make_shared<JoinNode>(l.plan, r.plan, j.join_type(), cond, j.null_aware(),
                                         std::move(mark));
  const bool semi = j.join_type() == JoinType::kLeftSemi || j.join_type() == JoinType::kLeftAnti;
  if (semi) both.resize(static_cast<size_t>(lw));
  if (existence) {
    both.resize(static_cast<size_t>(lw));
    both.push_back(new_lw);
  }
  return Pruned{node, both};
}

// Output: the forwarded child columns, then the generated ones. Only the forwarded
// columns read above stay forwarded: a column only the generator's arguments read
// (the array being exploded) is read from the child but not copied into every
// generated row (Spark's ColumnPruning sets Generate.unrequiredChildIndex). The
// generated columns are all kept.
Result<Pruned> PruneGenerate(const GenerateNode& g, const std::set<int>& used) {
  const int nf = g.num_forwarded();
  const int total = g.schema()->num_fields();
  std::set<int> need;
  std::vector<int> kept;  // old output indexes of the forwarded columns kept
  for (int i : used) {
    if (i >= nf) continue;
    kept.push_back(i);
    need.insert(g.forwarded()[static_cast<size_t>(i)]);
  }
  for (const ExprPtr& e : g.args()) AddRead(e, &need);
  ASSIGN_OR_RAISE(Pruned child, Prune(g.child(), need));
  ASSIGN_OR_RAISE(std::vector<ExprPtr> args, RemapAll(g.args(), child.map));
  std::vector<int> forwarded;
  std::vector<int> map(static_cast<size_t>(total), -1);
  for (int i : kept) {
    map[static_cast<size_t>(i)] = static_cast<int>(forwarded.size());
    forwarded.push_back(child.map[static_cast<size_t>(g.forwarded()[static_cast<size_t>(i)])]);
  }
  const int new_nf = static_cast<int>(forwarded.size());
  for (int i = nf; i < total; ++i) map[static_cast<size_t>(i)] = new_nf + (i - nf);
  auto node = std::make_shared<GenerateNode>(child.plan, g.generator(), std::move(args), g.outer(),
                                             g.generated_names(), std::move(forwarded));
  return Pruned{node, map};
}

Result<Pruned> Prune(const LogicalPlanPtr& plan, std::set<int> used) {
  switch (plan->kind()) {
    case LogicalKind::kScan: {
      const auto& s = static_cast<const ScanNode&>(*plan);
      for (const ExprPtr& f : s.filters()) AddRead(f, &used);
      std::vector<int> cols, map(s.columns().size(), -1);
      for (int i : used) {
        map[static_cast<size_t>(i)] = static_cast<int>(cols.size());
        cols.push_back(s.columns()[static_cast<size_t>(i)]);
      }
      const int corrupt = s.table()->corrupt_record_column();
      if (corrupt >= 0 && cols.size() == 1 && cols[0] == corrupt) {
        return QueryOnlyCorruptRecordColumn();
      }
      ASSIGN_OR_RAISE(std::vector<ExprPtr> filters, RemapAll(s.filters(), map));
      return Pruned{std::make_shared<ScanNode>(s.table(), std::move(cols), std::move(filters)),
                    map};
    }
    case LogicalKind::kValues:
      return Pruned{plan, Identity(plan->schema()->num_fields())};
    case LogicalKind::kProject:
      return PruneProject(static_cast<const ProjectNode&>(*plan), used);
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit:
      return PassThrough(plan, std::move(used));
    case LogicalKind::kJoin:
      return PruneJoin(static_cast<const JoinNode&>(*plan), used);
    case LogicalKind::kAggregate: {
      const auto& a = static_cast<const AggregateNode&>(*plan);
      std::set<int> need;
      for (const ExprPtr& g : a.groups()) AddRead(g, &need);
      for (const AggregateCall& c : a.aggregates()) {
        for (const ExprPtr& x : c.args) AddRead(x, &need);
        if (c.filter) AddRead(c.filter, &need);
      }
      ASSIGN_OR_RAISE(Pruned child, Prune(a.child(), need));
      ASSIGN_OR_RAISE(std::vector<ExprPtr> groups, RemapAll(a.groups(), child.map));
      std::vector<AggregateCall> calls;
      for (const AggregateCall& c : a.aggregates()) {
        ASSIGN_OR_RAISE(AggregateCall m, RemapCall(c, child.map));
        calls.push_back(std::move(m));
      }
      return Pruned{std::make_shared<AggregateNode>(child.plan, std::move(groups), std::move(calls),
                                                    Names(*a.schema()), a.session_window_group()),
                    Identity(a.schema()->num_fields())};
    }
    case LogicalKind::kSetOp: {
      std::vector<LogicalPlanPtr> children;
      for (const LogicalPlanPtr& c : plan->children()) {
        ASSIGN_OR_RAISE(Pruned p, Prune(c, All(*c)));
        children.push_back(p.plan);
      }
      return Pruned{plan->WithChildren(std::move(children)),
                    Identity(plan->schema()->num_fields())};
    }
    case LogicalKind::kExpand: {
      const auto& x = static_cast<const ExpandNode&>(*plan);
      std::set<int> need;
      for (const auto& p : x.projections()) {
        for (const ExprPtr& e : p) AddRead(e, &need);
      }
      ASSIGN_OR_RAISE(Pruned child, Prune(x.child(), need));
      std::vector<std::vector<ExprPtr>> projections;
      for (const auto& p : x.projections()) {
        ASSIGN_OR_RAISE(std::vector<ExprPtr> m, RemapAll(p, child.map));
        projections.push_back(std::move(m));
      }
      return Pruned{std::make_shared<ExpandNode>(child.plan, std::move(projections), x.schema()),
                    Identity(x.schema()->num_fields())};
    }
    case LogicalKind::kWatermark: {
      const auto& w = static_cast<const WatermarkNode&>(*plan);
      used.insert(w.column());
      ASSIGN_OR_RAISE(Pruned child, Prune(w.child(), std::move(used)));
      return Pruned{std::make_shared<WatermarkNode>(
                        child.plan, child.map[static_cast<size_t>(w.column())], w.delay_micros()),
                    child.map};
    }
    case LogicalKind::kDeduplicate:
      // Reads every column of its child: on a stream, the event-time column below it
      // judges late rows and expiry even when nothing above reads it.
    case LogicalKind::kExtension: {
      // Opaque: reads every column of its children.
      std::vector<LogicalPlanPtr> children;
      for (const LogicalPlanPtr& c : plan->children()) {
        ASSIGN_OR_RAISE(Pruned p, Prune(c, All(*c)));
        children.push_back(p.plan);
      }
      return Pruned{plan->WithChildren(std::move(children)),
                    Identity(plan->schema()->num_fields())};
    }
    case LogicalKind::kWindow: {
      // Output: the child's columns, then the window functions'.
      const auto& n = static_cast<const WindowNode&>(*plan);
      const int w = plan->child()->schema()->num_fields();
      const int total = plan->schema()->num_fields();
      std::set<int> need;
      for (int i : used) {
        if (i < w) need.insert(i);
      }
      for (const ExprPtr& e : n.partition_by()) AddRead(e, &need);
      for (const SortKey& k : n.order_by()) AddRead(k.expr, &need);
      for (const WindowFunctionCall& f : n.functions()) {
        for (const ExprPtr& e : f.args) AddRead(e, &need);
        for (const ExprPtr& e : f.aggregate.args) AddRead(e, &need);
        if (f.aggregate.filter) AddRead(f.aggregate.filter, &need);
      }
      ASSIGN_OR_RAISE(Pruned child, Prune(plan->child(), need));
      ASSIGN_OR_RAISE(LogicalPlanPtr over,
                      TransformExpressions(plan->WithChildren({plan->child()}),
                                           [&](const ExprPtr& e) { return Remap(e, child.map); }));
      const auto& m = static_cast<const WindowNode&>(*over);
      LogicalPlanPtr node = std::make_shared<WindowNode>(child.plan, m.partition_by(), m.order_by(),
                                                         m.functions(), Names(*plan->schema(), w));
      std::vector<int> map = child.map;
      const int new_w = child.plan->schema()->num_fields();
      for (int i = w; i < total; ++i) map.push_back(new_w + (i - w));
      return Pruned{node, map};
    }
    case LogicalKind::kGenerate:
      return PruneGenerate(static_cast<const GenerateNode&>(*plan), used);
  }
  return Status::Internal("unknown logical plan node");
}

}  // namespace

Result<LogicalPlanPtr> PruneColumns(const LogicalPlanPtr& plan) {
  ASSIGN_OR_RAISE(Pruned p, Prune(plan, All(*plan)));
  return p.plan;
}

}  // namespace weir::plan::internal
