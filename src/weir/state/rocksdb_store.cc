// The RocksDB StateStore backend (state_store.h), for state larger than memory.
//
// Layout. A provider (one operator partition) owns one RocksDB instance in
// <dir>/working, which holds one version of the state: the version of the last store
// opened or committed. The working instance is not durable (its WAL is off) and is
// rebuilt from the durable files of state_files.h whenever it does not hold the
// version asked for: at the first GetStore of the provider, and when an epoch is
// re-run at an older version. The durable files are StateFiles' deltas (the
// changelog of each epoch) and RocksDB snapshots:
//
//   <v>.rocksdb/       a RocksDB checkpoint of version v (SST files hard-linked from
//                      the working instance; CURRENT, MANIFEST and OPTIONS copied)
//   <v>.rocksdb.done   its marker, written last: the snapshot exists only with it
//                      (StateFiles::List reports it only then). Text, checksummed:
//                      the version, the number of keys and every file of the
//                      snapshot with its size, so that a torn snapshot (a file lost
//                      or cut short) is detected when it is loaded.
//
// An open store keeps its epoch's changes in a hash map (one entry per key: its new
// value, or its removal) in front of the instance: Get and the existence checks of
// Put and Remove look the map up first, then RocksDB. Hashing, not RocksDB's
// WriteBatchWithIndex: that one's skiplist cost a comparison-heavy search on every
// Get and Put (about 40% of the time of a keyed aggregation). Scans merge the changes
// under the prefix, in key order, into a RocksDB iterator; the order comes from an
// index of the map (a B-tree) built at the epoch's first scan and kept up to date by
// the writes after it. Commit writes the changelog <v+1>.delta from the index (in
// key order, one put or remove per key changed), then applies the changes to the
// instance in one WriteBatch (in key order, which the memtable inserts faster), then,
// when min_deltas_for_snapshot deltas follow the last snapshot, writes the snapshot
// <v+1>.rocksdb. The changelog is what makes the commit durable: if writing it
// fails, nothing is applied.
//
// The provider keeps the changes of the last commit one epoch longer, as a read
// cache for the store opened next at that version: a streaming query mostly reads
// the keys the epoch before it wrote (the groups of the open windows), which then
// skip RocksDB's memtables and files. Only when they are at most
// kRecentBytesPerWriteBuffer write buffers large, and only while the instance holds
// exactly the version they made.
//
// The number of keys is kept exact: each Put and Remove learns whether its key is in
// the store's view (the changes, the commit before's, then RocksDB: a bloom filter
// rules most absent keys out without reading the disk; the key of the last Get costs
// nothing), as Spark's RocksDB store does with trackTotalNumberOfRows. A snapshot's
// marker records its count; a load applying deltas after it looks up each of their
// keys the same way (in batches), or, when the deltas are large beside the state,
// counts the keys with one scan.
//
// Memory. memory_used_bytes is what RocksDB holds in memory, as Spark's RocksDB
// provider reports it: the memtables (rocksdb.size-all-mem-tables), the table
// readers' index and filter blocks not in the cache
// (rocksdb.estimate-table-readers-mem) and the block cache's usage, plus the open
// store's changes and the kept changes of the commit before. The block cache and
// the write buffers are bounded by StateStoreConf, so the state itself may be far
// larger than memory.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_map.h>
#include <absl/container/node_hash_map.h>
#include <absl/strings/string_view.h>
#include <fcntl.h>
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <unistd.h>

#include "weir/common/check.h"
#include "weir/common/crc32c.h"
#include "weir/common/logging.h"
#include "weir/state/state_files.h"
#include "weir/state/state_store.h"

namespace weir::state {
namespace {

namespace fs = std::filesystem;
using Kind = StateFiles::Kind;

// A delta being loaded is applied in chunks of at most this many items and bytes.
constexpr size_t kLoadChunkItems = 16384;
constexpr size_t kLoadChunkBytes = 8 << 20;
// A load counts the keys by a scan when its deltas hold at least 1/this of the bytes
// of the state they apply to (SST files and memtables), by a lookup per delta item
// otherwise. Measured with 1M keys of 48 bytes and 10 deltas of 100K: a lookup costs
// about 2.5 us, a scan about 0.5 us per key (Debian's RocksDB 7.8, 2-core VM).
constexpr uint64_t kScanWhenDeltasExceed = 4;
// The first line of a snapshot's marker.
constexpr std::string_view kMarkerMagic = "weir rocksdb snapshot 1";
// The changes of a commit are kept as a read cache for the next epoch (see
// RocksDbProvider::recent_) when their memory is at most this many write buffers.
constexpr int64_t kRecentBytesPerWriteBuffer = 4;

// Never a null data pointer (an empty std::string_view may have one), which
// rocksdb::Slice::compare asserts against.
rocksdb::Slice ToSlice(std::string_view s) {
  return s.data() != nullptr ? rocksdb::Slice(s.data(), s.size()) : rocksdb::Slice("", 0);
}
std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  std::string message = std::string(context) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(std::move(message));
  if (s.IsNotFound()) return Status::NotFound(std::move(message));
  if (s.IsIOError()) return Status::IoError(std::move(message));
  return Status::Internal(std::move(message));
}

Status FromErrorCode(const std::error_code& ec, std::string_view context) {
  if (!ec) return Status::OK();
  return EnvErrorFromErrno(context, ec.value());
}

Status RemoveAll(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  return FromErrorCode(ec, "remove " + path);
}

// fsync of a file or directory by path (what the Env does not offer for files it did
// not write).
Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return EnvErrorFromErrno("open " + path, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return IoErrorFromErrno("fsync " + path, err);
  return Status::OK();
}

// The smallest key greater than every key starting with `prefix`; empty when there
// is none (the prefix is empty or all 0xff bytes).
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

// The files of a snapshot directory and their sizes, by name.
using FileSizes = std::vector<std::pair<std::string, uint64_t>>;

Result<FileSizes> ListFiles(const std::string& dir) {
  FileSizes files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const uint64_t size = it->file_size(ec);
    if (ec) break;
    files.emplace_back(it->path().filename().string(), size);
  }
  RETURN_NOT_OK(FromErrorCode(ec, "list " + dir));
  std::sort(files.begin(), files.end());
  return files;
}

