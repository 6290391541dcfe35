// Window functions: f(...) OVER (PARTITION BY ... ORDER BY ... frame), named
// windows, Spark's default frames and checks; one WindowNode per distinct
// (PARTITION BY, ORDER BY), stacked in order of first use.

#include "weir/expr/cast.h"
#include "weir/functions/aggregate.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

namespace {

using sql::FrameBoundKind;
using sql::SqlExpr;
using sql::SqlExprKind;

// The window specification after following OVER w / OVER (w ...) references.
struct ResolvedSpec {
  std::vector<const SqlExpr*> partition_by;
  std::vector<const sql::SortItem*> order_by;
  const sql::WindowFrame* frame = nullptr;
};

Status ResolveSpec(const sql::WindowSpec& spec, const std::vector<sql::NamedWindow>* named,
                   int depth, ResolvedSpec* out) {
  if (!spec.base_name.empty()) {
    const sql::NamedWindow* base = nullptr;
    if (named != nullptr) {
      for (const sql::NamedWindow& w : *named) {
        if (EqualsIgnoreCase(w.name, spec.base_name)) base = &w;
      }
    }
    if (base == nullptr) {
      return SqlError("[MISSING_WINDOW_SPECIFICATION] Window specification " +
                          QuoteId(spec.base_name) + " is not defined in the WINDOW clause.",
                      spec.position);
    }
    if (depth > 32) {
      return SqlError(
          "[INVALID_SQL_SYNTAX] The WINDOW clause definitions refer to each other in "
          "a cycle.",
          spec.position);
    }
    RETURN_NOT_OK(ResolveSpec(*base->spec, named, depth + 1, out));
  }
  if (!spec.partition_by.empty()) {
    out->partition_by.clear();
    for (const auto& p : spec.partition_by) out->partition_by.push_back(p.get());
  }
  if (!spec.order_by.empty()) {
    out->order_by.clear();
    for (const auto& o : spec.order_by) out->order_by.push_back(&o);
  }
  if (spec.frame) out->frame = &*spec.frame;
  return Status::OK();
}

int BoundRank(FrameBoundKind k) {
  switch (k) {
    case FrameBoundKind::kUnboundedPreceding:
      return 0;
    case FrameBoundKind::kPreceding:
      return 1;
    case FrameBoundKind::kCurrentRow:
      return 2;
    case FrameBoundKind::kFollowing:
      return 3;
    case FrameBoundKind::kUnboundedFollowing:
      return 4;
  }
  return 2;
}

bool IsRanking(std::string_view n) {
  return n == "row_number" || n == "rank" || n == "dense_rank" || n == "percent_rank" ||
         n == "cume_dist";
}

Status NeedsOrder(const SqlExpr& e) {
  const std::string f = sql::ExprName(e);
  return SqlError("[WINDOW_FUNCTION_WITHOUT_ORDER] Window function " + AsciiLower(e.names.back()) +
                      "() requires window to be ordered, please add ORDER BY clause. For example "
                      "SELECT " +
                      AsciiLower(e.names.back()) +
                      "(value_expr) OVER (PARTITION BY window_partition ORDER BY "
                      "window_ordering) from table.",
                  e.position);
}

// A constant integer argument (ntile's buckets, lag's offset, nth_value's n).
Result<int64_t> ConstantInteger(Binder* binder, const SqlExpr& call, const SqlExpr& arg) {
  Relation none;
  ExprBinder b(binder, &none, Clause::kWindowSpec);
  ASSIGN_OR_RAISE(ExprPtr x, b.Bind(arg));
  if (!x->foldable() || (x->type().id() != TypeId::kInt32 && x->type().id() != TypeId::kInt64)) {
    return SqlError("[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"" +
                        sql::ExprName(call) + "\" due to data type mismatch: the input \"" +
                        sql::ExprName(arg) + "\" should be a foldable integer expression.",
                    arg.position);
  }
  ASSIGN_OR_RAISE(Value v, binder->FoldToValue(x, arg.position));
  if (v.is_null()) {
    return SqlError("[DATATYPE_MISMATCH.UNEXPECTED_NULL] Cannot resolve \"" + sql::ExprName(call) +
                        "\" due to data type mismatch: \"" + sql::ExprName(arg) +
                        "\" must not be NULL.",
                    arg.position);
  }
  return v.type().id() == TypeId::kInt32 ? int64_t{v.int32()} : v.int64();
}

}  // namespace

