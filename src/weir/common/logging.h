// Logging with levels. Messages at or above the minimum level (default INFO, or the
// WEIR_LOG_LEVEL environment variable: debug, info, warn, error) go to the sink,
// by default stderr as "2026-11-21T10:00:00.123Z WARN file.cc:42] message".
//
//   WEIR_LOG(WARN) << "segment " << path << " truncated to " << size << " bytes";
//
// Thread-safety: logging, SetLogLevel and SetLogSink are thread-safe; a message is
// written whole, never interleaved with another.

#pragma once

#include <functional>
#include <sstream>
#include <string_view>

namespace weir {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

std::string_view LogLevelName(LogLevel level);
// Parses "debug" / "info" / "warn" / "error" (any case); false if unknown.
bool ParseLogLevel(std::string_view text, LogLevel* level);

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool ShouldLog(LogLevel level);

// Replaces the sink; an empty function restores stderr. The sink receives the
// formatted line without a trailing newline.
using LogSink = std::function<void(LogLevel, std::string_view line)>;
void SetLogSink(LogSink sink);

namespace internal {

class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line);
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

}  // namespace internal
}  // namespace weir

#define WEIR_LOG_LEVEL_DEBUG ::weir::LogLevel::kDebug
#define WEIR_LOG_LEVEL_INFO ::weir::LogLevel::kInfo
#define WEIR_LOG_LEVEL_WARN ::weir::LogLevel::kWarn
#define WEIR_LOG_LEVEL_ERROR ::weir::LogLevel::kError

// The stream expression is evaluated only when the level is enabled.
#define WEIR_LOG(level)                             \
  if (!::weir::ShouldLog(WEIR_LOG_LEVEL_##level)) { \
  } else                                            \
    ::weir::internal::LogMessage(WEIR_LOG_LEVEL_##level, __FILE__, __LINE__).stream()
