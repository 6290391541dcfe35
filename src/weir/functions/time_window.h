// Time windows: the scalar functions behind Spark 3.5's window(), session_window()
// and window_time(), and behind the Flink-style windowing table functions TUMBLE, HOP
// and SESSION (the binder's rewrite is in src/weir/plan/bind_time_window.cc).
//
// The binder rewrites every window() / session_window() call, as Spark's analyzer
// rules TimeWindowing and SessionWindowing do, into a column computed by one of two
// internal functions (the double underscore keeps them out of SHOW FUNCTIONS):
//
//   __time_window(ts, window_micros, slide_micros, start_micros, i)
//       -> STRUCT<start: TIMESTAMP, end: TIMESTAMP>
//     The i-th window (0-based, newest first) that may hold `ts`: Spark's getWindow(i),
//       remainder = (ts - start) % slide
//       last_start = ts - (remainder < 0 ? remainder + slide : remainder)
//       start = last_start - i * slide, end = start + window.
//     The four durations are BIGINT literals (window, slide > 0). NULL when ts is NULL.
//
//   __session_window(ts, gap) -> STRUCT<start: TIMESTAMP, end: TIMESTAMP>
//     A row's initial session [ts, ts + gap): `gap` is an INTERVAL (a literal for a
//     static gap, any expression for a per-row gap), added as TIMESTAMP + INTERVAL is
//     (Spark's TimeAdd: months and days on the session zone's wall clock). NULL when
//     ts or gap is NULL.
//
// The streaming engine recognizes both by name (kTimeWindowFunction,
// kSessionWindowFunction): a column computed by either is an event-time column derived
// from its first argument `ts`, so a watermark on `ts` bounds the window's end, and
// `.start` / `.end` field accesses of such a column (the table functions' window_start
// and window_end) are event-time columns too.
//
// window_time(w) (Spark 3.4+) is public: w.end - 1 microsecond, the latest time in
// the window [start, end), for a STRUCT<start: TIMESTAMP, end: TIMESTAMP>.
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <string_view>

#include "weir/types/data_type.h"

namespace weir::time_window {

inline constexpr std::string_view kTimeWindowFunction = "__time_window";
inline constexpr std::string_view kSessionWindowFunction = "__session_window";
inline constexpr std::string_view kWindowTimeFunction = "window_time";

// STRUCT<start: TIMESTAMP, end: TIMESTAMP> with nullable fields (Spark's
// TimeWindow.dataType for a TIMESTAMP time column).
DataType WindowStructType();
// True for a two-field struct named start and end (case-insensitively), both
// TIMESTAMP: what window_time() and a window over a window column accept.
bool IsWindowStructType(const DataType& type);

// The start of window i for `ts`, in wrapping 64-bit arithmetic (Java's long, which
// Spark's generated code uses). REQUIRES: slide > 0.
int64_t WindowStart(int64_t ts, int64_t slide, int64_t start_time, int64_t i);

}  // namespace weir::time_window