// A snapshot's marker: what the snapshot holds, so that loading it can check that
// every file is there whole.
struct SnapshotMarker {
  int64_t version = 0;
  int64_t num_keys = 0;
  FileSizes files;
};

// Lines of text; the last, "crc32c <hex>", checksums every byte before it.
std::string EncodeMarker(const SnapshotMarker& marker) {
  std::string out(kMarkerMagic);
  out += "\nversion " + std::to_string(marker.version) + "\n";
  out += "num_keys " + std::to_string(marker.num_keys) + "\n";
  for (const auto& [name, size] : marker.files) {
    out += "file " + name + " " + std::to_string(size) + "\n";
  }
  char crc[32];
  std::snprintf(crc, sizeof(crc), "crc32c %08x\n", crc32c::Value(out));
  return out + crc;
}

bool ParseInt(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

Result<SnapshotMarker> DecodeMarker(std::string_view text, const std::string& path) {
  auto bad = [&path](std::string_view why) {
    return Status::Corruption("state snapshot marker " + path + " is damaged: " + std::string(why));
  };
  // The checksum line first: nothing else is trusted until it matches.
  if (text.empty() || text.back() != '\n') return bad("it is truncated");
  const size_t crc_line = text.rfind('\n', text.size() - 2);
  if (crc_line == std::string_view::npos) return bad("it is truncated");
  const std::string_view body = text.substr(0, crc_line + 1);
  std::string_view crc = text.substr(crc_line + 1);
  crc.remove_suffix(1);
  if (!crc.starts_with("crc32c ")) return bad("it has no checksum");
  crc.remove_prefix(7);
  uint32_t expected = 0;
  auto [end, ec] = std::from_chars(crc.data(), crc.data() + crc.size(), expected, 16);
  if (ec != std::errc() || end != crc.data() + crc.size()) return bad("its checksum is unreadable");
  if (crc32c::Value(body) != expected) return bad("its checksum does not match its contents");

  SnapshotMarker marker;
  std::string_view rest = body;
  auto next_line = [&rest]() {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return line;
  };
  if (next_line() != kMarkerMagic) {
    return bad("it does not start with '" + std::string(kMarkerMagic) + "'");
  }
  std::string_view line = next_line();
  if (!line.starts_with("version ") || !ParseInt(line.substr(8), &marker.version)) {
    return bad("no version line");
  }
  line = next_line();
  if (!line.starts_with("num_keys ") || !ParseInt(line.substr(9), &marker.num_keys)) {
    return bad("no num_keys line");
  }
  while (!rest.empty()) {
    line = next_line();
    const size_t space = line.rfind(' ');
    int64_t size = 0;
    if (!line.starts_with("file ") || space <= 5 || !ParseInt(line.substr(space + 1), &size) ||
        size < 0) {
      return bad("unreadable line '" + std::string(line) + "'");
    }
    marker.files.emplace_back(std::string(line.substr(5, space - 5)), static_cast<uint64_t>(size));
  }
  return marker;
}

// One key's change in an epoch: its new value, or its removal.
struct Change {
  bool put = false;
  std::string value;  // when put
};
// An epoch's changes by key (a key's latest Put or Remove). Nodes, so that an entry
// stays where it is while others are added (ChangeIndex points to them).
using ChangeMap = absl::node_hash_map<std::string, Change>;
using ChangeEntry = ChangeMap::value_type;

// Orders changes by key (as unsigned bytes: char_traits<char>), also against a key.
struct ChangeByKey {
  using is_transparent = void;
  bool operator()(const ChangeEntry* a, const ChangeEntry* b) const { return a->first < b->first; }
  bool operator()(const ChangeEntry* a, std::string_view b) const {
    return std::string_view(a->first) < b;
  }
  bool operator()(std::string_view a, const ChangeEntry* b) const {
    return a < std::string_view(b->first);
  }
};
// The entries of a ChangeMap in key order.
using ChangeIndex = absl::btree_set<const ChangeEntry*, ChangeByKey>;

// A key to look ChangeMap up by without a copy (Debian's Abseil has its own
// string_view).
absl::string_view MapKey(std::string_view key) { return {key.data(), key.size()}; }

// What a change costs in memory, about: the key, the value and a slot of the map.
int64_t ChangeBytes(std::string_view key, std::string_view value) {
  return static_cast<int64_t>(key.size() + value.size() + sizeof(ChangeEntry) + sizeof(void*) + 1);
}

// Whether `key` is in `db`. A plain Get: for an absent key the bloom filters answer
// it without reading a data block, as KeyMayExist would, and for a present key a
// KeyMayExist first would only repeat the lookup (it cannot be trusted: RocksDB 7.8's
// KeyMayExist has answered "yes, with this value" for a key its Get does not find).
Result<bool> KeyInDb(rocksdb::DB* db, const rocksdb::ReadOptions& read_options,
                     std::string_view key, rocksdb::PinnableSlice* scratch) {
  const rocksdb::Status s = db->Get(read_options, db->DefaultColumnFamily(), ToSlice(key), scratch);
  scratch->Reset();
  if (s.IsNotFound()) return false;
  RETURN_NOT_OK(FromRocks(s, "state lookup"));
  return true;
}

rocksdb::WriteOptions NoWal() {
  rocksdb::WriteOptions options;
  options.disableWAL = true;  // the working instance is rebuilt from the durable files
  return options;
}

class RocksDbStore;
Status CheckPosixBacked(Env* env, const std::string& dir);

// Thread-safety: thread-safe. mu_ guards the bookkeeping; files_mu_ the durable
// files. The working instance (db_ and what describes it) is used without a lock by
// the open store, or by GetStore while no store is open: only one store is open at a
// time, and opening one synchronizes through mu_.
class RocksDbProvider final : public StateStoreProvider,
                              public std::enable_shared_from_this<RocksDbProvider> {
 public:
  RocksDbProvider(Env* env, std::string dir, const StateStoreConf& conf)
      : env_(env),
        dir_(std::move(dir)),
        working_dir_(dir_ + "/working"),
        conf_(conf),
        files_(env, dir_) {}

  ~RocksDbProvider() override { CloseWorking(); }

  // Finds the versions the files hold.
  Status Init();

  Result<StateStorePtr> GetStore(int64_t version) override;

  int64_t latest_version() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return latest_;
  }

  // Deletes the files no version >= min_version needs; never the latest's.
  Status Purge(int64_t min_version) override {
    std::lock_guard<std::mutex> files_lock(files_mu_);
    return files_.Purge(std::min(min_version, latest_version()));
  }

  // For the open store.
  rocksdb::DB* db() const { return db_.get(); }
  // What RocksDB holds in memory (see the top of the file).
  int64_t MemoryBytes() const;
  // Makes `changes` (`sorted`: its entries in key order; `bytes`: its memory) of the
  // store opened at `version` durable as version + 1 and applies them to the working
  // instance; the store is closed afterwards, also on error. May take `changes` over.
  Result<int64_t> CommitStore(int64_t version, const ChangeIndex& sorted, ChangeMap* changes,
                              int64_t bytes, int64_t num_keys);
  // Closes the open store without a commit.
  void ReleaseStore() {
    std::lock_guard<std::mutex> lock(mu_);
    WEIR_CHECK(store_open_);
    store_open_ = false;
  }

 private:
  // files_mu_ held.
  std::string SnapshotDir(int64_t version) const {
    return files_.Path(version, Kind::kRocksDbSnapshot);
  }

  // Makes the working instance hold `version`. files_mu_ held.
  Status PrepareWorking(int64_t version);
  // The first load: locks the directory and removes the debris of snapshots that
  // never got their marker. files_mu_ held.
  Status FirstLoad();
  Status OpenWorking();
  void CloseWorking();
  // Fills the (empty) working directory from snapshot `version`.
  Status RestoreSnapshot(int64_t version, int64_t* num_keys);
  // Applies delta `version` to the instance; with `num_keys`, counts the keys it adds
  // and removes (a lookup per item).
  Status ApplyDelta(int64_t version, int64_t* num_keys);
  // Whether the deltas about to be applied are large enough beside the instance's
  // state that counting its keys afterwards beats looking up each item's key.
  Result<bool> CountByScan(const std::vector<int64_t>& deltas);
  Result<int64_t> CountKeys();
  // Writes snapshot `version` of the working instance, which holds it. files_mu_ held.
  Status WriteSnapshot(int64_t version, int64_t num_keys);
  Status DeleteVersionsAfter(int64_t version);
  // Writes the changelog <version>.delta of `sorted`, in its order.
  Status WriteDelta(int64_t version, const ChangeIndex& sorted);
  // Forgets recent_.
  void DropRecent() {
    ChangeMap().swap(recent_);
    recent_version_ = -1;
    recent_bytes_ = 0;
  }

  Env* const env_;
  const std::string dir_;
  const std::string working_dir_;
  const StateStoreConf conf_;

  mutable std::mutex mu_;
  bool store_open_ = false;   // guarded by mu_
  int64_t open_version_ = 0;  // guarded by mu_; meaningful while store_open_
  int64_t latest_ = 0;        // guarded by mu_

  std::mutex files_mu_;
  StateFiles files_;           // guarded by files_mu_
  int64_t last_snapshot_ = 0;  // guarded by files_mu_; newest snapshot <= latest (0: none)

  // The working instance; see the class comment. Destroyed in this order: the
  // instance, then its cache, then the directory lock.
  std::unique_ptr<FileLock> lock_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::unique_ptr<rocksdb::DB> db_;
  int64_t db_version_ = -1;  // the version db_ holds; -1: none (to be rebuilt)
  int64_t db_num_keys_ = 0;  // its number of keys
  // The changes of the last commit, which made version recent_version_ (-1: none
  // kept): a read cache in front of the instance for the next epoch, which in a
  // streaming query mostly reads the keys the epoch before it wrote (the groups of
  // the open windows, the rows of a join waiting for their match), so that those
  // reads skip RocksDB's memtables and SST files. It is the epoch's own batch, kept
  // one more epoch instead of being freed, only when it is at most
  // kRecentBytesPerWriteBuffer write buffers large; valid only while the instance
  // holds recent_version_ (every other change of the instance drops it).
  ChangeMap recent_;
  int64_t recent_version_ = -1;
  int64_t recent_bytes_ = 0;
};

