// weir::DataFrame: a query as a value, Spark's DataFrame. Transformations build a
// bound logical plan (the one SQL would build for the same query) and return a new
// DataFrame; nothing runs until Collect/Show (batch) or WriteStream().start()
// (streaming). docs/api.md is the guide.
//
// Expressions are Spark SQL text, as Spark's selectExpr/filter/expr take them:
//   df.Select("name", "price * 0.9 AS discounted", "*")
//   df.Filter("price > 100 AND name LIKE 'a%'")
//   df.WithColumn("hour", "date_trunc('HOUR', ts)")
// A mistake in one is an INVALID_SQL error whose line and column point into that
// expression's own text (line 1, column 1 is its first character), with Spark's
// error class and a hint: Filter("reqest = 1") reports
//   [UNRESOLVED_COLUMN.WITH_SUGGESTION] ... `reqest` ... (line 1, column 1)
//
// A DataFrame is streaming when it reads a stream (IsStreaming): then it can only be
// written with WriteStream(), and the operations streams do not support (sorting,
// aggregation — until stateful processing lands) are refused when the query starts,
// with Spark's messages (docs/streaming.md).
//
// Lifetime: refers to the Session that made it (see session.h).
// Thread-safety: an immutable value, cheap to copy; binding and running use the
// session, so one thread at a time per session.

#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/batch.h"
#include "weir/types/schema.h"
#include "weir/types/value.h"

namespace weir {

namespace api {
struct DataFrameState;
}  // namespace api

class DataStreamWriter;
class KeyValueGroupedDataFrame;

class DataFrame {
 public:
  // Spark's selectExpr: each argument one SELECT-list item — a column, an expression
  // with an optional alias, `*` or `t.*`, a generator (`explode(xs) AS x`), or
  // aggregates, which make a global aggregate (`count(*) AS n`).
  template <typename... Rest>
  Result<DataFrame> Select(std::string_view first, const Rest&... rest) const {
    return SelectExprs({std::string(first), std::string(rest)...});
  }
  Result<DataFrame> SelectExprs(const std::vector<std::string>& exprs) const;
  // The rows where `condition` is TRUE (Spark's filter / where).
  Result<DataFrame> Filter(std::string_view condition) const;
  Result<DataFrame> Where(std::string_view condition) const { return Filter(condition); }
  // Adds a column `name` computed by `expr`, or replaces the column of that name
  // (case-insensitive; every column of that name), keeping the column order.
  Result<DataFrame> WithColumn(std::string_view name, std::string_view expr) const;
  // UNION ALL by position (Spark's union): the same number of columns, types widened
  // as SQL widens them; names from this DataFrame. Two streams give a union of
  // streams; a stream with a batch DataFrame is refused when the query starts.
  Result<DataFrame> Union(const DataFrame& other) const;
  // A join with `condition` over both sides' columns; `how` is Spark's join type:
  // inner, cross, left/left_outer/leftouter, right/..., full/outer/full_outer,
  // left_semi/semi, left_anti/anti. Name the sides with As() to tell their columns
  // apart: a.As("s").Join(b.As("t"), "s.id = t.id").
  Result<DataFrame> Join(const DataFrame& right, std::string_view condition,
                         std::string_view how = "inner") const;
  // A join on equal `columns` present on both sides (SQL's USING: one output column
  // per name).
  Result<DataFrame> Join(const DataFrame& right, const std::vector<std::string>& columns,
                         std::string_view how = "inner") const;
  // Spark's groupBy(keys).agg(aggregates): one row per distinct value of `keys`
  // (columns or SQL expressions, e.g. "window(ts, '10 seconds')"), with the keys
  // then the `aggregates` (SQL aggregate expressions with optional aliases:
  // "count(*) AS n"). On a stream it is a streaming aggregation (docs/streaming.md).
  Result<DataFrame> GroupBy(const std::vector<std::string>& keys,
                            const std::vector<std::string>& aggregates) const;
  // The same DataFrame whose columns can be qualified as `alias.col` (Spark's alias)
  // by the expressions of the next operation.
  DataFrame As(std::string_view alias) const;
  // Spark's groupByKey: the rows grouped by the values of `keys` (columns or SQL
  // expressions over this DataFrame's columns), for [Flat]MapGroupsWithState
  // (group_state.h).
  Result<KeyValueGroupedDataFrame> GroupByKey(const std::vector<std::string>& keys) const;

  // Spark's withWatermark: `column` (a TIMESTAMP column) is the event time of this
  // stream, and its watermark trails the largest event time seen by `delay` (an
  // interval: "10 seconds", "1 minute 30 seconds"). Stateful operations above it drop
  // rows at or before the watermark and evict state by it (docs/streaming.md). A
  // batch DataFrame ignores it, as Spark does.
  Result<DataFrame> WithWatermark(std::string_view column, std::string_view delay) const;
  // Spark's dropDuplicates: the first row of each distinct value of `columns` (names,
  // case-insensitive; every column when empty). On a stream, the keys seen are kept
  // in state — bounded when a key column is an event-time column under a watermark —
  // and rows at or before the watermark are dropped (docs/streaming.md,
  // "Deduplication").
  Result<DataFrame> DropDuplicates(const std::vector<std::string>& columns = {}) const;
  // Spark's dropDuplicatesWithinWatermark: streams only, under a watermark; a key is
  // kept until the watermark passes the event time of its first row plus the
  // watermark's delay, so duplicates that close in event time are dropped. Refused
  // when the query starts without a watermark, and when a batch query runs.
  Result<DataFrame> DropDuplicatesWithinWatermark(
      const std::vector<std::string>& columns = {}) const;

  // The output columns.
  const SchemaPtr& Schema() const;
  bool IsStreaming() const;
  // The bound plan, as EXPLAIN prints it.
  std::string Explain() const;

  // Batch only: runs the query. Unsupported for a streaming DataFrame ("Queries with
  // streaming sources must be executed with writeStream.start()").
  Result<std::vector<Batch>> Collect() const;
  // The rows as values, in order (small results: tests and examples).
  Result<std::vector<std::vector<Value>>> CollectRows() const;
  // Spark's show(): the first `num_rows` rows as a table, cells cut to `truncate`
  // characters (0: never), in the session time zone.
  Result<std::string> Show(int64_t num_rows = 20, int truncate = 20) const;

  // Streaming only (start() refuses a batch DataFrame): how to run this query.
  DataStreamWriter WriteStream() const;

  // Made by Session, the readers and the operations above; the state is opaque.
  // REQUIRES: state != nullptr.
  explicit DataFrame(std::shared_ptr<const api::DataFrameState> state) : state_(std::move(state)) {}

 private:
  friend class DataStreamWriter;
  friend class KeyValueGroupedDataFrame;

  std::shared_ptr<const api::DataFrameState> state_;  // never null
};

}  // namespace weir
