// Building blocks of the string function families (internal to weir_functions):
// UTF-8 helpers with Spark's UTF8String semantics, argument coercion with Spark's
// ImplicitTypeCasts rules, and the loop and output helpers the kernels share.
//
// Kernels read arguments through ArgView (no per-row virtual call or shared_ptr
// access) and write results through StringResult without a per-row heap allocation:
// values of known size are written in place (EmitExact), substrings of an input are
// stored as refs into its buffers (SubRef plus StringResult::KeepBuffersOf), and
// values of unknown size go through a scratch std::string that keeps its capacity
// across rows.
//
// Thread-safety: free functions and per-evaluation objects.

#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/expr/datum.h"
#include "weir/expr/expr.h"
#include "weir/expr/result_builder.h"
#include "weir/expr/row_set.h"
#include "weir/functions/kernel_util.h"
#include "weir/types/builder.h"

namespace weir {

class FunctionRegistry;

// The families registered by RegisterStringFunctions (string_functions.cc).
void RegisterTrimPadFunctions(FunctionRegistry* registry);
void RegisterSubstringFunctions(FunctionRegistry* registry);
void RegisterRegexpFunctions(FunctionRegistry* registry);
void RegisterFormatFunctions(FunctionRegistry* registry);
void RegisterFormatNumberFunction(FunctionRegistry* registry);
void RegisterEncodingFunctions(FunctionRegistry* registry);
void RegisterCharsetFunctions(FunctionRegistry* registry);

namespace strings {

// Java's limit on array (and so string) sizes; results larger than this are errors
// in Spark (NegativeArraySize / ArithmeticException), and here.
inline constexpr int64_t kMaxStringBytes = INT32_MAX;

// An error for a result larger than a Spark string can be.
inline Status ResultTooLarge(std::string_view function, int64_t bytes) {
  return Status::InvalidInput("`" + std::string(function) + "` would produce a value of " +
                              std::to_string(bytes) + " bytes, more than the " +
                              std::to_string(kMaxStringBytes) + " a string can hold.");
}

// ---- UTF-8 ------------------------------------------------------------------------

// Bytes of the UTF-8 sequence that starts with `first`, as Spark's
// UTF8String.numBytesForFirstByte counts them: 1 for ASCII and for bytes that cannot
// start a sequence (continuation bytes, C0, C1, F5-FF), so invalid input still
// advances one byte at a time.
inline int Utf8SequenceLength(uint8_t first) {
  if (first < 0xC2) return 1;
  if (first < 0xE0) return 2;
  if (first < 0xF0) return 3;
  if (first < 0xF5) return 4;
  return 1;
}

// True when every byte is ASCII.
inline bool IsAscii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc |= w;
  }
  for (; i < n; ++i) acc |= static_cast<uint8_t>(p[i]);
  return (acc & 0x8080808080808080ULL) == 0;
}

// Characters (code points) in `s`, counted as Spark's UTF8String.numChars does.
inline int64_t NumChars(std::string_view s) {
  if (IsAscii(s)) return static_cast<int64_t>(s.size());
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); i += Utf8SequenceLength(static_cast<uint8_t>(s[i]))) ++n;
  return n;
}

// The byte offset of character `chars` (clamped to the end of `s`), starting from
// byte offset `from`.
inline size_t SkipChars(std::string_view s, size_t from, int64_t chars) {
  size_t i = from;
  while (chars > 0 && i < s.size()) {
    i += Utf8SequenceLength(static_cast<uint8_t>(s[i]));
    --chars;
  }
  return i < s.size() ? i : s.size();
}

// Decodes the code point at s[i] (REQUIRES i < s.size()); *len receives the bytes it
// takes. Malformed or truncated sequences decode as U+FFFD with length 1, as Java's
// UTF-8 decoder replaces them.
uint32_t DecodeUtf8(std::string_view s, size_t i, int* len);
// Writes `cp` as UTF-8 into `out` (room for 4 bytes); returns the bytes written.
int EncodeUtf8(uint32_t cp, char* out);
void AppendUtf8(uint32_t cp, std::string* out);

// ---- Arguments ----------------------------------------------------------------------

// Row i of a flat or constant datum whose values are stored as T, without a branch.
template <typename T>
class ArgView {
 public:
  explicit ArgView(const Datum& d)
      : values_(d.col().values<T>()), mask_(d.is_constant() ? 0 : ~int64_t{0}) {}
  const T& operator[](int64_t i) const { return values_[i & mask_]; }

