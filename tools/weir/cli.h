// The weir command line: global flags, commands, and how errors are reported.
//
// Exit codes: 0 success, 1 a command failed, 2 a usage error (unknown command or
// flag, bad flag value) reported on one line of stderr.

#pragma once

#include <ostream>
#include <string>

namespace weir::cli {

// Settings every command sees.
struct GlobalOptions {
  // Where the embedded log, checkpoints and state live (--data-dir).
  std::string data_dir = "./weir-data";
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int Run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace weir::cli
