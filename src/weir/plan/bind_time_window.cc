// Time windows: window() and session_window() (Spark 3.5), and the session window
// aggregate they and the SESSION table function (bind_window_tvf.cc) lead to.
//
// window(ts, window[, slide[, start]]) follows Spark 3.5's TimeWindowing rule
// (sql/catalyst/.../analysis/ResolveTimeWindows.scala): the one window expression of
// a SELECT block's GROUP BY and SELECT list becomes a column `window` of the block's
// input, and every equal call binds to that column. With `ts` the (implicitly cast)
// time column and W/S/T the durations in microseconds, the input `child` becomes
//   tumbling (W = S):  Project [child..., __time_window(ts, W, S, T, 0) AS window]
//                      +- Filter isnotnull(ts)
//                         +- child
//   sliding:           Filter <ts >= window.start AND ts < window.end>
//                      +- Expand [[child..., __time_window(ts, W, S, T, 0)], ...,
//                                 [child..., __time_window(ts, W, S, T, n - 1)]]
//                         +- child
// with n = ceil(W / S) computed in doubles as Spark does, and the filter just
// isnotnull(ts) when S divides W (then every generated window holds ts; SPARK-38214).
// Spark puts the window column first; weir appends it, so the input's column indices
// do not move.
//
// session_window(ts, gap) follows SessionWindowing:
//   Filter (isnotnull(ts) AND (session_window.end > session_window.start))
//   +- Project [child..., __session_window(ts, gap) AS session_window]
//      +- child
// (for SQL, Spark's gap is a Cast of the argument, never a Literal, so the time-range
// filter that drops rows with a NULL or non-positive gap is always there), and the
// Aggregate grouping by the session column gets session_window_group.
//
// Over a SESSION(...) input (Relation::session_tvf) the SELECT must group by
// window_start and window_end; its Aggregate groups by the hidden session struct
// instead (the other keys partition the sessions, Flink's PARTITION BY) and a Project
// puts the merged session's start, end and time where the binder expects those
// groups (BuildSessionAggregate).

#include <cmath>
#include <cstdlib>

#include "weir/expr/cast.h"
#include "weir/functions/registry.h"
#include "weir/functions/time_window.h"
#include "weir/plan/bind_time_window_internal.h"

namespace weir::plan::internal {

namespace {

using sql::SqlExpr;
using sql::SqlExprKind;
namespace tw = weir::time_window;

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;
// Spark generates ceil(window / slide) projections with no limit (and runs out of
// memory long before a million); weir refuses more than this many windows per row.
constexpr double kMaxWindowsPerRow = 10000;

std::string Lower(const SqlExpr& e) {
  return AsciiLower(e.names.empty() ? std::string() : e.names.back());
}

Status MultipleWindows(SourcePosition pos) {
  return SqlError(
      "[_LEGACY_ERROR_TEMP_1039] Multiple time/session window expressions would result in a "
      "cartesian product of rows, therefore they are currently not supported.",
      pos);
}

// Every window() / session_window() call of `e` (not inside subqueries, not inside
// another window call).
void CollectCalls(const SqlExpr& e, std::vector<const SqlExpr*>* out) {
  if (IsTimeWindowCall(e)) {
    out->push_back(&e);
    return;
  }
  if (e.kind == SqlExprKind::kScalarSubquery || e.kind == SqlExprKind::kExists) return;
  for (const auto& c : e.children) {
    if (c) CollectCalls(*c, out);
  }
  if (e.case_operand) CollectCalls(*e.case_operand, out);
  for (const auto& [w, t] : e.when_then) {
    CollectCalls(*w, out);
    CollectCalls(*t, out);
  }
  if (e.case_else) CollectCalls(*e.case_else, out);
  if (e.filter) CollectCalls(*e.filter, out);
  if (e.over) {
    for (const auto& p : e.over->partition_by) CollectCalls(*p, out);
    for (const auto& s : e.over->order_by) CollectCalls(*s.expr, out);
  }
}

// Spark's Interval of microseconds: days are 24 hours (TimeWindow.
// getIntervalInMicroSeconds), months are refused.
Result<int64_t> IntervalMicros(const Interval& iv, const std::string& text, SourcePosition pos) {
  if (iv.months != 0) {
    return SqlError(
        "[_LEGACY_ERROR_TEMP_3231] Intervals greater than a month is not supported (" + text + ").",
        pos);
  }
  int64_t days = 0, out = 0;
  if (__builtin_mul_overflow(int64_t{iv.days}, kMicrosPerDay, &days) ||
      __builtin_add_overflow(days, iv.micros, &out)) {
    return SqlError("[ARITHMETIC_OVERFLOW] long overflow.", pos);
  }
  return out;
}

// Spark's DataType.toString, for the session gap's type error.
std::string SparkTypeName(const DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean:
      return "BooleanType";
    case TypeId::kInt32:
      return "IntegerType";
    case TypeId::kInt64:
      return "LongType";
    case TypeId::kDouble:
      return "DoubleType";
    case TypeId::kDecimal:
      return "DecimalType(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")";
    case TypeId::kBinary:
      return "BinaryType";
    case TypeId::kDate:
      return "DateType";
    case TypeId::kTimestamp:
      return "TimestampType";
    default:
      return t.ToDdl();
  }
}

