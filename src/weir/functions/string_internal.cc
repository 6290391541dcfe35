#include "weir/functions/string_internal.h"

#include <memory>

#include "weir/expr/cast.h"
#include "weir/functions/registry.h"

namespace weir::strings {

namespace {

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// The second byte of a sequence is restricted further for some lead bytes
// (no overlong forms, no surrogates, nothing above U+10FFFF).
bool ValidSecondByte(uint8_t lead, uint8_t b) {
  switch (lead) {
    case 0xE0:
      return b >= 0xA0 && b <= 0xBF;
    case 0xED:
      return b >= 0x80 && b <= 0x9F;
    case 0xF0:
      return b >= 0x90 && b <= 0xBF;
    case 0xF4:
      return b >= 0x80 && b <= 0x8F;
    default:
      return IsContinuation(b);
  }
}

constexpr uint32_t kReplacement = 0xFFFD;

bool IsAtomic(const DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kDate:
    case TypeId::kTimestamp:
      return true;
    default:
      return false;
  }
}

const char* ExpectedTypeText(Expect expect) {
  switch (expect) {
    case Expect::kString:
      return "\"STRING\"";
    case Expect::kStringOrBinary:
      return "(\"STRING\" or \"BINARY\")";
    case Expect::kBinary:
      return "\"BINARY\"";
    case Expect::kInt:
      return "\"INT\"";
    case Expect::kLong:
      return "\"BIGINT\"";
  }
  return "?";
}

}  // namespace

uint32_t DecodeUtf8(std::string_view s, size_t i, int* len) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  const size_t avail = s.size() - i;
  *len = 1;
  if (b0 < 0x80) return b0;
  const int need = Utf8SequenceLength(b0);
  if (need == 1) return kReplacement;
  if (avail < 2 || !ValidSecondByte(b0, static_cast<uint8_t>(s[i + 1]))) return kReplacement;
  uint32_t cp = b0 & (0xFF >> (need + 1));
  cp = (cp << 6) | (static_cast<uint8_t>(s[i + 1]) & 0x3F);
  for (int k = 2; k < need; ++k) {
    if (static_cast<size_t>(k) >= avail || !IsContinuation(static_cast<uint8_t>(s[i + k]))) {
      *len = k;  // the maximal valid prefix becomes one replacement character
      return kReplacement;
    }
    cp = (cp << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3F);
  }
  *len = need;
  return cp;
}

int EncodeUtf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  char buf[4];
  out->append(buf, static_cast<size_t>(EncodeUtf8(cp, buf)));
}

// ---- StringArrayResult ----------------------------------------------------------------

StringArrayResult::StringArrayResult(DataType type, int64_t physical_rows)
    : builder_(std::move(type)),
      elements_(static_cast<StringBuilder*>(builder_.element_builder())),
      physical_rows_(physical_rows) {
  builder_.Reserve(physical_rows);
}

void StringArrayResult::FillNullsUntil(int64_t i) {
  for (; next_ < i; ++next_) builder_.AppendNull();
}

void StringArrayResult::BeginRow(int64_t i) {
  FillNullsUntil(i);
  builder_.Append();
  next_ = i + 1;
}

Datum StringArrayResult::Finish() {
  FillNullsUntil(physical_rows_);
  return Datum::Flat(builder_.Finish());
}

// ---- Resolution -------------------------------------------------------------------------

Result<ExprPtr> Coerce(std::string_view name, const std::vector<ExprPtr>& args, size_t k,
                       Expect expect) {
  const ExprPtr& arg = args[k];
  const DataType& t = arg->type();
  switch (expect) {
    case Expect::kString:
      if (t.id() == TypeId::kString) return arg;
      if (t.is_null() || IsAtomic(t)) return Cast(arg, DataType::String());
      break;
    case Expect::kStringOrBinary:
      if (t.is_string_like()) return arg;
      if (t.is_null() || IsAtomic(t)) return Cast(arg, DataType::String());
      break;
    case Expect::kBinary:
      if (t.id() == TypeId::kBinary) return arg;
      if (t.is_null() || t.id() == TypeId::kString) return Cast(arg, DataType::Binary());
      break;
    case Expect::kInt:
    case Expect::kLong: {
      DataType to = expect == Expect::kInt ? DataType::Int32() : DataType::Int64();
      if (t == to) return arg;
      if (t.is_null() || t.is_numeric() || t.id() == TypeId::kString) return Cast(arg, to);
      break;
    }
  }
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
                          "Parameter " + std::to_string(k + 1) + " requires the " +
                              ExpectedTypeText(expect) + " type, however \"" + arg->ToString() +
                              "\" has the type " + QuoteType(t) + ".");
}

Status CoerceAll(std::string_view name, std::vector<ExprPtr>* args,
                 const std::vector<Expect>& expects) {
  // Coerce against the original arguments so error messages show what the user wrote.
  const std::vector<ExprPtr> original = *args;
  for (size_t k = 0; k < args->size() && k < expects.size(); ++k) {
    ASSIGN_OR_RAISE((*args)[k], Coerce(name, original, k, expects[k]));
  }
  return Status::OK();
}

std::optional<Value> ConstantValue(const ExprPtr& e) {
  if (e->kind() == ExprKind::kLiteral) return static_cast<const LiteralExpr&>(*e).value();
  if (!e->foldable()) return std::nullopt;
  EvalOptions options;
  EvalContext ctx(options);
  Result<ExprPtr> folded = FoldConstants(e, ctx);
  if (!folded.ok() || (*folded)->kind() != ExprKind::kLiteral) return std::nullopt;
  return static_cast<const LiteralExpr&>(**folded).value();
}

ExprPtr MakeCall(std::string name, DataType result_type, kernels::LambdaFunction::Fn fn,
                 std::vector<ExprPtr> args, bool deterministic) {
  auto f = std::make_shared<kernels::LambdaFunction>(std::move(name), std::move(result_type),
                                                     std::move(fn), deterministic);
  return Call(std::move(f), std::move(args));
}

Status InvalidPattern(std::string_view function, std::string_view pattern,
                      std::string_view reason) {
  std::string msg = "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` in `" +
                    std::string(function) + "` is invalid: '" + std::string(pattern) + "'";
  if (!reason.empty()) msg += " (" + std::string(reason) + ")";
  return Status::InvalidInput(msg + ".");
}

}  // namespace weir::strings
