// Private declarations of the binder (binder.h), shared by binder.cc and the
// bind_*.cc files, one concept each:
//   binder.cc         queries: WITH, set operations, VALUES, ORDER BY / LIMIT
//   bind_from.cc      FROM items: tables, path tables, subqueries, joins, range()
//   bind_expr.cc      expressions over one scope (ExprBinder)
//   bind_select.cc    one SELECT block: the order its clauses are bound and planned
//   bind_aggregate.cc GROUP BY, aggregates, HAVING, GROUPING SETS
//   bind_window.cc    window functions
//   bind_subquery.cc  scalar / IN / EXISTS subqueries and their decorrelation
//
// Scopes: a bound relation is a plan plus, for each output column, the name and
// qualifier it is visible under (Relation). Expressions are bound against one
// relation's columns, falling back to the enclosing query's (a correlated
// reference) only inside an expression subquery.

#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/expr.h"
#include "weir/plan/binder.h"
#include "weir/plan/logical_plan.h"
#include "weir/plan/plan_exprs.h"
#include "weir/sql/ast.h"

namespace weir::plan::internal {

// How one column of a relation can be named.
struct ColumnInfo {
  std::string qualifier;  // the FROM item's alias (or table name); may be empty
  std::string name;
  DataType type;
  bool nullable = true;
  // Visible only by a qualified name (the two sides' columns of a USING join).
  bool qualified_only = false;
  // Not nameable at all (columns a subquery rewrite appended).
  bool internal = false;
};

// The window column a SELECT block's input got from window() / session_window()
// (bind_time_window.cc): every call with the same key binds to it.
struct TimeWindowColumn {
  std::string key;
  int column = -1;
  bool session = false;
};

// The columns of a SESSION windowing table function (bind_time_window.cc): the
// hidden session struct and what window_start, window_end and window_time read.
struct SessionTvfColumns {
  int session = -1;
  int start = -1;
  int end = -1;
  int time = -1;
};

struct Relation {
  LogicalPlanPtr plan;
  std::vector<ColumnInfo> columns;  // one per plan output column
  std::optional<TimeWindowColumn> time_window;
  // Set while a SESSION(...) relation is not yet aggregated (it must be, by its
  // window); joins refuse such a relation.
  std::optional<SessionTvfColumns> session_tvf;

  int width() const { return static_cast<int>(columns.size()); }
};

// The columns of `plan`'s schema, all under `qualifier`.
std::vector<ColumnInfo> ColumnsOf(const Schema& schema, const std::string& qualifier);

// The outer scope an expression subquery sees, with the correlated references the
// subquery's binding made to it.
struct OuterScope {
  const std::vector<ColumnInfo>* columns = nullptr;
  const OuterScope* parent = nullptr;  // further out; references there are refused
};

// What a correlated subquery hands back to the query it is nested in: the
// predicates its WHERE had on outer columns, pulled up (Spark's
// PullupCorrelatedPredicates). In `predicates`, ColumnRef(i) is column i of the
// subquery's plan output and BinderRefExpr(kOuter, j) is column j of the outer scope.
struct Correlation {
  std::vector<ExprPtr> predicates;
  // The subquery's visible output columns; the plan appends the columns the
  // predicates read after them.
  int visible_columns = 0;
  bool aggregated = false;
  // For an aggregated subquery: the pulled predicates are all `inner = outer`.
  bool all_equalities = true;
  // A scalar subquery's value on no matching row, when not NULL (count: 0).
  std::optional<Value> empty_value;
};

class Binder;

// A window function call collected while a SELECT's expressions are bound.
struct PendingWindowCall {
  WindowFunctionCall call;
  std::vector<ExprPtr> partition_by;
  std::vector<SortKey> order_by;
  std::string spec_key;  // equal keys share one WindowNode
  std::string name;
};

// Where an expression is, for messages and for what it may contain.
enum class Clause : uint8_t {
  kSelect,
  kWhere,
  kGroupBy,
  kHaving,
  kOrderBy,
  kJoinOn,
  kAggregateArg,
  kWindowSpec,
  kOther,
};
std::string_view ClauseName(Clause c);

// Binds expressions against one relation's columns. The base class is the plain
// mode: aggregates and window functions are refused with the clause's error,
// unless a WindowCollector is set. AggregateBinder (bind_aggregate.cc) overrides
// Bind to map expressions onto an Aggregate's output.
class ExprBinder {
 public:
  ExprBinder(Binder* binder, Relation* input, Clause clause)
      : binder_(binder), input_(input), clause_(clause) {}
  virtual ~ExprBinder() = default;

