#include "tools/weir/run_command.h"

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <pthread.h>
#include <signal.h>

#include "weir/api/session.h"

#include "tools/weir/sql_output.h"

namespace weir::cli {

namespace {

// Appends each progress JSON to a file, one per line, flushed per line.
class ProgressFile final : public stream::StreamingQueryListener {
 public:
  explicit ProgressFile(const std::string& path) : out_(path, std::ios::app) {}
  bool ok() const { return out_.good(); }
  void OnQueryProgress(const stream::QueryProgress& progress) override {
    std::lock_guard<std::mutex> lock(mu_);
    out_ << progress.ToJson() << "\n";
    out_.flush();
  }

 private:
  std::mutex mu_;
  std::ofstream out_;  // guarded by mu_
};

// Waits for SIGINT or SIGTERM on its own thread (the signals are blocked in every
// other thread) and raises `stop`.
class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGUSR2);  // only the destructor sends it, to end the waiter
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this] {
      int sig = 0;
      sigwait(&set_, &sig);
      if (sig != SIGUSR2) stop_.store(true);
    });
  }
  ~StopSignals() {
    // Wake the waiter if no signal came.
    if (!stop_.load()) pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
  }
  bool stop_requested() const { return stop_.load(); }

 private:
  sigset_t set_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class RunCommandImpl final : public RunCommand {
 public:
  RunCommandImpl(CLI::App& app, const GlobalOptions& global) : global_(global) {
    cmd_ = app.add_subcommand("run",
                              "Run a SQL pipeline: its INSERT INTO statements start "
                              "streaming queries, which run until stopped");
    cmd_->fallthrough();
    cmd_->add_option("file", file_, "The pipeline's SQL file")->required()->type_name("FILE");
    cmd_->add_flag("--available-now", available_now_,
                   "Process the data available now, then exit (AvailableNow trigger)");
    cmd_->add_option("--progress", progress_, "Append each progress JSON as a line to FILE")
        ->type_name("FILE");
    cmd_->add_option("--threads", threads_, "Worker threads (0: one per core)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1024));
  }

  std::optional<int> Dispatch(std::ostream& out, std::ostream& err) override {
    if (!*cmd_) return std::nullopt;
    std::ifstream in(file_, std::ios::binary);
    if (!in) {
      err << "weir: cannot read " << file_ << "\n";
      return kExitFailure;
    }
    std::stringstream text;
    text << in.rdbuf();
    const std::string sql = text.str();

    StopSignals signals;  // before any thread starts, so all inherit the mask
    api::SessionOptions options;
    options.data_dir = global_.data_dir;
    options.threads = threads_;
    if (available_now_) options.trigger_override = stream::Trigger::AvailableNow();
    api::Session session(options);
    std::shared_ptr<ProgressFile> progress;
    if (!progress_.empty()) {
      progress = std::make_shared<ProgressFile>(progress_);
      if (!progress->ok()) {
        err << "weir: cannot write " << progress_ << "\n";
        return kExitFailure;
      }
      session.queries().AddListener(progress);
    }
    OutputOptions output;
    Status st = session.ExecuteScript(sql, [&](std::string_view, api::StatementResult& r) {
      return PrintResult(r, output, session.eval_options().time_zone, out);
    });
    if (!st.ok()) {
      err << "weir: " << st.ToString() << "\n";
      for (const auto& q : session.queries().active()) q->Stop();
      return kExitFailure;
    }
    out.flush();
    return WaitForQueries(session, signals, err);
  }

 private:
  int WaitForQueries(api::Session& session, const StopSignals& signals, std::ostream& err) {
    std::vector<stream::StreamingQueryPtr> all = session.queries().active();
    while (true) {
      bool any_active = false;
      for (const auto& q : all) any_active = any_active || q->is_active();
      if (!any_active) break;
      if (signals.stop_requested()) {
        for (const auto& q : all) q->Stop();
        break;
      }
      session.queries().AwaitAnyTermination(100'000);
    }
    int rc = kExitOk;
    for (const auto& q : all) {
      Status e = q->exception();
      if (!e.ok()) {
        err << "weir: query `" << q->name() << "` failed: " << e.ToString() << "\n";
        rc = kExitFailure;
      }
    }
    return rc;
  }

  const GlobalOptions& global_;
  CLI::App* cmd_ = nullptr;
  std::string file_;
  bool available_now_ = false;
  std::string progress_;
  int threads_ = 0;
};

}  // namespace

std::unique_ptr<RunCommand> AddRunCommand(CLI::App& app, const GlobalOptions& global) {
  return std::make_unique<RunCommandImpl>(app, global);
}

}  // namespace weir::cli
