// Spark's string parsers for CAST, dates and times: DateTimeUtils.stringToDate and
// stringToTimestamp, ZoneId.of with Spark's fix-ups, IntervalUtils.stringToInterval.

#include <limits>
#include <string>

#include "weir/expr/cast_internal.h"

namespace weir::cast_internal {

namespace {

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month != 2) return kDays[month - 1];
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return leap ? 29 : 28;
}

// LocalDate.of's validation.
bool ValidDate(int64_t year, int64_t month, int64_t day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, static_cast<int>(month));
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Dates and timestamps: DateTimeUtils.stringToDate / parseTimestampString.

bool ParseSparkDate(std::string_view s, int32_t* days) {
  s = TrimAll(s);
  if (s.empty()) return false;
  auto valid_digits = [](int segment, int digits) {
    return segment == 0 ? digits >= 4 && digits <= 7 : digits > 0 && digits <= 2;
  };
  int64_t segments[3] = {1, 1, 1};
  int64_t sign = 1;
  int i = 0;
  int64_t value = 0;
  int digits = 0;
  size_t j = 0;
  if (s[j] == '-' || s[j] == '+') {
    sign = s[j] == '-' ? -1 : 1;
    ++j;
  }
  for (; j < s.size() && s[j] != ' ' && s[j] != 'T'; ++j) {
    char b = s[j];
    if (i < 2 && b == '-') {
      if (!valid_digits(i, digits)) return false;
      segments[i++] = value;
      value = 0;
      digits = 0;
    } else {
      if (!IsDigit(b)) return false;
      // Longer runs are rejected below; stop accumulating before overflow.
      if (digits < 9) value = value * 10 + (b - '0');
      ++digits;
    }
  }
  if (!valid_digits(i, digits)) return false;
  // "yyyy" and "yyyy-[m]m" must consume the whole input.
  if (i < 2 && j < s.size()) return false;
  segments[i] = value;
  const int64_t year = sign * segments[0];
  if (!ValidDate(year, segments[1], segments[2])) return false;
  int64_t d = DaysFromCivil(year, static_cast<int>(segments[1]), static_cast<int>(segments[2]));
  if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max()) {
    return false;
  }
  *days = static_cast<int32_t>(d);
  return true;
}

namespace {

struct TimestampParts {
  // year, month, day, hour, minute, second, microseconds, then scratch slots.
  int64_t segments[10] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
  bool just_time = false;
  bool has_zone = false;
  std::string_view zone;
};

bool ParseTimestampParts(std::string_view raw, TimestampParts* p) {
  auto valid_digits = [](int segment, int digits) {
    return segment == 6 || (segment == 0 && digits >= 4 && digits <= 6) ||
           (segment == 7 && digits <= 2) ||
           (segment != 0 && segment != 6 && segment != 7 && digits > 0 && digits <= 2);
  };
  // Spark trims, but its "starts with T" test looks at the untrimmed first byte.
  size_t j = 0, end = raw.size();
  while (j < end && IsSpaceOrControl(raw[j])) ++j;
  while (end > j && IsSpaceOrControl(raw[end - 1])) --end;
  if (j == end) return false;
  int64_t* seg = p->segments;
  int i = 0;
  int64_t value = 0;
  int digits = 0;
  int frac_digits = 0;
  int year_sign = 0;
  if (raw[j] == '-' || raw[j] == '+') {
    year_sign = raw[j] == '-' ? -1 : 1;
    ++j;
  }
  auto close_segment = [&](int segment) {
    if (!valid_digits(segment, digits)) return false;
    seg[segment] = value;
    value = 0;
    digits = 0;
    return true;
  };
  for (; j < end; ++j) {
    const char b = raw[j];
    if (IsDigit(b)) {
      if (i == 6) ++frac_digits;
      // Fraction digits past the sixth (nanoseconds) are dropped; longer runs elsewhere
      // are rejected by valid_digits, so accumulation can stop before it overflows.
      if ((i != 6 || digits < 6) && digits < 9) value = value * 10 + (b - '0');
      ++digits;
      continue;
    }
    if (j == 0 && b == 'T') {
      p->just_time = true;
      i += 3;
    } else if (i < 2) {
      if (b == '-') {
        if (!close_segment(i)) return false;
        ++i;
      } else if (i == 0 && b == ':' && year_sign == 0) {
        p->just_time = true;
        if (!close_segment(3)) return false;
        i = 4;
      } else {
        return false;
      }
    } else if (i == 2) {
      if (b != ' ' && b != 'T') return false;
      if (!close_segment(i)) return false;
      ++i;
    } else if (i == 3 || i == 4) {
      if (b != ':') return false;
      if (!close_segment(i)) return false;
      ++i;
    } else if (i == 5 || i == 6) {
      if (b == '.' && i == 5) {
        if (!close_segment(i)) return false;
        ++i;
      } else {
        // The zone id: everything from here to the end.
        if (!close_segment(i)) return false;
        ++i;
        p->has_zone = true;
        p->zone = raw.substr(j, end - j);
        j = end - 1;
      }
      if (i == 6 && b != '.') ++i;
    } else {
      if (i < 9 && (b == ':' || b == ' ')) {
        if (!close_segment(i)) return false;
        ++i;
      } else {
        return false;
      }
    }
  }
  if (i > 8 || !close_segment(i)) return false;
  for (; frac_digits < 6; ++frac_digits) seg[6] *= 10;
  if (year_sign != 0) seg[0] *= year_sign;
  return true;
}

}  // namespace