std::string LongSql(int64_t v) { return std::to_string(v) + "L"; }

// Parses a window() / session_window() call; arguments bind with `b` (over the
// input, plain mode).
Result<WindowSpec> ParseCall(Binder* binder, ExprBinder& b, const SqlExpr& e) {
  const std::string name = Lower(e);
  WindowSpec spec;
  spec.session = name == "session_window";
  const size_t n = e.children.size();
  if (e.distinct || e.filter || e.star_arg || e.ignore_nulls.has_value()) {
    const char* what = e.distinct   ? "DISTINCT"
                       : e.filter   ? "FILTER"
                       : e.star_arg ? "'*'"
                                    : "IGNORE NULLS / RESPECT NULLS";
    return SqlError("[INVALID_SQL_SYNTAX] " + std::string(what) +
                        " is only allowed in aggregate or window functions, but " + QuoteId(name) +
                        " is not one.",
                    e.position);
  }
  if (spec.session ? n != 2 : n < 2 || n > 4) {
    // The registry's WRONG_NUM_ARGS message.
    std::vector<ExprPtr> dummies(n, Literal(Value::Null(DataType::Null())));
    RETURN_NOT_OK(ResolveCall(name, std::move(dummies), binder->options(), e.position).status());
  }
  const SqlExpr& ts_ast = *e.children[0];
  const std::string ts_name = sql::ExprName(ts_ast);
  ASSIGN_OR_RAISE(ExprPtr ts, b.Bind(ts_ast));
  if (spec.session) {
    ASSIGN_OR_RAISE(ExprPtr gap, b.Bind(*e.children[1]));
    const std::string call =
        "session_window(" + ts_name + ", " + sql::ExprName(*e.children[1]) + ")";
    ASSIGN_OR_RAISE(spec.ts, TimeColumnOf(ts, call, ts_name, binder->options(), ts_ast.position));
    ASSIGN_OR_RAISE(spec.gap, GapOf(gap, e.children[1]->position));
    spec.key = "session|" + ExprKey(spec.ts) + "|" + ExprKey(spec.gap);
    return spec;
  }
  ASSIGN_OR_RAISE(spec.window, DurationOf(*e.children[1]));
  spec.slide = spec.window;
  if (n >= 3) {
    ASSIGN_OR_RAISE(spec.slide, DurationOf(*e.children[2]));
  }
  if (n == 4) {
    ASSIGN_OR_RAISE(spec.start, DurationOf(*e.children[3]));
  }
  const std::string call = "window(" + ts_name + ", " + std::to_string(spec.window) + ", " +
                           std::to_string(spec.slide) + ", " + std::to_string(spec.start) + ")";
  ASSIGN_OR_RAISE(spec.ts, TimeColumnOf(ts, call, ts_name, binder->options(), ts_ast.position));
  RETURN_NOT_OK(CheckDurations(call, spec, kWindowParams, e.position));
  spec.key = "window|" + ExprKey(spec.ts) + "|" + std::to_string(spec.window) + "|" +
             std::to_string(spec.slide) + "|" + std::to_string(spec.start);
  return spec;
}

