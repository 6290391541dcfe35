// Helpers shared by the stream module's files; not part of its interface.
//
// Thread-safety: free functions, safe to call concurrently.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "weir/common/result.h"

namespace weir::stream::internal {

// "10 seconds", "1 minute", "500ms", "2h", "1.5 s", "interval 3 minutes" -> microseconds.
// A bare number is milliseconds (Spark's timeStringAsMs). InvalidArgument describing
// the problem (without naming an option) on bad text or a negative duration.
Result<int64_t> ParseDurationMicros(std::string_view text);

// A random UUID (version 4, IETF variant), lower-case 8-4-4-4-12.
std::string RandomUuid();

// "2024-07-01T00:00:00.000Z": ISO-8601 in UTC with milliseconds.
std::string FormatIsoMillis(int64_t micros);

// Whether `text` is one complete JSON value (progress embeds valid offsets as JSON,
// others as strings, as Spark's tryParse does).
bool IsValidJson(std::string_view text);

std::string_view TrimAscii(std::string_view s);

}  // namespace weir::stream::internal
