#include "weir/expr/coercion.h"

#include <algorithm>
#include <string>

#include "weir/common/check.h"

namespace weir {

namespace {

bool IsIntegral(TypeId id) { return id == TypeId::kInt32 || id == TypeId::kInt64; }

// Position in Spark's numeric precedence (integral and floating types only).
int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kInt32:
      return 1;
    case TypeId::kInt64:
      return 2;
    case TypeId::kDouble:
      return 3;
    default:
      return 0;
  }
}

bool IsAtomic(const DataType& t) { return !t.is_nested() && !t.is_null(); }

std::optional<DataType> WiderDecimal(const DataType& a, const DataType& b) {
  DataType da = DecimalForType(a), db = DecimalForType(b);
  int scale = std::max(da.scale(), db.scale());
  int range = std::max(da.precision() - da.scale(), db.precision() - db.scale());
  return BoundedDecimal(range + scale, scale);
}

std::optional<DataType> WiderComplex(const DataType& a, const DataType& b,
                                     std::optional<DataType> (*wider)(const DataType&,
                                                                      const DataType&)) {
  if (a.id() != b.id()) return std::nullopt;
  switch (a.id()) {
    case TypeId::kArray: {
      auto e = wider(a.element_type(), b.element_type());
      if (!e) return std::nullopt;
      return DataType::Array(*e, a.contains_null() || b.contains_null());
    }
    case TypeId::kMap: {
      auto k = wider(a.key_type(), b.key_type());
      auto v = wider(a.value_type(), b.value_type());
      if (!k || !v) return std::nullopt;
      return DataType::Map(*k, *v, a.value_contains_null() || b.value_contains_null());
    }
    case TypeId::kStruct: {
      const auto& fa = a.fields();
      const auto& fb = b.fields();
      if (fa.size() != fb.size()) return std::nullopt;
      std::vector<Field> fields;
      for (size_t i = 0; i < fa.size(); ++i) {
        // Spark matches struct fields by name, case-insensitively by default.
        std::string x = fa[i].name, y = fb[i].name;
        std::transform(x.begin(), x.end(), x.begin(), ::tolower);
        std::transform(y.begin(), y.end(), y.begin(), ::tolower);
        if (x != y) return std::nullopt;
        auto t = wider(fa[i].type, fb[i].type);
        if (!t) return std::nullopt;
        fields.push_back({fa[i].name, *t, fa[i].nullable || fb[i].nullable});
      }
      return DataType::Struct(std::move(fields));
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

DataType AdjustDecimalPrecisionScale(int precision, int scale) {
  WEIR_CHECK_GE(precision, scale);
  if (precision <= kMaxDecimalPrecision) return DataType::DecimalUnchecked(precision, scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, kMinimumAdjustedScale);
  int adjusted = std::max(kMaxDecimalPrecision - int_digits, min_scale);
  return DataType::DecimalUnchecked(kMaxDecimalPrecision, adjusted);
}

DataType BoundedDecimal(int precision, int scale) {
  return DataType::DecimalUnchecked(std::min(precision, kMaxDecimalPrecision),
                                    std::min(scale, kMaxDecimalPrecision));
}

DataType DecimalForType(const DataType& type) {
  switch (type.id()) {
    case TypeId::kInt32:
      return DataType::DecimalUnchecked(10, 0);
    case TypeId::kInt64:
      return DataType::DecimalUnchecked(20, 0);
    case TypeId::kDecimal:
      return type;
    default:
      WEIR_CHECK(false && "DecimalForType needs an integral or decimal type");
  }
  return type;
}

DataType DecimalForLiteral(int64_t value) {
  std::string digits = std::to_string(value);
  int n = static_cast<int>(digits.size()) - (value < 0 ? 1 : 0);
  return DataType::DecimalUnchecked(std::max(n, 1), 0);
}

std::optional<DataType> TightestCommonType(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  int ra = NumericRank(a.id()), rb = NumericRank(b.id());
  if (ra > 0 && rb > 0) return ra >= rb ? a : b;
  if ((a.id() == TypeId::kDate && b.id() == TypeId::kTimestamp) ||
      (a.id() == TypeId::kTimestamp && b.id() == TypeId::kDate)) {
    return DataType::Timestamp();
  }
  // Same complex shape with only nullability differing.
  if (a.is_nested()) return WiderComplex(a, b, TightestCommonType);
  return std::nullopt;
}

std::optional<DataType> WiderType(const DataType& a, const DataType& b) {
  if (auto t = TightestCommonType(a, b)) return t;
  TypeId x = a.id(), y = b.id();
  if ((x == TypeId::kDecimal && (y == TypeId::kDecimal || IsIntegral(y))) ||
      (y == TypeId::kDecimal && IsIntegral(x))) {
    return WiderDecimal(a, b);
  }
  if ((x == TypeId::kDecimal && y == TypeId::kDouble) ||
      (x == TypeId::kDouble && y == TypeId::kDecimal)) {
    return DataType::Double();
  }
  auto promotes_to_string = [](const DataType& t) {
    return IsAtomic(t) && t.id() != TypeId::kBinary && t.id() != TypeId::kBoolean;
  };
  if ((x == TypeId::kString && promotes_to_string(b)) ||
      (y == TypeId::kString && promotes_to_string(a))) {
    return DataType::String();
  }
  if (a.is_nested()) return WiderComplex(a, b, WiderType);
  return std::nullopt;
}

std::optional<DataType> CommonTypeForComparison(const DataType& a, const DataType& b) {
  TypeId x = a.id(), y = b.id();
  if (x == TypeId::kString && y == TypeId::kString) return a;
  if (x == TypeId::kString || y == TypeId::kString) {
    const DataType& other = x == TypeId::kString ? b : a;
    switch (other.id()) {
      case TypeId::kNull:
        return DataType::String();
      case TypeId::kDecimal:
        return DataType::Double();  // no decimal fits every string (SPARK-22469)
      case TypeId::kDate:
      case TypeId::kTimestamp:
      case TypeId::kInt32:
      case TypeId::kInt64:
      case TypeId::kDouble:
      case TypeId::kBoolean:
      case TypeId::kBinary:
      case TypeId::kInterval:
        return other;
      default:
        return std::nullopt;
    }
  }
  return WiderType(a, b);
}

DataType DecimalArithmeticResultType(ArithmeticOp op, int p1, int s1, int p2, int s2) {
  switch (op) {
    case ArithmeticOp::kAdd:
    case ArithmeticOp::kSubtract: {
      int scale = std::max(s1, s2);
      return AdjustDecimalPrecisionScale(std::max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case ArithmeticOp::kMultiply:
      return AdjustDecimalPrecisionScale(p1 + p2 + 1, s1 + s2);
    case ArithmeticOp::kDivide: {
      int scale = std::max(kMinimumAdjustedScale, s1 + p2 + 1);
      return AdjustDecimalPrecisionScale(p1 - s1 + s2 + scale, scale);
    }
    case ArithmeticOp::kRemainder:
    case ArithmeticOp::kPmod: {
      int scale = std::max(s1, s2);
      return AdjustDecimalPrecisionScale(std::min(p1 - s1, p2 - s2) + scale, scale);
    }
  }
  return DataType::DecimalUnchecked(kMaxDecimalPrecision, 0);
}

}  // namespace weir
