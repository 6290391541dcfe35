// The abstract syntax tree of weir's SQL dialect: what the parser produces and the
// binder (src/weir/plan/binder.h) turns into a logical plan.
//
// The tree is unresolved: names are text, functions are names, nothing has a type
// except literals (which the parser already turns into Values, with Spark's rules for
// numeric literals, typed literals and INTERVAL) and the targets of CAST. Syntax sugar
// that has a direct function equivalent is desugared by the parser:
//   EXTRACT(f FROM x)          -> date_part('f', x)
//   POSITION(a IN b)           -> locate(a, b)
//   SUBSTRING(x FROM a FOR b)  -> substring(x, a, b)
//   TRIM(BOTH|LEADING|TRAILING c FROM x) -> trim/ltrim/rtrim(c, x)  (the registry's order)
//   x::T                       -> CAST(x AS T)
//   CURRENT_DATE, CURRENT_TIMESTAMP (without parentheses) -> function calls
//
// Every node carries the position of its first token, so the binder can point at it.
//
// Thread-safety: plain data; a tree is owned by one thread while it is built and is
// read-only afterwards.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weir/common/status.h"
#include "weir/types/data_type.h"
#include "weir/types/value.h"

namespace weir::sql {

struct Query;
using QueryPtr = std::unique_ptr<Query>;

// ---------------------------------------------------------------------------
// Expressions

enum class SqlExprKind : uint8_t {
  kColumn,          // a, t.a, db.t.a, s.field (which parts are what is the binder's call)
  kStar,            // *, t.*
  kLiteral,         // 1, 'a', NULL, TRUE, DATE '2024-01-01', INTERVAL 1 DAY, X'0A'
  kUnary,           // -x, +x, NOT x, ~x
  kBinary,          // x op y (arithmetic, comparison, AND, OR, ||, bit operators)
  kFunction,        // f(args), count(*), sum(DISTINCT x) FILTER (WHERE c) OVER (...)
  kCase,            // CASE [operand] WHEN .. THEN .. [ELSE ..] END
  kCast,            // CAST(x AS T), TRY_CAST(x AS T), x::T
  kIsNull,          // x IS [NOT] NULL
  kIsBool,          // x IS [NOT] TRUE|FALSE|UNKNOWN
  kIsDistinctFrom,  // x IS [NOT] DISTINCT FROM y
  kBetween,         // x [NOT] BETWEEN a AND b
  kInList,          // x [NOT] IN (a, b, ...)
  kInSubquery,      // x [NOT] IN (SELECT ...), (x, y) IN (SELECT ...) has a kRow operand
  kExists,          // [NOT] EXISTS (SELECT ...)
  kScalarSubquery,  // (SELECT ...)
  kLike,            // x [NOT] LIKE|ILIKE|RLIKE|REGEXP p [ESCAPE 'c']
  kSubscript,       // x[i], m['k']
  kField,           // (expr).name: field access on something that is not a plain name
  kRow,             // (a, b): a row constructor, only as an IN operand or inside VALUES
  kLambda,          // x -> expr, (x, y) -> expr (arguments of higher-order functions)
};

enum class UnaryOp : uint8_t { kMinus, kPlus, kNot, kBitNot };

// Binary operators. The function registry knows the arithmetic and comparison
// operators by their symbols (FunctionName gives them).
enum class BinaryOp : uint8_t {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kIntDivide,  // + - * / % DIV
  kConcat,     // ||
  kBitAnd,
  kBitOr,
  kBitXor,
  kShiftLeft,
  kShiftRight,
  kShiftRightUnsigned,
  kEq,
  kNullSafeEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
};

// The function-registry name of an operator: "+", "-", "div", "||" -> "concat",
// "&", "=", "<=>", "<>"-> "!=" and so on. kAnd/kOr have none ("and"/"or").
std::string_view BinaryOpName(BinaryOp op);

enum class LikeKind : uint8_t { kLike, kILike, kRLike };

enum class BoolTest : uint8_t { kTrue, kFalse, kUnknown };

struct SortItem;
struct WindowSpec;
struct SqlExpr;
using SqlExprPtr = std::unique_ptr<SqlExpr>;

// A window frame: ROWS|RANGE BETWEEN start AND end.
enum class FrameUnit : uint8_t { kRows, kRange };
enum class FrameBoundKind : uint8_t {
  kUnboundedPreceding,
  kPreceding,  // offset PRECEDING
  kCurrentRow,
  kFollowing,  // offset FOLLOWING
  kUnboundedFollowing,
};
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kCurrentRow;
  SqlExprPtr offset;  // for kPreceding / kFollowing
};
struct WindowFrame {
  FrameUnit unit = FrameUnit::kRows;
  FrameBound start;
  FrameBound end;
  SourcePosition position;
};