bool ParseSparkTimestamp(std::string_view s, const TimeZone& session, int64_t now_micros,
                         int64_t* micros) {
  TimestampParts p;
  if (!ParseTimestampParts(s, &p)) return false;
  absl::TimeZone zone = session.zone();
  if (p.has_zone && !ResolveZoneId(p.zone, &zone)) return false;
  const int64_t* seg = p.segments;
  // LocalTime.of.
  if (seg[3] > 23 || seg[4] > 59 || seg[5] > 59) return false;
  ZoneRules rules(zone);
  int64_t year = seg[0], month = seg[1], day = seg[2];
  if (p.just_time) {
    CivilDate today = CivilFromDays(rules.MicrosToDays(now_micros));
    year = today.year;
    month = today.month;
    day = today.day;
  } else if (!ValidDate(year, month, day)) {
    return false;
  }
  return rules.LocalToMicros(year, static_cast<int>(month), static_cast<int>(day),
                             static_cast<int>(seg[3]), static_cast<int>(seg[4]),
                             static_cast<int>(seg[5]), seg[6], micros);
}

// ---------------------------------------------------------------------------------------
// Zone ids: ZoneId.of(id, ZoneId.SHORT_IDS).

namespace {

// ZoneOffset.of: "+h", "+hh", "+hhmm", "+hh:mm", "+hhmmss", "+hh:mm:ss", within +-18:00.
bool ParseZoneOffset(std::string_view id, int* seconds) {
  if (id == "Z") {
    *seconds = 0;
    return true;
  }
  std::string s(id);
  if (s.size() == 2) s.insert(1, "0");
  auto two = [&s](size_t pos, bool after_colon, int* v) {
    if (after_colon && s[pos - 1] != ':') return false;
    if (pos + 1 >= s.size() || !IsDigit(s[pos]) || !IsDigit(s[pos + 1])) return false;
    *v = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    return true;
  };
  int h = 0, m = 0, sec = 0;
  bool ok = false;
  switch (s.size()) {
    case 3:
      ok = two(1, false, &h);
      break;
    case 5:
      ok = two(1, false, &h) && two(3, false, &m);
      break;
    case 6:
      ok = two(1, false, &h) && two(4, true, &m);
      break;
    case 7:
      ok = two(1, false, &h) && two(3, false, &m) && two(5, false, &sec);
      break;
    case 9:
      ok = two(1, false, &h) && two(4, true, &m) && two(7, true, &sec);
      break;
    default:
      return false;
  }
  if (!ok || (s[0] != '+' && s[0] != '-')) return false;
  if (h > 18 || m > 59 || sec > 59) return false;
  int total = h * 3600 + m * 60 + sec;
  if (total > 18 * 3600) return false;
  *seconds = s[0] == '-' ? -total : total;
  return true;
}

// A region id that java.time's tzdb could hold: "[A-Za-z][A-Za-z0-9/_+-]+". Stricter
// than the file names under zoneinfo, so that no text from data opens other files.
bool PlausibleRegionId(std::string_view id) {
  if (id.size() < 2) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(id[0])) return false;
  for (char c : id) {
    if (!alpha(c) && !IsDigit(c) && c != '/' && c != '_' && c != '+' && c != '-') return false;
  }
  if (id.find("//") != std::string_view::npos || id.back() == '/') return false;
  for (std::string_view bad : {"posix/", "right/"}) {
    if (id.substr(0, bad.size()) == bad) return false;
  }
  return id != "localtime" && id != "posixrules" && id != "Factory";
}

