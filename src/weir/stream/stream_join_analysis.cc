#include "weir/stream/stream_join_analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace weir::stream::internal {

namespace {

void Conjuncts(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (e->kind() == ExprKind::kAnd) {
    for (const ExprPtr& c : e->children()) Conjuncts(c, out);
  } else {
    out->push_back(e);
  }
}

// The lowest and highest column index `e` reads (lo > hi when none).
void ColumnRange(const Expr& e, int* lo, int* hi) {
  if (e.kind() == ExprKind::kColumnRef) {
    const int i = static_cast<const ColumnRefExpr&>(e).index();
    *lo = std::min(*lo, i);
    *hi = std::max(*hi, i);
  }
  for (const ExprPtr& c : e.children()) ColumnRange(*c, lo, hi);
}

enum class Side : uint8_t { kNone, kLeft, kRight, kBoth };

Side SideOf(const Expr& e, int num_left) {
  int lo = std::numeric_limits<int>::max(), hi = -1;
  ColumnRange(e, &lo, &hi);
  if (hi < 0) return Side::kNone;
  if (hi < num_left) return Side::kLeft;
  if (lo >= num_left) return Side::kRight;
  return Side::kBoth;
}

ExprPtr Shift(const ExprPtr& e, int by) {
  if (e->kind() == ExprKind::kColumnRef) {
    const auto& c = static_cast<const ColumnRefExpr&>(*e);
    return ColumnRef(c.index() + by, c.name(), c.type(), c.nullable());
  }
  if (e->children().empty()) return e;
  std::vector<ExprPtr> kids;
  for (const ExprPtr& c : e->children()) kids.push_back(Shift(c, by));
  return e->WithChildren(std::move(kids));
}

Status AndInto(ExprPtr* acc, ExprPtr e) {
  if (*acc == nullptr) {
    *acc = std::move(e);
    return Status::OK();
  }
  ASSIGN_OR_RAISE(*acc, And(*acc, std::move(e)));
  return Status::OK();
}

const std::string* CallName(const Expr& e) {
  if (e.kind() != ExprKind::kCall) return nullptr;
  return &static_cast<const CallExpr&>(e).function().name();
}

// ---- Terms of a time constraint ---------------------------------------------------

// One term of `a - b` flattened into a sum: a column (possibly negated) or a
// constant in microseconds.
struct Term {
  int column = -1;  // over left ++ right; -1: a constant
  bool negated = false;
  double micros = 0;  // constants only, sign applied
};

// Spark's collectTerms: + and - (binary and unary), casts to numeric or timestamp
// types, columns, and literals — intervals without months (their days and µs),
// numbers as seconds, timestamps as µs. False when something else is met.
bool CollectTerms(const ExprPtr& e, bool negate, std::vector<Term>* out) {
  if (const std::string* name = CallName(*e)) {
    const auto& args = e->children();
    if (args.size() == 2 && (*name == "+" || *name == "-")) {
      return CollectTerms(args[0], negate, out) &&
             CollectTerms(args[1], *name == "-" ? !negate : negate, out);
    }
    if (args.size() == 1 && (*name == "-" || *name == "negative")) {
      return CollectTerms(args[0], !negate, out);
    }
    if (args.size() == 1 && (*name == "+" || *name == "positive")) {
      return CollectTerms(args[0], negate, out);
    }
    return false;
  }
  switch (e->kind()) {
    case ExprKind::kCast:
      if (!e->type().is_numeric() && e->type().id() != TypeId::kTimestamp) return false;
      return CollectTerms(e->child(0), negate, out);
    case ExprKind::kColumnRef:
      out->push_back({static_cast<const ColumnRefExpr&>(*e).index(), negate, 0});
      return true;
    case ExprKind::kLiteral: {
      const Value& v = static_cast<const LiteralExpr&>(*e).value();
      if (v.is_null()) return false;
      double micros = 0;
      switch (v.type().id()) {
        case TypeId::kInterval:
          if (v.interval().months != 0) return false;  // months have no fixed length
          micros = static_cast<double>(v.interval().days) * 86400e6 +
                   static_cast<double>(v.interval().micros);
          break;
        case TypeId::kInt32:
          micros = static_cast<double>(v.int32()) * 1e6;
          break;
        case TypeId::kInt64:
          micros = static_cast<double>(v.int64()) * 1e6;
          break;
        case TypeId::kDouble:
          micros = v.float64() * 1e6;
          break;
        case TypeId::kDecimal:
          micros = static_cast<double>(v.decimal()) / std::pow(10.0, v.type().scale()) * 1e6;
          break;
        case TypeId::kTimestamp:
          micros = static_cast<double>(v.int64());
          break;
        default:
          return false;
      }
      out->push_back({-1, false, negate ? -micros : micros});
      return true;
    }
    default:
      return false;
  }
}

// What `a < b` (strict unless `inclusive`) says about the bounded side: the
// bounded column and the constant c of `column > other.ts + c`.
struct ConjunctBound {
  int column = -1;  // over left ++ right
  double offset = 0;
  bool inclusive = false;
};

std::optional<ConjunctBound> BoundOfLess(const ExprPtr& a, const ExprPtr& b, bool inclusive,
                                         int num_left, bool bound_left,
                                         const std::vector<EventTimeKind>& other_kinds) {
  std::vector<Term> terms;
  if (!CollectTerms(a, false, &terms) || !CollectTerms(b, true, &terms)) return std::nullopt;
  // a - b < 0 with exactly one column of each side: -x (bounded) + ts (watermarked,
  // not negated) + c < 0, that is x > ts + c.
  const Term* bounded = nullptr;
  const Term* other = nullptr;
  double constant = 0;
  for (const Term& t : terms) {
    if (t.column < 0) {
      constant += t.micros;
      continue;
    }
    const bool left = t.column < num_left;
    const Term*& slot = left == bound_left ? bounded : other;
    if (slot != nullptr) return std::nullopt;
    slot = &t;
  }
  if (bounded == nullptr || other == nullptr || !bounded->negated || other->negated) {
    return std::nullopt;
  }
  const int other_local = bound_left ? other->column - num_left : other->column;
  if (other_local < 0 || static_cast<size_t>(other_local) >= other_kinds.size() ||
      other_kinds[static_cast<size_t>(other_local)] != EventTimeKind::kTimestamp) {
    return std::nullopt;  // Spark: only a watermarked column can be replaced by W
  }
  return ConjunctBound{bounded->column, constant, inclusive};
}

}  // namespace

