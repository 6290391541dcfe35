// Spark 3.5's datetime pattern language ("Datetime Patterns for Formatting and
// Parsing"): a compiled pattern formats a TIMESTAMP in a time zone and parses text
// back into one, as Spark's Iso8601TimestampFormatter does over java.time's
// DateTimeFormatter (Locale.US, case-insensitive, ResolverStyle.STRICT).
//
// Letters: G y D M L d Q q E F a h K k H m s S V z O X x Z, quoted text 'like this',
// '' for a quote, [ ] for optional sections. Count-dependent forms follow java.time:
// MMM = Jan, MMMM = January, EEE = Mon, EEEE = Monday, yy = a two-digit year that
// parses as 2000-2099, SSS = three fraction digits (parsing takes 1 to 3).
//
// Spark's refusals are compile errors naming the pattern: week-based letters
// (Y w W u e c), A B n N p, five-letter text forms, more than six y, and E F q Q
// when parsing. When the legacy SimpleDateFormat would have accepted the pattern the
// error is Spark's INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION.
//
// Thread-safety: a compiled pattern is immutable and may be shared across threads.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/functions/datetime_internal.h"

namespace weir::datetime {

// One element of a compiled pattern.
struct PatternItem {
  enum Kind : uint8_t { kLiteral, kField, kOptionalStart, kOptionalEnd };
  Kind kind = kLiteral;
  char letter = 0;   // kField: the pattern letter ('y' is year-of-era only with 'G')
  int count = 0;     // kField: how many times it repeats
  std::string text;  // kLiteral
  // kField, parsing: digits to leave for the fixed-width numbers that follow
  // directly (java.time's adjacent value parsing, for "yyyyMMdd").
  int reserved_digits = 0;
};

class DateTimePattern {
 public:
  // Spark's default patterns.
  static constexpr std::string_view kDefaultTimestampPattern = "yyyy-MM-dd HH:mm:ss";

  // Compiles `pattern` for formatting or for parsing (parsing refuses E F q Q).
  static Result<DateTimePattern> Compile(std::string_view pattern, bool for_parsing);

  const std::string& pattern() const { return pattern_; }
  const std::vector<PatternItem>& items() const { return items_; }

  // Appends `micros` rendered on the wall clock of `zone`; `zone_id` is what VV
  // prints (the session time zone's name).
  void Format(int64_t micros, const ZoneCalc& zone, std::string_view zone_id,
              std::string* out) const;

  // Parses the whole of `text` into an instant. Fields the pattern lacks default as
  // in Spark (year 1970, month and day 1, time 00:00:00); a zone or offset in the
  // text wins over `zone`. False on failure, with java.time's message in *error
  // ("Text 'x' could not be parsed at index 0").
  bool Parse(std::string_view text, const ZoneCalc& zone, int64_t* micros,
             std::string* error) const;

 private:
  std::string pattern_;
  std::vector<PatternItem> items_;
};

// The error every function reports for a parse failure in ANSI mode:
// [CANNOT_PARSE_TIMESTAMP] <message>. If necessary set "spark.sql.ansi.enabled" ...
Status CannotParseTimestamp(const std::string& message);

}  // namespace weir::datetime
