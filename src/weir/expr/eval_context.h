// EvalContext: the session settings an expression sees while it runs.
//
// Thread-safety: a context is used by one evaluation at a time; the options it
// points to are read-only during evaluation.

#pragma once

#include <cstdint>

#include "weir/types/datetime.h"

namespace weir {

struct EvalOptions {
  // spark.sql.ansi.enabled: invalid casts, overflow and division by zero are errors
  // instead of NULL (or a wrapped value).
  bool ansi = false;
  // spark.sql.session.timeZone.
  TimeZone time_zone;
  // current_timestamp() for the whole query or micro-batch, in microseconds UTC
  // (Spark fixes it once per query/batch).
  int64_t current_timestamp_micros = 0;
};

class EvalContext {
 public:
  explicit EvalContext(const EvalOptions& options) : options_(options) {}

  const EvalOptions& options() const { return options_; }
  bool ansi() const { return options_.ansi; }
  const TimeZone& time_zone() const { return options_.time_zone; }

 private:
  const EvalOptions& options_;
};

}  // namespace weir
