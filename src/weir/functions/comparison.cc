// Comparison operators: =, ==, <>, !=, <, <=, >, >=, and the NULL-safe <=>.
//
// Both sides are cast to their common comparison type first (coercion.h). Ordering
// follows Spark: strings and binaries compare bytes, NaN equals NaN and is greater
// than every other DOUBLE, -0.0 equals 0.0, arrays and structs compare element by
// element with NULL elements first. MAP values cannot be compared, and INTERVAL only
// for equality.

#include <cmath>
#include <optional>

#include "weir/common/cpu.h"
#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/arithmetic_internal.h"
#include "weir/functions/builtins.h"
#include "weir/functions/kernel_util.h"
#include "weir/functions/ordering.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kNullSafeEq };

const char* Symbol(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "=";
    case CmpOp::kNe:
      return "!=";
    case CmpOp::kLt:
      return "<";
    case CmpOp::kLe:
      return "<=";
    case CmpOp::kGt:
      return ">";
    case CmpOp::kGe:
      return ">=";
    case CmpOp::kNullSafeEq:
      return "<=>";
  }
  return "?";
}

inline uint8_t Decide(CmpOp op, int c) {
  switch (op) {
    case CmpOp::kEq:
    case CmpOp::kNullSafeEq:
      return c == 0;
    case CmpOp::kNe:
      return c != 0;
    case CmpOp::kLt:
      return c < 0;
    case CmpOp::kLe:
      return c <= 0;
    case CmpOp::kGt:
      return c > 0;
    case CmpOp::kGe:
      return c >= 0;
  }
  return 0;
}

// o[i] = op(a[i], c) for i < n, compiled for AVX2: SSE2 has no 64-bit compare, so the
// portable build compares a BIGINT column one row at a time (a filter such as
// `x % 123 = 0` runs this over every row).
template <typename T, typename Op>
__attribute__((target("avx2"))) void CompareWithConstantAvx2(const T* __restrict a, T c,
                                                             uint8_t* __restrict o, int64_t n,
                                                             Op op) {
  for (int64_t i = 0; i < n; ++i) o[i] = op(a[i], c);
}

// A BIGINT or INT column against a constant, over every row, when the CPU has AVX2;
// nullopt otherwise.
template <typename T>
std::optional<Datum> CompareWithConstant(CmpOp op, const Datum& a, const Datum& b,
                                         const RowSet& rows) {
  if (!rows.is_all() || a.is_constant() || !b.is_constant() || !CpuHasAvx2()) return std::nullopt;
  FixedResult<uint8_t> out(DataType::Boolean(), rows);
  const Datum args[2] = {a, b};
  out.validity().InitFromArgs(args, 2, rows);
  const T* av = kernels::ValuesOf<T>(a);
  const T c = kernels::ValuesOf<T>(b)[0];  // any value when NULL: the rows are then NULL
  uint8_t* o = out.values();
  const int64_t n = rows.size();
  switch (op) {
    case CmpOp::kEq:
      CompareWithConstantAvx2(av, c, o, n, [](T x, T y) -> uint8_t { return x == y; });
      break;
    case CmpOp::kNe:
      CompareWithConstantAvx2(av, c, o, n, [](T x, T y) -> uint8_t { return x != y; });
      break;
    case CmpOp::kLt:
      CompareWithConstantAvx2(av, c, o, n, [](T x, T y) -> uint8_t { return x < y; });
      break;
    case CmpOp::kLe:
      CompareWithConstantAvx2(av, c, o, n, [](T x, T y) -> uint8_t { return x <= y; });
      break;
    case CmpOp::kGt:
      CompareWithConstantAvx2(av, c, o, n, [](T x, T y) -> uint8_t { return x > y; });
      break;
    case CmpOp::kGe:
      CompareWithConstantAvx2(av, c, o, n, [](T x, T y) -> uint8_t { return x >= y; });
      break;
    case CmpOp::kNullSafeEq:
      return std::nullopt;
  }
  return out.Finish();
}

