// Helpers shared by the connectors: option errors worded one way, the flat JSON
// objects of integers the rate, memory and socket sources' offsets are ({"lines":42},
// {"seconds":3,"startMs":1700000000000}), and a cursor over the per-partition offsets
// of the log and Kafka sources ({"weblogs":{"0":42}}).
//
// Thread-safety: free functions; an OffsetTextCursor is used by one thread.

#pragma once

#include <cctype>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "weir/common/result.h"
#include "weir/stream/connector_registry.h"
#include "weir/stream/source.h"

namespace weir::connectors {

// "[INVALID_OPTION] Invalid value '0' for option 'rowsPerSecond' of the rate source
// `clicks`: it must be positive." with `hint`. `what` names the connector and role
// ("rate source"), `name` the object.
Status BadOption(std::string_view what, std::string_view name, std::string_view key,
                 std::string_view value, std::string_view requirement, std::string hint = "");

// "[INVALID_OPTION] The socket source `s` needs the option 'host'." with `hint`.
Status MissingOption(std::string_view what, std::string_view name, std::string_view key,
                     std::string hint = "");

// Re-words an error of Options' typed getters so it names the connector and object.
Status NameOptionError(const Status& status, std::string_view what, std::string_view name);

// {"a":1,"b":2} from the fields in order.
stream::Offset OffsetJson(std::initializer_list<std::pair<std::string_view, int64_t>> fields);

// The integer field `key` of a flat JSON object of integers; InvalidArgument naming
// `what` (e.g. "socket source `s`") when the text is not such an object or lacks the
// key. Never crashes on any input.
Result<int64_t> OffsetField(const stream::Offset& offset, std::string_view key,
                            std::string_view what);

// A cursor over offset text (a JSON object of topics to objects of partitions to
// offsets); every step checks the bounds and returns false on anything unexpected.
class OffsetTextCursor {
 public:
  explicit OffsetTextCursor(std::string_view text) : text_(text) {}

  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A string without escapes (topic names and partition numbers need none).
  bool String(std::string_view* out) {
    if (!Consume('"')) return false;
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') return false;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    *out = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  bool Integer(int64_t* out) {
    SkipSpace();
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    auto [ptr, ec] = std::from_chars(begin, end, *out);
    if (ec != std::errc() || ptr == begin) return false;
    pos_ += static_cast<size_t>(ptr - begin);
    return true;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// A partition number written as a JSON key ("0", "12"): digits only, not negative.
inline bool ParsePartitionNumber(std::string_view s, int32_t* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && *out >= 0;
}

}  // namespace weir::connectors
