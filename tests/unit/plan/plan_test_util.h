// A test catalog over empty MemoryTables and helpers that parse and bind SQL.

#pragma once

#include <map>
#include <string>
#include <vector>

#include "weir/functions/registry.h"
#include "weir/plan/binder.h"
#include "weir/plan/table.h"
#include "weir/sql/parser.h"

namespace weir::plan::testing {

inline SchemaPtr S(std::vector<Field> fields) { return MakeSchema(std::move(fields)); }

// An empty table that names a corrupt-record column, as a JSON or CSV file table does.
class CorruptRecordTable final : public TableProvider {
 public:
  CorruptRecordTable(SchemaPtr schema, int corrupt)
      : inner_(std::move(schema), {}, 1, "json raw"), corrupt_(corrupt) {}
  const SchemaPtr& schema() const override { return inner_.schema(); }
  std::string Describe() const override { return inner_.Describe(); }
  int NumPartitions() const override { return inner_.NumPartitions(); }
  Result<BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    return inner_.Open(partition, columns);
  }
  int corrupt_record_column() const override { return corrupt_; }

 private:
  MemoryTable inner_;
  int corrupt_;
};

// Tables:
//   t(a INT, b STRING, c DOUBLE)
//   s(k INT, x BIGINT)
//   t1(a INT, b INT), t2(a INT, c INT)
//   weblogs(host STRING, ts TIMESTAMP, request STRING, http_reply INT, bytes BIGINT)
//   nested(id INT, st STRUCT<f: INT, g: STRING>, arr ARRAY<INT>, m MAP<STRING, INT>)
//   big(id BIGINT NOT NULL) -- a view over a Project
//   raw(name STRING, _corrupt_record STRING) -- like a JSON file scan: its
//     corrupt_record_column() is 1
// Paths: json.`...`, csv.`...` read (value STRING); a path containing "no_such" is
// [PATH_NOT_FOUND], as the formats layer reports it.
class TestCatalog final : public Catalog {
 public:
  TestCatalog() {
    Add("t", S({{"a", DataType::Int32()}, {"b", DataType::String()}, {"c", DataType::Double()}}));
    Add("s", S({{"k", DataType::Int32()}, {"x", DataType::Int64()}}));
    Add("t1", S({{"a", DataType::Int32()}, {"b", DataType::Int32()}}));
    Add("t2", S({{"a", DataType::Int32()}, {"c", DataType::Int32()}}));
    Add("weblogs", S({{"host", DataType::String()},
                      {"ts", DataType::Timestamp()},
                      {"request", DataType::String()},
                      {"http_reply", DataType::Int32()},
                      {"bytes", DataType::Int64()}}));
    Add("nested",
        S({{"id", DataType::Int32()},
           {"st", DataType::Struct({{"f", DataType::Int32()}, {"g", DataType::String()}})},
           {"arr", DataType::Array(DataType::Int32())},
           {"m", DataType::Map(DataType::String(), DataType::Int32())}}));
    tables_["raw"] = std::make_shared<CorruptRecordTable>(
        S({{"name", DataType::String()}, {"_corrupt_record", DataType::String()}}), 1);
  }

  void Add(const std::string& name, SchemaPtr schema) {
    tables_[name] = std::make_shared<MemoryTable>(schema, std::vector<Batch>{}, 1, name);
  }

  Result<LogicalPlanPtr> ResolveRelation(const std::vector<std::string>& name) const override {
    if (name.size() != 1) return Status::NotFound("no such table");
    for (const auto& [n, t] : tables_) {
      if (EqualsIgnoreCase(n, name[0])) {
        return LogicalPlanPtr(ScanNode::All(t));
      }
    }
    return Status::NotFound("no such table");
  }

  Result<TableProviderPtr> ResolvePath(std::string_view format,
                                       std::string_view path) const override {
    const std::string f = AsciiLower(format);
    if (f != "json" && f != "csv") return Status::NotFound("not a format");
    if (path.find("no_such") != std::string_view::npos) {
      return Status::NotFound("[PATH_NOT_FOUND] Path does not exist: file:" + std::string(path) +
                              ".");
    }
    return TableProviderPtr(std::make_shared<MemoryTable>(
        S({{"value", DataType::String()}}), std::vector<Batch>{}, 1, f + " " + std::string(path)));
  }

  std::vector<std::string> RelationNames() const override {
    std::vector<std::string> out;
    for (const auto& [n, t] : tables_) out.push_back(n);
    return out;
  }

 private:
  std::map<std::string, TableProviderPtr> tables_;
};

inline Result<LogicalPlanPtr> BindSql(std::string_view sql, const BindOptions& options = {}) {
  static TestCatalog catalog;
  ASSIGN_OR_RAISE(sql::StatementPtr st, sql::ParseStatement(sql));
  if (st->kind != sql::StatementKind::kQuery) return Status::InvalidArgument("not a query");
  return BindQuery(*st->query, catalog, options);
}

// The EXPLAIN tree, or the error.
inline std::string Plan(std::string_view sql) {
  auto r = BindSql(sql);
  if (!r.ok()) return "ERROR " + r.status().ToString();
  return ExplainString(**r);
}

// "name:TYPE" per output column; "?" marks a nullable column.
inline std::string SchemaOf(std::string_view sql) {
  auto r = BindSql(sql);
  if (!r.ok()) return "ERROR " + r.status().ToString();
  std::string out;
  for (const Field& f : (*r)->schema()->fields()) {
    if (!out.empty()) out += ", ";
    out += f.name + ":" + f.type.ToDdl() + (f.nullable ? "?" : "");
  }
  return out;
}

inline Status BindError(std::string_view sql) {
  auto r = BindSql(sql);
  if (r.ok()) return Status::Internal("bound without error:\n" + ExplainString(**r));
  return r.status();
}

}  // namespace weir::plan::testing
