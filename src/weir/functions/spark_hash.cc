#include "weir/functions/spark_hash.h"

#include "weir/types/datetime.h"

namespace weir::spark_hash {

namespace {

// The three primitive hashes of one algorithm; H is the hash (and seed) type.
struct Murmur3 {
  using H = int32_t;
  static H Int(int32_t v, H seed) { return Murmur3HashInt(v, seed); }
  static H Long(int64_t v, H seed) { return Murmur3HashLong(v, seed); }
  static H Bytes(const void* p, size_t n, H seed) { return Murmur3HashBytes(p, n, seed); }
};

struct XxHash64 {
  using H = int64_t;
  static H Int(int32_t v, H seed) { return XxHash64Int(v, seed); }
  static H Long(int64_t v, H seed) { return XxHash64Long(v, seed); }
  static H Bytes(const void* p, size_t n, H seed) { return XxHash64Bytes(p, n, seed); }
};

// Hashes values of columns with one algorithm. Primitive types are hashed by typed
// lambdas that the row loops inline; nested types recurse per value.
template <typename Hasher>
class ColumnHasher {
 public:
  using H = typename Hasher::H;

  explicit ColumnHasher(IntervalHashing intervals) : intervals_(intervals) {}

  // out[i] = hash(row i of d, out[i]) for every non-NULL row i of `rows`.
  void HashInto(const Datum& d, const RowSet& rows, H* out) const {
    if (d.type().is_null()) return;
    WithValueHasher(d.col(), [&](auto hash_value) { ApplyRows(d, rows, out, hash_value); });
  }

