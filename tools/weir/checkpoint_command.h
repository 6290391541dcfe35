// `weir checkpoint inspect DIR [--verify-state]`: prints what the checkpoint of a
// streaming query holds (stream/checkpoint_inspect.h) and every file that fails its
// checks. Exit code 0 when every file read passed, 1 otherwise.
//
// Thread-safety: used by the CLI's single thread.

#pragma once

#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "tools/weir/cli.h"

namespace weir::cli {

class CheckpointCommand {
 public:
  virtual ~CheckpointCommand() = default;
  virtual std::optional<int> Dispatch(std::ostream& out, std::ostream& err) = 0;
};

std::unique_ptr<CheckpointCommand> AddCheckpointCommand(CLI::App& app);

}  // namespace weir::cli
