// collect_list, collect_set (alias array_agg for collect_list), max_by, min_by.
//
// Semantics, from Spark 3.5's collect.scala and MaxByAndMinBy.scala:
//   - collect_list / collect_set skip NULL inputs and return ARRAY<T> (containsNull =
//     false); no rows give an empty array, never NULL.
//   - collect_list keeps input order; after a merge, the left state's elements come
//     first.
//   - collect_set deduplicates with the equality of Spark's buffer, a Scala
//     mutable.HashSet[Any]: top-level DOUBLEs compare with `==`, so -0.0 and 0.0 are
//     one element (the first seen is kept) and NaN is never equal to anything (each
//     NaN is kept); nested values (arrays, structs) compare by their bytes, as
//     UnsafeArrayData / UnsafeRow equality does. MAP inputs are refused, as in Spark.
//     Order: Spark returns the hash set's iteration order, which is unspecified
//     (the docs call the function non-deterministic); weir returns first-occurrence
//     order, which is deterministic for a given input order.
//   - max_by(x, y) / min_by(x, y): rows whose y is NULL are skipped; x may be NULL
//     and is then the result. Ties on y take the later row (Spark keeps the old
//     value only when old > new, resp. old < new), and a merge takes the right
//     state on a tie. DOUBLE y orders NaN above everything, as Spark's comparison.
//   - min(x) / max(x) of a STRUCT or ARRAY x (Spark's Min/Max, whose buffer is
//     updated by Least/Greatest(buffer, x)): NULL x are skipped, no non-NULL x gives
//     NULL, and the kept value is replaced only by a strictly smaller (larger) one,
//     so of equal values (a field -0.0 against 0.0) the first stays, and a merge
//     keeps the left state on a tie. The order is max_by's. This is max_by's
//     machinery with the value as its own ordering, kept once.
//
// Values are kept in a compact binary encoding (below), so a state is one heap
// object whatever the type, and its serialized form is that encoding.

#include <cmath>
#include <deque>
#include <new>
#include <unordered_set>

#include "weir/common/check.h"
#include "weir/functions/aggregate_registry.h"
#include "weir/functions/ordering.h"
#include "weir/functions/registry.h"
#include "weir/functions/value_codec_internal.h"

namespace weir {

namespace {

using codec::ContainsMap;
using codec::DecodeNullable;
using codec::DecodeValue;
using codec::EncodeValue;
using codec::FixedWidth;
using codec::GetVarint;
using codec::LoadLe;
using codec::PutVarint;

// ---- collect_list, collect_set ----------------------------------------------------

// A set of 64-bit keys: open addressing with linear probing in one flat array, so
// adding is a multiply, a mask and usually one cache line, and freeing is one
// delete. Key 0 marks an empty slot; whether 0 itself is in the set is a flag.
class FlatKeySet {
 public:
  // True when `k` was not in the set (and is now).
  bool Insert(uint64_t k) {
    if (k == 0) {
      if (has_zero_) return false;
      has_zero_ = true;
      return true;
    }
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = Hash(k) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == k) return false;
      if (slots_[i] == 0) {
        slots_[i] = k;
        ++size_;
        return true;
      }
    }
  }
  bool Contains(uint64_t k) const {
    if (k == 0) return has_zero_;
    if (slots_.empty()) return false;
    const size_t mask = slots_.size() - 1;
    for (size_t i = Hash(k) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == k) return true;
      if (slots_[i] == 0) return false;
    }
  }
  // Hints that `k` will be inserted soon: loads its home slot into the cache.
  void Prefetch(uint64_t k) const {
    if (k != 0 && !slots_.empty()) __builtin_prefetch(&slots_[Hash(k) & (slots_.size() - 1)]);
  }
  // Makes room for `n` keys without rehashing.
  void Reserve(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > slots_.size()) Rehash(cap);
  }

 private:
  // Keys that differ only in their low 3 bits share a home cache line (8 slots):
  // ids handed out in sequence (auctions, persons) are often hot together, and
  // their slots then stay in few lines. The rest of the key goes through a full
  // 64-bit mixer, so keys differing only in high bits (DOUBLEs such as 1.0, 2.0,
  // whose low bits are all zero) still spread over the table.
  static size_t Hash(uint64_t k) {
    uint64_t h = k >> 3;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return static_cast<size_t>((h << 3) | (k & 7));
  }
  void Grow() { Rehash(slots_.empty() ? 16 : slots_.size() * 2); }
  void Rehash(size_t cap) {
    std::vector<uint64_t> old(cap, 0);
    old.swap(slots_);
    const size_t mask = cap - 1;
    for (uint64_t k : old) {
      if (k == 0) continue;
      size_t i = Hash(k) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = k;
    }
  }

  std::vector<uint64_t> slots_;
  size_t size_ = 0;  // excluding the zero key
  bool has_zero_ = false;
};

