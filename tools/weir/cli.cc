#include "tools/weir/cli.h"

#include <CLI/CLI.hpp>

#include "tools/weir/bench_command.h"
#include "tools/weir/checkpoint_command.h"
#include "tools/weir/demo.h"
#include "tools/weir/log_commands.h"
#include "tools/weir/run_command.h"
#include "tools/weir/sql_command.h"

#ifndef WEIR_VERSION
#define WEIR_VERSION "0.0.0"
#endif

namespace weir::cli {

namespace {

// CLI11 reports several problems in multi-line or library-specific words; weir prints
// one line naming the problem and where to look.
std::string OneLine(const CLI::ParseError& e, const CLI::App& app) {
  std::string what = e.what();
  for (char& c : what) {
    if (c == '\n') c = ' ';
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    // An unexpected positional at the top level is an unknown command.
    const auto extras = app.remaining();
    if (!extras.empty() && !extras[0].empty() && extras[0][0] != '-' &&
        app.get_subcommands().empty()) {
      return "unknown command '" + extras[0] + "' (see 'weir --help')";
    }
    if (!extras.empty()) return "unknown argument '" + extras[0] + "' (see 'weir --help')";
  }
  return what + " (see 'weir --help')";
}

}  // namespace

int Run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"weir: a stream-processing engine for Spark SQL pipelines", "weir"};
  app.set_version_flag("--version", std::string("weir ") + WEIR_VERSION);
  app.require_subcommand(0, 1);
  app.footer("Run 'weir <command> --help' for a command's options.");
  app.get_formatter()->label("Subcommands", "Commands");
  app.get_formatter()->label("SUBCOMMAND", "COMMAND");

  GlobalOptions global;
  app.add_option("--data-dir", global.data_dir,
                 "Directory for the embedded log, checkpoints and state")
      ->capture_default_str()
      ->type_name("DIR");

  DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo", "Run the getting-started job on a built-in sample of web server logs");
  demo_cmd->fallthrough();
  demo_cmd->add_option("--rows", demo.rows, "Rows of sample data to generate")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{100'000'000}));
  demo_cmd->add_option("--show", demo.show, "Rows to print")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000}));

  std::unique_ptr<LogCommands> log_commands = AddLogCommands(app, global);
  std::unique_ptr<SqlCommand> sql_command = AddSqlCommand(app, global);
  std::unique_ptr<RunCommand> run_command = AddRunCommand(app, global);
  std::unique_ptr<CheckpointCommand> checkpoint_command = AddCheckpointCommand(app);
  std::unique_ptr<BenchCommand> bench_command = AddBenchCommand(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    out << app.version() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // A --help on a subcommand arrives as CallForHelp too; anything else is misuse.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      out << app.help();
      return kExitOk;
    }
    err << "weir: " << OneLine(e, app) << "\n";
    return kExitUsage;
  }

  if (*demo_cmd) return RunDemo(global, demo, out, err);
  if (std::optional<int> rc = log_commands->Dispatch(out, err)) return *rc;
  if (std::optional<int> rc = sql_command->Dispatch(out, err)) return *rc;
  if (std::optional<int> rc = run_command->Dispatch(out, err)) return *rc;
  if (std::optional<int> rc = checkpoint_command->Dispatch(out, err)) return *rc;
  if (std::optional<int> rc = bench_command->Dispatch(out, err)) return *rc;
  out << app.help();
  return kExitOk;
}

}  // namespace weir::cli