  // The bound expression over input's columns (or the aggregate's output).
  virtual Result<ExprPtr> Bind(const sql::SqlExpr& e);

  // Binding of one node whose children are bound by Bind (so modes apply to them).
  Result<ExprPtr> BindNode(const sql::SqlExpr& e);

  void set_outer(const OuterScope* outer) { outer_ = outer; }
  const OuterScope* outer() const { return outer_; }
  // When set, window function calls are collected there and bound to placeholders.
  void set_windows(std::vector<PendingWindowCall>* windows,
                   const std::vector<sql::NamedWindow>* named) {
    windows_ = windows;
    named_windows_ = named;
  }
  // When set, an expression subquery correlated with this scope may add a join to
  // *input (a correlated scalar subquery).
  void set_allow_subquery_joins(bool allow) { allow_subquery_joins_ = allow; }
  // When set, a one-part name that no input (or outer) column matches names the
  // SELECT item of that alias: Spark's lateral column aliases in the SELECT list
  // (`SELECT a + 1 AS b, b * 2`) and QUALIFY's references to SELECT aliases. The
  // vectors may grow while binding (the items bound so far are visible).
  void set_select_aliases(const std::vector<ColumnInfo>* columns,
                          const std::vector<ExprPtr>* items) {
    alias_columns_ = columns;
    alias_items_ = items;
  }
  Clause clause() const { return clause_; }
  Binder* binder() const { return binder_; }
  Relation* input() const { return input_; }

  // A name resolved against input's columns: the column and the struct field parts
  // after it, or nullopt. Errors: ambiguity.
  struct ColumnMatch {
    int index;
    size_t consumed;  // name parts naming the column (qualifier included)
  };
  static Result<std::optional<ColumnMatch>> MatchColumn(const std::vector<ColumnInfo>& columns,
                                                        const std::vector<std::string>& parts,
                                                        SourcePosition pos);
  // ColumnRef for input column i, plus the struct fields in parts[consumed..].
  static Result<ExprPtr> ColumnWithFields(const std::vector<ColumnInfo>& columns, int index,
                                          const std::vector<std::string>& parts, size_t consumed,
                                          SourcePosition pos);
  // The UNRESOLVED_COLUMN error for `parts`, with suggestions from `columns`.
  static Status UnresolvedColumn(const std::vector<std::string>& parts,
                                 const std::vector<ColumnInfo>& columns, SourcePosition pos);

 protected:
  virtual Result<ExprPtr> BindColumn(const sql::SqlExpr& e);
  virtual Result<ExprPtr> BindAggregateCall(const sql::SqlExpr& e);
  Result<ExprPtr> BindFunction(const sql::SqlExpr& e);
  Result<ExprPtr> BindWindowCall(const sql::SqlExpr& e);
  Result<ExprPtr> BindCase(const sql::SqlExpr& e);
  Result<ExprPtr> BindSubscript(const sql::SqlExpr& e);
  Result<ExprPtr> BindLike(const sql::SqlExpr& e);
  Result<ExprPtr> BindCast(const sql::SqlExpr& e);
  Result<ExprPtr> BindGrouping(const sql::SqlExpr& e);
  // window() / session_window() (bind_time_window.cc): the input's window column
  // when the call is the window the SELECT block was rewritten for.
  Result<ExprPtr> BindTimeWindowCall(const sql::SqlExpr& e);
  // The expression for input column `column` (the window column) named by `e`;
  // AggregateBinder maps it onto the Aggregate's output.
  virtual Result<ExprPtr> TimeWindowRef(int column, const sql::SqlExpr& e);
  // kScalarSubquery (bind_subquery.cc).
  Result<ExprPtr> BindScalarSubquery(const sql::SqlExpr& e);
  // kInSubquery / kExists outside a top-level conjunct (bind_subquery.cc): an
  // existence join added to *input (allow_subquery_joins) and a reference to its
  // `exists` column.
  virtual Result<ExprPtr> BindPredicateSubquery(const sql::SqlExpr& e);
  // A hook for grouping() / grouping_id(): only the aggregate binder has them.
  virtual Result<ExprPtr> GroupingCall(const sql::SqlExpr& e, std::vector<ExprPtr> args);

