// Rendering single values as text, the way Spark renders them.
//
// AppendPretty follows Spark 3.5's ToPrettyString (what Dataset.show() prints):
// NULL as "NULL", BINARY as hex bytes "[0A FF]", decimals in plain notation,
// arrays "[1, 2]", maps "{a -> 1}", structs "{1, x}", dates "2024-03-05",
// timestamps "2024-03-05 10:00:00.5" in the session time zone, doubles as Java's
// Double.toString ("1.0", "1.0E10", "NaN").
//
// Thread-safety: free functions.

#pragma once

#include <string>
#include <string_view>

#include "weir/types/column.h"
#include "weir/types/datetime.h"

namespace weir {

struct PrettyOptions {
  // The session time zone for TIMESTAMP. Not owned; nullptr means UTC.
  const TimeZone* time_zone = nullptr;
  // How a NULL value (top-level or nested) is written.
  std::string_view null_string = "NULL";
  // BINARY as hex bytes "[0A FF]" (show()), or as its raw bytes (CAST to STRING).
  bool binary_as_hex = true;
  // DECIMAL in plain notation (show(), and CAST in ANSI mode), or as Java's
  // BigDecimal.toString ("0E-10"; CAST outside ANSI mode).
  bool decimal_plain = true;
};

void AppendPretty(const Column& column, int64_t row, const PrettyOptions& options,
                  std::string* out);
std::string FormatPretty(const Column& column, int64_t row, const PrettyOptions& options = {});

// Java's Double.toString, which Spark uses to render DOUBLE: the shortest digits
// that round-trip; plain notation for 1e-3 <= |v| < 1e7 ("123.5", "0.001"),
// otherwise scientific with at least one fraction digit ("1.0E7", "1.5E-4");
// "NaN", "Infinity", "-Infinity", "0.0", "-0.0".
void AppendJavaDouble(double v, std::string* out);
std::string FormatJavaDouble(double v);

// Upper-case hex bytes separated by spaces in brackets: "[01 AB]".
void AppendHexBytes(std::string_view bytes, std::string* out);

}  // namespace weir
