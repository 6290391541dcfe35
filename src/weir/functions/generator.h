// Generators: functions that turn one input row into zero or more output rows —
// explode, explode_outer, posexplode, posexplode_outer and json_tuple (Spark's
// Generator expressions). A scalar function cannot express them, so they have their
// own interface; the Generate operator of the SQL layer (LATERAL VIEW, or a generator
// in the SELECT list) calls it.
//
// Contract of Generate: `args` are the evaluated arguments over one batch (flat or
// constant, see datum.h). For every row of `rows`, in order, the generator appends
// its output rows; GeneratorOutput::input_rows[k] is the physical input row output
// row k came from, ascending, so the operator repeats the other columns with
// Column::Take(input_rows). Output columns are dense (no selection).
//
// Thread-safety: Generate is const and may run concurrently on different batches.

#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/datum.h"
#include "weir/expr/eval_context.h"
#include "weir/expr/expr.h"
#include "weir/expr/row_set.h"

namespace weir {

struct GeneratorOutput {
  // One column per output field, all of length input_rows.size().
  std::vector<ColumnPtr> columns;
  // For each output row, the physical row of the input batch it was generated from.
  std::vector<uint32_t> input_rows;
};

class Generator {
 public:
  Generator(std::string name, std::vector<Field> output_fields)
      : name_(std::move(name)), output_fields_(std::move(output_fields)) {}
  virtual ~Generator() = default;

  const std::string& name() const { return name_; }
  // The generated columns as Spark names them: explode of an array gives `col`, of a
  // map `key`, `value`; posexplode adds `pos` (INT) first; json_tuple gives c0, c1...
  const std::vector<Field>& output_fields() const { return output_fields_; }

  virtual Result<GeneratorOutput> Generate(EvalContext& ctx, const std::vector<Datum>& args,
                                           const RowSet& rows) const = 0;

 private:
  std::string name_;
  std::vector<Field> output_fields_;
};

using GeneratorPtr = std::shared_ptr<const Generator>;

// True when `name` (case-insensitive) is a generator.
bool IsGenerator(std::string_view name);

// Resolves a generator call over bound arguments. May replace `args` by casts of
// themselves (coercion). Errors as FunctionRegistry::Resolve reports them: an unknown
// name, a wrong argument count, an argument type the generator does not take.
Result<GeneratorPtr> ResolveGenerator(std::string_view name, std::vector<ExprPtr>& args);

}  // namespace weir