bool LoadRegion(const std::string& id, absl::TimeZone* zone) {
  if (!PlausibleRegionId(id)) return false;
  return absl::LoadTimeZone(id, zone);
}

// ZoneId.SHORT_IDS.
std::string_view ShortId(std::string_view id) {
  static constexpr std::pair<std::string_view, std::string_view> kShortIds[] = {
      {"ACT", "Australia/Darwin"},
      {"AET", "Australia/Sydney"},
      {"AGT", "America/Argentina/Buenos_Aires"},
      {"ART", "Africa/Cairo"},
      {"AST", "America/Anchorage"},
      {"BET", "America/Sao_Paulo"},
      {"BST", "Asia/Dhaka"},
      {"CAT", "Africa/Harare"},
      {"CNT", "America/St_Johns"},
      {"CST", "America/Chicago"},
      {"CTT", "Asia/Shanghai"},
      {"EAT", "Africa/Addis_Ababa"},
      {"ECT", "Europe/Paris"},
      {"EST", "-05:00"},
      {"HST", "-10:00"},
      {"IET", "America/Indiana/Indianapolis"},
      {"IST", "Asia/Kolkata"},
      {"JST", "Asia/Tokyo"},
      {"MIT", "Pacific/Apia"},
      {"MST", "-07:00"},
      {"NET", "Asia/Yerevan"},
      {"NST", "Pacific/Auckland"},
      {"PLT", "Asia/Karachi"},
      {"PNT", "America/Phoenix"},
      {"PRT", "America/Puerto_Rico"},
      {"PST", "America/Los_Angeles"},
      {"SST", "Pacific/Guadalcanal"},
      {"VST", "Asia/Ho_Chi_Minh"},
  };
  for (const auto& [k, v] : kShortIds) {
    if (k == id) return v;
  }
  return id;
}

}  // namespace

