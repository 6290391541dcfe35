// Schema inference for JSON lines, as Spark 3.5's JsonInferSchema.scala does it.
//
// Per record: integers are BIGINT (DECIMAL(digits, 0) beyond BIGINT), other numbers
// DOUBLE (with prefersDecimal, a DECIMAL when one holds the number), strings STRING
// (the empty string counts as NULL), true/false BOOLEAN, objects STRUCT with fields
// sorted by name, arrays ARRAY of their elements' merged type; primitivesAsString
// makes every primitive STRING. Records merge by JsonInferSchema.compatibleType:
// BIGINT and DOUBLE give DOUBLE, DECIMALs widen (DOUBLE past 38 digits), structs
// merge field by field, arrays by element, anything else STRING. A field only ever
// NULL is STRING (dropped with dropFieldIfAllNull), empty structs are dropped.
// Top-level arrays of objects contribute their objects. A malformed record adds the
// corrupt-record column (PERMISSIVE), is skipped (DROPMALFORMED) or fails inference
// (FAILFAST).
//
// Thread-safety: an inferrer is used by one thread at a time.

#pragma once

#include <memory>
#include <string_view>

#include "weir/formats/options.h"
#include "weir/types/schema.h"

namespace weir::formats {

class JsonSchemaInferrer {
 public:
  explicit JsonSchemaInferrer(const JsonReadOptions& options);
  ~JsonSchemaInferrer();

  // Adds the records of `buffer` (JSON lines). With samplingRatio < 1 only that share
  // of records is looked at (every record whose running share crosses an integer).
  Status Add(std::string_view buffer, std::string_view file = "");
  // The schema inferred so far (empty when there were no objects).
  SchemaPtr Finish() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

Result<SchemaPtr> InferJsonSchema(std::string_view buffer, const JsonReadOptions& options);

}  // namespace weir::formats
