#include "nexmark/harness.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <utility>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "weir/api/session_catalog.h"
#include "weir/connectors/nexmark_source.h"
#include "weir/plan/table.h"
#include "weir/sql/parser.h"
#include "weir/types/pretty.h"

#include "nexmark/baseline.h"
#include "nexmark/harness_internal.h"

namespace weir::nexmark {

namespace {

constexpr std::string_view kPregeneratedConnector = "nexmark_pregenerated";

std::string Trim(std::string_view s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.front())) != 0)) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (std::isspace(static_cast<unsigned char>(s.back())) != 0 || s.back() == ';')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// The position of `needle` in `hay` at or after `from`, ignoring ASCII case; npos if none.
size_t FindIgnoreCase(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (EqualsIgnoreCase(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

// The number of a query name ("q12" -> 12), for ordering; -1 if it has none.
int QueryNumber(std::string_view name) {
  if (name.size() < 2 || (name[0] != 'q' && name[0] != 'Q')) return -1;
  int n = 0;
  for (char c : name.substr(1)) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

const std::string* FindOption(const api::CatalogObject& object, std::string_view key) {
  for (const auto& [k, v] : object.options) {
    if (EqualsIgnoreCase(k, key)) return &v;
  }
  return nullptr;
}

void SetOption(api::CatalogObject* object, const std::string& key, std::string value) {
  for (auto& [k, v] : object->options) {
    if (EqualsIgnoreCase(k, key)) {
      v = std::move(value);
      return;
    }
  }
  object->options.emplace_back(key, std::move(value));
}

bool IsNexmarkSource(const api::CatalogObject& object) {
  const std::string* connector = FindOption(object, "connector");
  return object.kind == api::ObjectKind::kSource && connector != nullptr &&
         EqualsIgnoreCase(*connector, "nexmark");
}

Result<int64_t> IntOption(const api::CatalogObject& object, std::string_view key,
                          int64_t fallback) {
  const std::string* v = FindOption(object, key);
  if (v == nullptr) return fallback;
  try {
    size_t used = 0;
    const int64_t n = std::stoll(*v, &used);
    if (used == v->size()) return n;
  } catch (const std::exception&) {
  }
  return Status::InvalidOption("source `" + object.name + "`: option " + std::string(key) +
                               " is not an integer: '" + *v + "'");
}

Result<EventKind> KindOf(const api::CatalogObject& source) {
  const std::string* table = FindOption(source, "table");
  const std::string t = table == nullptr ? "bid" : Trim(*table);
  if (EqualsIgnoreCase(t, "bid")) return EventKind::kBid;
  if (EqualsIgnoreCase(t, "auction")) return EventKind::kAuction;
  if (EqualsIgnoreCase(t, "person")) return EventKind::kPerson;
  return Status::InvalidOption("source `" + source.name + "`: unknown nexmark table '" + t + "'");
}

// The file's sources, as the session's catalog holds them after the setup.
std::vector<const api::CatalogObject*> NexmarkSources(api::Session* session) {
  std::vector<const api::CatalogObject*> out;
  for (const api::CatalogObject* o : session->catalog().List()) {
    if (IsNexmarkSource(*o)) out.push_back(o);
  }
  return out;
}

Status ExecuteAll(api::Session* session, const std::vector<std::string>& statements) {
  for (const std::string& s : statements) RETURN_NOT_OK(session->Execute(s).status());
  return Status::OK();
}

}  // namespace

Result<QueryFile> ParseQueryFile(std::string name, std::string_view text) {
  ASSIGN_OR_RAISE(std::vector<std::string_view> statements, sql::SplitStatements(text));
  QueryFile file;
  file.name = std::move(name);
  for (std::string_view s : statements) {
    if (Trim(s).empty()) continue;
    Result<sql::StatementPtr> parsed = sql::ParseStatement(s);
    if (!parsed.ok()) return parsed.status().WithContext("query file " + file.name);
    const sql::Statement& stmt = **parsed;
    if (stmt.kind == sql::StatementKind::kCreateSink) {
      if (!file.create_sink.empty() || stmt.name.empty()) {
        return Status::InvalidArgument("query file " + file.name + ": more than one CREATE SINK");
      }
      file.create_sink = Trim(s);
      file.sink = stmt.name.back();
    } else if (stmt.kind == sql::StatementKind::kInsert) {
      if (file.create_sink.empty() || !file.insert.empty() || stmt.name.empty()) {
        return Status::InvalidArgument("query file " + file.name +
                                       ": expected one INSERT INTO after the CREATE SINK");
      }
      file.insert = Trim(s);
      // The query is the text after the target's name.
      const size_t into = FindIgnoreCase(file.insert, "INTO", 0);
      const size_t at = into == std::string::npos
                            ? std::string::npos
                            : FindIgnoreCase(file.insert, stmt.name.back(), into + 4);
      if (at == std::string::npos) {
        return Status::InvalidArgument("query file " + file.name + ": cannot find the query");
      }
      file.select = Trim(std::string_view(file.insert).substr(at + stmt.name.back().size()));
      ASSIGN_OR_RAISE(sql::StatementPtr query, sql::ParseStatement(file.select));
      if (query->kind != sql::StatementKind::kQuery) {
        return Status::InvalidArgument("query file " + file.name +
                                       ": INSERT INTO must be followed by a query");
      }
    } else {
      if (!file.create_sink.empty()) {
        return Status::InvalidArgument("query file " + file.name +
                                       ": statements after CREATE SINK other than INSERT INTO");
      }
      file.setup.push_back(Trim(s));
    }
  }
  if (file.insert.empty()) {
    return Status::InvalidArgument("query file " + file.name + ": no INSERT INTO");
  }
  return file;
}

std::vector<std::string> BuiltinQueryNames() {
  std::vector<std::string> names;
  for (const auto& [name, text] : internal::EmbeddedQueryFiles()) names.emplace_back(name);
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return QueryNumber(a) != QueryNumber(b) ? QueryNumber(a) < QueryNumber(b) : a < b;
  });
  return names;
}

Result<QueryFile> BuiltinQuery(std::string_view name) {
  for (const auto& [n, text] : internal::EmbeddedQueryFiles()) {
    if (EqualsIgnoreCase(n, name)) return ParseQueryFile(std::string(n), text);
  }
  std::string known;
  for (const std::string& n : BuiltinQueryNames()) known += (known.empty() ? "" : ", ") + n;
  return Status::NotFound("no Nexmark query '" + std::string(name) + "'; the queries are " + known);
}

std::optional<double> FlinkEventsPerSecPerCore(std::string_view query) {
  // NEXMARK.md: thousands of events/s per core, Flink on 8 cores, 100M events.
  static const std::pair<std::string_view, double> kFlink[] = {
      {"q0", 155.0},  {"q1", 157.9},  {"q2", 175.2}, {"q3", 152.1}, {"q4", 34.3},   {"q5", 22.1},
      {"q7", 12.3},   {"q8", 146.1},  {"q9", 14.2},  {"q10", 57.8}, {"q11", 39.7},  {"q12", 75.7},
      {"q13", 130.7}, {"q14", 161.2}, {"q15", 72.4}, {"q16", 18.7}, {"q17", 116.8}, {"q18", 53.7},
      {"q19", 44.0},  {"q20", 19.0},  {"q21", 98.5}, {"q22", 130.0}};
  for (const auto& [q, k] : kFlink) {
    if (EqualsIgnoreCase(q, query)) return k * 1000;
  }
  return std::nullopt;
}

Status SetUpStream(api::Session* session, const QueryFile& file, const StreamSetup& setup) {
  RETURN_NOT_OK(ExecuteAll(session, file.setup));
  RETURN_NOT_OK(session->Execute(file.create_sink).status());
  for (const api::CatalogObject* source : NexmarkSources(session)) {
    api::CatalogObject changed = *source;
    SetOption(&changed, "events", std::to_string(setup.events));
    SetOption(&changed, "partitions", std::to_string(setup.partitions));
    if (setup.max_events_per_trigger > 0) {
      SetOption(&changed, "maxEventsPerTrigger", std::to_string(setup.max_events_per_trigger));
    }
    if (!setup.source_connector.empty()) SetOption(&changed, "connector", setup.source_connector);
    RETURN_NOT_OK(session->catalog().Add(std::move(changed), /*replace=*/true));
  }
  const api::CatalogObject* sink = session->catalog().Find(file.sink);
  if (sink == nullptr || sink->kind != api::ObjectKind::kSink) {
    return Status::InvalidArgument("query file " + file.name + ": no sink " + file.sink);
  }
  api::CatalogObject changed = *sink;
  if (!setup.sink_connector.empty()) SetOption(&changed, "connector", setup.sink_connector);
  for (const auto& [k, v] : setup.sink_options) SetOption(&changed, k, v);
  return session->catalog().Add(std::move(changed), /*replace=*/true);
}

Result<SourceInfo> DescribeSources(api::Session* session) {
  SourceInfo info;
  bool first = true;
  for (const api::CatalogObject* source : session->catalog().List()) {
    const std::string* connector = FindOption(*source, "connector");
    if (source->kind != api::ObjectKind::kSource || connector == nullptr ||
        !(EqualsIgnoreCase(*connector, "nexmark") ||
          EqualsIgnoreCase(*connector, kPregeneratedConnector))) {
      continue;
    }
    GeneratorConfig config;
    ASSIGN_OR_RAISE(config.base_time_ms, IntOption(*source, "base_time", kDefaultBaseTimeMs));
    ASSIGN_OR_RAISE(config.first_event_rate,
                    IntOption(*source, "first_event_rate", kDefaultFirstEventRate));
    if (!first && (config.base_time_ms != info.config.base_time_ms ||
                   config.first_event_rate != info.config.first_event_rate)) {
      return Status::InvalidOption(
          "the query's nexmark sources differ in base_time or "
          "first_event_rate: they must be views of one stream");
    }
    info.config = config;
    first = false;
    ASSIGN_OR_RAISE(EventKind kind, KindOf(*source));
    if (std::find(info.kinds.begin(), info.kinds.end(), kind) == info.kinds.end()) {
      info.kinds.push_back(kind);
    }
  }
  if (first) return Status::InvalidArgument("the query has no nexmark source");
  return info;
}

Status SetUpBatch(api::Session* session, const QueryFile& file, int64_t events,
                  const PregeneratedEvents* pregenerated) {
  // Sources are declared first (so that their columns are known), then replaced by
  // tables: a name resolves to a memory sink's table once no catalog object has it.
  RETURN_NOT_OK(ExecuteAll(session, file.setup));
  ASSIGN_OR_RAISE(SourceInfo info, DescribeSources(session));
  ASSIGN_OR_RAISE(Generator generator, Generator::Make(info.config));
  for (const api::CatalogObject* source : NexmarkSources(session)) {
    ASSIGN_OR_RAISE(EventKind kind, KindOf(*source));
    std::vector<Batch> all;
    if (pregenerated != nullptr) {
      all = pregenerated->Slice(kind, 0, events);
    } else {
      ASSIGN_OR_RAISE(Batch b, GenerateBatch(generator, kind, 0, events));
      all.push_back(std::move(b));
    }
    // The declared columns (by name), or all of them.
    const Schema& full = *SchemaOf(kind);
    SchemaPtr schema = source->schema != nullptr && source->schema->num_fields() > 0
                           ? source->schema
                           : SchemaOf(kind);
    std::vector<int> columns;
    for (const Field& f : schema->fields()) {
      std::optional<int> c = full.FindField(f.name);
      if (!c) return Status::InvalidSql("source `" + source->name + "` has no column " + f.name);
      columns.push_back(*c);
    }
    std::vector<Batch> batches;
    for (const Batch& b : all) {
      std::vector<ColumnPtr> cols;
      for (int c : columns) cols.push_back(b.column(c));
      ASSIGN_OR_RAISE(Batch made, Batch::Make(schema, std::move(cols), b.selection()));
      batches.push_back(std::move(made));
    }
    const std::string name = source->name;
    RETURN_NOT_OK(session->catalog().Remove(api::ObjectKind::kSource, name));
    session->local_tables().PutResult(
        name, std::make_shared<plan::MemoryTable>(schema, std::move(batches), 1, name));
  }
  return Status::OK();
}

std::string CanonicalCell(const Column& column, int64_t row) {
  if (column.IsNull(row)) return "NULL";
  switch (column.type().id()) {
    case TypeId::kInt32:
      return std::to_string(column.Get<int32_t>(row));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::to_string(column.Get<int64_t>(row));
    case TypeId::kDouble: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", column.Get<double>(row));
      return buf;
    }
    case TypeId::kString:
      return column.Get<StringRef>(row).str();
    default:
      return FormatPretty(column, row);
  }
}

