// Building blocks for vectorized kernels (internal to weir_functions).
//
// Each Map* helper computes a NULL-in/NULL-out function over a RowSet with one
// tight loop: the result is valid where every argument is valid (computed word by
// word), values are computed for every row of the set (values at NULL rows are
// discarded), and the all-flat, all-rows case is a plain indexed loop the compiler
// can vectorize. Partial functions (division by zero, overflow in ANSI mode) report
// failing rows through a callback that either turns the row NULL or returns an
// error.
//
// Thread-safety: free functions.

#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "weir/expr/datum.h"
#include "weir/expr/function.h"
#include "weir/expr/result_builder.h"
#include "weir/expr/row_set.h"

namespace weir::kernels {

// A physical value of type T read from a datum's values buffer.
template <typename T>
const T* ValuesOf(const Datum& d) {
  return d.col().values<T>();
}

inline int64_t MaskOf(const Datum& d) { return d.is_constant() ? 0 : ~int64_t{0}; }

// out = op(a) for every row.
template <typename A, typename R, typename Op>
Datum MapUnary(const DataType& type, const Datum& a, const RowSet& rows, Op op) {
  FixedResult<R> out(type, rows);
  out.validity().InitFromArgs(&a, 1, rows);
  R* o = out.values();
  const A* av = ValuesOf<A>(a);
  if (!a.is_constant() && rows.is_all()) {
    const int64_t n = rows.size();
    for (int64_t i = 0; i < n; ++i) o[i] = op(av[i]);
  } else {
    const int64_t ma = MaskOf(a);
    rows.ForEach([&](int64_t i) { o[i] = op(av[i & ma]); });
  }
  return out.Finish();
}

// out = op(a, b) for every row.
template <typename A, typename B, typename R, typename Op>
Datum MapBinary(const DataType& type, const Datum& a, const Datum& b, const RowSet& rows, Op op) {
  FixedResult<R> out(type, rows);
  const Datum args[2] = {a, b};
  out.validity().InitFromArgs(args, 2, rows);
  R* o = out.values();
  const A* av = ValuesOf<A>(a);
  const B* bv = ValuesOf<B>(b);
  if (!a.is_constant() && !b.is_constant() && rows.is_all()) {
    const int64_t n = rows.size();
    for (int64_t i = 0; i < n; ++i) o[i] = op(av[i], bv[i]);
  } else if (!a.is_constant() && b.is_constant() && rows.is_all()) {
    const int64_t n = rows.size();
    const B c = bv[0];
    for (int64_t i = 0; i < n; ++i) o[i] = op(av[i], c);
  } else {
    const int64_t ma = MaskOf(a), mb = MaskOf(b);
    rows.ForEach([&](int64_t i) { o[i] = op(av[i & ma], bv[i & mb]); });
  }
  return out.Finish();
}

// out = op(a, b) where `uint8_t op(A, B, R* out)` returns 0 for success or a
// nonzero failure code of the caller's choosing. Values are
// computed for every row of the set (flat columns over all rows run as a plain loop);
// for a valid row that fails, `on_fail(a, b, code)` returns OK to make the row NULL or
// the error that stops the evaluation. The failing rows are located only when some
// row failed.
template <typename A, typename B, typename R, typename Op, typename OnFail>
Result<Datum> MapBinaryFallible(const DataType& type, const Datum& a, const Datum& b,
                                const RowSet& rows, Op op, OnFail on_fail) {
  FixedResult<R> out(type, rows);
  const Datum args[2] = {a, b};
  out.validity().InitFromArgs(args, 2, rows);
  R* o = out.values();
  const A* av = ValuesOf<A>(a);
  const B* bv = ValuesOf<B>(b);
  const int64_t ma = MaskOf(a), mb = MaskOf(b);
  uint8_t failed = 0;
  const int64_t n = rows.size();
  if (rows.is_all() && !a.is_constant() && !b.is_constant()) {
    for (int64_t i = 0; i < n; ++i) failed |= op(av[i], bv[i], &o[i]);
  } else if (rows.is_all() && !a.is_constant()) {
    const B c = bv[0];
    for (int64_t i = 0; i < n; ++i) failed |= op(av[i], c, &o[i]);
  } else if (rows.is_all() && !b.is_constant()) {
    const A c = av[0];
    for (int64_t i = 0; i < n; ++i) failed |= op(c, bv[i], &o[i]);
  } else {
    rows.ForEach([&](int64_t i) { failed |= op(av[i & ma], bv[i & mb], &o[i]); });
  }
  if (failed != 0) {
    // Rare: values at NULL rows are arbitrary and may "fail"; only valid rows count.
    Status st;
    rows.ForEach([&](int64_t i) {
      if (!st.ok() || !out.validity().IsValid(i)) return;
      R ignored;
      const uint8_t code = op(av[i & ma], bv[i & mb], &ignored);
      if (code == 0) return;
      st = on_fail(av[i & ma], bv[i & mb], code);
      if (st.ok()) out.SetNull(i);
    });
    RETURN_NOT_OK(st);
  }
  return out.Finish();
}

// The unary form of MapBinaryFallible: `uint8_t op(A, R* out)`, `on_fail(a, code)`.
template <typename A, typename R, typename Op, typename OnFail>
Result<Datum> MapUnaryFallible(const DataType& type, const Datum& a, const RowSet& rows, Op op,
                               OnFail on_fail) {
  FixedResult<R> out(type, rows);
  out.validity().InitFromArgs(&a, 1, rows);
  R* o = out.values();
  const A* av = ValuesOf<A>(a);
  const int64_t ma = MaskOf(a);
  uint8_t failed = 0;
  if (rows.is_all() && !a.is_constant()) {
    const int64_t n = rows.size();
    for (int64_t i = 0; i < n; ++i) failed |= op(av[i], &o[i]);
  } else {
    rows.ForEach([&](int64_t i) { failed |= op(av[i & ma], &o[i]); });
  }
  if (failed != 0) {
    Status st;
    rows.ForEach([&](int64_t i) {
      if (!st.ok() || !out.validity().IsValid(i)) return;
      R ignored;
      const uint8_t code = op(av[i & ma], &ignored);
      if (code == 0) return;
      st = on_fail(av[i & ma], code);
      if (st.ok()) out.SetNull(i);
    });
    RETURN_NOT_OK(st);
  }
  return out.Finish();
}

// MapBinaryFallible for an op that only says whether it produced a value:
// `bool op(A, B, R* out)`; `on_failure()` returns OK to make a failing row NULL or
// the error that stops the evaluation.
template <typename A, typename B, typename R, typename Op, typename OnFailure>
Result<Datum> MapBinaryPartial(const DataType& type, const Datum& a, const Datum& b,
                               const RowSet& rows, Op op, OnFailure on_failure) {
  return MapBinaryFallible<A, B, R>(
      type, a, b, rows,
      [&op](const A& x, const B& y, R* o) -> uint8_t { return op(x, y, o) ? 0 : 1; },
      [&on_failure](const A&, const B&, uint8_t) { return on_failure(); });
}

// A ScalarFunction whose Eval is a lambda, for functions without per-call state.
class LambdaFunction final : public ScalarFunction {
 public:
  using Fn = std::function<Result<Datum>(EvalContext&, const std::vector<Datum>&, const RowSet&)>;
  LambdaFunction(std::string name, DataType result_type, Fn fn, bool deterministic = true)
      : ScalarFunction(std::move(name), std::move(result_type)),
        fn_(std::move(fn)),
        deterministic_(deterministic) {}

  bool deterministic() const override { return deterministic_; }
  Result<Datum> Eval(EvalContext& ctx, const std::vector<Datum>& args,
                     const RowSet& rows) const override {
    return fn_(ctx, args, rows);
  }

 private:
  Fn fn_;
  bool deterministic_;
};

// A function printed as an infix operator: "(a + b)".
class InfixFunction final : public ScalarFunction {
 public:
  using Fn = LambdaFunction::Fn;
  InfixFunction(std::string symbol, DataType result_type, Fn fn)
      : ScalarFunction(std::move(symbol), std::move(result_type)), fn_(std::move(fn)) {}

  std::string Format(const std::vector<std::string>& args) const override {
    if (args.size() == 1) return "(" + name() + " " + args[0] + ")";
    return "(" + args[0] + " " + name() + " " + args[1] + ")";
  }
  Result<Datum> Eval(EvalContext& ctx, const std::vector<Datum>& args,
                     const RowSet& rows) const override {
    return fn_(ctx, args, rows);
  }

 private:
  Fn fn_;
};

}  // namespace weir::kernels
