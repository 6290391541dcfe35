#include "weir/stream/checkpoint_inspect.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>

#include "weir/state/state_files.h"
#include "weir/stream/checkpoint.h"

namespace weir::stream {

namespace {

// "3", "0..41", "3, 6, 9" or "0..41 (39 records, with gaps)" for sorted epochs.
std::string Range(const std::vector<int64_t>& epochs) {
  if (epochs.empty()) return "none";
  const int64_t span = epochs.back() - epochs.front() + 1;
  std::string out;
  if (span != std::ssize(epochs) && epochs.size() <= 6) {
    for (size_t i = 0; i < epochs.size(); ++i) out += (i ? ", " : "") + std::to_string(epochs[i]);
    return out;
  }
  out = std::to_string(epochs.front());
  if (epochs.size() > 1) out += ".." + std::to_string(epochs.back());
  if (span != std::ssize(epochs)) {
    out += " (" + std::to_string(epochs.size()) + " records, with gaps)";
  }
  return out;
}

std::string Bytes(uint64_t n) {
  char buf[32];
  if (n < 1024) return std::to_string(n) + " B";
  if (n < (1u << 20)) {
    std::snprintf(buf, sizeof(buf), "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(n) / (1 << 20));
  }
  return buf;
}

// The numeric names among `names` (operator ids, partitions), ascending.
std::vector<int> Numbered(const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const std::string& name : names) {
    int v = 0;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
    if (ec == std::errc() && ptr == name.data() + name.size() && v >= 0) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

uint64_t SizeOf(Env* env, const std::string& path) {
  Result<uint64_t> size = env->GetFileSize(path);
  if (size.ok()) return *size;
  uint64_t total = 0;  // a directory (a RocksDB snapshot): its files
  for (const std::string& name : env->GetChildren(path).ValueOr({})) {
    total += env->GetFileSize(path + "/" + name).ValueOr(0);
  }
  return total;
}

void ReportState(Env* env, const std::string& dir, bool verify, CheckpointReport* report) {
  const std::string state_dir = dir + "/state";
  std::vector<int> operators = Numbered(env->GetChildren(state_dir).ValueOr({}));
  if (operators.empty()) {
    report->text += "state: none\n";
    return;
  }
  report->text += "state:\n";
  for (int op : operators) {
    const std::string op_dir = state_dir + "/" + std::to_string(op);
    for (int p : Numbered(env->GetChildren(op_dir).ValueOr({}))) {
      state::StateFiles files(env, op_dir + "/" + std::to_string(p));
      std::string line =
          "  operator " + std::to_string(op) + " partition " + std::to_string(p) + ": ";
      Result<std::vector<state::StateFiles::File>> listed = files.List();
      if (!listed.ok()) {
        report->text += line + "cannot list: " + listed.status().ToString() + "\n";
        continue;
      }
      std::vector<int64_t> deltas;
      std::vector<int64_t> snapshots;
      uint64_t bytes = 0;
      for (const state::StateFiles::File& f : *listed) {
        (f.kind == state::StateFiles::Kind::kDelta ? deltas : snapshots).push_back(f.version);
        bytes += SizeOf(env, files.Path(f.version, f.kind));
        if (verify && f.kind != state::StateFiles::Kind::kRocksDbSnapshot) {
          Status st = files.Read(f.version, f.kind,
                                 [](std::string_view, const std::string*) { return Status::OK(); });
          if (!st.ok()) report->corrupt.push_back(st.ToString());
        }
      }
      line += "deltas " + Range(deltas) + ", snapshots " + Range(snapshots) + " (" + Bytes(bytes) +
              ")\n";
      report->text += line;
    }
  }
}

}  // namespace

Result<CheckpointReport> InspectCheckpoint(Env* env, const std::string& dir, bool verify_state) {
  ASSIGN_OR_RAISE(std::unique_ptr<Checkpoint> cp, Checkpoint::OpenReadOnly(env, dir));
  const CheckpointMetadata& m = cp->metadata();
  CheckpointReport report;
  std::string& t = report.text;
  t += "checkpoint " + cp->dir() + "\n";
  t += "query id: " + m.id + "\n";
  t += "created: createdMs " + std::to_string(m.created_ms) + "\n";
  t += "state partitions: " + std::to_string(m.shuffle_partitions) + "\n";
  t += "state backend: " + m.state_backend + "\n";
  t += "sources:\n";
  for (size_t i = 0; i < m.sources.size(); ++i) {
    t += "  " + std::to_string(i) + ": " + m.sources[i] + "\n";
  }
  t += m.operators.empty() ? "stateful operators: none\n" : "stateful operators:\n";
  for (const OperatorRecord& op : m.operators) {
    t += "  " + std::to_string(op.id) + ": " + op.name + " [" + op.schema + "]\n";
  }

  ASSIGN_OR_RAISE(std::vector<int64_t> planned, cp->PlannedEpochs());
  ASSIGN_OR_RAISE(std::vector<int64_t> committed, cp->CommittedEpochs());
  t += "planned epochs: " + Range(planned) + "\n";
  t += "committed epochs: " + Range(committed) + "\n";
  // Every record is read, so that a damaged older one shows too.
  std::optional<CommitRecord> last_commit;
  for (int64_t e : committed) {
    Result<CommitRecord> c = cp->ReadCommit(e);
    if (c.ok()) {
      last_commit = *c;
    } else {
      report.corrupt.push_back(c.status().ToString());
    }
  }
  std::optional<PlannedEpoch> last_planned;
  for (int64_t e : planned) {
    Result<std::optional<PlannedEpoch>> p = cp->ReadPlanned(e);
    if (!p.ok()) {
      report.corrupt.push_back(p.status().ToString());
    } else if (p->has_value()) {
      last_planned = std::move(**p);
    }
  }
  if (last_commit.has_value()) {
    t += "last commit: epoch " + std::to_string(last_commit->batch_id) + ", watermark " +
         std::to_string(last_commit->watermark_ms) + " ms\n";
  }
  const int64_t next = last_commit.has_value() ? last_commit->batch_id + 1 : 0;
  if (last_planned.has_value() && last_planned->batch_id >= next) {
    t += "a restart re-runs epoch " + std::to_string(last_planned->batch_id) +
         " with its recorded offsets:\n";
  } else {
    t += "a restart runs epoch " + std::to_string(next) + " next";
    t += last_planned.has_value()
             ? ", after the offsets of epoch " + std::to_string(last_planned->batch_id) + ":\n"
             : "\n";
  }
  if (last_planned.has_value()) {
    for (size_t i = 0; i < last_planned->offsets.size(); ++i) {
      t += "  source " + std::to_string(i) + ": " + last_planned->offsets[i].start + " -> " +
           last_planned->offsets[i].end + "\n";
    }
  }
  ReportState(env, cp->dir(), verify_state, &report);
  if (report.corrupt.empty()) {
    t += verify_state ? "every file passed its checks\n" : "every record passed its checks\n";
  } else {
    t += "corrupt files:\n";
    for (const std::string& c : report.corrupt) t += "  " + c + "\n";
  }
  return report;
}

}  // namespace weir::stream
