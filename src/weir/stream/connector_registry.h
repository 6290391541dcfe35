// The connector registry: how the engine finds a source or sink by its `connector`
// option without naming any connector (DESIGN.md section 2). Connectors live in
// src/weir/connectors and register themselves into a registry the session owns
// (connectors::RegisterBuiltinConnectors).
//
// Thread-safety: registration happens before use; lookups are read-only.

#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/stream/local_tables.h"
#include "weir/stream/sink.h"
#include "weir/stream/source.h"

namespace weir::stream {

// Option keys are matched case-insensitively; Options keeps them lower-cased.
class Options {
 public:
  Options() = default;
  explicit Options(const std::vector<std::pair<std::string, std::string>>& pairs);
  void Set(std::string_view key, std::string value);
  bool Has(std::string_view key) const;
  // The value, or `fallback` when absent.
  std::string Get(std::string_view key, std::string_view fallback = "") const;
  // Typed getters; InvalidOption naming the option (and the connector) on bad text.
  Result<int64_t> GetInt(std::string_view key, int64_t fallback) const;
  Result<bool> GetBool(std::string_view key, bool fallback) const;
  // "10 seconds", "1 minute", "500ms", "2h" -> microseconds.
  Result<int64_t> GetDurationMicros(std::string_view key, int64_t fallback) const;
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;  // lower-case key -> value
};

// What a connector factory gets.
struct ConnectorContext {
  std::string name;        // the source's or sink's name in SQL (or the query name)
  SchemaPtr schema;        // declared columns; null when none were declared
  Options options;         // every WITH option, `connector` included
  Env* env = nullptr;      // file access
  Clock* clock = nullptr;  // processing time (a ManualClock in tests)
  std::string data_dir;    // weir's data dir (the embedded log, write-ahead logs)
  // Where the query keeps per-source metadata (the file source's seen-files log, a
  // socket's write-ahead log): <checkpoint>/sources/<index>. Empty for sinks.
  std::string metadata_dir;
  // Memory sinks' results and memory sources' inputs (never null).
  LocalTables* local_tables = nullptr;
  // The query's name (sinks: the memory sink's table name).
  std::string query_name;
};

using SourceFactory = std::function<Result<SourcePtr>(const ConnectorContext&)>;
using SinkFactory = std::function<Result<SinkPtr>(const ConnectorContext&)>;

class ConnectorRegistry {
 public:
  // REQUIRES: the name is not registered yet for that role.
  void RegisterSource(std::string name, SourceFactory factory);
  void RegisterSink(std::string name, SinkFactory factory);

  // InvalidOption "[UNKNOWN_CONNECTOR] ..." with a hint listing the known ones.
  Result<SourcePtr> MakeSource(std::string_view connector, const ConnectorContext& ctx) const;
  Result<SinkPtr> MakeSink(std::string_view connector, const ConnectorContext& ctx) const;
  std::vector<std::string> SourceNames() const;
  std::vector<std::string> SinkNames() const;

 private:
  std::map<std::string, SourceFactory> sources_;  // lower-case name
  std::map<std::string, SinkFactory> sinks_;
};

}  // namespace weir::stream
