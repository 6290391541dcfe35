// Triggers: when the micro-batch loop starts the next epoch (DESIGN.md section 4).
//
//  - kDefault: as soon as the previous epoch finished and new data is available
//    (polling sources every `idle_poll` while there is none).
//  - kProcessingTime: at multiples of the interval of processing time (Spark's
//    ProcessingTimeExecutor); an epoch that overruns its interval starts the next one
//    at once, without catching up missed intervals.
//  - kOnce: one epoch over what is available, then the query stops (deprecated in
//    Spark 3.4 in favour of AvailableNow, kept for compatibility).
//  - kAvailableNow: everything available when the query starts, in as many epochs as
//    the per-trigger limits require, then the query stops.
//
// Thread-safety: values.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "weir/common/result.h"

namespace weir::stream {

struct Trigger {
  enum class Kind : uint8_t { kDefault, kProcessingTime, kOnce, kAvailableNow };
  Kind kind = Kind::kDefault;
  int64_t interval_micros = 0;  // kProcessingTime

  static Trigger Default() { return {}; }
  static Trigger ProcessingTime(int64_t interval_micros) {
    return {Kind::kProcessingTime, interval_micros};
  }
  static Trigger Once() { return {Kind::kOnce, 0}; }
  static Trigger AvailableNow() { return {Kind::kAvailableNow, 0}; }

  // "ProcessingTime(10000ms)"-style text for progress and errors.
  std::string ToString() const;
};

// The `trigger` option of a sink: "default", "once", "available-now" /
// "availableNow", "processing-time 10 seconds" / "10 seconds" / "500ms".
Result<Trigger> ParseTrigger(std::string_view text);

}  // namespace weir::stream