 private:
  // Calls fn(hash_value) where hash_value(j, h) hashes the non-NULL value j of `c`
  // with seed h. REQUIRES: c is not of the NULL type.
  template <typename Fn>
  void WithValueHasher(const Column& c, Fn&& fn) const {
    switch (c.type().id()) {
      case TypeId::kBoolean: {
        const uint8_t* v = c.values<uint8_t>();
        fn([v](int64_t j, H h) { return Hasher::Int(v[j] != 0 ? 1 : 0, h); });
        return;
      }
      case TypeId::kInt32:
      case TypeId::kDate: {
        const int32_t* v = c.values<int32_t>();
        fn([v](int64_t j, H h) { return Hasher::Int(v[j], h); });
        return;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp: {
        const int64_t* v = c.values<int64_t>();
        fn([v](int64_t j, H h) { return Hasher::Long(v[j], h); });
        return;
      }
      case TypeId::kDouble: {
        const double* v = c.values<double>();
        fn([v](int64_t j, H h) { return Hasher::Long(DoubleHashBits(v[j]), h); });
        return;
      }
      case TypeId::kDecimal: {
        const Int128* v = c.values<Int128>();
        if (c.type().precision() <= 18) {
          // Decimal.MAX_LONG_DIGITS: the unscaled value fits a long.
          fn([v](int64_t j, H h) { return Hasher::Long(static_cast<int64_t>(v[j]), h); });
        } else {
          fn([v](int64_t j, H h) {
            unsigned char bytes[16];
            const int n = JavaBigIntegerBytes(v[j], bytes);
            return Hasher::Bytes(bytes, static_cast<size_t>(n), h);
          });
        }
        return;
      }
      case TypeId::kString:
      case TypeId::kBinary: {
        const StringRef* v = c.values<StringRef>();
        fn([v](int64_t j, H h) {
          const StringRef& s = v[j];
          return Hasher::Bytes(s.data(), s.size(), h);
        });
        return;
      }
      case TypeId::kInterval: {
        const Interval* v = c.values<Interval>();
        if (intervals_ == IntervalHashing::kMicrosMonths) {
          fn([v](int64_t j, H h) {
            return Hasher::Int(v[j].months, Hasher::Long(v[j].micros, h));
          });
        } else {
          fn([v](int64_t j, H h) {
            return Hasher::Int(v[j].months, Hasher::Int(v[j].days, Hasher::Long(v[j].micros, h)));
          });
        }
        return;
      }
      case TypeId::kNull:
        // Every value is NULL: callers never reach a value.
        fn([](int64_t, H h) { return h; });
        return;
      case TypeId::kArray:
      case TypeId::kMap:
      case TypeId::kStruct:
        fn([this, &c](int64_t j, H h) { return HashNested(c, j, h); });
        return;
    }
  }

  // The non-NULL value j of a nested column folded into h.
  H HashNested(const Column& c, int64_t j, H h) const {
    WEIR_CHECK(c.type().is_nested());
    switch (c.type().id()) {
      case TypeId::kArray: {
        const int32_t* off = c.offsets();
        return HashRange(*c.child(0), off[j], off[j + 1], h);
      }
      case TypeId::kMap: {
        const int32_t* off = c.offsets();
        const Column& keys = *c.child(0);
        const Column& values = *c.child(1);
        for (int64_t k = off[j]; k < off[j + 1]; ++k) {
          h = HashValue(keys, k, h);
          h = HashValue(values, k, h);
        }
        return h;
      }
      case TypeId::kStruct:
        for (const ColumnPtr& field : c.children()) h = HashValue(*field, j, h);
        return h;
      default:
        return h;
    }
  }

  // Value j of any column (NULL leaves h unchanged).
  H HashValue(const Column& c, int64_t j, H h) const {
    if (c.IsNull(j) || c.type().is_null()) return h;
    H result = h;
    WithValueHasher(c, [&](auto hash_value) { result = hash_value(j, h); });
    return result;
  }

  // Values [begin, end) of `c` folded into h in order, NULLs skipped: one type
  // dispatch per array, then a typed loop over its elements.
  H HashRange(const Column& c, int64_t begin, int64_t end, H h) const {
    if (begin >= end || c.type().is_null()) return h;
    WithValueHasher(c, [&](auto hash_value) {
      const uint64_t* valid = c.validity_bits();
      for (int64_t k = begin; k < end; ++k) {
        if (valid == nullptr || GetBit(valid, k)) h = hash_value(k, h);
      }
    });
    return h;
  }

  // The row loop of HashInto, specialised for the common shapes so that the
  // all-rows, no-NULL case is a plain indexed loop.
  template <typename HashValueFn>
  static void ApplyRows(const Datum& d, const RowSet& rows, H* out, HashValueFn hash_value) {
    const Column& c = d.col();
    if (d.is_constant()) {
      if (c.IsNull(0)) return;
      rows.ForEach([&](int64_t i) { out[i] = hash_value(0, out[i]); });
      return;
    }
    const uint64_t* valid = c.validity_bits();
    if (valid == nullptr) {
      if (rows.is_all()) {
        const int64_t n = rows.size();
        for (int64_t i = 0; i < n; ++i) out[i] = hash_value(i, out[i]);
      } else {
        rows.ForEach([&](int64_t i) { out[i] = hash_value(i, out[i]); });
      }
      return;
    }
    rows.ForEach([&](int64_t i) {
      if (GetBit(valid, i)) out[i] = hash_value(i, out[i]);
    });
  }

  IntervalHashing intervals_;
};

template <typename Hasher>
void HashRows(const Datum* args, int num_args, const RowSet& rows, typename Hasher::H seed,
              typename Hasher::H* out, IntervalHashing intervals) {
  if (rows.is_all()) {
    const int64_t n = rows.size();
    for (int64_t i = 0; i < n; ++i) out[i] = seed;
  } else {
    rows.ForEach([&](int64_t i) { out[i] = seed; });
  }
  const ColumnHasher<Hasher> hasher(intervals);
  for (int k = 0; k < num_args; ++k) hasher.HashInto(args[k], rows, out);
}

}  // namespace

void SparkMurmur3Hash(const Datum* args, int num_args, const RowSet& rows, int32_t seed,
                      int32_t* out, IntervalHashing intervals) {
  HashRows<Murmur3>(args, num_args, rows, seed, out, intervals);
}

void SparkXxHash64(const Datum* args, int num_args, const RowSet& rows, int64_t seed, int64_t* out,
                   IntervalHashing intervals) {
  HashRows<XxHash64>(args, num_args, rows, seed, out, intervals);
}

}  // namespace weir::spark_hash