// The heap part of a collect state: the encoded elements back to back, in order.
struct CollectData {
  std::string bytes;
  int64_t count = 0;
  // collect_set only: the keys of the elements kept (the encoding, with a top-level
  // -0.0 written as 0.0). NaNs are never added, so they never match. Elements of
  // up to 8 bytes (BOOLEAN, INT, DATE, BIGINT, TIMESTAMP, DOUBLE) use `small`, the
  // encoding's bytes as an integer; other types use `keys`.
  std::unordered_set<std::string> keys;
  FlatKeySet small;
  // With `small`: the first `indexed` elements are accounted for in it. A state read
  // back by Deserialize is not indexed (its elements are distinct, as weir wrote
  // them): a streaming epoch merges the new elements into it and writes it out
  // again, which needs no index of the stored elements (see Merge). The index is
  // built when an element is added to such a state.
  int64_t indexed = 0;
};

class CollectAggregate final : public HeapStateAggregate<CollectData> {
 public:
  CollectAggregate(std::string name, DataType arg, bool set)
      : HeapStateAggregate(std::move(name), {arg}, DataType::Array(arg, false)),
        set_(set),
        small_width_(set && FixedWidth(arg.id()) <= 8 ? FixedWidth(arg.id()) : 0),
        is_double_(arg.id() == TypeId::kDouble) {}

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
    if (small_width_ > 0) {
      // The element's bytes straight from the column: no encoding, no allocation.
      // The non-NULL rows are listed first so that the set slot of the row kAhead
      // places on can be prefetched: a large set misses the cache on most adds.
      constexpr size_t kAhead = 24;
      const char* base = reinterpret_cast<const char*>(a.col().values_buffer()->data());
      const auto w = static_cast<int64_t>(small_width_);
      std::vector<uint32_t> live;
      live.reserve(static_cast<size_t>(rows.size()));
      if (a.no_nulls()) {
        rows.ForEach([&](int64_t i) { live.push_back(static_cast<uint32_t>(i)); });
      } else {
        rows.ForEach([&](int64_t i) {
          if (!a.IsNull(i)) live.push_back(static_cast<uint32_t>(i));
        });
      }
      for (size_t k = 0; k < live.size(); ++k) {
        if (k + kAhead < live.size()) {
          const uint32_t j = live[k + kAhead];
          if (const CollectData* d = Get(states[j]); d != nullptr) {
            uint64_t key = 0;
            std::memcpy(&key, base + a.Index(j) * w, static_cast<size_t>(w));
            d->small.Prefetch(key);
          }
        }
        const uint32_t i = live[k];
        AddSmall(Data(states[i]), base + a.Index(i) * w);
      }
      return Status::OK();
    }
    std::string scratch;
    rows.ForEach([&](int64_t i) {
      if (a.IsNull(i)) return;
      scratch.clear();
      EncodeValue(a.col(), a.Index(i), &scratch);
      Add(Data(states[i]), scratch);
    });
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    const CollectData* other = Get(o);
    if (other == nullptr || other->count == 0) return Status::OK();
    CollectData* mine = Data(s);
    if (!set_) {
      mine->bytes += other->bytes;
      mine->count += other->count;
      return Status::OK();
    }
    if (small_width_ > 0) {
      if (mine->indexed < mine->count && other->indexed == other->count) {
        // A state read back (stored) (+) an indexed one (this epoch's): look the
        // stored elements up in the new ones' index instead of indexing them; the
        // new elements not among them are appended, still not indexed.
        FlatKeySet common;
        const char* p = mine->bytes.data();
        for (int64_t e = 0; e < mine->count; ++e, p += small_width_) {
          uint64_t k;
          if (KeyOf(p, &k) && other->small.Contains(k)) common.Insert(k);
        }
        p = other->bytes.data();
        for (int64_t e = 0; e < other->count; ++e, p += small_width_) {
          uint64_t k;
          if (!KeyOf(p, &k) || !common.Contains(k)) Append(mine, std::string_view(p, w()));
        }
        return Status::OK();
      }
      const char* p = other->bytes.data();
      for (int64_t e = 0; e < other->count; ++e, p += small_width_) AddSmall(mine, p);
      return Status::OK();
    }
    return ForEachElement(other->bytes, other->count, [&](std::string_view e) { Add(mine, e); });
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    auto* ab = static_cast<ArrayBuilder*>(out);
    const DataType& t = arg_types()[0];
    const TypeId id = t.id();
    if (id == TypeId::kInt64 || id == TypeId::kTimestamp || id == TypeId::kInt32 ||
        id == TypeId::kDate || id == TypeId::kDouble) {
      // Fixed-width elements: typed appends, no decoding per element. (One Reserve
      // for all: Reserve sizes the buffer exactly, so one per state would copy it
      // every time.)
      ColumnBuilder* eb = ab->element_builder();
      int64_t total = 0;
      for (int64_t k = 0; k < n; ++k) {
        if (const CollectData* d = Get(states[k]); d != nullptr) total += d->count;
      }
      eb->Reserve(total);
      for (int64_t k = 0; k < n; ++k) {
        ab->Append();
        const CollectData* d = Get(states[k]);
        if (d == nullptr) continue;
        const char* p = d->bytes.data();
        for (int64_t e = 0; e < d->count; ++e) {
          switch (id) {
            case TypeId::kInt32:
            case TypeId::kDate:
              static_cast<Int32Builder*>(eb)->Append(LoadLe<int32_t>(p));
              p += 4;
              break;
            case TypeId::kDouble:
              static_cast<DoubleBuilder*>(eb)->Append(LoadLe<double>(p));
              p += 8;
              break;
            default:
              static_cast<Int64Builder*>(eb)->Append(LoadLe<int64_t>(p));
              p += 8;
              break;
          }
        }
      }
      return Status::OK();
    }
    for (int64_t k = 0; k < n; ++k) {
      ab->Append();
      const CollectData* d = Get(states[k]);
      if (d == nullptr) continue;
      std::string_view in = d->bytes;
      for (int64_t e = 0; e < d->count; ++e) {
        RETURN_NOT_OK(DecodeValue(&in, t, ab->element_builder()));
      }
    }
    return Status::OK();
  }
  // varint count, then the encoded elements.
  void Serialize(const uint8_t* s, std::string* out) const override {
    const CollectData* d = Get(s);
    PutVarint(d == nullptr ? 0 : static_cast<uint64_t>(d->count), out);
    if (d != nullptr) out->append(d->bytes);
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    uint64_t count;
    if (!GetVarint(&in, &count) || count > in.size()) {
      return Status::Corruption(name() + " state has a bad element count");
    }
    auto fresh = std::make_unique<CollectData>();
    if (small_width_ > 0) {
      // Fixed-width elements: the size says whether the bytes are well formed.
      if (in.size() != count * static_cast<uint64_t>(small_width_)) {
        return Status::Corruption(name() + " state: " + std::to_string(in.size()) + " bytes for " +
                                  std::to_string(count) + " elements");
      }
      // Not indexed until an element is added (see CollectData::indexed).
      fresh->bytes.assign(in);
      fresh->count = static_cast<int64_t>(count);
      fresh->indexed = set_ ? 0 : fresh->count;
    } else {
      Status st = ForEachElement(in, static_cast<int64_t>(count), [&](std::string_view e) {
        if (set_) {
          Add(fresh.get(), e);
        } else {
          fresh->bytes.append(e);
          fresh->count += 1;
        }
      });
      if (!st.ok()) return Status::Corruption(name() + " state: " + st.message());
    }
    delete Get(s);
    Set(s, fresh.release());
    return Status::OK();
  }

 private:
  static CollectData* Data(uint8_t* s) {
    CollectData* d = Get(s);
    if (d == nullptr) {
      d = new CollectData();
      Set(s, d);
    }
    return d;
  }

  // Calls f(encoding) for each of the `count` elements in `bytes`, which must hold
  // exactly that many well-formed elements.
  template <typename F>
  Status ForEachElement(std::string_view bytes, int64_t count, F&& f) const {
    const DataType& t = arg_types()[0];
    for (int64_t e = 0; e < count; ++e) {
      std::string_view rest = bytes;
      RETURN_NOT_OK(DecodeValue(&rest, t, nullptr));
      f(bytes.substr(0, bytes.size() - rest.size()));
      bytes = rest;
    }
    if (!bytes.empty()) return Status::Corruption("trailing bytes after the elements");
    return Status::OK();
  }

  void Add(CollectData* d, std::string_view e) const {
    if (small_width_ > 0) {
      AddSmall(d, e.data());
      return;
    }
    if (set_) {
      std::string key(e);
      if (!d->keys.insert(std::move(key)).second) return;
    }
    Append(d, e);
  }
  // collect_set of a type of at most 8 bytes: `p` points at the element's
  // small_width_ bytes (its encoding).
  void AddSmall(CollectData* d, const char* p) const {
    if (d->indexed != d->count) Index(d);
    uint64_t key;
    // A NaN is always kept: NaN != NaN in Scala's HashSet.
    if (KeyOf(p, &key) && !d->small.Insert(key)) return;
    Append(d, std::string_view(p, w()));
    d->indexed = d->count;
  }
  size_t w() const { return static_cast<size_t>(small_width_); }
  // The set key of the small element at `p`: its bytes as an integer, -0.0 as 0.0;
  // false for a NaN, which has none.
  bool KeyOf(const char* p, uint64_t* key) const {
    *key = 0;
    std::memcpy(key, p, w());
    if (is_double_) {
      const double v = LoadLe<double>(p);
      if (std::isnan(v)) return false;
      if (v == 0.0) *key = 0;  // -0.0 == 0.0
    }
    return true;
  }
  // Adds the elements past d->indexed to d->small, dropping any already there (a
  // state not written by weir may repeat one).
  void Index(CollectData* d) const {
    d->small.Reserve(static_cast<size_t>(d->count));
    const char* in = d->bytes.data() + static_cast<size_t>(d->indexed) * w();
    char* out = d->bytes.data() + static_cast<size_t>(d->indexed) * w();
    int64_t kept = d->indexed;
    for (int64_t e = d->indexed; e < d->count; ++e, in += w()) {
      uint64_t key;
      if (KeyOf(in, &key) && !d->small.Insert(key)) continue;
      if (out != in) std::memmove(out, in, w());
      out += w();
      ++kept;
    }
    d->bytes.resize(static_cast<size_t>(kept) * w());
    d->count = kept;
    d->indexed = kept;
  }
  static void Append(CollectData* d, std::string_view e) {
    d->bytes.append(e);
    d->count += 1;
  }

  bool set_;
  int small_width_;  // collect_set of an element type of at most 8 bytes; else 0
  bool is_double_;
};

