// Typed literals: the value of `DATE '2024-07-01'`, `TIMESTAMP 'now'`,
// `DECIMAL '1.5'`, `INTERVAL ...` written in SQL text.
//
// As in Spark 3.5, DATE and TIMESTAMP literals also accept the special values
// 'epoch', 'now', 'today', 'yesterday' and 'tomorrow' (case-insensitive, surrounding
// whitespace ignored): 'now' is the query's current timestamp; 'today' is midnight
// of the current date in the session time zone ('yesterday'/'tomorrow' one day
// before/after); 'epoch' is 1970-01-01 00:00:00 UTC. For DATE, 'now' is today.
// Any other text is parsed as CAST(text AS type) would in ANSI mode, so a malformed
// literal is an error, never NULL:
// [INVALID_TYPED_LITERAL] The value of the typed literal "DATE" is invalid: 'x'.
//
// Thread-safety: a free function.

#pragma once

#include <string_view>

#include "weir/common/result.h"
#include "weir/expr/eval_context.h"
#include "weir/types/value.h"

namespace weir {

Result<Value> ParseTypedLiteral(const DataType& type, std::string_view text,
                                const EvalOptions& options);

}  // namespace weir
