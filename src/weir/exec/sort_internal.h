// Ordering of rows by sort keys, shared by Sort, top-N and Window (internal to
// weir_exec). Values order as Spark orders them (functions/ordering.h: NaN above
// every double, strings by unsigned bytes); each key has its direction and NULL
// placement.
//
// Thread-safety: immutable after construction; Compare may run concurrently.

#pragma once

#include <cstdint>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/expr.h"
#include "weir/functions/ordering.h"
#include "weir/plan/logical_plan.h"
#include "weir/types/batch.h"

namespace weir::exec {

struct SortColumn {
  ColumnPtr column;  // dense, one value per physical row of the batch it came from
  bool ascending = true;
  bool nulls_first = true;
};

// Three-way comparison of row i of `a` and row j of `b` (keys of the same types).
inline int CompareKeyRows(const std::vector<SortColumn>& a, int64_t i,
                          const std::vector<SortColumn>& b, int64_t j) {
  for (size_t k = 0; k < a.size(); ++k) {
    const Column& x = *a[k].column;
    const Column& y = *b[k].column;
    const bool xn = x.IsNull(i), yn = y.IsNull(j);
    if (xn || yn) {
      if (xn && yn) continue;
      return (xn == a[k].nulls_first) ? -1 : 1;
    }
    int c;
    switch (x.type().id()) {
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        c = kernels::Compare3(x.Get<int64_t>(i), y.Get<int64_t>(j));
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        c = kernels::Compare3(x.Get<int32_t>(i), y.Get<int32_t>(j));
        break;
      case TypeId::kDouble:
        c = kernels::CompareDoubles(x.Get<double>(i), y.Get<double>(j));
        break;
      case TypeId::kString:
      case TypeId::kBinary:
        c = x.Get<StringRef>(i).Compare(y.Get<StringRef>(j));
        break;
      default:
        c = kernels::CompareRows(x, i, y, j);
        break;
    }
    if (c != 0) return a[k].ascending ? c : -c;
  }
  return 0;
}

// Evaluates sort keys over `batch` (dense) into full columns.
inline Result<std::vector<SortColumn>> EvalSortColumns(const std::vector<plan::SortKey>& keys,
                                                       EvalContext& ectx, const Batch& batch) {
  std::vector<SortColumn> out;
  RowSet rows = RowSet::Of(batch);
  for (const plan::SortKey& k : keys) {
    ASSIGN_OR_RAISE(Datum d, k.expr->Eval(ectx, batch, rows));
    out.push_back({d.is_constant() ? d.Materialize(batch.physical_rows()) : d.column(), k.ascending,
                   k.nulls_first});
  }
  return out;
}

// A stable sort permutation of the rows of `keys` (all of length n).
std::vector<uint32_t> SortPermutation(const std::vector<SortColumn>& keys, int64_t n);

}  // namespace weir::exec
