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

// Called for a valid row where a partial function has no value. Return OK to make
// the row NULL, or an error to stop the evaluation.
using FailureHandler = std::function<Status(int64_t row)>;

// Like MapBinary for a partial op: `bool op(A, B, R* out)` returns false when the
// row has no value.
template <typename A, typename B, typename R, typename Op>
Result<Datum> MapBinaryPartial(const DataType& type, const Datum& a, const Datum& b,
                               const RowSet& rows, Op op, const FailureHandler& on_failure) {
  FixedResult<R> out(type, rows);
  const Datum args[2] = {a, b};
  out.validity().InitFromArgs(args, 2, rows);
  R* o = out.values();
  const A* av = ValuesOf<A>(a);
  const B* bv = ValuesOf<B>(b);
  const int64_t ma = MaskOf(a), mb = MaskOf(b);
  bool any_failed = false;
  rows.ForEach([&](int64_t i) { any_failed |= !op(av[i & ma], bv[i & mb], &o[i]); });
  if (any_failed) {
    // Rare: find the failing rows that are valid (values at NULL rows are garbage).
    Status st;
    rows.ForEach([&](int64_t i) {
      if (!st.ok() || !out.validity().IsValid(i)) return;
      R ignored;
      if (op(av[i & ma], bv[i & mb], &ignored)) return;
      st = on_failure(i);
      if (st.ok()) out.SetNull(i);
    });
    RETURN_NOT_OK(st);
  }
  return out.Finish();
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
