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
//
// Values are kept in a compact binary encoding (below), so a state is one heap
// object whatever the type, and its serialized form is that encoding.

#include <cmath>
#include <deque>
#include <unordered_set>

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

// The heap part of a collect state: the encoded elements back to back, in order.
struct CollectData {
  std::string bytes;
  int64_t count = 0;
  // collect_set only: the keys of the elements kept (the encoding, with a top-level
  // -0.0 written as 0.0). NaNs are never added, so they never match.
  std::unordered_set<std::string> keys;
};

class CollectAggregate final : public HeapStateAggregate<CollectData> {
 public:
  CollectAggregate(std::string name, DataType arg, bool set)
      : HeapStateAggregate(std::move(name), {arg}, DataType::Array(arg, false)), set_(set) {}

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
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
    return ForEachElement(other->bytes, other->count, [&](std::string_view e) { Add(mine, e); });
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    auto* ab = static_cast<ArrayBuilder*>(out);
    const DataType& t = arg_types()[0];
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
    Status st = ForEachElement(in, static_cast<int64_t>(count), [&](std::string_view e) {
      if (set_) {
        Add(fresh.get(), e);
      } else {
        fresh->bytes.append(e);
        fresh->count += 1;
      }
    });
    if (!st.ok()) return Status::Corruption(name() + " state: " + st.message());
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
    if (set_) {
      std::string key(e);
      if (arg_types()[0].id() == TypeId::kDouble) {
        double v = LoadLe<double>(e.data());
        if (std::isnan(v)) {
          Append(d, e);  // NaN != NaN in Scala's HashSet: always kept
          return;
        }
        if (v == 0.0) key.assign(8, '\0');  // -0.0 == 0.0
      }
      if (!d->keys.insert(std::move(key)).second) return;
    }
    Append(d, e);
  }
  static void Append(CollectData* d, std::string_view e) {
    d->bytes.append(e);
    d->count += 1;
  }

  bool set_;
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

// The heap part of a max_by/min_by state, present once a row with a non-NULL
// ordering was seen.
struct ByData {
  std::string ordering;  // encoded
  bool value_null = true;
  std::string value;  // encoded, when !value_null
};