  Binder* binder_;
  Relation* input_;
  Clause clause_;
  const OuterScope* outer_ = nullptr;
  std::vector<PendingWindowCall>* windows_ = nullptr;
  const std::vector<sql::NamedWindow>* named_windows_ = nullptr;
  bool allow_subquery_joins_ = false;
  const std::vector<ColumnInfo>* alias_columns_ = nullptr;
  const std::vector<ExprPtr>* alias_items_ = nullptr;
};

// Struct field access on `base` for parts[from..] (FIELD_NOT_FOUND and
// INVALID_EXTRACT_BASE_FIELD_TYPE errors at `pos`).
Result<ExprPtr> ApplyFields(ExprPtr base, const std::vector<std::string>& parts, size_t from,
                            SourcePosition pos);

// Binds `e` as a BOOLEAN condition (NULL literals become BOOLEAN).
Result<ExprPtr> BindCondition(ExprBinder& b, const sql::SqlExpr& e);
// `e` coerced to BOOLEAN for a logical operator / condition, or an error naming
// the expression.
Result<ExprPtr> ToBoolean(ExprPtr e, const sql::SqlExpr& where);

// Resolves a registry function, adding the position to its errors.
Result<ExprPtr> ResolveCall(std::string_view name, std::vector<ExprPtr> args,
                            const BindOptions& options, SourcePosition pos);

// The binder of one query tree: catalog, options and the CTEs in scope.
class Binder {
 public:
  Binder(const Catalog& catalog, const BindOptions& options)
      : catalog_(catalog), options_(options) {}

  const Catalog& catalog() const { return catalog_; }
  const BindOptions& options() const { return options_; }

  // A whole query (WITH, body, ORDER BY, LIMIT). `outer`: the scope of the query an
  // expression subquery is nested in (null otherwise); `corr`: where a correlated
  // subquery's pulled-up predicates go (null: correlation is refused).
  Result<Relation> BindQuery(const sql::Query& q, const OuterScope* outer, Correlation* corr);
  // A query body node, with the ORDER BY items of its Query when the body is a
  // SELECT (they may name input columns).
  Result<Relation> BindQueryNode(const sql::QueryNode& node,
                                 const std::vector<sql::SortItem>* order, bool* ordered,
                                 const OuterScope* outer, Correlation* corr);
  Result<Relation> BindSelect(const sql::QueryNode& node, const std::vector<sql::SortItem>* order,
                              bool* ordered, const OuterScope* outer, Correlation* corr);
  Result<Relation> BindSetOp(const sql::QueryNode& node);
  Result<Relation> BindValues(const sql::QueryNode& node);

  // FROM items (bind_from.cc).
  Result<Relation> BindFrom(const std::vector<sql::TableRefPtr>& from);
  Result<Relation> BindTableRef(const sql::TableRef& ref);
  Result<Relation> BindNamedTable(const sql::TableRef& ref);
  Result<Relation> BindJoin(const sql::TableRef& ref);
  Result<Relation> BindTableFunction(const sql::TableRef& ref);
  // TUMBLE, HOP and SESSION (bind_time_window.cc); `name` is lower-case.
  Result<Relation> BindWindowTableFunction(const sql::TableRef& ref, const std::string& name);
  Result<Relation> BindLateralView(Relation input, const sql::LateralView& view);

  // A constant non-negative integer (LIMIT, OFFSET, ntile, lag offsets): folds `e`.
  // A LIMIT / OFFSET value; names resolve against `input` (as Spark resolves them
  // against the child's output), so a column is IS_UNFOLDABLE, not unresolved.
  Result<int64_t> BindConstantInt(const sql::SqlExpr& e, std::string_view what,
                                  Relation* input = nullptr);
  // A constant expression folded to a literal value.
  Result<Value> FoldToValue(const ExprPtr& e, SourcePosition pos);

  // The CTEs in scope, innermost last.
  struct CteEntry {
    std::string name;
    Relation relation;
  };
  std::vector<CteEntry>& ctes() { return ctes_; }