Result<ExprPtr> TimeWindowCall(const WindowSpec& s, int64_t i, const BindOptions& options,
                               SourcePosition pos) {
  return ResolveCall(tw::kTimeWindowFunction,
                     {s.ts, Literal(Value::Int64(s.window)), Literal(Value::Int64(s.slide)),
                      Literal(Value::Int64(s.start)), Literal(Value::Int64(i))},
                     options, pos);
}

bool IsColumn(const ExprPtr& e, int index) {
  return e->kind() == ExprKind::kColumnRef &&
         static_cast<const ColumnRefExpr&>(*e).index() == index;
}

}  // namespace

// A duration argument of window() (TimeWindow.parseExpression): a string literal
// holding an interval, or an integer literal of microseconds; **weir** also takes an
// INTERVAL literal.
Result<int64_t> DurationOf(const SqlExpr& a) {
  if (a.kind == SqlExprKind::kLiteral && !a.value.is_null()) {
    const Value& v = a.value;
    switch (v.type().id()) {
      case TypeId::kInt32:
        return int64_t{v.int32()};
      case TypeId::kInt64:
        return v.int64();
      case TypeId::kInterval:
        return IntervalMicros(v.interval(), v.interval().ToString(), a.position);
      case TypeId::kString: {
        EvalOptions eo;
        EvalContext ctx(eo);
        ASSIGN_OR_RAISE(
            Datum d, CastDatum(ctx, Datum::Constant(v), DataType::Interval(), RowSet(int64_t{1})));
        if (d.IsNull(0)) {
          return SqlError("[INVALID_INTERVAL_FORMAT] Error parsing '" + v.str() + "' to interval.",
                          a.position);
        }
        return IntervalMicros(d.Get<Interval>(0), v.str(), a.position);
      }
      default:
        break;
    }
  }
  return SqlError(
      "[_LEGACY_ERROR_TEMP_1207] The duration and time inputs to window must be an integer, "
      "long or string literal.",
      a.position);
}

// The time column of a window: TIMESTAMP, or implicitly cast to it (Spark's
// ImplicitCastInputTypes towards AnyTimestampType), or the time of a window column
// (a window of windows: Spark replaces the struct by WindowTime of it).
Result<ExprPtr> TimeColumnOf(ExprPtr ts, const std::string& call, const std::string& ts_name,
                             const BindOptions& options, SourcePosition pos) {
  switch (ts->type().id()) {
    case TypeId::kTimestamp:
      return ts;
    case TypeId::kString:
    case TypeId::kDate:
    case TypeId::kNull:
      return Cast(std::move(ts), DataType::Timestamp());
    case TypeId::kStruct:
      if (tw::IsWindowStructType(ts->type())) {
        return ResolveCall(tw::kWindowTimeFunction, {std::move(ts)}, options, pos);
      }
      break;
    default:
      break;
  }
  return SqlError(
      "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"" + call +
          "\" due to data type mismatch: Parameter 1 requires the (\"TIMESTAMP\" or "
          "\"TIMESTAMP_NTZ\" or \"STRUCT<start: TIMESTAMP, end: TIMESTAMP>\" or \"STRUCT<start: "
          "TIMESTAMP_NTZ, end: TIMESTAMP_NTZ>\") type, however \"" +
          ts_name + "\" has the type " + QuoteType(ts->type()) + ".",
      pos);
}

// A session gap: INTERVAL, or a STRING cast to it (a malformed string is NULL, and the
// row is dropped, as Spark's cast does).
Result<ExprPtr> GapOf(ExprPtr gap, SourcePosition pos) {
  switch (gap->type().id()) {
    case TypeId::kInterval:
      return gap;
    case TypeId::kString:
    case TypeId::kNull:
      return Cast(std::move(gap), DataType::Interval());
    default:
      return SqlError(
          "[_LEGACY_ERROR_TEMP_1040] Gap duration expression used in session window must be "
          "CalendarIntervalType, but got " +
              SparkTypeName(gap->type()) + ".",
          pos);
  }
}

