// `weir demo`: the main job a new user runs first. Until the streaming engine lands,
// a batch example: a deterministic sample of web server logs, printed the way
// Spark's show() and printSchema() print them.

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