struct SortItem {
  SqlExprPtr expr;
  bool ascending = true;
  // Unset: Spark's default (NULLS FIRST when ascending, NULLS LAST when descending).
  std::optional<bool> nulls_first;
};

// OVER (...) or OVER name.
struct WindowSpec {
  std::string base_name;  // OVER w, or OVER (w ORDER BY ...): the named window built on
  std::vector<SqlExprPtr> partition_by;
  std::vector<SortItem> order_by;
  std::optional<WindowFrame> frame;
  SourcePosition position;
};

struct SqlExpr {
  SqlExprKind kind;
  SourcePosition position;
  // Byte range [begin, end) of the expression in the SQL text, for messages and for
  // naming unaliased SELECT items.
  size_t begin = 0;
  size_t end = 0;

  // kColumn: the dotted name parts; kStar: the qualifier parts (empty for `*`);
  // kFunction: the (possibly qualified) function name parts; kField: one part, the
  // field name; kLambda: the parameter names.
  std::vector<std::string> names;
  // kLiteral.
  Value value;
  // kUnary / kBinary.
  UnaryOp unary_op = UnaryOp::kMinus;
  BinaryOp binary_op = BinaryOp::kAdd;
  // kCast: the target type; try_cast for TRY_CAST.
  DataType cast_type;
  bool try_cast = false;
  // kIsNull, kIsBool, kIsDistinctFrom, kBetween, kInList, kInSubquery, kExists, kLike.
  bool negated = false;
  BoolTest bool_test = BoolTest::kTrue;
  LikeKind like_kind = LikeKind::kLike;
  // kFunction: DISTINCT, and the `*` of count(*) (args then empty).
  bool distinct = false;
  bool star_arg = false;
  // kFunction: IGNORE NULLS / RESPECT NULLS (unset when not written).
  std::optional<bool> ignore_nulls;
  // kFunction: FILTER (WHERE ...), and OVER.
  SqlExprPtr filter;
  std::unique_ptr<WindowSpec> over;
  // kCase: the operand of the simple form (may be null), the WHEN/THEN pairs, ELSE.
  // Children by kind:
  //   kUnary: [operand]; kBinary: [left, right]; kCast/kIsNull/kIsBool/kField: [operand];
  //   kIsDistinctFrom: [left, right]; kBetween: [operand, low, high];
  //   kInList: [operand, item...]; kInSubquery: [operand]; kLike: [operand, pattern]
  //   (+ [escape] when ESCAPE is given); kSubscript: [base, index];
  //   kFunction: the arguments; kCase: [operand or nothing] — see case_operand;
  //   kRow: the elements; kLambda: [body].
  std::vector<SqlExprPtr> children;
  SqlExprPtr case_operand;
  std::vector<std::pair<SqlExprPtr, SqlExprPtr>> when_then;
  SqlExprPtr case_else;
  // kInSubquery, kExists, kScalarSubquery.
  QueryPtr subquery;

  explicit SqlExpr(SqlExprKind k) : kind(k) {}
};

// ---------------------------------------------------------------------------
// Table references (FROM)

enum class TableRefKind : uint8_t {
  kNamed,          // t, db.t, json.`/path/to/files` (parts ["json", "/path/to/files"])
  kSubquery,       // (SELECT ...) [AS] alias [(c1, c2)], also (VALUES ...) and VALUES ...
  kJoin,           // left JOIN right ON/USING
  kTableFunction,  // range(10), TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)
};

enum class JoinType : uint8_t {
  kInner,
  kLeftOuter,
  kRightOuter,
  kFullOuter,
  kLeftSemi,
  kLeftAnti,
  kCross,
  // Never produced by the parser: the binder's rewrite of an IN / EXISTS subquery
  // outside a top-level conjunct (Spark's ExistenceJoin). The output is the left
  // row plus one BOOLEAN column saying whether a matching right row exists
  // (plan::JoinNode has the details).
  kExistence,
};
std::string_view JoinTypeName(JoinType type);  // "INNER", "LEFT OUTER", "LEFT SEMI", ...

struct TableRef;
using TableRefPtr = std::unique_ptr<TableRef>;