std::vector<std::string> CanonicalRows(const std::vector<Batch>& batches) {
  std::vector<std::string> rows;
  for (const Batch& b : batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      const int64_t i = b.RowIndex(r);
      std::string row;
      for (int c = 0; c < b.num_columns(); ++c) {
        if (c > 0) row += '\t';
        row += CanonicalCell(*b.column(c), i);
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------
// RunBench

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int64_t PeakRssBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<int64_t>(u.ru_maxrss) * 1024;  // Linux reports KiB
}

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Collects each epoch's duration and output rows. Thread-safe: the query's thread
// reports, the harness's thread reads.
class EpochListener final : public stream::StreamingQueryListener {
 public:
  // Called on the query's thread once an epoch is committed.
  void OnQueryProgress(const stream::QueryProgress& p) override {
    const double cpu = CpuSeconds();
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = p.duration_ms.find("triggerExecution");
    epoch_ms_.push_back(it == p.duration_ms.end() ? 0.0 : static_cast<double>(it->second));
    if (p.sink.num_output_rows > 0) output_rows_ += p.sink.num_output_rows;
    last_cpu_seconds_ = cpu;
    last_time_ = now;
  }
  // The process's CPU time and the time when the last epoch ended (none yet: nullopt).
  std::optional<std::pair<double, std::chrono::steady_clock::time_point>> last_epoch_end() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (epoch_ms_.empty()) return std::nullopt;
    return std::make_pair(last_cpu_seconds_, last_time_);
  }
  std::vector<double> epoch_ms() const {
    std::lock_guard<std::mutex> lock(mu_);
    return epoch_ms_;
  }
  int64_t output_rows() const {
    std::lock_guard<std::mutex> lock(mu_);
    return output_rows_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<double> epoch_ms_;                     // guarded by mu_
  int64_t output_rows_ = 0;                          // guarded by mu_
  double last_cpu_seconds_ = 0;                      // guarded by mu_
  std::chrono::steady_clock::time_point last_time_;  // guarded by mu_
};

// The q-th quantile (nearest rank) of `v`; 0 when empty.
double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// A directory made for one run and removed with everything in it afterwards. Used by
// one thread.
class TempDir {
 public:
  static Result<TempDir> Make(const std::string& parent) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    std::mt19937_64 rng(std::random_device{}());
    for (int attempt = 0; attempt < 16; ++attempt) {
      char name[64];
      std::snprintf(name, sizeof(name), "bench-%d-%08" PRIx64, static_cast<int>(getpid()),
                    static_cast<uint64_t>(rng() & 0xffffffffu));
      const std::filesystem::path p = std::filesystem::path(parent) / name;
      if (std::filesystem::create_directory(p, ec)) return TempDir(p.string());
    }
    return Status::IoError("cannot make a directory under " + parent);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

void AppendNumber(std::string* out, const char* key, double v) {
  char buf[96];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof(buf), ",\"%s\":%.0f", key, v);
  } else {
    std::snprintf(buf, sizeof(buf), ",\"%s\":%.6g", key, std::isfinite(v) ? v : 0.0);
  }
  *out += buf;
}

Result<QueryFile> LoadQuery(const BenchOptions& options) {
  if (options.query_file.empty()) return BuiltinQuery(options.query);
  std::ifstream in(options.query_file, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + options.query_file);
  std::stringstream text;
  text << in.rdbuf();
  std::string name = options.query;
  if (name.empty()) name = std::filesystem::path(options.query_file).stem().string();
  return ParseQueryFile(std::move(name), text.str());
}

}  // namespace

