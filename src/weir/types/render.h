// Rendering batches as text: Spark's Dataset.show() table, CSV and JSON lines.
//
// ShowString matches Spark 3.5's showString: cells as ToPrettyString renders them
// (pretty.h), meta-characters escaped ("\n" becomes the two characters \n), cells
// longer than `truncate` cut to truncate-3 characters plus "...", right-aligned when
// truncating and left-aligned when not, column width at least 3, and a footer
// "only showing top N rows" when rows were left out.
//
// CSV and JSON lines follow the defaults of Spark's CSV and JSON writers; the
// options below name the Spark option each one mirrors.
//
// Thread-safety: free functions.

#pragma once

#include <string>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/batch.h"
#include "weir/types/datetime.h"

namespace weir {

struct ShowOptions {
  // Rows to print (Spark's numRows; default 20).
  int64_t num_rows = 20;
  // Truncate cells longer than this many characters; 0 means never (Spark's
  // truncate; default 20).
  int truncate = 20;
  // Session time zone for TIMESTAMP cells; nullptr means UTC. Not owned.
  const TimeZone* time_zone = nullptr;
};

// The show() table over the rows of `batches`, in order, as one string ending in a
// newline (Spark's println adds none beyond the table's own).
std::string ShowString(const std::vector<Batch>& batches, const ShowOptions& options = {});
std::string ShowString(const Batch& batch, const ShowOptions& options = {});

struct CsvOptions {
  char sep = ',';                    // Spark: sep
  char quote = '"';                  // Spark: quote
  char escape = '\\';                // Spark: escape (a quote inside a quoted value is written \")
  bool header = false;               // Spark: header
  bool quote_all = false;            // Spark: quoteAll
  std::string null_value;            // Spark: nullValue (default: empty, unquoted)
  std::string empty_value = "\"\"";  // Spark: emptyValue (what an empty string becomes)
  const TimeZone* time_zone = nullptr;
};

// Appends CSV lines ("\n"-terminated) for the rows of `batch`. Types Spark's CSV
// writer rejects (BINARY, INTERVAL, ARRAY, MAP, STRUCT) give Unsupported, naming the
// column, and append nothing.
Status AppendCsv(const Batch& batch, const CsvOptions& options, std::string* out);

struct JsonOptions {
  // Spark: ignoreNullFields (default true): a NULL struct field is left out.
  bool ignore_null_fields = true;
  const TimeZone* time_zone = nullptr;
};

// Appends one JSON object per row ("\n"-terminated). DATE as "2024-03-05",
// TIMESTAMP as "2024-03-05T10:00:00.000Z", BINARY as base64, DECIMAL as a plain
// number, DOUBLE as Java renders it (NaN and infinities as strings), MAP as an
// object keyed by the key's text, INTERVAL as its text.
void AppendJsonLines(const Batch& batch, const JsonOptions& options, std::string* out);

// Escapes `s` as the body of a JSON string (without the quotes).
void AppendJsonEscaped(std::string_view s, std::string* out);

}  // namespace weir