Result<ExprPtr> ExprBinder::BindWindowCall(const SqlExpr& e) {
  if (windows_ == nullptr) {
    if (clause_ == Clause::kWhere) {
      return SqlError(
          "[INVALID_WHERE_CONDITION] The WHERE condition contains invalid "
          "expressions: \"" +
              sql::ExprName(e) +
              "\". Rewrite the query to avoid window functions, aggregate functions, "
              "and generator functions in the WHERE clause.",
          e.position);
    }
    return SqlError("[UNSUPPORTED_EXPR_FOR_OPERATOR] Window function \"" + sql::ExprName(e) +
                        "\" is not allowed in " + std::string(ClauseName(clause_)) + ".",
                    e.position);
  }
  // Arguments and the specification are bound in this binder's mode, without
  // nested window functions.
  std::vector<PendingWindowCall>* windows = windows_;
  windows_ = nullptr;
  struct Restore {
    ExprBinder* b;
    std::vector<PendingWindowCall>* w;
    ~Restore() { b->windows_ = w; }
  } restore{this, windows};

  ResolvedSpec spec;
  RETURN_NOT_OK(ResolveSpec(*e.over, named_windows_, 0, &spec));
  PendingWindowCall pending;
  std::string key;
  for (const SqlExpr* p : spec.partition_by) {
    ASSIGN_OR_RAISE(ExprPtr x, Bind(*p));
    key += ExprKey(x) + ";";
    pending.partition_by.push_back(std::move(x));
  }
  key += "|";
  for (const sql::SortItem* s : spec.order_by) {
    SortKey k;
    ASSIGN_OR_RAISE(k.expr, Bind(*s->expr));
    k.ascending = s->ascending;
    k.nulls_first = s->nulls_first.value_or(s->ascending);
    key += ExprKey(k.expr) + (k.ascending ? "+" : "-") + (k.nulls_first ? "f;" : "l;");
    pending.order_by.push_back(std::move(k));
  }
  pending.spec_key = std::move(key);
  pending.name = sql::ExprName(e);

  const std::string name = AsciiLower(e.names.back());
  WindowFunctionCall& fc = pending.call;
  const bool ordered = !pending.order_by.empty();
  const BindOptions& options = binder_->options();
  auto bind_args = [&]() -> Result<std::vector<ExprPtr>> {
    std::vector<ExprPtr> args;
    for (const auto& c : e.children) {
      ASSIGN_OR_RAISE(ExprPtr a, Bind(*c));
      args.push_back(std::move(a));
    }
    return args;
  };
  auto wrong_args = [&](std::string_view want) {
    return SqlError("[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `" + name + "` requires " +
                        std::string(want) + " parameters but the actual number is " +
                        std::to_string(e.children.size()) + ".",
                    e.position);
  };
  auto positive_int = [&](const SqlExpr& a, std::string_view what) -> Result<int64_t> {
    ASSIGN_OR_RAISE(int64_t v, ConstantInteger(binder_, e, a));
    if (v <= 0) {
      return SqlError("[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"" +
                          sql::ExprName(e) + "\" due to data type mismatch: The " +
                          std::string(what) + " must be positive, but got " + std::to_string(v) +
                          ".",
                      a.position);
    }
    return v;
  };
  fc.ignore_nulls = e.ignore_nulls.value_or(false);
  if (e.distinct && !IsAggregateFunction(name)) {
    return SqlError("[INVALID_SQL_SYNTAX] DISTINCT is only allowed in aggregate functions.",
                    e.position);
  }
  if (IsRanking(name)) {
    if (!e.children.empty()) return wrong_args("0");
    if (!ordered) return NeedsOrder(e);
    fc.kind = name == "row_number"     ? WindowFunctionKind::kRowNumber
              : name == "rank"         ? WindowFunctionKind::kRank
              : name == "dense_rank"   ? WindowFunctionKind::kDenseRank
              : name == "percent_rank" ? WindowFunctionKind::kPercentRank
                                       : WindowFunctionKind::kCumeDist;
    const bool is_double =
        fc.kind == WindowFunctionKind::kPercentRank || fc.kind == WindowFunctionKind::kCumeDist;
    fc.result_type = is_double ? DataType::Double() : DataType::Int32();
    fc.nullable = false;
  } else if (name == "ntile") {
    if (e.children.size() != 1) return wrong_args("1");
    if (!ordered) return NeedsOrder(e);
    ASSIGN_OR_RAISE(int64_t n, positive_int(*e.children[0], "buckets expression"));
    if (n > INT32_MAX) return wrong_args("an INT");
    fc.kind = WindowFunctionKind::kNtile;
    fc.args.push_back(Literal(Value::Int32(static_cast<int32_t>(n))));
    fc.result_type = DataType::Int32();
    fc.nullable = false;
  } else if (name == "lag" || name == "lead") {
    if (e.children.empty() || e.children.size() > 3) return wrong_args("[1, 2, 3]");
    if (!ordered) return NeedsOrder(e);
    ASSIGN_OR_RAISE(ExprPtr input, Bind(*e.children[0]));
    int64_t offset = 1;
    if (e.children.size() >= 2) {
      ASSIGN_OR_RAISE(offset, ConstantInteger(binder_, e, *e.children[1]));
      if (offset < INT32_MIN || offset > INT32_MAX) return wrong_args("an INT offset and");
    }
    ExprPtr def = Literal(Value::Null(input->type()));
    if (e.children.size() == 3) {
      ASSIGN_OR_RAISE(def, Bind(*e.children[2]));
      auto cast = Cast(def, input->type());
      if (!cast.ok()) return Positioned(cast.status(), e.children[2]->position);
      def = *cast;
    }
    fc.kind = name == "lag" ? WindowFunctionKind::kLag : WindowFunctionKind::kLead;
    fc.result_type = input->type();
    fc.args = {input, Literal(Value::Int32(static_cast<int32_t>(offset))), def};
  } else if (name == "first_value" || name == "last_value" || name == "first" || name == "last" ||
             name == "nth_value") {
    const bool nth = name == "nth_value";
    if (e.children.empty() || e.children.size() > 2) return wrong_args(nth ? "2" : "[1, 2]");
    if (nth && e.children.size() != 2) return wrong_args("2");
    ASSIGN_OR_RAISE(ExprPtr input, Bind(*e.children[0]));
    fc.args.push_back(input);
    if (nth) {
      ASSIGN_OR_RAISE(int64_t n, positive_int(*e.children[1], "offset"));
      fc.args.push_back(
          Literal(Value::Int32(static_cast<int32_t>(std::min<int64_t>(n, INT32_MAX)))));
      fc.kind = WindowFunctionKind::kNthValue;
    } else {
      if (e.children.size() == 2) {
        // first_value(x, ignoreNulls): a constant BOOLEAN.
        ASSIGN_OR_RAISE(ExprPtr flag, Bind(*e.children[1]));
        ASSIGN_OR_RAISE(Value v, binder_->FoldToValue(flag, e.children[1]->position));
        if (v.type().id() != TypeId::kBoolean || v.is_null()) {
          return SqlError("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"" +
                              sql::ExprName(e) +
                              "\" due to data type mismatch: the ignoreNulls argument must be a "
                              "BOOLEAN constant.",
                          e.children[1]->position);
        }
        fc.ignore_nulls = fc.ignore_nulls || v.boolean();
      }
      fc.kind = (name == "first_value" || name == "first") ? WindowFunctionKind::kFirstValue
                                                           : WindowFunctionKind::kLastValue;
    }
    fc.result_type = input->type();
  } else if (IsAggregateFunction(name)) {
    if (e.distinct) {
      return SqlError(
          "[DISTINCT_WINDOW_FUNCTION_UNSUPPORTED] Distinct window functions are not "
          "supported: " +
              sql::ExprName(e) + ".",
          e.position);
    }
    std::vector<ExprPtr> args;
    if (e.star_arg) args.push_back(Literal(Value::Int32(1)));
    ASSIGN_OR_RAISE(std::vector<ExprPtr> rest, bind_args());
    args.insert(args.end(), rest.begin(), rest.end());
    ExprPtr filter;
    if (e.filter) {
      ASSIGN_OR_RAISE(filter, BindCondition(*this, *e.filter));
    }
    auto call = ResolveAggregate(name, std::move(args), false, filter);
    if (!call.ok()) return Positioned(call.status(), e.position);
    fc.kind = WindowFunctionKind::kAggregate;
    fc.result_type = call->function->result_type();
    fc.nullable = !(call->function->name() == "count" || call->function->name() == "count_if");
    fc.aggregate = *std::move(call);
  } else {
    return SqlError("[UNSUPPORTED_EXPR_FOR_WINDOW] Expression \"" + sql::ExprName(e) +
                        "\" not supported within a window function.",
                    e.position);
  }
  (void)options;

  // The frame.
  const bool positional =
      fc.kind != WindowFunctionKind::kAggregate && fc.kind != WindowFunctionKind::kFirstValue &&
      fc.kind != WindowFunctionKind::kLastValue && fc.kind != WindowFunctionKind::kNthValue;
  if (spec.frame == nullptr || positional) {
    if (ordered && !positional) {
      fc.frame = WindowFrameSpec{};  // RANGE UNBOUNDED PRECEDING .. CURRENT ROW
    } else if (positional) {
      fc.frame.unit = sql::FrameUnit::kRows;
      fc.frame.start = {FrameBoundKind::kUnboundedPreceding, {}};
      fc.frame.end = {FrameBoundKind::kCurrentRow, {}};
    } else {
      fc.frame.unit = sql::FrameUnit::kRows;
      fc.frame.start = {FrameBoundKind::kUnboundedPreceding, {}};
      fc.frame.end = {FrameBoundKind::kUnboundedFollowing, {}};
    }
  } else {
    const sql::WindowFrame& f = *spec.frame;
    fc.frame.unit = f.unit;
    const std::string call_name = sql::ExprName(e);
    auto frame_error = [&](std::string_view sub, const std::string& detail) {
      return SqlError("[DATATYPE_MISMATCH." + std::string(sub) + "] Cannot resolve \"" + call_name +
                          "\" due to data type mismatch: " + detail,
                      f.position);
    };
    if (BoundRank(f.start.kind) == 4 || BoundRank(f.end.kind) == 0 ||
        BoundRank(f.start.kind) > BoundRank(f.end.kind)) {
      return frame_error("SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON",
                         "The lower bound of a window frame must be less than or equal to the "
                         "upper bound.");
    }
    auto bound = [&](const sql::FrameBound& b, FrameBoundSpec* out) -> Status {
      out->kind = b.kind;
      if (b.kind != FrameBoundKind::kPreceding && b.kind != FrameBoundKind::kFollowing) {
        return Status::OK();
      }
      Relation none;
      ExprBinder cb(binder_, &none, Clause::kWindowSpec);
      ASSIGN_OR_RAISE(ExprPtr x, cb.Bind(*b.offset));
      if (!x->foldable()) {
        return frame_error(
            "SPECIFIED_WINDOW_FRAME_WITHOUT_FOLDABLE",
            "Window frame boundary \"" + sql::ExprName(*b.offset) + "\" is not foldable.");
      }
      ASSIGN_OR_RAISE(Value v, binder_->FoldToValue(x, b.offset->position));
      if (f.unit == sql::FrameUnit::kRows) {
        if (v.is_null() || (v.type().id() != TypeId::kInt32 && v.type().id() != TypeId::kInt64)) {
          return frame_error("SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE",
                             "The data type of the ROWS frame boundary \"" +
                                 sql::ExprName(*b.offset) + "\" must be an integer, not " +
                                 QuoteType(v.type()) + ".");
        }
        const int64_t n = v.type().id() == TypeId::kInt32 ? v.int32() : v.int64();
        if (n < 0) {
          return frame_error(
              "SPECIFIED_WINDOW_FRAME_INVALID_BOUND",
              "The frame boundary offset must not be negative, but got " + std::to_string(n) + ".");
        }
        out->offset = Value::Int64(n);
        return Status::OK();
      }
      // RANGE with a value offset: one order key of a numeric (or datetime) type.
      if (pending.order_by.size() != 1) {
        return frame_error(
            pending.order_by.empty() ? "RANGE_FRAME_WITHOUT_ORDER" : "RANGE_FRAME_MULTI_ORDER",
            pending.order_by.empty()
                ? "A range window frame cannot be used in an unordered window "
                  "specification."
                : "A range window frame with value boundaries cannot be used in a "
                  "window specification with multiple order by expressions.");
      }
      const DataType& kt = pending.order_by[0].expr->type();
      const bool datetime = kt.id() == TypeId::kDate || kt.id() == TypeId::kTimestamp;
      if (v.is_null() || (!kt.is_numeric() && !datetime) ||
          (datetime && v.type().id() != TypeId::kInterval) ||
          (!datetime && !v.type().is_numeric())) {
        return frame_error("RANGE_FRAME_INVALID_TYPE",
                           "The data type " + QuoteType(kt) +
                               " used in the order specification does not match the data type " +
                               QuoteType(v.type()) + " which is used in the range frame.");
      }
      if (datetime) {
        out->offset = v;
        return Status::OK();
      }
      ASSIGN_OR_RAISE(ExprPtr cast, Cast(Literal(v), kt));
      ASSIGN_OR_RAISE(out->offset, binder_->FoldToValue(cast, b.offset->position));
      return Status::OK();
    };
    RETURN_NOT_OK(bound(f.start, &fc.frame.start));
    RETURN_NOT_OK(bound(f.end, &fc.frame.end));
    if (f.unit == sql::FrameUnit::kRows && f.start.kind == f.end.kind &&
        (f.start.kind == FrameBoundKind::kPreceding ||
         f.start.kind == FrameBoundKind::kFollowing)) {
      const int64_t a = fc.frame.start.offset.int64();
      const int64_t b = fc.frame.end.offset.int64();
      const bool bad = f.start.kind == FrameBoundKind::kPreceding ? a < b : a > b;
      if (bad) {
        return frame_error("SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON",
                           "The lower bound of a window frame must be less than or equal to the "
                           "upper bound.");
      }
    }
  }

  const int id = static_cast<int>(windows->size());
  auto ref = std::make_shared<BinderRefExpr>(BinderRefExpr::RefKind::kWindow, id, pending.name,
                                             fc.result_type, fc.nullable);
  windows->push_back(std::move(pending));
  return ExprPtr(ref);
}

