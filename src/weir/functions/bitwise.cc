// Bitwise functions with Spark 3.5's semantics (bitwiseExpressions.scala and the
// shifts of mathExpressions.scala): the operators & | ^ ~, shiftleft, shiftright,
// shiftrightunsigned (also the operators << >> >>>), bit_count, bit_get (getbit).
//
// & | ^ are BinaryArithmetic over IntegralType: INT with BIGINT widens to BIGINT, a
// STRING operand becomes DOUBLE (ANSI: BIGINT next to an integral, as
// AnsiTypeCoercion.findWiderTypeForString) and anything not integral is a
// DATATYPE_MISMATCH; there is no overflow, so ANSI mode changes nothing else. ~ keeps
// its operand's type. The shifts take INT or BIGINT (other numbers and STRING are
// cast to INT, the first type of TypeCollection(IntegerType, LongType)) and an INT
// count, and return the first operand's type; the count is masked as in Java (& 31
// or & 63). bit_count counts the set bits of the 64-bit two's complement of its
// operand (a negative INT sign-extends) or is 0/1 for a BOOLEAN. bit_get returns
// TINYINT in Spark; weir has no TINYINT, so it returns INT. A position outside
// [0, width) is an error in both modes.

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/arithmetic_internal.h"
#include "weir/functions/builtins.h"
#include "weir/functions/kernel_util.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

using kernels::MapBinary;
using kernels::MapUnary;

bool IsIntegral(const DataType& t) { return t.id() == TypeId::kInt32 || t.id() == TypeId::kInt64; }

enum class BitOp : uint8_t { kAnd, kOr, kXor };

const char* Symbol(BitOp op) {
  switch (op) {
    case BitOp::kAnd:
      return "&";
    case BitOp::kOr:
      return "|";
    case BitOp::kXor:
      return "^";
  }
  return "?";
}

template <typename T>
Datum EvalBitOp(BitOp op, const DataType& type, const Datum& a, const Datum& b,
                const RowSet& rows) {
  switch (op) {
    case BitOp::kAnd:
      return MapBinary<T, T, T>(type, a, b, rows, [](T x, T y) { return static_cast<T>(x & y); });
    case BitOp::kOr:
      return MapBinary<T, T, T>(type, a, b, rows, [](T x, T y) { return static_cast<T>(x | y); });
    case BitOp::kXor:
      return MapBinary<T, T, T>(type, a, b, rows, [](T x, T y) { return static_cast<T>(x ^ y); });
  }
  return Datum::Null(type);
}

Status BitOperandMismatch(const std::string& call, const DataType& l, const DataType& r) {
  if (l != r) {
    return DataTypeMismatch("BINARY_OP_DIFF_TYPES", call,
                            "the left and right operands of the binary operator have "
                            "incompatible types (" +
                                QuoteType(l) + " and " + QuoteType(r) + ").");
  }
  return DataTypeMismatch(
      "BINARY_OP_WRONG_TYPE", call,
      "the binary operator requires the input type \"INTEGRAL\", not " + QuoteType(l) + ".");
}

// a & b, a | b, a ^ b.
Result<ExprPtr> ResolveBitOp(BitOp op, std::vector<ExprPtr> args, const ResolveOptions& options) {
  const ExprPtr& l = args[0];
  const ExprPtr& r = args[1];
  const std::string call = "(" + l->ToString() + " " + Symbol(op) + " " + r->ToString() + ")";
  DataType lt = l->type(), rt = r->type();
  // PromoteStrings (AnsiTypeCoercion: findWiderTypeForString).
  auto string_target = [&](const DataType& other) {
    return options.ansi && IsIntegral(other) ? DataType::Int64() : DataType::Double();
  };
  if (lt.id() == TypeId::kString) lt = string_target(rt);
  if (rt.id() == TypeId::kString) rt = string_target(l->type());
  std::optional<DataType> common;
  if ((IsIntegral(lt) || lt.is_null()) && (IsIntegral(rt) || rt.is_null())) {
    common = TightestCommonType(lt, rt);
  }
  if (!common) return BitOperandMismatch(call, lt, rt);
  if (common->is_null()) common = DataType::Int32();  // IntegralType's default
  const DataType type = *common;
  ASSIGN_OR_RAISE(ExprPtr lc, Cast(l, type));
  ASSIGN_OR_RAISE(ExprPtr rc, Cast(r, type));
  kernels::LambdaFunction::Fn fn = [op, type](EvalContext&, const std::vector<Datum>& a,
                                              const RowSet& rows) -> Result<Datum> {
    if (type.id() == TypeId::kInt32) return EvalBitOp<int32_t>(op, type, a[0], a[1], rows);
    return EvalBitOp<int64_t>(op, type, a[0], a[1], rows);
  };
  return Call(std::make_shared<kernels::InfixFunction>(Symbol(op), type, std::move(fn)),
              {std::move(lc), std::move(rc)});
}

