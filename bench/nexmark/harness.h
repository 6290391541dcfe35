// The Nexmark harness: the query files of bench/nexmark/queries (built into the
// binary), how to set one up in a session as a streaming query or as a batch query
// over the same events, and `weir bench nexmark`'s measurement (RunBench).
//
// A query file is a script: CREATE SOURCE statements over the `nexmark` connector,
// maybe views (q13's side input), one CREATE SINK and one INSERT INTO. The harness
// runs the file's statements itself, so that it can change the sources' options
// (event count, partitions, epoch size, the pregenerated connector) and the sink's
// (its connector, checkpoint location, path) without editing the text.
//
// Thread-safety: the functions are reentrant; a Session is used by one thread.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/api/session.h"
#include "weir/common/result.h"
#include "weir/types/batch.h"

#include "nexmark/generator.h"
#include "nexmark/pregenerated.h"

namespace weir::nexmark {

// A query file's statements by role.
struct QueryFile {
  std::string name;                // "q5"
  std::vector<std::string> setup;  // every statement before CREATE SINK, in order
  std::string create_sink;         // the CREATE SINK statement
  std::string sink;                // the sink's name
  std::string insert;              // the INSERT INTO statement
  std::string select;              // the INSERT INTO's query
};

// Splits a query file. InvalidArgument unless it has exactly one CREATE SINK and one
// INSERT INTO, in that order, after the other statements.
Result<QueryFile> ParseQueryFile(std::string name, std::string_view text);

// The names of the query files built in (bench/nexmark/queries/q*.sql when weir was
// built), in numeric order: q0, q1, q2, ...
std::vector<std::string> BuiltinQueryNames();
// A built-in query file by name; NotFound naming the known ones.
Result<QueryFile> BuiltinQuery(std::string_view name);

// Flink's published throughput for the query in events per second per core
// (NEXMARK.md: 8 cores, the generator inside the job), if there is one.
std::optional<double> FlinkEventsPerSecPerCore(std::string_view query);

// How SetUpStream changes a file's sources and sink.
struct StreamSetup {
  int64_t events = 0;                  // the sources' `events`
  int partitions = 1;                  // the sources' `partitions`
  int64_t max_events_per_trigger = 0;  // the sources' `maxEventsPerTrigger`; 0: keep
  std::string source_connector;        // replaces `nexmark`; empty: keep
  std::string sink_connector;          // replaces the sink's connector; empty: keep
  // Options set on the sink (added or replaced), e.g. checkpointLocation.
  std::vector<std::pair<std::string, std::string>> sink_options;
};

// Runs the file's setup statements and its CREATE SINK in `session`, then changes the
// sources (those of connector `nexmark`) and the sink as `setup` says. The caller
// then executes file.insert to start the query.
Status SetUpStream(api::Session* session, const QueryFile& file, const StreamSetup& setup);

// The sources' generator configuration (their base_time and first_event_rate) and
// the kinds they read, after SetUpStream or SetUpBatch.
struct SourceInfo {
  GeneratorConfig config;
  std::vector<EventKind> kinds;
};
Result<SourceInfo> DescribeSources(api::Session* session);

// Prepares `session` for the file's query as a batch query: each of the file's
// sources becomes a table of the same name and columns holding its events among
// [0, events) (from `pregenerated` when not null, else generated), and the file's
// other setup statements run. Then session->Execute(file.select) is the batch answer.
Status SetUpBatch(api::Session* session, const QueryFile& file, int64_t events,
                  const PregeneratedEvents* pregenerated);

// One cell as canonical text: integers in decimal, TIMESTAMP as microseconds since
// the epoch, DOUBLE with 17 significant digits (exact), DECIMAL and other types as weir prints
// them, strings as they are, NULL as "NULL". The baselines use the same format.
std::string CanonicalCell(const Column& column, int64_t row);
// Every row of the batches as canonical cells joined by tabs.
std::vector<std::string> CanonicalRows(const std::vector<Batch>& batches);

// `weir bench nexmark`.
struct BenchOptions {
  std::string query;       // a built-in query name, e.g. "q5"
  std::string query_file;  // or a file to read (then `query` names it)
  int64_t events = 10'000'000;
  int threads = 1;
  bool checkpoint = false;           // checkpoint on disk, else in an in-memory file system
  bool pregenerated = false;         // the events generated before the query starts
  int64_t epoch_events = 1'000'000;  // the sources' maxEventsPerTrigger
  bool baseline = true;              // run the hand-written baseline when there is one
  std::string work_dir;              // where the run's temporary directory goes
};

struct BenchResult {
  std::string query;
  int64_t events = 0;
  int threads = 0;
  bool checkpoint = false;
  bool pregenerated = false;
  // The streaming query, from its start to the end of its last epoch (its stop and
  // the freeing of its state after that are not counted).
  double seconds = 0;
  double cpu_seconds = 0;  // the process's CPU time meanwhile (all threads)
  int64_t output_rows = 0;
  int64_t epochs = 0;
  double p50_epoch_ms = 0;
  double p99_epoch_ms = 0;
  int64_t peak_rss_bytes = 0;
  double pregenerate_seconds = 0;  // --pregenerated: generating the input beforehand
  std::optional<double> baseline_events_per_sec;
  double baseline_cpu_seconds = 0;  // the baseline's thread's CPU time
  int64_t baseline_output_rows = 0;
  std::optional<double> flink_events_per_sec_per_core;

  double events_per_sec() const { return seconds > 0 ? events / seconds : 0; }
  double events_per_sec_per_core() const { return threads > 0 ? events_per_sec() / threads : 0; }
  // One JSON object on one line (the fields of docs/cli.md).
  std::string ToJson() const;
};

Result<BenchResult> RunBench(const BenchOptions& options);

}  // namespace weir::nexmark
