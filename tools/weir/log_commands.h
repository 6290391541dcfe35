// The commands of the embedded log: `weir topic create|list|describe|compact|delete`,
// `weir produce` and `weir consume` (docs/log.md, docs/cli.md).
//
// cli.cc registers them with AddLogCommands() before parsing and, after parsing,
// asks the returned object to run the one the user chose.
//
// Thread-safety: used by the CLI's single thread.

#pragma once

#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "tools/weir/cli.h"

namespace weir::cli {

class LogCommands {
 public:
  virtual ~LogCommands() = default;
  // If the user chose one of the log commands, runs it and returns its exit code;
  // otherwise nullopt. `weir produce` reads its records from standard input.
  virtual std::optional<int> Dispatch(std::ostream& out, std::ostream& err) = 0;
};

// Adds the subcommands to `app`. `global` must outlive the returned object, which
// reads it after parsing.
std::unique_ptr<LogCommands> AddLogCommands(CLI::App& app, const GlobalOptions& global);

}  // namespace weir::cli
