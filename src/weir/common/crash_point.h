// Crash points: named places where a crash test may kill the process, to check that
// a crash at exactly that step of an epoch loses and doubles nothing.
//
// With the environment variable WEIR_CRASH_POINT=<name>[:<n>] set, the n-th time
// (default: the first) the process reaches CrashPoint("<name>") it kills itself with
// SIGKILL, as `kill -9` would: no destructor, flush or atexit handler runs. Without
// the variable, CrashPoint costs a load and a comparison.
//
// The points (docs/checkpoint_format.md, "Crash points"): "after-planned" (the
// planned-epoch record is durable), "state-write" (a state file is written and
// synced but not yet renamed into place), "after-sink" (the sink has the epoch's
// output), "after-commit" (the commit record is durable).
//
// Thread-safety: thread-safe.

#pragma once

#include <string_view>

namespace weir {

void CrashPoint(std::string_view name);

}  // namespace weir
