// Batch: the unit operators pass to each other. A columnar chunk of rows (about
// 1-4K): one Column per schema field, all of the same physical length, and an
// optional SelectionVector naming the rows that are logically present.
//
// num_rows() is the logical row count. Row r of the batch is physical row
// RowIndex(r) of every column.
//
// Thread-safety: immutable; cheap to copy (columns and selection are shared).

#pragma once

#include <cstdint>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/column.h"
#include "weir/types/schema.h"
#include "weir/types/selection_vector.h"

namespace weir {

// Rows per batch that sources and operators aim for.
inline constexpr int64_t kDefaultBatchRows = 4096;

class Batch {
 public:
  // An empty batch with an empty schema.
  Batch();
  // Validates that the columns match the schema's types and share one length, and
  // that the selection (if any) indexes within it.
  static Result<Batch> Make(SchemaPtr schema, std::vector<ColumnPtr> columns,
                            SelectionPtr selection = nullptr);
  // A batch of `schema` with no rows.
  static Batch MakeEmpty(SchemaPtr schema);
  // A batch with no columns and `rows` rows (what a scan feeding count(*) yields).
  static Batch MakeRowsOnly(int64_t rows);

  const SchemaPtr& schema() const { return schema_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ColumnPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  const std::vector<ColumnPtr>& columns() const { return columns_; }

  // Logical rows (the selection's size when there is one).
  int64_t num_rows() const { return selection_ ? selection_->size() : physical_rows_; }
  // The length of every column.
  int64_t physical_rows() const { return physical_rows_; }
  const SelectionPtr& selection() const { return selection_; }
  int64_t RowIndex(int64_t r) const { return selection_ ? (*selection_)[r] : r; }

  // This batch with `selection` applied on top of any existing one; `selection`
  // indexes logical rows of this batch.
  Batch Select(const SelectionVector& selection) const;
  // This batch with dense columns and no selection vector.
  Batch Compact() const;

  int64_t MemoryUsage() const;

 private:
  SchemaPtr schema_;
  std::vector<ColumnPtr> columns_;
  int64_t physical_rows_ = 0;
  SelectionPtr selection_;
};

}  // namespace weir
