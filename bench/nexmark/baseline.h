// Hand-written baselines for Nexmark q0, q1, q2, q5 and q7: plain loops and hash maps
// over the same events a weir query reads, computing the same answer as the query
// file's SELECT over all the events (the batch answer: for q5 and q7, every window,
// closed or not). `weir bench nexmark` runs the baseline in the same process as the
// query and prints weir's throughput relative to it (bench/nexmark/README.md).
//
// A baseline reads bid batches on one thread, in the query's setting:
//  - over PregeneratedEvents: slices of the stored batches (every column there; the
//    baseline reads the ones it needs);
//  - otherwise it runs the generator itself, like the query's source: a BatchWriter
//    producing only the columns the query reads, kDefaultBatchRows rows at a time.
// Output rows are either folded into a checksum (what a benchmark runs: each output
// value is read once, as a sink would) or, for tests, collected as canonical text
// (CanonicalCell's format: numbers in decimal, TIMESTAMP as microseconds, DECIMAL
// with its scale, strings as they are; cells joined by tabs).
//
// Thread-safety: the functions are reentrant.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"

#include "nexmark/generator.h"
#include "nexmark/pregenerated.h"

namespace weir::nexmark {

// True for q0, q1, q2, q5, q7.
bool HasBaseline(std::string_view query);

struct BaselineResult {
  int64_t output_rows = 0;
  // A fold of every output value (keeps the compiler from skipping the work).
  uint64_t checksum = 0;
};

// Runs `query`'s baseline over the events [0, events) of `generator` — read from
// `pregenerated` when it is not null (it must hold the bids of at least `events`
// events), else generated. When `rows` is not null, appends each output row in
// canonical text. InvalidArgument for a query without a baseline or a pregenerated
// input that does not fit.
Result<BaselineResult> RunBaseline(std::string_view query, const Generator& generator,
                                   int64_t events, const PregeneratedEvents* pregenerated,
                                   std::vector<std::string>* rows);

}  // namespace weir::nexmark
