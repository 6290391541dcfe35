#include "weir/types/batch.h"

namespace weir {

namespace {

// Every empty batch shares one schema: operators create empty batches per call, and
// a Schema is immutable once made.
const SchemaPtr& EmptySchema() {
  static const SchemaPtr* const schema = new SchemaPtr(std::make_shared<const Schema>());
  return *schema;
}

}  // namespace

Batch::Batch() : schema_(EmptySchema()) {}

Result<Batch> Batch::Make(SchemaPtr schema, std::vector<ColumnPtr> columns,
                          SelectionPtr selection) {
  if (schema == nullptr) return Status::InvalidArgument("batch without a schema");
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    return Status::InvalidArgument("batch has " + std::to_string(columns.size()) +
                                   " columns but its schema has " +
                                   std::to_string(schema->num_fields()) + " fields");
  }
  int64_t rows = columns.empty() ? 0 : columns[0]->length();
  for (size_t i = 0; i < columns.size(); ++i) {
    const Field& f = schema->field(static_cast<int>(i));
    if (columns[i]->type() != f.type) {
      return Status::InvalidArgument("column '" + f.name + "' has type " +
                                     columns[i]->type().ToString() + " but the schema says " +
                                     f.type.ToString());
    }
    if (columns[i]->length() != rows) {
      return Status::InvalidArgument("column '" + f.name + "' has " +
                                     std::to_string(columns[i]->length()) + " rows, expected " +
                                     std::to_string(rows));
    }
  }
  if (selection) {
    for (uint32_t idx : selection->indices()) {
      if (static_cast<int64_t>(idx) >= rows) {
        return Status::InvalidArgument("selection index " + std::to_string(idx) +
                                       " is outside a batch of " + std::to_string(rows) + " rows");
      }
    }
  }
  Batch b;
  b.schema_ = std::move(schema);
  b.columns_ = std::move(columns);
  b.physical_rows_ = rows;
  b.selection_ = std::move(selection);
  return b;
}

Batch Batch::MakeEmpty(SchemaPtr schema) {
  Batch b;
  b.schema_ = std::move(schema);
  for (const Field& f : b.schema_->fields()) b.columns_.push_back(Column::MakeAllNull(f.type, 0));
  return b;
}

Batch Batch::MakeRowsOnly(int64_t rows) {
  Batch b;
  b.physical_rows_ = rows;
  return b;
}

Batch Batch::Select(const SelectionVector& selection) const {
  std::vector<uint32_t> physical(selection.indices().size());
  for (size_t i = 0; i < physical.size(); ++i) {
    WEIR_DCHECK_LT(static_cast<int64_t>(selection.indices()[i]), num_rows());
    physical[i] = static_cast<uint32_t>(RowIndex(selection.indices()[i]));
  }
  Batch b = *this;
  b.selection_ = std::make_shared<const SelectionVector>(std::move(physical));
  return b;
}

Batch Batch::Compact() const {
  if (!selection_) return *this;
  Batch b;
  b.schema_ = schema_;
  b.physical_rows_ = selection_->size();
  b.columns_.reserve(columns_.size());
  for (const ColumnPtr& c : columns_)
    b.columns_.push_back(c->Take(selection_->data(), selection_->size()));
  return b;
}

int64_t Batch::MemoryUsage() const {
  int64_t bytes = 0;
  for (const ColumnPtr& c : columns_) bytes += c->MemoryUsage();
  if (selection_) bytes += selection_->size() * static_cast<int64_t>(sizeof(uint32_t));
  return bytes;
}

}  // namespace weir
