// weir::Session: the entry point of the C++ API, Spark's SparkSession. It runs SQL
// (`Sql`), reads files (`Read`), opens streams (`ReadStream`, `NewMemoryStream`) and
// keeps the streaming queries it started (`Streams`). docs/api.md is the guide.
//
//   ASSIGN_OR_RAISE(weir::Session session, weir::Session::Open());
//   ASSIGN_OR_RAISE(weir::DataFrame df, session.Sql("SELECT 1 AS one"));
//   ASSIGN_OR_RAISE(std::string table, df.Show());
//
// Lifetime: every DataFrame, reader, writer and MemoryStream made from a session
// refers to it and must not be used after the session is destroyed; destroying the
// session stops its streaming queries (a StreamingQueryPtr stays valid to read).
//
// Thread-safety: like api::Session, a Session and the DataFrames made from it are
// used by one thread at a time (Spark's driver). Streaming queries run on their own
// threads; a StreamingQuery handle and a MemoryStream's AddData are thread-safe.

#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "weir/api/session.h"
#include "weir/common/result.h"
#include "weir/stream/streaming_query.h"
#include "weir/types/schema.h"

namespace weir {

class DataFrame;
class DataFrameReader;
class DataStreamReader;
class MemoryStream;

// Where data lives, threads, Env and clock (see api::SessionOptions for each field
// and its default).
using SessionOptions = api::SessionOptions;

class Session {
 public:
  // A session with `options`. InvalidArgument for a negative thread count or an
  // empty data directory.
  static Result<Session> Open(SessionOptions options = {});

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  // Spark's spark.sql: a query (SELECT, VALUES, WITH ...) becomes a DataFrame, bound
  // now and run when collected — a streaming one when it reads a source made by
  // CREATE SOURCE. Any other statement (CREATE ..., SET, SHOW, INSERT INTO ...) runs
  // now, and the DataFrame holds what it returned (no columns when nothing). Errors
  // carry the line and column in `text`.
  Result<DataFrame> Sql(std::string_view text);

  // Batch reads of files: Read().format("json").schema("a INT").load(path).
  DataFrameReader Read();
  // Streams: ReadStream().format("rate").option("rowsPerSecond", 10).load().
  DataStreamReader ReadStream();
  // A memory stream named `name` (Spark's MemoryStream): rows added with AddData are
  // read by the streaming DataFrames of ToDF(), and by SQL sources declared WITH
  // (connector = 'memory') under the same name. Opening an existing name returns the
  // same stream; InvalidArgument if its columns differ or `schema` has none.
  Result<MemoryStream> NewMemoryStream(std::string_view name, SchemaPtr schema);
  // The same, with the columns as DDL: "id BIGINT, name STRING".
  Result<MemoryStream> NewMemoryStream(std::string_view name, std::string_view ddl);

  // The active streaming queries, listeners, AwaitAnyTermination (spark.streams).
  stream::StreamingQueryManager& Streams();

  // The SQL session underneath, for what the API does not wrap (settings, catalog).
  api::Session& sql_session() { return *session_; }

 private:
  explicit Session(std::unique_ptr<api::Session> session);
  // Heap-allocated so that DataFrames keep a stable pointer when the Session moves.
  std::unique_ptr<api::Session> session_;
};

}  // namespace weir
