#include "weir/stream/streaming_query.h"

#include <algorithm>

#include "weir/common/logging.h"
#include "weir/functions/registry.h"
#include "weir/state/state_store.h"
#include "weir/stream/micro_batch_execution.h"
#include "weir/stream/stream_internal.h"
#include "weir/stream/unsupported_operations.h"

namespace weir::stream {

using internal::ManagerShared;
using internal::MicroBatchExecution;

Result<plan::BatchReaderPtr> StreamInputTable::Open(int, const std::vector<int>&) const {
  return Status::Unsupported("`" + name_ +
                             "` is a stream: it can only be read by a streaming query")
      .WithHint("start a streaming query (INSERT INTO <sink> SELECT ...) to read it");
}

namespace internal {

std::vector<std::shared_ptr<StreamingQueryListener>> ManagerShared::Listeners() {
  std::lock_guard<std::mutex> lock(mu);
  return listeners;
}

void ManagerShared::OnTerminated(const MicroBatchExecution* query) {
  std::shared_ptr<MicroBatchExecution> dropped;  // released after the lock
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it =
        std::find_if(active.begin(), active.end(), [&](const auto& q) { return q.get() == query; });
    if (it != active.end()) {
      dropped = std::move(*it);
      active.erase(it);
    }
    any_terminated = true;
  }
  terminated_cv.notify_all();
}

namespace {

int64_t EpochOfPath(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string name = path.substr(slash + 1);
  if (name.empty() || name.size() > 18 ||
      !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoll(name);
}

}  // namespace

Result<ResumePoint> ComputeResumePoint(Checkpoint* checkpoint) {
  ASSIGN_OR_RAISE(std::optional<CommitRecord> commit, checkpoint->LatestCommit());
  ASSIGN_OR_RAISE(std::optional<PlannedEpoch> planned, checkpoint->LatestPlanned());
  const int64_t committed = commit.has_value() ? commit->batch_id : -1;
  for (const std::string& path : checkpoint->corrupt_files()) {
    const int64_t epoch = EpochOfPath(path);
    if (epoch <= committed) continue;
    if (path == checkpoint->PlannedPath(epoch)) {
      // The offsets of an epoch that may have had effects are lost: re-planning it
      // with other offsets could duplicate or lose rows, so refuse.
      Result<std::optional<PlannedEpoch>> again = checkpoint->ReadPlanned(epoch);
      return again.ok() ? Status::Corruption("corrupt checkpoint file " + path) : again.status();
    }
    WEIR_LOG(WARN) << "checkpoint commit record " << path << " is corrupt; "
                   << (committed < 0 ? std::string("no epoch counts as committed")
                                     : "falling back to epoch " + std::to_string(committed))
                   << " and re-running the epochs after it";
  }
  ResumePoint resume;
  resume.next_batch_id = committed + 1;
  if (commit.has_value()) resume.watermark_ms = commit->watermark_ms;
  if (commit.has_value()) {
    ASSIGN_OR_RAISE(std::optional<PlannedEpoch> last, checkpoint->ReadPlanned(committed));
    if (!last.has_value()) {
      return Status::Corruption("checkpoint " + checkpoint->dir() +
                                " has a commit record for epoch " + std::to_string(committed) +
                                " but no planned-epoch record " +
                                checkpoint->PlannedPath(committed));
    }
    resume.previous_watermark_ms = last->watermark_ms;
    std::vector<Offset> ends;
    for (const SourceOffsets& o : last->offsets) ends.push_back(o.end);
    resume.committed_end = std::move(ends);
  }
  if (planned.has_value() && planned->batch_id > committed) {
    if (planned->batch_id != committed + 1) {
      return Status::Corruption("checkpoint " + checkpoint->dir() + " has a planned epoch " +
                                std::to_string(planned->batch_id) + " but epoch " +
                                std::to_string(planned->batch_id - 1) +
                                " has no valid commit record " +
                                checkpoint->CommitPath(planned->batch_id - 1))
          .WithHint("restore the commit record from a backup, or move the checkpoint away");
    }
    resume.reruns.push_back(std::move(*planned));
  }
  return resume;
}

}  // namespace internal

struct StreamingQueryManager::Impl {
  std::shared_ptr<ManagerShared> shared;
  std::mutex start_mu;  // serializes Start: a checkpoint is opened by one Start at a time
};

StreamingQueryManager::StreamingQueryManager(ManagerOptions options) : impl_(new Impl) {
  impl_->shared = std::make_shared<ManagerShared>();
  impl_->shared->options = options;
}

StreamingQueryManager::~StreamingQueryManager() {
  for (const StreamingQueryPtr& q : active()) q->Stop();
}

namespace {

// Checks that every stream input of the plan names a source with its schema.
Status CheckStreamInputs(const QuerySpec& spec) {
  Status st;
  Result<plan::LogicalPlanPtr> ignored = plan::TransformUp(
      spec.plan, [&](const plan::LogicalPlanPtr& node) -> Result<plan::LogicalPlanPtr> {
        if (node->kind() != plan::LogicalKind::kScan || !st.ok()) return node;
        const auto& scan = static_cast<const plan::ScanNode&>(*node);
        const auto* input = dynamic_cast<const StreamInputTable*>(scan.table().get());
        if (input == nullptr) return node;
        if (input->input() < 0 || static_cast<size_t>(input->input()) >= spec.sources.size()) {
          st = Status::InvalidArgument("stream input `" + input->name() + "` has index " +
                                       std::to_string(input->input()) + " but the query has " +
                                       std::to_string(spec.sources.size()) + " sources");
        } else if (!(*input->schema() == *spec.sources[input->input()]->schema())) {
          st = Status::InvalidArgument("stream input `" + input->name() + "` has schema " +
                                       input->schema()->ToString() + " but its source has " +
                                       spec.sources[input->input()]->schema()->ToString());
        }
        return node;
      });
  RETURN_NOT_OK(ignored.status());
  return st;
}

}  // namespace

Result<StreamingQueryPtr> StreamingQueryManager::Start(QuerySpec spec) {
  const ManagerOptions& options = impl_->shared->options;
  if (options.pool == nullptr || options.env == nullptr || options.clock == nullptr) {
    return Status::InvalidArgument("StreamingQueryManager needs a pool, an env and a clock");
  }
  if (spec.plan == nullptr || spec.sink == nullptr) {
    return Status::InvalidArgument("a streaming query needs a plan and a sink");
  }
  for (const SourcePtr& source : spec.sources) {
    if (source == nullptr) return Status::InvalidArgument("a streaming query source is null");
  }
  RETURN_NOT_OK(CheckStreamInputs(spec));
  ASSIGN_OR_RAISE(internal::PreparedPlan prepared, internal::PrepareStreamingPlan(spec));
  if (spec.trigger.kind == Trigger::Kind::kProcessingTime && spec.trigger.interval_micros < 0) {
    return Status::InvalidOption("the trigger interval must not be negative");
  }
  if (spec.idle_poll_micros <= 0) spec.idle_poll_micros = 10'000;

  std::lock_guard<std::mutex> start_lock(impl_->start_mu);
  auto name_taken = [&] {
    if (spec.name.empty()) return false;
    std::lock_guard<std::mutex> lock(impl_->shared->mu);
    for (const auto& q : impl_->shared->active) {
      if (q->is_active() && EqualsIgnoreCase(q->name(), spec.name)) return true;
    }
    return false;
  };
  if (name_taken()) {
    return Status::AlreadyExists("Cannot start query with name " + spec.name +
                                 " as a query with that name is already active");
  }

  bool temporary = false;
  if (spec.checkpoint_location.empty()) {
    spec.checkpoint_location = "/tmp/weir-temporary-checkpoints/" + internal::RandomUuid();
    temporary = true;
  }
  CheckpointMetadata fresh;
  fresh.id = internal::RandomUuid();
  fresh.created_ms = options.clock->NowMicros() / 1000;
  fresh.shuffle_partitions =
      spec.shuffle_partitions > 0 ? spec.shuffle_partitions : options.pool->num_threads();
  for (const SourcePtr& source : spec.sources) fresh.sources.push_back(source->Describe());
  for (const auto& op : prepared.operators) {
    fresh.operators.push_back(OperatorRecord{op->id, op->name, op->state_schema});
  }
  fresh.state_backend = spec.state_conf.backend;
  ASSIGN_OR_RAISE(std::unique_ptr<Checkpoint> checkpoint,
                  Checkpoint::Open(options.env, spec.checkpoint_location, fresh));
  const CheckpointMetadata& meta = checkpoint->metadata();
  if (meta.sources != fresh.sources) {
    std::string msg = "The query's sources do not match those recorded in its checkpoint " +
                      checkpoint->dir() + ": the checkpoint has [";
    for (size_t i = 0; i < meta.sources.size(); ++i) {
      msg += (i ? ", " : "") + meta.sources[i];
    }
    msg += "], the query has [";
    for (size_t i = 0; i < fresh.sources.size(); ++i) {
      msg += (i ? ", " : "") + fresh.sources[i];
    }
    msg += "]";
    return Status::InvalidArgument(std::move(msg))
        .WithHint(
            "a checkpoint belongs to one query; use a new checkpointLocation for a "
            "changed query");
  }
  {
    std::lock_guard<std::mutex> lock(impl_->shared->mu);
    for (const auto& q : impl_->shared->active) {
      if (q->is_active() && q->id() == meta.id) {
        return Status::AlreadyExists(
            "Cannot start query with id " + meta.id +
            " as another query with same id is already active. Perhaps you are attempting to "
            "restart a query from checkpoint that is already active.");
      }
    }
  }
  ASSIGN_OR_RAISE(internal::ResumePoint resume, internal::ComputeResumePoint(checkpoint.get()));
  if (!checkpoint->created() &&
      (meta.operators != fresh.operators || meta.state_backend != fresh.state_backend)) {
    if (resume.next_batch_id == 0) {
      // Nothing committed, so no state to keep: the query starts over as it is now.
      CheckpointMetadata updated = meta;
      updated.operators = fresh.operators;
      updated.state_backend = fresh.state_backend;
      RETURN_NOT_OK(checkpoint->RewriteMetadata(updated));
    } else {
      RETURN_NOT_OK(internal::CheckStateCompatible(meta, fresh, checkpoint->dir()));
    }
  }
  // As Spark does with its state store provider: the backend is the one the state was
  // written with, whatever the session says now.
  spec.state_conf.backend = checkpoint->metadata().state_backend;
  RETURN_NOT_OK(internal::AttachStateStores(&prepared, options.env, spec.checkpoint_location,
                                            checkpoint->metadata().shuffle_partitions,
                                            spec.state_conf));
  RETURN_NOT_OK(internal::LoadStateOrFallBack(prepared.operators, checkpoint.get(),
                                              spec.min_batches_to_retain, &resume));
  auto query =
      std::make_shared<MicroBatchExecution>(impl_->shared, std::move(spec), std::move(prepared),
                                            std::move(checkpoint), std::move(resume), temporary);
  {
    std::lock_guard<std::mutex> lock(impl_->shared->mu);
    impl_->shared->active.push_back(query);
  }
  query->StartThread(query);
  return StreamingQueryPtr(query);
}

std::vector<StreamingQueryPtr> StreamingQueryManager::active() const {
  std::lock_guard<std::mutex> lock(impl_->shared->mu);
  return {impl_->shared->active.begin(), impl_->shared->active.end()};
}

StreamingQueryPtr StreamingQueryManager::Get(std::string_view id_or_name) const {
  std::lock_guard<std::mutex> lock(impl_->shared->mu);
  for (const auto& q : impl_->shared->active) {
    if (q->id() == id_or_name || (!q->name().empty() && EqualsIgnoreCase(q->name(), id_or_name))) {
      return q;
    }
  }
  return nullptr;
}

bool StreamingQueryManager::AwaitAnyTermination(int64_t timeout_micros) {
  std::unique_lock<std::mutex> lock(impl_->shared->mu);
  auto done = [&] { return impl_->shared->any_terminated; };
  if (timeout_micros < 0) {
    impl_->shared->terminated_cv.wait(lock, done);
    return true;
  }
  return impl_->shared->terminated_cv.wait_for(lock, std::chrono::microseconds(timeout_micros),
                                               done);
}

void StreamingQueryManager::ResetTerminated() {
  std::lock_guard<std::mutex> lock(impl_->shared->mu);
  impl_->shared->any_terminated = false;
}

void StreamingQueryManager::AddListener(std::shared_ptr<StreamingQueryListener> listener) {
  std::lock_guard<std::mutex> lock(impl_->shared->mu);
  impl_->shared->listeners.push_back(std::move(listener));
}

void StreamingQueryManager::RemoveListener(
    const std::shared_ptr<StreamingQueryListener>& listener) {
  std::lock_guard<std::mutex> lock(impl_->shared->mu);
  auto& l = impl_->shared->listeners;
  l.erase(std::remove(l.begin(), l.end(), listener), l.end());
}

}  // namespace weir::stream
