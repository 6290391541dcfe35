#include "weir/functions/builtins.h"

#include "weir/functions/registry.h"

namespace weir {

void RegisterBuiltinFunctions(FunctionRegistry* registry) {
  RegisterArithmeticFunctions(registry);
  RegisterCollectionFunctions(registry);
  RegisterComparisonFunctions(registry);
  RegisterConditionalFunctions(registry);
  RegisterDatetimeFunctions(registry);
  RegisterHashFunctions(registry);
  RegisterJsonFunctions(registry);
  RegisterMathFunctions(registry);
  RegisterPredicateFunctions(registry);
  RegisterStringFunctions(registry);
  RegisterBitwiseFunctions(registry);
  RegisterTimeWindowFunctions(registry);
}

}  // namespace weir
