// The in-memory StateStore backend (state_store.h).
//
// Layout. The provider holds the latest committed version (the base,
// in_memory_base.h): a hash set of nodes, one per key with its value, for point
// reads, and an ordered index of the nodes, for scans, which changes only when a key
// is added or erased.
//
// An open store keeps its changes in a list (a node and its value in the store's
// view, or removed); the node of a key it changed holds the change's position. A key
// the store adds gets its node when it is first put, marked as added: it is in the
// view only through its change (and enters the index, with the other keys added
// since, at the next scan, or at a commit that removes keys while many wait). So a
// read is one hash lookup, a Put after the Get of the same key none, and a scan walks
// the index once, taking each key's value from its change if it has one and skipping
// the keys the view lacks; no overlay is merged. Only the open store touches the
// base, and only one store is open at a time.
//
// Commit applies each change to its entry (swapping the values, so no value is
// copied; a key the store added has its value in its node from its first Put, and
// PutSwap takes the caller's buffer without copying it either), erases the removed
// keys, and writes the undo record of the commit: the value each key it changed had
// before (absent: not in the base), in one buffer. Abort forgets the changes and
// erases the entries the store added. The provider keeps the undo records of the
// last `retained_versions` commits; they cover a contiguous run of versions ending
// at the latest, so the oldest version that can be reopened is latest - (number of
// undo records).
//
// Reopening an older version v seeds the store's changes with the rollback of the
// commits after v (each key they wrote, with its value at v), decoded from their undo
// records: the store sees v while the base, and the newer versions, stay as they are
// until it commits. Its commit then makes the undo record hold values at v rather
// than at the latest, drops the undo records of the versions after v (a re-run epoch
// replaces them), and makes v + 1 the latest.
//
// The durable in-memory backend (durable_in_memory_store.cc) gives the provider a
// CommitHook (in_memory_store_internal.h), which Commit calls before it applies
// anything, with the change list itself: the backend writes the version's delta from
// it, so the rows' Gets and Puts do no extra bookkeeping. A provider can also start
// at a version loaded from files (MakeLoadedInMemoryProvider): a store opened at that
// version is filled and then committed in place, without a hook or an undo record.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "weir/common/check.h"
#include "weir/state/in_memory_base.h"
#include "weir/state/in_memory_store_internal.h"
#include "weir/state/state_store.h"