template <typename T>
Datum CompareFixed(CmpOp op, const Datum& a, const Datum& b, const RowSet& rows) {
  const DataType type = DataType::Boolean();
  if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, int32_t>) {
    if (std::optional<Datum> fast = CompareWithConstant<T>(op, a, b, rows)) return *std::move(fast);
  }
  if constexpr (std::is_integral_v<T> || std::is_same_v<T, Int128>) {
    // Direct operators keep integer loops vectorizable.
    switch (op) {
      case CmpOp::kEq:
        return kernels::MapBinary<T, T, uint8_t>(type, a, b, rows,
                                                 [](T x, T y) -> uint8_t { return x == y; });
      case CmpOp::kNe:
        return kernels::MapBinary<T, T, uint8_t>(type, a, b, rows,
                                                 [](T x, T y) -> uint8_t { return x != y; });
      case CmpOp::kLt:
        return kernels::MapBinary<T, T, uint8_t>(type, a, b, rows,
                                                 [](T x, T y) -> uint8_t { return x < y; });
      case CmpOp::kLe:
        return kernels::MapBinary<T, T, uint8_t>(type, a, b, rows,
                                                 [](T x, T y) -> uint8_t { return x <= y; });
      case CmpOp::kGt:
        return kernels::MapBinary<T, T, uint8_t>(type, a, b, rows,
                                                 [](T x, T y) -> uint8_t { return x > y; });
      case CmpOp::kGe:
        return kernels::MapBinary<T, T, uint8_t>(type, a, b, rows,
                                                 [](T x, T y) -> uint8_t { return x >= y; });
      case CmpOp::kNullSafeEq:
        break;
    }
  }
  return kernels::MapBinary<T, T, uint8_t>(
      type, a, b, rows,
      [op](const T& x, const T& y) -> uint8_t { return Decide(op, kernels::Compare3(x, y)); });
}

Datum CompareNested(CmpOp op, const Datum& a, const Datum& b, const RowSet& rows) {
  FixedResult<uint8_t> out(DataType::Boolean(), rows);
  const Datum args[2] = {a, b};
  out.validity().InitFromArgs(args, 2, rows);
  rows.ForEach([&](int64_t i) {
    if (a.IsNull(i) || b.IsNull(i)) return;
    out.Set(i, Decide(op, kernels::CompareRows(a.col(), a.Index(i), b.col(), b.Index(i))));
  });
  return out.Finish();
}

Datum CompareDatums(CmpOp op, const Datum& a, const Datum& b, const RowSet& rows) {
  switch (a.type().id()) {
    case TypeId::kNull:
      return Datum::Null(DataType::Boolean());
    case TypeId::kBoolean:
      return CompareFixed<uint8_t>(op, a, b, rows);
    case TypeId::kInt32:
    case TypeId::kDate:
      return CompareFixed<int32_t>(op, a, b, rows);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return CompareFixed<int64_t>(op, a, b, rows);
    case TypeId::kDouble:
      return CompareFixed<double>(op, a, b, rows);
    case TypeId::kDecimal:
      return CompareFixed<Int128>(op, a, b, rows);
    case TypeId::kString:
    case TypeId::kBinary:
      return CompareFixed<StringRef>(op, a, b, rows);
    default:
      return CompareNested(op, a, b, rows);
  }
}

// a <=> b: never NULL; two NULLs are equal.
Datum NullSafeEqual(const Datum& a, const Datum& b, const RowSet& rows) {
  Datum eq = CompareDatums(CmpOp::kEq, a, b, rows);
  FixedResult<uint8_t> out(DataType::Boolean(), rows);
  out.validity().InitFromRows(rows);
  rows.ForEach([&](int64_t i) {
    bool an = a.IsNull(i), bn = b.IsNull(i);
    out.Set(i, (an || bn) ? (an && bn) : eq.Get<uint8_t>(i));
  });
  return out.Finish();
}

// `x % d = k` and `x % d <> k` as one call of (x, d, k), printed as the two were: a
// sampling filter such as `WHERE id % 100 = 0` then never builds the remainder column
// (arith::RemainderEqualsConstant). Anything that case does not cover computes the
// remainder with the `%` function and compares, as the two calls would.
//
// Thread-safety: immutable.
class RemainderComparison final : public ScalarFunction {
 public:
  RemainderComparison(CmpOp op, ScalarFunctionPtr remainder)
      : ScalarFunction(Symbol(op), DataType::Boolean()),
        op_(op),
        remainder_(std::move(remainder)) {}

  std::string Format(const std::vector<std::string>& args) const override {
    return "(" + remainder_->Format({args[0], args[1]}) + " " + name() + " " + args[2] + ")";
  }

  Result<Datum> Eval(EvalContext& ctx, const std::vector<Datum>& args,
                     const RowSet& rows) const override {
    if (std::optional<Datum> fast =
            arith::RemainderEqualsConstant(args[0], args[1], args[2], op_ == CmpOp::kNe, rows)) {
      return *std::move(fast);
    }
    ASSIGN_OR_RAISE(Datum remainder, remainder_->Eval(ctx, {args[0], args[1]}, rows));
    return CompareDatums(op_, remainder, args[2], rows);
  }

 private:
  CmpOp op_;
  ScalarFunctionPtr remainder_;
};