 private:
  const Catalog& catalog_;
  const BindOptions& options_;
  std::vector<CteEntry> ctes_;
};

// Expression helpers (bind_expr.cc) --------------------------------------------

// A structural key of a bound expression: equal keys mean the same computation over
// the same columns (column references by index).
std::string ExprKey(const ExprPtr& e);
// Replaces subtrees top-down: `fn` returns a replacement, or null to recurse.
Result<ExprPtr> RewriteExpr(const ExprPtr& e,
                            const std::function<Result<ExprPtr>(const ExprPtr&)>& fn);
// Visits every node.
void VisitExpr(const ExprPtr& e, const std::function<void(const Expr&)>& fn);
// True if the AST contains an aggregate call (not under OVER, not inside a subquery).
bool ContainsAggregate(const sql::SqlExpr& e);
// True if the AST contains a window function call (OVER).
bool ContainsWindow(const sql::SqlExpr& e);
// True if the AST contains a subquery.
bool ContainsSubquery(const sql::SqlExpr& e);
// True if the bound expression contains a BinderRefExpr of `kind`.
bool ContainsRef(const ExprPtr& e, BinderRefExpr::RefKind kind);
// Conjuncts of an AND tree.
void SplitConjuncts(const ExprPtr& e, std::vector<ExprPtr>* out);
Result<ExprPtr> AndAll(const std::vector<ExprPtr>& conjuncts);
// Spark's `toSQLId`: `a`.`b`.
std::string QuoteId(const std::vector<std::string>& parts);
std::string QuoteId(std::string_view name);
// The name Spark gives an unaliased SELECT item.
std::string ItemName(const sql::SqlExpr& e, const ExprPtr& bound);
// The output names of a relation.
std::vector<std::string> NamesOf(const std::vector<ColumnInfo>& columns);
// A Project that keeps `plan`'s columns under new names (no-op when equal).
LogicalPlanPtr Rename(const LogicalPlanPtr& plan, const std::vector<std::string>& names);
// "first", "second", ... as Spark's ordinalNumber.
std::string OrdinalNumber(int i);
// A plan walk: true if any expression of any node of `plan` satisfies `pred`.
bool PlanAnyExpr(const LogicalPlanPtr& plan, const std::function<bool(const ExprPtr&)>& pred);
// Error with Spark's class in the message, at `pos`.
Status SqlError(std::string message, SourcePosition pos, std::string hint = "");
// A user error from a lower layer, positioned at `pos` unless it already is.
Status Positioned(const Status& st, SourcePosition pos);

// One SELECT block being bound (bind_select.cc, bind_aggregate.cc) -------------

// An IN / EXISTS subquery of an aggregating SELECT list or HAVING, outside a
// top-level HAVING conjunct: an existence join over the Aggregate. Its left
// operands are over the Aggregate's output; the subquery is uncorrelated.
struct PendingExistence {
  const sql::SqlExpr* expr = nullptr;  // the kInSubquery / kExists node
  std::vector<ExprPtr> lhs;            // IN only
  Relation sub;
};

struct SelectState {
  explicit SelectState(const sql::QueryNode& n) : node(n) {}

  const sql::QueryNode& node;
  // FROM, LATERAL VIEWs, WHERE, and the joins subqueries added.
  Relation input;

  // The SELECT list with stars expanded: the AST item (null for a star column) or
  // the input column a star stands for.
  struct ExpandedItem {
    const sql::SelectItem* item = nullptr;
    int star_column = -1;
  };
  std::vector<ExpandedItem> expanded;

  // Aggregation: groups over input; with grouping sets, the sets (indices into
  // groups) and an Expand below the Aggregate whose output adds the grouping id.
  bool aggregating = false;
  std::vector<ExprPtr> groups;
  std::vector<std::string> group_names;
  std::vector<std::string> group_keys;
  std::vector<std::vector<int>> grouping_sets;
  std::vector<AggregateCall> aggregates;
  std::vector<std::string> aggregate_names;
  std::vector<std::string> aggregate_keys;
  // Columns of the Aggregate's output before the aggregates.
  int group_outputs() const {
    return static_cast<int>(groups.size()) + (grouping_sets.empty() ? 0 : 1);
  }