bool ResolveZoneId(std::string_view text, absl::TimeZone* zone) {
  std::string id(TrimJava(text));
  // getZoneId: "(+|-)(\d):" -> "$10$2:" (first match), then "(+|-)(\d\d):(\d)$" ->
  // "$1$2:0$3", the offset spellings Spark accepted before 3.0.
  for (size_t k = 0; k + 2 < id.size(); ++k) {
    if ((id[k] == '+' || id[k] == '-') && IsDigit(id[k + 1]) && id[k + 2] == ':') {
      id.insert(k + 1, "0");
      break;
    }
  }
  const size_t n = id.size();
  if (n >= 5 && (id[n - 5] == '+' || id[n - 5] == '-') && IsDigit(id[n - 4]) &&
      IsDigit(id[n - 3]) && id[n - 2] == ':' && IsDigit(id[n - 1])) {
    id.insert(n - 1, "0");
  }
  id = std::string(ShortId(id));
  int seconds = 0;
  if (id.size() <= 1 || id[0] == '+' || id[0] == '-') {
    if (!ParseZoneOffset(id, &seconds)) return false;
    *zone = absl::FixedTimeZone(seconds);
    return true;
  }
  size_t prefix = 0;
  if (id.compare(0, 3, "UTC") == 0 || id.compare(0, 3, "GMT") == 0) {
    prefix = 3;
  } else if (id.compare(0, 2, "UT") == 0) {
    prefix = 2;
  }
  if (prefix > 0) {
    if (id.size() == prefix) {
      *zone = absl::UTCTimeZone();
      return true;
    }
    if (id[prefix] == '+' || id[prefix] == '-') {
      if (!ParseZoneOffset(std::string_view(id).substr(prefix), &seconds)) return false;
      *zone = absl::FixedTimeZone(seconds);
      return true;
    }
  }
  return LoadRegion(id, zone);
}

// ---------------------------------------------------------------------------------------
// Intervals: IntervalUtils.stringToInterval's state machine.

namespace {

// The running total of an interval being parsed.
struct IntervalSum {
  int64_t months = 0;
  int64_t days = 0;
  int64_t micros = 0;
};

// IntervalUtils' UNIT_BEGIN state: adds `value` of the unit named at s[*i] (and, for
// seconds, `fraction` microseconds) and moves *i past the name. False for an unknown
// unit or an overflow, which Spark reports as ArithmeticException (NULL for CAST).
bool AddIntervalUnit(std::string_view s, size_t* i, int64_t value, int64_t fraction,
                     IntervalSum* sum) {
  auto at = [&](std::string_view word) {
    return *i + word.size() <= s.size() && EqualsIgnoreCase(s.substr(*i, word.size()), word);
  };
  auto add = [](int64_t a, int64_t b, int64_t* r) { return !__builtin_add_overflow(a, b, r); };
  auto mul = [](int64_t a, int64_t b, int64_t* r) { return !__builtin_mul_overflow(a, b, r); };
  auto fits_int = [](int64_t v) {
    return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
  };
  int64_t t = 0;
  std::string_view unit;
  bool ok;
  if (at("year")) {
    unit = "year";
    ok = mul(value, 12, &t) && add(sum->months, t, &sum->months) && fits_int(sum->months);
  } else if (at("week")) {
    unit = "week";
    ok = mul(value, 7, &t) && add(sum->days, t, &sum->days) && fits_int(sum->days);
  } else if (at("day")) {
    unit = "day";
    ok = fits_int(value) && add(sum->days, value, &sum->days) && fits_int(sum->days);
  } else if (at("hour")) {
    unit = "hour";
    ok = mul(value, kMicrosPerHour, &t) && add(sum->micros, t, &sum->micros);
  } else if (at("second")) {
    unit = "second";
    ok = mul(value, kMicrosPerSecond, &t) && add(sum->micros, t, &sum->micros) &&
         add(sum->micros, fraction, &sum->micros);
  } else if (at("month")) {
    unit = "month";
    ok = fits_int(value) && add(sum->months, value, &sum->months) && fits_int(sum->months);
  } else if (at("minute")) {
    unit = "minute";
    ok = mul(value, kMicrosPerMinute, &t) && add(sum->micros, t, &sum->micros);
  } else if (at("millisecond")) {
    unit = "millisecond";
    ok = mul(value, 1000, &t) && add(sum->micros, t, &sum->micros);
  } else if (at("microsecond")) {
    unit = "microsecond";
    ok = add(sum->micros, value, &sum->micros);
  } else {
    return false;
  }
  *i += unit.size();
  return ok;
}

}  // namespace

