// Schema: the named, typed columns of a batch or a table.
//
// Names are matched case-insensitively, as Spark does by default
// (spark.sql.caseSensitive = false).
//
// Thread-safety: immutable after construction; shared via SchemaPtr.

#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/data_type.h"

namespace weir {

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  int num_fields() const { return static_cast<int>(fields_.size()); }
  const Field& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  const std::vector<Field>& fields() const { return fields_; }

  // The index of the field named `name` (case-insensitive). NotFound when there is
  // none; InvalidArgument when more than one field matches.
  Result<int> FieldIndex(std::string_view name) const;
  // The index of the first field named `name` (case-insensitive), if any.
  std::optional<int> FindField(std::string_view name) const;

  // The schema as a STRUCT type.
  DataType AsStruct() const { return DataType::Struct(fields_); }

  // "struct<a:int,b:string>".
  std::string ToString() const;
  // Spark's printSchema() tree:
  //   root
  //    |-- a: integer (nullable = true)
  std::string TreeString() const;

  bool operator==(const Schema& other) const { return fields_ == other.fields_; }

 private:
  std::vector<Field> fields_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

inline SchemaPtr MakeSchema(std::vector<Field> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

// 0, 1, ..., num_fields() - 1: every column of `schema`, in order (for scans and
// decoders that read them all).
std::vector<int> AllFieldIndices(const Schema& schema);

// ASCII case-insensitive equality, for SQL identifiers.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace weir