// Thread-safety: not thread-safe; one thread at a time (state_store.h).
class RocksDbStore final : public StateStore {
 public:
  // `recent`: the changes of the commit that made `version`, when the provider kept
  // them (a read cache in front of the instance); may be null.
  RocksDbStore(std::shared_ptr<RocksDbProvider> provider, int64_t version, int64_t num_keys,
               const ChangeMap* recent)
      : provider_(std::move(provider)),
        db_(provider_->db()),
        version_(version),
        num_keys_(num_keys),
        opened_num_keys_(num_keys),
        recent_(recent) {}

  ~RocksDbStore() override { Abort(); }

  int64_t version() const override { return version_; }

  Result<bool> Get(std::string_view key, std::string* value) override {
    RETURN_NOT_OK(CheckOpen("Get"));
    if (const Change* change = FindChange(key)) {
      if (change->put) value->assign(change->value);
      Remember(key, change->put);
      return change->put;
    }
    const rocksdb::Status s =
        db_->Get(read_options_, db_->DefaultColumnFamily(), ToSlice(key), &pinned_);
    if (s.IsNotFound()) {
      Remember(key, false);
      return false;
    }
    RETURN_NOT_OK(FromRocks(s, "state Get"));
    value->assign(pinned_.data(), pinned_.size());
    pinned_.Reset();
    Remember(key, true);
    return true;
  }

