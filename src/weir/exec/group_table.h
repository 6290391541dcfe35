// GroupTable: maps key tuples to dense group ids (0, 1, 2, ...), the core of hash
// aggregation, hash joins (build rows grouped by key) and set operations (internal
// to weir_exec).
//
// Keys compare as GROUP BY does: NULL equals NULL, -0.0 equals 0.0, every NaN equals
// every NaN. Two layouts:
//  - one key of an integer-like type (BOOLEAN, INT, DATE, BIGINT, TIMESTAMP): the key
//    is an int64 in an absl::flat_hash_map, NULL is a group of its own;
//  - anything else (several keys, strings, doubles, nested types, no key at all):
//    each row's keys are encoded into bytes (a NULL flag per key, then fixed-width
//    bytes or a length and the bytes), which are copied once per *group* into an
//    arena; the map holds views of the arena with the precomputed hash.
//  - on request (aggregation tables), "coded": at most one integer-like key with one
//    or two STRING keys (GROUP BY auction, date_format(ts, 'yyyy-MM-dd')). Each
//    string is replaced by its code in a per-table dictionary (0 is NULL; a run of
//    equal strings costs one 16-byte compare per row), and (integer, codes) is
//    probed in 16-byte slots as the integer layout does: no key bytes per row. A
//    group still gets its byte encoding (once, when created), so group_hash,
//    KeyColumns and InsertFrom are those of the byte layout. A dictionary that grows
//    past kMaxCodes (a high-cardinality string) turns the table into the byte layout
//    for good.
//  - on request too, "pair": exactly two integer-like keys (GROUP BY bidder, auction).
//    (first, second, NULL bits) is probed in 24-byte slots with no key bytes per
//    row; a NULL key is value 0 with its bit set. As with "coded", a group's byte
//    encoding is built once when it is created, so group_hash, KeyColumns and
//    InsertFrom are the byte layout's. There is no dictionary, so it never turns
//    into the byte layout.
// Strings are never copied per row into std::string.
//
// Thread-safety: not thread-safe; one table per task. Const methods may run
// concurrently with each other (a built join table probed by many partitions).

#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "weir/common/result.h"
#include "weir/expr/datum.h"
#include "weir/expr/row_set.h"
#include "weir/types/builder.h"

namespace weir::exec {

inline constexpr uint32_t kNoGroup = 0xffffffffu;

inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Encodes the key datums of a batch's rows into row-major bytes (see above).
class KeyEncoder {
 public:
  // Encodes row rows[k] into key(k) for every k.
  void Encode(const std::vector<Datum>& keys, const RowSet& rows);
  std::string_view key(int64_t k) const {
    return {bytes_.data() + offsets_[static_cast<size_t>(k)],
            offsets_[static_cast<size_t>(k) + 1] - offsets_[static_cast<size_t>(k)]};
  }

 private:
  std::vector<char> bytes_;
  std::vector<size_t> offsets_;
  std::vector<size_t> cursor_;
  std::string scratch_;
};

// Decodes encoded keys into columns. Returns Corruption on malformed bytes (never
// expected: the bytes come from KeyEncoder).
Status DecodeKeys(const std::vector<std::string_view>& keys, const std::vector<DataType>& types,
                  std::vector<ColumnPtr>* out);

// Hashes of key tuples for exchanges: out[i] for every physical row i in `rows`.
// Equal keys (GROUP BY equality) hash equally.
void HashKeys(const std::vector<Datum>& keys, const RowSet& rows, uint64_t* out,
              KeyEncoder* scratch);

class GroupTable {
 public:
  // `code_strings`: use the coded or pair layout when the key types allow it (see
  // above).
  explicit GroupTable(std::vector<DataType> key_types, bool code_strings = false);
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  const std::vector<DataType>& key_types() const { return key_types_; }
  uint32_t num_groups() const { return static_cast<uint32_t>(hashes_.size()); }
  // A well-mixed hash of group g's key (equal in every table with these key types).
  uint64_t group_hash(uint32_t g) const { return hashes_[g]; }

  // Sets group_ids[i] for every physical row i of `rows`, creating groups for new
  // keys. `keys` are the evaluated key datums over the batch.
  void FindOrInsert(const std::vector<Datum>& keys, const RowSet& rows, uint32_t* group_ids);
  // Like FindOrInsert, but only looks up: kNoGroup for keys not in the table.
  void Find(const std::vector<Datum>& keys, const RowSet& rows, uint32_t* group_ids,
            KeyEncoder* scratch) const;
  // Makes room for `groups` groups in all, so that a table expected to hold about as
  // many (an epoch's, sized by the previous epoch's) is not grown by doubling: each
  // growth allocates fresh memory and re-inserts every group. Call before the first
  // insert.
  void Reserve(uint32_t groups);
  // Adds group g of `other` (same key types) if absent; returns its id here.
  uint32_t InsertFrom(const GroupTable& other, uint32_t g);

  // The key columns of `groups` (in that order).
  Result<std::vector<ColumnPtr>> KeyColumns(const std::vector<uint32_t>& groups) const;

  // Approximate bytes held.
  int64_t MemoryUsage() const;

 private:
  struct KeyRef {
    const char* data;
    uint32_t size;
    uint64_t hash;
  };
  struct KeyRefHash {
    size_t operator()(const KeyRef& k) const { return k.hash; }
  };
  struct KeyRefEq {
    bool operator()(const KeyRef& a, const KeyRef& b) const {
      return a.size == b.size && a.hash == b.hash && std::memcmp(a.data, b.data, a.size) == 0;
    }
  };

