// Bounded top-K aggregation: the rewrite that lets an aggregate keep only the first
// K elements of a sorted collect_list (see BoundTopK in optimizer_internal.h).
//
// Spark SQL has no streaming ROW_NUMBER, so "the K best rows of each group" is
// written as element_at(sort_array(collect_list(x), asc), i) for i in 1..K: every
// row stays in state and the whole list is sorted on every change. When those
// element_at calls are the ONLY use of the list, the aggregate can keep just the K
// first elements in sort_array's order (what Flink's Rank operator does for
// ROW_NUMBER <= K): sort_array over those gives the first K elements of the full
// sorted list, so every element_at(…, i <= K) reads the same value.
//
// The rule looks at a chain of Projects, Filters, Sorts and Limits over an
// Aggregate and follows each collect_list column up the chain:
//   - a Project may pass it on unchanged, or as sort_array(c[, asc]) (a literal
//     direction), as an output column, which is followed in turn;
//   - any expression may read element_at(sort_array(c, asc), i) or
//     element_at(s, i) for such a sorted column s, with i a literal 1 <= i <=
//     kMaxTopK (also inside array(element_at(s, i1), ...), which resolves as one
//     call of s: collection_internal::ArraySlotIndices);
//   - every other use (the bare list in an expression, size(), a non-literal,
//     negative or zero index, both directions, the list reaching the top of the
//     chain, where the rule cannot see who reads it) leaves the call alone.
// The call must be collect_list (or its alias array_agg) without DISTINCT; a
// FILTER is kept on the new call. Session-window aggregates are left alone. The
// output schema does not change (both return ARRAY<T> with no NULL elements).

#include <map>
#include <optional>

#include "weir/functions/aggregates_topk.h"
#include "weir/functions/collection_internal.h"
#include "weir/plan/optimizer_internal.h"

namespace weir::plan::internal {

namespace {

// An output column of a node in the chain that holds a collect_list call's list.
struct Tracked {
  size_t call = 0;        // index into the aggregate's calls
  bool sorted = false;    // sort_array(list, ascending) rather than the list itself
  bool ascending = true;  // when sorted
};

// What the uses of one aggregate call allow.
struct CallUse {
  bool candidate = false;         // collect_list, not DISTINCT
  bool ok = true;                 // no use the rewrite would change
  std::optional<bool> ascending;  // the direction of the element_at uses
  int64_t k = 0;                  // the largest element_at index read
};

const CallExpr* AsCall(const ExprPtr& e, std::string_view name) {
  if (e->kind() != ExprKind::kCall) return nullptr;
  const auto& c = static_cast<const CallExpr&>(*e);
  return c.function().name() == name ? &c : nullptr;
}

// The value of an integer literal.
std::optional<int64_t> IntLiteral(const ExprPtr& e) {
  if (e->kind() != ExprKind::kLiteral) return std::nullopt;
  const Value& v = static_cast<const LiteralExpr&>(*e).value();
  if (v.is_null()) return std::nullopt;
  if (v.type().id() == TypeId::kInt32) return v.int32();
  if (v.type().id() == TypeId::kInt64) return v.int64();
  return std::nullopt;
}

class UseAnalysis {
 public:
  explicit UseAnalysis(const AggregateNode& agg) : uses_(agg.aggregates().size()) {
    if (agg.session_window_group() >= 0) return;
    for (size_t j = 0; j < agg.aggregates().size(); ++j) {
      const AggregateCall& call = agg.aggregates()[j];
      if (call.distinct || call.function->name() != "collect_list") continue;
      uses_[j].candidate = true;
      tracked_[static_cast<int>(agg.groups().size() + j)] = Tracked{j, false, true};
    }
  }

  bool any() const { return !tracked_.empty(); }
  const std::vector<CallUse>& uses() const { return uses_; }

  // Follows the tracked columns through `node`, the parent of the previous node.
  // Returns false when the node is not one the chain may hold.
  bool Step(const LogicalPlan& node) {
    switch (node.kind()) {
      case LogicalKind::kProject: {
        const auto& p = static_cast<const ProjectNode&>(node);
        std::map<int, Tracked> next;
        for (size_t o = 0; o < p.exprs().size(); ++o) {
          if (std::optional<Tracked> t = Output(p.exprs()[o])) {
            next[static_cast<int>(o)] = *t;
          } else {
            Visit(p.exprs()[o]);
          }
        }
        tracked_ = std::move(next);
        return true;
      }
      case LogicalKind::kFilter:
        Visit(static_cast<const FilterNode&>(node).predicate());
        return true;
      case LogicalKind::kSort:
        for (const SortKey& k : static_cast<const SortNode&>(node).keys()) Visit(k.expr);
        return true;
      case LogicalKind::kLimit:
        return true;
      default:
        return false;
    }
  }

  // The top of the chain: what its parent reads is unknown.
  void Finish() {
    for (const auto& [column, t] : tracked_) uses_[t.call].ok = false;
    tracked_.clear();
  }

 private:
  const Tracked* Find(const ExprPtr& e) const {
    if (e->kind() != ExprKind::kColumnRef) return nullptr;
    auto it = tracked_.find(static_cast<const ColumnRefExpr&>(*e).index());
    return it == tracked_.end() ? nullptr : &it->second;
  }

