// Registration of aggregate functions (internal to weir_functions).

#pragma once

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "weir/expr/expr.h"
#include "weir/functions/aggregate.h"

namespace weir {

struct AggregateInfo {
  std::string name;
  int min_args = 0;
  int max_args = -1;
  std::string usage;
  // Coerces `args` in place (inserting casts) and returns the function.
  std::function<Result<AggregateFunctionPtr>(std::vector<ExprPtr>* args)> resolve;
};

class AggregateRegistry {
 public:
  static const AggregateRegistry& Builtins();
  void Register(AggregateInfo info);
  void Alias(std::string_view alias, std::string_view name);
  const AggregateInfo* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, AggregateInfo> aggregates_;
};

// One per family, each in its family's .cc file.
void RegisterBasicAggregates(AggregateRegistry* registry);
void RegisterStatsAggregates(AggregateRegistry* registry);
void RegisterCollectAggregates(AggregateRegistry* registry);
void RegisterApproxAggregates(AggregateRegistry* registry);
void RegisterPercentileAggregates(AggregateRegistry* registry);
void RegisterBitwiseAggregates(AggregateRegistry* registry);

// min/max of a STRUCT or ARRAY argument (aggregates_collect.cc: max_by's ordering,
// the value stored once); min and max resolve through it for nested types.
Result<AggregateFunctionPtr> ResolveNestedMinMax(std::string name, bool max,
                                                 std::vector<ExprPtr>* args);

// An aggregate whose state is one pointer to a heap object T (collect_list's values,
// a DISTINCT set, a quantile digest), null until the first value arrives.
template <typename T>
class HeapStateAggregate : public AggregateFunction {
 public:
  using AggregateFunction::AggregateFunction;

  size_t state_size() const override { return sizeof(T*); }
  size_t state_align() const override { return alignof(T*); }
  bool needs_destroy() const override { return true; }
  void Init(uint8_t* s) const override { Set(s, nullptr); }
  void Destroy(uint8_t* s) const override {
    delete Get(s);
    Set(s, nullptr);
  }

 protected:
  // The object, or null for a state that has seen nothing.
  static T* Get(const uint8_t* s) {
    T* p;
    std::memcpy(&p, s, sizeof(p));
    return p;
  }
  static void Set(uint8_t* s, T* p) { std::memcpy(s, &p, sizeof(p)); }
};

// agg(DISTINCT ...): `inner` fed each distinct argument tuple once.
AggregateFunctionPtr MakeDistinctAggregate(AggregateFunctionPtr inner);

// Helpers for aggregate implementations.

// The value of a constant argument (relativeSD, percentage, accuracy), or an
// INVALID_SQL error naming `what` when the argument is not foldable.
inline Result<Value> ConstantArg(std::string_view name, const ExprPtr& arg, const char* what) {
  if (!arg->foldable()) {
    return Status::InvalidSql("[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] The " + std::string(what) +
                              " of `" + std::string(name) + "` must be a constant, not \"" +
                              arg->ToString() + "\".");
  }
  EvalOptions options;
  EvalContext ctx(options);
  ASSIGN_OR_RAISE(ExprPtr folded, FoldConstants(arg, ctx));
  if (folded->kind() != ExprKind::kLiteral) {
    return Status::InvalidSql("The " + std::string(what) + " of `" + std::string(name) +
                              "` must be a constant.");
  }
  return static_cast<const LiteralExpr&>(*folded).value();
}

// A numeric Value as a double (false if it is not a number or is NULL).
inline bool NumberOf(const Value& v, double* out) {
  if (v.is_null()) return false;
  switch (v.type().id()) {
    case TypeId::kInt32:
      *out = v.int32();
      return true;
    case TypeId::kInt64:
      *out = static_cast<double>(v.int64());
      return true;
    case TypeId::kDouble:
      *out = v.float64();
      return true;
    case TypeId::kDecimal:
      *out = static_cast<double>(v.decimal()) / std::pow(10.0, v.type().scale());
      return true;
    default:
      return false;
  }
}

// POD state bytes written and read verbatim.
template <typename State>
void SerializePod(const uint8_t* state, std::string* out) {
  out->append(reinterpret_cast<const char*>(state), sizeof(State));
}
template <typename State>
Status DeserializePod(std::string_view in, uint8_t* state, std::string_view name) {
  if (in.size() != sizeof(State)) {
    return Status::Corruption(std::string(name) + " state has " + std::to_string(in.size()) +
                              " bytes, expected " + std::to_string(sizeof(State)));
  }
  std::memcpy(state, in.data(), sizeof(State));
  return Status::OK();
}

}  // namespace weir
