// Helpers for function tests: evaluate a registered function over literal values or
// over columns, through the same path a query takes (registry -> coercion -> Eval).

#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "weir/expr/expr.h"
#include "weir/functions/registry.h"
#include "weir/types/builder.h"

namespace weir::testing {

// name(args...) with every argument a literal: the folded constant result.
inline Result<Value> EvalLiterals(std::string_view name, const std::vector<Value>& args,
                                  const EvalOptions& options = {}) {
  std::vector<ExprPtr> exprs;
  for (const Value& v : args) exprs.push_back(Literal(v));
  ResolveOptions ropts;
  ropts.ansi = options.ansi;
  ASSIGN_OR_RAISE(ExprPtr call,
                  FunctionRegistry::Builtins().Resolve(name, std::move(exprs), ropts));
  EvalContext ctx(options);
  Batch one = Batch::MakeRowsOnly(1);
  ASSIGN_OR_RAISE(Datum d, call->Eval(ctx, one, RowSet(1)));
  return d.GetValue(0);
}

// `call` over every row of `batch`, one Value per row; evaluated again over every
// other row (to exercise selection vectors), which must give the same values.
inline Result<std::vector<Value>> EvalCallOverRows(const ExprPtr& call, const Batch& batch,
                                                   const EvalOptions& options = {}) {
  EvalContext ctx(options);
  ASSIGN_OR_RAISE(ColumnPtr out, EvaluateColumn(*call, ctx, batch));
  std::vector<Value> result;
  for (int64_t i = 0; i < out->length(); ++i) result.push_back(GetValue(*out, i));
  std::vector<uint32_t> odd;
  for (uint32_t i = 1; i < static_cast<uint32_t>(batch.physical_rows()); i += 2) odd.push_back(i);
  ASSIGN_OR_RAISE(Datum sub, call->Eval(ctx, batch, RowSet(batch.physical_rows(), odd)));
  for (uint32_t i : odd) {
    if (sub.GetValue(i) != result[i]) {
      return Status::Internal("row " + std::to_string(i) + " differs when evaluated on a subset: " +
                              sub.GetValue(i).ToString() + " vs " + result[i].ToString());
    }
  }
  return result;
}

// name(col0, col1, ...) where column k holds `columns[k].second` (of type
// `columns[k].first`); returns one Value per row. Evaluates both over all rows and,
// to exercise selection vectors, over every other row, and checks they agree.
inline Result<std::vector<Value>> EvalColumns(
    std::string_view name, const std::vector<std::pair<DataType, std::vector<Value>>>& columns,
    const EvalOptions& options = {}) {
  std::vector<Field> fields;
  std::vector<ColumnPtr> cols;
  for (size_t k = 0; k < columns.size(); ++k) {
    fields.push_back({"c" + std::to_string(k), columns[k].first, true});
    auto b = MakeBuilder(columns[k].first);
    for (const Value& v : columns[k].second) RETURN_NOT_OK(b->AppendValue(v));
    cols.push_back(b->Finish());
  }
  SchemaPtr schema = MakeSchema(fields);
  ASSIGN_OR_RAISE(Batch batch, Batch::Make(schema, cols));
  std::vector<ExprPtr> exprs;
  for (int k = 0; k < schema->num_fields(); ++k) exprs.push_back(ColumnRef(*schema, k));
  ResolveOptions ropts;
  ropts.ansi = options.ansi;
  ASSIGN_OR_RAISE(ExprPtr call,
                  FunctionRegistry::Builtins().Resolve(name, std::move(exprs), ropts));
  return EvalCallOverRows(call, batch, options);
}

}  // namespace weir::testing