Result<AggregateFunctionPtr> ResolveCollect(std::string name, bool set,
                                            std::vector<ExprPtr>* args) {
  const DataType& t = (*args)[0]->type();
  if (set && ContainsMap(t)) {
    return DataTypeMismatch("UNSUPPORTED_INPUT_TYPE", DescribeCall(name, *args),
                            "The input of `" + name + "` can't be \"MAP\" type data.");
  }
  return AggregateFunctionPtr(std::make_shared<CollectAggregate>(std::move(name), t, set));
}

// ---- max_by, min_by ---------------------------------------------------------------

// Spark's ordering of two encoded non-NULL values of type `t` (an orderable type:
// no MAP or INTERVAL inside), read from the fronts of *a and *b. The values are
// well formed (states are validated when deserialized). After a non-zero result
// the views are left part-way; after 0 both values have been consumed.
//   - numbers, dates, timestamps, booleans by value; DOUBLE with NaN above all and
//     -0.0 == 0.0; strings and binaries by unsigned bytes, then length;
//   - STRUCT field by field, a NULL field before any value (Spark's
//     InterpretedOrdering sorts its fields ascending, nulls first);
//   - ARRAY element by element (NULL first), then the shorter first.
int CompareEncoded(std::string_view* a, std::string_view* b, const DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean: {
      int c = kernels::Compare3((*a)[0], (*b)[0]);
      a->remove_prefix(1);
      b->remove_prefix(1);
      return c;
    }
    case TypeId::kInt32:
    case TypeId::kDate: {
      int c = kernels::Compare3(LoadLe<int32_t>(a->data()), LoadLe<int32_t>(b->data()));
      a->remove_prefix(4);
      b->remove_prefix(4);
      return c;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      int c = kernels::Compare3(LoadLe<int64_t>(a->data()), LoadLe<int64_t>(b->data()));
      a->remove_prefix(8);
      b->remove_prefix(8);
      return c;
    }
    case TypeId::kDouble: {
      int c = kernels::CompareDoubles(LoadLe<double>(a->data()), LoadLe<double>(b->data()));
      a->remove_prefix(8);
      b->remove_prefix(8);
      return c;
    }
    case TypeId::kDecimal: {
      int c = kernels::Compare3(LoadLe<Int128>(a->data()), LoadLe<Int128>(b->data()));
      a->remove_prefix(16);
      b->remove_prefix(16);
      return c;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      uint64_t na = 0, nb = 0;
      GetVarint(a, &na);
      GetVarint(b, &nb);
      // char_traits<char>::compare is memcmp: unsigned bytes, then the length.
      int c = a->substr(0, na).compare(b->substr(0, nb));
      a->remove_prefix(na);
      b->remove_prefix(nb);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeId::kStruct:
      for (const Field& f : t.fields()) {
        const bool va = (*a)[0] != 0, vb = (*b)[0] != 0;
        a->remove_prefix(1);
        b->remove_prefix(1);
        if (va != vb) return va ? 1 : -1;
        if (!va) continue;
        if (int c = CompareEncoded(a, b, f.type); c != 0) return c;
      }
      return 0;
    case TypeId::kArray: {
      uint64_t na = 0, nb = 0;
      GetVarint(a, &na);
      GetVarint(b, &nb);
      for (uint64_t k = 0; k < na && k < nb; ++k) {
        const bool va = (*a)[0] != 0, vb = (*b)[0] != 0;
        a->remove_prefix(1);
        b->remove_prefix(1);
        if (va != vb) return va ? 1 : -1;
        if (!va) continue;
        if (int c = CompareEncoded(a, b, t.element_type()); c != 0) return c;
      }
      if (na != nb) return na < nb ? -1 : 1;
      return 0;
    }
    default:
      return 0;  // refused at resolution (see Orderable)
  }
}

