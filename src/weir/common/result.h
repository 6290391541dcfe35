// Result<T>: either a value of type T or an error Status. The return type of every
// fallible function that produces something.
//
//   Result<int64_t> ParseOffset(std::string_view text);
//   ASSIGN_OR_RAISE(int64_t offset, ParseOffset(text));
//
// Thread-safety: a value type; distinct objects may be used concurrently.

#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "weir/common/check.h"
#include "weir/common/status.h"

namespace weir {

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<T, Status>, "Result<Status> makes no sense; use Status");
  static_assert(!std::is_reference_v<T>, "Result<T&> is not supported; use a pointer");

 public:
  using ValueType = T;

  // REQUIRES: !status.ok(). An OK status without a value is a bug and is turned into
  // an internal error rather than a crash.
  Result(Status status)  // NOLINT(google-explicit-constructor)
      : v_(status.ok() ? Status::Internal("Result constructed from an OK status")
                       : std::move(status)) {}
  Result(const T& value) : v_(value) {}        // NOLINT(google-explicit-constructor)
  Result(T&& value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status> &&
                                                    !std::is_same_v<std::decay_t<U>, Result>>>
  Result(U&& value) : v_(std::in_place_index<1>, std::forward<U>(value)) {}  // NOLINT

  Result(const Result&) = default;
  Result(Result&&) noexcept = default;
  Result& operator=(const Result&) = default;
  Result& operator=(Result&&) noexcept = default;

  bool ok() const { return v_.index() == 1; }

  // The error, or OK when a value is held.
  Status status() const& { return ok() ? Status::OK() : std::get<0>(v_); }
  Status status() && { return ok() ? Status::OK() : std::move(std::get<0>(v_)); }

  // REQUIRES: ok(). Checked: a violation aborts with the error printed.
  const T& ValueOrDie() const& {
    EnsureOk();
    return std::get<1>(v_);
  }
  T& ValueOrDie() & {
    EnsureOk();
    return std::get<1>(v_);
  }
  T ValueOrDie() && {
    EnsureOk();
    return std::move(std::get<1>(v_));
  }

  const T& operator*() const& { return ValueOrDie(); }
  T& operator*() & { return ValueOrDie(); }
  T operator*() && { return std::move(*this).ValueOrDie(); }
  const T* operator->() const { return &ValueOrDie(); }
  T* operator->() { return &ValueOrDie(); }

  // Returns the value, or `fallback` on error.
  T ValueOr(T fallback) const& { return ok() ? std::get<1>(v_) : std::move(fallback); }
  T ValueOr(T fallback) && { return ok() ? std::move(std::get<1>(v_)) : std::move(fallback); }

  // REQUIRES: ok(). Moves the value out. Used by ASSIGN_OR_RAISE after the check.
  T MoveValueUnsafe() { return std::move(std::get<1>(v_)); }

 private:
  void EnsureOk() const {
    if (!ok()) std::get<0>(v_).Check();
  }

  std::variant<Status, T> v_;
};

namespace internal {
template <typename T>
Status ToStatus(const Result<T>& r) {
  return r.status();
}
template <typename T>
Status ToStatus(Result<T>&& r) {
  return std::move(r).status();
}
}  // namespace internal

}  // namespace weir

// `lhs` may be a declaration ("auto x"), so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define WEIR_ASSIGN_OR_RAISE_IMPL(result_name, lhs, rexpr) \
  auto&& result_name = (rexpr);                            \
  if (__builtin_expect(!(result_name).ok(), 0)) {          \
    return std::move(result_name).status();                \
  }                                                        \
  lhs = std::move(result_name).MoveValueUnsafe();
// NOLINTEND(bugprone-macro-parentheses)

// Evaluates `rexpr` (a Result<T>); on error returns it from the enclosing function,
// otherwise assigns the value to `lhs`, which may be a declaration:
//   ASSIGN_OR_RAISE(auto file, env->NewWritableFile(path));
#define ASSIGN_OR_RAISE(lhs, rexpr) \
  WEIR_ASSIGN_OR_RAISE_IMPL(WEIR_CONCAT(_weir_result_, __COUNTER__), lhs, rexpr)
