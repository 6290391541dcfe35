// Parsing text with a compiled Spark datetime pattern: java.time's
// DateTimeFormatter.parse (case-insensitive, STRICT) followed by Spark's
// TimestampFormatter defaults for missing fields (toLocalDate / toLocalTime).

#include <cctype>
#include <optional>

#include "weir/expr/cast_internal.h"
#include "weir/functions/datetime_format.h"

namespace weir::datetime {

namespace {

constexpr std::string_view kMonths[12] = {"january",   "february", "march",    "april",
                                          "may",       "june",     "july",     "august",
                                          "september", "october",  "november", "december"};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool MatchesAt(std::string_view text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (Lower(text[pos + k]) != Lower(word[k])) return false;
  }
  return true;
}

// The fields read from the text, before resolution.
struct Parsed {
  std::optional<int64_t> year, year_of_era, era, month, day, day_of_year;
  std::optional<int64_t> hour_of_day, clock_hour_of_day, hour_of_ampm, clock_hour_of_ampm, ampm;
  std::optional<int64_t> minute, second, nanos;
  std::optional<int64_t> offset;  // seconds
  std::optional<absl::TimeZone> zone;
};

class Parser {
 public:
  Parser(std::string_view text, const std::vector<PatternItem>& items)
      : text_(text), items_(items) {}

  // Parses items [begin, end) from *pos; false (with *error_pos) on a mismatch.
  bool ParseRange(size_t begin, size_t end, size_t* pos, Parsed* p, size_t* error_pos) const {
    for (size_t k = begin; k < end; ++k) {
      const PatternItem& it = items_[k];
      if (it.kind == PatternItem::kOptionalStart) {
        const size_t close = MatchingEnd(k);
        size_t try_pos = *pos;
        Parsed saved = *p;
        size_t ignored;
        if (!ParseRange(k + 1, close, &try_pos, p, &ignored)) {
          *p = std::move(saved);
        } else {
          *pos = try_pos;
        }
        k = close;
        continue;
      }
      if (it.kind == PatternItem::kOptionalEnd) continue;
      if (it.kind == PatternItem::kLiteral) {
        if (!MatchesAt(text_, *pos, it.text)) {
          *error_pos = *pos;
          return false;
        }
        *pos += it.text.size();
        continue;
      }
      if (!ParseField(it, pos, p)) {
        *error_pos = *pos;
        return false;
      }
    }
    return true;
  }

 private:
  size_t MatchingEnd(size_t start) const {
    int depth = 0;
    for (size_t k = start; k < items_.size(); ++k) {
      if (items_[k].kind == PatternItem::kOptionalStart) ++depth;
      if (items_[k].kind == PatternItem::kOptionalEnd && --depth == 0) return k;
    }
    return items_.size();
  }

  // Reads between min and max digits (leaving `reserved` for adjacent numbers).
  bool Number(size_t* pos, int min, int max, int reserved, int64_t* out) const {
    size_t avail = 0;
    while (*pos + avail < text_.size() && IsDigit(text_[*pos + avail]) && avail < 19) ++avail;
    int take = static_cast<int>(avail) - reserved;
    if (take > max) take = max;
    if (take < min) return false;
    int64_t v = 0;
    for (int k = 0; k < take; ++k) v = v * 10 + (text_[*pos + static_cast<size_t>(k)] - '0');
    *pos += static_cast<size_t>(take);
    *out = v;
    return true;
  }

  // A variable (count 1: 1..19 digits) or fixed (count 2: 2 digits) number.
  bool Value(const PatternItem& it, size_t* pos, int64_t lo, int64_t hi,
             std::optional<int64_t>* field) const {
    int64_t v;
    const bool ok = it.count == 1 ? Number(pos, 1, 19, it.reserved_digits, &v)
                                  : Number(pos, it.count, it.count, 0, &v);
    if (!ok || v < lo || v > hi) return false;
    *field = v;
    return true;
  }

  bool Year(const PatternItem& it, size_t* pos, Parsed* p) const {
    int64_t v;
    if (it.count == 2) {
      if (!Number(pos, 2, 2, 0, &v)) return false;
      v += 2000;  // appendValueReduced(YEAR, 2, 2, 2000)
    } else {
      bool negative = false, plus = false;
      if (*pos < text_.size() && (text_[*pos] == '-' || text_[*pos] == '+')) {
        negative = text_[*pos] == '-';
        plus = !negative;
        ++*pos;
      }
      // Strict EXCEEDS_PAD (4+ letters): more digits than letters need a sign.
      const int max = it.count >= 4 && !negative && !plus ? it.count : 19;
      if (!Number(pos, it.count, max, it.reserved_digits, &v)) return false;
      if (plus && it.count >= 4 && v < 10000) return false;
      if (negative) v = -v;
    }
    (it.letter == 'y' ? p->year_of_era : p->year) = v;
    return true;
  }