// Prints as Spark's BitwiseNot.sql: "~a".
class BitwiseNotFunction final : public ScalarFunction {
 public:
  explicit BitwiseNotFunction(DataType type) : ScalarFunction("~", std::move(type)) {}
  std::string Format(const std::vector<std::string>& args) const override { return "~" + args[0]; }
  Result<Datum> Eval(EvalContext&, const std::vector<Datum>& args,
                     const RowSet& rows) const override {
    if (result_type().id() == TypeId::kInt32) {
      return MapUnary<int32_t, int32_t>(result_type(), args[0], rows, [](int32_t x) { return ~x; });
    }
    return MapUnary<int64_t, int64_t>(result_type(), args[0], rows, [](int64_t x) { return ~x; });
  }
};

// The implicit cast of an argument declared IntegralType (ImplicitCastInputTypes):
// INT and BIGINT stay and NULL becomes INT (IntegralType's default); IntegralType is
// not a NumericType, so TypeCoercion.implicitCast casts nothing else to it.
Result<ExprPtr> CoerceIntegral(std::string_view call, size_t index, ExprPtr arg,
                               std::string_view required = "\"INTEGRAL\"") {
  const DataType& t = arg->type();
  if (IsIntegral(t)) return arg;
  if (t.is_null()) return Cast(std::move(arg), DataType::Int32());
  return arith::UnexpectedInputType(call, index, required, arg);
}

// The implicit cast to INT of an argument declared IntegerType (or a TypeCollection
// starting with it): STRING, NULL and BIGINT always; other numbers (DOUBLE, DECIMAL)
// outside ANSI mode only, where AnsiTypeCoercion refuses to narrow them implicitly.
Result<ExprPtr> CoerceToInt(std::string_view call, size_t index, ExprPtr arg, bool ansi,
                            std::string_view required) {
  const DataType& t = arg->type();
  if (t.id() == TypeId::kInt32) return arg;
  if (t.is_null() || t.id() == TypeId::kString || t.id() == TypeId::kInt64 ||
      (!ansi && t.is_numeric())) {
    return Cast(std::move(arg), DataType::Int32());
  }
  return arith::UnexpectedInputType(call, index, required, arg);
}

// ~a.
Result<ExprPtr> ResolveBitwiseNot(std::vector<ExprPtr> args) {
  const std::string call = "~" + args[0]->ToString();
  ASSIGN_OR_RAISE(ExprPtr arg, CoerceIntegral(call, 0, args[0]));
  const DataType type = arg->type();
  return Call(std::make_shared<BitwiseNotFunction>(type), {std::move(arg)});
}

enum class ShiftOp : uint8_t { kLeft, kRight, kRightUnsigned };

