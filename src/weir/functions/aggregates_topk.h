// The internal bounded aggregate the optimizer puts in place of collect_list when
// only the first K elements of its sorted result are read (src/weir/plan/top_k.cc).
// It is not an SQL function: no name resolves to it.
//
// Thread-safety: MakeTopKAggregate is a pure function; the aggregate it returns is
// immutable (see AggregateFunction).

#pragma once

#include "weir/functions/aggregate.h"

namespace weir {

// The largest K the rewrite uses: the state of a group holds up to K elements and
// is rebuilt whenever one of them changes, so a very large K is better served by
// collect_list.
inline constexpr int kMaxTopK = 1000;

// An aggregate over one argument of type `element` whose result, an
// ARRAY<element> (containsNull = false), holds the first min(n, k) elements of
// `sort_array(collect_list(x), ascending)` over the same input, in that order:
//   - NULL inputs are skipped, as collect_list skips them;
//   - elements are ordered by the comparator sort_array uses (kernels::CompareRows:
//     Spark's ordering, structs field by field, a NULL field first), ascending or
//     descending;
//   - elements that compare equal keep their input order (sort_array's sort is
//     stable), and after a Merge the left state's elements come first among equals,
//     as collect_list's merge puts the left state's elements first.
// Its state serializes as collect_list's does (a varint count, then each element in
// the value codec), with the elements in result order; Deserialize also accepts
// more than k elements, or unsorted ones, and keeps the first k in the order above.
// The name, "_top_k_<k>_<asc|desc>", is what a checkpoint's state schema records.
//
// REQUIRES: 1 <= k <= kMaxTopK; `element` is orderable (no MAP inside).
AggregateFunctionPtr MakeTopKAggregate(const DataType& element, int k, bool ascending);

}  // namespace weir
