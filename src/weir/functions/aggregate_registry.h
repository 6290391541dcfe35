// Registration of aggregate functions (internal to weir_functions).

#pragma once

#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

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

// agg(DISTINCT ...): `inner` fed each distinct argument tuple once.
AggregateFunctionPtr MakeDistinctAggregate(AggregateFunctionPtr inner);

// Helpers for aggregate implementations.

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
