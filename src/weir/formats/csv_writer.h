// The CSV writer of the file sink: the text of AppendCsv (types/render.h, Spark's CSV
// writer defaults), written faster for the columns a sink writes most.
//
// AppendCsv renders every cell through a scratch string (AppendPretty,
// AppendTimestampIso, whose numbers go through snprintf) and then copies it. WriteCsv
// picks each column's writer once per batch and writes integers (std::to_chars),
// booleans, strings, dates and timestamps straight into the output, digit by digit,
// keeping the text of the last day written and, for a zone with transitions, the
// offset of the last hour. Other types (DOUBLE, DECIMAL, NULL) go through AppendPretty
// as in AppendCsv. A cell that needs quoting is quoted exactly as AppendCsv quotes it.
//
// Thread-safety: a free function; it keeps no state between calls.

#pragma once

#include <string>

#include "weir/common/status.h"
#include "weir/types/batch.h"
#include "weir/types/render.h"

namespace weir::formats {

// Appends the CSV lines of `batch` to `out`: the same bytes as AppendCsv(batch,
// options, out), including its header and its Unsupported error (and nothing
// appended) for BINARY, INTERVAL, ARRAY, MAP and STRUCT columns.
Status WriteCsv(const Batch& batch, const CsvOptions& options, std::string* out);

}  // namespace weir::formats
