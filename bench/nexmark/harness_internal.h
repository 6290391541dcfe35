// The query files built into the harness: bench/nexmark/queries/q*.sql, copied into a
// generated source file when weir is configured (bench/nexmark/CMakeLists.txt), so
// that `weir bench nexmark` runs wherever the binary is. Editing a query file makes
// the next build regenerate it.

#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace weir::nexmark::internal {

// (name, text) of every query file, e.g. ("q0", "-- Nexmark q0 ...").
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedQueryFiles();

}  // namespace weir::nexmark::internal
