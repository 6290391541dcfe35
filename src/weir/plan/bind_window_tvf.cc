// The windowing table functions TUMBLE(data, timecol, size[, offset]),
// HOP(data, timecol, slide, size[, offset]) and SESSION(data, timecol, gap), as Flink
// SQL has them (positional or named arguments, TABLE t / DESCRIPTOR(col) or bare
// names). They reuse window()'s rewrite (bind_time_window.cc) over the data argument
// and project
//   Project [data..., window.start AS window_start, window.end AS window_end,
//            window_time(window) AS window_time]
// (window_time is window_end - 1 microsecond, Spark's window_time; Flink's is
// window_end - 1 millisecond at its millisecond precision). SESSION also keeps the
// session struct as a hidden column and marks the relation (Relation::session_tvf):
// the SELECT over it must GROUP BY window_start, window_end, and its Aggregate groups
// by the hidden struct instead (BuildSessionAggregate).

#include <algorithm>
#include <cctype>

#include "weir/functions/registry.h"
#include "weir/functions/time_window.h"
#include "weir/plan/bind_time_window_internal.h"

namespace weir::plan::internal {

namespace {

using sql::SqlExprKind;
using sql::TableFunctionArg;
namespace tw = weir::time_window;

// The table argument of a windowing table function: TABLE t, TABLE (query), or a
// bare name.
Result<Relation> BindDataArg(Binder* binder, const TableFunctionArg& a, const std::string& fn) {
  if (a.kind == TableFunctionArg::Kind::kTable && a.table) return binder->BindTableRef(*a.table);
  if (a.kind == TableFunctionArg::Kind::kExpr && a.expr->kind == SqlExprKind::kColumn) {
    sql::TableRef named(sql::TableRefKind::kNamed);
    named.names = a.expr->names;
    named.position = a.position;
    return binder->BindTableRef(named);
  }
  return SqlError("[UNSUPPORTED_FEATURE.TABLE_ARGUMENT] The first argument of " + fn +
                      " must be a table: a name, TABLE name or TABLE (query).",
                  a.position);
}

// The time attribute argument: DESCRIPTOR(col) or a bare column name.
Result<ExprPtr> BindTimeColArg(const Relation& data, const TableFunctionArg& a,
                               const std::string& fn, std::string* name) {
  std::vector<std::string> parts;
  if (a.kind == TableFunctionArg::Kind::kDescriptor && a.descriptor.size() == 1) {
    parts = a.descriptor;
  } else if (a.kind == TableFunctionArg::Kind::kExpr && a.expr->kind == SqlExprKind::kColumn) {
    parts = a.expr->names;
  } else {
    return SqlError("[UNSUPPORTED_FEATURE.TABLE_ARGUMENT] The time column of " + fn +
                        " must be one column: DESCRIPTOR(col) or col.",
                    a.position);
  }
  ASSIGN_OR_RAISE(auto m, ExprBinder::MatchColumn(data.columns, parts, a.position));
  if (!m) return ExprBinder::UnresolvedColumn(parts, data.columns, a.position);
  *name = parts.back();
  return ExprBinder::ColumnWithFields(data.columns, m->index, parts, m->consumed, a.position);
}

// The arguments in parameter order (null: not given): positional ones first, then
// `name => value` (Flink's DATA, TIMECOL, SIZE, SLIDE, OFFSET, GAP).
Result<std::vector<const TableFunctionArg*>> AssignArguments(const sql::TableRef& ref,
                                                             const std::string& fn,
                                                             const std::vector<std::string>& params,
                                                             size_t required) {
  std::vector<const TableFunctionArg*> slot(params.size(), nullptr);
  size_t next = 0;
  bool named = false;
  for (const TableFunctionArg& a : ref.function_args) {
    size_t k = params.size();
    if (a.name.empty()) {
      if (named) {
        return SqlError("[UNEXPECTED_POSITIONAL_ARGUMENT] Cannot invoke function " + fn +
                            " because it contains positional argument(s) following named "
                            "argument(s).",
                        a.position);
      }
      k = next++;
    } else {
      named = true;
      k = static_cast<size_t>(std::find(params.begin(), params.end(), AsciiLower(a.name)) -
                              params.begin());
      if (k == params.size()) {
        return SqlError("[UNRECOGNIZED_PARAMETER_NAME] Cannot invoke function " + fn +
                            " because the function call included a named argument reference "
                            "for argument named `" +
                            a.name +
                            "`, but this function does not include any signature "
                            "containing an argument with this name.",
                        a.position);
      }
      if (slot[k] != nullptr) {
        return SqlError("[DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT] Cannot invoke function " + fn +
                            " because the parameter named `" + params[k] +
                            "` was assigned more than once.",
                        a.position);
      }
    }
    if (k >= params.size()) {
      return SqlError(
          "[WRONG_NUM_ARGS] The `" + fn + "` requires " + std::to_string(required) +
              (required == params.size() ? "" : " or " + std::to_string(params.size())) +
              " parameters but the actual number is " + std::to_string(ref.function_args.size()) +
              ".",
          a.position);
    }
    slot[k] = &a;
  }
  for (size_t k = 0; k < required; ++k) {
    if (slot[k] == nullptr) {
      return SqlError("[REQUIRED_PARAMETER_NOT_FOUND] Cannot invoke function " + fn +
                          " because the parameter named `" + params[k] +
                          "` is required, but the function call did not supply a value.",
                      ref.position);
    }
  }
  return slot;
}

// The window rewrite over `data`, then its columns and window_start, window_end,
// window_time (and SESSION's hidden session struct).
Result<Relation> ProjectWindowColumns(const BindOptions& options, const Relation& data,
                                      const WindowSpec& spec, SourcePosition pos) {
  const int w = data.width();
  Relation windowed = data;
  RETURN_NOT_OK(
      AddWindowColumn(options, &windowed, spec, spec.session ? "session_window" : "window", pos));
  const Schema& ws = *windowed.plan->schema();
  const ExprPtr window = ColumnRef(ws, w);
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  Relation out;
  for (int i = 0; i < w; ++i) {
    exprs.push_back(ColumnRef(ws, i));
    names.push_back(ws.field(i).name);
    out.columns.push_back(data.columns[static_cast<size_t>(i)]);
  }
  ASSIGN_OR_RAISE(ExprPtr time, ResolveCall(tw::kWindowTimeFunction, {window}, options, pos));
  exprs.push_back(WindowField(window, 0));
  exprs.push_back(WindowField(window, 1));
  exprs.push_back(std::move(time));
  for (const char* n : {"window_start", "window_end", "window_time"}) {
    names.push_back(n);
    out.columns.push_back(ColumnInfo{"", n, DataType::Timestamp(), true});
  }
  if (spec.session) {
    exprs.push_back(window);
    names.push_back("session_window");
    out.columns.push_back(
        ColumnInfo{"", "session_window", tw::WindowStructType(), true, false, /*internal=*/true});
    out.session_tvf = SessionTvfColumns{w + 3, w, w + 1, w + 2};
  }
  out.plan = std::make_shared<ProjectNode>(windowed.plan, std::move(exprs), std::move(names));
  return out;
}

}  // namespace

Status RefuseSessionTvf(const Relation& r, SourcePosition pos) {
  if (!r.session_tvf) return Status::OK();
  return SqlError(
      "[UNSUPPORTED_FEATURE.SESSION_WINDOW_TVF] A query over the SESSION windowing table "
      "function must aggregate it by its window: GROUP BY window_start, window_end.",
      pos,
      "add window_start, window_end to GROUP BY; the other GROUP BY keys partition the "
      "sessions (Flink's PARTITION BY)");
}

Result<Relation> Binder::BindWindowTableFunction(const sql::TableRef& ref,
                                                 const std::string& name) {
  std::string fn = name;
  for (char& c : fn) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<std::string> params;
  size_t required = 0;
  if (name == "tumble") {
    params = {"data", "timecol", "size", "offset"};
    required = 3;
  } else if (name == "hop") {
    params = {"data", "timecol", "slide", "size", "offset"};
    required = 4;
  } else if (name == "session") {
    params = {"data", "timecol", "gap"};
    required = 3;
  } else {
    return Status::Unsupported(
               "[UNSUPPORTED_FEATURE.TABLE_VALUED_FUNCTION] The windowing table function " + fn +
               " is not supported; use TUMBLE, HOP or SESSION.")
        .WithPosition(ref.position);
  }
  ASSIGN_OR_RAISE(std::vector<const TableFunctionArg*> slot,
                  AssignArguments(ref, fn, params, required));
  ASSIGN_OR_RAISE(Relation data, BindDataArg(this, *slot[0], fn));
  RETURN_NOT_OK(RefuseSessionTvf(data, slot[0]->position));
  std::string ts_name;
  ASSIGN_OR_RAISE(ExprPtr ts, BindTimeColArg(data, *slot[1], fn, &ts_name));
  for (size_t k = 2; k < params.size(); ++k) {
    if (slot[k] != nullptr && slot[k]->kind != TableFunctionArg::Kind::kExpr) {
      return SqlError("[UNSUPPORTED_FEATURE.TABLE_ARGUMENT] The `" + params[k] + "` of " + fn +
                          " must be an interval.",
                      slot[k]->position);
    }
  }

  WindowSpec spec;
  std::string call = fn + "(" + ts_name;
  if (name == "session") {
    spec.session = true;
    ExprBinder gb(this, &data, Clause::kOther);
    ASSIGN_OR_RAISE(ExprPtr gap, gb.Bind(*slot[2]->expr));
    call += ", " + sql::ExprName(*slot[2]->expr) + ")";
    ASSIGN_OR_RAISE(spec.ts, TimeColumnOf(ts, call, ts_name, options_, slot[1]->position));
    ASSIGN_OR_RAISE(spec.gap, GapOf(gap, slot[2]->position));
  } else {
    for (size_t k = 2; k < params.size(); ++k) {
      if (slot[k] == nullptr) continue;
      ASSIGN_OR_RAISE(int64_t v, DurationOf(*slot[k]->expr));
      if (params[k] == "size") spec.window = v;
      if (params[k] == "slide") spec.slide = v;
      if (params[k] == "offset") spec.start = v;
    }
    if (name == "tumble") spec.slide = spec.window;
    call += ", " + std::to_string(spec.window) + ", " + std::to_string(spec.slide) + ", " +
            std::to_string(spec.start) + ")";
    ASSIGN_OR_RAISE(spec.ts, TimeColumnOf(ts, call, ts_name, options_, slot[1]->position));
    RETURN_NOT_OK(CheckDurations(call, spec, kTvfParams, ref.position));
  }
  return ProjectWindowColumns(options_, data, spec, ref.position);
}

}  // namespace weir::plan::internal
