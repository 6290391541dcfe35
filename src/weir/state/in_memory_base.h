// The latest version of an in-memory state store (in_memory_store.cc), laid out for
// point reads and ordered scans: internal to weir_state.
//
// Each key's entry is a node, one allocation holding the value and the key's bytes.
// A hash set of the nodes finds a key's node; an ordered index (a btree) holds, per
// node, the key's first 16 bytes (as two integers) and the node pointer, so that it
// orders most pairs of keys without reading them. Changing an existing key's value touches neither
// the set nor the index: both change only when a key is added or erased. Added keys enter the index
// in batches, sorted, when it is next used: a batch of keys that all sort after the existing ones
// (a new event-time window) goes in without searching the btree, and a batch that is large against
// the index (a quarter of it or more) is merged with it into a new btree in one pass, as is a large
// batch of erased keys filtered out of it: keys scattered among the others (a stream-stream join's
// rows under their join keys) then cost no search each.

#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>
#include <absl/types/compare.h>

#include "weir/common/check.h"
#include "weir/state/in_memory_store_internal.h"

namespace weir::state::internal {

// The heterogeneous lookups take an absl::string_view, which Debian's absl does not
// alias to std::string_view.
inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// A node the open store has not changed.
inline constexpr uint32_t kNoChange = UINT32_MAX;
// A node InMemoryBase::EraseAll is erasing, and one of those that was not in the
// index yet.
inline constexpr uint32_t kErasing = UINT32_MAX - 1;
inline constexpr uint32_t kErasingUnindexed = UINT32_MAX - 2;

// A key's entry in the base: one allocation, the key's bytes right after the struct,
// so that a lookup that reaches the node finds the key in the same cache lines.
struct Node {
  // The value at the latest version; when the open store added the key, its value
  // in that store's view (in_memory_store.cc), so that the commit leaves it in place.
  std::string value;
  // Where the open store's change of the key is in its change list (kNoChange: none;
  // kErasing or kErasingUnindexed while EraseAll erases the node).
  uint32_t change = kNoChange;
  uint32_t key_size = 0;
  // The key's hash (NodeHash), kept so that growing the hash set and erasing a node
  // read no key: the keys are scattered in memory, one cache miss each.
  size_t hash = 0;

  std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), key_size}; }

  static size_t HashKey(std::string_view key) {
    return absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
  }

  static Node* Make(std::string_view key) {
    WEIR_CHECK_LT(key.size(), size_t{UINT32_MAX});
    void* memory = ::operator new(sizeof(Node) + key.size());
    Node* node = new (memory) Node;
    node->key_size = static_cast<uint32_t>(key.size());
    node->hash = HashKey(key);
    if (!key.empty()) std::memcpy(reinterpret_cast<char*>(node + 1), key.data(), key.size());
    return node;
  }
  static void Free(Node* node) {
    node->~Node();
    ::operator delete(node);
  }
};

// Hash and equality of the base's nodes by their keys, which lookups give as views.
struct NodeHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return Node::HashKey(key); }
  size_t operator()(const Node* node) const { return node->hash; }
};
struct NodeEq {
  using is_transparent = void;
  // Two nodes never have the same key: comparing them needs no key.
  bool operator()(const Node* a, const Node* b) const { return a == b; }
  bool operator()(const Node* a, std::string_view b) const { return a->key() == b; }
  bool operator()(std::string_view a, const Node* b) const { return a == b->key(); }
};

// The KeyHead of a key's bytes 8 to 16, zero-padded (0 for a key of 8 bytes or
// fewer). Of two keys with equal heads, either both have 8 bytes or more, and their
// tails order them as KeyHead orders keys, or one is shorter, and so a prefix of the
// other, and its tail of 0 is not above the other's: so when the tails differ, they
// order the keys.
inline uint64_t KeyTail(std::string_view key) {
  return key.size() > 8 ? KeyHead(key.substr(8)) : 0;
}

// An element of the ordered index: a node, and its key's head and tail, so that
// keys whose first 8 bytes are equal (a join side's rows, say) are still ordered
// mostly without reading them (each read a cache miss).
struct IndexKey {
  uint64_t head;
  uint64_t tail;
  Node* node;

  static IndexKey Of(Node* node) {
    const std::string_view key = node->key();
    return IndexKey{KeyHead(key), KeyTail(key), node};
  }
};
// What a scan looks up in the index.
struct IndexProbe {
  uint64_t head;
  uint64_t tail;
  std::string_view key;

  static IndexProbe Of(std::string_view key) { return IndexProbe{KeyHead(key), KeyTail(key), key}; }
};

inline absl::weak_ordering ToOrdering(int c) {
  return c < 0   ? absl::weak_ordering::less
         : c > 0 ? absl::weak_ordering::greater
                 : absl::weak_ordering::equivalent;
}

