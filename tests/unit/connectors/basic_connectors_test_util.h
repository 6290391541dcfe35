// Helpers for the rate, memory, socket, console and foreachBatch tests: contexts,
// registries, and tables read back as row strings.

#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "weir/connectors/builtin.h"
#include "weir/stream/connector_registry.h"
#include "weir/types/builder.h"
#include "weir/types/pretty.h"

namespace weir::connectors::testing {

using Strings = std::vector<std::string>;
using OptionList = std::vector<std::pair<std::string, std::string>>;

inline stream::ConnectorContext Context(std::string name, const OptionList& options,
                                        Env* env = nullptr, Clock* clock = nullptr,
                                        stream::LocalTables* tables = nullptr) {
  stream::ConnectorContext ctx;
  ctx.name = std::move(name);
  ctx.options = stream::Options(options);
  ctx.env = env;
  ctx.clock = clock;
  ctx.local_tables = tables;
  return ctx;
}

// A registry with this module's connectors (the file ones are registered apart).
inline stream::ConnectorRegistry Registry() {
  stream::ConnectorRegistry r;
  RegisterRateSource(&r);
  RegisterMemoryConnectors(&r);
  RegisterSocketSource(&r);
  RegisterConsoleSink(&r);
  return r;
}

// Each row as show() prints its values, joined with " | ".
inline Strings Rows(const Batch& batch) {
  Strings rows;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    std::string row;
    for (int c = 0; c < batch.num_columns(); ++c) {
      if (c > 0) row += " | ";
      row += FormatPretty(*batch.column(c), batch.RowIndex(r));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// The rows of one partition (all columns unless `columns` is given), and the sizes
// of the batches it came in.
inline Strings ReadPartition(const plan::TableProvider& table, int partition,
                             std::vector<int> columns = {}, std::vector<int64_t>* sizes = nullptr) {
  if (columns.empty()) {
    for (int c = 0; c < table.schema()->num_fields(); ++c) columns.push_back(c);
  }
  Strings rows;
  Result<plan::BatchReaderPtr> reader = table.Open(partition, columns);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return rows;
  Batch b;
  while (true) {
    Result<bool> more = (*reader)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    if (sizes != nullptr) sizes->push_back(b.num_rows());
    for (std::string& row : Rows(b)) rows.push_back(std::move(row));
  }
  return rows;
}

// Every partition's rows, partition after partition.
inline Strings ReadAll(const plan::TableProvider& table) {
  Strings rows;
  for (int p = 0; p < table.NumPartitions(); ++p) {
    for (std::string& row : ReadPartition(table, p)) rows.push_back(std::move(row));
  }
  return rows;
}

// The first error's message of a table's partitions ("" when none).
inline Status ReadError(const plan::TableProvider& table) {
  std::vector<int> columns;
  for (int c = 0; c < table.schema()->num_fields(); ++c) columns.push_back(c);
  for (int p = 0; p < table.NumPartitions(); ++p) {
    Result<plan::BatchReaderPtr> reader = table.Open(p, columns);
    if (!reader.ok()) return reader.status();
    Batch b;
    while (true) {
      Result<bool> more = (*reader)->Next(&b);
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
  }
  return Status::OK();
}

inline Batch MakeBatch(const SchemaPtr& schema, const std::vector<std::vector<Value>>& rows) {
  BatchBuilder b(schema);
  for (const auto& row : rows) EXPECT_TRUE(b.AppendRow(row).ok());
  Result<Batch> batch = b.Finish();
  EXPECT_TRUE(batch.ok()) << batch.status();
  return batch.ok() ? *batch : Batch::MakeEmpty(schema);
}

}  // namespace weir::connectors::testing
