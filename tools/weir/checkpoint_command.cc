#include "tools/weir/checkpoint_command.h"

#include <string>

#include "weir/common/env.h"
#include "weir/stream/checkpoint_inspect.h"

namespace weir::cli {

namespace {

class CheckpointCommandImpl final : public CheckpointCommand {
 public:
  explicit CheckpointCommandImpl(CLI::App& app) {
    cmd_ = app.add_subcommand("checkpoint", "Look into the checkpoint of a streaming query");
    cmd_->require_subcommand(1);
    inspect_ = cmd_->add_subcommand(
        "inspect", "Print what a checkpoint holds and check every record's checksum");
    inspect_->add_option("dir", dir_, "The checkpoint directory (the query's checkpointLocation)")
        ->required()
        ->type_name("DIR");
    inspect_->add_flag("--verify-state", verify_state_,
                       "Also read every state file and check its checksums");
  }

  std::optional<int> Dispatch(std::ostream& out, std::ostream& err) override {
    if (!*inspect_) return std::nullopt;
    Result<stream::CheckpointReport> report =
        stream::InspectCheckpoint(Env::Default(), dir_, verify_state_);
    if (!report.ok()) {
      err << "weir: " << report.status().ToString() << "\n";
      return kExitFailure;
    }
    out << report->text;
    return report->corrupt.empty() ? kExitOk : kExitFailure;
  }

 private:
  CLI::App* cmd_ = nullptr;
  CLI::App* inspect_ = nullptr;
  std::string dir_;
  bool verify_state_ = false;
};

}  // namespace

std::unique_ptr<CheckpointCommand> AddCheckpointCommand(CLI::App& app) {
  return std::make_unique<CheckpointCommandImpl>(app);
}

}  // namespace weir::cli