namespace weir::state {
namespace {

using internal::AbslView;
using internal::IndexKey;
using internal::IndexProbe;
using internal::InMemoryBase;
using internal::kNoChange;
using internal::Node;

// An undo record, or the rollback of several: key -> value (nullopt: absent).
using Rollback = absl::flat_hash_map<std::string, std::optional<std::string>>;

// An undo record is a buffer of (fixed32 key size, key, fixed32 value size or
// kAbsent, value) items: one allocation per commit rather than two strings per key.
constexpr uint32_t kAbsent = UINT32_MAX;

void AppendFixed32(std::string* out, size_t n) {
  WEIR_CHECK_LT(n, size_t{kAbsent});
  const auto v = static_cast<uint32_t>(n);
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

void AppendUndo(std::string* undo, std::string_view key, const std::string* value) {
  AppendFixed32(undo, key.size());
  undo->append(key);
  if (value == nullptr) {
    const uint32_t absent = kAbsent;
    undo->append(reinterpret_cast<const char*>(&absent), sizeof(absent));
    return;
  }
  AppendFixed32(undo, value->size());
  undo->append(*value);
}

// Adds the items of an undo record to `rollback`, overwriting what it has.
void DecodeUndo(std::string_view undo, Rollback* rollback) {
  auto fixed32 = [&undo] {
    uint32_t v;
    WEIR_CHECK_GE(undo.size(), sizeof(v));
    std::memcpy(&v, undo.data(), sizeof(v));
    undo.remove_prefix(sizeof(v));
    return v;
  };
  while (!undo.empty()) {
    const uint32_t key_size = fixed32();
    std::string key(undo.substr(0, key_size));
    undo.remove_prefix(key_size);
    const uint32_t value_size = fixed32();
    std::optional<std::string> value;
    if (value_size != kAbsent) {
      value.emplace(undo.substr(0, value_size));
      undo.remove_prefix(value_size);
    }
    rollback->insert_or_assign(std::move(key), std::move(value));
  }
}

// Thread-safety: thread-safe. mu_ guards the bookkeeping; the base is read and
// written without it by the one open store (see base_).
class InMemoryProvider final : public StateStoreProvider,
                               public std::enable_shared_from_this<InMemoryProvider> {
 public:
  InMemoryProvider(int retained_versions, std::shared_ptr<internal::CommitHook> hook,
                   int64_t version)
      : retained_versions_(std::max(retained_versions, 0)),
        hook_(std::move(hook)),
        latest_version_(version) {}

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

  // Whether commits keep undo records (retained_versions > 0).
  bool retains_versions() const { return retained_versions_ > 0; }
  // For the open store.
  InMemoryBase* base() { return &base_; }
  internal::CommitHook* hook() const { return hook_.get(); }

  // An empty buffer for the open store's undo record: the one of a forgotten
  // version, so that a commit does not grow a new buffer from nothing.
  std::string TakeUndoBuffer() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string buffer;
    buffer.swap(spare_undo_);
    return buffer;
  }

  // Records the commit of the store opened at `version` (the base already holds the
  // new state) and closes it. Returns the new latest version.
  int64_t FinishCommit(int64_t version, std::string undo, const StateStoreMetrics& metrics) {
    std::lock_guard<std::mutex> lock(mu_);
    WEIR_CHECK(store_open_);
    // Purge may already have dropped some of the records of the versions after
    // `version`; the ones left are the newest.
    int64_t newer = std::min<int64_t>(latest_version_ - version, std::ssize(undo_));
    for (; newer > 0; --newer) undo_.pop_back();
    undo_.push_back(std::move(undo));
    while (std::ssize(undo_) > retained_versions_) {
      // Kept for the next commit unless far larger than this one's record.
      if (undo_.front().capacity() <= 2 * undo_.back().size() + 4096) {
        spare_undo_ = std::move(undo_.front());
        spare_undo_.clear();  // keeps its capacity
      }
      undo_.pop_front();
    }
    latest_version_ = version + 1;
    base_metrics_ = metrics;
    store_open_ = false;
    return latest_version_;
  }

  // Records the load of the store opened at the latest version (the base holds its
  // entries now) and closes it: the version stays, and no undo record is added.
  void FinishLoad(const StateStoreMetrics& metrics) {
    std::lock_guard<std::mutex> lock(mu_);
    WEIR_CHECK(store_open_);
    base_metrics_ = metrics;
    store_open_ = false;
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
  // Called by each commit first; null for the plain in-memory backend.
  const std::shared_ptr<internal::CommitHook> hook_;

  mutable std::mutex mu_;
  bool store_open_ = false;   // guarded by mu_
  int64_t open_version_ = 0;  // guarded by mu_; meaningful while store_open_
  int64_t latest_version_;    // guarded by mu_
  // undo_[i] turns version OldestRetainedLocked() + i + 1 back into the one before.
  std::deque<std::string> undo_;    // guarded by mu_
  std::string spare_undo_;          // guarded by mu_; empty, a forgotten record's buffer
  StateStoreMetrics base_metrics_;  // guarded by mu_; of the base

  // The latest version. Written only by the open store (during its Commit, before
  // FinishCommit clears store_open_ under mu_, and for the keys it adds) and read only
  // by it, so it needs no lock: GetStore, which opens the next store, synchronizes
  // through mu_.
  InMemoryBase base_;
};

// How many changes ahead a walk over the change list fetches their nodes.
constexpr size_t kPrefetchAhead = 8;

// Thread-safety: not thread-safe; one thread at a time (state_store.h).
class InMemoryStore final : public StateStore {
 public:
  InMemoryStore(std::shared_ptr<InMemoryProvider> provider, int64_t version,
                const StateStoreMetrics& metrics, Rollback rollback)
      : provider_(std::move(provider)),
        base_(*provider_->base()),
        version_(version),
        metrics_(metrics),
        rollback_(std::move(rollback)) {
    changes_.reserve(std::max(base_.last_changes, rollback_.size()));
    // The hash set grows once here rather than by doubling among the Puts.
    base_.Reserve(base_.last_added);
    for (const auto& [key, value] : rollback_) {
      if (value.has_value()) {
        Write(key, *value, nullptr);
      } else {
        Erase(key);
      }
    }
    opened_metrics_ = metrics_;
  }

  ~InMemoryStore() override { Abort(); }

  int64_t version() const override { return version_; }

  Result<bool> Get(std::string_view key, std::string* value) override {
    RETURN_NOT_OK(CheckOpen("Get"));
    const std::string* found = ViewValue(Find(key, /*remember=*/true));
    if (found == nullptr) return false;
    value->assign(*found);
    return true;
  }

  Status Put(std::string_view key, std::string_view value) override {
    RETURN_NOT_OK(CheckWritable("Put"));
    Write(key, value, nullptr);
    return Status::OK();
  }

  // The buffer becomes the view's value of the key (the base's at commit); *value
  // gets the one it replaces, if any.
  Status PutSwap(std::string_view key, std::string* value) override {
    RETURN_NOT_OK(CheckWritable("Put"));
    Write(key, *value, value);
    return Status::OK();
  }

  void Prefetch(std::string_view key) override {
    if (state_ == State::kOpen) base_.Prefetch(key);
  }

  void ReserveKeys(size_t keys) override {
    if (state_ != State::kOpen) return;
    base_.Reserve(keys);
    changes_.reserve(changes_.size() + keys);
  }

  Status Remove(std::string_view key) override {
    RETURN_NOT_OK(CheckWritable("Remove"));
    Erase(key);
    return Status::OK();
  }

  Status PrefixScan(std::string_view prefix, const StateVisitor& visit) override;

  Status Iterate(const StateVisitor& visit) override { return PrefixScan({}, visit); }

  Result<int64_t> Commit() override;
  // Makes the changes the base's content without a new version (a load; see
  // MakeLoadedInMemoryProvider).
  Status CommitLoad();

  void Abort() override {
    if (state_ != State::kOpen) return;
    // A visitor that aborts would erase entries from under the scan.
    WEIR_CHECK_EQ(scan_depth_, 0);
    state_ = State::kAborted;
    cache_valid_ = false;
    std::vector<IndexKey> erased;
    for (const Change& c : changes_) {
      c.node->change = kNoChange;
      if (c.added) erased.push_back(IndexKey::Of(c.node));
    }
    base_.EraseAll(&erased);
    changes_.clear();
    rollback_.clear();
    metrics_ = opened_metrics_;
    provider_->ReleaseStore();
  }

  bool committed() const override { return state_ == State::kCommitted; }

  StateStoreMetrics metrics() const override { return metrics_; }

 private:
  enum class State { kOpen, kCommitted, kAborted };

  // A key the store changed.
  struct Change {
    Node* node;
    // The key's value in the view, when `present` and not `added`. An added key's
    // value is kept in its node (unused otherwise until the commit), so that the
    // commit need not move it there.
    std::string value;
    bool present;  // false: removed
    bool added;    // the key was not in the base: the store added its entry
  };

  // Where a change's value in the view is kept.
  static std::string& ValueOf(Change& c) { return c.added ? c.node->value : c.value; }
  static const std::string& ValueOf(const Change& c) { return c.added ? c.node->value : c.value; }

  // Applies the changes to the base; with `undo`, appends their undo record to it.
  void ApplyChanges(std::string* undo);

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

  // The key's node in the base (nullptr: none). With `remember`, a later Find of the
  // same key takes it from the cache.
  Node* Find(std::string_view key, bool remember = false) {
    if (cache_valid_ && key == cached_key_) return cached_node_;
    Node* node = base_.Find(key);
    if (remember) {
      cached_key_.assign(key);
      cached_node_ = node;
      cache_valid_ = true;
    }
    return node;
  }

  // The node's value in the view (nullptr: not in the view).
  const std::string* ViewValue(const Node* node) const {
    if (node == nullptr) return nullptr;
    if (node->change == kNoChange) return &node->value;
    const Change& c = changes_[node->change];
    return c.present ? &ValueOf(c) : nullptr;
  }

  // Gives an entry a change, its value unset.
  Change& NewChange(Node* node, bool added) {
    WEIR_CHECK_LT(changes_.size(), size_t{internal::kErasingUnindexed});
    node->change = static_cast<uint32_t>(changes_.size());
    return changes_.emplace_back(Change{node, std::string(), false, added});
  }

  // Makes the view map `key` to `value`: to *owned's bytes, taken by a swap, when
  // `owned` is not null (`value` views them), else to a copy of `value`.
  void Write(std::string_view key, std::string_view value, std::string* owned) {
    auto set = [&](std::string* dst) {
      if (owned != nullptr) {
        dst->swap(*owned);
      } else {
        dst->assign(value);  // reuses the string's buffer
      }
    };
    Node* node = nullptr;
    bool added = false;
    if (cache_valid_ && cached_node_ != nullptr && key == cached_key_) {
      node = cached_node_;
    } else {
      node = base_.FindOrAdd(key, &added);
    }
    if (added) {
      AddEntry(key, value);
      // A cached miss may be this key's.
      if (cached_node_ == nullptr) cache_valid_ = false;
      Change& c = NewChange(node, /*added=*/true);
      set(&ValueOf(c));
      c.present = true;
      return;
    }
    if (node->change == kNoChange) {
      ResizeEntry(node->value.size(), value.size());
      Change& c = NewChange(node, /*added=*/false);
      set(&c.value);
      c.present = true;
      return;
    }
    Change& c = changes_[node->change];
    std::string& current = ValueOf(c);
    if (c.present) {
      ResizeEntry(current.size(), value.size());
    } else {
      AddEntry(key, value);
    }
    set(&current);
    c.present = true;
  }

  // Makes the view not contain `key`.
  void Erase(std::string_view key) {
    Node* node = Find(key);
    if (node == nullptr) return;  // neither in the base nor written: nothing to undo
    if (node->change == kNoChange) {
      SubtractEntry(key, node->value);
      NewChange(node, /*added=*/false);
      return;
    }
    Change& c = changes_[node->change];
    if (!c.present) return;
    std::string& current = ValueOf(c);
    SubtractEntry(key, current);
    c.present = false;
    current.clear();
  }

  // Keeps the provider, and with it the base, alive while the store is.
  const std::shared_ptr<InMemoryProvider> provider_;
  InMemoryBase& base_;
  const int64_t version_;
  StateStoreMetrics opened_metrics_;  // of version_
  StateStoreMetrics metrics_;         // of the view: the base with changes_ applied
  std::vector<Change> changes_;
  // When opened at an older version than the latest: the value at version_ of each
  // key a later commit wrote. Already applied to changes_; Commit needs it again.
  Rollback rollback_;
  // The node of the last key Get looked up, so that the Put or Remove of that key
  // which usually follows (an aggregation reads a group, then writes it) does not
  // search the base again. Nodes stay where they are until Commit or Abort; adding
  // a key invalidates a cached miss.
  std::string cached_key_;
  Node* cached_node_ = nullptr;
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
  // The keys with a prefix are a contiguous run starting at lower_bound(prefix). The
  // visitor cannot write, so the index does not change under the scan.
  const auto& index = base_.index();
  for (auto it = index.lower_bound(IndexProbe::Of(prefix)); it != index.end(); ++it) {
    const Node* node = it->node;
    const std::string_view key = node->key();
    if (!key.starts_with(prefix)) break;
    const std::string* value = ViewValue(node);
    if (value != nullptr && !visit(key, *value)) break;
  }
  return Status::OK();
}

Result<int64_t> InMemoryStore::Commit() {
  RETURN_NOT_OK(CheckWritable("Commit"));
  if (internal::CommitHook* hook = provider_->hook(); hook != nullptr) {
    // A removal is reported even for a key the store added (it may have existed at
    // version_ when the store was opened at an older version).
    const internal::ChangeList changes = [this](const internal::ChangeVisitor& visit) {
      // The nodes are scattered (a cache miss each): fetched a few changes ahead.
      const size_t n = changes_.size();
      for (size_t i = 0; i < n; ++i) {
        if (i + kPrefetchAhead < n) __builtin_prefetch(changes_[i + kPrefetchAhead].node);
        const Change& c = changes_[i];
        RETURN_NOT_OK(visit(c.node->key(), c.present ? &ValueOf(c) : nullptr));
      }
      return Status::OK();
    };
    Status st = hook->BeforeCommit(version_, this, changes);
    if (!st.ok()) {
      Abort();
      return st;
    }
  }
  cache_valid_ = false;
  std::string undo = provider_->TakeUndoBuffer();
  // Without retained versions the record would be dropped at once: none is written.
  ApplyChanges(provider_->retains_versions() ? &undo : nullptr);
  state_ = State::kCommitted;
  return provider_->FinishCommit(version_, std::move(undo), metrics_);
}

Status InMemoryStore::CommitLoad() {
  RETURN_NOT_OK(CheckWritable("CommitLoad"));
  WEIR_CHECK(rollback_.empty());
  cache_valid_ = false;
  ApplyChanges(nullptr);
  base_.last_changes = 0;  // the next store changes what its epoch does, not this many
  base_.last_added = 0;
  state_ = State::kCommitted;
  provider_->FinishLoad(metrics_);
  return Status::OK();
}

void InMemoryStore::ApplyChanges(std::string* undo) {
  std::vector<IndexKey> erased;  // the keys removed
  size_t added = 0;
  const size_t n = changes_.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) __builtin_prefetch(changes_[i + kPrefetchAhead].node);
    Change& c = changes_[i];
    Node* node = c.node;
    node->change = kNoChange;
    if (undo != nullptr) {
      // The undo record holds the key's value at version_: the base's, unless a
      // commit after version_ changed it (then the rollback has it).
      auto rolled = rollback_.empty() ? rollback_.end() : rollback_.find(AbslView(node->key()));
      if (rolled != rollback_.end()) {
        AppendUndo(undo, node->key(), rolled->second.has_value() ? &*rolled->second : nullptr);
      } else if (!c.added) {
        AppendUndo(undo, node->key(), &node->value);
      } else if (c.present) {
        AppendUndo(undo, node->key(), nullptr);
      }  // else added and removed again: absent before and after
    }
    if (!c.present) {
      erased.push_back(IndexKey::Of(node));
    } else if (c.added) {
      ++added;  // its value is in the node already
    } else {
      node->value.swap(c.value);
    }
  }
  base_.EraseAll(&erased);
  base_.last_changes = changes_.size();
  base_.last_added = added;
  changes_.clear();
  rollback_.clear();
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
  Rollback rollback;
  for (int64_t v = latest_version_; v > version; --v) DecodeUndo(undo_[v - oldest - 1], &rollback);
  store_open_ = true;
  open_version_ = version;
  return StateStorePtr(std::make_unique<InMemoryStore>(shared_from_this(), version, base_metrics_,
                                                       std::move(rollback)));
}

}  // namespace

StateStoreProviderPtr MakeInMemoryStateStoreProvider(int retained_versions) {
  return std::make_shared<InMemoryProvider>(retained_versions, nullptr, 0);
}

namespace internal {

Result<StateStoreProviderPtr> MakeLoadedInMemoryProvider(
    int retained_versions, std::shared_ptr<CommitHook> hook, int64_t version,
    const std::function<Status(StateStore* store)>& load) {
  auto provider = std::make_shared<InMemoryProvider>(retained_versions, std::move(hook), version);
  ASSIGN_OR_RAISE(StateStorePtr store, provider->GetStore(version));
  auto* loading = static_cast<InMemoryStore*>(store.get());
  RETURN_NOT_OK(load(loading));
  RETURN_NOT_OK(loading->CommitLoad());
  return StateStoreProviderPtr(std::move(provider));
}

}  // namespace internal

}  // namespace weir::state