Result<JoinConditionParts> SplitJoinCondition(const ExprPtr& condition, int num_left) {
  JoinConditionParts parts;
  if (condition == nullptr) return parts;
  std::vector<ExprPtr> conjuncts;
  Conjuncts(condition, &conjuncts);
  for (const ExprPtr& c : conjuncts) {
    const std::string* name = CallName(*c);
    if (name != nullptr && c->children().size() == 2 &&
        (*name == "=" || *name == "==" || *name == "<=>")) {
      ExprPtr a = c->child(0), b = c->child(1);
      Side sa = SideOf(*a, num_left), sb = SideOf(*b, num_left);
      if (sa == Side::kRight && sb == Side::kLeft) {
        std::swap(a, b);
        std::swap(sa, sb);
      }
      if (sa == Side::kLeft && sb == Side::kRight && a->type() == b->type() && a->deterministic() &&
          b->deterministic()) {
        parts.left_keys.push_back(a);
        parts.right_keys.push_back(Shift(b, -num_left));
        parts.null_safe.push_back(*name == "<=>");
        continue;
      }
    }
    // Spark treats a nondeterministic conjunct as needing both sides, so that it is
    // evaluated exactly once per joined row.
    const Side side = SideOf(*c, num_left);
    if (c->deterministic() && side == Side::kLeft) {
      RETURN_NOT_OK(AndInto(&parts.left_only, c));
    } else if (c->deterministic() && side == Side::kRight) {
      RETURN_NOT_OK(AndInto(&parts.right_only, Shift(c, -num_left)));
    } else {
      RETURN_NOT_OK(AndInto(&parts.both, c));
    }
  }
  return parts;
}

