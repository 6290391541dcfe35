#include <cstdlib>
#include <cstring>
#include <iostream>

#include <malloc.h>

#include "tools/weir/cli.h"

namespace {

// glibc's allocator, tuned for a process whose state grows for as long as it runs.
// A thread's arena grows its heap one page at a time, one mprotect call per page,
// unless the top pad covers a whole heap (64 MiB): a query adding state made tens of
// thousands of those calls per gigabyte (Nexmark q18: 33,615 in a 2M-event run, about a
// tenth of its time). Fixed thresholds keep buffers up to 32 MiB in the arenas and
// keep up to 256 MiB of free memory at a heap's top, so that the columns an epoch
// allocates and frees are not mapped and faulted in again each time. A user's own
// GLIBC_TUNABLES for malloc take precedence.
void TuneAllocator() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) return;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  TuneAllocator();
  return weir::cli::Run(argc, argv, std::cout, std::cerr);
}
