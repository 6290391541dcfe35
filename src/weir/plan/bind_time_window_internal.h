// Internals of the time window binding (internal to weir_plan), shared by
// bind_time_window.cc (window(), session_window(), the session aggregate) and
// bind_window_tvf.cc (TUMBLE, HOP, SESSION).
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <string>

#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

// A window() / session_window() call or a windowing table function, parsed.
struct WindowSpec {
  bool session = false;
  ExprPtr ts;                                // TIMESTAMP, over the input
  int64_t window = 0, slide = 0, start = 0;  // microseconds
  ExprPtr gap;                               // session: INTERVAL, over the input
  std::string key;                           // equal keys: the same window
};

// The duration parameters as messages name them: Spark's for window(), Flink's for
// the table functions.
struct ParamNames {
  const char* window;
  const char* slide;
  const char* start;
};
inline constexpr ParamNames kWindowParams{"window_duration", "slide_duration", "start_time"};
inline constexpr ParamNames kTvfParams{"size", "slide", "offset"};

// A duration argument of window() (TimeWindow.parseExpression): a string literal
// holding an interval, or an integer literal of microseconds; **weir** also takes an
// INTERVAL literal.
Result<int64_t> DurationOf(const sql::SqlExpr& a);
// The time column of a window (see bind_time_window.cc); `call` and `ts_name` are
// for the type error's message.
Result<ExprPtr> TimeColumnOf(ExprPtr ts, const std::string& call, const std::string& ts_name,
                             const BindOptions& options, SourcePosition pos);
// A session gap as an INTERVAL expression.
Result<ExprPtr> GapOf(ExprPtr gap, SourcePosition pos);
// TimeWindow.checkInputDataTypes: window, slide > 0, slide <= window,
// abs(start) < slide.
Status CheckDurations(const std::string& call, const WindowSpec& s, const ParamNames& names,
                      SourcePosition pos);
// Spark's rewrite over in->plan; the window column is appended under `name` and
// recorded in in->time_window.
Status AddWindowColumn(const BindOptions& options, Relation* in, const WindowSpec& s,
                       const std::string& name, SourcePosition pos);
// `.start` (0) or `.end` (1) of a window struct.
ExprPtr WindowField(const ExprPtr& window, int ordinal);

}  // namespace weir::plan::internal
