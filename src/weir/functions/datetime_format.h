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

  // True when the pattern has only literals and the numeric fields u M d H h K k m s S
  // (no text, era, zone or optional sections): PatternFormatter then writes its
  // digits directly, without Format's general machinery.
  bool numeric_only() const { return numeric_only_; }
  // True when no field depends on the date (only H h K k m s S a and literals).
  bool time_only() const { return time_only_; }

  // Parses the whole of `text` into an instant. Fields the pattern lacks default as
  // in Spark (year 1970, month and day 1, time 00:00:00); a zone or offset in the
  // text wins over `zone`. False on failure, with java.time's message in *error
  // ("Text 'x' could not be parsed at index 0").
  bool Parse(std::string_view text, const ZoneCalc& zone, int64_t* micros,
             std::string* error) const;

 private:
  std::string pattern_;
  std::vector<PatternItem> items_;
  bool numeric_only_ = false;
  bool time_only_ = false;
};

// Formats many instants with one pattern in one zone, as DateTimePattern::Format
// does (same text for every instant), faster: numeric-only patterns are written digit
// by digit into a fixed buffer, the civil date of the last local day is kept (and
// for a pattern of date fields only, its whole text), and
// for a zone with transitions the offset of the last hour is kept.
//
// Thread-compatible: one per evaluation (it caches); the pattern and zone must
// outlive it.
class PatternFormatter {
 public:
  PatternFormatter(const DateTimePattern& pattern, const ZoneCalc& zone, std::string_view zone_id);

  // The text of `micros`, valid until the next call.
  std::string_view Format(int64_t micros);

  // True for a numeric pattern of date fields only (u M d and literals), whose text
  // depends on the local day alone ('yyyy-MM-dd').
  bool date_only() const { return date_only_; }
  // Format(micros), and in [*lo, *hi) instants that all have that same text (at
  // least micros itself, unless micros is INT64_MAX: then the range is empty): the
  // local day of micros, cut to the hour of micros in a zone with transitions. A
  // caller formatting a column keeps the range and reuses the text for the instants
  // that fall in it. REQUIRES: date_only().
  std::string_view FormatDay(int64_t micros, int64_t* lo, int64_t* hi);

 private:
  int64_t OffsetAt(int64_t micros);
  const CivilDate& DateOf(int64_t days);

  const DateTimePattern& pattern_;
  const ZoneCalc& zone_;
  std::string_view zone_id_;
  // The offset cache: [hour_lo_, hour_lo_ + 3600) seconds have offset hour_offset_.
  int64_t hour_lo_ = INT64_MIN;
  int64_t hour_offset_ = 0;
  int64_t cached_days_ = INT64_MIN;
  CivilDate cached_date_{};
  // A numeric pattern of date fields only (u M d and literals): its text depends on
  // the local day alone, so buf_[0, text_len_) is the text of local day text_days_
  // and is reused while the day stays (date_format(ts, 'yyyy-MM-dd') per row).
  bool date_only_ = false;
  int64_t text_days_ = INT64_MIN;
  size_t text_len_ = 0;
  // The last result; for a numeric-only pattern sized once for the longest text.
  std::string buf_;
};

// The error every function reports for a parse failure in ANSI mode:
// [CANNOT_PARSE_TIMESTAMP] <message>. If necessary set "spark.sql.ansi.enabled" ...
Status CannotParseTimestamp(const std::string& message);

}  // namespace weir::datetime
