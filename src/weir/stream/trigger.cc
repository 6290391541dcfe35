#include "weir/stream/trigger.h"

#include "weir/functions/registry.h"
#include "weir/stream/stream_internal.h"

namespace weir::stream {

std::string Trigger::ToString() const {
  switch (kind) {
    case Kind::kDefault:
      return "Default";
    case Kind::kProcessingTime:
      return "ProcessingTime(" + std::to_string(interval_micros / 1000) + "ms)";
    case Kind::kOnce:
      return "Once";
    case Kind::kAvailableNow:
      return "AvailableNow";
  }
  return "Default";
}

Result<Trigger> ParseTrigger(std::string_view text) {
  const std::string lower = AsciiLower(internal::TrimAscii(text));
  std::string compact;  // without '-', '_' and spaces: "available-now" == "availableNow"
  for (char c : lower) {
    if (c != '-' && c != '_' && c != ' ') compact.push_back(c);
  }
  if (compact == "default" || compact.empty()) return Trigger::Default();
  if (compact == "once") return Trigger::Once();
  if (compact == "availablenow") return Trigger::AvailableNow();
  std::string_view interval = lower;
  for (std::string_view prefix : {"processing-time", "processing_time", "processingtime"}) {
    if (interval.substr(0, prefix.size()) == prefix) {
      interval.remove_prefix(prefix.size());
      break;
    }
  }
  interval = internal::TrimAscii(interval);
  if (interval.size() >= 2 && interval.front() == '(' && interval.back() == ')') {
    interval = internal::TrimAscii(interval.substr(1, interval.size() - 2));
  }
  if (interval.size() >= 2 && interval.front() == '\'' && interval.back() == '\'') {
    interval = interval.substr(1, interval.size() - 2);
  }
  Result<int64_t> micros = internal::ParseDurationMicros(interval);
  if (!micros.ok()) {
    return Status::InvalidOption("Invalid trigger '" + std::string(text) +
                                 "': " + micros.status().message())
        .WithHint(
            "a trigger is 'default', 'once', 'available-now' or a processing-time interval "
            "such as '10 seconds'");
  }
  return Trigger::ProcessingTime(*micros);
}

}  // namespace weir::stream
