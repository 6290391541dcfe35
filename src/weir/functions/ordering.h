// Spark's total ordering of SQL values (internal to weir_functions): used by the
// comparison operators, greatest/least, sorting and min/max.
//
// Strings and binaries compare as unsigned bytes; NaN equals NaN and is greater
// than every other DOUBLE; -0.0 equals 0.0; arrays compare element by element, then
// by length; structs field by field; a NULL nested inside sorts first.
//
// Thread-safety: free functions.

#pragma once

#include <cmath>
#include <type_traits>

#include "weir/types/column.h"
#include "weir/types/datetime.h"

namespace weir::kernels {

// Three-way comparison with Spark's DOUBLE ordering.
inline int CompareDoubles(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a == b) return 0;  // also -0.0 vs 0.0
  bool an = std::isnan(a), bn = std::isnan(b);
  return an == bn ? 0 : (an ? 1 : -1);
}

template <typename T>
inline int Compare3(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) {
    return CompareDoubles(a, b);
  } else if constexpr (std::is_same_v<T, StringRef>) {
    return a.Compare(b);
  } else {
    return a < b ? -1 : (a > b ? 1 : 0);
  }
}

// Slow path for nested types: compares row i of a with row j of b.
inline int CompareRows(const Column& a, int64_t i, const Column& b, int64_t j) {
  bool an = a.IsNull(i), bn = b.IsNull(j);
  if (an || bn) return an == bn ? 0 : (an ? -1 : 1);
  switch (a.type().id()) {
    case TypeId::kNull:
      return 0;
    case TypeId::kBoolean:
      return Compare3(a.Get<uint8_t>(i), b.Get<uint8_t>(j));
    case TypeId::kInt32:
    case TypeId::kDate:
      return Compare3(a.Get<int32_t>(i), b.Get<int32_t>(j));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return Compare3(a.Get<int64_t>(i), b.Get<int64_t>(j));
    case TypeId::kDouble:
      return CompareDoubles(a.Get<double>(i), b.Get<double>(j));
    case TypeId::kDecimal:
      return Compare3(a.Get<Int128>(i), b.Get<Int128>(j));
    case TypeId::kString:
    case TypeId::kBinary:
      return a.Get<StringRef>(i).Compare(b.Get<StringRef>(j));
    case TypeId::kInterval: {
      const Interval& x = a.Get<Interval>(i);
      const Interval& y = b.Get<Interval>(j);
      if (x.months != y.months) return x.months < y.months ? -1 : 1;
      if (x.days != y.days) return x.days < y.days ? -1 : 1;
      return Compare3(x.micros, y.micros);
    }
    case TypeId::kArray: {
      int32_t ab = a.offsets()[i], ae = a.offsets()[i + 1];
      int32_t bb = b.offsets()[j], be = b.offsets()[j + 1];
      for (int32_t k = 0; ab + k < ae && bb + k < be; ++k) {
        int c = CompareRows(*a.child(0), ab + k, *b.child(0), bb + k);
        if (c != 0) return c;
      }
      return Compare3(ae - ab, be - bb);
    }
    case TypeId::kStruct:
      for (int f = 0; f < a.num_children(); ++f) {
        int c = CompareRows(*a.child(f), i, *b.child(f), j);
        if (c != 0) return c;
      }
      return 0;
    case TypeId::kMap:
      return 0;  // refused at resolution
  }
  return 0;
}

}  // namespace weir::kernels