// An argument of a table function: an expression, `TABLE name` / `TABLE (query)`, or
// `DESCRIPTOR(col, ...)` (Flink's windowing table functions).
struct TableFunctionArg {
  enum class Kind : uint8_t { kExpr, kTable, kDescriptor } kind = Kind::kExpr;
  SqlExprPtr expr;                      // kExpr
  TableRefPtr table;                    // kTable
  std::vector<std::string> descriptor;  // kDescriptor: the column names
  std::string name;                     // named argument `name => value`, else empty
  SourcePosition position;
};

struct TableRef {
  TableRefKind kind;
  SourcePosition position;

  std::vector<std::string> names;               // kNamed: name parts; kTableFunction: function name
  QueryPtr subquery;                            // kSubquery
  std::vector<TableFunctionArg> function_args;  // kTableFunction

  // kJoin.
  JoinType join_type = JoinType::kInner;
  bool natural = false;
  TableRefPtr left;
  TableRefPtr right;
  SqlExprPtr on;  // ON condition (null when USING, NATURAL or none)
  std::vector<std::string> using_columns;

  // Alias and column aliases: t AS x(a, b). Empty when absent.
  std::string alias;
  std::vector<std::string> column_aliases;

  explicit TableRef(TableRefKind k) : kind(k) {}
};

// ---------------------------------------------------------------------------
// Queries

struct SelectItem {
  SqlExprPtr expr;    // may be kStar
  std::string alias;  // empty when not given
  // Multi-alias of a generator: SELECT explode(m) AS (k, v).
  std::vector<std::string> aliases;
};

// LATERAL VIEW [OUTER] generator(args) table_alias [AS col, ...]
struct LateralView {
  bool outer = false;
  SqlExprPtr generator;  // a kFunction
  std::string table_alias;
  std::vector<std::string> column_aliases;
  SourcePosition position;
};

enum class GroupingKind : uint8_t {
  kPlain,         // GROUP BY a, b
  kRollup,        // GROUP BY ROLLUP(a, b) or GROUP BY a, b WITH ROLLUP
  kCube,          // GROUP BY CUBE(a, b) or ... WITH CUBE
  kGroupingSets,  // GROUP BY GROUPING SETS ((a, b), (a), ())
};

struct GroupBy {
  GroupingKind kind = GroupingKind::kPlain;
  // The grouping expressions (kPlain, kRollup, kCube), or for kGroupingSets every
  // distinct expression that appears in some set.
  std::vector<SqlExprPtr> exprs;
  // kGroupingSets: each set as indices into `exprs`.
  std::vector<std::vector<int>> sets;
  bool all = false;  // GROUP BY ALL
};

struct NamedWindow {
  std::string name;
  std::unique_ptr<WindowSpec> spec;
};

enum class QueryNodeKind : uint8_t { kSelect, kSetOp, kValues, kQuery };
enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };

struct QueryNode;
using QueryNodePtr = std::unique_ptr<QueryNode>;

struct QueryNode {
  QueryNodeKind kind;
  SourcePosition position;

  // kSelect.
  bool distinct = false;
  std::vector<SelectItem> select_list;
  std::vector<TableRefPtr> from;  // comma-separated: an implicit cross join
  std::vector<LateralView> lateral_views;
  SqlExprPtr where;
  std::optional<GroupBy> group_by;
  SqlExprPtr having;
  std::vector<NamedWindow> windows;
  SqlExprPtr qualify;

  // kSetOp: left op right. all = false is DISTINCT (Spark's default).
  SetOpKind set_op = SetOpKind::kUnion;
  bool all = false;
  // UNION BY NAME is not supported; the parser rejects it.
  QueryNodePtr left;
  QueryNodePtr right;

  // kValues: VALUES (1, 'a'), (2, 'b') — each row a list of expressions. A row written
  // without parentheses (VALUES 1, 2) is one-column rows.
  std::vector<std::vector<SqlExprPtr>> rows;

  // kQuery: a parenthesized query with its own WITH / ORDER BY / LIMIT.
  QueryPtr query;

  explicit QueryNode(QueryNodeKind k) : kind(k) {}
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_aliases;
  QueryPtr query;
  SourcePosition position;
};

// A whole query: WITH ... body ORDER BY ... LIMIT ... OFFSET ...
struct Query {
  std::vector<CommonTableExpr> ctes;
  QueryNodePtr body;
  std::vector<SortItem> order_by;
  // Spark's SORT BY and CLUSTER BY order within partitions; weir parses them into
  // order_by (a total order is one valid answer). DISTRIBUTE BY is accepted and
  // ignored.
  SqlExprPtr limit;   // null when absent; LIMIT ALL is absent
  SqlExprPtr offset;  // null when absent
  SourcePosition position;
};