  bool Text(size_t* pos, const std::string_view* names, size_t n, bool full, int64_t first,
            std::optional<int64_t>* field) const {
    for (size_t k = 0; k < n; ++k) {
      std::string_view name = full ? names[k] : names[k].substr(0, 3);
      if (MatchesAt(text_, *pos, name)) {
        *pos += name.size();
        *field = first + static_cast<int64_t>(k);
        return true;
      }
    }
    return false;
  }

  // +HH, +HHmm, +HH:mm, +HH:mm:ss ... ; "Z" for zero where allowed; "GMT" prefixes
  // for O and ZZZZ.
  bool Offset(const PatternItem& it, size_t* pos, Parsed* p) const {
    if (it.letter == 'O' || (it.letter == 'Z' && it.count == 4)) {
      if (!MatchesAt(text_, *pos, "GMT")) return false;
      *pos += 3;
      if (*pos >= text_.size() || (text_[*pos] != '+' && text_[*pos] != '-')) {
        p->offset = 0;
        return true;
      }
    } else if ((it.letter == 'X' || (it.letter == 'Z' && it.count == 5)) && *pos < text_.size() &&
               (text_[*pos] == 'Z' || text_[*pos] == 'z')) {
      ++*pos;
      p->offset = 0;
      return true;
    }
    if (*pos >= text_.size() || (text_[*pos] != '+' && text_[*pos] != '-')) return false;
    const bool negative = text_[*pos] == '-';
    ++*pos;
    int64_t h = 0, m = 0, s = 0;
    if (!Number(pos, 1, 2, 0, &h)) return false;
    auto part = [&](int64_t* v) {
      size_t q = *pos;
      if (q < text_.size() && text_[q] == ':') ++q;
      if (Number(&q, 2, 2, 0, v)) *pos = q;
    };
    part(&m);
    part(&s);
    if (h > 18 || m > 59 || s > 59) return false;
    const int64_t total = h * 3600 + m * 60 + s;
    p->offset = negative ? -total : total;
    return true;
  }

  bool ZoneName(size_t* pos, Parsed* p) const {
    size_t end = *pos;
    while (end < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '/' ||
            text_[end] == '_' || text_[end] == '+' || text_[end] == '-' || text_[end] == ':')) {
      ++end;
    }
    absl::TimeZone tz;
    if (end == *pos || !cast_internal::ResolveZoneId(text_.substr(*pos, end - *pos), &tz)) {
      return false;
    }
    p->zone = tz;
    *pos = end;
    return true;
  }

  bool ParseField(const PatternItem& it, size_t* pos, Parsed* p) const {
    switch (it.letter) {
      case 'G': {
        static constexpr std::string_view kEras[2] = {"BC", "AD"};
        static constexpr std::string_view kFull[2] = {"Before Christ", "Anno Domini"};
        return Text(pos, it.count == 4 ? kFull : kEras, 2, true, 0, &p->era);
      }
      case 'u':
      case 'y':
        return Year(it, pos, p);
      case 'D':
        if (it.count == 1) return Value(it, pos, 1, 366, &p->day_of_year);
        {
          int64_t v;
          if (!Number(pos, it.count, 3, it.reserved_digits, &v) || v < 1 || v > 366) return false;
          p->day_of_year = v;
          return true;
        }
      case 'M':
      case 'L':
        if (it.count >= 3) return Text(pos, kMonths, 12, it.count == 4, 1, &p->month);
        return Value(it, pos, 1, 12, &p->month);
      case 'd':
        return Value(it, pos, 1, 31, &p->day);
      case 'a': {
        static constexpr std::string_view kAmPm[2] = {"AM", "PM"};
        return Text(pos, kAmPm, 2, true, 0, &p->ampm);
      }
      case 'h':
        return Value(it, pos, 1, 12, &p->clock_hour_of_ampm);
      case 'K':
        return Value(it, pos, 0, 11, &p->hour_of_ampm);
      case 'k':
        return Value(it, pos, 1, 24, &p->clock_hour_of_day);
      case 'H':
        return Value(it, pos, 0, 23, &p->hour_of_day);
      case 'm':
        return Value(it, pos, 0, 59, &p->minute);
      case 's':
        return Value(it, pos, 0, 59, &p->second);
      case 'S': {
        // Spark parses 1 to count fraction digits.
        size_t start = *pos;
        int64_t v;
        if (!Number(pos, 1, it.count, it.reserved_digits, &v)) return false;
        for (size_t k = *pos - start; k < 9; ++k) v *= 10;
        p->nanos = v;
        return true;
      }
      case 'V':
      case 'z':
        return ZoneName(pos, p);
      default:  // O X x Z
        return Offset(it, pos, p);
    }
  }