// The fused call of `lhs = rhs` / `lhs <> rhs` when lhs is an INT or BIGINT `x % d` and
// d and rhs are constant expressions; nullptr otherwise.
ExprPtr FuseRemainderComparison(CmpOp op, const ExprPtr& lhs, const ExprPtr& rhs) {
  if ((op != CmpOp::kEq && op != CmpOp::kNe) || lhs->kind() != ExprKind::kCall) return nullptr;
  const auto& call = static_cast<const CallExpr&>(*lhs);
  const TypeId type = lhs->type().id();
  if (call.function().name() != "%" || call.children().size() != 2 ||
      (type != TypeId::kInt32 && type != TypeId::kInt64) || rhs->type().id() != type ||
      !call.children()[1]->foldable() || !rhs->foldable()) {
    return nullptr;
  }
  ScalarFunctionPtr remainder(lhs, &call.function());  // shares the call's ownership
  return Call(std::make_shared<RemainderComparison>(op, std::move(remainder)),
              {call.children()[0], call.children()[1], rhs});
}

bool ContainsMap(const DataType& t) {
  switch (t.id()) {
    case TypeId::kMap:
      return true;
    case TypeId::kArray:
      return ContainsMap(t.element_type());
    case TypeId::kStruct:
      for (const Field& f : t.fields()) {
        if (ContainsMap(f.type)) return true;
      }
      return false;
    default:
      return false;
  }
}

Result<ExprPtr> ResolveComparison(CmpOp op, std::vector<ExprPtr> args) {
  const ExprPtr& l = args[0];
  const ExprPtr& r = args[1];
  std::string call = "(" + l->ToString() + " " + Symbol(op) + " " + r->ToString() + ")";
  std::optional<DataType> common = CommonTypeForComparison(l->type(), r->type());
  if (!common) {
    return DataTypeMismatch("BINARY_OP_DIFF_TYPES", call,
                            "the left and right operands of the binary operator have "
                            "incompatible types (" +
                                QuoteType(l->type()) + " and " + QuoteType(r->type()) + ").");
  }
  if (ContainsMap(*common)) {
    return DataTypeMismatch("INVALID_ORDERING_TYPE", call,
                            "the " + std::string(Symbol(op)) +
                                " does not support ordering on type " + QuoteType(*common) + ".");
  }
  bool ordering = op != CmpOp::kEq && op != CmpOp::kNe && op != CmpOp::kNullSafeEq;
  if (ordering && common->id() == TypeId::kInterval) {
    return DataTypeMismatch("INVALID_ORDERING_TYPE", call,
                            "the " + std::string(Symbol(op)) +
                                " does not support ordering on type " + QuoteType(*common) + ".");
  }
  ASSIGN_OR_RAISE(ExprPtr lc, Cast(l, *common));
  ASSIGN_OR_RAISE(ExprPtr rc, Cast(r, *common));
  if (ExprPtr fused = FuseRemainderComparison(op, lc, rc)) return fused;
  auto fn = std::make_shared<kernels::InfixFunction>(
      Symbol(op), DataType::Boolean(),
      [op](EvalContext&, const std::vector<Datum>& a, const RowSet& rows) -> Result<Datum> {
        if (op == CmpOp::kNullSafeEq) return NullSafeEqual(a[0], a[1], rows);
        return CompareDatums(op, a[0], a[1], rows);
      });
  return Call(std::move(fn), {std::move(lc), std::move(rc)});
}

void RegisterComparison(FunctionRegistry* registry, const char* name, CmpOp op, const char* usage) {
  registry->Register({name, 2, 2, usage, [op](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveComparison(op, std::move(args));
                      }});
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry* registry) {
  RegisterComparison(registry, "=", CmpOp::kEq,
                     "expr1 = expr2 - Returns true if expr1 equals expr2.");
  registry->Alias("==", "=");
  RegisterComparison(registry, "!=", CmpOp::kNe,
                     "expr1 != expr2 - Returns true if expr1 is not equal to expr2.");
  registry->Alias("<>", "!=");
  RegisterComparison(registry, "<", CmpOp::kLt,
                     "expr1 < expr2 - Returns true if expr1 is less than expr2.");
  RegisterComparison(registry, "<=", CmpOp::kLe,
                     "expr1 <= expr2 - Returns true if expr1 is less than or equal to expr2.");
  RegisterComparison(registry, ">", CmpOp::kGt,
                     "expr1 > expr2 - Returns true if expr1 is greater than expr2.");
  RegisterComparison(registry, ">=", CmpOp::kGe,
                     "expr1 >= expr2 - Returns true if expr1 is greater than or equal to expr2.");
  RegisterComparison(registry, "<=>", CmpOp::kNullSafeEq,
                     "expr1 <=> expr2 - Returns same result as the EQUAL(=) operator for non-null "
                     "operands, but returns true if both are null, false if one of them is null.");
}

}  // namespace weir
