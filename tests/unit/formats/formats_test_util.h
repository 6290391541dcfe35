// Helpers for the formats tests: schemas from DDL text, batches as row strings.

#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/functions/ddl_schema.h"
#include "weir/types/batch.h"
#include "weir/types/pretty.h"

namespace weir::formats::testing {

// "a INT, b STRING" -> schema.
inline SchemaPtr Ddl(std::string_view text) {
  Result<DataType> t = ParseDdlColumns(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return MakeSchema(t.ok() ? t->fields() : std::vector<Field>{});
}

// Each row as show() prints its values, joined with " | ".
inline std::vector<std::string> Rows(const Batch& batch) {
  std::vector<std::string> rows;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    std::string row;
    for (int c = 0; c < batch.num_columns(); ++c) {
      if (c > 0) row += " | ";
      row += FormatPretty(*batch.column(c), batch.RowIndex(r));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

using Strings = std::vector<std::string>;

}  // namespace weir::formats::testing
