// The latest version of an in-memory state store (in_memory_store.cc), laid out for
// point reads and ordered scans: internal to weir_state.
//
// Each key's entry is a node, one allocation holding the value and the key's bytes.
// A hash set of the nodes finds a key's node; an ordered index (a btree) holds, per
// node, the key's first 8 bytes and the node pointer, so that it orders most pairs of
// keys without reading them. Changing an existing key's value touches neither the
// set nor the index: both change only when a key is added or erased. Added keys
// enter the index in batches, sorted, when it is next used: a batch of keys that
// all sort after the existing ones (a new event-time window) goes in without
// searching the btree.

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

// A key's entry in the base: one allocation, the key's bytes right after the struct,
// so that a lookup that reaches the node finds the key in the same cache lines.
struct Node {
  // The value at the latest version; unused when the open store added the key.
  std::string value;
  // Where the open store's change of the key is in its change list (kNoChange: none).
  uint32_t change = kNoChange;
  uint32_t key_size = 0;

  std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), key_size}; }

  static Node* Make(std::string_view key) {
    WEIR_CHECK_LT(key.size(), size_t{UINT32_MAX});
    void* memory = ::operator new(sizeof(Node) + key.size());
    Node* node = new (memory) Node;
    node->key_size = static_cast<uint32_t>(key.size());
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
  size_t operator()(std::string_view key) const {
    return absl::Hash<absl::string_view>{}(AbslView(key));
  }
  size_t operator()(const Node* node) const { return (*this)(node->key()); }
};
struct NodeEq {
  using is_transparent = void;
  // Two nodes never have the same key: comparing them needs no key.
  bool operator()(const Node* a, const Node* b) const { return a == b; }
  bool operator()(const Node* a, std::string_view b) const { return a->key() == b; }
  bool operator()(std::string_view a, const Node* b) const { return a == b->key(); }
};

// An element of the ordered index: a node, and its key's head (KeyHead).
struct IndexKey {
  uint64_t head;
  Node* node;
};
// What a scan looks up in the index.
struct IndexProbe {
  uint64_t head;
  std::string_view key;
};

inline absl::weak_ordering ToOrdering(int c) {
  return c < 0   ? absl::weak_ordering::less
         : c > 0 ? absl::weak_ordering::greater
                 : absl::weak_ordering::equivalent;
}

// Three-way, so that the btree compares a pair of keys once (not twice, as with a
// boolean less). Comparing an element with itself, which absl's btree does to check
// the comparator when NDEBUG is off (weir's Release builds), costs no memcmp.
struct IndexLess {
  using is_transparent = void;
  absl::weak_ordering operator()(const IndexKey& a, const IndexKey& b) const {
    if (a.node == b.node) return absl::weak_ordering::equivalent;
    return ToOrdering(CompareKeys(a.head, a.node->key(), b.head, b.node->key()));
  }
  absl::weak_ordering operator()(const IndexKey& a, const IndexProbe& b) const {
    return ToOrdering(CompareKeys(a.head, a.node->key(), b.head, b.key));
  }
  absl::weak_ordering operator()(const IndexProbe& a, const IndexKey& b) const {
    return ToOrdering(CompareKeys(a.head, a.key, b.head, b.node->key()));
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
  // REQUIRES: `key` is not in the base.
  Node* Add(std::string_view key) {
    Node* node = Node::Make(key);
    nodes_.insert(node);
    unindexed_.push_back(IndexKey{KeyHead(key), node});
    return node;
  }
  // Erases the nodes (each in the base once). Sorts them first unless they are in
  // key order already, as when an eviction removes the keys a scan visited: then
  // runs of neighbours in the index are erased without searching it again.
  void EraseAll(std::vector<IndexKey>* erased) {
    IndexAdded();
    SortKeys(erased);
    auto it = index_.end();
    for (const IndexKey& k : *erased) {
      if (it == index_.end() || it->node != k.node) it = index_.find(k);
      WEIR_CHECK(it != index_.end());
      it = index_.erase(it);
    }
    for (const IndexKey& k : *erased) {
      nodes_.erase(k.node);
      Node::Free(k.node);
    }
  }

  // Every key, in key order.
  const absl::btree_set<IndexKey, IndexLess>& index() {
    IndexAdded();
    return index_;
  }

  // How many keys the last committed store changed: the next store expects as many.
  size_t last_changes = 0;

 private:
  static void SortKeys(std::vector<IndexKey>* keys) {
    const IndexLess less;
    auto before = [&less](const IndexKey& a, const IndexKey& b) { return less(a, b) < 0; };
    if (!std::is_sorted(keys->begin(), keys->end(), before)) {
      std::sort(keys->begin(), keys->end(), before);
    }
  }

  // Puts the keys added since the last call into the index: in key order, each
  // where the previous one went, which takes no search when no older key lies
  // between them (a new window's keys, say).
  void IndexAdded() {
    if (unindexed_.empty()) return;
    SortKeys(&unindexed_);
    auto hint = index_.end();
    for (const IndexKey& k : unindexed_) hint = std::next(index_.insert(hint, k));
    std::vector<IndexKey>().swap(unindexed_);  // not kept: a batch may be large
  }

  absl::flat_hash_set<Node*, NodeHash, NodeEq> nodes_;
  absl::btree_set<IndexKey, IndexLess> index_;
  // Nodes added since the index was last used: they enter it together, sorted.
  std::vector<IndexKey> unindexed_;
};

}  // namespace weir::state::internal