  // Bound SELECT items (over the input, or over the aggregate's output), their
  // columns, and the window calls they and ORDER BY made.
  std::vector<ExprPtr> items;
  std::vector<ColumnInfo> item_columns;
  std::vector<PendingWindowCall> windows;
  // Existence joins over the Aggregate, referenced by kExistence placeholders.
  std::vector<PendingExistence> existence;
};

// Binds GROUP BY into state->groups (ordinals, SELECT aliases, ALL, grouping sets).
// `extra` are input columns that must be grouping columns too (a correlated
// subquery's inner columns).
Status BindGroupBy(Binder* binder, SelectState* state, const OuterScope* outer,
                   const std::vector<int>& extra);

// Builds the Aggregate (and the Expand of grouping sets) over state.input.plan.
Result<LogicalPlanPtr> BuildAggregate(const SelectState& state);

// Time windows (bind_time_window.cc) -------------------------------------------

// True for a window() / session_window() call.
bool IsTimeWindowCall(const sql::SqlExpr& e);
// Spark's TimeWindowing / SessionWindowing for one SELECT block: the window() or
// session_window() call of its GROUP BY and SELECT list (at most one distinct
// window) adds a `window` / `session_window` column to state->input. Runs after
// WHERE, before GROUP BY is bound.
Status ApplyTimeWindow(Binder* binder, SelectState* state, const OuterScope* outer);
// After GROUP BY is bound: the checks of a session window or SESSION(...) input
// (grouped by its window, no grouping sets).
Status CheckSessionGrouping(const SelectState& state);
// An error when `r` is an unaggregated SESSION(...) relation (at `pos`).
Status RefuseSessionTvf(const Relation& r, SourcePosition pos);
// The Aggregate of a SELECT block over a session window: session_window_group set,
// and over a SESSION(...) input a Project that puts window_start / window_end /
// window_time of the merged session where the binder expects the groups.
Result<LogicalPlanPtr> BuildSessionAggregate(const SelectState& state,
                                             const std::vector<std::string>& names);

// Maps expressions onto the Aggregate's output: grouping expressions become its
// group columns, aggregate calls its aggregate columns; anything else must be
// built from those (MISSING_AGGREGATION otherwise).
class AggregateBinder final : public ExprBinder {
 public:
  AggregateBinder(Binder* binder, SelectState* state, Clause clause, bool allow_aliases)
      : ExprBinder(binder, &state->input, clause), state_(state), allow_aliases_(allow_aliases) {}

  Result<ExprPtr> Bind(const sql::SqlExpr& e) override;
  // The aggregate-output reference for input column `index`, or MISSING_AGGREGATION.
  Result<ExprPtr> InputColumn(int index, const sql::SqlExpr& where);

 protected:
  Result<ExprPtr> BindColumn(const sql::SqlExpr& e) override;
  Result<ExprPtr> BindAggregateCall(const sql::SqlExpr& e) override;
  Result<ExprPtr> GroupingCall(const sql::SqlExpr& e, std::vector<ExprPtr> args) override;
  Result<ExprPtr> TimeWindowRef(int column, const sql::SqlExpr& e) override;
  // An existence join over the Aggregate, applied when the Aggregate is built
  // (SelectState::existence); returns a kExistence placeholder.
  Result<ExprPtr> BindPredicateSubquery(const sql::SqlExpr& e) override;

 private:
  std::optional<int> FindGroup(const ExprPtr& bound) const;
  ExprPtr GroupRef(int j) const;
  Status Missing(const sql::SqlExpr& e) const;

  SelectState* state_;
  bool allow_aliases_;
};

// Builds one WindowNode per distinct specification over `plan` and replaces the
// window placeholders in `exprs` by the window columns.
Result<LogicalPlanPtr> BuildWindows(LogicalPlanPtr plan,
                                    const std::vector<PendingWindowCall>& calls,
                                    std::vector<ExprPtr*> exprs);

// Subqueries in WHERE (bind_subquery.cc): applies the IN/EXISTS conjuncts of
// `where` as semi/anti joins to *input; the other conjuncts are returned.
Result<std::vector<const sql::SqlExpr*>> ApplyPredicateSubqueries(Binder* binder,
                                                                  const sql::SqlExpr& where,
                                                                  Relation* input,
                                                                  const OuterScope* outer);

// An IN / EXISTS conjunct of HAVING: its left operands bound by the HAVING binder
// (over the aggregate's output) and its uncorrelated subquery.
struct HavingSubquery {
  const sql::SqlExpr* expr = nullptr;  // the kInSubquery / kExists node
  bool negated = false;
  std::vector<ExprPtr> lhs;  // IN only
  Relation sub;
};

// Subqueries in HAVING (bind_subquery.cc): binds the IN/EXISTS conjuncts of
// `having` into *out; the other conjuncts are returned.
Result<std::vector<const sql::SqlExpr*>> BindHavingSubqueries(Binder* binder, ExprBinder& hb,
                                                              const sql::SqlExpr& having,
                                                              std::vector<HavingSubquery>* out);
// Applies them as semi / anti joins over `plan` (the aggregate, filtered).
Result<LogicalPlanPtr> ApplyHavingSubqueries(Binder* binder, LogicalPlanPtr plan,
                                             const std::vector<HavingSubquery>& subqueries);

// Adds the existence joins of `pending` over `plan` (the Aggregate) and replaces
// the kExistence placeholders in *exprs (null pointers and null expressions are
// skipped) by their `exists` columns.
Result<LogicalPlanPtr> ApplyExistenceJoins(Binder* binder, LogicalPlanPtr plan,
                                           const std::vector<PendingExistence>& pending,
                                           const std::vector<ExprPtr*>& exprs);

}  // namespace weir::plan::internal