// TimeWindow.checkInputDataTypes.
Status CheckDurations(const std::string& call, const WindowSpec& s, const ParamNames& names,
                      SourcePosition pos) {
  auto mismatch = [&](std::string_view sub, const std::string& detail) {
    return SqlError("[DATATYPE_MISMATCH." + std::string(sub) + "] Cannot resolve \"" + call +
                        "\" due to data type mismatch: " + detail,
                    pos);
  };
  auto range = [&](const char* what, int64_t v) {
    return mismatch("VALUE_OUT_OF_RANGE", "The `" + std::string(what) +
                                              "` must be between (0, 9223372036854775807] "
                                              "(current value = " +
                                              LongSql(v) + ").");
  };
  auto constraint = [&](const std::string& left, int64_t lv, const char* op, const char* right,
                        int64_t rv) {
    return mismatch("PARAMETER_CONSTRAINT_VIOLATION", "The `" + left + "`(" + LongSql(lv) +
                                                          ") must be " + op + " the `" + right +
                                                          "`(" + LongSql(rv) + ").");
  };
  if (s.window <= 0) return range(names.window, s.window);
  if (s.slide <= 0) return range(names.slide, s.slide);
  if (s.slide > s.window) return constraint(names.slide, s.slide, "<=", names.window, s.window);
  // Long.abs: the minimum stays negative (and so passes, as in Spark).
  const int64_t abs_start = s.start == INT64_MIN ? s.start : std::llabs(s.start);
  if (abs_start >= s.slide) {
    return constraint("abs(" + std::string(names.start) + ")", abs_start, "<", names.slide,
                      s.slide);
  }
  return Status::OK();
}

ExprPtr WindowField(const ExprPtr& window, int ordinal) {
  return std::make_shared<GetFieldExpr>(window, ordinal);
}

// Spark's rewrite (see the top of the file) over in->plan; the window column is
// appended under `name` and recorded in in->time_window.
Status AddWindowColumn(const BindOptions& options, Relation* in, const WindowSpec& s,
                       const std::string& name, SourcePosition pos) {
  const Schema& schema = *in->plan->schema();
  const int w = schema.num_fields();
  std::vector<ExprPtr> cols;
  std::vector<std::string> names;
  for (int i = 0; i < w; ++i) {
    cols.push_back(ColumnRef(schema, i));
    names.push_back(schema.field(i).name);
  }
  names.push_back(name);
  const ExprPtr window = ColumnRef(w, name, tw::WindowStructType(), true);
  LogicalPlanPtr plan;
  if (s.session) {
    ASSIGN_OR_RAISE(ExprPtr sw,
                    ResolveCall(tw::kSessionWindowFunction, {s.ts, s.gap}, options, pos));
    cols.push_back(std::move(sw));
    plan = std::make_shared<ProjectNode>(in->plan, std::move(cols), std::move(names));
    ASSIGN_OR_RAISE(
        ExprPtr longer,
        ResolveCall(">", {WindowField(window, 1), WindowField(window, 0)}, options, pos));
    ASSIGN_OR_RAISE(ExprPtr cond, And(IsNotNull(s.ts), std::move(longer)));
    plan = std::make_shared<FilterNode>(plan, std::move(cond));
  } else if (s.window == s.slide) {
    ASSIGN_OR_RAISE(ExprPtr tw0, TimeWindowCall(s, 0, options, pos));
    cols.push_back(std::move(tw0));
    plan = std::make_shared<FilterNode>(in->plan, IsNotNull(s.ts));
    plan = std::make_shared<ProjectNode>(plan, std::move(cols), std::move(names));
  } else {
    // TimeWindowing: math.ceil(window.windowDuration * 1.0 / window.slideDuration).toInt.
    const double n = std::ceil(static_cast<double>(s.window) / static_cast<double>(s.slide));
    if (n > kMaxWindowsPerRow) {
      return Status::Unsupported("a sliding window in which a row falls into " +
                                 std::to_string(static_cast<int64_t>(n)) +
                                 " windows is not supported (at most " +
                                 std::to_string(static_cast<int64_t>(kMaxWindowsPerRow)) + ")")
          .WithPosition(pos);
    }
    std::vector<std::vector<ExprPtr>> projections;
    for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
      std::vector<ExprPtr> p = cols;
      ASSIGN_OR_RAISE(ExprPtr twi, TimeWindowCall(s, i, options, pos));
      p.push_back(std::move(twi));
      projections.push_back(std::move(p));
    }
    std::vector<weir::Field> fields = schema.fields();
    fields.push_back(weir::Field{name, tw::WindowStructType(), true});
    plan = std::make_shared<ExpandNode>(in->plan, std::move(projections),
                                        MakeSchema(std::move(fields)));
    ExprPtr cond = IsNotNull(s.ts);
    if (s.window % s.slide != 0) {
      ASSIGN_OR_RAISE(ExprPtr after,
                      ResolveCall(">=", {s.ts, WindowField(window, 0)}, options, pos));
      ASSIGN_OR_RAISE(ExprPtr before,
                      ResolveCall("<", {s.ts, WindowField(window, 1)}, options, pos));
      ASSIGN_OR_RAISE(cond, And(std::move(after), std::move(before)));
    }
    plan = std::make_shared<FilterNode>(plan, std::move(cond));
  }
  in->plan = std::move(plan);
  in->columns.push_back(ColumnInfo{"", name, tw::WindowStructType(), true});
  in->time_window = TimeWindowColumn{s.key, w, s.session};
  return Status::OK();
}