std::string BenchResult::ToJson() const {
  std::string out = "{\"query\":\"" + query + "\"";
  AppendNumber(&out, "events", static_cast<double>(events));
  AppendNumber(&out, "threads", threads);
  out += std::string(",\"checkpoint\":") + (checkpoint ? "true" : "false");
  out += std::string(",\"pregenerated\":") + (pregenerated ? "true" : "false");
  AppendNumber(&out, "seconds", seconds);
  AppendNumber(&out, "events_per_sec", std::round(events_per_sec()));
  AppendNumber(&out, "events_per_sec_per_core", std::round(events_per_sec_per_core()));
  AppendNumber(&out, "cpu_seconds", cpu_seconds);
  AppendNumber(&out, "output_rows", static_cast<double>(output_rows));
  AppendNumber(&out, "epochs", static_cast<double>(epochs));
  AppendNumber(&out, "p50_epoch_ms", p50_epoch_ms);
  AppendNumber(&out, "p99_epoch_ms", p99_epoch_ms);
  AppendNumber(&out, "peak_rss_bytes", static_cast<double>(peak_rss_bytes));
  if (pregenerated) AppendNumber(&out, "pregenerate_seconds", pregenerate_seconds);
  if (baseline_events_per_sec) {
    AppendNumber(&out, "baseline_events_per_sec", std::round(*baseline_events_per_sec));
    AppendNumber(&out, "baseline_cpu_seconds", baseline_cpu_seconds);
    AppendNumber(&out, "baseline_output_rows", static_cast<double>(baseline_output_rows));
    AppendNumber(
        &out, "ratio_to_baseline",
        *baseline_events_per_sec > 0 ? events_per_sec_per_core() / *baseline_events_per_sec : 0.0);
  }
  if (flink_events_per_sec_per_core) {
    AppendNumber(&out, "flink_events_per_sec_per_core", *flink_events_per_sec_per_core);
    AppendNumber(&out, "ratio_to_flink",
                 events_per_sec_per_core() / *flink_events_per_sec_per_core);
  }
  out += "}";
  return out;
}

