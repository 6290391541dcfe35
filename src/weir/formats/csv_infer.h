// Schema inference for CSV, as Spark 3.5's CSVInferSchema.scala does it.
//
// Column names come from the header (CsvColumnNames) or are _c0, _c1, ... for as
// many fields as the first record has. Without inferSchema every column is STRING.
// With it each column's type is folded over its values, skipping NULLs (empty or
// nullValue), each value tried in the order INT, BIGINT, DECIMAL (integers too big
// for BIGINT only: a value with a fraction or an exponent goes on to DOUBLE), DOUBLE
// (or nanValue/positiveInf/negativeInf), DATE (preferDate, dateFormat or yyyy-MM-dd),
// TIMESTAMP (timestampFormat or what CAST accepts), BOOLEAN, STRING, starting from
// the type found so far; types merge as CSVInferSchema.compatibleType (INT and
// BIGINT widen, integral with DOUBLE is DOUBLE, DATE with TIMESTAMP is STRING,
// anything with STRING is STRING). A column with only NULLs is STRING.
//
// Thread-safety: an inferrer is used by one thread at a time.

#pragma once

#include <memory>
#include <string_view>

#include "weir/formats/options.h"
#include "weir/types/schema.h"

namespace weir::formats {

class CsvSchemaInferrer {
 public:
  // Fails only on a dateFormat / timestampFormat that does not compile.
  static Result<std::unique_ptr<CsvSchemaInferrer>> Make(const CsvReadOptions& options);
  ~CsvSchemaInferrer();

  // Adds the records of one file. With `header`, its first record is the header (the
  // first file's names the columns).
  void AddFile(std::string_view buffer);
  // The schema; empty when no record was seen.
  SchemaPtr Finish() const;

 private:
  struct State;
  explicit CsvSchemaInferrer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

Result<SchemaPtr> InferCsvSchema(std::string_view buffer, const CsvReadOptions& options);

}  // namespace weir::formats
