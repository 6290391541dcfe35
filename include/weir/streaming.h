// Streaming in the C++ API, shaped like Spark Structured Streaming:
//
//   DataStreamReader  session.ReadStream().format("rate").option(k, v).schema(ddl).load()
//   DataStreamWriter  df.WriteStream().format("memory").outputMode("append")
//                       .trigger(Trigger::ProcessingTime("1 second")).queryName("q")
//                       .option("checkpointLocation", dir).start()
//   StreamingQuery    id, run_id, name, Stop, AwaitTermination, ProcessAllAvailable,
//                     status, last_progress, recent_progress, exception
//   MemoryStream      session.NewMemoryStream("events", schema): AddData from C++
//
// The builders keep Spark's method names (format, option, schema, load, outputMode,
// trigger, queryName, foreachBatch, start) so Spark code reads the same; a mistake in
// one (an unknown format, a bad option or trigger) is reported by load() / start(),
// which return Result. Options are the connectors' (docs/connectors.md); the engine
// is described in docs/streaming.md, the API in docs/api.md.
//
// Thread-safety: readers and writers are builders for one thread. StreamingQuery
// methods and MemoryStream::AddData are thread-safe.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/common/result.h"
#include "weir/dataframe.h"
#include "weir/stream/local_tables.h"
#include "weir/stream/streaming_query.h"
#include "weir/types/batch.h"
#include "weir/types/schema.h"
#include "weir/types/value.h"

namespace weir {

namespace api {
class Session;
}  // namespace api

// A running query (docs/streaming.md "The C++ interface"): id() is stable across
// restarts from one checkpoint, run_id() new each start.
using StreamingQuery = stream::StreamingQuery;
using StreamingQueryPtr = stream::StreamingQueryPtr;
using StreamingQueryListener = stream::StreamingQueryListener;
using StreamingQueryProgress = stream::QueryProgress;

// When epochs run (docs/streaming.md "Triggers"). A value.
class Trigger {
 public:
  // As fast as possible: the next epoch as soon as new data is there.
  static Trigger Default() { return Trigger("default"); }
  // At fixed intervals: "1 second", "500 ms", "10 seconds", "1 minute".
  static Trigger ProcessingTime(std::string_view interval) {
    return Trigger("processing-time " + std::string(interval));
  }
  static Trigger ProcessingTime(int64_t interval_ms) {
    return Trigger("processing-time " + std::to_string(interval_ms) + "ms");
  }
  // One epoch over everything available, then stop (deprecated in Spark 3.4).
  static Trigger Once() { return Trigger("once"); }
  // Everything available at start, in as many epochs as per-trigger limits need.
  static Trigger AvailableNow() { return Trigger("available-now"); }

  // The trigger option's text (stream::ParseTrigger reads it; errors at start()).
  const std::string& text() const { return text_; }

