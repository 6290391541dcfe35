// Text: every line is a row of one STRING column (named `value` by default), as
// Spark 3.5's text data source reads files (TextFileFormat.scala, TextOptions.scala).
//
// Lines end at "\n", "\r\n" or "\r" (or at lineSep when set); the terminator is not
// part of the value and a final terminator does not start another line; empty lines
// are empty strings. With wholetext each file is one row (an empty file included).
// Text has no malformed records.

#pragma once

#include <vector>

#include "weir/formats/decoder.h"

namespace weir::formats {

// The schema of a text table: value STRING.
SchemaPtr TextSchema();

// REQUIRES of `schema`: one STRING column (InvalidArgument otherwise, in Spark's
// words). `columns` is {0} or {} (count only).
Result<RecordDecoderPtr> MakeTextDecoder(SchemaPtr schema, std::vector<int> columns,
                                         const TextReadOptions& options);

// Decodes all of `buffer` (one file) into one batch of `value`.
Result<Batch> DecodeText(std::string_view buffer, const TextReadOptions& options);

}  // namespace weir::formats
