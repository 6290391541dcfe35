// Read options of the file formats (json, csv, text), with Spark 3.5's names and
// defaults (JSONOptions.scala, CSVOptions.scala, TextOptions.scala), and the parse
// modes and counters every decoder shares.
//
// Option keys are case-insensitive, as Spark's CaseInsensitiveMap makes them. Keys a
// format does not know are ignored (Spark ignores them too); a known key with a value
// it cannot take is an INVALID_OPTION error naming the key and the value.
//
// Thread-safety: plain values.

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "weir/common/result.h"
#include "weir/types/datetime.h"

namespace weir::formats {

// What a decoder does with a record it cannot parse (Spark's ParseMode).
enum class ParseMode : uint8_t {
  // The record becomes a row of NULLs (fields that did convert are kept) and its text
  // goes to the corrupt-record column when the schema has one. The default.
  kPermissive,
  // The record is dropped and counted.
  kDropMalformed,
  // The read fails with MALFORMED_RECORD_IN_PARSING naming the file and the line.
  kFailFast,
};

std::string_view ParseModeName(ParseMode mode);

// Counters a decoder keeps over its lifetime.
struct ParseStats {
  int64_t records = 0;    // records seen (blank lines and CSV headers not counted)
  int64_t malformed = 0;  // records that failed to parse or convert, in any mode
  int64_t dropped = 0;    // malformed records dropped (DROPMALFORMED)

  void Add(const ParseStats& o) {
    records += o.records;
    malformed += o.malformed;
    dropped += o.dropped;
  }
};

// Option key (lower-cased) -> value.
using OptionMap = std::map<std::string, std::string>;

// Lower-cases the keys of `options`. When two keys differ only in case, the one that
// sorts last wins (Spark keeps the last one set; a std::map has no order of setting).
OptionMap NormalizeOptions(const std::map<std::string, std::string>& options);

// Options every format reads.
struct CommonOptions {
  ParseMode mode = ParseMode::kPermissive;
  std::string corrupt_column = "_corrupt_record";  // columnNameOfCorruptRecord
  // dateFormat / timestampFormat; unset means Spark's defaults, which parse what
  // CAST parses ("2024-01-31", "2024-01-31T10:00:00.123+01:00", ...).
  std::optional<std::string> date_format;
  std::optional<std::string> timestamp_format;
  TimeZone time_zone;           // timeZone; default UTC (the default session zone)
  double sampling_ratio = 1.0;  // samplingRatio, for schema inference
};

struct JsonReadOptions {
  CommonOptions common;
  bool primitives_as_string = false;    // primitivesAsString
  bool prefers_decimal = false;         // prefersDecimal
  bool drop_field_if_all_null = false;  // dropFieldIfAllNull
  bool allow_array_as_structs = true;   // a top-level array of objects gives one row each
};

struct CsvReadOptions {
  CommonOptions common;
  char sep = ',';               // sep / delimiter (one character)
  char quote = '"';             // quote; '\0' turns quoting off (Spark: quote "")
  char escape = '\\';           // escape
  std::optional<char> comment;  // comment; unset: no comment lines
  bool header = false;
  bool infer_schema = false;          // inferSchema
  bool enforce_schema = true;         // enforceSchema
  bool ignore_leading_ws = false;     // ignoreLeadingWhiteSpace (reading)
  bool ignore_trailing_ws = false;    // ignoreTrailingWhiteSpace (reading)
  bool multi_line = false;            // multiLine: a quoted field may span lines
  bool prefer_date = true;            // preferDate (inference)
  std::string null_value;             // nullValue: this text reads as NULL
  std::string empty_value;            // emptyValue: what a quoted "" reads as
  std::string nan_value = "NaN";      // nanValue
  std::string positive_inf = "Inf";   // positiveInf
  std::string negative_inf = "-Inf";  // negativeInf
};

struct TextReadOptions {
  bool whole_text = false;  // wholetext: one row per file
  // lineSep; unset: "\n", "\r\n" and "\r" all end a line.
  std::optional<std::string> line_sep;
};

Result<JsonReadOptions> ParseJsonOptions(const OptionMap& options);
Result<CsvReadOptions> ParseCsvOptions(const OptionMap& options);
Result<TextReadOptions> ParseTextOptions(const OptionMap& options);

}  // namespace weir::formats
