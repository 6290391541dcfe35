// The in-memory StateStore backend (state_store.h).
//
// Layout. The provider holds the latest committed version in an ordered map (the
// base) and, for each of the last `retained_versions` commits, an undo record: the
// value each key the commit wrote had before it (nullopt: absent). The undo records
// cover a contiguous run of versions ending at the latest, so the oldest version that
// can be reopened is latest - (number of undo records).
//
// An open store writes into a delta (key -> value, nullopt: removed) overlaid on the
// base; reads look in the delta first and scans merge the two in key order. Only the
// open store touches the base, and only one store is open at a time.
//
// Commit swaps each delta value with the base's (ApplyDelta): afterwards the base is
// the new version and the delta holds exactly that commit's undo record, so a commit
// copies no value and allocates only for keys new to the base. Abort drops the delta.
//
// Reopening an older version v seeds the delta with the rollback of the commits after
// v (each key they wrote, with its value at v), computed from copies of their undo
// records: the store sees v while the base, and the newer versions, stay as they
// are until it commits. Its commit then makes the undo record hold values at v
// rather than at the latest, drops the undo records of the versions after v (a re-run
// epoch replaces them), and makes v + 1 the latest.

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <absl/container/btree_map.h>
#include <absl/strings/string_view.h>

#include "weir/common/check.h"
#include "weir/state/in_memory_store_internal.h"
#include "weir/state/state_store.h"

namespace weir::state {
namespace {

// std::less<std::string> makes absl use its three-way, transparent string compare:
// lookups take a string view without building a std::string, and keys order as
// unsigned bytes (the compare is memcmp's).
using BaseMap = absl::btree_map<std::string, std::string>;
// A delta (nullopt: removed) or an undo record (nullopt: absent before the commit).
using DeltaMap = absl::btree_map<std::string, std::optional<std::string>>;

// The heterogeneous lookups take an absl::string_view, which Debian's absl does not
// alias to std::string_view.
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// Applies `delta` to `base` and leaves in `delta` the undo record of that change:
// each key's previous value in `base` (nullopt: absent).
void ApplyDelta(BaseMap* base, DeltaMap* delta) {
  for (auto& [key, value] : *delta) {
    auto it = base->lower_bound(key);
    const bool present = it != base->end() && it->first == key;
    if (value.has_value()) {
      if (present) {
        it->second.swap(*value);
      } else {
        base->emplace_hint(it, key, std::move(*value));
        value.reset();
      }
    } else if (present) {
      value = std::move(it->second);
      base->erase(it);
    }
  }
}

// Thread-safety: thread-safe. mu_ guards the bookkeeping; the base is read and
// written without it by the one open store (see base_).
class InMemoryProvider final : public StateStoreProvider,
                               public std::enable_shared_from_this<InMemoryProvider> {
 public:
  explicit InMemoryProvider(int retained_versions)
      : retained_versions_(std::max(retained_versions, 0)) {}

  Result<StateStorePtr> GetStore(int64_t version) override;

  int64_t latest_version() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return latest_version_;
  }

  // Never forgets the latest version: it is the base, not an undo record.
  Status Purge(int64_t min_version) override {
    std::lock_guard<std::mutex> lock(mu_);
    while (!undo_.empty() && OldestRetainedLocked() < min_version) undo_.pop_front();
    return Status::OK();
  }

  // For the open store.
  BaseMap* base() { return &base_; }

  // Records the commit of the store opened at `version` (the base already holds the
  // new state) and closes it. Returns the new latest version.
  int64_t FinishCommit(int64_t version, DeltaMap undo, const StateStoreMetrics& metrics) {
    std::lock_guard<std::mutex> lock(mu_);
    WEIR_CHECK(store_open_);
    // Purge may already have dropped some of the records of the versions after
    // `version`; the ones left are the newest.
    int64_t newer = std::min<int64_t>(latest_version_ - version, std::ssize(undo_));
    for (; newer > 0; --newer) undo_.pop_back();
    undo_.push_back(std::move(undo));
    while (std::ssize(undo_) > retained_versions_) undo_.pop_front();
    latest_version_ = version + 1;
    base_metrics_ = metrics;
    store_open_ = false;
    return latest_version_;
  }