// <0, 0 or >0 as key a sorts before, with or after key b, given their heads and
// tails; `bytes` compares the keys themselves, called only when both are equal.
template <typename Bytes>
int CompareIndexed(uint64_t a_head, uint64_t a_tail, uint64_t b_head, uint64_t b_tail,
                   const Bytes& bytes) {
  if (a_head != b_head) return a_head < b_head ? -1 : 1;
  if (a_tail != b_tail) return a_tail < b_tail ? -1 : 1;
  return bytes();
}

// Three-way, so that the btree compares a pair of keys once (not twice, as with a
// boolean less). Comparing an element with itself, which absl's btree does to check
// the comparator when NDEBUG is off (weir's Release builds), costs no memcmp.
struct IndexLess {
  using is_transparent = void;
  absl::weak_ordering operator()(const IndexKey& a, const IndexKey& b) const {
    if (a.node == b.node) return absl::weak_ordering::equivalent;
    return ToOrdering(CompareIndexed(a.head, a.tail, b.head, b.tail, [&] {
      return CompareKeys(a.head, a.node->key(), b.head, b.node->key());
    }));
  }
  absl::weak_ordering operator()(const IndexKey& a, const IndexProbe& b) const {
    return ToOrdering(CompareIndexed(a.head, a.tail, b.head, b.tail, [&] {
      return CompareKeys(a.head, a.node->key(), b.head, b.key);
    }));
  }
  absl::weak_ordering operator()(const IndexProbe& a, const IndexKey& b) const {
    return ToOrdering(CompareIndexed(a.head, a.tail, b.head, b.tail, [&] {
      return CompareKeys(a.head, a.key, b.head, b.node->key());
    }));
  }
};

// The latest version, plus the keys the open store added. Owns the nodes.
//
// Thread-safety: not thread-safe; only a provider's open store uses it.
class InMemoryBase {
 public:
  InMemoryBase() = default;
  InMemoryBase(const InMemoryBase&) = delete;
  InMemoryBase& operator=(const InMemoryBase&) = delete;
  ~InMemoryBase() {
    index_.clear();
    for (Node* node : nodes_) Node::Free(node);
  }

  Node* Find(std::string_view key) const {
    auto it = nodes_.find(key);
    return it == nodes_.end() ? nullptr : *it;
  }
  // Starts loading what a lookup of `key` reads first (its hash table group).
  void Prefetch(std::string_view key) const { nodes_.prefetch(key); }
  // The key's node; a new one, and *added set, when the base lacks it (one hash
  // lookup either way, where Find and then Add take two).
  Node* FindOrAdd(std::string_view key, bool* added) {
    *added = false;
    auto it = nodes_.lazy_emplace(key, [&](const auto& construct) {
      construct(Node::Make(key));
      *added = true;
    });
    if (*added) unindexed_.push_back(IndexKey{KeyHead(key), KeyTail(key), *it});
    return *it;
  }
  // Erases the nodes (each in the base once). Nodes still waiting to enter the
  // index (added since its last use) just leave the waiting list, so that a store
  // nothing scans never builds the index for its removals -- unless that list is
  // large against the erased nodes (walking it each commit would then cost more than
  // indexing it once). The others are sorted first unless they are in key order
  // already, as when an eviction removes the keys a scan visited: then runs of
  // neighbours in the index are erased without searching it again. When they are a
  // large part of the index, it is rebuilt from the nodes that stay instead (one
  // pass, appending in order; no search).
  //
  // REQUIRES: no node has an open store's change (ApplyChanges and Abort clear them
  // first): the erased nodes are marked in Node::change.
  void EraseAll(std::vector<IndexKey>* erased) {
    if (erased->empty()) return;
    for (const IndexKey& k : *erased) {
      WEIR_CHECK_EQ(k.node->change, kNoChange);
      k.node->change = kErasing;
    }
    if (unindexed_.size() > 4 * erased->size() + kRebuildMin) IndexAdded();
    // The erased nodes still waiting for the index: marked kErasingUnindexed and
    // dropped from the list, leaving in `indexed` the ones in the index.
    std::vector<IndexKey> indexed;
    std::vector<IndexKey>* in_index = erased;
    if (!unindexed_.empty()) {
      std::erase_if(unindexed_, [](const IndexKey& k) {
        if (k.node->change != kErasing) return false;
        k.node->change = kErasingUnindexed;
        return true;
      });
      for (const IndexKey& k : *erased) {
        if (k.node->change == kErasing) indexed.push_back(k);
      }
      in_index = &indexed;
    }
    if (in_index->size() >= kRebuildMin && in_index->size() * 4 >= index_.size()) {
      absl::btree_set<IndexKey, IndexLess> kept;
      if (IsSorted(*in_index)) {
        // In index order (an eviction of the keys a scan visited), the erased nodes
        // are the index's elements with their pointers in turn: the walk reads no
        // node (each one a cache miss). Unsorted ones are not sorted for this: on
        // Nexmark q7's join that was no faster than reading the nodes' marks.
        auto next = in_index->begin();
        for (const IndexKey& k : index_) {
          if (next != in_index->end() && k.node == next->node) {
            ++next;
          } else {
            kept.insert(kept.end(), k);
          }
        }
        WEIR_CHECK(next == in_index->end());
      } else {
        for (const IndexKey& k : index_) {
          if (k.node->change != kErasing) kept.insert(kept.end(), k);
        }
      }
      WEIR_CHECK_EQ(kept.size() + in_index->size(), index_.size());
      index_.swap(kept);
    } else if (!in_index->empty()) {
      SortKeys(in_index);
      auto it = index_.end();
      for (const IndexKey& k : *in_index) {
        if (it == index_.end() || it->node != k.node) it = index_.find(k);
        WEIR_CHECK(it != index_.end());
        it = index_.erase(it);
      }
    }
    // The nodes and their hash set slots are scattered: fetched a few erasures ahead.
    constexpr size_t kAhead = 8;
    const size_t n = erased->size();
    for (size_t i = 0; i < n; ++i) {
      if (i + 2 * kAhead < n) __builtin_prefetch((*erased)[i + 2 * kAhead].node);
      if (i + kAhead < n) nodes_.prefetch((*erased)[i + kAhead].node);
      Node* node = (*erased)[i].node;
      nodes_.erase(node);
      Node::Free(node);
    }
  }

