#include "weir/stream/sink.h"

#include "weir/functions/registry.h"

namespace weir::stream {

std::string_view OutputModeName(OutputMode mode) {
  switch (mode) {
    case OutputMode::kAppend:
      return "Append";
    case OutputMode::kUpdate:
      return "Update";
    case OutputMode::kComplete:
      return "Complete";
  }
  return "Append";
}

Result<OutputMode> ParseOutputMode(std::string_view text) {
  const std::string lower = AsciiLower(text);
  if (lower == "append") return OutputMode::kAppend;
  if (lower == "update") return OutputMode::kUpdate;
  if (lower == "complete") return OutputMode::kComplete;
  return Status::InvalidOption("Unknown output mode '" + std::string(text) +
                               "'. Accepted output modes are 'append', 'complete', 'update'")
      .WithHint("output_mode is one of append, update, complete");
}

}  // namespace weir::stream
