// The durable in-memory StateStore backend (weir.state.backend = memory;
// state_store.h): the in-memory store (in_memory_store.cc) with its versions kept in
// the files of state_files.h.
//
// Commit. The in-memory store calls the backend's CommitHook before it applies
// anything, with its change list: the hook writes <v+1>.delta from it (synced and
// renamed into place) and, when min_deltas_for_snapshot deltas follow the last
// snapshot, <v+1>.snapshot from a scan of the committing store, whose reads already
// see v + 1. Both are written synchronously, on the committing thread. Only when
// both are durable does the store apply its changes in memory, so the in-memory state
// never runs ahead of the files; when a write fails, the store aborts and the commit
// fails with the error, leaving the previous version the latest, in memory and on
// disk (a file already written for the failed version is deleted, best effort). A
// commit of a store opened at a version older than the latest on disk first deletes
// the files of the versions after it (a re-run epoch replaces them).
//
// GetStore. The in-memory provider serves the versions it holds (the latest and
// those its undo records reach back to). Any other version -- the first GetStore
// after the process started, or a version older than the undo records reach -- is
// loaded from the files: the newest snapshot at or below it, then the deltas after
// the snapshot, into a new in-memory provider that replaces the old one.
//
// Purge(min) drops the in-memory undo records before min and the files no version
// >= min needs (StateFiles::Purge).

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "weir/state/in_memory_store_internal.h"
#include "weir/state/state_files.h"
#include "weir/state/state_store.h"

namespace weir::state {
namespace {

// Undo records the in-memory provider keeps, to reopen versions before the latest
// without reading the files: none. Spark keeps two (numberOfVersionsToRetainInMemory)
// for a task retried on the same executor; weir re-runs an epoch only when a query
// starts, and a starting query opens its providers from the files anyway. An undo
// record would copy the old value of every key each commit changes or removes (a
// join's evicted rows, an aggregation's updated groups) for nothing.
constexpr int kRetainedInMemory = 0;

// The file side of a provider, and the hook of its in-memory provider's commits. The
// in-memory provider (and so every store it opened) keeps it alive.
//
// Thread-safety: thread-safe; mu guards everything but latest.
class DurableCore final : public internal::CommitHook {
 public:
  DurableCore(Env* env, std::string dir, int min_deltas_for_snapshot)
      : files(env, std::move(dir)), min_deltas_for_snapshot_(min_deltas_for_snapshot) {}

  Status BeforeCommit(int64_t version, StateStore* store,
                      const internal::ChangeList& changes) override {
    std::lock_guard<std::mutex> lock(mu);
    Status st = WriteVersionLocked(version, store, changes);
    if (!st.ok()) {
      // Best effort: a version whose commit failed should not outlive it on disk (a
      // re-run of the epoch replaces it anyway). The files may now disagree with the
      // in-memory versions (the ones after `version` deleted, say): the next
      // GetStore reloads.
      files.DeleteAfter(version).IgnoreError();
      RefreshLocked().IgnoreError();
      stale = true;
    }
    return st;
  }

  // Reads latest and last_snapshot from the directory.
  Status RefreshLocked() {
    ASSIGN_OR_RAISE(std::vector<StateFiles::File> list, files.List());
    int64_t newest = 0;
    for (const StateFiles::File& f : list) newest = std::max(newest, f.version);
    latest.store(newest);
    last_snapshot_ = 0;
    for (const StateFiles::File& f : list) {
      if (f.kind == StateFiles::Kind::kSnapshot) last_snapshot_ = f.version;  // sorted
    }
    return Status::OK();
  }

  std::mutex mu;
  StateFiles files;  // guarded by mu
  // A commit failed after the files were touched: the in-memory provider must be
  // rebuilt from the files. Guarded by mu.
  bool stale = false;
  // The latest version on disk. Written under mu.
  std::atomic<int64_t> latest{0};

 private:
  Status WriteVersionLocked(int64_t version, StateStore* store,
                            const internal::ChangeList& changes) {
    const int64_t next = version + 1;
    if (version < latest.load()) {
      RETURN_NOT_OK(files.DeleteAfter(version));
      latest.store(version);
      if (last_snapshot_ > version) RETURN_NOT_OK(RefreshLocked());
    }
    {
      ASSIGN_OR_RAISE(std::unique_ptr<StateFileWriter> delta, files.NewDelta(next));
      RETURN_NOT_OK(changes([&delta](std::string_view key, const std::string* value) {
        return value != nullptr ? delta->Put(key, *value) : delta->Remove(key);
      }));
      RETURN_NOT_OK(delta->Finish());
    }
    if (next - last_snapshot_ >= min_deltas_for_snapshot_) {
      RETURN_NOT_OK(WriteSnapshot(next, store));
      last_snapshot_ = next;
    }
    latest.store(next);
    return Status::OK();
  }

