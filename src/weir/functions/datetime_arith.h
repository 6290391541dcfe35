// `+` and `-` over DATE, TIMESTAMP and INTERVAL (Spark 3.5's BinaryArithmetic
// resolution in the analyzer), for the arithmetic family to call before it reports
// a type mismatch:
//   DATE + INTERVAL, INTERVAL + DATE, DATE - INTERVAL -> DATE (DateAddInterval: months
//     and days on the calendar; an interval with a time part goes through a
//     TIMESTAMP in the session zone, or is an error in ANSI mode)
//   TIMESTAMP +/- INTERVAL -> TIMESTAMP (TimeAdd: months and days on the session
//     zone's wall clock, microseconds on the physical time line)
//   DATE + INT, INT + DATE, DATE - INT -> DATE (date_add / date_sub)
//   DATE - DATE -> INTERVAL of days (Spark returns INTERVAL DAY; weir's INTERVAL is
//     a CalendarInterval, so the difference is {months 0, days n, micros 0})
//   TIMESTAMP - TIMESTAMP (or with one DATE) -> INTERVAL of microseconds
//   INTERVAL +/- INTERVAL -> INTERVAL (exact; overflow is an error)
//
// Thread-safety: a free function.

#pragma once

#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/expr.h"
#include "weir/functions/registry.h"

namespace weir {

// Resolves `args[0] op args[1]` for op "+" or "-". Returns NotFound when neither
// operand is DATE, TIMESTAMP or INTERVAL (the caller goes on with numbers), and
// DATATYPE_MISMATCH when one is but the combination has no meaning.
Result<ExprPtr> ResolveDatetimeArithmetic(std::string_view op, std::vector<ExprPtr> args,
                                          const ResolveOptions& options);

}  // namespace weir
