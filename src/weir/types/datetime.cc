#include "weir/types/datetime.h"

#include <cstdio>

#include <absl/time/civil_time.h>

namespace weir {

namespace {

// Floor division and modulo, so that negative times round toward the past.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

void AppendPadded(int64_t v, int width, std::string* out) {
  char buf[32];
  int n = std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(v));
  out->append(buf, static_cast<size_t>(n));
}

void AppendYear(int64_t year, std::string* out) {
  // java.time: four digits for 0..9999, a sign otherwise.
  if (year > 9999) {
    out->push_back('+');
    AppendPadded(year, 4, out);
  } else if (year < 0) {
    out->push_back('-');
    AppendPadded(-year, 4, out);
  } else {
    AppendPadded(year, 4, out);
  }
}

void AppendCivilDate(int64_t year, int month, int day, std::string* out) {
  AppendYear(year, out);
  out->push_back('-');
  AppendPadded(month, 2, out);
  out->push_back('-');
  AppendPadded(day, 2, out);
}

void AppendSecondsUnit(int64_t micros, std::string* out) {
  // Plain decimal seconds with trailing zeros stripped, e.g. 6500000 -> "6.5".
  bool negative = micros < 0;
  uint64_t mag = negative ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  if (negative) out->push_back('-');
  *out += std::to_string(mag / 1'000'000);
  uint64_t frac = mag % 1'000'000;
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%06llu", static_cast<unsigned long long>(frac));
    std::string f(buf);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out->push_back('.');
    *out += f;
  }
}

// The part of a fixed offset after its sign: "H", "HH", "H:MM" or "HH:MM". Checked
// before sscanf, which would also take "-8", " 8" or "08:-30".
bool IsOffsetBody(std::string_view s) {
  auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  size_t colon = s.find(':');
  std::string_view hours = s.substr(0, colon);
  if (!digits(hours) || hours.size() > 2) return false;
  return colon == std::string_view::npos ||
         (s.size() - colon - 1 == 2 && digits(s.substr(colon + 1)));
}

absl::CivilSecond ToCivil(int64_t micros, const TimeZone& tz, int64_t* frac_micros) {
  int64_t secs = FloorDiv(micros, kMicrosPerSecond);
  *frac_micros = FloorMod(micros, kMicrosPerSecond);
  return absl::ToCivilSecond(absl::FromUnixSeconds(secs), tz.zone());
}

}  // namespace

std::string Interval::ToString() const {
  if (months == 0 && days == 0 && micros == 0) return "0 seconds";
  std::string out;
  auto unit = [&out](int64_t v, const char* name) {
    if (v == 0) return;
    out += std::to_string(v);
    out.push_back(' ');
    out += name;
    out.push_back(' ');
  };
  if (months != 0) {
    unit(months / 12, "years");
    unit(months % 12, "months");
  }
  unit(days, "days");
  if (micros != 0) {
    int64_t rest = micros;
    unit(rest / kMicrosPerHour, "hours");
    rest %= kMicrosPerHour;
    unit(rest / kMicrosPerMinute, "minutes");
    rest %= kMicrosPerMinute;
    if (rest != 0) {
      AppendSecondsUnit(rest, &out);
      out += " seconds ";
    }
  }
  out.pop_back();
  return out;
}

// The two conversions below are the well-known civil-calendar algorithms over
// 400-year eras (days_from_civil / civil_from_days), valid for any int64 year range
// a TIMESTAMP can reach.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{yoe + era * 400 + (m <= 2), m, d};
}

int64_t TimestampFromCivilUtc(int64_t year, int month, int day, int hour, int minute, int second,
                              int micros) {
  return DaysFromCivil(year, month, day) * kMicrosPerDay + hour * kMicrosPerHour +
         minute * kMicrosPerMinute + second * kMicrosPerSecond + micros;
}

TimeZone::TimeZone() : name_("UTC"), zone_(absl::UTCTimeZone()) {}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  TimeZone tz;
  tz.name_ = std::string(name);
  std::string_view offset = name;
  if (offset.substr(0, 3) == "UTC" || offset.substr(0, 3) == "GMT") offset.remove_prefix(3);
  if (!offset.empty() && (offset[0] == '+' || offset[0] == '-')) {
    int hh = 0, mm = 0;
    char sign = offset[0];
    std::string rest(offset.substr(1));
    if (!IsOffsetBody(rest) || std::sscanf(rest.c_str(), "%d:%d", &hh, &mm) < 1 || hh > 18 ||
        mm > 59) {
      return Status::InvalidArgument("invalid time zone offset '" + std::string(name) + "'");
    }
    int secs = (hh * 3600 + mm * 60) * (sign == '-' ? -1 : 1);
    tz.zone_ = absl::FixedTimeZone(secs);
    return tz;
  }
  if (name == "UTC" || name == "GMT" || name == "Z") return tz;
  if (!absl::LoadTimeZone(std::string(name), &tz.zone_)) {
    return Status::InvalidArgument("unknown time zone '" + std::string(name) + "'");
  }
  return tz;
}

void AppendDate(int32_t days, std::string* out) {
  CivilDate c = CivilFromDays(days);
  AppendCivilDate(c.year, c.month, c.day, out);
}

std::string FormatDate(int32_t days) {
  std::string out;
  AppendDate(days, &out);
  return out;
}

void AppendTimestamp(int64_t micros, const TimeZone& tz, std::string* out) {
  int64_t frac = 0;
  absl::CivilSecond cs = ToCivil(micros, tz, &frac);
  AppendCivilDate(cs.year(), cs.month(), cs.day(), out);
  out->push_back(' ');
  AppendPadded(cs.hour(), 2, out);
  out->push_back(':');
  AppendPadded(cs.minute(), 2, out);
  out->push_back(':');
  AppendPadded(cs.second(), 2, out);
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%06lld", static_cast<long long>(frac));
    size_t len = 6;
    while (len > 0 && buf[len - 1] == '0') --len;
    out->push_back('.');
    out->append(buf, len);
  }
}

std::string FormatTimestamp(int64_t micros, const TimeZone& tz) {
  std::string out;
  AppendTimestamp(micros, tz, &out);
  return out;
}

void AppendTimestampIso(int64_t micros, const TimeZone& tz, std::string* out) {
  int64_t frac = 0;
  absl::CivilSecond cs = ToCivil(micros, tz, &frac);
  AppendCivilDate(cs.year(), cs.month(), cs.day(), out);
  out->push_back('T');
  AppendPadded(cs.hour(), 2, out);
  out->push_back(':');
  AppendPadded(cs.minute(), 2, out);
  out->push_back(':');
  AppendPadded(cs.second(), 2, out);
  out->push_back('.');
  AppendPadded(frac / 1000, 3, out);
  int64_t secs = FloorDiv(micros, kMicrosPerSecond);
  int offset = tz.zone().At(absl::FromUnixSeconds(secs)).offset;
  if (offset == 0) {
    out->push_back('Z');
    return;
  }
  out->push_back(offset < 0 ? '-' : '+');
  if (offset < 0) offset = -offset;
  AppendPadded(offset / 3600, 2, out);
  out->push_back(':');
  AppendPadded((offset / 60) % 60, 2, out);
}

}  // namespace weir
