// weir::Session (include/weir/session.h): the C++ API's entry point over api::Session.

#include "weir/api/dataframe_internal.h"
#include "weir/dataframe_reader.h"
#include "weir/plan/binder.h"
#include "weir/session.h"
#include "weir/sql/parser.h"
#include "weir/streaming.h"

namespace weir {

namespace {

// The streams a plan bound under SessionCatalog's streaming bind reads: input i of
// the bound StreamInputTables is the source `sources[i]`.
Result<std::vector<api::StreamInputDef>> StreamInputsOf(
    const plan::LogicalPlanPtr& plan, const std::vector<const api::CatalogObject*>& sources,
    const EvalOptions& eval) {
  std::vector<api::StreamInputDef> defs(sources.size());
  RETURN_NOT_OK(plan::TransformUp(
                    plan,
                    [&](const plan::LogicalPlanPtr& node) -> Result<plan::LogicalPlanPtr> {
                      if (node->kind() != plan::LogicalKind::kScan) return node;
                      const auto& scan = static_cast<const plan::ScanNode&>(*node);
                      auto table =
                          std::dynamic_pointer_cast<const stream::StreamInputTable>(scan.table());
                      if (table == nullptr) return node;
                      const size_t i = static_cast<size_t>(table->input());
                      if (i >= sources.size()) {
                        return Status::Internal("stream input out of range");
                      }
                      api::StreamInputDef& def = defs[i];
                      const api::CatalogObject& source = *sources[i];
                      def.table = std::move(table);
                      def.name = source.name;
                      const std::string* connector =
                          api::FindOptionValue(source.options, "connector");
                      def.connector = connector != nullptr ? *connector : "";
                      def.options = source.options;
                      def.schema = source.schema;
                      if (!source.watermark_column.empty()) {
                        ASSIGN_OR_RAISE(def.watermark, api::WatermarkOf(source, eval));
                      }
                      return node;
                    })
                    .status());
  for (const api::StreamInputDef& def : defs) {
    if (def.table == nullptr) return Status::Internal("a source of the query has no scan");
  }
  return defs;
}

}  // namespace

Session::Session(std::unique_ptr<api::Session> session) : session_(std::move(session)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::Open(SessionOptions options) {
  if (options.threads < 0) {
    return Status::InvalidArgument("SessionOptions::threads must be at least 0 (0: one per core).");
  }
  if (options.data_dir.empty()) {
    return Status::InvalidArgument("SessionOptions::data_dir must name a directory.");
  }
  return Session(std::make_unique<api::Session>(std::move(options)));
}

Result<DataFrame> Session::Sql(std::string_view text) {
  api::Session& s = *session_;
  sql::ParseOptions parse;
  parse.time_zone = s.eval_options().time_zone;
  ASSIGN_OR_RAISE(sql::StatementPtr stmt, sql::ParseStatement(text, parse));
  if (stmt->kind != sql::StatementKind::kQuery) {
    ASSIGN_OR_RAISE(api::StatementResult result, s.Execute(text));
    SchemaPtr schema = result.schema != nullptr ? result.schema : MakeSchema({});
    auto table = std::make_shared<plan::MemoryTable>(schema, std::move(result.batches));
    return api::MakeDataFrame(&s, api::ScanAll(std::move(table)));
  }
  // Bound as INSERT INTO binds its query, so a source resolves to a stream input.
  plan::BindOptions options;
  options.resolve.ansi = s.eval_options().ansi;
  s.catalog().BeginStreamingBind();
  Result<plan::LogicalPlanPtr> bound = plan::BindQuery(*stmt->query, s.catalog(), options);
  std::vector<const api::CatalogObject*> sources = s.catalog().EndStreamingBind();
  RETURN_NOT_OK(bound.status());
  ASSIGN_OR_RAISE(std::vector<api::StreamInputDef> inputs,
                  StreamInputsOf(*bound, sources, s.eval_options()));
  return api::MakeDataFrame(&s, std::move(*bound), std::move(inputs));
}

DataFrameReader Session::Read() { return DataFrameReader(session_.get()); }

DataStreamReader Session::ReadStream() { return DataStreamReader(session_.get()); }

Result<MemoryStream> Session::NewMemoryStream(std::string_view name, SchemaPtr schema) {
  if (name.empty()) return Status::InvalidArgument("A memory stream needs a name.");
  if (schema == nullptr || schema->num_fields() == 0) {
    return Status::InvalidArgument("The memory stream `" + std::string(name) +
                                   "` needs at least one column.");
  }
  ASSIGN_OR_RAISE(std::shared_ptr<stream::MemoryStreamBuffer> buffer,
                  session_->local_tables().Input(name, std::move(schema)));
  return MemoryStream(session_.get(), std::string(name), std::move(buffer));
}

Result<MemoryStream> Session::NewMemoryStream(std::string_view name, std::string_view ddl) {
  ASSIGN_OR_RAISE(SchemaPtr schema, api::SchemaFromDdl(ddl));
  return NewMemoryStream(name, std::move(schema));
}

stream::StreamingQueryManager& Session::Streams() { return session_->queries(); }

}  // namespace weir