template <typename T>
Datum EvalShift(ShiftOp op, const DataType& type, const Datum& a, const Datum& b,
                const RowSet& rows) {
  using U = std::make_unsigned_t<T>;
  constexpr int32_t kMask = sizeof(T) * 8 - 1;
  switch (op) {
    case ShiftOp::kLeft:
      return MapBinary<T, int32_t, T>(type, a, b, rows, [](T x, int32_t n) {
        return static_cast<T>(static_cast<U>(x) << (n & kMask));
      });
    case ShiftOp::kRight:
      // Arithmetic shift, as Java's >> (GCC defines >> of a negative value so).
      return MapBinary<T, int32_t, T>(
          type, a, b, rows, [](T x, int32_t n) { return static_cast<T>(x >> (n & kMask)); });
    case ShiftOp::kRightUnsigned:
      return MapBinary<T, int32_t, T>(type, a, b, rows, [](T x, int32_t n) {
        return static_cast<T>(static_cast<U>(x) >> (n & kMask));
      });
  }
  return Datum::Null(type);
}

// shiftleft(a, n), shiftright(a, n), shiftrightunsigned(a, n).
Result<ExprPtr> ResolveShift(const std::string& name, ShiftOp op, std::vector<ExprPtr> args,
                             const ResolveOptions& options) {
  const std::string call = DescribeCall(name, args);
  ExprPtr value = args[0];
  if (!IsIntegral(value->type())) {
    ASSIGN_OR_RAISE(
        value, CoerceToInt(call, 0, std::move(value), options.ansi, "(\"INT\" or \"BIGINT\")"));
  }
  ASSIGN_OR_RAISE(ExprPtr count, CoerceToInt(call, 1, args[1], options.ansi, "\"INT\""));
  const DataType type = value->type();
  kernels::LambdaFunction::Fn fn = [op, type](EvalContext&, const std::vector<Datum>& a,
                                              const RowSet& rows) -> Result<Datum> {
    if (type.id() == TypeId::kInt32) return EvalShift<int32_t>(op, type, a[0], a[1], rows);
    return EvalShift<int64_t>(op, type, a[0], a[1], rows);
  };
  return Call(std::make_shared<kernels::LambdaFunction>(name, type, std::move(fn)),
              {std::move(value), std::move(count)});
}

// bit_count(a): INT.
Result<ExprPtr> ResolveBitCount(std::vector<ExprPtr> args) {
  const std::string call = DescribeCall("bit_count", args);
  ExprPtr arg = args[0];
  const DataType type = DataType::Int32();
  if (arg->type().id() == TypeId::kBoolean) {
    kernels::LambdaFunction::Fn fn = [type](EvalContext&, const std::vector<Datum>& a,
                                            const RowSet& rows) -> Result<Datum> {
      return MapUnary<uint8_t, int32_t>(type, a[0], rows, [](uint8_t b) { return b != 0 ? 1 : 0; });
    };
    return Call(std::make_shared<kernels::LambdaFunction>("bit_count", type, std::move(fn)),
                {std::move(arg)});
  }
  ASSIGN_OR_RAISE(arg, CoerceIntegral(call, 0, arg, "(\"INTEGRAL\" or \"BOOLEAN\")"));
  const TypeId id = arg->type().id();
  kernels::LambdaFunction::Fn fn = [type, id](EvalContext&, const std::vector<Datum>& a,
                                              const RowSet& rows) -> Result<Datum> {
    // java.lang.Long.bitCount of the value widened to long.
    if (id == TypeId::kInt32) {
      return MapUnary<int32_t, int32_t>(type, a[0], rows, [](int32_t x) {
        return std::popcount(static_cast<uint64_t>(static_cast<int64_t>(x)));
      });
    }
    return MapUnary<int64_t, int32_t>(
        type, a[0], rows, [](int64_t x) { return std::popcount(static_cast<uint64_t>(x)); });
  };
  return Call(std::make_shared<kernels::LambdaFunction>("bit_count", type, std::move(fn)),
              {std::move(arg)});
}

