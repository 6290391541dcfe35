#include "weir/functions/arithmetic_internal.h"

#include "weir/expr/cast.h"
#include "weir/functions/registry.h"

namespace weir::arith {

namespace {

constexpr std::string_view kAnsiConfig = "\"spark.sql.ansi.enabled\"";

bool IsNumber(const DataType& t) { return t.is_numeric(); }

}  // namespace

Status ArithmeticOverflow(std::string_view message, std::string_view hint) {
  std::string text = "[ARITHMETIC_OVERFLOW] " + std::string(message) + ".";
  if (!hint.empty()) {
    text += " Use '" + std::string(hint) + "' to tolerate overflow and return NULL instead.";
  }
  text += " If necessary set " + std::string(kAnsiConfig) + " to \"false\" to bypass this error.";
  return Status::InvalidInput(std::move(text));
}

Status DivideByZero() {
  return Status::InvalidInput(
      "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and "
      "return NULL instead. If necessary set " +
      std::string(kAnsiConfig) + " to \"false\" to bypass this error.");
}

Status NumericValueOutOfRange(std::string_view value, int precision, int scale) {
  return Status::InvalidInput(
      "[NUMERIC_VALUE_OUT_OF_RANGE] " + std::string(value) + " cannot be represented as Decimal(" +
      std::to_string(precision) + ", " + std::to_string(scale) + "). If necessary set " +
      std::string(kAnsiConfig) + " to \"false\" to bypass this error, and return NULL instead.");
}

Status UnexpectedInputType(std::string_view call, size_t index, std::string_view required,
                           const ExprPtr& arg) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", call,
                          "Parameter " + std::to_string(index + 1) + " requires the " +
                              std::string(required) + " type, however \"" + arg->ToString() +
                              "\" has the type " + QuoteType(arg->type()) + ".");
}

Result<ExprPtr> CoerceNumeric(std::string_view call, size_t index, ExprPtr arg) {
  const DataType& t = arg->type();
  if (IsNumber(t)) return arg;
  if (t.is_null() || t.id() == TypeId::kString) return Cast(std::move(arg), DataType::Double());
  return UnexpectedInputType(call, index, "\"NUMERIC\"", arg);
}

Result<ExprPtr> CoerceDouble(std::string_view call, size_t index, ExprPtr arg) {
  const DataType& t = arg->type();
  if (IsNumber(t) || t.is_null() || t.id() == TypeId::kString) {
    return Cast(std::move(arg), DataType::Double());
  }
  return UnexpectedInputType(call, index, "\"DOUBLE\"", arg);
}

Result<std::optional<int32_t>> ConstantInt(std::string_view call, std::string_view what,
                                           const ExprPtr& arg) {
  const DataType& t = arg->type();
  if (t.id() != TypeId::kInt32 && t.id() != TypeId::kInt64 && !t.is_null()) {
    return UnexpectedInputType(call, 1, "\"INT\"", arg);
  }
  if (!arg->foldable()) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", call,
                            "the input `" + std::string(what) +
                                "` should be a foldable \"INT\" expression; however, got \"" +
                                arg->ToString() + "\".");
  }
  ASSIGN_OR_RAISE(ExprPtr as_int, Cast(arg, DataType::Int32()));
  EvalOptions options;
  EvalContext ctx(options);
  Batch one = Batch::MakeRowsOnly(1);
  ASSIGN_OR_RAISE(Datum d, as_int->Eval(ctx, one, RowSet(1)));
  if (d.IsNull(0)) return std::optional<int32_t>();
  return std::optional<int32_t>(d.Get<int32_t>(0));
}

}  // namespace weir::arith
