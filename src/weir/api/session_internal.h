// Helpers shared by the files of the Session.

#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/api/session.h"

namespace weir::api {

// A result of STRING columns named `names` holding `rows` (each row one string per
// column): what SET, SHOW, DESCRIBE and EXPLAIN return.
StatementResult StringRows(const std::vector<std::string>& names,
                           const std::vector<std::vector<std::string>>& rows);

// The value of option `key` (case-insensitive) in `options`, or null.
const std::string* FindOptionValue(const std::vector<std::pair<std::string, std::string>>& options,
                                   std::string_view key);

// The event-time column and delay of a source's `WATERMARK FOR ts AS ts - INTERVAL
// ...` (source.watermark_column/watermark_expr); an error unless the expression is
// the column minus a non-negative delay.
Result<stream::WatermarkSpec> WatermarkOf(const CatalogObject& source, const EvalOptions& eval);

}  // namespace weir::api