bool IsTimeWindowCall(const SqlExpr& e) {
  if (e.kind != SqlExprKind::kFunction || e.over || e.names.size() != 1) return false;
  const std::string name = Lower(e);
  return name == "window" || name == "session_window";
}

Result<ExprPtr> ExprBinder::BindTimeWindowCall(const SqlExpr& e) {
  const std::string name = Lower(e);
  if (!input_->time_window) {
    return SqlError("[UNSUPPORTED_EXPR_FOR_OPERATOR] " + name +
                        "() is only allowed in GROUP BY and in the SELECT list, not in " +
                        std::string(ClauseName(clause_)) + ".",
                    e.position,
                    "group by " + name + "(...) and use its column `" + name +
                        "` (with .start and .end) in the other clauses");
  }
  ExprBinder plain(binder_, input_, clause_);
  plain.set_outer(outer_);
  ASSIGN_OR_RAISE(WindowSpec spec, ParseCall(binder_, plain, e));
  if (spec.key != input_->time_window->key) return MultipleWindows(e.position);
  return TimeWindowRef(input_->time_window->column, e);
}

Result<ExprPtr> ExprBinder::TimeWindowRef(int column, const SqlExpr&) {
  const ColumnInfo& c = input_->columns[static_cast<size_t>(column)];
  return ColumnRef(column, c.name, c.type, c.nullable);
}

Result<ExprPtr> AggregateBinder::TimeWindowRef(int column, const SqlExpr& e) {
  return InputColumn(column, e);
}

Status ApplyTimeWindow(Binder* binder, SelectState* st, const OuterScope* outer) {
  const sql::QueryNode& node = st->node;
  std::vector<const SqlExpr*> calls;
  if (node.group_by) {
    for (const auto& g : node.group_by->exprs) CollectCalls(*g, &calls);
  }
  for (const sql::SelectItem& item : node.select_list) {
    if (item.expr->kind != SqlExprKind::kStar) CollectCalls(*item.expr, &calls);
  }
  if (calls.empty()) return Status::OK();
  ExprBinder plain(binder, &st->input, Clause::kGroupBy);
  plain.set_outer(outer);
  ASSIGN_OR_RAISE(WindowSpec spec, ParseCall(binder, plain, *calls[0]));
  for (size_t i = 1; i < calls.size(); ++i) {
    ASSIGN_OR_RAISE(WindowSpec other, ParseCall(binder, plain, *calls[i]));
    if (other.key != spec.key) return MultipleWindows(calls[i]->position);
  }
  return AddWindowColumn(binder->options(), &st->input, spec,
                         spec.session ? "session_window" : "window", calls[0]->position);
}

