// Spark's UnsupportedOperationChecker for weir: which logical plans a streaming
// query may run, checked when the query starts (StreamingQueryManager::Start), before
// anything reads or writes.
//
// Refused, with Spark's message (or, for what weir has not built yet, a message
// saying so), followed by ";\n" and the operator's EXPLAIN line:
//  - a plan without stream inputs;
//  - Complete output mode without a streaming aggregation;
//  - an aggregation in Append mode without an event-time group key, more than one
//    aggregation in Update mode, stream-stream joins outside Spark's rules (see
//    docs/streaming.md); distinct aggregates and grouping sets on streams as in Spark;
//  - Sort on a stream (allowed only on an aggregated stream in Complete mode);
//  - LIMIT on a stream in Append and Update modes, OFFSET on a stream;
//  - INTERSECT and EXCEPT with a stream input;
//  - window functions over a stream (only time windows, in GROUP BY, are streaming);
//  - a UNION of a stream and a static relation;
//  - stream-static joins: inner is allowed; left outer and left semi only with the
//    stream on the left; right outer only with the stream on the right; full outer,
//    and left anti with the stream on the right, are refused;
//  - a scalar subquery over a stream;
//  - dropDuplicatesWithinWatermark without a watermark on its input, and a
//    deduplication bounded by event time after an aggregation in Update or Complete
//    mode (Spark's global-watermark correctness check).
//
// Thread-safety: pure function.

#pragma once

#include "weir/common/status.h"
#include "weir/plan/logical_plan.h"
#include "weir/stream/sink.h"

namespace weir::stream {

// OK, or Unsupported naming the operator and the rule.
Status CheckStreamingPlan(const plan::LogicalPlanPtr& plan, OutputMode mode);

// Whether the plan reads a stream input (a ScanNode over a StreamInputTable).
bool IsStreamingPlan(const plan::LogicalPlan& plan);

}  // namespace weir::stream
