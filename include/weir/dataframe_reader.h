// weir::DataFrameReader: batch reads of files, Spark's DataFrameReader.
//
//   session.Read().format("json").option("mode", "DROPMALFORMED")
//       .schema("host STRING, bytes BIGINT").load("/data/logs")
//
// Formats are json, csv and text, with the options of docs/formats.md; `path` is a
// file, a directory (every file in it) or a glob. Without schema() the columns are
// inferred as SQL's json.`path` does.
//
// Thread-safety: a builder for one thread.

#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/common/result.h"
#include "weir/dataframe.h"
#include "weir/types/schema.h"

namespace weir {

namespace api {
class Session;
}  // namespace api

class DataFrameReader {
 public:
  DataFrameReader& format(std::string_view format);
  DataFrameReader& option(std::string_view key, std::string_view value);
  DataFrameReader& option(std::string_view key, int64_t value);
  // The columns as DDL ("a INT, b STRING"); a parse error is load()'s.
  DataFrameReader& schema(std::string_view ddl);
  DataFrameReader& schema(SchemaPtr schema);
  // A batch DataFrame over the files at `path`.
  Result<DataFrame> load(std::string_view path);

 private:
  friend class Session;
  explicit DataFrameReader(api::Session* session) : session_(session) {}

  api::Session* session_;
  std::string format_;
  std::vector<std::pair<std::string, std::string>> options_;
  SchemaPtr schema_;
  std::string schema_ddl_;
};

}  // namespace weir