Result<LogicalPlanPtr> BuildWindows(LogicalPlanPtr plan,
                                    const std::vector<PendingWindowCall>& calls,
                                    std::vector<ExprPtr*> exprs) {
  std::vector<int> column(calls.size(), -1);
  std::vector<bool> done(calls.size(), false);
  for (size_t i = 0; i < calls.size(); ++i) {
    if (done[i]) continue;
    std::vector<WindowFunctionCall> fns;
    std::vector<std::string> names;
    int base = plan->schema()->num_fields();
    for (size_t k = i; k < calls.size(); ++k) {
      if (done[k] || calls[k].spec_key != calls[i].spec_key) continue;
      done[k] = true;
      column[k] = base++;
      fns.push_back(calls[k].call);
      names.push_back(calls[k].name);
    }
    plan = std::make_shared<WindowNode>(plan, calls[i].partition_by, calls[i].order_by,
                                        std::move(fns), std::move(names));
  }
  const Schema& s = *plan->schema();
  for (ExprPtr* e : exprs) {
    ASSIGN_OR_RAISE(*e, RewriteExpr(*e, [&](const ExprPtr& x) -> Result<ExprPtr> {
      const BinderRefExpr* r = AsBinderRef(*x);
      if (r == nullptr || r->ref_kind() != BinderRefExpr::RefKind::kWindow) return ExprPtr();
      return ColumnRef(s, column[static_cast<size_t>(r->id())]);
    }));
  }
  return plan;
}

}  // namespace weir::plan::internal
