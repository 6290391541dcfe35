// The logical plan: a tree of relational operators over bound expressions, what the
// binder produces from SQL (and the DataFrame API will produce from calls), what the
// rewrites transform, and what the physical planner (src/weir/exec/planner.h) turns
// into operators.
//
// Every node knows its output schema. Expressions in a node are bound weir::Expr
// trees whose column references index the node's *input*: the child's output for
// one-input nodes, and for a join the left output followed by the right output.
// Output column names are the user-visible names (Spark's naming of unaliased
// expressions); they may repeat (SELECT a, a), which is why expressions refer to
// columns by index only.
//
// Thread-safety: nodes are immutable once built and shared by LogicalPlanPtr.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/expr.h"
#include "weir/functions/aggregate.h"
#include "weir/functions/generator.h"
#include "weir/plan/table.h"
#include "weir/sql/ast.h"
#include "weir/types/schema.h"
#include "weir/types/value.h"

namespace weir::plan {

using sql::JoinType;

enum class LogicalKind : uint8_t {
  kScan,         // read a table (TableProvider)
  kValues,       // literal rows
  kProject,      // compute expressions
  kFilter,       // keep rows where the predicate is TRUE
  kAggregate,    // GROUP BY + aggregate calls (a DISTINCT is an aggregate with no calls)
  kJoin,         // every join type; condition over left ++ right
  kSort,         // ORDER BY
  kLimit,        // LIMIT / OFFSET
  kSetOp,        // UNION ALL (n-ary), INTERSECT [ALL], EXCEPT [ALL]
  kWindow,       // window functions over one PARTITION BY / ORDER BY spec
  kGenerate,     // explode & co: LATERAL VIEW or a generator in the SELECT list
  kExpand,       // one output row per projection per input row (GROUPING SETS)
  kWatermark,    // withWatermark / WATERMARK FOR: marks an event-time column (streaming)
  kDeduplicate,  // dropDuplicates[WithinWatermark]: the first row of each key
  kExtension,    // a node another layer defines (the streaming engine's stateful operators)
};

class LogicalPlan;
using LogicalPlanPtr = std::shared_ptr<const LogicalPlan>;

class LogicalPlan {
 public:
  LogicalPlan(LogicalKind kind, SchemaPtr schema, std::vector<LogicalPlanPtr> children)
      : kind_(kind), schema_(std::move(schema)), children_(std::move(children)) {}
  virtual ~LogicalPlan() = default;
  LogicalPlan(const LogicalPlan&) = delete;
  LogicalPlan& operator=(const LogicalPlan&) = delete;

  LogicalKind kind() const { return kind_; }
  const SchemaPtr& schema() const { return schema_; }
  const std::vector<LogicalPlanPtr>& children() const { return children_; }
  const LogicalPlanPtr& child(size_t i = 0) const { return children_[i]; }

  // One line describing this node, Spark's EXPLAIN style:
  // "Filter (a > 1)", "Aggregate [k], [k, count(1) AS n]", "Scan json /data [a, b]".
  virtual std::string Describe() const = 0;
  // The same node over new children with the same output schemas, for rewrites.
  virtual LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const = 0;