  Status Put(std::string_view key, std::string_view value) override {
    RETURN_NOT_OK(CheckWritable("Put"));
    auto it = changes_.find(MapKey(key));
    if (it != changes_.end()) {
      Change& change = it->second;
      if (!change.put) ++num_keys_;
      change_bytes_ +=
          static_cast<int64_t>(value.size()) - static_cast<int64_t>(change.value.size());
      change.put = true;
      change.value.assign(value);
    } else {
      ASSIGN_OR_RAISE(const bool existed, InView(key));
      if (!existed) ++num_keys_;
      AddChange(key, true, value);
    }
    Remember(key, true);
    return Status::OK();
  }

  Status Remove(std::string_view key) override {
    RETURN_NOT_OK(CheckWritable("Remove"));
    auto it = changes_.find(MapKey(key));
    if (it != changes_.end()) {
      Change& change = it->second;
      if (!change.put) return Status::OK();
      --num_keys_;
      change_bytes_ -= static_cast<int64_t>(change.value.size());
      change.put = false;
      std::string().swap(change.value);
    } else {
      ASSIGN_OR_RAISE(const bool existed, InView(key));
      if (!existed) return Status::OK();  // no tombstone for a key that is not there
      --num_keys_;
      AddChange(key, false, {});
    }
    Remember(key, false);
    return Status::OK();
  }

  Status PrefixScan(std::string_view prefix, const StateVisitor& visit) override;

  Status Iterate(const StateVisitor& visit) override { return PrefixScan({}, visit); }

  Result<int64_t> Commit() override {
    RETURN_NOT_OK(CheckWritable("Commit"));
    // Closed whatever the outcome: a failed commit leaves the version as it was, and
    // the epoch runs again from a new store.
    state_ = State::kCommitted;
    recent_ = nullptr;  // the provider replaces it
    const ChangeIndex& sorted = SortedChanges();
    Result<int64_t> committed =
        provider_->CommitStore(version_, sorted, &changes_, change_bytes_, num_keys_);
    if (!committed.ok()) state_ = State::kAborted;
    DropChanges();
    return committed;
  }

  void Abort() override {
    if (state_ != State::kOpen) return;
    // A visitor that aborts would drop the changes from under the scan.
    WEIR_CHECK_EQ(scan_depth_, 0);
    state_ = State::kAborted;
    recent_ = nullptr;
    DropChanges();
    num_keys_ = opened_num_keys_;
    provider_->ReleaseStore();
  }

  bool committed() const override { return state_ == State::kCommitted; }

  StateStoreMetrics metrics() const override {
    StateStoreMetrics m;
    m.num_keys = num_keys_;
    if (state_ == State::kOpen) m.memory_used_bytes = provider_->MemoryBytes() + change_bytes_;
    return m;
  }

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

  // The change of `key` this epoch, else the one of the commit before (which the
  // instance holds); null when neither has it.
  const Change* FindChange(std::string_view key) const {
    auto it = changes_.find(MapKey(key));
    if (it != changes_.end()) return &it->second;
    if (recent_ != nullptr) {
      auto r = recent_->find(MapKey(key));
      if (r != recent_->end()) return &r->second;
    }
    return nullptr;
  }

  void AddChange(std::string_view key, bool put, std::string_view value) {
    Change& change = changes_[MapKey(key)];
    change.put = put;
    change.value.assign(value);
    change_bytes_ += ChangeBytes(key, value);
    if (indexed_) index_.insert(&*changes_.find(MapKey(key)));
  }

  void Remember(std::string_view key, bool in_view) {
    cached_key_.assign(key);
    cached_in_view_ = in_view;
    cache_valid_ = true;
  }

  // Whether `key`, not changed this epoch, is in the instance.
  Result<bool> InView(std::string_view key) {
    if (cache_valid_ && key == cached_key_) return cached_in_view_;
    if (recent_ != nullptr) {
      auto r = recent_->find(MapKey(key));
      if (r != recent_->end()) return r->second.put;
    }
    return KeyInDb(db_, read_options_, key, &pinned_);
  }

  // The epoch's changes in key order: built by the first scan (or the commit), then
  // kept up to date as keys are added, so that scans between writes (a join probes
  // its state between the rows it adds) do not sort the changes again.
  const ChangeIndex& SortedChanges() {
    if (!indexed_) {
      std::vector<const ChangeEntry*> entries;
      entries.reserve(changes_.size());
      for (const ChangeEntry& entry : changes_) entries.push_back(&entry);
      std::sort(entries.begin(), entries.end(), ChangeByKey());
      index_ = ChangeIndex(entries.begin(), entries.end());
      indexed_ = true;
    }
    return index_;
  }

  void DropChanges() {
    ChangeMap().swap(changes_);
    index_.clear();
    indexed_ = false;
    change_bytes_ = 0;
    cache_valid_ = false;
  }

  // Keeps the provider, and with it the working instance, alive while the store is.
  const std::shared_ptr<RocksDbProvider> provider_;
  rocksdb::DB* const db_;
  const int64_t version_;
  int64_t num_keys_;  // of the view: the instance with the changes applied
  const int64_t opened_num_keys_;
  // The changes of the commit that made version_, owned by the provider (see
  // RocksDbProvider::recent_); null when not kept.
  const ChangeMap* recent_;
  rocksdb::ReadOptions read_options_;
  rocksdb::PinnableSlice pinned_;  // Get's value, reused
  // The epoch's changes, one entry per key (the latest Put or Remove).
  ChangeMap changes_;
  int64_t change_bytes_ = 0;  // their approximate memory
  // changes_ in key order, for scans and the commit, once indexed_.
  ChangeIndex index_;
  bool indexed_ = false;
  // Whether the key of the last Get, Put or Remove is in the view, so that the Put
  // which usually follows a Get of the same key (an aggregation reads a group, then
  // writes it) does not look it up again.
  std::string cached_key_;
  bool cached_in_view_ = false;
  bool cache_valid_ = false;
  State state_ = State::kOpen;
  // Scans in progress (a visitor may scan too); writes are refused while > 0.
  int scan_depth_ = 0;
};

