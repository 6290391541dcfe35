#include "weir/expr/datum.h"

#include <vector>

#include "weir/types/builder.h"

namespace weir {

Datum Datum::Constant(ColumnPtr column) {
  WEIR_CHECK_EQ(column->length(), 1);
  return Datum(std::move(column), true);
}

Datum Datum::Constant(const Value& value) {
  auto builder = MakeBuilder(value.type());
  builder->AppendValue(value).Check();
  return Constant(builder->Finish());
}

Datum Datum::Null(const DataType& type) { return Constant(Column::MakeAllNull(type, 1)); }

ColumnPtr Datum::Materialize(int64_t physical_rows) const {
  if (!is_constant()) return column_;
  std::vector<uint32_t> zeros(static_cast<size_t>(physical_rows), 0);
  return column_->Take(zeros.data(), physical_rows);
}

}  // namespace weir