// bit_get(a, pos) / getbit(a, pos).
Result<ExprPtr> ResolveBitGet(const std::string& name, std::vector<ExprPtr> args,
                              const ResolveOptions& options) {
  const std::string call = DescribeCall(name, args);
  ASSIGN_OR_RAISE(ExprPtr value, CoerceIntegral(call, 0, args[0]));
  ASSIGN_OR_RAISE(ExprPtr pos, CoerceToInt(call, 1, args[1], options.ansi, "\"INT\""));
  const TypeId id = value->type().id();
  const int32_t width = id == TypeId::kInt32 ? 32 : 64;
  const DataType type = DataType::Int32();
  kernels::LambdaFunction::Fn fn = [name, id, width, type](EvalContext&,
                                                           const std::vector<Datum>& a,
                                                           const RowSet& rows) -> Result<Datum> {
    auto fail = [&](int32_t p) {
      // QueryExecutionErrors.bitPositionRangeError.
      return Status::InvalidInput(
          "[INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE] The value of parameter(s) `pos` in `" +
          name + "` is invalid: expects an integer value in [0, " + std::to_string(width) +
          "), but got " + std::to_string(p) + ".");
    };
    auto op = [width](int64_t x, int32_t p, int32_t* o) -> uint8_t {
      if (p < 0 || p >= width) return 1;
      *o = static_cast<int32_t>((x >> p) & 1);
      return 0;
    };
    if (id == TypeId::kInt32) {
      return kernels::MapBinaryFallible<int32_t, int32_t, int32_t>(
          type, a[0], a[1], rows, [op](int32_t x, int32_t p, int32_t* o) { return op(x, p, o); },
          [fail](int32_t, int32_t p, uint8_t) { return fail(p); });
    }
    return kernels::MapBinaryFallible<int64_t, int32_t, int32_t>(
        type, a[0], a[1], rows, op, [fail](int64_t, int32_t p, uint8_t) { return fail(p); });
  };
  return Call(std::make_shared<kernels::LambdaFunction>(name, type, std::move(fn)),
              {std::move(value), std::move(pos)});
}

void RegisterBitOp(FunctionRegistry* registry, BitOp op, const char* usage) {
  registry->Register(
      {Symbol(op), 2, 2, usage, [op](std::vector<ExprPtr> args, const ResolveOptions& options) {
         return ResolveBitOp(op, std::move(args), options);
       }});
}

void RegisterShift(FunctionRegistry* registry, const char* name, ShiftOp op, const char* usage) {
  const std::string n = name;
  registry->Register(
      {n, 2, 2, usage, [n, op](std::vector<ExprPtr> args, const ResolveOptions& options) {
         return ResolveShift(n, op, std::move(args), options);
       }});
}

}  // namespace

void RegisterBitwiseFunctions(FunctionRegistry* registry) {
  RegisterBitOp(registry, BitOp::kAnd,
                "expr1 & expr2 - Returns the result of bitwise AND of `expr1` and `expr2`.");
  RegisterBitOp(registry, BitOp::kOr,
                "expr1 | expr2 - Returns the result of bitwise OR of `expr1` and `expr2`.");
  RegisterBitOp(registry, BitOp::kXor,
                "expr1 ^ expr2 - Returns the result of bitwise exclusive OR of `expr1` and "
                "`expr2`.");
  registry->Register({"~", 1, 1, "~ expr - Returns the result of bitwise NOT of `expr`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveBitwiseNot(std::move(args));
                      }});
  RegisterShift(registry, "shiftleft", ShiftOp::kLeft,
                "shiftleft(base, expr) - Bitwise left shift.");
  RegisterShift(registry, "shiftright", ShiftOp::kRight,
                "shiftright(base, expr) - Bitwise (signed) right shift.");
  RegisterShift(registry, "shiftrightunsigned", ShiftOp::kRightUnsigned,
                "shiftrightunsigned(base, expr) - Bitwise unsigned right shift.");
  registry->Register({"bit_count", 1, 1,
                      "bit_count(expr) - Returns the number of bits that are set in the argument "
                      "expr as an unsigned 64-bit integer, or NULL if the argument is NULL.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveBitCount(std::move(args));
                      }});
  for (const char* name : {"bit_get", "getbit"}) {
    const std::string n = name;
    registry->Register({n, 2, 2,
                        n + "(expr, pos) - Returns the value of the bit (0 or 1) at the specified "
                            "position.",
                        [n](std::vector<ExprPtr> args, const ResolveOptions& options) {
                          return ResolveBitGet(n, std::move(args), options);
                        }});
  }
}

}  // namespace weir
