// Restoring a query's state at start (micro_batch_execution.h): whether a changed
// query can take over a checkpoint's state, and loading it, falling back to an
// earlier epoch when the latest state is damaged.

#include <algorithm>
#include <string>

#include "weir/common/logging.h"
#include "weir/stream/micro_batch_execution.h"

namespace weir::stream::internal {

namespace {

std::string Describe(const OperatorRecord& op) {
  return "stateful operator " + std::to_string(op.id) + " (" + op.name + ")";
}

Status Refuse(std::string why, const std::string& checkpoint_dir) {
  return Status::InvalidArgument("The query cannot restore the state in its checkpoint " +
                                 checkpoint_dir + ": " + std::move(why))
      .WithHint(
          "a change to a query's aggregations, deduplications, stream-stream joins or "
          "groups-with-state needs a new checkpointLocation; changes elsewhere in the query "
          "(filters, projections, the sink) keep the state");
}

// Opens every store of `operators` at `version` and closes it again.
Status TryLoad(const std::vector<std::shared_ptr<StatefulOperator>>& operators, int64_t version) {
  for (const auto& op : operators) {
    for (const state::StateStoreProviderPtr& provider : op->providers) {
      ASSIGN_OR_RAISE(state::StateStorePtr store, provider->GetStore(version));
      store->Abort();
    }
  }
  return Status::OK();
}

}  // namespace

Status LoadStateOrFallBack(const std::vector<std::shared_ptr<StatefulOperator>>& operators,
                           Checkpoint* checkpoint, int64_t max_epochs_back, ResumePoint* resume) {
  if (operators.empty()) return Status::OK();
  const int64_t version =
      resume->reruns.empty() ? resume->next_batch_id : resume->reruns.front().batch_id;
  Status st = TryLoad(operators, version);
  if (st.ok() || !(st.IsCorruption() || st.IsNotFound())) return st;
  // Epochs k .. version - 1, newest first while looking for k.
  std::vector<PlannedEpoch> replay;
  for (int64_t k = version - 1; k >= 0 && version - k <= max_epochs_back; --k) {
    ASSIGN_OR_RAISE(std::optional<PlannedEpoch> planned, checkpoint->ReadPlanned(k));
    if (!planned.has_value()) break;  // the offsets of epoch k are gone: no replay
    replay.push_back(std::move(*planned));
    if (!TryLoad(operators, k).ok()) continue;
    std::reverse(replay.begin(), replay.end());
    WEIR_LOG(WARN) << "the state of epoch " << version << " cannot be loaded (" << st.ToString()
                   << "); falling back to the state of epoch " << k << " and re-running epochs "
                   << k << " to " << version - 1 << " with their recorded offsets";
    const PlannedEpoch& first = replay.front();
    resume->next_batch_id = k;
    resume->watermark_ms = first.watermark_ms;
    resume->previous_watermark_ms = first.watermark_ms;
    if (k > 0) {
      ASSIGN_OR_RAISE(std::optional<PlannedEpoch> before, checkpoint->ReadPlanned(k - 1));
      if (before.has_value()) resume->previous_watermark_ms = before->watermark_ms;
    }
    std::vector<Offset> starts;
    for (const SourceOffsets& o : first.offsets) starts.push_back(o.start);
    resume->committed_end = std::move(starts);
    resume->reruns.insert(resume->reruns.begin(), std::make_move_iterator(replay.begin()),
                          std::make_move_iterator(replay.end()));
    return Status::OK();
  }
  return st;
}

Status CheckStateCompatible(const CheckpointMetadata& recorded, const CheckpointMetadata& now,
                            const std::string& checkpoint_dir) {
  const size_t common = std::min(recorded.operators.size(), now.operators.size());
  for (size_t i = 0; i < common; ++i) {
    const OperatorRecord& was = recorded.operators[i];
    const OperatorRecord& is = now.operators[i];
    if (was.name != is.name) {
      return Refuse(Describe(was) + " is now a different operator, " + is.name, checkpoint_dir);
    }
    if (was.schema != is.schema) {
      return Refuse(Describe(was) + " keeps state of a different schema: the checkpoint has [" +
                        was.schema + "], the query has [" + is.schema + "]",
                    checkpoint_dir);
    }
  }
  if (recorded.operators.size() > common) {
    return Refuse(Describe(recorded.operators[common]) +
                      " is not in the query any more; its state would be lost",
                  checkpoint_dir);
  }
  if (now.operators.size() > common) {
    return Refuse(Describe(now.operators[common]) +
                      " is new: it has no state in the checkpoint for the epochs already run",
                  checkpoint_dir);
  }
  return Status::OK();
}

}  // namespace weir::stream::internal