Status RocksDbStore::PrefixScan(std::string_view prefix, const StateVisitor& visit) {
  RETURN_NOT_OK(CheckOpen("PrefixScan"));
  struct ScanGuard {
    int* depth;
    explicit ScanGuard(int* d) : depth(d) { ++*depth; }
    ~ScanGuard() { --*depth; }
  } guard(&scan_depth_);
  // The epoch's changes under the prefix, merged into the instance's entries: a
  // change replaces the instance's entry of its key (a removal hides it).
  const ChangeIndex& sorted = SortedChanges();
  auto c = sorted.lower_bound(prefix);
  auto change_here = [&]() {
    return c != sorted.end() && std::string_view((*c)->first).starts_with(prefix);
  };
  // The upper bound lets RocksDB stop at the prefix's end, before the tombstones past it.
  const std::string end = PrefixEnd(prefix);
  const rocksdb::Slice end_slice = ToSlice(end);
  rocksdb::ReadOptions read_options = read_options_;
  if (!end.empty()) read_options.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  it->Seek(ToSlice(prefix));
  auto db_here = [&]() { return it->Valid() && ToView(it->key()).starts_with(prefix); };
  bool db_valid = db_here();
  bool change_valid = change_here();
  while (db_valid || change_valid) {
    int cmp = 1;  // > 0: the change comes first
    if (!change_valid) {
      cmp = -1;
    } else if (db_valid) {
      cmp = ToView(it->key()).compare((*c)->first);
    }
    if (cmp < 0) {
      if (!visit(ToView(it->key()), ToView(it->value()))) break;
      it->Next();
      db_valid = db_here();
      continue;
    }
    const ChangeEntry& change = **c;
    if (cmp == 0) {
      it->Next();
      db_valid = db_here();
    }
    ++c;
    change_valid = change_here();
    if (change.second.put && !visit(change.first, change.second.value)) break;
  }
  return FromRocks(it->status(), "state scan");
}

Status RocksDbProvider::Init() {
  // Created durably before the probe writes into it.
  RETURN_NOT_OK(files_.CreateDir());
  RETURN_NOT_OK(CheckPosixBacked(env_, dir_));
  ASSIGN_OR_RAISE(std::vector<StateFiles::File> listed, files_.List());
  for (const StateFiles::File& f : listed) {
    latest_ = std::max(latest_, f.version);
    if (f.kind == Kind::kRocksDbSnapshot) last_snapshot_ = std::max(last_snapshot_, f.version);
  }
  return Status::OK();
}

Result<StateStorePtr> RocksDbProvider::GetStore(int64_t version) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (store_open_) {
      return Status::Internal("cannot open state version " + std::to_string(version) +
                              ": the store of version " + std::to_string(open_version_) +
                              " is still open, and a provider opens one store at a time");
    }
    if (version < 0 || version > latest_) {
      return Status::NotFound("state version " + std::to_string(version) + " is not in " + dir_ +
                              ": the latest version there is " + std::to_string(latest_));
    }
    store_open_ = true;
    open_version_ = version;
  }
  Status st;
  {
    std::lock_guard<std::mutex> files_lock(files_mu_);
    st = PrepareWorking(version);
  }
  if (!st.ok()) {
    ReleaseStore();
    return st;
  }
  const ChangeMap* recent = recent_version_ == version ? &recent_ : nullptr;
  return StateStorePtr(
      std::make_unique<RocksDbStore>(shared_from_this(), version, db_num_keys_, recent));
}

Status RocksDbProvider::FirstLoad() {
  RETURN_NOT_OK(files_.CreateDir());
  Result<std::unique_ptr<FileLock>> lock = env_->LockFile(dir_ + "/working.lock");
  if (!lock.ok()) {
    return lock.status().WithContext(
        "the RocksDB state in " + dir_ +
        " is in use by another state store provider (is the query running twice?)");
  }
  lock_ = std::move(lock).ValueOrDie();
  // What a crash left: temp files, snapshots staged or renamed but never marked.
  return files_.DeleteDebris();
}

Status RocksDbProvider::PrepareWorking(int64_t version) {
  if (lock_ == nullptr) RETURN_NOT_OK(FirstLoad());
  if (db_ != nullptr && db_version_ == version) return Status::OK();
  DropRecent();  // of a version the instance is leaving
  StateFiles::LoadPlan plan;
  if (version > 0) {
    ASSIGN_OR_RAISE(plan, files_.PlanLoad(version, Kind::kRocksDbSnapshot));
  }
  // Until the load completes, the instance holds no version.
  const int64_t db_version = db_version_;
  db_version_ = -1;
  Status st = [&]() -> Status {
    int64_t num_keys = 0;
    int64_t from = 0;  // the version the instance holds before the deltas
    if (db_ != nullptr && db_version >= plan.snapshot_version && db_version < version) {
      // Behind `version` on its load path (the next version after a restart's first
      // epoch, say): apply only the deltas it lacks.
      num_keys = db_num_keys_;
      from = db_version;
    } else {
      CloseWorking();
      RETURN_NOT_OK(RemoveAll(working_dir_));
      if (plan.snapshot_version > 0) {
        RETURN_NOT_OK(RestoreSnapshot(plan.snapshot_version, &num_keys));
      }
      RETURN_NOT_OK(OpenWorking());
      from = plan.snapshot_version;
    }
    std::vector<int64_t> deltas;
    for (int64_t delta : plan.deltas) {
      if (delta > from) deltas.push_back(delta);
    }
    // The key count: each delta item's key looked up as it is applied, or, when the
    // deltas are large beside the state they apply to, one scan of the result (a
    // scan visits a key several times faster than a lookup finds one).
    ASSIGN_OR_RAISE(const bool scan, CountByScan(deltas));
    for (int64_t delta : deltas) RETURN_NOT_OK(ApplyDelta(delta, scan ? nullptr : &num_keys));
    if (scan) {
      ASSIGN_OR_RAISE(num_keys, CountKeys());
    }
    db_num_keys_ = num_keys;
    return Status::OK();
  }();
  if (!st.ok()) {
    CloseWorking();
    return st.WithContext("loading state version " + std::to_string(version) + " of " + dir_);
  }
  db_version_ = version;
  return Status::OK();
}

