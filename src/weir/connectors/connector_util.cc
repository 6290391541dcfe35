#include "weir/connectors/connector_util.h"

#include <cctype>
#include <limits>

namespace weir::connectors {

Status BadOption(std::string_view what, std::string_view name, std::string_view key,
                 std::string_view value, std::string_view requirement, std::string hint) {
  Status st =
      Status::InvalidOption("[INVALID_OPTION] Invalid value '" + std::string(value) +
                            "' for option '" + std::string(key) + "' of the " + std::string(what) +
                            " `" + std::string(name) + "`: " + std::string(requirement) + ".");
  return hint.empty() ? st : st.WithHint(std::move(hint));
}

Status MissingOption(std::string_view what, std::string_view name, std::string_view key,
                     std::string hint) {
  Status st =
      Status::InvalidOption("[INVALID_OPTION] The " + std::string(what) + " `" + std::string(name) +
                            "` needs the option '" + std::string(key) + "'.");
  return hint.empty() ? st : st.WithHint(std::move(hint));
}

Status NameOptionError(const Status& status, std::string_view what, std::string_view name) {
  if (status.ok()) return status;
  return Status(status.code(),
                "The " + std::string(what) + " `" + std::string(name) + "`: " + status.message())
      .WithHint(status.hint());
}

stream::Offset OffsetJson(std::initializer_list<std::pair<std::string_view, int64_t>> fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += key;
    out += "\":";
    out += std::to_string(value);
  }
  out += '}';
  return out;
}

namespace {

// A cursor over offset text; every step checks the bounds.
class FlatJsonParser {
 public:
  explicit FlatJsonParser(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Key(std::string_view* out) {
    if (!Consume('"')) return false;
    size_t begin = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') return false;  // offsets never escape their keys
      ++pos_;
    }
    if (pos_ == text_.size()) return false;
    *out = text_.substr(begin, pos_ - begin);
    ++pos_;
    return true;
  }
  bool Integer(int64_t* out) {
    SkipSpace();
    bool negative = pos_ < text_.size() && text_[pos_] == '-';
    if (negative) ++pos_;
    size_t begin = pos_;
    // Accumulate negatively so INT64_MIN parses too.
    int64_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      int digit = text_[pos_] - '0';
      if (v < (std::numeric_limits<int64_t>::min() + digit) / 10) return false;
      v = v * 10 - digit;
      ++pos_;
    }
    if (pos_ == begin) return false;
    if (!negative) {
      if (v == std::numeric_limits<int64_t>::min()) return false;
      v = -v;
    }
    *out = v;
    return true;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<int64_t> OffsetField(const stream::Offset& offset, std::string_view key,
                            std::string_view what) {
  auto malformed = [&](std::string_view why) {
    std::string shown = offset.size() > 200 ? offset.substr(0, 200) + "..." : offset;
    return Status::InvalidArgument("The " + std::string(what) + " cannot read the offset '" +
                                   shown + "': " + std::string(why) + ".");
  };
  FlatJsonParser p(offset);
  if (!p.Consume('{')) return malformed("expected a JSON object");
  bool found = false;
  int64_t result = 0;
  if (!p.Consume('}')) {
    while (true) {
      std::string_view k;
      int64_t v = 0;
      if (!p.Key(&k) || !p.Consume(':') || !p.Integer(&v)) {
        return malformed("expected \"name\":integer fields");
      }
      if (k == key) {
        found = true;
        result = v;
      }
      if (p.Consume('}')) break;
      if (!p.Consume(',')) return malformed("expected ',' or '}'");
    }
  }
  if (!p.AtEnd()) return malformed("unexpected text after the object");
  if (!found) return malformed("no field \"" + std::string(key) + "\"");
  return result;
}

}  // namespace weir::connectors