  // Every key, in key order.
  const absl::btree_set<IndexKey, IndexLess>& index() {
    IndexAdded();
    return index_;
  }

  // Makes room for `more` keys beyond those it holds: in the hash set, and in the
  // list of keys waiting for the index (so that neither grows by doubling, copying
  // what it holds into fresh memory each time).
  void Reserve(size_t more) {
    if (more == 0) return;
    nodes_.reserve(nodes_.size() + more);  // capacities are powers of two
    // At least doubling, as push_back would: the list may outlive many epochs
    // (nothing scans), and an exact reserve each time would copy it each time.
    const size_t need = unindexed_.size() + more;
    if (need > unindexed_.capacity()) unindexed_.reserve(std::max(need, 2 * unindexed_.capacity()));
  }

  // How many keys the last committed store changed, and how many of them it added:
  // the next store expects as many.
  size_t last_changes = 0;
  size_t last_added = 0;

 private:
  static bool IsSorted(const std::vector<IndexKey>& keys) {
    const IndexLess less;
    return std::is_sorted(keys.begin(), keys.end(),
                          [&less](const IndexKey& a, const IndexKey& b) { return less(a, b) < 0; });
  }
  static void SortKeys(std::vector<IndexKey>* keys) {
    const IndexLess less;
    auto before = [&less](const IndexKey& a, const IndexKey& b) { return less(a, b) < 0; };
    if (IsSorted(*keys)) return;
    std::sort(keys->begin(), keys->end(), before);
  }

  // Puts the keys added since the last call into the index: in key order, each
  // where the previous one went, which takes no search when no older key lies
  // between them (a new window's keys, say).
  // When they are many against the index, merges the two into a new index instead
  // (one pass, appending in order), so that keys scattered among the old ones (a
  // join's rows under random keys, say) need no search each.
  void IndexAdded() {
    if (unindexed_.empty()) return;
    SortKeys(&unindexed_);
    if (unindexed_.size() >= kRebuildMin && unindexed_.size() * 4 >= index_.size()) {
      const IndexLess less;
      absl::btree_set<IndexKey, IndexLess> merged;
      auto a = index_.begin();
      auto b = unindexed_.begin();
      while (a != index_.end() && b != unindexed_.end()) {
        if (less(*a, *b) < 0) {
          merged.insert(merged.end(), *a++);
        } else {
          merged.insert(merged.end(), *b++);
        }
      }
      for (; a != index_.end(); ++a) merged.insert(merged.end(), *a);
      for (; b != unindexed_.end(); ++b) merged.insert(merged.end(), *b);
      WEIR_CHECK_EQ(merged.size(), index_.size() + unindexed_.size());
      index_.swap(merged);
    } else {
      auto hint = index_.end();
      for (const IndexKey& k : unindexed_) hint = std::next(index_.insert(hint, k));
    }
    std::vector<IndexKey>().swap(unindexed_);  // not kept: a batch may be large
  }

  // Fewer keys than this are inserted or erased one by one.
  static constexpr size_t kRebuildMin = 1024;

  absl::flat_hash_set<Node*, NodeHash, NodeEq> nodes_;
  absl::btree_set<IndexKey, IndexLess> index_;
  // Nodes added since the index was last used: they enter it together, sorted.
  std::vector<IndexKey> unindexed_;
};

}  // namespace weir::state::internal
