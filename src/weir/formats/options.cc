#include "weir/formats/options.h"

#include <charconv>
#include <cstdlib>

namespace weir::formats {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const std::string* Find(const OptionMap& options, std::string_view key) {
  auto it = options.find(std::string(key));
  return it == options.end() ? nullptr : &it->second;
}

Status BadValue(std::string_view key, std::string_view value, std::string_view expected) {
  return Status::InvalidOption("[INVALID_OPTION] option '" + std::string(key) + "' cannot be '" +
                               std::string(value) + "': expected " + std::string(expected));
}

// Spark reads boolean options with String.toBoolean: "true" or "false", any case.
Status GetBool(const OptionMap& options, std::string_view key, bool* out) {
  const std::string* v = Find(options, key);
  if (v == nullptr) return Status::OK();
  std::string l = Lower(*v);
  if (l == "true") {
    *out = true;
  } else if (l == "false") {
    *out = false;
  } else {
    return BadValue(key, *v, "true or false");
  }
  return Status::OK();
}

// One character, or a Java escape of one ("\t", "\\", "\u0001"), as CSVExprUtils
// .toChar reads sep, quote, escape and comment. An empty value is '\0' (off).
Status GetChar(const OptionMap& options, std::string_view key, char* out) {
  const std::string* v = Find(options, key);
  if (v == nullptr) return Status::OK();
  const std::string& s = *v;
  if (s.empty()) {
    *out = '\0';
  } else if (s.size() == 1) {
    *out = s[0];
  } else if (s == "\\t") {
    *out = '\t';
  } else if (s == "\\r") {
    *out = '\r';
  } else if (s == "\\b") {
    *out = '\b';
  } else if (s == "\\f") {
    *out = '\f';
  } else if (s == "\\\"") {
    *out = '"';
  } else if (s == "\\'") {
    *out = '\'';
  } else if (s == "\\\\") {
    *out = '\\';
  } else if (s == "\\u0000") {
    *out = '\0';
  } else if (s.size() == 6 && s[0] == '\\' && s[1] == 'u') {
    unsigned code = 0;
    auto r = std::from_chars(s.data() + 2, s.data() + 6, code, 16);
    if (r.ec != std::errc() || r.ptr != s.data() + 6 || code > 0x7F) {
      return BadValue(key, s, "a single ASCII character");
    }
    *out = static_cast<char>(code);
  } else {
    return BadValue(key, s, "a single character");
  }
  return Status::OK();
}

Status ParseCommon(const OptionMap& options, CommonOptions* out) {
  if (const std::string* v = Find(options, "mode")) {
    std::string m = Lower(*v);
    if (m == "permissive") {
      out->mode = ParseMode::kPermissive;
    } else if (m == "dropmalformed") {
      out->mode = ParseMode::kDropMalformed;
    } else if (m == "failfast") {
      out->mode = ParseMode::kFailFast;
    } else {
      return BadValue("mode", *v, "PERMISSIVE, DROPMALFORMED or FAILFAST");
    }
  }
  if (const std::string* v = Find(options, "columnnameofcorruptrecord")) {
    out->corrupt_column = *v;
  }
  if (const std::string* v = Find(options, "dateformat")) out->date_format = *v;
  if (const std::string* v = Find(options, "timestampformat")) out->timestamp_format = *v;
  if (const std::string* v = Find(options, "timezone")) {
    Result<TimeZone> tz = TimeZone::Load(*v);
    if (!tz.ok()) return BadValue("timeZone", *v, "a time zone id");
    out->time_zone = *tz;
  }
  if (const std::string* v = Find(options, "samplingratio")) {
    char* end = nullptr;
    double r = std::strtod(v->c_str(), &end);
    if (v->empty() || end != v->c_str() + v->size() || !(r > 0.0) || r > 1.0) {
      return BadValue("samplingRatio", *v, "a number in (0, 1]");
    }
    out->sampling_ratio = r;
  }
  return Status::OK();
}

Status RefuseEncoding(const OptionMap& options, std::string_view format) {
  for (std::string_view key : {"encoding", "charset"}) {
    const std::string* v = Find(options, key);
    if (v == nullptr) continue;
    std::string l = Lower(*v);
    if (l != "utf-8" && l != "utf8") {
      return Status::Unsupported("[UNSUPPORTED_FEATURE] " + std::string(format) + " option '" +
                                 std::string(key) + "' = '" + *v +
                                 "' is not supported: files are read as UTF-8");
    }
  }
  return Status::OK();
}

}  // namespace

