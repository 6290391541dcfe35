// How a stream-stream join's keys and condition bound its state (internal to
// weir_stream), shared by the start-time checks (unsupported_operations.cc) and the
// join's preparation (stream_join_node.cc). Spark's rules, from
// StreamingJoinHelper and StreamingSymmetricHashJoinHelper:
//  - the condition splits into equi-join keys and the rest, the rest into conjuncts
//    over the left input only, the right input only, and both (Spark's
//    ExtractEquiJoinKeys and JoinConditionSplitPredicates);
//  - a join key that is an event-time column (or window) makes both sides' state
//    evictable by the watermark on that key (findJoinKeyOrdinalForWatermark: the
//    "state key watermark");
//  - otherwise a conjunct `a.x + c1 < b.ts + c2` (or <=, >, >=; BETWEEN is two of
//    them) where b.ts is a watermarked column of the other side bounds side a: once
//    the watermark is W, b rows that are not late have b.ts > W, so a rows with
//    a.x <= W + c2 - c1 can never match again (getStateValueWatermark: the "state
//    value watermark"). Non-strict comparisons clear one millisecond less, and the
//    minimum over every conjunct bounding the same column wins.
//
// One deliberate difference from Spark: Spark evicts a side by its own first
// event-time column whatever column the condition bounds, and only when that side
// has a watermark; weir evicts by the column the condition bounds (the same column
// in the usual `b.ts BETWEEN a.ts - x AND a.ts + y`), which is what the bound is
// about — NEXMARK q4 bounds auctions by `expires`, not by their `dateTime`.
//
// Thread-safety: free functions over immutable plans.

#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/expr.h"
#include "weir/stream/incremental.h"

namespace weir::stream::internal {

// A join condition split as Spark splits it.
struct JoinConditionParts {
  std::vector<ExprPtr> left_keys;   // over the left input
  std::vector<ExprPtr> right_keys;  // over the right input; same types as left_keys
  std::vector<bool> null_safe;      // key i was compared with <=>
  ExprPtr left_only;                // deterministic conjuncts over the left input; may be null
  ExprPtr right_only;               // ... over the right input (its own columns); may be null
  ExprPtr both;                     // the rest, over left ++ right; may be null
};

// Splits `condition` (over left ++ right, `num_left` left columns; may be null).
Result<JoinConditionParts> SplitJoinCondition(const ExprPtr& condition, int num_left);

// The join key that carries event time: the first left key that is an event-time
// column of the left input, else the first such right key (Spark's
// findJoinKeyOrdinalForWatermark). index -1: none.
exec::EventTimeKey WatermarkJoinKey(const JoinConditionParts& parts,
                                    const std::vector<EventTimeKind>& left_kinds,
                                    const std::vector<EventTimeKind>& right_kinds);

// A bound on one side's rows (see the file comment): with watermark W, a row whose
// `column` is at or before StateWatermarkMs(W) can never match a row of the other
// side that is not late.
struct StateValueBound {
  int column = -1;  // the bounded TIMESTAMP column, an index into its side's input
  // Per bounding conjunct: the constant part c (µs) of `column > other.ts + c`, and
  // whether the comparison was non-strict.
  std::vector<std::pair<double, bool>> offsets;

  // The state watermark (ms) for input watermark `watermark_ms`: Spark's value,
  // (W * 1000 + c) / 1000 truncated, minus 1 when non-strict; the minimum over the
  // conjuncts.
  int64_t StateWatermarkMs(int64_t watermark_ms) const;
};

// The bound of the left side (`bound_left`) or the right side from `condition`
// (over left ++ right, `num_left` left columns), given which columns of each input
// carry event time; unset when no conjunct bounds that side. When conjuncts bound
// several columns of the side, the side's first event-time column is preferred,
// else the first bounded column.
std::optional<StateValueBound> FindStateValueBound(const ExprPtr& condition, int num_left,
                                                   bool bound_left,
                                                   const std::vector<EventTimeKind>& left_kinds,
                                                   const std::vector<EventTimeKind>& right_kinds,
                                                   const std::vector<DataType>& left_types,
                                                   const std::vector<DataType>& right_types);

}  // namespace weir::stream::internal
