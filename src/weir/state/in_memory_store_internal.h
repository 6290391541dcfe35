// Internals of the in-memory state store (internal to weir_state): its memory
// accounting, which tests use to check memory_used_bytes exactly, the key
// comparison of its ordered index, which tests check against plain byte order, and
// the hooks the durable in-memory backend (durable_in_memory_store.cc) builds on.

#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "weir/common/result.h"
#include "weir/state/state_store.h"

namespace weir::state::internal {

// What one entry of the in-memory store costs beyond its key and value bytes:
//  - its node: a 40-byte header (the value's std::string, the open store's change
//    index, the key's size) followed by the key's bytes, in one malloc block (8 bytes
//    of header, 16-byte granularity): 48 to 63 bytes beyond the key;
//  - its slot in the hash set of nodes: an 8-byte pointer and a control byte, at a
//    load factor between 7/16 and 7/8: 10 to 21 bytes;
//  - its element in the ordered index (the key's first bytes and the node pointer),
//    plus its share of the btree's node headers and unused slots.
// Measured with malloc's in-use bytes (mallinfo2; absl 20220623, GCC 12, glibc 2.36)
// over the committed state of 10K to 1M entries with keys of 10, 17 and 40 bytes and
// 5-byte values, added by one epoch or by 20 whose keys interleave (so that the btree
// splits nodes in its middle), with the slot array from 44% to 87% full: 78 to 101
// bytes per entry beyond the key and value bytes; 88 sits in between. Values longer
// than std::string's 15-byte inline buffer add a heap block whose malloc header is not
// counted (and shorter ones are counted twice: in the 88 and in the value bytes).
// Since then each node gained its key's hash and each index element the key's bytes
// 8 to 16 (8 bytes each); that measurement plus those 16 bytes, 94 to 117, not
// measured again, gives 104.
inline constexpr int64_t kEntryOverheadBytes = 104;

// The bytes memory_used_bytes counts for one entry.
inline int64_t EntryBytes(std::string_view key, std::string_view value) {
  return static_cast<int64_t>(key.size() + value.size()) + kEntryOverheadBytes;
}

// The key's first 8 bytes as a big-endian integer, zero-padded when shorter. Two keys
// whose heads differ order as their heads do (where the heads first differ, either
// both keys have that byte, or the shorter key ended there, is a prefix of the other,
// and has the smaller padding byte 0 against a byte that is not 0). Stateful
// operators start their keys with an 8-byte event time, so the heads order most keys
// of different event times without reading the keys.
inline uint64_t KeyHead(std::string_view key) {
  uint64_t head = 0;
  std::memcpy(&head, key.data(), std::min<size_t>(key.size(), sizeof(head)));
  if constexpr (std::endian::native == std::endian::little) head = __builtin_bswap64(head);
  return head;
}

// <0, 0 or >0 as `a` sorts before, with or after `b` as unsigned bytes, given their
// heads.
inline int CompareKeys(uint64_t a_head, std::string_view a, uint64_t b_head, std::string_view b) {
  if (a_head != b_head) return a_head < b_head ? -1 : 1;
  // Equal heads: equal first 8 bytes when both keys have them.
  if (a.size() >= 8 && b.size() >= 8) {
    a.remove_prefix(8);
    b.remove_prefix(8);
  }
  return a.compare(b);  // memcmp: unsigned bytes
}

// One key a committing store changed: its new value, or nullptr when it removed it.
using ChangeVisitor = std::function<Status(std::string_view key, const std::string* value)>;
// Visits each key the committing store changed, stopping at the first error.
using ChangeList = std::function<Status(const ChangeVisitor& visit)>;

// Sees every commit of an in-memory provider's stores before it takes effect: the
// durable in-memory backend writes the new version's files here, so that the
// in-memory state never runs ahead of the files.
//
// Thread-safety: called on the committing store's thread, while no other store of
// the provider is open.
class CommitHook {
 public:
  virtual ~CommitHook() = default;
  // `store`, opened at `version`, is committing version + 1 and is still open: its
  // reads (Get, PrefixScan, Iterate) see version + 1; it must not be written.
  // `changes` visits the keys it changed relative to `version`, each once, with
  // their values at version + 1 (a removal may name a key that was absent at
  // `version`; applying it is then a no-op). An error fails the commit: the store
  // aborts, so the provider's latest version stays what it was, and Commit returns
  // the error.
  virtual Status BeforeCommit(int64_t version, StateStore* store, const ChangeList& changes) = 0;
};

// An in-memory provider (as MakeInMemoryStateStoreProvider) whose latest version is
// `version`, holding the entries `load` writes into the store it is given (opened at
// `version`, empty; the store is not committed through the hook and leaves no undo
// record: versions before `version` cannot be opened). Commits of its stores call
// `hook` first, when not null; the provider keeps it alive. An error from `load` is
// returned, and the provider discarded.
Result<StateStoreProviderPtr> MakeLoadedInMemoryProvider(
    int retained_versions, std::shared_ptr<CommitHook> hook, int64_t version,
    const std::function<Status(StateStore* store)>& load);

}  // namespace weir::state::internal