std::string_view ParseModeName(ParseMode mode) {
  switch (mode) {
    case ParseMode::kPermissive:
      return "PERMISSIVE";
    case ParseMode::kDropMalformed:
      return "DROPMALFORMED";
    case ParseMode::kFailFast:
      return "FAILFAST";
  }
  return "PERMISSIVE";
}

OptionMap NormalizeOptions(const std::map<std::string, std::string>& options) {
  OptionMap out;
  for (const auto& [k, v] : options) out[Lower(k)] = v;
  return out;
}

Result<JsonReadOptions> ParseJsonOptions(const OptionMap& options) {
  JsonReadOptions o;
  RETURN_NOT_OK(ParseCommon(options, &o.common));
  RETURN_NOT_OK(GetBool(options, "primitivesasstring", &o.primitives_as_string));
  RETURN_NOT_OK(GetBool(options, "prefersdecimal", &o.prefers_decimal));
  RETURN_NOT_OK(GetBool(options, "dropfieldifallnull", &o.drop_field_if_all_null));
  bool multi_line = false;
  RETURN_NOT_OK(GetBool(options, "multiline", &multi_line));
  if (multi_line) {
    return Status::Unsupported(
        "[UNSUPPORTED_FEATURE] json option 'multiLine' = 'true' is not supported: weir reads "
        "JSON lines (one object per line)");
  }
  RETURN_NOT_OK(RefuseEncoding(options, "json"));
  if (const std::string* v = Find(options, "linesep")) {
    if (*v != "\n" && *v != "\r\n") {
      return Status::Unsupported("[UNSUPPORTED_FEATURE] json option 'lineSep' must be \\n");
    }
  }
  return o;
}

Result<CsvReadOptions> ParseCsvOptions(const OptionMap& options) {
  CsvReadOptions o;
  RETURN_NOT_OK(ParseCommon(options, &o.common));
  RETURN_NOT_OK(GetChar(options, "delimiter", &o.sep));
  RETURN_NOT_OK(GetChar(options, "sep", &o.sep));
  if (o.sep == '\0' || o.sep == '\n' || o.sep == '\r') {
    return BadValue("sep", Find(options, "sep") ? *Find(options, "sep") : "",
                    "a non-empty delimiter other than a line break");
  }
  RETURN_NOT_OK(GetChar(options, "quote", &o.quote));
  RETURN_NOT_OK(GetChar(options, "escape", &o.escape));
  char comment = '\0';
  RETURN_NOT_OK(GetChar(options, "comment", &comment));
  if (comment != '\0') o.comment = comment;
  RETURN_NOT_OK(GetBool(options, "header", &o.header));
  RETURN_NOT_OK(GetBool(options, "inferschema", &o.infer_schema));
  RETURN_NOT_OK(GetBool(options, "enforceschema", &o.enforce_schema));
  RETURN_NOT_OK(GetBool(options, "ignoreleadingwhitespace", &o.ignore_leading_ws));
  RETURN_NOT_OK(GetBool(options, "ignoretrailingwhitespace", &o.ignore_trailing_ws));
  RETURN_NOT_OK(GetBool(options, "multiline", &o.multi_line));
  RETURN_NOT_OK(GetBool(options, "preferdate", &o.prefer_date));
  if (const std::string* v = Find(options, "nullvalue")) o.null_value = *v;
  if (const std::string* v = Find(options, "emptyvalue")) o.empty_value = *v;
  if (const std::string* v = Find(options, "nanvalue")) o.nan_value = *v;
  if (const std::string* v = Find(options, "positiveinf")) o.positive_inf = *v;
  if (const std::string* v = Find(options, "negativeinf")) o.negative_inf = *v;
  RETURN_NOT_OK(RefuseEncoding(options, "csv"));
  return o;
}

Result<TextReadOptions> ParseTextOptions(const OptionMap& options) {
  TextReadOptions o;
  RETURN_NOT_OK(GetBool(options, "wholetext", &o.whole_text));
  if (const std::string* v = Find(options, "linesep")) {
    if (v->empty()) return BadValue("lineSep", *v, "a non-empty separator");
    o.line_sep = *v;
  }
  RETURN_NOT_OK(RefuseEncoding(options, "text"));
  return o;
}

}  // namespace weir::formats
