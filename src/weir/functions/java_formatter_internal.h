// java.util.Formatter, the subset format_string / printf need (internal to
// weir_functions): parsing a format string and rendering one row's arguments.
//
// Supported: conversions %b %B %s %S %c %C %d %o %x %X %e %E %f %% %n; flags
// '-' '#' '+' ' ' '0' ',' '('; width; precision; explicit argument indexes (%2$s)
// and %<s. The other Java conversions (%h %g %a and the %t date/time family) are an
// error naming the conversion, as are malformed specifiers and arguments a
// conversion does not take (Java throws for all of these). %f and %e round the
// shortest decimal representation of a double HALF_UP, as Java does.
//
// Thread-safety: free functions over immutable specs.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/datum.h"

namespace weir::formatter {

// How an argument reaches Java's Formatter.
enum class ArgKind : uint8_t { kNull, kBoolean, kInteger, kLong, kDouble, kDecimal, kString };

struct FormatArg {
  ArgKind kind;
  // The evaluated argument; and for DOUBLE and DECIMAL its CAST AS STRING, which
  // renders as Java's toString does, for %s.
  size_t datum;
  size_t rendered = 0;
};

// One piece of a parsed format: literal text, or a conversion of argument `index`.
struct FormatSpec {
  std::string literal;  // when conversion == 0
  char conversion = 0;  // lower-case conversion character
  bool upper = false;
  int index = 0;  // 1-based argument index; 0 for %% and %n
  bool left = false, alternate = false, plus = false, space = false, zero = false, group = false,
       paren = false;
  int width = -1, precision = -1;
  std::string text;  // the specifier as written, for errors
};

// Parses a Java format string: %[argument_index$][flags][width][.precision]conversion.
// Errors name the format and the Java exception Formatter would throw.
Result<std::vector<FormatSpec>> ParseFormat(std::string_view format);

// One row's view of the arguments.
struct RowArgs {
  const std::vector<FormatArg>& args;
  const std::vector<Datum>& in;
  int64_t row;

  bool IsNull(const FormatArg& a) const {
    return a.kind == ArgKind::kNull || in[a.datum].IsNull(row);
  }
  std::string_view Rendered(const FormatArg& a) const {
    return in[a.rendered].Get<StringRef>(row).view();
  }
};

// Appends the text of one piece of `format` for one row. `tmp` and `upper` are
// scratch buffers the caller reuses across rows.
Status AppendSpec(std::string_view format, const FormatSpec& s, const RowArgs& row,
                  std::string* out, std::string* tmp, std::string* upper);

}  // namespace weir::formatter