 private:
  explicit Trigger(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

// Reads a stream: Spark's DataStreamReader. format() names the source connector
// (rate, memory, file, socket, log, ...); option() its options; schema() declares
// the columns (required by memory and by the file source unless inference is on;
// without it a source has its connector's columns, such as rate's timestamp, value).
// For `memory`, the stream's name is the option "name" (see Session::NewMemoryStream).
class DataStreamReader {
 public:
  DataStreamReader& format(std::string_view source);
  DataStreamReader& option(std::string_view key, std::string_view value);
  DataStreamReader& option(std::string_view key, int64_t value);
  // The columns as DDL ("a INT, b STRING"); a parse error is load()'s.
  DataStreamReader& schema(std::string_view ddl);
  DataStreamReader& schema(SchemaPtr schema);
  // A streaming DataFrame over the source: the plan `SELECT * FROM <source>` binds
  // to. The source is made (and its options checked) now, then stopped; each query
  // started from the DataFrame makes its own.
  Result<DataFrame> load();
  // The same with the `path` option (file source).
  Result<DataFrame> load(std::string_view path);

 private:
  friend class Session;
  explicit DataStreamReader(api::Session* session) : session_(session) {}

  api::Session* session_;
  std::string format_;
  std::vector<std::pair<std::string, std::string>> options_;
  SchemaPtr schema_;
  std::string schema_ddl_;  // parsed by load()
};

// Each epoch's output, for foreachBatch: the epoch id and its rows (all with
// `schema`). Returning an error fails the query. The sink is as exactly-once as the
// function is idempotent per epoch, so it reports at-least-once. Runs on the query's
// thread: it must not use the session (which belongs to the caller's thread).
using ForeachBatchFunction =
    std::function<Status(int64_t epoch, const SchemaPtr& schema, const std::vector<Batch>& rows)>;

// Starts a streaming query: Spark's DataStreamWriter.
//  - format(): the sink connector (memory, console, file, log, ...) unless
//    foreachBatch() is given; option(): its options, plus checkpointLocation (where
//    the query's progress is kept; without one the query gets a temporary checkpoint
//    and cannot be restarted).
//  - outputMode(): append (default), update, complete.
//  - trigger(): Trigger::Default() unless given.
//  - queryName(): the query's name; the memory sink's table name (required there),
//    which Session::Sql("SELECT * FROM <name>") reads.
//  - lateRows(): weir's addition: the rows the query's aggregation finds late go to
//    a second sink (a connector and its options; a memory sink's table is named by
//    its queryName option) instead of being dropped (docs/streaming.md).
class DataStreamWriter {
 public:
  DataStreamWriter& format(std::string_view sink);
  DataStreamWriter& option(std::string_view key, std::string_view value);
  DataStreamWriter& option(std::string_view key, int64_t value);
  DataStreamWriter& outputMode(std::string_view mode);
  DataStreamWriter& trigger(const Trigger& trigger);
  DataStreamWriter& queryName(std::string_view name);
  DataStreamWriter& foreachBatch(ForeachBatchFunction fn);
  DataStreamWriter& lateRows(std::string_view sink,
                             std::vector<std::pair<std::string, std::string>> options = {});
  // Checks the query (unsupported operations are refused here), opens or resumes
  // its checkpoint and starts it on its own thread.
  Result<StreamingQueryPtr> start();
  // The same with the `path` option (file sink).
  Result<StreamingQueryPtr> start(std::string_view path);

 private:
  friend class DataFrame;
  explicit DataStreamWriter(DataFrame frame) : frame_(std::move(frame)) {}

  DataFrame frame_;
  std::string format_;
  std::vector<std::pair<std::string, std::string>> options_;
  std::string output_mode_ = "append";
  std::string trigger_ = "default";
  std::string query_name_;
  ForeachBatchFunction foreach_batch_;
  std::string late_format_;
  std::vector<std::pair<std::string, std::string>> late_options_;
};

// Rows added from C++ to a memory source (Spark's MemoryStream). Each AddData is one
// offset: an epoch reads every AddData since the previous epoch.
//
// Thread-safety: AddData may be called from any thread, also while queries read.
class MemoryStream {
 public:
  const std::string& name() const { return name_; }
  const SchemaPtr& schema() const { return schema_; }
  // Appends one batch; InvalidArgument if its schema is not the stream's. Returns the
  // stream's offset after it (the number of AddData calls so far).
  Result<int64_t> AddData(Batch batch);
  // Appends rows given as values (one per column, of the column's type, or NULL).
  Result<int64_t> AddData(const std::vector<std::vector<Value>>& rows);
  // A streaming DataFrame over the stream. Every call reads the same source.
  DataFrame ToDF() const;

 private:
  friend class Session;
  MemoryStream(api::Session* session, std::string name,
               std::shared_ptr<stream::MemoryStreamBuffer> buffer);

  api::Session* session_;
  std::string name_;
  SchemaPtr schema_;
  std::shared_ptr<stream::MemoryStreamBuffer> buffer_;  // thread-safe
  // What every ToDF() scans, so that one MemoryStream is one source of a query that
  // reads it twice (a self-union or self-join), as in Spark.
  std::shared_ptr<const stream::StreamInputTable> table_;
};

}  // namespace weir
