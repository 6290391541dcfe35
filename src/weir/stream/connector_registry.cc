#include "weir/stream/connector_registry.h"

#include <charconv>

#include "weir/common/check.h"
#include "weir/functions/registry.h"
#include "weir/stream/stream_internal.h"

namespace weir::stream {

Options::Options(const std::vector<std::pair<std::string, std::string>>& pairs) {
  for (const auto& [k, v] : pairs) Set(k, v);
}

void Options::Set(std::string_view key, std::string value) {
  values_[AsciiLower(key)] = std::move(value);
}

bool Options::Has(std::string_view key) const { return values_.count(AsciiLower(key)) != 0; }

std::string Options::Get(std::string_view key, std::string_view fallback) const {
  auto it = values_.find(AsciiLower(key));
  return it == values_.end() ? std::string(fallback) : it->second;
}

namespace {

// "Invalid value 'x' for option 'rowsPerSecond' of connector 'rate': <why>".
Status BadOption(const Options& options, std::string_view key, const std::string& value,
                 std::string_view why) {
  std::string msg = "Invalid value '" + value + "' for option '" + std::string(key) + "'";
  if (options.Has("connector")) msg += " of connector '" + options.Get("connector") + "'";
  msg += ": ";
  msg += why;
  return Status::InvalidOption(std::move(msg));
}

}  // namespace

Result<int64_t> Options::GetInt(std::string_view key, int64_t fallback) const {
  if (!Has(key)) return fallback;
  const std::string value = Get(key);
  std::string_view text = internal::TrimAscii(value);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return BadOption(
        *this, key, value,
        ec == std::errc::result_out_of_range ? "out of the range of a BIGINT" : "not an integer");
  }
  return out;
}

Result<bool> Options::GetBool(std::string_view key, bool fallback) const {
  if (!Has(key)) return fallback;
  const std::string value = Get(key);
  const std::string lower = AsciiLower(internal::TrimAscii(value));
  if (lower == "true") return true;
  if (lower == "false") return false;
  return BadOption(*this, key, value, "not a boolean (true or false)");
}

Result<int64_t> Options::GetDurationMicros(std::string_view key, int64_t fallback) const {
  if (!Has(key)) return fallback;
  const std::string value = Get(key);
  Result<int64_t> micros = internal::ParseDurationMicros(value);
  if (!micros.ok()) return BadOption(*this, key, value, micros.status().message());
  return *micros;
}

void ConnectorRegistry::RegisterSource(std::string name, SourceFactory factory) {
  const bool inserted = sources_.emplace(AsciiLower(name), std::move(factory)).second;
  WEIR_CHECK(inserted);  // a source connector registered twice
}

void ConnectorRegistry::RegisterSink(std::string name, SinkFactory factory) {
  const bool inserted = sinks_.emplace(AsciiLower(name), std::move(factory)).second;
  WEIR_CHECK(inserted);  // a sink connector registered twice
}

namespace {

// As the session words it: "[UNKNOWN_CONNECTOR] There is no sink connector named
// 'consol'." with hint "did you mean 'console'? The sink connectors are: ...".
Status UnknownConnector(std::string_view role, std::string_view connector,
                        const std::vector<std::string>& known) {
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  Status st = Status::InvalidOption("[UNKNOWN_CONNECTOR] There is no " + std::string(role) +
                                    " connector named '" + std::string(connector) + "'.");
  if (std::optional<std::string> close = ClosestName(connector, known)) {
    return st.WithHint("did you mean '" + *close + "'? The " + std::string(role) +
                       " connectors are: " + list);
  }
  return st.WithHint("the " + std::string(role) + " connectors are: " + list);
}

}  // namespace

Result<SourcePtr> ConnectorRegistry::MakeSource(std::string_view connector,
                                                const ConnectorContext& ctx) const {
  auto it = sources_.find(AsciiLower(connector));
  if (it == sources_.end()) return UnknownConnector("source", connector, SourceNames());
  return it->second(ctx);
}

Result<SinkPtr> ConnectorRegistry::MakeSink(std::string_view connector,
                                            const ConnectorContext& ctx) const {
  auto it = sinks_.find(AsciiLower(connector));
  if (it == sinks_.end()) return UnknownConnector("sink", connector, SinkNames());
  return it->second(ctx);
}

std::vector<std::string> ConnectorRegistry::SourceNames() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : sources_) out.push_back(name);
  return out;
}

std::vector<std::string> ConnectorRegistry::SinkNames() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : sinks_) out.push_back(name);
  return out;
}

}  // namespace weir::stream
