#include "weir/expr/typed_literal.h"

#include <cctype>

#include <absl/time/civil_time.h>

#include "weir/expr/cast.h"

namespace weir {

namespace {

std::string Normalized(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  std::string out(text.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Days since the epoch of the current date in the session time zone.
int64_t Today(const EvalOptions& options) {
  int64_t secs = options.current_timestamp_micros / kMicrosPerSecond;
  if (options.current_timestamp_micros % kMicrosPerSecond < 0) --secs;
  absl::CivilDay day = absl::ToCivilDay(absl::FromUnixSeconds(secs), options.time_zone.zone());
  return DaysFromCivil(day.year(), day.month(), day.day());
}

// Midnight of `days` in the session time zone, in UTC microseconds.
int64_t LocalMidnight(int64_t days, const EvalOptions& options) {
  CivilDate c = CivilFromDays(days);
  absl::CivilSecond cs(c.year, c.month, c.day, 0, 0, 0);
  absl::Time t = absl::FromCivil(cs, options.time_zone.zone());
  return absl::ToUnixMicros(t);
}

}  // namespace

Result<Value> ParseTypedLiteral(const DataType& type, std::string_view text,
                                const EvalOptions& options) {
  bool date = type.id() == TypeId::kDate;
  bool timestamp = type.id() == TypeId::kTimestamp;
  if (date || timestamp) {
    std::string s = Normalized(text);
    std::optional<int64_t> day;
    if (s == "epoch") day = 0;
    if (s == "today") day = Today(options);
    if (s == "yesterday") day = Today(options) - 1;
    if (s == "tomorrow") day = Today(options) + 1;
    if (s == "now") {
      if (timestamp) return Value::Timestamp(options.current_timestamp_micros);
      day = Today(options);
    }
    if (day) {
      if (date) return Value::Date(static_cast<int32_t>(*day));
      return Value::Timestamp(s == "epoch" ? 0 : LocalMidnight(*day, options));
    }
  }
  // Everything else: the text as CAST would read it, with ANSI's strictness.
  EvalOptions strict = options;
  strict.ansi = true;
  EvalContext ctx(strict);
  auto invalid = [&]() {
    return Status::InvalidSql("[INVALID_TYPED_LITERAL] The value of the typed literal \"" +
                              type.ToDdl() + "\" is invalid: '" + std::string(text) + "'.");
  };
  if (!CanCast(DataType::String(), type, true)) return invalid();
  Result<Datum> d =
      CastDatum(ctx, Datum::Constant(Value::String(std::string(text))), type, RowSet(1));
  if (!d.ok()) return invalid();
  Value v = d->GetValue(0);
  if (v.is_null()) return invalid();
  return v;
}

}  // namespace weir
