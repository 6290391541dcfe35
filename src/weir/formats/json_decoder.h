// JSON lines: one JSON value per line, decoded into rows of a schema as Spark 3.5's
// JSON data source does (json/JacksonParser.scala, FailureSafeParser.scala).
//
// Per line: a blank line gives no row and is not a record. An object gives one row;
// its keys match field names case-sensitively, the last of duplicate keys wins and
// missing keys are NULL. A top-level array of objects gives one row per object (an
// empty array none). Anything else - text simdjson rejects, a scalar, `null`, an
// array holding a non-object - is a malformed record.
//
// Conversions (JacksonParser.makeConverter): BOOLEAN from true/false; INT and BIGINT
// from integers in range; DOUBLE from any number and the strings "NaN", "Infinity",
// "-Infinity" (also "+Infinity", "INF", "+INF", "-INF"); DECIMAL from numbers and
// numeric strings (grouping commas dropped), rounded HALF_UP, NULL-and-bad if it does
// not fit; STRING from a string, any other value as its JSON text; DATE and TIMESTAMP
// from strings (dateFormat / timestampFormat, see formats_internal.h) and TIMESTAMP
// also from an integer number of seconds; ARRAY, MAP<STRING, _>, STRUCT from arrays
// and objects. JSON null is NULL for every type. A value that does not convert makes
// the record malformed: in PERMISSIVE that field is NULL and the other fields are
// kept (a nested value is all or nothing); the corrupt-record column, when the schema
// has it, holds the line's text.
//
// Not supported: BINARY (base64) and INTERVAL columns (always NULL and bad), integers
// beyond 64 bits (simdjson rejects the line).

#pragma once

#include <vector>

#include "weir/formats/decoder.h"

namespace weir::formats {

// A decoder of `schema`'s `columns` (indices into schema). InvalidArgument for a MAP
// whose key is not STRING, or a corrupt-record column that is not a nullable STRING.
Result<RecordDecoderPtr> MakeJsonDecoder(SchemaPtr schema, std::vector<int> columns,
                                         const JsonReadOptions& options);

// Decodes every line of `buffer` into one batch of all of `schema`'s columns. Adds to
// *stats when given.
Result<Batch> DecodeJsonLines(std::string_view buffer, const SchemaPtr& schema,
                              const JsonReadOptions& options, ParseStats* stats = nullptr);

}  // namespace weir::formats
