// StateStore: the versioned key-value state of one stateful operator partition
// (DESIGN.md sections 4 and 5). A streaming aggregation keeps its groups here, a
// deduplication the keys it has seen, a stream-stream join the rows waiting for a
// match, mapGroupsWithState the user's state and timeouts.
//
// Versions: the state after epoch e is version e + 1; version 0 is empty. An epoch
// opens the store at the version the previous epoch committed (GetStore(e)), reads
// and changes it, and either commits (version e + 1 becomes readable) or aborts
// (nothing of the epoch's changes remains). Re-running an epoch (after a failure
// or a restart) opens the same version again, so an epoch's effects on state are
// never applied twice.
//
// Keys and values are bytes; operators encode them (exec/state_codec.h). Keys
// compare as unsigned bytes: PrefixScan and Iterate visit keys in that order, so an
// operator can lay out "group key ++ timestamp" and scan one group's entries.
//
// Implementations: the durable in-memory backend and the RocksDB backend
// (OpenStateStoreProvider below), both over the files of state_files.h.
//
// Thread-safety: one StateStore is used by one thread at a time. Different
// partitions' providers are independent and may run concurrently.

#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "weir/common/env.h"
#include "weir/common/result.h"

namespace weir::state {

struct StateStoreMetrics {
  int64_t num_keys = 0;
  // Approximate bytes the state holds in memory (keys, values and per-entry
  // overhead), Spark's memoryUsedBytes.
  int64_t memory_used_bytes = 0;
};

// Visits one entry; returns false to stop the scan.
using StateVisitor = std::function<bool(std::string_view key, std::string_view value)>;

class StateStore {
 public:
  virtual ~StateStore() = default;

  // The version this store was opened at (its reads see that version plus the
  // changes made through this store).
  virtual int64_t version() const = 0;

  // Sets *value and returns true when `key` exists.
  virtual Result<bool> Get(std::string_view key, std::string* value) = 0;
  virtual Status Put(std::string_view key, std::string_view value) = 0;
  // Put, but the store may take *value's buffer rather than copy its bytes (the
  // in-memory backend keeps it as the entry's value). Afterwards *value holds
  // unspecified bytes: the caller clears it before reusing it. The default copies.
  virtual Status PutSwap(std::string_view key, std::string* value) { return Put(key, *value); }
  // A hint that up to `keys` keys the store does not hold may be put next (an
  // aggregation's groups of the epoch): the in-memory backend makes room for them in
  // its hash table at once rather than growing it step by step. Changes nothing
  // the store holds; the default (RocksDB's) does nothing.
  virtual void ReserveKeys(size_t keys) { (void)keys; }
  // A hint that `key` is about to be read or written: the in-memory backend starts
  // loading the part of its hash table the key's lookup reads, so that a caller
  // naming keys a few ahead overlaps their cache misses. Changes nothing; the
  // default does nothing.
  virtual void Prefetch(std::string_view key) { (void)key; }
  // Removing a missing key is not an error.
  virtual Status Remove(std::string_view key) = 0;

  // Visits the entries whose key starts with `prefix`, in key order. The visitor
  // must not change the store.
  virtual Status PrefixScan(std::string_view prefix, const StateVisitor& visit) = 0;
  // Visits every entry in key order. The visitor must not change the store.
  virtual Status Iterate(const StateVisitor& visit) = 0;

  // Makes this store's state readable as version() + 1 and returns that version.
  // The store cannot be used afterwards.
  virtual Result<int64_t> Commit() = 0;
  // Drops the changes; the store cannot be used afterwards. Also what destroying an
  // uncommitted store does.
  virtual void Abort() = 0;
  virtual bool committed() const = 0;

  // Of the state as this store sees it now.
  virtual StateStoreMetrics metrics() const = 0;
};

using StateStorePtr = std::unique_ptr<StateStore>;

// The stores of one stateful operator partition, across versions.
//
// Thread-safety: thread-safe; latest_version() and Purge() may run while a store it
// opened is in use on another thread. A store keeps its provider alive.
class StateStoreProvider {
 public:
  virtual ~StateStoreProvider() = default;
  // Opens the store at `version` (0: empty). NotFound when that version is not
  // retained (older than the retained minimum, or newer than the latest commit).
  // At most one store of a provider is open at a time: asking for another before it
  // commits or aborts is an error. Committing a store opened at an older version
  // makes its version + 1 the latest and forgets the versions after it (a re-run
  // epoch replaces them).
  virtual Result<StateStorePtr> GetStore(int64_t version) = 0;
  // The latest committed version (0 before the first commit).
  virtual int64_t latest_version() const = 0;
  // Forgets versions older than `min_version` (maintenance); never the latest.
  virtual Status Purge(int64_t min_version) = 0;
};

using StateStoreProviderPtr = std::shared_ptr<StateStoreProvider>;

// The settings of a query's state stores, fixed when the query starts.
struct StateStoreConf {
  // weir.state.backend: "memory" (hash tables in memory, a delta file per epoch and
  // periodic snapshots) or "rocksdb" (one RocksDB instance per operator partition,
  // a changelog file per epoch and periodic RocksDB checkpoints).
  std::string backend = "memory";
  // spark.sql.streaming.stateStore.minDeltasForSnapshot: a snapshot is written once
  // this many deltas follow the last one.
  int min_deltas_for_snapshot = 10;
  // RocksDB: the block cache and write buffer sizes of each instance (bytes).
  int64_t rocksdb_block_cache_bytes = 64 << 20;
  int64_t rocksdb_write_buffer_bytes = 16 << 20;
};

// Opens the durable provider of one operator partition whose files live in `dir`
// (<checkpoint>/state/<operator>/<partition>; see state_files.h), of the backend
// conf.backend. Nothing is read until GetStore: GetStore(v) loads version v from the
// files (newest snapshot at or below v, then the deltas after it), and a commit of
// version v + 1 makes it durable (its delta, and a snapshot when one is due) before
// Commit returns. Purge(min) deletes the files no version >= min needs.
// InvalidArgument for an unknown backend.
Result<StateStoreProviderPtr> OpenStateStoreProvider(Env* env, const std::string& dir,
                                                     const StateStoreConf& conf);

// The two backends (OpenStateStoreProvider picks one by conf.backend).
Result<StateStoreProviderPtr> MakeDurableInMemoryProvider(Env* env, const std::string& dir,
                                                          const StateStoreConf& conf);
// RocksDB keeps its working instance in <dir>/working (rebuilt from the durable files
// when the provider opens) and needs `env` to be backed by the POSIX file system.
Result<StateStoreProviderPtr> MakeRocksDbProvider(Env* env, const std::string& dir,
                                                  const StateStoreConf& conf);

// An in-memory provider, not durable: the latest version in a hash set with an
// ordered index, plus undo records of the last `retained_versions` commits so that an
// earlier version can be reopened (a re-run of an epoch whose commit record never
// landed). The durable in-memory backend builds on it.
StateStoreProviderPtr MakeInMemoryStateStoreProvider(int retained_versions = 2);

}  // namespace weir::state
