// CSV: records decoded into rows of a schema as Spark 3.5's CSV data source does
// (csv/UnivocityParser.scala, CSVHeaderChecker.scala, FailureSafeParser.scala).
//
// Fields map to the schema's columns by position (the corrupt-record column, when
// present, takes no field). A field is NULL when it is empty and unquoted, or when its
// text equals nullValue (default ""; a quoted "" reads as emptyValue, default "", so
// it is NULL too by default). Conversions, as Java reads them: INT and BIGINT
// (Integer.parseInt: [+-]digits), DOUBLE (Double.parseDouble; nanValue, positiveInf,
// negativeInf), DECIMAL (BigDecimal, grouping commas dropped, rounded HALF_UP; must
// fit), BOOLEAN (true/false, any case), DATE and TIMESTAMP (dateFormat /
// timestampFormat, see formats_internal.h), STRING as is.
//
// A record is malformed when a field fails to convert or when it has more or fewer
// fields than the schema has columns. PERMISSIVE keeps the fields that converted
// (missing ones NULL, extra ones ignored) and puts the record's text in the
// corrupt-record column; DROPMALFORMED drops it; FAILFAST fails. Only the projected
// columns are converted, so a bad value in a column not read does not make the record
// malformed (as with Spark's CSV column pruning); a wrong field count always does.
//
// With `header`, the first record of each file is not data; without enforceSchema it
// must name the schema's columns (case-insensitively), or the read fails.
// ARRAY, MAP, STRUCT, BINARY and INTERVAL columns are refused.

#pragma once

#include <vector>

#include "weir/formats/decoder.h"

namespace weir::formats {

Result<RecordDecoderPtr> MakeCsvDecoder(SchemaPtr schema, std::vector<int> columns,
                                        const CsvReadOptions& options);

// Decodes all of `buffer` (one file) into one batch of all of `schema`'s columns.
Result<Batch> DecodeCsv(std::string_view buffer, const SchemaPtr& schema,
                        const CsvReadOptions& options, ParseStats* stats = nullptr);

// The column names of a CSV header, as CSVUtils.makeSafeHeader makes them: an empty
// name (or one equal to nullValue) becomes _c<i>; names repeated (case-insensitively)
// get their index appended. Without `header`: _c0, _c1, ...
std::vector<std::string> CsvColumnNames(const std::vector<std::string>& header_fields,
                                        const CsvReadOptions& options);

}  // namespace weir::formats