// ---------------------------------------------------------------------------
// Statements (DESIGN.md section 6)

enum class StatementKind : uint8_t {
  kQuery,         // SELECT ..., WITH ..., VALUES ..., (query)
  kCreateSource,  // CREATE [OR REPLACE] SOURCE [IF NOT EXISTS] name (cols, WATERMARK ...) WITH
                  // (...)
  kCreateSink,    // CREATE [OR REPLACE] SINK [IF NOT EXISTS] name [(cols)] WITH (...)
  kCreateView,  // CREATE [OR REPLACE] [TEMP|TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)] AS query
                // or ... VIEW name [(col type, ...)] USING fmt OPTIONS (k 'v', ...)
  kInsert,      // INSERT INTO [TABLE] name [(cols)] query
  kSet,         // SET; SET k; SET k = v; SET k v; SET TIME ZONE 'tz' | LOCAL
  kReset,       // RESET [k]
  kShow,        // SHOW SOURCES | SINKS | VIEWS | TABLES | QUERIES | FUNCTIONS [LIKE 'p']
  kDescribe,    // DESCRIBE|DESC [TABLE|SOURCE|SINK|VIEW] name, DESCRIBE [QUERY] query,
                // DESCRIBE FUNCTION [EXTENDED] name
  kExplain,     // EXPLAIN [EXTENDED|FORMATTED|CODEGEN|COST|LOGICAL] statement
  kStopQuery,   // STOP QUERY name
  kDrop,        // DROP SOURCE|SINK|VIEW|TABLE [IF EXISTS] name
};

struct ColumnDef {
  std::string name;
  DataType type;
  bool not_null = false;
  std::string comment;
  SourcePosition position;
};

// WATERMARK FOR col AS expr
struct WatermarkDef {
  std::string column;
  SqlExprPtr expr;
  SourcePosition position;
};

// One option of WITH (k = 'v', ...) or OPTIONS (k 'v', ...). Keys are kept as written
// (bare keys may be dotted: a.b.c); values are strings (numbers and booleans written
// bare are kept as their text: `rowsPerSecond = 10` gives "10").
struct OptionDef {
  std::string key;
  std::string value;
  SourcePosition position;
};

enum class ShowWhat : uint8_t { kSources, kSinks, kViews, kTables, kQueries, kFunctions };
enum class DescribeWhat : uint8_t { kRelation, kQuery, kFunction };
enum class DropWhat : uint8_t { kSource, kSink, kView, kTable };
enum class ExplainMode : uint8_t { kSimple, kExtended, kFormatted, kCodegen, kCost, kLogical };

struct Statement;
using StatementPtr = std::unique_ptr<Statement>;

struct Statement {
  StatementKind kind;
  SourcePosition position;
  // Byte range of the statement in the script, for echoing and EXPLAIN.
  size_t begin = 0;
  size_t end = 0;

  // kQuery, kCreateView (AS query), kInsert, kDescribe (kQuery).
  QueryPtr query;

  // Object names: source, sink, view, insert target, describe/drop/stop target.
  std::vector<std::string> name;
  bool or_replace = false;
  bool if_not_exists = false;  // also IF EXISTS for kDrop
  bool temporary = false;

  // kCreateSource / kCreateSink / kCreateView USING: declared columns.
  std::vector<ColumnDef> columns;
  std::optional<WatermarkDef> watermark;
  std::vector<OptionDef> options;
  std::string using_format;  // kCreateView ... USING json|csv|text
  // kCreateView AS / kInsert: column names given in parentheses.
  std::vector<std::string> column_names;

  // kSet / kReset: key and value as written (value trimmed); both empty for a bare SET.
  std::string key;
  std::string value;
  bool has_value = false;

  ShowWhat show = ShowWhat::kSources;
  std::string like_pattern;  // SHOW ... LIKE 'p'

  DescribeWhat describe = DescribeWhat::kRelation;
  bool extended = false;

  DropWhat drop = DropWhat::kView;

  ExplainMode explain_mode = ExplainMode::kSimple;
  StatementPtr explained;  // kExplain

  explicit Statement(StatementKind k) : kind(k) {}
};

// Spark-like SQL rendering of an unresolved expression, used to name unaliased SELECT
// items the way Spark does: `a + 1` -> "(a + 1)", `count(*)` -> "count(1)",
// `CAST(x AS INT)` -> "CAST(x AS INT)", `t.a` -> "a", `'x'` -> "x", `1L` -> "1".
std::string ExprName(const SqlExpr& expr);

}  // namespace weir::sql