  Status WriteSnapshot(int64_t next, StateStore* store) {
    ASSIGN_OR_RAISE(std::unique_ptr<StateFileWriter> snapshot, files.NewSnapshot(next));
    Status put;
    RETURN_NOT_OK(store->Iterate([&](std::string_view key, std::string_view value) {
      put = snapshot->Put(key, value);
      return put.ok();
    }));
    RETURN_NOT_OK(put);
    return snapshot->Finish();
  }

  const int min_deltas_for_snapshot_;
  // The newest snapshot at or below latest (0: none). Guarded by mu.
  int64_t last_snapshot_ = 0;
};

// Thread-safety: thread-safe (state_store.h); core_->mu guards inner_.
class DurableInMemoryProvider final : public StateStoreProvider {
 public:
  explicit DurableInMemoryProvider(std::shared_ptr<DurableCore> core) : core_(std::move(core)) {}

  Result<StateStorePtr> GetStore(int64_t version) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    if (core_->stale) {
      inner_.reset();
      RETURN_NOT_OK(core_->RefreshLocked());
      core_->stale = false;
    }
    const int64_t latest = core_->latest.load();
    if (version < 0 || version > latest) {
      return Status::NotFound("state version " + std::to_string(version) + " is not in " +
                              core_->files.dir() + ": the latest version there is " +
                              std::to_string(latest));
    }
    if (inner_ != nullptr) {
      Result<StateStorePtr> store = inner_->GetStore(version);
      // NotFound: a version the in-memory state does not reach; load it.
      if (store.ok() || !store.status().IsNotFound()) return store;
    }
    inner_.reset();  // frees the old state before the new one is loaded
    ASSIGN_OR_RAISE(StateFiles::LoadPlan plan,
                    core_->files.PlanLoad(version, StateFiles::Kind::kSnapshot));
    StateFiles& files = core_->files;
    auto load = [&](StateStore* store) -> Status {
      auto apply = [store](std::string_view key, const std::string* value) {
        return value != nullptr ? store->Put(key, *value) : store->Remove(key);
      };
      if (plan.snapshot_version > 0) {
        RETURN_NOT_OK(files.Read(plan.snapshot_version, StateFiles::Kind::kSnapshot, apply));
      }
      for (int64_t v : plan.deltas) RETURN_NOT_OK(files.Read(v, StateFiles::Kind::kDelta, apply));
      return Status::OK();
    };
    ASSIGN_OR_RAISE(inner_,
                    internal::MakeLoadedInMemoryProvider(kRetainedInMemory, core_, version, load));
    return inner_->GetStore(version);
  }

  int64_t latest_version() const override { return core_->latest.load(); }

  Status Purge(int64_t min_version) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    if (inner_ != nullptr) RETURN_NOT_OK(inner_->Purge(min_version));
    return core_->files.Purge(std::min(min_version, core_->latest.load()));
  }

 private:
  const std::shared_ptr<DurableCore> core_;
  StateStoreProviderPtr inner_;  // guarded by core_->mu; null until loaded
};

}  // namespace

Result<StateStoreProviderPtr> MakeDurableInMemoryProvider(Env* env, const std::string& dir,
                                                          const StateStoreConf& conf) {
  if (env == nullptr) return Status::InvalidArgument("MakeDurableInMemoryProvider: no Env");
  if (conf.min_deltas_for_snapshot < 1) {
    return Status::InvalidArgument(
               "spark.sql.streaming.stateStore.minDeltasForSnapshot must be at least 1, not " +
               std::to_string(conf.min_deltas_for_snapshot))
        .WithHint("SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 10");
  }
  auto core = std::make_shared<DurableCore>(env, dir, conf.min_deltas_for_snapshot);
  {
    std::lock_guard<std::mutex> lock(core->mu);
    // Temp files of writes a crash interrupted.
    RETURN_NOT_OK(core->files.DeleteDebris());
    RETURN_NOT_OK(core->RefreshLocked());
  }
  return StateStoreProviderPtr(std::make_shared<DurableInMemoryProvider>(std::move(core)));
}

}  // namespace weir::state