  // sort_array(list[, literal direction]) over a tracked unsorted list.
  std::optional<Tracked> SortOf(const ExprPtr& e) const {
    const CallExpr* sort = AsCall(e, "sort_array");
    if (sort == nullptr || sort->children().empty()) return std::nullopt;
    const Tracked* t = Find(sort->children()[0]);
    if (t == nullptr || t->sorted) return std::nullopt;
    bool ascending = true;
    if (sort->children().size() == 2) {
      const ExprPtr& d = sort->children()[1];
      if (d->kind() != ExprKind::kLiteral) return std::nullopt;
      const Value& v = static_cast<const LiteralExpr&>(*d).value();
      if (v.is_null() || v.type().id() != TypeId::kBoolean) return std::nullopt;
      ascending = v.boolean();
    } else if (sort->children().size() != 1) {
      return std::nullopt;
    }
    return Tracked{t->call, true, ascending};
  }

  // A Project output that is a tracked column again: the column passed on, or
  // sorted.
  std::optional<Tracked> Output(const ExprPtr& e) const {
    if (const Tracked* t = Find(e)) return *t;
    return SortOf(e);
  }

  // Checks every use of a tracked column inside `e`.
  void Visit(const ExprPtr& e) {
    if (const Tracked* t = Find(e)) {
      uses_[t->call].ok = false;  // the list itself, read by something else
      return;
    }
    if (const CallExpr* at = AsCall(e, "element_at"); at != nullptr && at->children().size() == 2) {
      if (ElementAt(at->children()[0], {IntLiteral(at->children()[1])})) return;
    }
    // array(element_at(s, i1), ..., element_at(s, in)), resolved as one call of s.
    if (e->kind() == ExprKind::kCall && e->children().size() == 1) {
      const auto& call = static_cast<const CallExpr&>(*e);
      if (const std::vector<int32_t>* slots =
              collection_internal::ArraySlotIndices(call.function())) {
        std::vector<std::optional<int64_t>> indices(slots->begin(), slots->end());
        if (ElementAt(call.children()[0], indices)) return;
      }
    }
    for (const ExprPtr& c : e->children()) Visit(c);
  }

  // element_at(array, i) for each of `indices`: true when `array` is a sorted list
  // (the use is recorded, or marks the call when it does not qualify).
  bool ElementAt(const ExprPtr& array, const std::vector<std::optional<int64_t>>& indices) {
    std::optional<Tracked> sorted;
    if (const Tracked* t = Find(array); t != nullptr && t->sorted) sorted = *t;
    if (!sorted) sorted = SortOf(array);
    if (!sorted) return false;
    CallUse& use = uses_[sorted->call];
    for (const std::optional<int64_t>& i : indices) {
      if (!i || *i < 1 || *i > kMaxTopK || (use.ascending && *use.ascending != sorted->ascending)) {
        use.ok = false;
      } else {
        use.ascending = sorted->ascending;
        use.k = std::max(use.k, *i);
      }
    }
    return true;
  }

  std::vector<CallUse> uses_;
  std::map<int, Tracked> tracked_;  // output column of the current node -> its list
};

bool ChainNode(const LogicalPlan& node) {
  switch (node.kind()) {
    case LogicalKind::kProject:
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit:
      return true;
    default:
      return false;
  }
}

Result<LogicalPlanPtr> Rewrite(const LogicalPlanPtr& node);

// `node` (a chain node) with the chain's aggregate rewritten, or null when the
// chain ends elsewhere or no call qualifies.
Result<LogicalPlanPtr> RewriteChain(const LogicalPlanPtr& node) {
  std::vector<LogicalPlanPtr> chain;  // top first
  LogicalPlanPtr cur = node;
  while (ChainNode(*cur)) {
    chain.push_back(cur);
    cur = cur->child();
  }
  if (cur->kind() != LogicalKind::kAggregate) return LogicalPlanPtr();
  const auto& agg = static_cast<const AggregateNode&>(*cur);
  UseAnalysis analysis(agg);
  if (!analysis.any()) return LogicalPlanPtr();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!analysis.Step(**it)) return LogicalPlanPtr();
  }
  analysis.Finish();

  std::vector<AggregateCall> calls = agg.aggregates();
  bool changed = false;
  for (size_t j = 0; j < calls.size(); ++j) {
    const CallUse& use = analysis.uses()[j];
    if (!use.candidate || !use.ok || use.k < 1 || !use.ascending) continue;
    calls[j].function = MakeTopKAggregate(calls[j].function->arg_types()[0],
                                          static_cast<int>(use.k), *use.ascending);
    changed = true;
  }
  if (!changed) return LogicalPlanPtr();
  std::vector<std::string> names;
  for (const Field& f : agg.schema()->fields()) names.push_back(f.name);
  ASSIGN_OR_RAISE(LogicalPlanPtr input, Rewrite(agg.child()));
  LogicalPlanPtr out =
      std::make_shared<AggregateNode>(input, agg.groups(), std::move(calls), std::move(names), -1);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) out = (*it)->WithChildren({out});
  return out;
}

Result<LogicalPlanPtr> Rewrite(const LogicalPlanPtr& node) {
  if (ChainNode(*node)) {
    ASSIGN_OR_RAISE(LogicalPlanPtr rewritten, RewriteChain(node));
    if (rewritten != nullptr) return rewritten;
  }
  std::vector<LogicalPlanPtr> children;
  bool changed = false;
  for (const LogicalPlanPtr& c : node->children()) {
    ASSIGN_OR_RAISE(LogicalPlanPtr r, Rewrite(c));
    changed = changed || r != c;
    children.push_back(std::move(r));
  }
  return changed ? node->WithChildren(std::move(children)) : node;
}

}  // namespace

Result<LogicalPlanPtr> BoundTopK(const LogicalPlanPtr& plan) { return Rewrite(plan); }

}  // namespace weir::plan::internal
