// stddev, stddev_samp, std, stddev_pop, variance, var_samp, var_pop.
//
// Spark 3.5's CentralMomentAgg (CentralMomentAgg.scala): the argument is cast to
// DOUBLE; the state is (n, avg, m2) as DOUBLEs, updated with Welford's formulas
//   n' = n + 1, delta = x - avg, deltaN = delta / n', avg' = avg + deltaN,
//   m2' = m2 + delta * (delta - deltaN)
// and merged with the parallel formulas (Chan et al.)
//   n = n1 + n2, delta = avg2 - avg1, deltaN = (n == 0 ? 0 : delta / n),
//   avg = avg1 + deltaN * n2, m2 = m2_1 + m2_2 + delta * deltaN * n1 * n2,
// in exactly that operation order, so results agree with Spark to the last bit.
// Results are DOUBLE: NULL for no (non-NULL) rows; the sample forms of one row are
// NULL because spark.sql.legacy.statisticalAggregate defaults to false
// (divideByZeroEvalResult); a NaN input makes the result NaN.

#include <cmath>

#include "weir/expr/cast.h"
#include "weir/functions/aggregate_registry.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

struct MomentState {
  double n;
  double avg;
  double m2;
};

enum class MomentKind : uint8_t { kVarPop, kVarSamp, kStddevPop, kStddevSamp };

class CentralMomentAggregate final : public AggregateFunction {
 public:
  CentralMomentAggregate(std::string name, MomentKind kind)
      : AggregateFunction(std::move(name), {DataType::Double()}, DataType::Double()), kind_(kind) {}

  size_t state_size() const override { return sizeof(MomentState); }
  size_t state_align() const override { return alignof(MomentState); }
  void Init(uint8_t* s) const override { *reinterpret_cast<MomentState*>(s) = MomentState{}; }

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
    rows.ForEach([&](int64_t i) {
      if (!a.IsNull(i)) Add(reinterpret_cast<MomentState*>(states[i]), a.Get<double>(i));
    });
    return Status::OK();
  }
  Status UpdateAll(EvalContext&, uint8_t* state, const std::vector<Datum>& args,
                   const RowSet& rows) const override {
    auto* st = reinterpret_cast<MomentState*>(state);
    const Datum& a = args[0];
    MomentState local = *st;  // in a register for the loop
    rows.ForEach([&](int64_t i) {
      if (!a.IsNull(i)) Add(&local, a.Get<double>(i));
    });
    *st = local;
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    auto* left = reinterpret_cast<MomentState*>(s);
    const auto* right = reinterpret_cast<const MomentState*>(o);
    const double n1 = left->n, n2 = right->n;
    const double n = n1 + n2;
    const double delta = right->avg - left->avg;
    const double delta_n = n == 0.0 ? 0.0 : delta / n;
    left->avg = left->avg + delta_n * n2;
    left->m2 = left->m2 + right->m2 + delta * delta_n * n1 * n2;
    left->n = n;
    return Status::OK();
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    auto* b = static_cast<DoubleBuilder*>(out);
    for (int64_t k = 0; k < n; ++k) {
      const auto* st = reinterpret_cast<const MomentState*>(states[k]);
      const bool sample = kind_ == MomentKind::kVarSamp || kind_ == MomentKind::kStddevSamp;
      if (st->n == 0.0 || (sample && st->n == 1.0)) {
        out->AppendNull();
        continue;
      }
      double v = st->m2 / (sample ? st->n - 1.0 : st->n);
      if (kind_ == MomentKind::kStddevPop || kind_ == MomentKind::kStddevSamp) v = std::sqrt(v);
      b->Append(v);
    }
    return Status::OK();
  }
  void Serialize(const uint8_t* s, std::string* out) const override {
    SerializePod<MomentState>(s, out);
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    RETURN_NOT_OK(DeserializePod<MomentState>(in, s, name()));
    const auto* st = reinterpret_cast<const MomentState*>(s);
    // n counts rows: a non-negative whole number (below 2^53, so exact).
    if (!(st->n >= 0.0 && st->n <= 9007199254740992.0) || std::floor(st->n) != st->n) {
      Init(s);
      return Status::Corruption(name() + " state has an invalid row count");
    }
    return Status::OK();
  }

 private:
  static void Add(MomentState* st, double x) {
    const double n = st->n + 1.0;
    const double delta = x - st->avg;
    const double delta_n = delta / n;
    st->avg = st->avg + delta_n;
    st->m2 = st->m2 + delta * (delta - delta_n);
    st->n = n;
  }

  MomentKind kind_;
};

Result<AggregateFunctionPtr> ResolveMoment(std::string name, MomentKind kind,
                                           std::vector<ExprPtr>* args) {
  ExprPtr& a = (*args)[0];
  const DataType& t = a->type();
  // Spark's ImplicitCastInputTypes(DoubleType): numbers and (non-ANSI) strings cast.
  if (!t.is_numeric() && t.id() != TypeId::kString && !t.is_null()) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, *args),
                            "Parameter 1 requires the \"DOUBLE\" type, however \"" + a->ToString() +
                                "\" has the type " + QuoteType(t) + ".");
  }
  if (t.id() != TypeId::kDouble) {
    ASSIGN_OR_RAISE(a, Cast(a, DataType::Double()));
  }
  return AggregateFunctionPtr(std::make_shared<CentralMomentAggregate>(std::move(name), kind));
}

void RegisterMoment(AggregateRegistry* r, const char* name, MomentKind kind, const char* usage) {
  std::string n(name);
  r->Register({n, 1, 1, usage,
               [n, kind](std::vector<ExprPtr>* args) { return ResolveMoment(n, kind, args); }});
}

}  // namespace

void RegisterStatsAggregates(AggregateRegistry* r) {
  RegisterMoment(r, "stddev_samp", MomentKind::kStddevSamp,
                 "stddev_samp(expr) - Returns the sample standard deviation calculated from "
                 "values of a group.");
  RegisterMoment(r, "stddev", MomentKind::kStddevSamp,
                 "stddev(expr) - Returns the sample standard deviation calculated from values of "
                 "a group.");
  RegisterMoment(r, "std", MomentKind::kStddevSamp,
                 "std(expr) - Returns the sample standard deviation calculated from values of a "
                 "group.");
  RegisterMoment(r, "stddev_pop", MomentKind::kStddevPop,
                 "stddev_pop(expr) - Returns the population standard deviation calculated from "
                 "values of a group.");
  RegisterMoment(r, "var_samp", MomentKind::kVarSamp,
                 "var_samp(expr) - Returns the sample variance calculated from values of a group.");
  RegisterMoment(r, "variance", MomentKind::kVarSamp,
                 "variance(expr) - Returns the sample variance calculated from values of a group.");
  RegisterMoment(r, "var_pop", MomentKind::kVarPop,
                 "var_pop(expr) - Returns the population variance calculated from values of a "
                 "group.");
}

}  // namespace weir
