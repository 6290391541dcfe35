// `weir demo`: the main job a new user runs first, end to end on the embedded log:
// a deterministic sample of web server logs is produced to a topic, a streaming
// query filters the errors into another topic exactly once, a second query reads
// that topic back into a memory sink, and a batch query summarizes it. Everything
// lives under <data-dir>/demo, recreated each run.

#pragma once

#include <cstdint>
#include <ostream>

#include "tools/weir/cli.h"

namespace weir::cli {

struct DemoOptions {
  int64_t rows = 1000;
  int64_t show = 20;
};

int RunDemo(const GlobalOptions& global, const DemoOptions& options, std::ostream& out,
            std::ostream& err);

}  // namespace weir::cli
