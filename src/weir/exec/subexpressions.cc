#include "weir/exec/subexpressions.h"

#include <string>
#include <utility>

#include <absl/container/flat_hash_map.h>

namespace weir::exec {

namespace {

struct Occurrences {
  int count = 0;
  bool always = false;  // at least one occurrence is always evaluated
  int hoisted = -1;     // its index in HoistedExpressions::common, once hoisted
};

void AppendColumnIndexes(const Expr& e, std::string* out) {
  if (e.kind() == ExprKind::kColumnRef) {
    *out += '#';
    *out += std::to_string(static_cast<const ColumnRefExpr&>(e).index());
  }
  for (const ExprPtr& c : e.children()) AppendColumnIndexes(*c, out);
}

// Two expressions are the same when they render the same, have the same type and
// read the same columns in the same places (rendering gives the structure and names
// functions and literals; the type tells apart literals that render alike; the
// indexes tell apart columns of the same name, as after a join).
std::string Key(const Expr& e) {
  std::string key = e.ToString() + '\x1f' + e.type().ToString();
  AppendColumnIndexes(e, &key);
  return key;
}

bool Candidate(const Expr& e) {
  switch (e.kind()) {
    case ExprKind::kColumnRef:
    case ExprKind::kLiteral:
    case ExprKind::kPlaceholder:
      return false;
    default:
      return e.deterministic() && !e.foldable();
  }
}

// Whether child i of `e` is evaluated for every row `e` is evaluated for.
bool ChildAlwaysEvaluated(const Expr& e, size_t i) {
  switch (e.kind()) {
    case ExprKind::kCase:
    case ExprKind::kCoalesce:
    case ExprKind::kAnd:
    case ExprKind::kOr:
      return i == 0;
    default:
      return true;
  }
}

class Hoister {
 public:
  explicit Hoister(int input_columns) : input_columns_(input_columns) {}

  void Count(const ExprPtr& e, bool always) {
    if (Candidate(*e)) {
      Occurrences& o = seen_[Key(*e)];
      ++o.count;
      o.always = o.always || always;
    }
    for (size_t i = 0; i < e->children().size(); ++i) {
      Count(e->child(i), always && ChildAlwaysEvaluated(*e, i));
    }
  }

  // Replaces the outermost repeated expressions by column references.
  ExprPtr Rewrite(const ExprPtr& e) {
    if (Candidate(*e)) {
      auto it = seen_.find(Key(*e));
      if (it != seen_.end() && it->second.count >= 2 && it->second.always) {
        Occurrences& o = it->second;
        if (o.hoisted < 0) {
          o.hoisted = static_cast<int>(out_.common.size());
          out_.common.push_back(e);
        }
        return ColumnRef(input_columns_ + o.hoisted, "_common" + std::to_string(o.hoisted),
                         e->type(), e->nullable());
      }
    }
    if (e->children().empty()) return e;
    std::vector<ExprPtr> children;
    children.reserve(e->children().size());
    bool changed = false;
    for (const ExprPtr& c : e->children()) {
      children.push_back(Rewrite(c));
      changed = changed || children.back() != c;
    }
    return changed ? e->WithChildren(std::move(children)) : e;
  }

  HoistedExpressions Take() { return std::move(out_); }

 private:
  const int input_columns_;
  absl::flat_hash_map<std::string, Occurrences> seen_;
  HoistedExpressions out_;
};

}  // namespace

HoistedExpressions HoistCommonSubexpressions(const std::vector<ExprPtr>& exprs, int input_columns) {
  Hoister hoister(input_columns);
  for (const ExprPtr& e : exprs) hoister.Count(e, /*always=*/true);
  std::vector<ExprPtr> rewritten;
  rewritten.reserve(exprs.size());
  for (const ExprPtr& e : exprs) rewritten.push_back(hoister.Rewrite(e));
  HoistedExpressions out = hoister.Take();
  if (out.common.empty()) {
    out.rewritten = exprs;
  } else {
    out.rewritten = std::move(rewritten);
  }
  return out;
}

HoistedExpressions HoistFilterSubexpressions(const ExprPtr& predicate,
                                             const std::vector<ExprPtr>& exprs, int input_columns) {
  Hoister hoister(input_columns);
  hoister.Count(predicate, /*always=*/true);
  for (const ExprPtr& e : exprs) hoister.Count(e, /*always=*/false);
  HoistedExpressions out;
  std::vector<ExprPtr> rewritten;
  rewritten.reserve(exprs.size() + 1);
  rewritten.push_back(hoister.Rewrite(predicate));
  for (const ExprPtr& e : exprs) rewritten.push_back(hoister.Rewrite(e));
  out = hoister.Take();
  if (out.common.empty()) {
    out.rewritten.push_back(predicate);
    out.rewritten.insert(out.rewritten.end(), exprs.begin(), exprs.end());
  } else {
    out.rewritten = std::move(rewritten);
  }
  return out;
}

}  // namespace weir::exec