 private:
  LogicalKind kind_;
  SchemaPtr schema_;
  std::vector<LogicalPlanPtr> children_;
};

// The tree, one node per line, children indented: what EXPLAIN prints.
//   Project [a, (b + 1) AS c]
//   +- Filter (a > 1)
//      +- Scan t [a, b]
std::string ExplainString(const LogicalPlan& plan);

// Reads `columns` (indices into the provider's schema, in output order) of a table.
// `filters` are conjuncts over the *output* columns that the provider may use to skip
// data; the rows are still filtered by a Filter above (push-down is a hint).
class ScanNode final : public LogicalPlan {
 public:
  ScanNode(TableProviderPtr table, std::vector<int> columns, std::vector<ExprPtr> filters = {});
  // A scan of every column of `table`.
  static std::shared_ptr<const ScanNode> All(TableProviderPtr table);
  const TableProviderPtr& table() const { return table_; }
  const std::vector<int>& columns() const { return columns_; }
  const std::vector<ExprPtr>& filters() const { return filters_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  TableProviderPtr table_;
  std::vector<int> columns_;
  std::vector<ExprPtr> filters_;
};

class ValuesNode final : public LogicalPlan {
 public:
  // REQUIRES: every row has one Value per field, of the field's type (or NULL).
  ValuesNode(SchemaPtr schema, std::vector<std::vector<Value>> rows);
  const std::vector<std::vector<Value>>& rows() const { return rows_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  std::vector<std::vector<Value>> rows_;
};

class ProjectNode final : public LogicalPlan {
 public:
  // One output field per expression, named by `names`.
  ProjectNode(LogicalPlanPtr child, std::vector<ExprPtr> exprs, std::vector<std::string> names);
  const std::vector<ExprPtr>& exprs() const { return exprs_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  std::vector<ExprPtr> exprs_;
};

class FilterNode final : public LogicalPlan {
 public:
  // REQUIRES: predicate is BOOLEAN. The output schema is the child's.
  FilterNode(LogicalPlanPtr child, ExprPtr predicate);
  const ExprPtr& predicate() const { return predicate_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  ExprPtr predicate_;
};

// Output: one column per group expression, then one per aggregate, named by `names`
// (groups.size() + aggregates.size() names). With no groups it is a global aggregate:
// exactly one output row, even over empty input.
//
// session_window_group >= 0 makes it Spark's session window aggregate
// (MergingSessionsExec): groups()[session_window_group] is a session struct
// STRUCT<start: TIMESTAMP, end: TIMESTAMP> (the binder's __session_window call, each
// row's initial session [ts, ts + gap)); rows equal on the other groups whose
// sessions overlap or touch (start <= the end so far, in start order) merge into one
// session, which is one output row whose session column is [min start, max end).
class AggregateNode final : public LogicalPlan {
 public:
  AggregateNode(LogicalPlanPtr child, std::vector<ExprPtr> groups,
                std::vector<AggregateCall> aggregates, std::vector<std::string> names,
                int session_window_group = -1);
  const std::vector<ExprPtr>& groups() const { return groups_; }
  const std::vector<AggregateCall>& aggregates() const { return aggregates_; }
  // The index in groups() of the session window struct, or -1.
  int session_window_group() const { return session_window_group_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  std::vector<ExprPtr> groups_;
  std::vector<AggregateCall> aggregates_;
  int session_window_group_;
};

// Output: left columns then right columns (left only for semi and anti joins). Outer
// joins make the other side's columns nullable. `condition` (may be null: a cross
// join, or an inner join without ON) is over left ++ right.
//
// null_aware marks the anti join that NOT IN (subquery) becomes: when the subquery
// has a NULL key, no row qualifies, and a NULL probe key qualifies only when the
// subquery is empty (Spark's NullAwareAntiJoin).
//
// An existence join (kExistence: an IN / EXISTS subquery anywhere but a top-level
// conjunct, Spark's ExistenceJoin) outputs every left row once, followed by one
// BOOLEAN column `exists`. The right rows that count for a left row are those for
// which `condition` (the correlation; null: all) is TRUE. Without `mark` (EXISTS)
// the column is TRUE if there is one, else FALSE, never NULL. With `mark` (IN: the
// conjunction of `lhs_i = rhs_i`, each lhs_i over the left side only and each rhs_i
// over the right side only) it is IN's three-valued result: TRUE if `mark` is TRUE
// for a counting row, else NULL if it is NULL for one, else FALSE (also for no
// counting rows at all); the column is then nullable.
class JoinNode final : public LogicalPlan {
 public:
  JoinNode(LogicalPlanPtr left, LogicalPlanPtr right, JoinType type, ExprPtr condition,
           bool null_aware = false, ExprPtr mark = nullptr);
  JoinType join_type() const { return type_; }
  const ExprPtr& condition() const { return condition_; }
  bool null_aware() const { return null_aware_; }
  // kExistence only: IN's comparison over left ++ right (null for EXISTS).
  const ExprPtr& mark() const { return mark_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  JoinType type_;
  ExprPtr condition_;
  bool null_aware_;
  ExprPtr mark_;
};

struct SortKey {
  ExprPtr expr;
  bool ascending = true;
  bool nulls_first = true;       // resolved: Spark's default is ascending ? first : last
  std::string ToString() const;  // "a ASC NULLS FIRST"
};

class SortNode final : public LogicalPlan {
 public:
  SortNode(LogicalPlanPtr child, std::vector<SortKey> keys);
  const std::vector<SortKey>& keys() const { return keys_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  std::vector<SortKey> keys_;
};

// Skips `offset` rows, then passes at most `limit` (limit < 0: no limit). Over a Sort
// this is a top-N; elsewhere which rows pass is unspecified, as in Spark.
class LimitNode final : public LogicalPlan {
 public:
  LimitNode(LogicalPlanPtr child, int64_t limit, int64_t offset = 0);
  int64_t limit() const { return limit_; }
  int64_t offset() const { return offset_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  int64_t limit_;
  int64_t offset_;
};

// kUnion is always UNION ALL and n-ary (UNION DISTINCT is a distinct Aggregate over
// it). kIntersect and kExcept are binary; `all` keeps multiplicities (INTERSECT ALL:
// min of the counts, EXCEPT ALL: left count minus right count), otherwise the output
// is distinct. Rows compare as IS NOT DISTINCT FROM (NULLs are equal). Children have
// the same column types (the binder widens); names come from the first child.
enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };

class SetOpNode final : public LogicalPlan {
 public:
  SetOpNode(SetOpKind op, bool all, std::vector<LogicalPlanPtr> children);
  SetOpKind op() const { return op_; }
  bool all() const { return all_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  SetOpKind op_;
  bool all_;
};

// Window functions. Ranking and offset functions have their own kinds; any
// aggregate can run over a frame.
enum class WindowFunctionKind : uint8_t {
  kRowNumber,
  kRank,
  kDenseRank,
  kPercentRank,
  kCumeDist,
  kNtile,       // args: [n] (a literal INT)
  kLag,         // args: [input, offset literal, default]
  kLead,        // args: [input, offset literal, default]
  kFirstValue,  // args: [input]; ignore_nulls
  kLastValue,   // args: [input]; ignore_nulls
  kNthValue,    // args: [input, n literal]; ignore_nulls
  kAggregate,   // aggregate over the frame
};

struct FrameBoundSpec {
  sql::FrameBoundKind kind = sql::FrameBoundKind::kCurrentRow;
  // kPreceding / kFollowing: the offset. ROWS: a row count. RANGE: a value of the
  // (single) order key's type, or an interval for DATE/TIMESTAMP keys.
  Value offset;
};

struct WindowFrameSpec {
  sql::FrameUnit unit = sql::FrameUnit::kRange;
  FrameBoundSpec start{sql::FrameBoundKind::kUnboundedPreceding, {}};
  FrameBoundSpec end{sql::FrameBoundKind::kCurrentRow, {}};
  std::string ToString() const;  // "ROWS BETWEEN 1 PRECEDING AND CURRENT ROW"
};

struct WindowFunctionCall {
  WindowFunctionKind kind = WindowFunctionKind::kRowNumber;
  std::vector<ExprPtr> args;  // over the window node's input
  AggregateCall aggregate;    // kAggregate
  bool ignore_nulls = false;
  DataType result_type;
  bool nullable = true;
  // The frame, resolved with Spark's defaults: with ORDER BY, RANGE BETWEEN
  // UNBOUNDED PRECEDING AND CURRENT ROW; without, the whole partition. Ranking,
  // lag/lead and ntile ignore it.
  WindowFrameSpec frame;
  std::string ToString() const;
};

// Output: the child's columns, then one column per function (named by `names`).
// Rows are partitioned by `partition_by`, ordered by `order_by` within a partition.
class WindowNode final : public LogicalPlan {
 public:
  WindowNode(LogicalPlanPtr child, std::vector<ExprPtr> partition_by, std::vector<SortKey> order_by,
             std::vector<WindowFunctionCall> functions, std::vector<std::string> names);
  const std::vector<ExprPtr>& partition_by() const { return partition_by_; }
  const std::vector<SortKey>& order_by() const { return order_by_; }
  const std::vector<WindowFunctionCall>& functions() const { return functions_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  std::vector<ExprPtr> partition_by_;
  std::vector<SortKey> order_by_;
  std::vector<WindowFunctionCall> functions_;
};

// Output: the forwarded child columns (`forwarded`, indexes into the child's output,
// in order), then the generator's columns (named by `names`). The binder forwards
// every child column; column pruning drops those nothing above reads, such as the
// array being exploded (Spark's Generate.unrequiredChildIndex), so that they are not
// copied into every generated row. `args` are over the child's output.
// outer: an input row whose generator yields nothing still gives one row, with
// NULLs in the generated columns (explode_outer, LATERAL VIEW OUTER).
class GenerateNode final : public LogicalPlan {
 public:
  // Forwards every child column.
  GenerateNode(LogicalPlanPtr child, GeneratorPtr generator, std::vector<ExprPtr> args, bool outer,
               std::vector<std::string> names);
  GenerateNode(LogicalPlanPtr child, GeneratorPtr generator, std::vector<ExprPtr> args, bool outer,
               std::vector<std::string> names, std::vector<int> forwarded);
  const GeneratorPtr& generator() const { return generator_; }
  const std::vector<ExprPtr>& args() const { return args_; }
  bool outer() const { return outer_; }
  // Output column i < forwarded().size() is child column forwarded()[i].
  const std::vector<int>& forwarded() const { return forwarded_; }
  int num_forwarded() const { return static_cast<int>(forwarded_.size()); }
  // The names of the generated columns (the output after the forwarded ones).
  std::vector<std::string> generated_names() const;
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  GeneratorPtr generator_;
  std::vector<ExprPtr> args_;
  bool outer_;
  std::vector<int> forwarded_;
};

// For each input row, one output row per projection (all projections have the
// schema's types). GROUPING SETS, ROLLUP and CUBE are an Expand (each set's groups,
// NULL for the others, plus the grouping id) under an Aggregate, as in Spark.
class ExpandNode final : public LogicalPlan {
 public:
  ExpandNode(LogicalPlanPtr child, std::vector<std::vector<ExprPtr>> projections, SchemaPtr schema);
  const std::vector<std::vector<ExprPtr>>& projections() const { return projections_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  std::vector<std::vector<ExprPtr>> projections_;
};

// Expressions that only exist in logical plans ----------------------------------

// An uncorrelated scalar subquery: `(SELECT max(x) FROM t)`. The physical planner runs
// the subquery first and replaces the expression by a literal of its single value
// (NULL when it returns no row; an error when it returns more than one row, as Spark:
// "[SCALAR_SUBQUERY_TOO_MANY_ROWS] More than one row returned by a subquery used as
// an expression."). Eval on an unreplaced node is an internal error.
class ScalarSubqueryExpr final : public Expr {
 public:
  explicit ScalarSubqueryExpr(LogicalPlanPtr plan);
  const LogicalPlanPtr& plan() const { return plan_; }
  bool deterministic() const override { return false; }  // never folded before it runs
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;

