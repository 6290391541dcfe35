// Built-in [flat]mapGroupsWithState functions for .stest scripts (SQL has no syntax
// for user functions): `dataframe` records apply them with a call line.
//
//   .sessionize(<timeout>, <gap>[, append|update][, end|start])
//       flatMapGroupsWithState keyed by the input's first column: a session per key
//       of the rows (their `ts` column, or the processing time without one), closed
//       by a timeout <gap> after the session's end. With `start`, the timeout is <gap>
//       after the session's start and a timed-out session is kept (a bug on purpose:
//       the key's next rows continue it, and its timeout, now before the watermark,
//       is refused):
//         event       EventTimeTimeout, SetTimeoutTimestamp(end or start, <gap>)
//         processing  ProcessingTimeTimeout, SetTimeoutDuration(<gap>)
//         none        NoTimeout, and still SetTimeoutDuration(<gap>) (refused)
//       Output (key, session_start, session_end, events, closed): in update mode (the
//       default) a row per key with rows in the epoch (closed false), and in both
//       modes a closed row when the session times out (its state is removed, unless
//       `start`).
//   .countByKey([processing|event, <duration>])
//       mapGroupsWithState (Update mode) keyed by the first column: the key's row
//       count so far, one row (key, count, timed_out) per call; with a timeout the
//       key times out <duration> after its last call (processing time) or after its
//       latest `ts` (event time), which emits its count with timed_out true and
//       removes it.

#pragma once

#include <string>
#include <vector>

#include "weir/weir.h"

namespace weir::stest {

// Applies the call `name` with `args`; InvalidArgument for an unknown one.
Result<DataFrame> ApplyStateDemo(const DataFrame& df, const std::string& name,
                                 const std::vector<std::string>& args);

// Whether `name` is one of the calls above.
bool IsStateDemo(const std::string& name);

}  // namespace weir::stest