 private:
  const T* values_;
  int64_t mask_;
};

using StrArg = ArgView<StringRef>;

// Calls f(i) for every row of `rows` that `validity` marks valid: the rows where a
// NULL-in/NULL-out kernel has to compute a value.
template <typename F>
void ForEachValid(const ResultValidity& validity, const RowSet& rows, F&& f) {
  rows.ForEach([&](int64_t i) {
    if (validity.IsValid(i)) f(i);
  });
}

// Like ForEachValid, stopping at the first row whose f returns a non-OK status.
template <typename F>
Status ForEachValidUntilError(const ResultValidity& validity, const RowSet& rows, F&& f) {
  Status st;
  rows.ForEach([&](int64_t i) {
    if (st.ok() && validity.IsValid(i)) st = f(i);
  });
  return st;
}

// ---- Results -------------------------------------------------------------------------

// Sets row i of `out` to the `n` bytes that fill(char* dst) writes, in place: inline
// refs for short values, the result's own chunk otherwise.
template <typename Fill>
void EmitExact(StringResult& out, int64_t i, size_t n, Fill&& fill) {
  if (n <= StringRef::kInlineSize) {
    char buf[StringRef::kInlineSize];
    fill(buf);
    out.SetRef(i, StringRef(buf, static_cast<uint32_t>(n)));
  } else {
    char* dst = out.ReserveBytes(n);
    fill(dst);
    out.SetRef(i, StringRef(dst, static_cast<uint32_t>(n)));
  }
}

// A ref to a part of an input value. REQUIRES: `part` lies inside a value of a column
// whose buffers the result keeps (StringResult::KeepBuffersOf).
inline StringRef SubRef(std::string_view part) {
  return StringRef(part.data(), static_cast<uint32_t>(part.size()));
}

// Builds an ARRAY<STRING> (or ARRAY<BINARY>) column row by row in ascending physical
// order; rows never begun are NULL, as result columns require.
class StringArrayResult {
 public:
  StringArrayResult(DataType type, int64_t physical_rows);
  // Opens the array of row i. REQUIRES: i ascending across calls.
  void BeginRow(int64_t i);
  void Add(std::string_view element) { elements_->Append(element); }
  void AddNull() { elements_->AppendNull(); }
  Datum Finish();

 private:
  void FillNullsUntil(int64_t i);

  ArrayBuilder builder_;
  StringBuilder* elements_;
  int64_t physical_rows_;
  int64_t next_ = 0;
};

// ---- Resolution ----------------------------------------------------------------------

// Spark's ImplicitTypeCasts towards one expected input type: argument `k` of
// `name(args)` as that type, with a Cast node where Spark inserts one, or
// DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE.
//   String:         STRING as is; NULL and every atomic type (numbers, BOOLEAN, DATE,
//                   TIMESTAMP, BINARY) cast to STRING.
//   StringOrBinary: TypeCollection(STRING, BINARY): both as is, else as String.
//   Binary:         BINARY as is; NULL and STRING cast to BINARY.
//   Int / Long:     that type as is; NULL, other numbers and STRING cast to it.
enum class Expect : uint8_t { kString, kStringOrBinary, kBinary, kInt, kLong };
Result<ExprPtr> Coerce(std::string_view name, const std::vector<ExprPtr>& args, size_t k,
                       Expect expect);
// Coerces every argument in place, `expects[k]` for argument k.
Status CoerceAll(std::string_view name, std::vector<ExprPtr>* args,
                 const std::vector<Expect>& expects);

// The value of `e` when it does not depend on the row: a literal, or a foldable
// expression (a cast of a literal) folded now. nullopt otherwise.
std::optional<Value> ConstantValue(const ExprPtr& e);

// A call of a kernel that has no per-call state.
ExprPtr MakeCall(std::string name, DataType result_type, kernels::LambdaFunction::Fn fn,
                 std::vector<ExprPtr> args, bool deterministic = true);

// Spark's error for a regular expression that does not compile:
// [INVALID_PARAMETER_VALUE.PATTERN] ... `regexp` in `<function>` is invalid: '<pattern>'.
Status InvalidPattern(std::string_view function, std::string_view pattern, std::string_view reason);

}  // namespace strings
}  // namespace weir
