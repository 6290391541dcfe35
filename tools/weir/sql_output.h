// How `weir sql` prints a statement's rows: a table in Spark's show() layout, CSV
// with a header row (values as CAST(v AS STRING) renders them, NULL as `NULL`), or
// one JSON object per row (Spark's JSON writer).
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "weir/api/session.h"
#include "weir/types/datetime.h"

namespace weir::cli {

struct OutputOptions {
  std::string format = "table";  // table | csv | json
  int64_t max_rows = 0;          // table: rows to print; 0 prints all
  int truncate = 20;             // table: cut longer cells (show()'s default); 0 never
};

// Prints `result` (nothing for a statement without rows).
Status PrintResult(const api::StatementResult& result, const OutputOptions& options,
                   const TimeZone& time_zone, std::ostream& out);

}  // namespace weir::cli