Result<bool> RocksDbProvider::CountByScan(const std::vector<int64_t>& deltas) {
  if (deltas.empty()) return false;
  uint64_t delta_bytes = 0;
  for (int64_t delta : deltas) {
    ASSIGN_OR_RAISE(const uint64_t size, env_->GetFileSize(files_.Path(delta, Kind::kDelta)));
    delta_bytes += size;
  }
  uint64_t state_bytes = 0;
  for (const char* property : {"rocksdb.total-sst-files-size", "rocksdb.cur-size-all-mem-tables"}) {
    uint64_t value = 0;
    if (db_->GetIntProperty(property, &value)) state_bytes += value;
  }
  return delta_bytes * kScanWhenDeltasExceed >= state_bytes;
}

Result<int64_t> RocksDbProvider::CountKeys() {
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;  // one pass over everything: keep the cache's blocks
  read_options.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  int64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  RETURN_NOT_OK(FromRocks(it->status(), "count the keys of " + working_dir_));
  return n;
}

Status RocksDbProvider::OpenWorking() {
  RETURN_NOT_OK(env_->CreateDirs(working_dir_));
  rocksdb::Options options;
  options.create_if_missing = true;
  // Rebuilt from the durable files on every load: flushing at close would be wasted.
  options.avoid_flush_during_shutdown = true;
  options.write_buffer_size =
      static_cast<size_t>(std::max<int64_t>(conf_.rocksdb_write_buffer_bytes, 64 << 10));
  options.max_write_buffer_number = 2;
  // Levels sized from the bottom, with a first level a few memtables large, so that a
  // small write buffer does not rewrite a large first level at every compaction.
  options.level_compaction_dynamic_level_bytes = true;
  options.max_bytes_for_level_base = 4 * options.write_buffer_size;
  options.target_file_size_base = 4 * options.write_buffer_size;
  options.max_background_jobs = 2;
  // A bloom filter over the memtable's keys: most lookups (the existence checks of
  // Put, Remove and delta loads) are of keys the memtable does not hold, and skip its
  // skiplist.
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.05;
  options.info_log_level = rocksdb::WARN_LEVEL;
  options.keep_log_file_num = 2;
  const std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
  auto has = [&supported](rocksdb::CompressionType c) {
    return std::find(supported.begin(), supported.end(), c) != supported.end();
  };
  // LZ4 at every level, as Spark's RocksDB store: cheap to compress and decompress,
  // which a restore (a flush and compactions of the deltas it applies) pays for.
  // ZSTD at the bottom level would store less but cost a restore about 5% more CPU.
  options.compression =
      has(rocksdb::kLZ4Compression) ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;

  rocksdb::BlockBasedTableOptions table;
  cache_ = rocksdb::NewLRUCache(
      static_cast<size_t>(std::max<int64_t>(conf_.rocksdb_block_cache_bytes, 0)));
  table.block_cache = cache_;
  // Index and filter blocks live in the block cache, so its size bounds them too.
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  rocksdb::DB* db = nullptr;
  RETURN_NOT_OK(
      FromRocks(rocksdb::DB::Open(options, working_dir_, &db), "open RocksDB " + working_dir_));
  db_.reset(db);
  return Status::OK();
}