// Whether Spark can order values of `t` (RowOrdering.isOrderable): not MAP,
// INTERVAL or NULL, nor an array or struct holding one.
bool Orderable(const DataType& t) {
  switch (t.id()) {
    case TypeId::kMap:
    case TypeId::kInterval:
    case TypeId::kNull:
      return false;
    case TypeId::kArray:
      return Orderable(t.element_type());
    case TypeId::kStruct:
      for (const Field& f : t.fields()) {
        if (!Orderable(f.type)) return false;
      }
      return true;
    default:
      return true;
  }
}

// Spark's ordering of non-NULL row i of `c` (of type `t`, orderable) against the
// encoded value at the front of *enc, which is well formed: the sign of
// CompareEncoded(EncodeValue(c, i), *enc), without encoding the row. So max_by and
// min_by decide whether a row wins before they pay for its encoding (a row that
// loses, as most do in an aggregate over many rows per group, is never encoded).
// After a non-zero result *enc is left part-way; after 0 the value is consumed.
int CompareRowToEncoded(const Column& c, int64_t i, std::string_view* enc, const DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean: {
      int r = kernels::Compare3(static_cast<int>(c.values<uint8_t>()[i]),
                                static_cast<int>(static_cast<uint8_t>((*enc)[0])));
      enc->remove_prefix(1);
      return r;
    }
    case TypeId::kInt32:
    case TypeId::kDate: {
      int r = kernels::Compare3(c.values<int32_t>()[i], LoadLe<int32_t>(enc->data()));
      enc->remove_prefix(4);
      return r;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      int r = kernels::Compare3(c.values<int64_t>()[i], LoadLe<int64_t>(enc->data()));
      enc->remove_prefix(8);
      return r;
    }
    case TypeId::kDouble: {
      int r = kernels::CompareDoubles(c.values<double>()[i], LoadLe<double>(enc->data()));
      enc->remove_prefix(8);
      return r;
    }
    case TypeId::kDecimal: {
      int r = kernels::Compare3(c.values<Int128>()[i], LoadLe<Int128>(enc->data()));
      enc->remove_prefix(16);
      return r;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      uint64_t n = 0;
      GetVarint(enc, &n);
      int r = c.Get<StringRef>(i).view().compare(enc->substr(0, n));
      enc->remove_prefix(n);
      return r < 0 ? -1 : (r > 0 ? 1 : 0);
    }
    case TypeId::kStruct:
      for (int f = 0; f < c.num_children(); ++f) {
        const Column& child = *c.child(f);
        const bool va = !child.IsNull(i), vb = (*enc)[0] != 0;
        enc->remove_prefix(1);
        if (va != vb) return va ? 1 : -1;
        if (!va) continue;
        if (int r = CompareRowToEncoded(child, i, enc, t.fields()[static_cast<size_t>(f)].type);
            r != 0) {
          return r;
        }
      }
      return 0;
    case TypeId::kArray: {
      const int32_t b = c.offsets()[i], e = c.offsets()[i + 1];
      const auto na = static_cast<uint64_t>(e - b);
      uint64_t nb = 0;
      GetVarint(enc, &nb);
      const Column& elems = *c.child(0);
      for (uint64_t k = 0; k < na && k < nb; ++k) {
        const int64_t j = b + static_cast<int64_t>(k);
        const bool va = !elems.IsNull(j), vb = (*enc)[0] != 0;
        enc->remove_prefix(1);
        if (va != vb) return va ? 1 : -1;
        if (!va) continue;
        if (int r = CompareRowToEncoded(elems, j, enc, t.element_type()); r != 0) return r;
      }
      if (na != nb) return na < nb ? -1 : 1;
      return 0;
    }
    default:
      return 0;  // refused at resolution (see Orderable)
  }
}

