// `weir run pipeline.sql`: runs a file of statements whose INSERT INTO statements
// start streaming queries, then keeps them running until they end or the process is
// asked to stop (SIGINT or SIGTERM stop every query at an epoch boundary; exit 0).
// `--available-now` runs every query with the AvailableNow trigger: process what is
// there, then exit. `--progress FILE` appends every progress JSON as one line.
//
// Exit code: 0 when every query ended cleanly, 1 when a statement or a query failed.
//
// Thread-safety: used by the CLI's single thread.

#pragma once

#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "tools/weir/cli.h"

namespace weir::cli {

class RunCommand {
 public:
  virtual ~RunCommand() = default;
  virtual std::optional<int> Dispatch(std::ostream& out, std::ostream& err) = 0;
};

std::unique_ptr<RunCommand> AddRunCommand(CLI::App& app, const GlobalOptions& global);

}  // namespace weir::cli
