// Parsing Spark's DDL schema strings, as from_json and schema_of_json take them:
// a column list "a INT, b STRING NOT NULL, c ARRAY<STRUCT<x: DOUBLE>>" or a single
// type "STRUCT<a: INT>", "ARRAY<INT>", "MAP<STRING, INT>".
//
// The grammar is Spark 3.5's (SqlBaseParser: singleDataType, colTypeList,
// complexColType): keywords and type names are case-insensitive, names may be
// backquoted (`a b`, with `` for a backquote), a struct field may write ':' between
// name and type, and NOT NULL and COMMENT 'text' may follow a column or field.
//
// Spark types weir has no physical type for are widened (docs/architecture.md):
// TINYINT/BYTE and SMALLINT/SHORT read as INT, FLOAT/REAL as DOUBLE, CHAR(n) and
// VARCHAR(n) as STRING, TIMESTAMP_LTZ as TIMESTAMP. TIMESTAMP_NTZ is refused.
//
// Errors are INVALID_SQL statuses in Spark's words, naming the offending text, with
// its 0-based offset as "pos" (Spark's convention) and as the status position:
//   [PARSE_SYNTAX_ERROR] Syntax error at or near 'INT'.(line 1, pos 6)
//   [UNSUPPORTED_DATATYPE] Unsupported data type "FOO".(line 1, pos 2)
//
// Thread-safety: free functions.

#pragma once

#include <string>
#include <string_view>

#include "weir/common/result.h"
#include "weir/types/data_type.h"

namespace weir {

// One data type, the whole text (CatalystSqlParser.parseDataType).
Result<DataType> ParseDdlType(std::string_view text);

// A column list as a STRUCT (CatalystSqlParser.parseTableSchema). The empty string is
// the empty struct.
Result<DataType> ParseDdlColumns(std::string_view text);

// DataType.fromDDL: a single type if the text is one, else a column list. On failure
// the error of the parse that got further is returned.
Result<DataType> ParseDdlSchema(std::string_view text);

// A type as Spark's DataType.sql spells it: "BIGINT", "ARRAY<STRING>",
// "MAP<STRING, INT>", "STRUCT<a: BIGINT, `b c`: STRING>" — field names backquoted
// unless they are made only of letters, digits and '_' and are not all digits.
std::string SqlTypeString(const DataType& type);

}  // namespace weir
