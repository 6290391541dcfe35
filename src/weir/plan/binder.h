// The binder: turns a parsed query (sql/ast.h) into a logical plan, resolving names
// against a Catalog and the scopes of the query, functions against the function
// registry (with Spark's implicit coercion), and checking everything a query must
// satisfy before it runs (aggregates in the right places, GROUP BY rules, set
// operation arity, window specifications, subquery shapes).
//
// Name resolution follows Spark with spark.sql.caseSensitive = false: `a`, `t.a` and
// struct fields `s.f` / `t.s.f`; SELECT aliases may be used in GROUP BY and HAVING
// (spark.sql.groupByAliases), ordinals in GROUP BY and ORDER BY
// (spark.sql.groupByOrdinal, orderByOrdinal); ORDER BY may name input columns that
// the SELECT list dropped.
//
// Errors are INVALID_SQL with Spark's error class in the message, the line and column
// of the offending text, and a hint where one exists:
//   [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name
//   `reqest` cannot be resolved. Did you mean one of the following? [`request`, ...]
// with hint "did you mean 'request'?".
//
// Thread-safety: binding reads the catalog; a Binder call is single-threaded.

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/functions/registry.h"
#include "weir/plan/logical_plan.h"
#include "weir/plan/table.h"
#include "weir/sql/ast.h"

namespace weir::plan {

// What the binder can look up by name: views, sources, in-memory tables, and
// Spark's path syntax for files.
class Catalog {
 public:
  virtual ~Catalog() = default;
  // The plan a relation name stands for (a view's bound plan, a table's ScanNode).
  // NotFound when there is none; the binder turns that into the positioned error.
  virtual Result<LogicalPlanPtr> ResolveRelation(const std::vector<std::string>& name) const = 0;
  // Spark's `format`.`path` syntax (json.`/data/x.json`): a table over the files.
  // NotFound without an error class in its message when `format` is not a file
  // format (the binder then reports the name as TABLE_OR_VIEW_NOT_FOUND). Any other
  // error, including a NotFound with an error class such as [PATH_NOT_FOUND] for a
  // path that names nothing, is reported at the table reference.
  virtual Result<TableProviderPtr> ResolvePath(std::string_view format,
                                               std::string_view path) const = 0;
  // Every relation name, for "did you mean" hints.
  virtual std::vector<std::string> RelationNames() const = 0;
};

struct BindOptions {
  ResolveOptions resolve;  // ANSI mode for coercion
};

// Binds a query. The result's schema is the query's output (names as Spark names
// them; duplicates allowed).
Result<LogicalPlanPtr> BindQuery(const sql::Query& query, const Catalog& catalog,
                                 const BindOptions& options = {});

// Binds one expression over the columns of `input` (no aggregates, no subqueries):
// for WATERMARK definitions and the DataFrame API.
Result<ExprPtr> BindExpression(const sql::SqlExpr& expr, const Schema& input,
                               const BindOptions& options = {});

}  // namespace weir::plan
