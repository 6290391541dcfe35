// `weir sql`: runs SQL statements from -e, from -f files, or interactively (with line
// editing and history when standard input is a terminal), and prints each result as
// a table (Spark's show() layout), CSV or JSON lines. docs/cli.md documents it.
//
// Exit code: 0 when every statement succeeded, 1 when one failed (the rest of a -e
// or -f script is not run; the interactive shell goes on with the next statement).
//
// Thread-safety: used by the CLI's single thread.

#pragma once

#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "tools/weir/cli.h"

namespace weir::cli {

class SqlCommand {
 public:
  virtual ~SqlCommand() = default;
  // If the user chose `weir sql`, runs it and returns its exit code; else nullopt.
  virtual std::optional<int> Dispatch(std::ostream& out, std::ostream& err) = 0;
};

// Adds the subcommand to `app`; `global` must outlive the returned object.
std::unique_ptr<SqlCommand> AddSqlCommand(CLI::App& app, const GlobalOptions& global);

}  // namespace weir::cli
