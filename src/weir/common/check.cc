#include "weir/common/check.h"

#include <cstdio>
#include <cstdlib>

namespace weir::internal {

void CheckFailed(const char* file, int line, const char* expr, const std::string& detail) {
  if (detail.empty()) {
    std::fprintf(stderr, "weir: check failed at %s:%d: %s\n", file, line, expr);
  } else {
    std::fprintf(stderr, "weir: check failed at %s:%d: %s (%s)\n", file, line, expr,
                 detail.c_str());
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace weir::internal
