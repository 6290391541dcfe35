// The interface between expressions and the function library: a scalar function
// already resolved for its argument types. The function library (weir_functions)
// implements it; the expression tree only calls it.
//
// Contract of Eval: `args` are the evaluated arguments (flat or constant) over the
// same batch; compute the result for every row of `rows` and return a Datum whose
// rows outside `rows` are unspecified (kernels built with result_builder.h make them
// NULL; a function that returns an argument unchanged leaves them as they were).
// When every argument is a constant, Eval is called with RowSet(1) and its result is
// used as a constant.
// Errors (ANSI mode, bad patterns) are returned as Status, never thrown.
//
// Thread-safety: Eval is const and may run concurrently on different batches.

#pragma once

#include <string>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/datum.h"
#include "weir/expr/eval_context.h"
#include "weir/expr/row_set.h"

namespace weir {

class ScalarFunction {
 public:
  ScalarFunction(std::string name, DataType result_type)
      : name_(std::move(name)), result_type_(std::move(result_type)) {}
  virtual ~ScalarFunction() = default;

  const std::string& name() const { return name_; }
  const DataType& result_type() const { return result_type_; }
  // False for rand(), uuid(), current_timestamp() ...: never constant-folded.
  virtual bool deterministic() const { return true; }
  // How the call prints in plans and column names, e.g. "(a + b)" for an operator,
  // "upper(a)" for a function. The default is name(args).
  virtual std::string Format(const std::vector<std::string>& args) const;

  virtual Result<Datum> Eval(EvalContext& ctx, const std::vector<Datum>& args,
                             const RowSet& rows) const = 0;

 private:
  std::string name_;
  DataType result_type_;
};

using ScalarFunctionPtr = std::shared_ptr<const ScalarFunction>;

}  // namespace weir