 private:
  LogicalPlanPtr plan_;
};

// Helpers -----------------------------------------------------------------------

// Visits every expression held directly by `plan` (not its children's), including
// those inside aggregate and window calls; `fn` returns a replacement (or the same
// pointer). Returns the node rebuilt with the replacements.
Result<LogicalPlanPtr> TransformExpressions(
    const LogicalPlanPtr& plan, const std::function<Result<ExprPtr>(const ExprPtr&)>& fn);

// Bottom-up transform of a whole tree: `fn` gets each node with already-transformed
// children.
Result<LogicalPlanPtr> TransformUp(
    const LogicalPlanPtr& plan,
    const std::function<Result<LogicalPlanPtr>(const LogicalPlanPtr&)>& fn);

// Spark's EventTimeWatermark (`withWatermark(col, delay)`, or a source's `WATERMARK
// FOR col AS col - INTERVAL ...`): rows pass through unchanged; in a streaming query
// the engine tracks the largest value of `column` and derives the watermark from it
// (max - delay), and the column becomes an event-time column for the stateful
// operators above. A batch query ignores it. The output schema is the child's.
class WatermarkNode final : public LogicalPlan {
 public:
  // REQUIRES: column is a TIMESTAMP or TIMESTAMP_NTZ column of child; delay >= 0.
  WatermarkNode(LogicalPlanPtr child, int column, int64_t delay_micros);
  int column() const { return column_; }
  int64_t delay_micros() const { return delay_micros_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  int column_;
  int64_t delay_micros_;
};

// Spark's Deduplicate and DeduplicateWithinWatermark (`dropDuplicates(cols)`,
// `dropDuplicatesWithinWatermark(cols)`): the first row of each distinct value of the
// `keys` columns (indices into the child's output; keys compare as GROUP BY's: NULL
// equals NULL). The output schema is the child's. A batch query keeps one row per key
// (which one, when the input has several partitions, is unspecified, as in Spark); a
// streaming query keeps the keys it has seen in state (docs/streaming.md,
// "Deduplication"). `within_watermark` is only for streams: a batch query with it
// fails when it runs, as Spark's does.
class DeduplicateNode final : public LogicalPlan {
 public:
  // REQUIRES: every key indexes a column of child, and appears once.
  DeduplicateNode(LogicalPlanPtr child, std::vector<int> keys, bool within_watermark = false);
  const std::vector<int>& keys() const { return keys_; }
  bool within_watermark() const { return within_watermark_; }
  std::string Describe() const override;
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override;

 private:
  std::vector<int> keys_;
  bool within_watermark_;
};

// A node defined by a higher layer (the streaming engine wraps its stateful
// operators in these); rewrites treat it as opaque: they rewrite its children but
// never move anything across it, and it reads every column of its children. The
// physical planner hands it to PlannerOptions::plan_extension.
class ExtensionNode : public LogicalPlan {
 public:
  ExtensionNode(SchemaPtr schema, std::vector<LogicalPlanPtr> children)
      : LogicalPlan(LogicalKind::kExtension, std::move(schema), std::move(children)) {}
};

}  // namespace weir::plan