  // Closes the open store without a commit.
  void ReleaseStore() {
    std::lock_guard<std::mutex> lock(mu_);
    WEIR_CHECK(store_open_);
    store_open_ = false;
  }

 private:
  int64_t OldestRetainedLocked() const { return latest_version_ - std::ssize(undo_); }

  const int retained_versions_;

  mutable std::mutex mu_;
  bool store_open_ = false;     // guarded by mu_
  int64_t open_version_ = 0;    // guarded by mu_; meaningful while store_open_
  int64_t latest_version_ = 0;  // guarded by mu_
  // undo_[i] turns version OldestRetainedLocked() + i + 1 back into the one before.
  std::deque<DeltaMap> undo_;       // guarded by mu_
  StateStoreMetrics base_metrics_;  // guarded by mu_; of the base

  // The latest version. Written only by the open store (during its Commit, before
  // FinishCommit clears store_open_ under mu_) and read only by it, so it needs no
  // lock: GetStore, which opens the next store, synchronizes through mu_.
  BaseMap base_;
};

// Thread-safety: not thread-safe; one thread at a time (state_store.h).
class InMemoryStore final : public StateStore {
 public:
  InMemoryStore(std::shared_ptr<InMemoryProvider> provider, int64_t version,
                const StateStoreMetrics& metrics, DeltaMap rollback)
      : provider_(std::move(provider)),
        base_(*provider_->base()),
        version_(version),
        metrics_(metrics),
        rollback_(std::move(rollback)) {
    for (const auto& [key, value] : rollback_) {
      if (value.has_value()) {
        WriteDelta(key, *value);
      } else {
        EraseDelta(key);
      }
    }
    opened_metrics_ = metrics_;
  }

  ~InMemoryStore() override { Abort(); }

  int64_t version() const override { return version_; }

  Result<bool> Get(std::string_view key, std::string* value) override {
    RETURN_NOT_OK(CheckOpen("Get"));
    const Position pos = Locate(key, /*remember=*/true);
    const std::string* found = nullptr;
    if (pos.in_delta) {
      if (pos.delta->second.has_value()) found = &*pos.delta->second;
    } else if (pos.base != base_.end()) {
      found = &pos.base->second;
    }
    if (found == nullptr) return false;
    value->assign(*found);
    return true;
  }

  Status Put(std::string_view key, std::string_view value) override {
    RETURN_NOT_OK(CheckWritable("Put"));
    WriteDelta(key, value);
    return Status::OK();
  }

  Status Remove(std::string_view key) override {
    RETURN_NOT_OK(CheckWritable("Remove"));
    EraseDelta(key);
    return Status::OK();
  }

  Status PrefixScan(std::string_view prefix, const StateVisitor& visit) override;

  Status Iterate(const StateVisitor& visit) override { return PrefixScan({}, visit); }

  Result<int64_t> Commit() override {
    RETURN_NOT_OK(CheckWritable("Commit"));
    cache_valid_ = false;
    ApplyDelta(&base_, &delta_);
    // delta_ now maps each key written to its value at the latest version; for the
    // keys the commits after version_ wrote, the value at version_ is the rollback's.
    for (auto& [key, value] : rollback_) delta_.insert_or_assign(key, std::move(value));
    rollback_.clear();
    state_ = State::kCommitted;
    return provider_->FinishCommit(version_, std::move(delta_), metrics_);
  }

