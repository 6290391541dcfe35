// Registration of the built-in function families (internal to weir_functions).

#pragma once

namespace weir {

class FunctionRegistry;

void RegisterBuiltinFunctions(FunctionRegistry* registry);

// One per family; each lives in its family's .cc file.
void RegisterArithmeticFunctions(FunctionRegistry* registry);
void RegisterBitwiseFunctions(FunctionRegistry* registry);
void RegisterCollectionFunctions(FunctionRegistry* registry);
void RegisterComparisonFunctions(FunctionRegistry* registry);
void RegisterConditionalFunctions(FunctionRegistry* registry);
void RegisterDatetimeFunctions(FunctionRegistry* registry);
void RegisterHashFunctions(FunctionRegistry* registry);
void RegisterJsonFunctions(FunctionRegistry* registry);
void RegisterMathFunctions(FunctionRegistry* registry);
void RegisterPredicateFunctions(FunctionRegistry* registry);
void RegisterStringFunctions(FunctionRegistry* registry);
// window, session_window, window_time, __time_window, __session_window.
void RegisterTimeWindowFunctions(FunctionRegistry* registry);

}  // namespace weir