exec::EventTimeKey WatermarkJoinKey(const JoinConditionParts& parts,
                                    const std::vector<EventTimeKind>& left_kinds,
                                    const std::vector<EventTimeKind>& right_kinds) {
  for (const auto* side : {&parts.left_keys, &parts.right_keys}) {
    const std::vector<EventTimeKind>& kinds = side == &parts.left_keys ? left_kinds : right_kinds;
    for (size_t k = 0; k < side->size(); ++k) {
      const Expr& key = *(*side)[k];
      if (key.kind() != ExprKind::kColumnRef) continue;
      const int i = static_cast<const ColumnRefExpr&>(key).index();
      if (i < 0 || static_cast<size_t>(i) >= kinds.size()) continue;
      const EventTimeKind kind = kinds[static_cast<size_t>(i)];
      if (kind == EventTimeKind::kNone) continue;
      exec::EventTimeKey out;
      out.index = static_cast<int>(k);
      out.window_struct = kind == EventTimeKind::kWindow;
      return out;
    }
  }
  return exec::EventTimeKey{};
}

int64_t StateValueBound::StateWatermarkMs(int64_t watermark_ms) const {
  std::optional<int64_t> out;
  for (const auto& [offset, inclusive] : offsets) {
    // Spark evaluates W * 1000 + c as a double and truncates its milliseconds.
    double ms = (static_cast<double>(watermark_ms) * 1000.0 + offset) / 1000.0;
    ms = std::clamp(ms, -9.0e15, 9.0e15);
    int64_t v = static_cast<int64_t>(ms);
    if (inclusive) v -= 1;
    out = out.has_value() ? std::min(*out, v) : v;
  }
  return out.value_or(watermark_ms);
}

std::optional<StateValueBound> FindStateValueBound(const ExprPtr& condition, int num_left,
                                                   bool bound_left,
                                                   const std::vector<EventTimeKind>& left_kinds,
                                                   const std::vector<EventTimeKind>& right_kinds,
                                                   const std::vector<DataType>& left_types,
                                                   const std::vector<DataType>& right_types) {
  if (condition == nullptr) return std::nullopt;
  const std::vector<EventTimeKind>& other_kinds = bound_left ? right_kinds : left_kinds;
  const std::vector<EventTimeKind>& own_kinds = bound_left ? left_kinds : right_kinds;
  const std::vector<DataType>& own_types = bound_left ? left_types : right_types;
  std::vector<ExprPtr> conjuncts;
  Conjuncts(condition, &conjuncts);
  std::vector<ConjunctBound> found;
  for (const ExprPtr& c : conjuncts) {
    const std::string* name = CallName(*c);
    if (name == nullptr || c->children().size() != 2) continue;
    const ExprPtr& l = c->child(0);
    const ExprPtr& r = c->child(1);
    std::optional<ConjunctBound> b;
    if (*name == "<") b = BoundOfLess(l, r, false, num_left, bound_left, other_kinds);
    if (*name == "<=") b = BoundOfLess(l, r, true, num_left, bound_left, other_kinds);
    if (*name == ">") b = BoundOfLess(r, l, false, num_left, bound_left, other_kinds);
    if (*name == ">=") b = BoundOfLess(r, l, true, num_left, bound_left, other_kinds);
    if (!b.has_value()) continue;
    b->column = bound_left ? b->column : b->column - num_left;
    if (b->column < 0 || static_cast<size_t>(b->column) >= own_types.size() ||
        own_types[static_cast<size_t>(b->column)].id() != TypeId::kTimestamp) {
      continue;  // weir evicts by the bounded column itself: it must be a timestamp
    }
    found.push_back(*b);
  }
  if (found.empty()) return std::nullopt;
  int column = found[0].column;
  for (const ConjunctBound& b : found) {
    if (own_kinds[static_cast<size_t>(b.column)] != EventTimeKind::kNone) {
      column = b.column;
      break;
    }
  }
  StateValueBound out;
  out.column = column;
  for (const ConjunctBound& b : found) {
    if (b.column == column) out.offsets.emplace_back(b.offset, b.inclusive);
  }
  return out;
}

}  // namespace weir::stream::internal
