// Compiling and formatting Spark datetime patterns (DateTimeFormatterHelper and
// java.time's DateTimeFormatterBuilder.appendPattern); parsing is in
// datetime_parse.cc.

#include "weir/functions/datetime_format.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <absl/time/civil_time.h>

#include "weir/common/check.h"

namespace weir::datetime {

namespace {

constexpr std::string_view kMonthNames[12] = {"January",   "February", "March",    "April",
                                              "May",       "June",     "July",     "August",
                                              "September", "October",  "November", "December"};
constexpr std::string_view kDayNames[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};
constexpr std::string_view kQuarterNames[4] = {"1st quarter", "2nd quarter", "3rd quarter",
                                               "4th quarter"};

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The letters SimpleDateFormat knows: a pattern made only of these (outside quotes)
// would have worked with spark.sql.legacy.timeParserPolicy=LEGACY.
bool LegacyAccepts(std::string_view pattern) {
  static constexpr std::string_view kLegacyLetters = "GyYMLwWDdFEuaHkKhmsSzZX";
  bool quoted = false;
  for (char c : pattern) {
    if (c == '\'') {
      quoted = !quoted;
    } else if (!quoted && IsAsciiLetter(c) && kLegacyLetters.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return !quoted;
}

// DateTimeFormatterHelper.checkInvalidPattern: the upgrade error when the legacy
// formatter accepts the pattern, otherwise the original IllegalArgumentException.
Status InvalidPattern(std::string_view pattern, const std::string& message) {
  if (LegacyAccepts(pattern)) {
    return Status::InvalidInput(
        "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION] You may get a "
        "different result due to the upgrading to Spark >= 3.0: Fail to recognize '" +
        std::string(pattern) +
        "' pattern in the DateTimeFormatter. 1) You can set \"spark.sql.legacy.timeParserPolicy\" "
        "to \"LEGACY\" to restore the behavior before Spark 3.0. 2) You can form a valid datetime "
        "pattern with the guide from "
        "'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'. (" +
        message + ")");
  }
  return Status::InvalidInput(message + " in datetime pattern '" + std::string(pattern) + "'");
}

// DateTimeFormatterHelper.convertIncompatiblePattern's checks on unquoted text.
Status CheckSparkRestrictions(std::string_view pattern, bool for_parsing) {
  static constexpr std::string_view kWeekBased = "YWwuec";
  static constexpr std::string_view kUnsupported = "ABnNp";
  static constexpr std::string_view kUnsupportedForParsing = "EFqQ";
  std::string unquoted;  // unquoted runs, separated by '\'' so runs never join
  bool quoted = false;
  for (char c : pattern) {
    if (c == '\'') {
      quoted = !quoted;
      unquoted.push_back('\'');
    } else if (!quoted) {
      unquoted.push_back(c);
    }
  }
  for (char c : unquoted) {
    if (kWeekBased.find(c) != std::string_view::npos) {
      return InvalidPattern(pattern, std::string("All week-based patterns are unsupported since "
                                                 "Spark 3.0, detected: ") +
                                         c + ", Please use the SQL function EXTRACT instead");
    }
  }
  for (char c : unquoted) {
    if (kUnsupported.find(c) != std::string_view::npos ||
        (for_parsing && kUnsupportedForParsing.find(c) != std::string_view::npos)) {
      return InvalidPattern(pattern, std::string("Illegal pattern character: ") + c);
    }
  }
  for (std::string_view style : {"GGGGG", "MMMMM", "LLLLL", "EEEEE", "QQQQQ", "qqqqq", "yyyyyyy"}) {
    if (unquoted.find(style) != std::string::npos) {
      return InvalidPattern(pattern, std::string("Too many pattern letters: ") + style[0]);
    }
  }
  return Status::OK();
}

// The largest count java.time accepts for a letter, or 0 for an unknown letter.
int MaxCount(char letter) {
  switch (letter) {
    case 'y':
    case 'S':
      return 19;
    case 'G':
    case 'M':
    case 'L':
    case 'E':
    case 'Q':
    case 'q':
    case 'X':
    case 'x':
    case 'Z':
      return 5;
    case 'z':
    case 'O':
      return 4;
    case 'D':
      return 3;
    case 'd':
    case 'h':
    case 'H':
    case 'k':
    case 'K':
    case 'm':
    case 's':
    case 'F':
    case 'V':
      return 2;
    case 'a':
      return 1;
    default:
      return 0;
  }
}

// True for a number with a fixed width of `count` digits when parsed.
bool IsFixedWidthNumber(const PatternItem& it) {
  if (it.kind != PatternItem::kField || it.count != 2) return false;
  return std::string_view("MLdhHkKmsDQqF").find(it.letter) != std::string_view::npos ||
         it.letter == 'y';
}

}  // namespace

Status CannotParseTimestamp(const std::string& message) {
  return Status::InvalidInput("[CANNOT_PARSE_TIMESTAMP] " + message +
                              ". If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                              "bypass this error.");
}

Result<DateTimePattern> DateTimePattern::Compile(std::string_view pattern, bool for_parsing) {
  RETURN_NOT_OK(CheckSparkRestrictions(pattern, for_parsing));
  DateTimePattern out;
  out.pattern_ = std::string(pattern);
  std::vector<PatternItem>& items = out.items_;
  auto literal = [&items](std::string_view text) {
    if (!items.empty() && items.back().kind == PatternItem::kLiteral) {
      items.back().text += text;
    } else {
      PatternItem it;
      it.kind = PatternItem::kLiteral;
      it.text = std::string(text);
      items.push_back(std::move(it));
    }
  };
  int depth = 0;
  for (size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (IsAsciiLetter(c)) {
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      const int count = static_cast<int>(j - i);
      const int max = MaxCount(c);
      if (max == 0) return InvalidPattern(pattern, std::string("Unknown pattern letter: ") + c);
      if (c == 'V' && count != 2) {
        return InvalidPattern(pattern, "Pattern letter count must be 2: V");
      }
      if (c == 'O' && count != 1 && count != 4) {
        return InvalidPattern(pattern, "Pattern letter count must be 1 or 4: O");
      }
      if (count > max || (c == 'S' && count > 9)) {
        return InvalidPattern(pattern, std::string("Too many pattern letters: ") + c);
      }
      PatternItem it;
      it.kind = PatternItem::kField;
      it.letter = c;
      it.count = count;
      items.push_back(std::move(it));
      i = j;
    } else if (c == '\'') {
      size_t j = i + 1;
      std::string text;
      for (;;) {
        if (j >= pattern.size()) {
          return InvalidPattern(
              pattern, "Pattern ends with an incomplete string literal: " + std::string(pattern));
        }
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            text.push_back('\'');
            j += 2;
            continue;
          }
          break;
        }
        text.push_back(pattern[j++]);
      }
      literal(j == i + 1 ? std::string_view("'") : std::string_view(text));
      i = j + 1;
    } else if (c == '[' || c == ']') {
      if (c == ']' && depth == 0) {
        return InvalidPattern(pattern, "Pattern invalid as it contains ] without previous [");
      }
      depth += c == '[' ? 1 : -1;
      PatternItem it;
      it.kind = c == '[' ? PatternItem::kOptionalStart : PatternItem::kOptionalEnd;
      items.push_back(std::move(it));
      ++i;
    } else if (c == '{' || c == '}' || c == '#') {
      return InvalidPattern(pattern,
                            std::string("Pattern includes reserved character: '") + c + "'");
    } else {
      literal(std::string_view(&pattern[i], 1));
      ++i;
    }
  }
  // Spark parses with 'u' (proleptic year) unless an era is present.
  bool has_era = false;
  for (const PatternItem& it : items) has_era |= it.kind == PatternItem::kField && it.letter == 'G';
  if (!has_era) {
    for (PatternItem& it : items) {
      if (it.kind == PatternItem::kField && it.letter == 'y') it.letter = 'u';
    }
  }
  // The fast paths of PatternFormatter.
  out.numeric_only_ = true;
  out.time_only_ = true;
  for (const PatternItem& it : items) {
    if (it.kind == PatternItem::kLiteral) continue;
    const bool time_field = it.kind == PatternItem::kField &&
                            std::string_view("HhKkmsS").find(it.letter) != std::string_view::npos;
    const bool numeric =
        time_field ||
        (it.kind == PatternItem::kField &&
         (it.letter == 'u' || ((it.letter == 'M' || it.letter == 'd') && it.count <= 2)));
    out.numeric_only_ &= numeric;
    out.time_only_ &= time_field || (it.kind == PatternItem::kField && it.letter == 'a');
  }
  // Adjacent value parsing: a variable-width number leaves room for the fixed-width
  // numbers right after it.
  for (size_t k = 0; k < items.size(); ++k) {
    PatternItem& it = items[k];
    if (it.kind != PatternItem::kField || IsFixedWidthNumber(it)) continue;
    int reserved = 0;
    for (size_t n = k + 1; n < items.size() && IsFixedWidthNumber(items[n]); ++n) {
      reserved += 2;
    }
    it.reserved_digits = reserved;
  }
  return out;
}

// ---- formatting ----------------------------------------------------------------------

namespace {

// Writes the decimal digits of `v`, zero-padded to at least `min_width` digits
// (at most 20), at `p`; returns the end.
char* PutPadded(char* p, uint64_t v, int min_width) {
  char tmp[24];
  char* e = tmp + sizeof(tmp);
  char* b = e;
  do {
    *--b = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (e - b < min_width) *--b = '0';
  std::memcpy(p, b, static_cast<size_t>(e - b));
  return p + (e - b);
}

// '-' for a negative value, then its magnitude zero-padded to `min_width` digits.
char* PutNumber(char* p, int64_t v, int min_width) {
  uint64_t mag = static_cast<uint64_t>(v);
  if (v < 0) {
    *p++ = '-';
    mag = 0 - mag;
  }
  return PutPadded(p, mag, min_width);
}

void AppendNumber(int64_t v, int min_width, std::string* out) {
  char buf[32];
  out->append(buf, static_cast<size_t>(PutNumber(buf, v, min_width) - buf));
}

// java.time's rendering of the proleptic year with `n` letters (u): two letters keep
// the last two digits; four or more add a '+' when the year needs more than n digits.
char* PutYear(char* p, int64_t y, int n) {
  if (n == 2) return PutPadded(p, static_cast<uint64_t>(std::llabs(y) % 100), 2);
  if (n >= 4 && y > 0) {
    int64_t limit = 1;
    for (int k = 0; k < n; ++k) limit *= 10;
    if (y >= limit) *p++ = '+';
  }
  return PutNumber(p, y, n);
}

// The fields of one instant on a wall clock.
struct WallTime {
  int64_t year;
  int month, day, hour, minute, second;
  int64_t nanos;
  int64_t days;    // local days since the epoch
  int64_t offset;  // seconds east of UTC
};

// java.time offset renderings. `style`: 'X'/'x'/'Z' with their counts.
void AppendOffset(int64_t offset, char letter, int count, std::string* out) {
  if (letter == 'O' || (letter == 'Z' && count == 4)) {
    out->append("GMT");
    if (offset == 0) return;
    out->push_back(offset < 0 ? '-' : '+');
    int64_t a = std::llabs(offset);
    if (letter == 'O' && count == 1) {
      AppendNumber(a / 3600, 1, out);
      if (a % 3600 != 0) {
        out->push_back(':');
        AppendNumber(a / 60 % 60, 2, out);
      }
    } else {
      AppendNumber(a / 3600, 2, out);
      out->push_back(':');
      AppendNumber(a / 60 % 60, 2, out);
    }
    if (a % 60 != 0) {
      out->push_back(':');
      AppendNumber(a % 60, 2, out);
    }
    return;
  }
  const bool z_for_zero = letter == 'X' || (letter == 'Z' && count == 5);
  if (offset == 0 && z_for_zero) {
    out->push_back('Z');
    return;
  }
  // Shapes: +HH[mm] (1), +HHMM (2), +HH:MM (3), +HHMM[ss] (4), +HH:MM[:ss] (5).
  int shape = letter == 'Z' ? (count <= 3 ? 2 : 5) : count;
  int64_t a = std::llabs(offset);
  out->push_back(offset < 0 ? '-' : '+');
  AppendNumber(a / 3600, 2, out);
  const int64_t mm = a / 60 % 60, ss = a % 60;
  const bool colon = shape == 3 || shape == 5;
  if (shape != 1 || mm != 0) {
    if (colon) out->push_back(':');
    AppendNumber(mm, 2, out);
  }
  if ((shape == 4 || shape == 5) && ss != 0) {
    if (colon) out->push_back(':');
    AppendNumber(ss, 2, out);
  }
}

void AppendField(const PatternItem& it, const WallTime& w, const ZoneCalc& zone,
                 std::string_view zone_id, int64_t micros, std::string* out) {
  const int n = it.count;
  switch (it.letter) {
    case 'G': {
      const bool ad = w.year > 0;
      out->append(n == 4 ? (ad ? "Anno Domini" : "Before Christ") : (ad ? "AD" : "BC"));
      break;
    }
    case 'u':
    case 'y': {
      const int64_t y = it.letter == 'y' && w.year <= 0 ? 1 - w.year : w.year;
      // EXCEEDS_PAD (4+ letters): a '+' when the year needs more digits than n.
      char buf[32];
      out->append(buf, static_cast<size_t>(PutYear(buf, y, n) - buf));
      break;
    }
    case 'D':
      AppendNumber(w.days - DaysFromCivil(w.year, 1, 1) + 1, n, out);
      break;
    case 'M':
    case 'L':
      if (n >= 3) {
        std::string_view name = kMonthNames[w.month - 1];
        out->append(n == 3 ? name.substr(0, 3) : name);
      } else {
        AppendNumber(w.month, n, out);
      }
      break;
    case 'd':
      AppendNumber(w.day, n, out);
      break;
    case 'Q':
    case 'q': {
      const int q = (w.month - 1) / 3 + 1;
      if (n == 3) {
        out->push_back('Q');
        AppendNumber(q, 1, out);
      } else if (n == 4) {
        out->append(kQuarterNames[q - 1]);
      } else {
        AppendNumber(q, n, out);
      }
      break;
    }
    case 'E': {
      std::string_view name = kDayNames[IsoDayOfWeek(w.days) - 1];
      out->append(n == 4 ? name : name.substr(0, 3));
      break;
    }
    case 'F':
      AppendNumber((w.day - 1) % 7 + 1, n, out);
      break;
    case 'a':
      out->append(w.hour < 12 ? "AM" : "PM");
      break;
    case 'h':
      AppendNumber(w.hour % 12 == 0 ? 12 : w.hour % 12, n, out);
      break;
    case 'K':
      AppendNumber(w.hour % 12, n, out);
      break;
    case 'k':
      AppendNumber(w.hour == 0 ? 24 : w.hour, n, out);
      break;
    case 'H':
      AppendNumber(w.hour, n, out);
      break;
    case 'm':
      AppendNumber(w.minute, n, out);
      break;
    case 's':
      AppendNumber(w.second, n, out);
      break;
    case 'S': {
      char buf[16];
      PutPadded(buf, static_cast<uint64_t>(w.nanos), 9);
      out->append(buf, static_cast<size_t>(n));
      break;
    }
    case 'V':
      out->append(zone_id);
      break;
    case 'z':
      if (zone.fixed() && w.offset != 0) {
        AppendOffset(w.offset, 'x', 3, out);
      } else {
        out->append(
            zone.zone().At(absl::FromUnixSeconds(FloorDiv(micros, kMicrosPerSecond))).zone_abbr);
      }
      break;
    default:  // O X x Z
      AppendOffset(w.offset, it.letter, n, out);
      break;
  }
}

}  // namespace

void DateTimePattern::Format(int64_t micros, const ZoneCalc& zone, std::string_view zone_id,
                             std::string* out) const {
  WallTime w;
  w.offset = zone.OffsetAt(micros);
  const int64_t local = micros + w.offset * kMicrosPerSecond;
  w.days = FloorDiv(local, kMicrosPerDay);
  const int64_t tod = local - w.days * kMicrosPerDay;
  const CivilDate c = CivilFromDays(w.days);
  w.year = c.year;
  w.month = c.month;
  w.day = c.day;
  w.hour = static_cast<int>(tod / kMicrosPerHour);
  w.minute = static_cast<int>(tod / kMicrosPerMinute % 60);
  w.second = static_cast<int>(tod / kMicrosPerSecond % 60);
  w.nanos = tod % kMicrosPerSecond * 1000;
  for (const PatternItem& it : items_) {
    if (it.kind == PatternItem::kLiteral) {
      out->append(it.text);
    } else if (it.kind == PatternItem::kField) {
      AppendField(it, w, zone, zone_id, micros, out);
    }
  }
}

// ---- PatternFormatter ----------------------------------------------------------------

PatternFormatter::PatternFormatter(const DateTimePattern& pattern, const ZoneCalc& zone,
                                   std::string_view zone_id)
    : pattern_(pattern), zone_(zone), zone_id_(zone_id) {
  if (!pattern_.numeric_only()) return;
  size_t need = 0;  // the longest text: a year takes at most 21 characters
  for (const PatternItem& it : pattern_.items()) {
    need += it.kind == PatternItem::kLiteral ? it.text.size() : static_cast<size_t>(it.count) + 24;
  }
  buf_.resize(need);
  date_only_ = !pattern_.time_only();
  for (const PatternItem& it : pattern_.items()) {
    if (it.kind == PatternItem::kField && it.letter != 'u' && it.letter != 'M' &&
        it.letter != 'd') {
      date_only_ = false;
    }
  }
}

int64_t PatternFormatter::OffsetAt(int64_t micros) {
  if (zone_.fixed()) return zone_.fixed_offset_seconds();
  const int64_t secs = FloorDiv(micros, kMicrosPerSecond);
  const int64_t hour = FloorDiv(secs, 3600) * 3600;
  if (hour != hour_lo_) {
    // The offset is kept for a whole hour when both its ends have it: no zone has
    // two transitions within an hour (they are months apart), so it holds for the
    // seconds between.
    const absl::TimeZone& z = zone_.zone();
    const int64_t first = z.At(absl::FromUnixSeconds(hour)).offset;
    const int64_t last = z.At(absl::FromUnixSeconds(hour + 3599)).offset;
    if (first != last) return zone_.OffsetAt(micros);  // an hour with a transition
    hour_lo_ = hour;
    hour_offset_ = first;
  }
  return hour_offset_;
}

const CivilDate& PatternFormatter::DateOf(int64_t days) {
  if (days != cached_days_) {
    cached_date_ = CivilFromDays(days);
    cached_days_ = days;
  }
  return cached_date_;
}

std::string_view PatternFormatter::FormatDay(int64_t micros, int64_t* lo, int64_t* hi) {
  WEIR_CHECK(date_only_);
  const std::string_view text = Format(micros);
  *lo = micros;
  *hi = micros == INT64_MAX ? micros : micros + 1;
  // Format just cached the offset of micros (unless its hour has a transition) and
  // the local day text_days_. Exact arithmetic here: where Format's local time wraps
  // (instants within a day of the ends of the range) the range stays one instant.
  const int64_t offset = OffsetAt(micros);
  const __int128 shift = static_cast<__int128>(offset) * kMicrosPerSecond;
  const __int128 local = static_cast<__int128>(micros) + shift;
  if (local < INT64_MIN || local > INT64_MAX) return text;
  const __int128 day_start = static_cast<__int128>(text_days_) * kMicrosPerDay;
  __int128 from = day_start - shift;
  __int128 to = day_start + kMicrosPerDay - shift;
  if (!zone_.fixed()) {
    // The offset holds for the cached hour only (and nothing is cached for an hour
    // with a transition).
    const int64_t hour = FloorDiv(FloorDiv(micros, kMicrosPerSecond), 3600) * 3600;
    if (hour != hour_lo_) return text;
    from = std::max<__int128>(from, static_cast<__int128>(hour) * kMicrosPerSecond);
    to = std::min<__int128>(to, (static_cast<__int128>(hour) + 3600) * kMicrosPerSecond);
  }
  // Keep local times inside the int64 range (no wrapping in between).
  from = std::max<__int128>(from, static_cast<__int128>(INT64_MIN) - shift);
  to = std::min<__int128>(to, static_cast<__int128>(INT64_MAX) + 1 - shift);
  from = std::max<__int128>(from, INT64_MIN);
  to = std::min<__int128>(to, INT64_MAX);
  if (from > micros || to <= micros) return text;  // not expected; stay safe
  *lo = static_cast<int64_t>(from);
  *hi = static_cast<int64_t>(to);
  return text;
}

std::string_view PatternFormatter::Format(int64_t micros) {
  if (!pattern_.numeric_only()) {
    buf_.clear();
    pattern_.Format(micros, zone_, zone_id_, &buf_);
    return buf_;
  }
  const int64_t offset = OffsetAt(micros);
  // Wrapping as Format's arithmetic does for instants near the ends of the range.
  const int64_t local = static_cast<int64_t>(static_cast<uint64_t>(micros) +
                                             static_cast<uint64_t>(offset * kMicrosPerSecond));
  const int64_t days = FloorDiv(local, kMicrosPerDay);
  char* const begin = buf_.data();
  if (date_only_ && days == text_days_) return std::string_view(begin, text_len_);
  const int64_t tod = local - days * kMicrosPerDay;
  const CivilDate* date = pattern_.time_only() ? nullptr : &DateOf(days);
  const int hour = static_cast<int>(tod / kMicrosPerHour);
  char* p = begin;
  for (const PatternItem& it : pattern_.items()) {
    if (it.kind == PatternItem::kLiteral) {
      std::memcpy(p, it.text.data(), it.text.size());
      p += it.text.size();
      continue;
    }
    const int n = it.count;
    switch (it.letter) {
      case 'u':
        p = PutYear(p, date->year, n);
        break;
      case 'M':
        p = PutPadded(p, static_cast<uint64_t>(date->month), n);
        break;
      case 'd':
        p = PutPadded(p, static_cast<uint64_t>(date->day), n);
        break;
      case 'H':
        p = PutPadded(p, static_cast<uint64_t>(hour), n);
        break;
      case 'h':
        p = PutPadded(p, static_cast<uint64_t>(hour % 12 == 0 ? 12 : hour % 12), n);
        break;
      case 'K':
        p = PutPadded(p, static_cast<uint64_t>(hour % 12), n);
        break;
      case 'k':
        p = PutPadded(p, static_cast<uint64_t>(hour == 0 ? 24 : hour), n);
        break;
      case 'm':
        p = PutPadded(p, static_cast<uint64_t>(tod / kMicrosPerMinute % 60), n);
        break;
      case 's':
        p = PutPadded(p, static_cast<uint64_t>(tod / kMicrosPerSecond % 60), n);
        break;
      default: {  // 'S': the first n of the nine digits of the nanoseconds
        char frac[16];
        PutPadded(frac, static_cast<uint64_t>(tod % kMicrosPerSecond * 1000), 9);
        std::memcpy(p, frac, static_cast<size_t>(n));
        p += n;
        break;
      }
    }
  }
  const size_t len = static_cast<size_t>(p - begin);
  if (date_only_) {
    text_days_ = days;
    text_len_ = len;
  }
  return std::string_view(begin, len);
}

}  // namespace weir::datetime