// The heap part of a max_by/min_by state, present once a row with a non-NULL
// ordering was seen: one allocation, this header and then `size` bytes, the encoded
// ordering followed by the encoded value (none when the value is NULL). A new
// group's state is one malloc, and a row that replaces the state's value reuses the
// block when the new bytes fit.
struct ByBlock {
  uint32_t capacity;  // bytes after the header
  uint32_t size;      // bytes used
  uint32_t ordering_size;
  bool value_null;

  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  std::string_view ordering() const { return {bytes(), ordering_size}; }
  std::string_view value() const { return {bytes() + ordering_size, size - ordering_size}; }

  static void Free(ByBlock* b) { ::operator delete(b); }
};
static_assert(sizeof(ByBlock) == 16);  // the bytes start 16-byte aligned

class ByAggregate final : public AggregateFunction {
 public:
  // max_by / min_by (value, ordering).
  ByAggregate(std::string name, DataType value, DataType ordering, bool max)
      : AggregateFunction(std::move(name), {value, ordering}, value), max_(max), self_(false) {}
  // max / min of `value`: the value is its own ordering. A block then holds the
  // encoding once (ordering_size == size, value_null false, value() empty), and
  // Finalize decodes the ordering as the result.
  ByAggregate(std::string name, DataType value, bool max)
      : AggregateFunction(std::move(name), {value}, value), max_(max), self_(true) {}