  void Abort() override {
    if (state_ != State::kOpen) return;
    // A visitor that aborts would pull the delta from under the scan.
    WEIR_CHECK_EQ(scan_depth_, 0);
    state_ = State::kAborted;
    cache_valid_ = false;
    delta_.clear();
    rollback_.clear();
    metrics_ = opened_metrics_;
    provider_->ReleaseStore();
  }

  bool committed() const override { return state_ == State::kCommitted; }

  StateStoreMetrics metrics() const override { return metrics_; }

 private:
  enum class State { kOpen, kCommitted, kAborted };

  Status CheckOpen(const char* what) const {
    if (__builtin_expect(state_ == State::kOpen, 1)) return Status::OK();
    return Status::Internal(std::string(what) + " on the state store of version " +
                            std::to_string(version_) + " after it was " +
                            (state_ == State::kCommitted ? "committed" : "aborted"));
  }

  Status CheckWritable(const char* what) const {
    RETURN_NOT_OK(CheckOpen(what));
    if (__builtin_expect(scan_depth_ > 0, 0)) {
      return Status::Internal(std::string(what) +
                              " on the state store from inside one of its scans");
    }
    return Status::OK();
  }

  void AddEntry(std::string_view key, std::string_view value) {
    ++metrics_.num_keys;
    metrics_.memory_used_bytes += internal::EntryBytes(key, value);
  }
  void SubtractEntry(std::string_view key, std::string_view value) {
    --metrics_.num_keys;
    metrics_.memory_used_bytes -= internal::EntryBytes(key, value);
  }
  void ResizeEntry(size_t old_size, size_t new_size) {
    metrics_.memory_used_bytes += static_cast<int64_t>(new_size) - static_cast<int64_t>(old_size);
  }

  // Where a key is in the view: its delta entry, or else its base entry.
  struct Position {
    DeltaMap::iterator delta;  // delta_.lower_bound(key)
    bool in_delta = false;     // delta points at the key's entry
    BaseMap::iterator base;    // when !in_delta: base_.find(key)
  };

  // With `remember`, a later Locate of the same key finds the position in the cache.
  Position Locate(std::string_view key, bool remember = false) {
    if (cache_valid_ && key == cached_key_) return cached_;
    Position pos;
    pos.delta = delta_.lower_bound(AbslView(key));
    pos.in_delta = pos.delta != delta_.end() && pos.delta->first == key;
    if (!pos.in_delta) pos.base = base_.find(AbslView(key));
    if (remember) {
      cached_key_.assign(key);
      cached_ = pos;
      cache_valid_ = true;
    }
    return pos;
  }

  // Makes the view map `key` to `value`.
  void WriteDelta(std::string_view key, std::string_view value) {
    const Position pos = Locate(key);
    if (pos.in_delta) {
      std::optional<std::string>& slot = pos.delta->second;
      if (slot.has_value()) {
        ResizeEntry(slot->size(), value.size());
        slot->assign(value);  // reuses the string's buffer
      } else {
        AddEntry(key, value);
        slot.emplace(value);
      }
      return;
    }
    if (pos.base != base_.end()) {
      ResizeEntry(pos.base->second.size(), value.size());
    } else {
      AddEntry(key, value);
    }
    delta_.emplace_hint(pos.delta, std::piecewise_construct, std::forward_as_tuple(key),
                        std::forward_as_tuple(std::in_place, value));
    cache_valid_ = false;  // inserting moved the delta's entries
  }

  // Makes the view not contain `key`.
  void EraseDelta(std::string_view key) {
    const Position pos = Locate(key);
    if (pos.in_delta) {
      if (pos.delta->second.has_value()) {
        SubtractEntry(key, *pos.delta->second);
        pos.delta->second.reset();
      }
      return;
    }
    if (pos.base == base_.end()) return;  // neither in the base nor written: nothing to undo
    SubtractEntry(key, pos.base->second);
    delta_.emplace_hint(pos.delta, std::piecewise_construct, std::forward_as_tuple(key),
                        std::forward_as_tuple(std::nullopt));
    cache_valid_ = false;  // inserting moved the delta's entries
  }