void RocksDbProvider::CloseWorking() {
  if (db_ != nullptr) {
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  cache_.reset();
  db_version_ = -1;
  DropRecent();
}

Status RocksDbProvider::RestoreSnapshot(int64_t version, int64_t* num_keys) {
  const std::string snapshot = SnapshotDir(version);
  const std::string marker_path = files_.RocksDbDonePath(version);
  auto damaged = [&snapshot](const std::string& why) {
    return Status::Corruption("state snapshot " + snapshot + " is damaged: " + why);
  };
  Result<std::string> text = ReadFileToString(env_, marker_path);
  if (text.status().IsNotFound()) return damaged("its marker " + marker_path + " is gone");
  RETURN_NOT_OK(text.status());
  ASSIGN_OR_RAISE(SnapshotMarker marker, DecodeMarker(*text, marker_path));
  if (marker.version != version) {
    return damaged("its marker " + marker_path + " is of version " +
                   std::to_string(marker.version));
  }
  // Every file the marker lists, whole, before any is used.
  for (const auto& [name, size] : marker.files) {
    std::error_code ec;
    const uint64_t on_disk = fs::file_size(snapshot + "/" + name, ec);
    if (ec == std::errc::no_such_file_or_directory) {
      return damaged(name + " is missing (its marker lists it)");
    }
    RETURN_NOT_OK(FromErrorCode(ec, "stat " + snapshot + "/" + name));
    if (on_disk != size) {
      return damaged(name + " has " + std::to_string(on_disk) + " bytes, its marker says " +
                     std::to_string(size));
    }
  }
  RETURN_NOT_OK(env_->CreateDirs(working_dir_));
  // SST files never change once written: hard links share them with the snapshot.
  // The others (CURRENT, MANIFEST, OPTIONS) RocksDB may write to, so they are copied.
  for (const auto& [name, size] : marker.files) {
    const std::string from = snapshot + "/" + name;
    const std::string to = working_dir_ + "/" + name;
    std::error_code ec;
    if (name.ends_with(".sst")) {
      fs::create_hard_link(from, to, ec);
      if (!ec) continue;
      ec.clear();  // another file system: copy
    }
    fs::copy_file(from, to, ec);
    RETURN_NOT_OK(FromErrorCode(ec, "copy " + from + " to " + to));
  }
  *num_keys = marker.num_keys;
  return Status::OK();
}

Status RocksDbProvider::ApplyDelta(int64_t version, int64_t* num_keys) {
  // The items go in chunks. The keys of a chunk are looked up together, in one
  // MultiGet (which sorts them and reads each block once), to learn which existed and
  // keep the key count exact; then the chunk is written. A key repeated within the
  // chunk takes its existence from its previous item.
  struct Item {
    size_t key_at;
    size_t key_size;
    size_t value_at;
    size_t value_size;
    bool put;
  };
  std::string bytes;  // the keys and values of `items`
  std::vector<Item> items;
  auto apply_chunk = [&]() -> Status {
    if (items.empty()) return Status::OK();
    const size_t n = items.size();
    std::vector<rocksdb::Slice> keys(n);
    for (size_t i = 0; i < n; ++i) {
      keys[i] = rocksdb::Slice(bytes.data() + items[i].key_at, items[i].key_size);
    }
    std::vector<rocksdb::Status> statuses(n);
    if (num_keys != nullptr) {
      std::vector<rocksdb::PinnableSlice> found(n);  // only whether they exist matters
      db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n, keys.data(),
                    found.data(), statuses.data());
    }
    absl::flat_hash_map<std::string_view, bool> in_chunk;  // key -> exists after its last item
    if (num_keys != nullptr) in_chunk.reserve(n);
    rocksdb::WriteBatch batch(bytes.size() + 16 * n);
    for (size_t i = 0; i < n; ++i) {
      const Item& item = items[i];
      const rocksdb::Slice value(bytes.data() + item.value_at, item.value_size);
      if (num_keys == nullptr) {
        RETURN_NOT_OK(
            FromRocks(item.put ? batch.Put(keys[i], value) : batch.Delete(keys[i]), "state load"));
        continue;
      }
      auto [it, first] = in_chunk.try_emplace(ToView(keys[i]), false);
      bool existed = it->second;
      if (first) {
        if (!statuses[i].ok() && !statuses[i].IsNotFound()) {
          return FromRocks(statuses[i], "state load lookup");
        }
        existed = statuses[i].ok();
      }
      it->second = item.put;
      if (item.put) {
        RETURN_NOT_OK(FromRocks(batch.Put(keys[i], value), "state load"));
        if (!existed) ++*num_keys;
      } else if (existed) {
        RETURN_NOT_OK(FromRocks(batch.Delete(keys[i]), "state load"));
        --*num_keys;
      }
    }
    RETURN_NOT_OK(FromRocks(db_->Write(NoWal(), &batch), "write " + working_dir_));
    items.clear();
    bytes.clear();
    return Status::OK();
  };
  RETURN_NOT_OK(files_.Read(
      version, Kind::kDelta, [&](std::string_view key, const std::string* value) -> Status {
        Item item{bytes.size(), key.size(), 0, 0, value != nullptr};
        bytes.append(key);
        if (value != nullptr) {
          item.value_at = bytes.size();
          item.value_size = value->size();
          bytes.append(*value);
        }
        items.push_back(item);
        if (items.size() >= kLoadChunkItems || bytes.size() >= kLoadChunkBytes)
          return apply_chunk();
        return Status::OK();
      }));
  return apply_chunk();
}