bool ParseSparkInterval(std::string_view input, Interval* out) {
  // Spark lower-cases the text first; units are ASCII, so comparing case-insensitively
  // in place is the same.
  const std::string_view s = TrimAll(input);
  if (s.empty()) return false;
  enum State {
    kPrefix,
    kTrimBeforeSign,
    kSign,
    kTrimBeforeValue,
    kValue,
    kFraction,
    kTrimBeforeUnit,
    kUnitBegin,
    kUnitSuffix,
    kUnitEnd
  };
  constexpr int kInitialFractionScale = 100'000'000;  // nanoseconds / 10
  State state = kPrefix;
  size_t i = 0;
  int64_t value = 0;
  bool negative = false;
  IntervalSum sum;
  int fraction_scale = 0;
  int64_t fraction = 0;
  bool point_prefixed = false;
  while (i < s.size()) {
    const char b = AsciiLower(s[i]);
    switch (state) {
      case kPrefix:
        if (s.size() >= 8 && EqualsIgnoreCase(s.substr(0, 8), "interval")) {
          if (s.size() == 8 || !IsJavaWhitespace(s[8])) return false;
          i += 9;
        }
        state = kTrimBeforeSign;
        break;
      case kTrimBeforeSign:
        if (IsJavaWhitespace(b)) {
          ++i;
        } else {
          state = kSign;
        }
        break;
      case kSign:
        value = 0;
        fraction = 0;
        state = kTrimBeforeValue;
        fraction_scale = -1;
        point_prefixed = false;
        if (b == '-' || b == '+') {
          negative = b == '-';
          ++i;
        } else if (IsDigit(b)) {
          negative = false;
        } else if (b == '.') {
          negative = false;
          fraction_scale = kInitialFractionScale;
          point_prefixed = true;
          ++i;
          state = kFraction;
        } else {
          return false;
        }
        break;
      case kTrimBeforeValue:
        if (IsJavaWhitespace(b)) {
          ++i;
        } else {
          state = kValue;
        }
        break;
      case kValue:
        if (IsDigit(b)) {
          if (__builtin_mul_overflow(value, 10, &value) ||
              __builtin_add_overflow(value, b - '0', &value)) {
            return false;
          }
        } else if (IsJavaWhitespace(b)) {
          state = kTrimBeforeUnit;
        } else if (b == '.') {
          fraction_scale = kInitialFractionScale;
          state = kFraction;
        } else {
          return false;
        }
        ++i;
        break;
      case kFraction:
        if (IsDigit(b) && fraction_scale > 0) {
          fraction += (b - '0') * fraction_scale;
          fraction_scale /= 10;
        } else if (IsJavaWhitespace(b) &&
                   (!point_prefixed || fraction_scale < kInitialFractionScale)) {
          fraction /= 1000;  // nanoseconds to microseconds
          state = kTrimBeforeUnit;
        } else {
          return false;
        }
        ++i;
        break;
      case kTrimBeforeUnit:
        if (IsJavaWhitespace(b)) {
          ++i;
        } else {
          state = kUnitBegin;
        }
        break;
      case kUnitBegin:
        // Only seconds may have a fraction.
        if (b != 's' && fraction_scale >= 0) return false;
        if (negative) {
          value = -value;
          fraction = -fraction;
        }
        if (!AddIntervalUnit(s, &i, value, fraction, &sum)) return false;
        state = kUnitSuffix;
        break;
      case kUnitSuffix:
        if (b == 's') {
          state = kUnitEnd;
        } else if (IsJavaWhitespace(b)) {
          state = kTrimBeforeSign;
        } else {
          return false;
        }
        ++i;
        break;
      case kUnitEnd:
        if (!IsJavaWhitespace(b)) return false;
        ++i;
        state = kTrimBeforeSign;
        break;
    }
  }
  if (state != kUnitSuffix && state != kUnitEnd && state != kTrimBeforeSign) return false;
  out->months = static_cast<int32_t>(sum.months);
  out->days = static_cast<int32_t>(sum.days);
  out->micros = sum.micros;
  return true;
}

}  // namespace weir::cast_internal
