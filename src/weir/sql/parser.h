// The parser of weir's SQL dialect: Spark SQL's SELECT grammar (SqlBaseParser.g4 of
// Spark 3.5) plus the statements of DESIGN.md section 6, by recursive descent over the
// lexer's tokens, with operator precedence as Spark's grammar orders it.
//
// Errors are Status::InvalidSql with the line and column of the offending token, a
// message in Spark's words where Spark has one ("[PARSE_SYNTAX_ERROR] Syntax error at
// or near 'FORM'"), and a hint when one helps ("did you mean FROM?"). No input makes
// the parser crash, assert or recurse without bound: nesting deeper than
// kMaxNestingDepth is an error.
//
// Thread-safety: pure functions.

#pragma once

#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/sql/ast.h"
#include "weir/types/datetime.h"

namespace weir::sql {

inline constexpr int kMaxNestingDepth = 200;

struct ParseOptions {
  // The session time zone: a `TIMESTAMP '2024-01-01 10:00'` literal without an offset
  // is that local time there (spark.sql.session.timeZone), as in Spark.
  TimeZone time_zone;
};

// A script of statements separated by ';' (empty statements are skipped).
Result<std::vector<StatementPtr>> ParseScript(std::string_view sql,
                                              const ParseOptions& options = {});

// Exactly one statement (a trailing ';' is allowed).
Result<StatementPtr> ParseStatement(std::string_view sql, const ParseOptions& options = {});

// One expression, the whole text (for DataFrame-style APIs: filter("a > 1")).
Result<SqlExprPtr> ParseExpression(std::string_view sql, const ParseOptions& options = {});

// Splits a script into statement texts at top-level ';' (outside strings, comments
// and parentheses), for the shell to echo and run one at a time. Errors are the
// lexer's.
Result<std::vector<std::string_view>> SplitStatements(std::string_view sql);

}  // namespace weir::sql
