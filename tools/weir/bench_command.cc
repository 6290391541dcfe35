#include "tools/weir/bench_command.h"

#include <string>

#include "nexmark/harness.h"

namespace weir::cli {

namespace {

class BenchCommandImpl final : public BenchCommand {
 public:
  BenchCommandImpl(CLI::App& app, const GlobalOptions& global) : global_(global) {
    cmd_ = app.add_subcommand("bench", "Run a benchmark and print its measurements as JSON");
    cmd_->fallthrough();
    cmd_->require_subcommand(1);
    nexmark_ = cmd_->add_subcommand(
        "nexmark",
        "Run a Nexmark query (bench/nexmark/queries) from the nexmark source to a blackhole "
        "sink, and its hand-written baseline; print one JSON line");
    nexmark_->fallthrough();
    nexmark_->add_option("--query", options_.query, "The query: q0, q1, ..., q22")
        ->type_name("QUERY");
    nexmark_
        ->add_option("--query-file", options_.query_file,
                     "Run this query file instead of a built-in one")
        ->type_name("FILE");
    nexmark_->add_option("--events", options_.events, "Events of the stream (all kinds)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{1}, int64_t{10'000'000'000}));
    nexmark_
        ->add_option("--threads", options_.threads,
                     "Worker threads, shuffle partitions and source partitions")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    nexmark_->add_flag("--checkpoint", options_.checkpoint,
                       "Keep the checkpoint on disk (fsynced every epoch), not in memory");
    nexmark_->add_flag("--pregenerated", options_.pregenerated,
                       "Generate the events in memory before the query starts");
    nexmark_
        ->add_option("--epoch-events", options_.epoch_events,
                     "At most this many events per epoch (the sources' maxEventsPerTrigger)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{1}, int64_t{10'000'000'000}));
    nexmark_->add_flag("--no-baseline", no_baseline_, "Skip the hand-written baseline");
  }

  std::optional<int> Dispatch(std::ostream& out, std::ostream& err) override {
    if (!*cmd_) return std::nullopt;
    if (options_.query.empty() && options_.query_file.empty()) {
      err << "weir: bench nexmark: --query or --query-file is required (see 'weir bench "
             "nexmark --help')\n";
      return kExitUsage;
    }
    options_.baseline = !no_baseline_;
    options_.work_dir = global_.data_dir;
    Result<nexmark::BenchResult> result = nexmark::RunBench(options_);
    if (!result.ok()) {
      err << "weir: bench nexmark: " << result.status().ToString() << "\n";
      return kExitFailure;
    }
    out << result->ToJson() << "\n";
    return kExitOk;
  }

 private:
  const GlobalOptions& global_;
  CLI::App* cmd_ = nullptr;
  CLI::App* nexmark_ = nullptr;
  nexmark::BenchOptions options_;
  bool no_baseline_ = false;
};

}  // namespace

std::unique_ptr<BenchCommand> AddBenchCommand(CLI::App& app, const GlobalOptions& global) {
  return std::make_unique<BenchCommandImpl>(app, global);
}

}  // namespace weir::cli