  size_t state_size() const override { return sizeof(ByBlock*); }
  size_t state_align() const override { return alignof(ByBlock*); }
  bool needs_destroy() const override { return true; }
  void Init(uint8_t* s) const override { Set(s, nullptr); }
  void Destroy(uint8_t* s) const override {
    if (ByBlock* b = Get(s); b != nullptr) ByBlock::Free(b);
    Set(s, nullptr);
  }

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const DataType& ordering_type = OrderingType();
    std::string scratch;
    if (self_) {
      const Datum& v = args[0];
      rows.ForEach([&](int64_t i) {
        if (v.IsNull(i)) return;
        if (const ByBlock* d = Get(states[i]); d != nullptr) {
          std::string_view old = d->ordering();
          const int c = CompareRowToEncoded(v.col(), v.Index(i), &old, ordering_type);
          if (max_ ? c <= 0 : c >= 0) return;  // Greatest/Least keep the buffer on a tie
        }
        Keep(states[i], v.col(), v.Index(i), nullptr, 0, &scratch);
      });
      return Status::OK();
    }
    const Datum& x = args[0];
    const Datum& y = args[1];
    rows.ForEach([&](int64_t i) {
      if (y.IsNull(i)) return;
      const ByBlock* d = Get(states[i]);
      if (d != nullptr) {
        // The row against the kept ordering, from the row's columns: a row that
        // loses costs no encoding.
        std::string_view old = d->ordering();
        const int c = CompareRowToEncoded(y.col(), y.Index(i), &old, ordering_type);
        if (max_ ? c < 0 : c > 0) return;  // Spark keeps old only when old > new (<)
      }
      Keep(states[i], y.col(), y.Index(i), x.IsNull(i) ? nullptr : &x.col(), x.Index(i), &scratch);
    });
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    const ByBlock* other = Get(o);
    if (other == nullptr) return Status::OK();
    const ByBlock* mine = Get(s);
    if (mine != nullptr && KeepOld(mine->ordering(), other->ordering())) return Status::OK();
    Assign(s, std::string_view(other->bytes(), other->size), other->ordering_size,
           other->value_null);
    return Status::OK();
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    for (int64_t k = 0; k < n; ++k) {
      const ByBlock* d = Get(states[k]);
      if (d == nullptr || (!self_ && d->value_null)) {
        out->AppendNull();
        continue;
      }
      // Decoding checks the value again: a state is only ever read back through
      // Deserialize, but a malformed one must stay an error, never a crash.
      std::string_view in = self_ ? d->ordering() : d->value();
      RETURN_NOT_OK(DecodeValue(&in, result_type(), out));
      if (!in.empty()) return Status::Corruption(name() + " state is malformed");
    }
    return Status::OK();
  }
  // 0 (no row yet), or 1, varint ordering length, ordering, value flag, value.
  // min/max: 0, or 1 and the encoded value.
  void Serialize(const uint8_t* s, std::string* out) const override {
    const ByBlock* d = Get(s);
    if (d == nullptr) {
      out->push_back(0);
      return;
    }
    if (self_) {
      out->push_back(1);
      out->append(d->ordering());
      return;
    }
    out->reserve(out->size() + d->size + 12);
    out->push_back(1);
    PutVarint(d->ordering_size, out);
    out->append(d->ordering());
    out->push_back(d->value_null ? 0 : 1);
    out->append(d->value());
  }
  // Validates the ordering, which Update and Merge read as well formed, and the
  // value (the contract of Deserialize; Finalize checks it again as it decodes).
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    Status bad = Status::Corruption(name() + " state is malformed");
    if (in.empty() || static_cast<uint8_t>(in[0]) > 1) return bad;
    const bool present = in[0] == 1;
    in.remove_prefix(1);
    if (!present) {
      if (!in.empty()) return bad;
      Destroy(s);
      return Status::OK();
    }
    if (self_) {
      std::string_view check = in;
      if (!DecodeValue(&check, OrderingType(), nullptr).ok() || !check.empty()) return bad;
      if (in.size() >= UINT32_MAX) return bad;
      Assign(s, in, static_cast<uint32_t>(in.size()), false);
      return Status::OK();
    }
    uint64_t n;
    if (!GetVarint(&in, &n) || n > in.size()) return bad;
    std::string_view ord = in.substr(0, n);
    in.remove_prefix(n);
    std::string_view check = ord;
    if (!DecodeValue(&check, OrderingType(), nullptr).ok() || !check.empty()) return bad;
    if (in.empty() || static_cast<uint8_t>(in[0]) > 1) return bad;
    const bool value_null = in[0] == 0;
    in.remove_prefix(1);
    if (value_null && !in.empty()) return bad;
    if (!value_null) {
      check = in;
      if (!DecodeValue(&check, arg_types()[0], nullptr).ok() || !check.empty()) return bad;
    }
    if (ord.size() + in.size() >= UINT32_MAX) return bad;
    // The ordering and the value are apart in `in` (the flag byte between them).
    ByBlock* d = Reserve(s, ord.size() + in.size());
    std::memcpy(d->bytes(), ord.data(), ord.size());
    if (!in.empty()) std::memcpy(d->bytes() + ord.size(), in.data(), in.size());
    d->size = static_cast<uint32_t>(ord.size() + in.size());
    d->ordering_size = static_cast<uint32_t>(ord.size());
    d->value_null = value_null;
    return Status::OK();
  }

 private:
  static ByBlock* Get(const uint8_t* s) {
    ByBlock* p;
    std::memcpy(&p, s, sizeof(p));
    return p;
  }
  static void Set(uint8_t* s, ByBlock* p) { std::memcpy(s, &p, sizeof(p)); }

  // The state's block, with room for `size` bytes: the old one when they fit, else
  // a new one (the old one freed; its contents are not kept).
  static ByBlock* Reserve(uint8_t* s, size_t size) {
    ByBlock* d = Get(s);
    if (d != nullptr && d->capacity >= size) return d;
    if (d != nullptr) ByBlock::Free(d);
    WEIR_CHECK_LT(size, size_t{UINT32_MAX} - 64);
    // glibc's malloc hands out 16-byte multiples less its 8-byte header: the
    // capacity takes the bytes the block gets anyway, so that a replacing row a
    // little longer than this one (a longer string) usually fits.
    const size_t bytes = ((sizeof(ByBlock) + size + 8 + 15) & ~size_t{15}) - 8;
    d = static_cast<ByBlock*>(::operator new(bytes));
    d->capacity = static_cast<uint32_t>(bytes - sizeof(ByBlock));
    d->size = 0;
    d->ordering_size = 0;
    d->value_null = true;
    Set(s, d);
    return d;
  }
  // Makes the state hold the encodings of row oi of `ordering` and, unless `value` is
  // null (a NULL value, or min/max, whose value is the ordering), row vi of `value`:
  // written straight into the state's block when they fit it (a winner replacing one
  // of about its size, the usual case), else into a stack buffer and copied once into
  // a block of their size; a value too large for both goes through `scratch`.
  void Keep(uint8_t* s, const Column& ordering, int64_t oi, const Column* value, int64_t vi,
            std::string* scratch) const {
    const bool value_null = !self_ && value == nullptr;
    // Writes both encodings into [begin, end); returns the end of the ordering's and
    // of the value's, or nulls when they do not fit.
    auto encode = [&](char* begin, char* end) -> std::pair<char*, char*> {
      char* const o = codec::EncodeValueBounded(ordering, oi, begin, end);
      return {o,
              o != nullptr && value != nullptr ? codec::EncodeValueBounded(*value, vi, o, end) : o};
    };
    if (ByBlock* d = Get(s); d != nullptr) {
      // The block's bytes may be overwritten even when the row does not fit: it
      // replaces them either way.
      if (auto [o, e] = encode(d->bytes(), d->bytes() + d->capacity); e != nullptr) {
        d->size = static_cast<uint32_t>(e - d->bytes());
        d->ordering_size = static_cast<uint32_t>(o - d->bytes());
        d->value_null = value_null;
        return;
      }
    }
    char buf[1024];
    if (auto [o, e] = encode(buf, buf + sizeof(buf)); e != nullptr) {
      Assign(s, std::string_view(buf, static_cast<size_t>(e - buf)), static_cast<uint32_t>(o - buf),
             value_null);
      return;
    }
    scratch->clear();
    EncodeValue(ordering, oi, scratch);
    const auto ordering_size = static_cast<uint32_t>(scratch->size());
    if (value != nullptr) EncodeValue(*value, vi, scratch);
    Assign(s, *scratch, ordering_size, value_null);
  }

  // Makes the state hold `bytes` (the ordering's ordering_size bytes, then the
  // value's).
  static void Assign(uint8_t* s, std::string_view bytes, uint32_t ordering_size, bool value_null) {
    ByBlock* d = Reserve(s, bytes.size());
    std::memcpy(d->bytes(), bytes.data(), bytes.size());
    d->size = static_cast<uint32_t>(bytes.size());
    d->ordering_size = ordering_size;
    d->value_null = value_null;
  }

  // Spark's predicate: the old value stays only when old > new (max_by) or
  // old < new (min_by); ties go to the new row. min/max keep the old on a tie
  // (Greatest/Least(left, right) take the right only when strictly greater/less).
  bool KeepOld(std::string_view old_ord, std::string_view new_ord) const {
    int c = CompareOrdering(old_ord, new_ord);
    if (self_) return max_ ? c >= 0 : c <= 0;
    return max_ ? c > 0 : c < 0;
  }

  // Compares two encoded orderings with Spark's ordering.
  int CompareOrdering(std::string_view a, std::string_view b) const {
    return CompareEncoded(&a, &b, OrderingType());
  }

  const DataType& OrderingType() const { return arg_types()[self_ ? 0 : 1]; }

  bool max_;
  bool self_;  // min/max: the value is the ordering
};