class ByAggregate final : public HeapStateAggregate<ByData> {
 public:
  ByAggregate(std::string name, DataType value, DataType ordering, bool max)
      : HeapStateAggregate(std::move(name), {value, ordering}, value), max_(max) {}

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& x = args[0];
    const Datum& y = args[1];
    std::string ord;
    rows.ForEach([&](int64_t i) {
      if (y.IsNull(i)) return;
      ord.clear();
      EncodeValue(y.col(), y.Index(i), &ord);
      ByData* d = Get(states[i]);
      if (d != nullptr && KeepOld(d->ordering, ord)) return;
      if (d == nullptr) {
        d = new ByData();
        Set(states[i], d);
      }
      d->ordering.swap(ord);
      d->value_null = x.IsNull(i);
      d->value.clear();
      if (!d->value_null) EncodeValue(x.col(), x.Index(i), &d->value);
    });
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    const ByData* other = Get(o);
    if (other == nullptr) return Status::OK();
    ByData* mine = Get(s);
    if (mine != nullptr && KeepOld(mine->ordering, other->ordering)) return Status::OK();
    if (mine == nullptr) {
      mine = new ByData();
      Set(s, mine);
    }
    *mine = *other;
    return Status::OK();
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    for (int64_t k = 0; k < n; ++k) {
      const ByData* d = Get(states[k]);
      if (d == nullptr || d->value_null) {
        out->AppendNull();
        continue;
      }
      std::string_view in = d->value;
      RETURN_NOT_OK(DecodeValue(&in, result_type(), out));
    }
    return Status::OK();
  }
  // 0 (no row yet), or 1, varint ordering length, ordering, value flag, value.
  void Serialize(const uint8_t* s, std::string* out) const override {
    const ByData* d = Get(s);
    if (d == nullptr) {
      out->push_back(0);
      return;
    }
    out->push_back(1);
    PutVarint(d->ordering.size(), out);
    out->append(d->ordering);
    out->push_back(d->value_null ? 0 : 1);
    out->append(d->value);
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    Status bad = Status::Corruption(name() + " state is malformed");
    if (in.empty() || static_cast<uint8_t>(in[0]) > 1) return bad;
    const bool present = in[0] == 1;
    in.remove_prefix(1);
    if (!present) {
      if (!in.empty()) return bad;
      delete Get(s);
      Set(s, nullptr);
      return Status::OK();
    }
    uint64_t n;
    if (!GetVarint(&in, &n) || n > in.size()) return bad;
    auto fresh = std::make_unique<ByData>();
    std::string_view ord = in.substr(0, n);
    in.remove_prefix(n);
    std::string_view check = ord;
    if (!DecodeValue(&check, arg_types()[1], nullptr).ok() || !check.empty()) return bad;
    fresh->ordering.assign(ord);
    if (in.empty() || static_cast<uint8_t>(in[0]) > 1) return bad;
    fresh->value_null = in[0] == 0;
    in.remove_prefix(1);
    if (fresh->value_null) {
      if (!in.empty()) return bad;
    } else {
      check = in;
      if (!DecodeValue(&check, arg_types()[0], nullptr).ok() || !check.empty()) return bad;
      fresh->value.assign(in);
    }
    delete Get(s);
    Set(s, fresh.release());
    return Status::OK();
  }

 private:
  // Spark's predicate: the old value stays only when old > new (max_by) or
  // old < new (min_by); ties go to the new row.
  bool KeepOld(std::string_view old_ord, std::string_view new_ord) const {
    int c = CompareOrdering(old_ord, new_ord);
    return max_ ? c > 0 : c < 0;
  }

  // Compares two encoded orderings of a scalar type with Spark's ordering.
  int CompareOrdering(std::string_view a, std::string_view b) const {
    switch (arg_types()[1].id()) {
      case TypeId::kBoolean:
        return kernels::Compare3(a[0], b[0]);
      case TypeId::kInt32:
      case TypeId::kDate:
        return kernels::Compare3(LoadLe<int32_t>(a.data()), LoadLe<int32_t>(b.data()));
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        return kernels::Compare3(LoadLe<int64_t>(a.data()), LoadLe<int64_t>(b.data()));
      case TypeId::kDouble:
        return kernels::CompareDoubles(LoadLe<double>(a.data()), LoadLe<double>(b.data()));
      case TypeId::kDecimal:
        return kernels::Compare3(LoadLe<Int128>(a.data()), LoadLe<Int128>(b.data()));
      case TypeId::kString:
      case TypeId::kBinary: {
        // Skip the varint lengths; the rest are the bytes, compared unsigned.
        uint64_t n;
        GetVarint(&a, &n);
        GetVarint(&b, &n);
        int c = a.compare(b);  // char_traits<char>::compare is memcmp: unsigned bytes
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      default:
        return 0;  // refused at resolution
    }
  }

  bool max_;
};

Result<AggregateFunctionPtr> ResolveBy(std::string name, bool max, std::vector<ExprPtr>* args) {
  const DataType& y = (*args)[1]->type();
  if (y.id() == TypeId::kMap || y.id() == TypeId::kInterval) {
    return DataTypeMismatch(
        "INVALID_ORDERING_TYPE", DescribeCall(name, *args),
        "The `" + name + "` does not support ordering on type " + QuoteType(y) + ".");
  }
  if (y.is_nested() || y.is_null()) {
    return Status::Unsupported(name + " ordered by " + y.ToString() +
                               " values is not supported yet");
  }
  return AggregateFunctionPtr(
      std::make_shared<ByAggregate>(std::move(name), (*args)[0]->type(), y, max));
}

}  // namespace

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