Result<BenchResult> RunBench(const BenchOptions& options) {
  if (options.events <= 0) return Status::InvalidArgument("--events must be positive");
  if (options.threads <= 0) return Status::InvalidArgument("--threads must be positive");
  ASSIGN_OR_RAISE(QueryFile file, LoadQuery(options));
  ASSIGN_OR_RAISE(TempDir dir, TempDir::Make(options.work_dir.empty() ? "." : options.work_dir));

  BenchResult result;
  result.query = file.name;
  result.events = options.events;
  result.threads = options.threads;
  result.checkpoint = options.checkpoint;
  result.pregenerated = options.pregenerated;
  result.flink_events_per_sec_per_core = FlinkEventsPerSecPerCore(file.name);

  // Without --checkpoint the checkpoint (offset and commit records, state files)
  // lives in an in-memory file system: nothing is written to disk or fsynced. A file
  // sink (q10) writes to disk either way, and so then does its checkpoint.
  const bool file_sink = FindIgnoreCase(file.create_sink, "'file'", 0) != std::string::npos;
  std::unique_ptr<Env> mem_env;
  api::SessionOptions session_options;
  session_options.data_dir = dir.path() + "/data";
  session_options.threads = options.threads;
  session_options.trigger_override = stream::Trigger::AvailableNow();
  if (!options.checkpoint && !file_sink) {
    mem_env = NewMemEnv();
    session_options.env = mem_env.get();
  }
  auto session = std::make_unique<api::Session>(session_options);
  RETURN_NOT_OK(
      session->SetSetting("spark.sql.shuffle.partitions", std::to_string(options.threads)));

  StreamSetup setup;
  setup.events = options.events;
  setup.partitions = options.threads;
  setup.max_events_per_trigger = options.epoch_events;
  // A checkpoint location under the run's directory; "" is the engine's temporary one
  // (in the in-memory file system here).
  setup.sink_options.emplace_back("checkpointLocation", options.checkpoint || file_sink
                                                            ? dir.path() + "/checkpoint"
                                                            : dir.path() + "/mem-checkpoint");
  if (file_sink) setup.sink_options.emplace_back("path", dir.path() + "/output");
  RETURN_NOT_OK(SetUpStream(session.get(), file, setup));
  ASSIGN_OR_RAISE(SourceInfo sources, DescribeSources(session.get()));
  ASSIGN_OR_RAISE(Generator generator, Generator::Make(sources.config));

  std::shared_ptr<const PregeneratedEvents> pregenerated;
  if (options.pregenerated) {
    std::vector<EventKind> kinds = sources.kinds;
    if (options.baseline && HasBaseline(file.name) &&
        std::find(kinds.begin(), kinds.end(), EventKind::kBid) == kinds.end()) {
      kinds.push_back(EventKind::kBid);
    }
    const auto t0 = std::chrono::steady_clock::now();
    ASSIGN_OR_RAISE(pregenerated,
                    PregeneratedEvents::Make(generator, options.events, kinds, options.threads));
    result.pregenerate_seconds = Seconds(t0, std::chrono::steady_clock::now());
    connectors::RegisterPregeneratedNexmarkSource(
        &session->connectors(), std::string(kPregeneratedConnector), pregenerated);
    for (const api::CatalogObject* source : NexmarkSources(session.get())) {
      api::CatalogObject changed = *source;
      SetOption(&changed, "connector", std::string(kPregeneratedConnector));
      RETURN_NOT_OK(session->catalog().Add(std::move(changed), /*replace=*/true));
    }
  }

  auto listener = std::make_shared<EpochListener>();
  session->queries().AddListener(listener);
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  RETURN_NOT_OK(session->Execute(file.insert).status());
  std::vector<stream::StreamingQueryPtr> queries = session->queries().active();
  for (const auto& q : queries) {
    ASSIGN_OR_RAISE(bool ended, q->AwaitTermination(-1));
    (void)ended;
    RETURN_NOT_OK(q->exception());
  }
  // Measured to the end of the last epoch: what the query does after it (stopping,
  // freeing its state) a running stream never pays, and throughput does not count.
  auto t1 = std::chrono::steady_clock::now();
  double cpu1 = CpuSeconds();
  if (auto last = listener->last_epoch_end(); last.has_value()) {
    cpu1 = last->first;
    t1 = last->second;
  }
  result.cpu_seconds = cpu1 - cpu0;
  result.seconds = Seconds(t0, t1);
  const std::vector<double> epochs = listener->epoch_ms();
  result.epochs = static_cast<int64_t>(epochs.size());
  result.p50_epoch_ms = Quantile(epochs, 0.50);
  result.p99_epoch_ms = Quantile(epochs, 0.99);
  result.output_rows = listener->output_rows();
  session.reset();  // frees the query's state before the baseline runs

  if (options.baseline && HasBaseline(file.name)) {
    const double c0 = ThreadCpuSeconds();
    const auto b0 = std::chrono::steady_clock::now();
    ASSIGN_OR_RAISE(BaselineResult baseline,
                    RunBaseline(file.name, generator, options.events, pregenerated.get(), nullptr));
    const double seconds = Seconds(b0, std::chrono::steady_clock::now());
    result.baseline_cpu_seconds = ThreadCpuSeconds() - c0;
    result.baseline_events_per_sec = seconds > 0 ? options.events / seconds : 0;
    result.baseline_output_rows = baseline.output_rows;
  }
  result.peak_rss_bytes = PeakRssBytes();
  return result;
}

}  // namespace weir::nexmark
