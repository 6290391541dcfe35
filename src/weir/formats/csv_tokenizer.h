// Splitting CSV text into records and fields, as univocity's CsvParser does with the
// settings Spark 3.5 gives it (CSVOptions.asParserSettings). Internal to weir_formats.
//
// A record ends at a line break ("\n" or "\r\n"); with multiLine, not inside quotes.
// Empty lines and lines starting with the comment character are skipped. A field
// starting with the quote character is quoted: inside, the escape character before a
// quote (or before itself) stands for that character, as does a doubled quote; text
// after the closing quote up to the separator is kept. An unterminated quote runs to
// the end of the record. Unquoted fields are taken as written, trimmed when
// ignoreLeading/TrailingWhiteSpace are set.
//
// Thread-safety: a tokenizer is used by one thread at a time.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weir/formats/options.h"

namespace weir::formats::internal {

struct CsvField {
  std::string_view text;  // the value, unquoted and unescaped
  bool quoted = false;
};

class CsvTokenizer {
 public:
  explicit CsvTokenizer(const CsvReadOptions& options) : o_(options) {}

  // Reads the next record at or after buffer[*pos], skipping empty and comment lines.
  // Returns false when none is left. On true: fields() holds the record's fields
  // (views valid until the next call, into `buffer` or this tokenizer), *record the
  // record's raw text without its line break, *pos the start of the next record,
  // and *lines is increased by the line breaks consumed (skipped lines included).
  // `*record_line` is set to the line the record starts on, counted from *lines.
  bool Next(std::string_view buffer, size_t* pos, std::string_view* record, int64_t* lines,
            int64_t* record_line);

  const std::vector<CsvField>& fields() const { return fields_; }

 private:
  // Parses the fields of one record starting at `start`; returns the index just past
  // the record's text (at its line break or the end).
  size_t ParseRecord(std::string_view buffer, size_t start);
  std::string* Scratch(size_t i);

  CsvReadOptions o_;
  std::vector<CsvField> fields_;
  std::vector<std::string> scratch_;
};

}  // namespace weir::formats::internal
