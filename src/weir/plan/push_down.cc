// Filter push-down: each node gets the conjuncts its parent wants applied to its
// output, pushes what it can to its children and keeps the rest in a Filter above
// itself. What moves (Spark's PushDownPredicates, PushPredicateThroughJoin):
//   - through Project (the projected expressions are substituted), Sort, Filter
//     (merged), Generate (conjuncts over the input columns) and UNION ALL (into
//     every child);
//   - below Aggregate, conjuncts over grouping columns only (not with grouping
//     sets: the Expand below nulls them);
//   - into joins: inner joins take conjuncts of either side and keep the mixed ones
//     as join conditions; outer joins take only conjuncts of the preserved side,
//     and push their ON conjuncts over the other side into it; semi / anti joins
//     take conjuncts of the left side; existence joins take conjuncts of the left
//     side (not of their `exists` column) and push ON conjuncts over the right
//     side into it (a right row failing them never counts), never the IN mark;
//   - into scans, as hints (ScanNode::filters), with the Filter kept.
// Only deterministic conjuncts without plan-level placeholders move.

#include <algorithm>

#include "weir/plan/optimizer_internal.h"

namespace weir::plan::internal {

namespace {

using Preds = std::vector<ExprPtr>;

Result<LogicalPlanPtr> Push(const LogicalPlanPtr& plan, Preds preds);

void Split(const ExprPtr& e, Preds* out) {
  if (e->kind() == ExprKind::kAnd) {
    Split(e->child(0), out);
    Split(e->child(1), out);
  } else {
    out->push_back(e);
  }
}

Result<ExprPtr> Conjoin(const Preds& preds) {
  ExprPtr out = preds[0];
  for (size_t i = 1; i < preds.size(); ++i) {
    ASSIGN_OR_RAISE(out, And(out, preds[i]));
  }
  return out;
}

Result<LogicalPlanPtr> Wrap(LogicalPlanPtr plan, const Preds& preds) {
  if (preds.empty()) return plan;
  ASSIGN_OR_RAISE(ExprPtr p, Conjoin(preds));
  return LogicalPlanPtr(std::make_shared<FilterNode>(std::move(plan), std::move(p)));
}

// Columns read, and whether all are within [lo, hi).
bool ReadsOnly(const ExprPtr& e, int lo, int hi) {
  std::vector<int> cols;
  ColumnsRead(e, &cols);
  return std::all_of(cols.begin(), cols.end(), [&](int c) { return c >= lo && c < hi; });
}

bool ReadsAny(const ExprPtr& e) {
  std::vector<int> cols;
  ColumnsRead(e, &cols);
  return !cols.empty();
}

Result<ExprPtr> Shift(const ExprPtr& e, int by) {
  return MapColumns(e, [by](const ColumnRefExpr& r) {
    return ColumnRef(r.index() + by, r.name(), r.type(), r.nullable());
  });
}

// Children pushed with no conjuncts of their own.
Result<LogicalPlanPtr> Recurse(const LogicalPlanPtr& plan) {
  std::vector<LogicalPlanPtr> children;
  bool changed = false;
  for (const LogicalPlanPtr& c : plan->children()) {
    ASSIGN_OR_RAISE(LogicalPlanPtr n, Push(c, {}));
    changed = changed || n != c;
    children.push_back(std::move(n));
  }
  return changed ? plan->WithChildren(std::move(children)) : plan;
}

Result<LogicalPlanPtr> PushProject(const ProjectNode& p, Preds preds) {
  Preds down, keep;
  for (ExprPtr& e : preds) {
    bool ok = Pushable(e);
    std::vector<int> cols;
    ColumnsRead(e, &cols);
    for (int c : cols) ok = ok && Pushable(p.exprs()[static_cast<size_t>(c)]);
    if (!ok) {
      keep.push_back(std::move(e));
      continue;
    }
    ASSIGN_OR_RAISE(ExprPtr sub, MapColumns(e, [&](const ColumnRefExpr& r) {
                      return p.exprs()[static_cast<size_t>(r.index())];
                    }));
    down.push_back(std::move(sub));
  }
  ASSIGN_OR_RAISE(LogicalPlanPtr child, Push(p.child(), std::move(down)));
  std::vector<std::string> names;
  for (const Field& f : p.schema()->fields()) names.push_back(f.name);
  LogicalPlanPtr node = std::make_shared<ProjectNode>(child, p.exprs(), std::move(names));
  return Wrap(node, keep);
}

Result<LogicalPlanPtr> PushAggregate(const AggregateNode& a, Preds preds) {
  const int groups = static_cast<int>(a.groups().size());
  const bool expand = a.child()->kind() == LogicalKind::kExpand;
  Preds down, keep;
  for (ExprPtr& e : preds) {
    bool ok = !expand && groups > 0 && Pushable(e) && ReadsOnly(e, 0, groups);
    if (ok) {
      std::vector<int> cols;
      ColumnsRead(e, &cols);
      for (int c : cols) {
        // A merged session is not any row's session: a condition on it stays above.
        ok = ok && c != a.session_window_group() && Pushable(a.groups()[static_cast<size_t>(c)]);
      }
    }
    if (!ok) {
      keep.push_back(std::move(e));
      continue;
    }
    ASSIGN_OR_RAISE(ExprPtr sub, MapColumns(e, [&](const ColumnRefExpr& r) {
                      return a.groups()[static_cast<size_t>(r.index())];
                    }));
    down.push_back(std::move(sub));
  }
  ASSIGN_OR_RAISE(LogicalPlanPtr child, Push(a.child(), std::move(down)));
  return Wrap(a.WithChildren({child}), keep);
}

Result<LogicalPlanPtr> PushJoin(const JoinNode& j, Preds preds) {
  const JoinType type = j.join_type();
  const int lw = j.child(0)->schema()->num_fields();
  const int rw = j.child(1)->schema()->num_fields();
  const bool inner = type == JoinType::kInner || type == JoinType::kCross;
  const bool semi = type == JoinType::kLeftSemi || type == JoinType::kLeftAnti;
  const bool existence = type == JoinType::kExistence;
  const bool left_preserved = type == JoinType::kLeftOuter || semi || existence;
  const bool right_preserved = type == JoinType::kRightOuter;
  Preds left, right, keep, cond_keep;

  // Conjuncts over the join's output.
  for (ExprPtr& e : preds) {
    if (!Pushable(e) || !ReadsAny(e)) {
      keep.push_back(std::move(e));
    } else if (ReadsOnly(e, 0, lw) && (inner || left_preserved)) {
      left.push_back(std::move(e));
    } else if (!semi && !existence && ReadsOnly(e, lw, lw + rw) && (inner || right_preserved)) {
      ASSIGN_OR_RAISE(ExprPtr s, Shift(e, -lw));
      right.push_back(std::move(s));
    } else if (inner) {
      cond_keep.push_back(std::move(e));
    } else {
      keep.push_back(std::move(e));
    }
  }
  // Conjuncts of the ON condition over one side only.
  if (j.condition() && !j.null_aware()) {
    Preds parts;
    Split(j.condition(), &parts);
    for (ExprPtr& e : parts) {
      const bool only_left = ReadsAny(e) && ReadsOnly(e, 0, lw);
      const bool only_right = ReadsAny(e) && ReadsOnly(e, lw, lw + rw);
      if (Pushable(e) && only_left &&
          (inner || type == JoinType::kRightOuter || type == JoinType::kLeftSemi)) {
        left.push_back(std::move(e));
      } else if (Pushable(e) && only_right &&
                 (inner || type == JoinType::kLeftOuter || semi || existence)) {
        ASSIGN_OR_RAISE(ExprPtr s, Shift(e, -lw));
        right.push_back(std::move(s));
      } else {
        cond_keep.push_back(std::move(e));
      }
    }
  } else if (j.condition()) {
    cond_keep.push_back(j.condition());
  }
  ASSIGN_OR_RAISE(LogicalPlanPtr l, Push(j.child(0), std::move(left)));
  ASSIGN_OR_RAISE(LogicalPlanPtr r, Push(j.child(1), std::move(right)));
  ExprPtr cond;
  if (!cond_keep.empty()) {
    ASSIGN_OR_RAISE(cond, Conjoin(cond_keep));
  }
  JoinType new_type = type;
  if (type == JoinType::kCross && cond) new_type = JoinType::kInner;
  LogicalPlanPtr node = std::make_shared<JoinNode>(l, r, new_type, cond, j.null_aware(), j.mark());
  return Wrap(node, keep);
}

Result<LogicalPlanPtr> Push(const LogicalPlanPtr& plan, Preds preds) {
  switch (plan->kind()) {
    case LogicalKind::kFilter: {
      const auto& f = static_cast<const FilterNode&>(*plan);
      Split(f.predicate(), &preds);
      return Push(f.child(), std::move(preds));
    }
    case LogicalKind::kProject:
      return PushProject(static_cast<const ProjectNode&>(*plan), std::move(preds));
    case LogicalKind::kAggregate:
      return PushAggregate(static_cast<const AggregateNode&>(*plan), std::move(preds));
    case LogicalKind::kJoin:
      return PushJoin(static_cast<const JoinNode&>(*plan), std::move(preds));
    case LogicalKind::kSort: {
      ASSIGN_OR_RAISE(LogicalPlanPtr child, Push(plan->child(), std::move(preds)));
      return plan->WithChildren({child});
    }
    case LogicalKind::kGenerate: {
      // Conjuncts over the forwarded columns move, rewritten over the child's output.
      const auto& g = static_cast<const GenerateNode&>(*plan);
      Preds down, keep;
      for (ExprPtr& e : preds) {
        if (!Pushable(e) || !ReadsOnly(e, 0, g.num_forwarded())) {
          keep.push_back(std::move(e));
          continue;
        }
        ASSIGN_OR_RAISE(ExprPtr sub, MapColumns(e, [&](const ColumnRefExpr& r) {
                          return ColumnRef(g.forwarded()[static_cast<size_t>(r.index())], r.name(),
                                           r.type(), r.nullable());
                        }));
        down.push_back(std::move(sub));
      }
      ASSIGN_OR_RAISE(LogicalPlanPtr child, Push(plan->child(), std::move(down)));
      return Wrap(plan->WithChildren({child}), keep);
    }
    case LogicalKind::kSetOp: {
      const auto& s = static_cast<const SetOpNode&>(*plan);
      Preds down, keep;
      for (ExprPtr& e : preds) {
        (s.op() == SetOpKind::kUnion && Pushable(e) ? down : keep).push_back(std::move(e));
      }
      std::vector<LogicalPlanPtr> children;
      for (const LogicalPlanPtr& c : s.children()) {
        ASSIGN_OR_RAISE(LogicalPlanPtr n, Push(c, down));
        children.push_back(std::move(n));
      }
      return Wrap(s.WithChildren(std::move(children)), keep);
    }
    case LogicalKind::kScan: {
      const auto& s = static_cast<const ScanNode&>(*plan);
      if (preds.empty()) return plan;
      std::vector<ExprPtr> hints = s.filters();
      for (const ExprPtr& e : preds) {
        if (Pushable(e) && ReadsAny(e)) hints.push_back(e);
      }
      LogicalPlanPtr scan = std::make_shared<ScanNode>(s.table(), s.columns(), std::move(hints));
      return Wrap(scan, preds);
    }
    case LogicalKind::kValues:
    case LogicalKind::kLimit:
    case LogicalKind::kWindow:
    case LogicalKind::kExpand:
    // Barriers: a filter below a watermark would change the event times it sees, one
    // below a deduplication which row of a key is first (and what a stream's state
    // and late-row counts hold), and an extension is opaque.
    case LogicalKind::kWatermark:
    case LogicalKind::kDeduplicate:
    case LogicalKind::kExtension: {
      ASSIGN_OR_RAISE(LogicalPlanPtr node, Recurse(plan));
      return Wrap(node, preds);
    }
  }
  return Status::Internal("unknown logical plan node");
}

}  // namespace

Result<LogicalPlanPtr> PushDownFilters(const LogicalPlanPtr& plan) { return Push(plan, {}); }

}  // namespace weir::plan::internal