  // Keeps the provider, and with it the base, alive while the store is.
  const std::shared_ptr<InMemoryProvider> provider_;
  BaseMap& base_;
  const int64_t version_;
  StateStoreMetrics opened_metrics_;  // of version_
  StateStoreMetrics metrics_;         // of the view: base_ overlaid with delta_
  DeltaMap delta_;
  // When opened at an older version than the latest: the value at version_ of each
  // key a later commit wrote. Already applied to delta_; Commit needs it again.
  DeltaMap rollback_;
  // Where the last key Get looked up is, so that the Put or Remove of that key which
  // usually follows (an aggregation reads a group, then writes it) searches neither
  // map again. The base does not change while the store is open; the delta's
  // iterators stay valid until an insertion, which clears cache_valid_.
  std::string cached_key_;
  Position cached_;
  bool cache_valid_ = false;
  State state_ = State::kOpen;
  // Scans in progress (a visitor may scan too); writes are refused while > 0.
  int scan_depth_ = 0;
};

Status InMemoryStore::PrefixScan(std::string_view prefix, const StateVisitor& visit) {
  RETURN_NOT_OK(CheckOpen("PrefixScan"));
  struct ScanGuard {
    int* depth;
    explicit ScanGuard(int* d) : depth(d) { ++*depth; }
    ~ScanGuard() { --*depth; }
  } guard(&scan_depth_);
  // The keys with a prefix are a contiguous run starting at lower_bound(prefix).
  auto b = base_.lower_bound(AbslView(prefix));
  auto d = delta_.lower_bound(AbslView(prefix));
  const auto in_b = [&] {
    return b != base_.end() && std::string_view(b->first).starts_with(prefix);
  };
  const auto in_d = [&] {
    return d != delta_.end() && std::string_view(d->first).starts_with(prefix);
  };
  bool more_b = in_b();
  bool more_d = in_d();
  bool go_on = true;
  while (go_on && (more_b || more_d)) {
    // < 0: the base's key comes first; 0: the delta's entry replaces the base's.
    const int order = !more_d ? -1 : !more_b ? 1 : b->first.compare(d->first);
    if (order < 0) {
      go_on = visit(b->first, b->second);
      ++b;
      more_b = in_b();
    } else {
      if (d->second.has_value()) go_on = visit(d->first, *d->second);
      ++d;
      more_d = in_d();
      if (order == 0) {
        ++b;
        more_b = in_b();
      }
    }
  }
  return Status::OK();
}

Result<StateStorePtr> InMemoryProvider::GetStore(int64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  if (store_open_) {
    return Status::Internal("cannot open state version " + std::to_string(version) +
                            ": the store of version " + std::to_string(open_version_) +
                            " is still open, and a provider opens one store at a time");
  }
  const int64_t oldest = OldestRetainedLocked();
  if (version < oldest || version > latest_version_) {
    return Status::NotFound("state version " + std::to_string(version) +
                            " is not retained: the versions retained are " +
                            std::to_string(oldest) + " to " + std::to_string(latest_version_) +
                            " (retained_versions " + std::to_string(retained_versions_) + ")");
  }
  // Newest first, so that an older commit's value of a key overwrites a newer one's.
  DeltaMap rollback;
  for (int64_t v = latest_version_; v > version; --v) {
    for (const auto& [key, value] : undo_[v - oldest - 1]) rollback.insert_or_assign(key, value);
  }
  store_open_ = true;
  open_version_ = version;
  return StateStorePtr(std::make_unique<InMemoryStore>(shared_from_this(), version, base_metrics_,
                                                       std::move(rollback)));
}

}  // namespace

StateStoreProviderPtr MakeInMemoryStateStoreProvider(int retained_versions) {
  return std::make_shared<InMemoryProvider>(retained_versions);
}

}  // namespace weir::state
