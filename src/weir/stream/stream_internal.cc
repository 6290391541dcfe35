#include "weir/stream/stream_internal.h"

#include <cmath>
#include <random>

#include <simdjson.h>

#include "weir/functions/registry.h"
#include "weir/types/datetime.h"

namespace weir::stream::internal {

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

namespace {

// Microseconds per unit, or 0 when `unit` is not a duration unit.
int64_t UnitMicros(const std::string& unit) {
  static constexpr struct {
    const char* names[6];
    int64_t micros;
  } kUnits[] = {
      {{"us", "micro", "micros", "microsecond", "microseconds", nullptr}, 1},
      {{"ms", "milli", "millis", "millisecond", "milliseconds", nullptr}, 1'000},
      {{"s", "sec", "secs", "second", "seconds", nullptr}, 1'000'000},
      {{"m", "min", "mins", "minute", "minutes", nullptr}, 60'000'000},
      {{"h", "hour", "hours", nullptr, nullptr, nullptr}, 3'600'000'000},
      {{"d", "day", "days", nullptr, nullptr, nullptr}, 86'400'000'000},
  };
  for (const auto& u : kUnits) {
    for (const char* name : u.names) {
      if (name != nullptr && unit == name) return u.micros;
    }
  }
  return 0;
}

}  // namespace

Result<int64_t> ParseDurationMicros(std::string_view text) {
  std::string s = AsciiLower(TrimAscii(text));
  std::string_view rest = s;
  if (rest.substr(0, 9) == "interval ") rest = TrimAscii(rest.substr(9));
  size_t i = 0;
  while (i < rest.size() && ((rest[i] >= '0' && rest[i] <= '9') || rest[i] == '.')) ++i;
  const std::string number(rest.substr(0, i));
  const std::string unit(TrimAscii(rest.substr(i)));
  if (number.empty() || number == "." ||
      number.find('.') != number.rfind('.')) {  // no digits, or two points
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a duration (expected e.g. '10 seconds', '500ms')");
  }
  const int64_t per = unit.empty() ? 1'000 : UnitMicros(unit);
  if (per == 0) {
    return Status::InvalidArgument("'" + std::string(text) + "' has an unknown time unit '" + unit +
                                   "' (expected us, ms, s, m, h or d, or their names)");
  }
  const double value = std::strtod(number.c_str(), nullptr) * static_cast<double>(per);
  if (!std::isfinite(value) || value > 9.2e18) {
    return Status::InvalidArgument("duration '" + std::string(text) + "' is too long");
  }
  return static_cast<int64_t>(std::llround(value));
}

std::string RandomUuid() {
  thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    std::mt19937_64 g(seq);
    return g;
  }());
  uint64_t hi = gen();
  uint64_t lo = gen();
  hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000};            // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // IETF variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](uint64_t v, int nibbles) {
    for (int k = nibbles - 1; k >= 0; --k) out.push_back(kHex[(v >> (4 * k)) & 0xF]);
  };
  put(hi >> 32, 8);
  out.push_back('-');
  put(hi >> 16, 4);
  out.push_back('-');
  put(hi, 4);
  out.push_back('-');
  put(lo >> 48, 4);
  out.push_back('-');
  put(lo, 12);
  return out;
}

std::string FormatIsoMillis(int64_t micros) {
  static const TimeZone kUtc;
  // Truncate to milliseconds toward negative infinity, as Spark's formatter does.
  int64_t ms = micros / 1000;
  if (micros % 1000 < 0) --ms;
  std::string out;
  AppendTimestampIso(ms * 1000, kUtc, &out);
  return out;
}

bool IsValidJson(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  return parser.parse(padded).get(root) == simdjson::SUCCESS;
}

}  // namespace weir::stream::internal
