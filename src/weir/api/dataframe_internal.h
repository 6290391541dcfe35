// The state behind the public C++ API's DataFrame (include/weir/dataframe.h), and
// helpers shared by the files that implement the API (dataframe.cc,
// data_stream_reader.cc, data_stream_writer.cc, weir_session.cc).

#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/api/session.h"
#include "weir/api/session_internal.h"
#include "weir/common/result.h"
#include "weir/dataframe.h"
#include "weir/plan/logical_plan.h"
#include "weir/stream/streaming_query.h"

namespace weir::api {

// A stream a streaming DataFrame reads: what a query's Source is made from when the
// query starts. `table` is the StreamInputTable the plan's scan of this stream holds;
// its input index means nothing until DataStreamWriter::start numbers the streams of
// the plan it starts.
struct StreamInputDef {
  std::shared_ptr<const stream::StreamInputTable> table;
  std::string name;       // ConnectorContext::name (a memory stream's name)
  std::string connector;  // the registry's name: rate, memory, file, ...
  std::vector<std::pair<std::string, std::string>> options;  // `connector` included
  SchemaPtr schema;  // the source's columns (declared, or the connector's own)
  // A CREATE SOURCE's `WATERMARK FOR` (the query gets it as INSERT INTO's would).
  std::optional<stream::WatermarkSpec> watermark;
};

struct DataFrameState;

// How a DataFrame made by Join joined its sides. The operation after a Join binds
// over the join itself (FROM left AS a JOIN right AS b ON ...), not over its result,
// so that `a.col` and `b.col` still name each side's columns, as in Spark.
struct JoinRecipe {
  std::shared_ptr<const DataFrameState> left;
  std::shared_ptr<const DataFrameState> right;
  sql::JoinType type = sql::JoinType::kInner;
  std::string condition;  // SQL text, already bound once; empty: none
  std::vector<std::string> using_columns;
};

// Immutable once made; shared by copies of a DataFrame.
struct DataFrameState {
  Session* session = nullptr;  // not owned; outlives the DataFrame (session.h)
  plan::LogicalPlanPtr plan;   // bound, not optimized
  // The streams the plan reads, each once; empty for a batch DataFrame.
  std::vector<StreamInputDef> inputs;
  // The qualifier of the columns for the next operation's expressions (As()).
  std::string alias;
  // Set when made by Join (and not renamed by As since).
  std::shared_ptr<const JoinRecipe> join;
};

// A DataFrame over `plan` reading `inputs`.
DataFrame MakeDataFrame(Session* session, plan::LogicalPlanPtr plan,
                        std::vector<StreamInputDef> inputs = {});

// A scan of every column of `table`.
plan::LogicalPlanPtr ScanAll(plan::TableProviderPtr table);

// "a INT, b STRING" -> the schema; INVALID_SQL with the position in `ddl`.
Result<SchemaPtr> SchemaFromDdl(std::string_view ddl);

// Sets `key` (replacing a case-insensitively equal key).
void SetOptionValue(std::vector<std::pair<std::string, std::string>>* options, std::string_view key,
                    std::string value);

}  // namespace weir::api