  // The most distinct strings a coded string key takes before the table turns
  // into the byte layout (codes are 1..kMaxCodes; 15 bits each with two strings).
  static constexpr uint32_t kMaxCodes = (1u << 15) - 1;

  uint32_t AddIntGroup(int64_t key, bool null);
  uint32_t InsertBytes(std::string_view key, uint64_t hash);
  // A new group with encoded key `key` (copied), not yet in any map.
  uint32_t AddByteGroup(std::string_view key, uint64_t hash);
  const char* CopyToArena(std::string_view bytes);

  std::vector<DataType> key_types_;
  bool int_mode_ = false;
  std::vector<uint64_t> hashes_;

  // Integer layout: open addressing with linear probing over 16-byte slots; a batch
  // computes every row's hash and prefetches its slot before probing, so the cache
  // misses of a batch overlap.
  struct IntSlot {
    int64_t key;
    uint32_t group;  // kNoGroup: empty
    uint32_t unused;
  };
  uint32_t IntFindOrInsert(int64_t key, uint64_t hash);
  uint32_t IntFind(int64_t key, uint64_t hash) const;
  void IntGrow();
  std::vector<IntSlot> int_slots_;
  uint64_t int_mask_ = 0;
  std::vector<uint64_t> hash_scratch_;
  std::vector<int64_t> int_keys_;
  uint32_t null_group_ = kNoGroup;

  // Coded layout (coded_ is true): slots as in the integer layout, keyed by the
  // integer key (0 when NULL or absent) and `codes` (string codes, 15 bits each, bit
  // 31 for a NULL integer key).
  struct CodedSlot {
    int64_t key;
    uint32_t codes;
    uint32_t group;  // kNoGroup: empty
  };
  static uint64_t CodedHash(int64_t key, uint32_t codes) {
    return Mix64(static_cast<uint64_t>(key) ^ (uint64_t{codes} * 0x9e3779b97f4a7c15ULL));
  }
  // Fills codes_scratch_ and int_scratch_ for the rows (adding strings to the
  // dictionaries when `insert`, else kNoGroup in codes_scratch_ for an unknown
  // string); false when a dictionary would outgrow kMaxCodes.
  bool CodeRows(const std::vector<Datum>& keys, const RowSet& rows, bool insert);
  // The code of string `s` of coded key k (0 < code), adding it when `insert`;
  // kNoGroup when absent (and not `insert`) or when the dictionary is full.
  uint32_t CodeOf(size_t k, std::string_view s, bool insert);
  // The group of (key, codes), or kNoGroup and in *slot the empty slot to take.
  uint32_t CodedFind(int64_t key, uint32_t codes, uint64_t hash, uint64_t* slot) const;
  // A new group with encoded key `bytes` in empty slot `slot` (from CodedFind).
  uint32_t CodedInsert(uint64_t slot, int64_t key, uint32_t codes, std::string_view bytes,
                       uint64_t byte_hash);
  // The integer key and codes of an encoded key (adding its strings to the
  // dictionaries); false when a dictionary is full.
  bool CodeEncoded(std::string_view bytes, int64_t* key, uint32_t* codes);
  void CodedGrow();
  // Leaves the coded layout: every group goes into byte_map_.
  void ToByteLayout();
  bool coded_ = false;
  int coded_int_ = -1;              // the integer key's index, or -1
  std::vector<int> coded_strings_;  // the string keys' indexes (one or two)
  std::vector<absl::flat_hash_map<std::string, uint32_t>> dicts_;  // per string key
  std::vector<CodedSlot> coded_slots_;
  uint64_t coded_mask_ = 0;
  std::vector<uint32_t> codes_scratch_;
  std::vector<int64_t> int_scratch_;
  std::string row_scratch_;

  // Pair layout (pair_ is true): open addressing as above over PairSlots.
  struct PairSlot {
    int64_t first;
    int64_t second;
    uint32_t nulls;  // bit 0: the first key is NULL, bit 1: the second (its value is 0)
    uint32_t group;  // kNoGroup: empty
  };
  static uint64_t PairHash(int64_t first, int64_t second, uint32_t nulls) {
    return Mix64((static_cast<uint64_t>(first) * 0x9e3779b97f4a7c15ULL) ^
                 static_cast<uint64_t>(second) ^ (uint64_t{nulls} << 61));
  }
  // Fills int_scratch_ (first keys), int2_scratch_ (second keys) and codes_scratch_
  // (NULL bits) for the rows.
  void PairRows(const std::vector<Datum>& keys, const RowSet& rows);
  // The group of (first, second, nulls), or kNoGroup and in *slot the empty slot to
  // take.
  uint32_t PairFind(int64_t first, int64_t second, uint32_t nulls, uint64_t hash,
                    uint64_t* slot) const;
  // A new group in empty slot `slot` (from PairFind); encodes its key bytes.
  uint32_t PairInsert(uint64_t slot, int64_t first, int64_t second, uint32_t nulls);
  // The keys and NULL bits of an encoded pair key.
  void PairDecode(std::string_view bytes, int64_t* first, int64_t* second, uint32_t* nulls) const;
  void PairGrow();
  bool pair_ = false;
  std::vector<PairSlot> pair_slots_;
  uint64_t pair_mask_ = 0;
  std::vector<int64_t> int2_scratch_;

  // Byte layout.
  absl::flat_hash_map<KeyRef, uint32_t, KeyRefHash, KeyRefEq> byte_map_;
  std::vector<KeyRef> byte_keys_;
  std::vector<std::unique_ptr<char[]>> arena_;
  size_t arena_left_ = 0;
  char* arena_next_ = nullptr;
  int64_t arena_bytes_ = 0;
  KeyEncoder encoder_;
};

}  // namespace weir::exec
