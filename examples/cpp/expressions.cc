// Evaluating Spark SQL functions over a batch with weir's C++ API.
//
// Builds a small batch of bids, binds three expressions through the function
// registry (which applies Spark's implicit casts), evaluates them, and prints the
// result as Spark's show() would:
//
//   +---+-----+-------+-------------------+
//   | id| name|  price|               hour|
//   ...

#include <iostream>

#include "weir/expr/expr.h"
#include "weir/functions/registry.h"
#include "weir/types/builder.h"
#include "weir/types/render.h"

using namespace weir;

int main() {
  // 1. A batch: id BIGINT, name STRING, price BIGINT (cents), ts TIMESTAMP.
  SchemaPtr schema = MakeSchema({{"id", DataType::Int64(), false},
                                 {"name", DataType::String(), true},
                                 {"price", DataType::Int64(), false},
                                 {"ts", DataType::Timestamp(), false}});
  BatchBuilder rows(schema);
  rows.AppendRow({Value::Int64(1), Value::String("alice"), Value::Int64(100),
                  Value::Timestamp(TimestampFromCivilUtc(2024, 7, 1, 10, 15, 0))})
      .Check();
  rows.AppendRow({Value::Int64(2), Value::Null(DataType::String()), Value::Int64(2500),
                  Value::Timestamp(TimestampFromCivilUtc(2024, 7, 1, 11, 59, 59))})
      .Check();
  Batch batch = rows.Finish().ValueOrDie();

  // 2. Bind expressions: upper(name), 0.908 * price, date_trunc('HOUR', ts).
  const FunctionRegistry& fns = FunctionRegistry::Builtins();
  auto col = [&](int i) { return ColumnRef(*schema, i); };
  std::vector<std::pair<std::string, Result<ExprPtr>>> exprs;
  exprs.emplace_back("id", col(0));
  exprs.emplace_back("name", fns.Resolve("upper", {col(1)}));
  exprs.emplace_back(
      "price", fns.Resolve("*", {Literal(Value::Decimal(908, 3, 3)), col(2)}));  // DECIMAL(24,3)
  exprs.emplace_back("hour", fns.Resolve("date_trunc", {Literal(Value::String("HOUR")), col(3)}));

  // 3. Evaluate each over the batch and assemble the result.
  EvalOptions options;  // UTC, non-ANSI: Spark's defaults
  EvalContext ctx(options);
  std::vector<Field> fields;
  std::vector<ColumnPtr> columns;
  for (auto& [name, expr] : exprs) {
    if (!expr.ok()) {
      std::cerr << "bind " << name << ": " << expr.status() << "\n";
      return 1;
    }
    Result<ColumnPtr> c = EvaluateColumn(**expr, ctx, batch);
    if (!c.ok()) {
      std::cerr << "eval " << name << ": " << c.status() << "\n";
      return 1;
    }
    fields.push_back({name, (*expr)->type(), true});
    columns.push_back(*c);
  }
  Batch out = Batch::Make(MakeSchema(fields), columns).ValueOrDie();
  std::cout << out.schema()->TreeString() << ShowString(out);
  return 0;
}