Status CheckSessionGrouping(const SelectState& st) {
  const SourcePosition pos = st.node.from.empty() ? st.node.position : st.node.from[0]->position;
  if (st.input.session_tvf) {
    const SessionTvfColumns& t = *st.input.session_tvf;
    bool start = false, end = false;
    if (st.aggregating && st.grouping_sets.empty()) {
      for (const ExprPtr& g : st.groups) {
        start = start || IsColumn(g, t.start);
        end = end || IsColumn(g, t.end);
      }
    }
    if (!start || !end) return RefuseSessionTvf(st.input, pos);
    for (const ExprPtr& g : st.groups) {
      if (IsColumn(g, t.start) || IsColumn(g, t.end) || IsColumn(g, t.time)) continue;
      bool reads = false;
      VisitExpr(g, [&](const Expr& x) {
        if (x.kind() != ExprKind::kColumnRef) return;
        const int i = static_cast<const ColumnRefExpr&>(x).index();
        reads = reads || i == t.start || i == t.end || i == t.time || i == t.session;
      });
      if (reads) {
        return SqlError(
            "[UNSUPPORTED_FEATURE.SESSION_WINDOW_TVF] A GROUP BY key over SESSION(...) may "
            "name window_start, window_end or window_time only as themselves.",
            pos);
      }
    }
  }
  if (st.input.time_window && st.input.time_window->session && !st.grouping_sets.empty()) {
    return Status::Unsupported(
               "session_window() with GROUPING SETS, ROLLUP or CUBE is not supported")
        .WithPosition(st.node.group_by->exprs.empty() ? st.node.position
                                                      : st.node.group_by->exprs[0]->position);
  }
  return Status::OK();
}

Result<LogicalPlanPtr> BuildSessionAggregate(const SelectState& st,
                                             const std::vector<std::string>& names) {
  if (!st.input.session_tvf) {
    int session = -1;
    for (size_t j = 0; j < st.groups.size() && session < 0; ++j) {
      if (IsColumn(st.groups[j], st.input.time_window->column)) session = static_cast<int>(j);
    }
    return LogicalPlanPtr(
        std::make_shared<AggregateNode>(st.input.plan, st.groups, st.aggregates, names, session));
  }
  // SESSION(...): group by the other keys and the hidden session struct.
  const SessionTvfColumns& t = *st.input.session_tvf;
  std::vector<ExprPtr> groups;
  std::vector<std::string> agg_names;
  std::vector<int> position(st.groups.size(), -1);
  for (size_t j = 0; j < st.groups.size(); ++j) {
    const ExprPtr& g = st.groups[j];
    if (IsColumn(g, t.start) || IsColumn(g, t.end) || IsColumn(g, t.time)) continue;
    position[j] = static_cast<int>(groups.size());
    groups.push_back(g);
    agg_names.push_back(st.group_names[j]);
  }
  const int session = static_cast<int>(groups.size());
  const ColumnInfo& sc = st.input.columns[static_cast<size_t>(t.session)];
  groups.push_back(ColumnRef(t.session, sc.name, sc.type, sc.nullable));
  agg_names.push_back(sc.name);
  agg_names.insert(agg_names.end(), st.aggregate_names.begin(), st.aggregate_names.end());
  auto agg = std::make_shared<AggregateNode>(st.input.plan, groups, st.aggregates,
                                             std::move(agg_names), session);
  const Schema& as = *agg->schema();
  const ExprPtr merged = ColumnRef(as, session);
  std::vector<ExprPtr> exprs;
  for (size_t j = 0; j < st.groups.size(); ++j) {
    const ExprPtr& g = st.groups[j];
    if (position[j] >= 0) {
      exprs.push_back(ColumnRef(as, position[j]));
    } else if (IsColumn(g, t.start)) {
      exprs.push_back(WindowField(merged, 0));
    } else if (IsColumn(g, t.end)) {
      exprs.push_back(WindowField(merged, 1));
    } else {
      ASSIGN_OR_RAISE(ExprPtr time,
                      FunctionRegistry::Builtins().Resolve(tw::kWindowTimeFunction, {merged}));
      exprs.push_back(std::move(time));
    }
  }
  for (size_t k = 0; k < st.aggregates.size(); ++k) {
    exprs.push_back(ColumnRef(as, static_cast<int>(groups.size() + k)));
  }
  return LogicalPlanPtr(std::make_shared<ProjectNode>(agg, std::move(exprs), names));
}

}  // namespace weir::plan::internal