  std::string_view text_;
  const std::vector<PatternItem>& items_;
};

std::string CouldNotParse(std::string_view text) {
  return "Text '" + std::string(text) + "' could not be parsed";
}

// Spark's toLocalDate: the date, with 1970-01-01 defaults. False with a message
// when the fields do not make a date.
bool ResolveDate(const Parsed& p, std::string_view text, int64_t* days, std::string* error) {
  int64_t year = 1970;
  if (p.year) {
    year = *p.year;
  } else if (p.year_of_era) {
    year = p.era && *p.era == 0 ? 1 - *p.year_of_era : *p.year_of_era;
  }
  if (p.day_of_year) {
    const int64_t doy = *p.day_of_year;
    if (doy == 366 && !IsLeapYear(year)) {
      *error = CouldNotParse(text) + ": Invalid date 'DayOfYear 366' as '" + std::to_string(year) +
               "' is not a leap year";
      return false;
    }
    *days = DaysFromCivil(year, 1, 1) + doy - 1;
    const CivilDate c = CivilFromDays(*days);
    if ((p.month && *p.month != c.month) || (p.day && *p.day != c.day)) {
      *error = CouldNotParse(text) + ": Conflict found: day-of-year and month/day differ";
      return false;
    }
    return true;
  }
  const int month = static_cast<int>(p.month.value_or(1));
  const int day = static_cast<int>(p.day.value_or(1));
  if (day > DaysInMonth(year, month)) {
    static constexpr std::string_view kUpper[12] = {
        "JANUARY", "FEBRUARY", "MARCH",     "APRIL",   "MAY",      "JUNE",
        "JULY",    "AUGUST",   "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
    *error = CouldNotParse(text) + ": Invalid date '" + std::string(kUpper[month - 1]) + " " +
             std::to_string(day) + "'";
    return false;
  }
  *days = DaysFromCivil(year, month, day);
  return true;
}

// Spark's toLocalTime: hour-of-day, else hour-of-am-pm (AM assumed), else 12 for a
// bare PM, else 0.
int64_t ResolveHour(const Parsed& p) {
  if (p.hour_of_day) return *p.hour_of_day;
  if (p.clock_hour_of_day) return *p.clock_hour_of_day % 24;
  std::optional<int64_t> h12 = p.hour_of_ampm;
  if (!h12 && p.clock_hour_of_ampm) h12 = *p.clock_hour_of_ampm % 12;
  if (h12) return *h12 + (p.ampm && *p.ampm == 1 ? 12 : 0);
  if (p.ampm && *p.ampm == 1) return 12;
  return 0;
}

}  // namespace

bool DateTimePattern::Parse(std::string_view text, const ZoneCalc& zone, int64_t* micros,
                            std::string* error) const {
  Parser parser(text, items_);
  Parsed p;
  size_t pos = 0, error_pos = 0;
  if (!parser.ParseRange(0, items_.size(), &pos, &p, &error_pos)) {
    *error = CouldNotParse(text) + " at index " + std::to_string(error_pos);
    return false;
  }
  if (pos != text.size()) {
    *error = CouldNotParse(text) + ", unparsed text found at index " + std::to_string(pos);
    return false;
  }
  int64_t days;
  if (!ResolveDate(p, text, &days, error)) return false;
  const int64_t local = days * kMicrosPerDay + ResolveHour(p) * kMicrosPerHour +
                        p.minute.value_or(0) * kMicrosPerMinute +
                        p.second.value_or(0) * kMicrosPerSecond + p.nanos.value_or(0) / 1000;
  if (p.offset) {
    *micros = local - *p.offset * kMicrosPerSecond;
  } else if (p.zone) {
    *micros = ZoneCalc(*p.zone).FromLocal(local);
  } else {
    *micros = zone.FromLocal(local);
  }
  return true;
}

}  // namespace weir::datetime
