// `weir bench nexmark --query qN --events N [--threads T] [--checkpoint]
// [--pregenerated]`: runs one Nexmark query (bench/nexmark/queries, built into the
// binary) as a streaming query from the nexmark source to a blackhole sink until the
// events are consumed, then its hand-written baseline when it has one, and prints one
// JSON line of measurements (docs/cli.md, bench/nexmark/README.md).
//
// Exit code: 0 after printing the line, 1 when the query failed, 2 on bad flags.
//
// Thread-safety: used by the CLI's single thread.

#pragma once

#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "tools/weir/cli.h"

namespace weir::cli {

class BenchCommand {
 public:
  virtual ~BenchCommand() = default;
  // If the user chose `weir bench ...`, runs it and returns its exit code; else nullopt.
  virtual std::optional<int> Dispatch(std::ostream& out, std::ostream& err) = 0;
};

// Adds the subcommand to `app`; `global` must outlive the returned object.
std::unique_ptr<BenchCommand> AddBenchCommand(CLI::App& app, const GlobalOptions& global);

}  // namespace weir::cli
