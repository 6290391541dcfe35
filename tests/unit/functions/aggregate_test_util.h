// Runs an aggregate function through every path the engine uses — one global
// state, partial states merged, and partial states through their binary form — and
// checks the paths agree. Shared by the aggregate tests.

#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "weir/functions/aggregate.h"
#include "weir/types/builder.h"

namespace weir::testing {

// Owns aligned state memory for one aggregate.
class States {
 public:
  States(const AggregateFunction& fn, int n) : fn_(fn), n_(n) {
    stride_ = (fn.state_size() + 63) / 64 * 64;
    mem_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, stride_ * static_cast<size_t>(n))));
    for (int k = 0; k < n; ++k) fn.Init(at(k));
  }
  ~States() {
    if (fn_.needs_destroy()) {
      for (int k = 0; k < n_; ++k) fn_.Destroy(at(k));
    }
  }
  uint8_t* at(int k) { return mem_.get() + stride_ * static_cast<size_t>(k); }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  const AggregateFunction& fn_;
  int n_;
  size_t stride_;
  std::unique_ptr<uint8_t, Free> mem_;
};

struct Input {
  DataType type;
  std::vector<Value> values;
};

struct Check {
  // The result depends on the order rows arrive in (ties of max_by): only the
  // global result is returned, the partial paths are not compared.
  bool order_sensitive = false;
  // Arrays are compared as multisets across the three paths (collect_*).
  bool unordered = false;
  // DOUBLE results of the partial paths may differ from the global one by this
  // relative amount (Spark's merge formulas round differently from its updates).
  double tolerance = 0.0;
};

Value Sorted(const Value& v) {
  if (v.is_null() || v.type().id() != TypeId::kArray) return v;
  std::vector<Value> e = v.elements();
  std::sort(e.begin(), e.end(),
            [](const Value& a, const Value& b) { return a.ToString() < b.ToString(); });
  return Value::Array(v.type().element_type(), std::move(e));
}

bool Agree(const Value& a, const Value& b, const Check& check) {
  if (check.unordered) return Sorted(a) == Sorted(b);
  if (a == b) return true;
  if (check.tolerance > 0 && !a.is_null() && !b.is_null() && a.type().id() == TypeId::kDouble) {
    double x = a.float64(), y = b.float64();
    return x == y || std::fabs(x - y) <= check.tolerance * std::max(std::fabs(x), std::fabs(y));
  }
  return a == b;
}

// Runs name(columns..., constants...) three ways — one global state; rows split in
// two partial states (even and odd rows) merged afterwards; and the partial states
// passed through Serialize/Deserialize — and checks all three agree. The resolved
// call's argument expressions (implicit casts included) are evaluated over a batch
// of the input columns. Returns the global result.
Result<Value> Aggregate(std::string_view name, const std::vector<Input>& inputs,
                        std::vector<ExprPtr> constants = {}, const Check& check = {},
                        const EvalOptions& options = {}, bool distinct = false) {
  std::vector<ExprPtr> refs;
  std::vector<ColumnPtr> columns;
  std::vector<Field> fields;
  int64_t rows = inputs.empty() ? 3 : static_cast<int64_t>(inputs[0].values.size());
  for (size_t k = 0; k < inputs.size(); ++k) {
    auto b = MakeBuilder(inputs[k].type);
    for (const Value& v : inputs[k].values) RETURN_NOT_OK(b->AppendValue(v));
    columns.push_back(b->Finish());
    std::string col = "c" + std::to_string(k);
    fields.push_back({col, inputs[k].type, true});
    refs.push_back(ColumnRef(static_cast<int>(k), col, inputs[k].type));
  }
  for (ExprPtr& c : constants) refs.push_back(std::move(c));
  ASSIGN_OR_RAISE(AggregateCall call, ResolveAggregate(name, refs, distinct));
  const AggregateFunction& fn = *call.function;
  ASSIGN_OR_RAISE(Batch batch, Batch::Make(MakeSchema(fields), columns));
  EvalContext ctx(options);
  std::vector<Datum> args;
  for (const ExprPtr& e : call.args) {
    ASSIGN_OR_RAISE(Datum d, e->Eval(ctx, batch, RowSet(rows)));
    args.push_back(std::move(d));
  }
  auto finalize = [&](uint8_t* state) -> Result<Value> {
    auto out = MakeBuilder(fn.result_type());
    const uint8_t* one[1] = {state};
    RETURN_NOT_OK(fn.Finalize(ctx, one, 1, out.get()));
    ColumnPtr col = out->Finish();
    if (col->length() != 1) return Status::Internal("Finalize appended the wrong count");
    return GetValue(*col, 0);
  };
  // 1. Global.
  States global(fn, 1);
  RETURN_NOT_OK(fn.UpdateAll(ctx, global.at(0), args, RowSet(rows)));
  ASSIGN_OR_RAISE(Value whole, finalize(global.at(0)));
  // 2. Even rows into state 0, odd rows into state 1 (grouped Update), merged into 2.
  States parts(fn, 3);
  std::vector<uint8_t*> per_row;
  for (int64_t i = 0; i < rows; ++i) per_row.push_back(parts.at(static_cast<int>(i % 2)));
  RETURN_NOT_OK(fn.Update(ctx, per_row.data(), args, RowSet(rows)));
  // 3. Through the binary form (before the merge below consumes nothing, but
  //    serializing may compress a summary in place, as Spark's does).
  States copies(fn, 2);
  for (int k = 0; k < 2; ++k) {
    std::string bytes;
    fn.Serialize(parts.at(k), &bytes);
    RETURN_NOT_OK(fn.Deserialize(bytes, copies.at(k)));
  }
  RETURN_NOT_OK(fn.Merge(ctx, parts.at(2), parts.at(0)));
  RETURN_NOT_OK(fn.Merge(ctx, parts.at(2), parts.at(1)));
  ASSIGN_OR_RAISE(Value merged, finalize(parts.at(2)));
  RETURN_NOT_OK(fn.Merge(ctx, copies.at(0), copies.at(1)));
  ASSIGN_OR_RAISE(Value restored, finalize(copies.at(0)));
  if (!check.order_sensitive && (!Agree(whole, merged, check) || !Agree(whole, restored, check))) {
    return Status::Internal("partial results differ: " + whole.ToString() + " / " +
                            merged.ToString() + " / " + restored.ToString());
  }
  if (!whole.is_null() && whole.type().id() != fn.result_type().id()) {
    return Status::Internal("result type " + whole.type().ToString() +
                            " != " + fn.result_type().ToString());
  }
  return whole;
}

}  // namespace weir::testing