Result<AggregateFunctionPtr> ResolveBy(std::string name, bool max, std::vector<ExprPtr>* args) {
  const DataType& y = (*args)[1]->type();
  if (y.is_null()) {
    return Status::Unsupported(name + " ordered by " + y.ToString() +
                               " values is not supported yet");
  }
  if (!Orderable(y)) {
    return DataTypeMismatch(
        "INVALID_ORDERING_TYPE", DescribeCall(name, *args),
        "The `" + name + "` does not support ordering on type " + QuoteType(y) + ".");
  }
  return AggregateFunctionPtr(
      std::make_shared<ByAggregate>(std::move(name), (*args)[0]->type(), y, max));
}

}  // namespace

// min(x) / max(x) of a STRUCT or ARRAY x, called by min/max's resolution
// (aggregates_basic.cc): max_by's ordering with x as its own ordering. A type that
// Spark cannot order (a MAP or INTERVAL inside) is refused as Spark's Min/Max do.
Result<AggregateFunctionPtr> ResolveNestedMinMax(std::string name, bool max,
                                                 std::vector<ExprPtr>* args) {
  const DataType& t = (*args)[0]->type();
  if (!Orderable(t)) {
    return DataTypeMismatch(
        "INVALID_ORDERING_TYPE", DescribeCall(name, *args),
        "The `" + name + "` does not support ordering on type " + QuoteType(t) + ".");
  }
  return AggregateFunctionPtr(std::make_shared<ByAggregate>(std::move(name), t, max));
}

void RegisterCollectAggregates(AggregateRegistry* r) {
  r->Register(
      {"collect_list", 1, 1,
       "collect_list(expr) - Collects and returns a list of non-unique elements.",
       [](std::vector<ExprPtr>* args) { return ResolveCollect("collect_list", false, args); }});
  r->Alias("array_agg", "collect_list");
  r->Register(
      {"collect_set", 1, 1, "collect_set(expr) - Collects and returns a set of unique elements.",
       [](std::vector<ExprPtr>* args) { return ResolveCollect("collect_set", true, args); }});
  r->Register({"max_by", 2, 2,
               "max_by(x, y) - Returns the value of `x` associated with the maximum value of `y`.",
               [](std::vector<ExprPtr>* args) { return ResolveBy("max_by", true, args); }});
  r->Register({"min_by", 2, 2,
               "min_by(x, y) - Returns the value of `x` associated with the minimum value of `y`.",
               [](std::vector<ExprPtr>* args) { return ResolveBy("min_by", false, args); }});
}

}  // namespace weir
