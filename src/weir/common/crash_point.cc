#include "weir/common/crash_point.h"

#include <atomic>
#include <cstdlib>
#include <string>

#include <signal.h>
#include <unistd.h>

namespace weir {

namespace {

struct Armed {
  std::string name;      // empty: no crash point armed
  long long target = 1;  // the hit that kills
  std::atomic<long long> hits{0};
};

Armed* LoadArmed() {
  auto* armed = new Armed();  // never deleted: a crash may happen at any time
  const char* spec = std::getenv("WEIR_CRASH_POINT");
  if (spec == nullptr || *spec == '\0') return armed;
  std::string s(spec);
  const size_t colon = s.find(':');
  armed->name = s.substr(0, colon);
  if (colon != std::string::npos) {
    char* end = nullptr;
    const long long n = std::strtoll(s.c_str() + colon + 1, &end, 10);
    armed->target = (end != nullptr && *end == '\0' && n >= 1) ? n : 1;
  }
  return armed;
}

}  // namespace

void CrashPoint(std::string_view name) {
  static Armed* const armed = LoadArmed();
  if (armed->name.empty() || armed->name != name) return;
  if (armed->hits.fetch_add(1) + 1 == armed->target) {
    ::kill(::getpid(), SIGKILL);
    ::_exit(137);  // not reached
  }
}

}  // namespace weir