Status RocksDbProvider::DeleteVersionsAfter(int64_t version) {
  RETURN_NOT_OK(files_.DeleteAfter(version));
  if (last_snapshot_ > version) {
    last_snapshot_ = 0;
    ASSIGN_OR_RAISE(std::vector<StateFiles::File> listed, files_.List());
    for (const StateFiles::File& f : listed) {
      if (f.kind == Kind::kRocksDbSnapshot && f.version <= version) {
        last_snapshot_ = std::max(last_snapshot_, f.version);
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  latest_ = version;
  return Status::OK();
}

Result<int64_t> RocksDbProvider::CommitStore(int64_t version, const ChangeIndex& sorted,
                                             ChangeMap* changes, int64_t bytes, int64_t num_keys) {
  const int64_t next = version + 1;
  Status st = [&]() -> Status {
    std::lock_guard<std::mutex> files_lock(files_mu_);
    int64_t latest;
    {
      std::lock_guard<std::mutex> lock(mu_);
      latest = latest_;
    }
    // The instance is about to leave version `version`, which the kept changes are of.
    DropRecent();
    // A re-run epoch replaces the versions its first run committed.
    if (version < latest) RETURN_NOT_OK(DeleteVersionsAfter(version));
    // The changelog makes the commit durable; until it is, nothing is applied.
    Status written = WriteDelta(next, sorted);
    if (!written.ok()) {
      // Finish may have failed after the rename (syncing the directory): the file
      // must not outlive the failed commit.
      env_->DeleteFile(files_.Path(next, Kind::kDelta)).IgnoreError();
      return written;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      latest_ = next;
    }
    // From here on version `next` is durable; a failure to apply it to the instance
    // leaves the instance to be rebuilt by the next GetStore.
    db_version_ = -1;
    // In key order, which RocksDB's memtable inserts faster (each insertion starts
    // from where the one before it ended).
    rocksdb::WriteBatch batch(static_cast<size_t>(bytes) + 16);
    for (const ChangeEntry* entry : sorted) {
      const rocksdb::Slice key = ToSlice(entry->first);
      RETURN_NOT_OK(FromRocks(
          entry->second.put ? batch.Put(key, ToSlice(entry->second.value)) : batch.Delete(key),
          "state commit"));
    }
    RETURN_NOT_OK(FromRocks(db_->Write(NoWal(), &batch), "write " + working_dir_));
    db_version_ = next;
    db_num_keys_ = num_keys;
    if (bytes <=
        kRecentBytesPerWriteBuffer * std::max<int64_t>(conf_.rocksdb_write_buffer_bytes, 0)) {
      recent_ = std::move(*changes);
      recent_version_ = next;
      recent_bytes_ = bytes;
    }
    if (next - last_snapshot_ >= conf_.min_deltas_for_snapshot) {
      // A snapshot only shortens loads: the commit stands without it.
      Status snap = WriteSnapshot(next, num_keys);
      if (!snap.ok()) {
        WEIR_LOG(WARN) << "state snapshot of version " << next << " in " << dir_
                       << " not written (the deltas still load it): " << snap;
      }
    }
    return Status::OK();
  }();
  ReleaseStore();
  if (!st.ok()) {
    return st.WithContext("committing state version " + std::to_string(next) + " of " + dir_);
  }
  return next;
}

Status RocksDbProvider::WriteDelta(int64_t version, const ChangeIndex& sorted) {
  ASSIGN_OR_RAISE(std::unique_ptr<StateFileWriter> delta, files_.NewDelta(version));
  for (const ChangeEntry* entry : sorted) {
    if (entry->second.put) {
      RETURN_NOT_OK(delta->Put(entry->first, entry->second.value));
    } else {
      RETURN_NOT_OK(delta->Remove(entry->first));
    }
  }
  return delta->Finish();
}

Status RocksDbProvider::WriteSnapshot(int64_t version, int64_t num_keys) {
  const std::string final_dir = SnapshotDir(version);
  const std::string temp = dir_ + "/." + std::to_string(version) + ".rocksdb.tmp";
  // RocksDB stages a checkpoint in "<target>.tmp" before renaming it to the target.
  RETURN_NOT_OK(RemoveAll(temp));
  RETURN_NOT_OK(RemoveAll(temp + ".tmp"));
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_NOT_OK(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: flush the memtables first (the WAL is off, so the
  // checkpoint would not hold their contents otherwise).
  RETURN_NOT_OK(FromRocks(checkpoint->CreateCheckpoint(temp, /*log_size_for_flush=*/0),
                          "checkpoint into " + temp));
  ASSIGN_OR_RAISE(FileSizes files, ListFiles(temp));
  // RocksDB synced the SST files when it wrote them, and the files it copied and the
  // checkpoint's directory before it returned; synced here again, the small files
  // and the directory cost little and do not depend on RocksDB's version.
  for (const auto& [name, size] : files) {
    if (!name.ends_with(".sst")) RETURN_NOT_OK(SyncPath(temp + "/" + name));
  }
  RETURN_NOT_OK(SyncPath(temp));
  RETURN_NOT_OK(RemoveAll(final_dir));  // debris of an attempt that got no marker
  {
    std::error_code ec;
    fs::rename(temp, final_dir, ec);
    RETURN_NOT_OK(FromErrorCode(ec, "rename " + temp + " to " + final_dir));
  }
  RETURN_NOT_OK(env_->SyncDir(dir_));
  SnapshotMarker marker;
  marker.version = version;
  marker.num_keys = num_keys;
  marker.files = std::move(files);
  RETURN_NOT_OK(WriteStringToFileSync(env_, EncodeMarker(marker), files_.RocksDbDonePath(version)));
  last_snapshot_ = version;
  return Status::OK();
}

int64_t RocksDbProvider::MemoryBytes() const {
  uint64_t total = 0;
  for (const char* property :
       {"rocksdb.size-all-mem-tables", "rocksdb.estimate-table-readers-mem"}) {
    uint64_t value = 0;
    if (db_->GetIntProperty(property, &value)) total += value;
  }
  if (cache_ != nullptr) total += cache_->GetUsage();
  return static_cast<int64_t>(total) + recent_bytes_;
}

// Whether files written through `env` are files of the POSIX file system, which
// RocksDB writes with its own Env: written through `env`, read back directly.
Status CheckPosixBacked(Env* env, const std::string& dir) {
  if (env == Env::Default()) return Status::OK();
  auto refuse = [&dir] {
    return Status::InvalidArgument("the rocksdb state store backend needs a real file system: " +
                                   dir + " is not on one (the Env is not backed by POSIX)")
        .WithHint("use weir.state.backend 'memory' with this Env");
  };
  const std::string probe = dir + "/.rocksdb-probe";
  const std::string content = "weir rocksdb probe " + std::to_string(::getpid());
  if (!WriteStringToFileSync(env, content, probe).ok()) return refuse();
  std::string read;
  if (FILE* f = std::fopen(probe.c_str(), "rb")) {
    char buf[128];
    const size_t n = std::fread(buf, 1, sizeof(buf), f);
    std::fclose(f);
    read.assign(buf, n);
  }
  env->DeleteFile(probe).IgnoreError();
  if (read != content) return refuse();
  return Status::OK();
}

}  // namespace

Result<StateStoreProviderPtr> MakeRocksDbProvider(Env* env, const std::string& dir,
                                                  const StateStoreConf& conf) {
  if (env == nullptr) return Status::InvalidArgument("MakeRocksDbProvider: no Env");
  if (conf.min_deltas_for_snapshot < 1) {
    return Status::InvalidArgument(
               "spark.sql.streaming.stateStore.minDeltasForSnapshot must be at least 1, not " +
               std::to_string(conf.min_deltas_for_snapshot))
        .WithHint("SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 10");
  }
  auto provider = std::make_shared<RocksDbProvider>(env, dir, conf);
  RETURN_NOT_OK(provider->Init());
  return StateStoreProviderPtr(std::move(provider));
}

}  // namespace weir::state
