// Memory accounting of the in-memory state store (internal to weir_state; tests use
// it to check memory_used_bytes exactly).

#pragma once

#include <cstdint>
#include <string_view>

namespace weir::state::internal {

// What one entry of the in-memory store costs beyond its key and value bytes: the
// slot in the btree (two std::string objects, 64 bytes with libstdc++) plus its share
// of the node headers, child pointers and unused slots of a partly full btree.
// Measured with absl's btree_map<std::string, std::string> (absl 20220623, GCC 12,
// malloc's in-use bytes) at 74 bytes per small entry inserted in key order and 95 at
// random, characters held in the strings' inline buffers included; 80 sits between.
// Strings longer than the inline buffer (15 bytes) add a heap block whose malloc
// header is not counted.
inline constexpr int64_t kEntryOverheadBytes = 80;

// The bytes memory_used_bytes counts for one entry.
inline int64_t EntryBytes(std::string_view key, std::string_view value) {
  return static_cast<int64_t>(key.size() + value.size()) + kEntryOverheadBytes;
}

}  // namespace weir::state::internal
