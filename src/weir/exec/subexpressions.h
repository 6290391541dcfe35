// Common subexpression elimination for a list of expressions evaluated over the same
// batch (internal to weir_exec; used by the projection operator, and by a
// projection over a filter for what the two share).
//
// As Spark's EquivalentExpressions: a deterministic, non-constant expression that
// occurs at least twice in the list is computed once per batch when at least one of
// its occurrences is always evaluated. Parts of an expression that only some rows
// reach — the conditions after the first and every branch of CASE, the arguments of
// coalesce after the first, the right side of AND and OR — count as occurrences but
// are not "always evaluated", so computing a hoisted expression up front never
// evaluates anything (an error included) that the list would not have evaluated.
//
// Thread-safety: free functions over immutable expressions.

#pragma once

#include <vector>

#include "weir/expr/expr.h"

namespace weir::exec {

struct HoistedExpressions {
  // Computed first, over the input batch; empty when nothing repeats.
  std::vector<ExprPtr> common;
  // The list, with each occurrence of common[k] replaced by a reference to column
  // `input_columns + k` of the input batch widened by the common columns.
  std::vector<ExprPtr> rewritten;
};

HoistedExpressions HoistCommonSubexpressions(const std::vector<ExprPtr>& exprs, int input_columns);

// For a projection over a filter: the subexpressions that the filter's predicate
// always evaluates (for every input row) and that the projection repeats, computed
// once per batch before the predicate. Only the predicate's occurrences can make an
// expression common: computing it up front evaluates it on rows the filter drops,
// which the predicate did anyway and the projection alone would not. `rewritten`
// is the predicate, then the projection's expressions.
HoistedExpressions HoistFilterSubexpressions(const ExprPtr& predicate,
                                             const std::vector<ExprPtr>& exprs, int input_columns);

}  // namespace weir::exec
