// Helpers for the physical operator tests: in-memory tables, bound expressions and
// running a logical plan through PlanPhysical + CollectBatches.

#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/thread_pool.h"
#include "weir/exec/operator.h"
#include "weir/exec/planner.h"
#include "weir/functions/aggregate.h"
#include "weir/functions/registry.h"
#include "weir/plan/logical_plan.h"
#include "weir/plan/table.h"
#include "weir/types/builder.h"

namespace weir::exec::testing {

using Row = std::vector<Value>;
using Rows = std::vector<Row>;

inline Value I(int64_t v) { return Value::Int64(v); }
inline Value I32(int32_t v) { return Value::Int32(v); }
inline Value D(double v) { return Value::Double(v); }
inline Value S(std::string v) { return Value::String(std::move(v)); }
inline Value NullI() { return Value::Null(DataType::Int64()); }
inline Value NullS() { return Value::Null(DataType::String()); }

// A scan of an in-memory table holding `rows`, `rows_per_batch` rows per batch,
// spread over `partitions` partitions.
inline plan::LogicalPlanPtr Table(std::vector<Field> fields, const Rows& rows, int partitions = 3,
                                  int rows_per_batch = 2) {
  SchemaPtr schema = MakeSchema(std::move(fields));
  std::vector<Batch> batches;
  BatchBuilder builder(schema);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE(builder.AppendRow(rows[i]).ok());
    if (builder.num_rows() == rows_per_batch || i + 1 == rows.size()) {
      batches.push_back(builder.Finish().ValueOrDie());
    }
  }
  auto table = std::make_shared<plan::MemoryTable>(schema, std::move(batches), partitions, "t");
  std::vector<int> cols;
  for (int i = 0; i < schema->num_fields(); ++i) cols.push_back(i);
  return std::make_shared<plan::ScanNode>(table, cols);
}

inline ExprPtr Col(const plan::LogicalPlanPtr& p, int i) { return ColumnRef(*p->schema(), i); }
// A column of the concatenation of two plans' outputs (join conditions).
inline ExprPtr JCol(const plan::LogicalPlanPtr& l, const plan::LogicalPlanPtr& r, int i) {
  int nl = l->schema()->num_fields();
  if (i < nl) return ColumnRef(*l->schema(), i);
  const Field& f = r->schema()->field(i - nl);
  return ColumnRef(i, f.name, f.type, true);
}
inline ExprPtr Fn(const std::string& name, std::vector<ExprPtr> args) {
  return FunctionRegistry::Builtins().Resolve(name, std::move(args)).ValueOrDie();
}
inline ExprPtr Lit(Value v) { return Literal(std::move(v)); }
inline AggregateCall Agg(const std::string& name, std::vector<ExprPtr> args, bool distinct = false,
                         ExprPtr filter = nullptr) {
  return ResolveAggregate(name, std::move(args), distinct, std::move(filter)).ValueOrDie();
}

class ExecTest : public ::testing::Test {
 protected:
  ExecTest() : pool_(4) { ctx_.pool = &pool_; }

  Result<std::vector<Batch>> RunBatches(const plan::LogicalPlanPtr& plan,
                                        const PlannerOptions& options = {}) {
    ASSIGN_OR_RAISE(PhysicalOperatorPtr op, PlanPhysical(plan, ctx_, options));
    explain_ = ExplainString(*op);
    return CollectBatches(*op, ctx_);
  }

  // The rows of the result, in output order.
  Rows Run(const plan::LogicalPlanPtr& plan, const PlannerOptions& options = {}) {
    auto batches = RunBatches(plan, options);
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    Rows out;
    if (!batches.ok()) return out;
    for (const Batch& b : *batches) {
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        Row row;
        for (int c = 0; c < b.num_columns(); ++c) {
          row.push_back(GetValue(*b.column(c), b.RowIndex(r)));
        }
        out.push_back(std::move(row));
      }
    }
    return out;
  }

  // The rows of the result, sorted (for unordered results).
  Rows RunSorted(const plan::LogicalPlanPtr& plan, const PlannerOptions& options = {}) {
    return SortRows(Run(plan, options));
  }

  static std::string RowString(const Row& r) {
    std::string s = "(";
    for (size_t i = 0; i < r.size(); ++i) {
      s += (i > 0 ? ", " : "") + (r[i].is_null() ? std::string("NULL") : r[i].ToString());
    }
    return s + ")";
  }
  static Rows SortRows(Rows rows) {
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return RowString(a) < RowString(b); });
    return rows;
  }
  static std::string Show(const Rows& rows) {
    std::string s;
    for (const Row& r : rows) s += RowString(r) + "\n";
    return s;
  }

  ThreadPool pool_;
  ExecContext ctx_;
  std::string explain_;
};

// Compares as strings so failures print readably.
#define EXPECT_ROWS(expected, actual) EXPECT_EQ(Show(expected), Show(actual))

}  // namespace weir::exec::testing
