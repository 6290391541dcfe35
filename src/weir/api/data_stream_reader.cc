// DataStreamReader, DataFrameReader and MemoryStream (include/weir/streaming.h,
// include/weir/dataframe_reader.h): where the C++ API's DataFrames come from.

#include <map>

#include "weir/api/dataframe_internal.h"
#include "weir/dataframe_reader.h"
#include "weir/formats/file_table.h"
#include "weir/functions/registry.h"
#include "weir/streaming.h"
#include "weir/types/builder.h"

namespace weir {

// DataStreamReader ----------------------------------------------------------------

DataStreamReader& DataStreamReader::format(std::string_view source) {
  format_ = std::string(source);
  return *this;
}

DataStreamReader& DataStreamReader::option(std::string_view key, std::string_view value) {
  api::SetOptionValue(&options_, key, std::string(value));
  return *this;
}

DataStreamReader& DataStreamReader::option(std::string_view key, int64_t value) {
  return option(key, std::to_string(value));
}

DataStreamReader& DataStreamReader::schema(std::string_view ddl) {
  schema_ = nullptr;
  schema_ddl_ = std::string(ddl);
  return *this;
}

DataStreamReader& DataStreamReader::schema(SchemaPtr schema) {
  schema_ = std::move(schema);
  schema_ddl_.clear();
  return *this;
}

Result<DataFrame> DataStreamReader::load(std::string_view path) {
  option("path", path);
  return load();
}

Result<DataFrame> DataStreamReader::load() {
  if (format_.empty()) {
    return Status::InvalidArgument("ReadStream() needs a source: call format() first.")
        .WithHint("format(\"rate\"), \"memory\", \"file\", \"socket\", \"log\", ...");
  }
  api::Session& s = *session_;
  SchemaPtr declared = schema_;
  if (!schema_ddl_.empty()) {
    ASSIGN_OR_RAISE(declared, api::SchemaFromDdl(schema_ddl_));
  }

  api::StreamInputDef def;
  def.connector = AsciiLower(format_);
  def.options = options_;
  api::SetOptionValue(&def.options, "connector", def.connector);
  const std::string* name = api::FindOptionValue(options_, "name");
  def.name = name != nullptr ? *name : def.connector;

  // Made once now, as CREATE SOURCE does, to check the options and learn the columns.
  stream::ConnectorContext ctx;
  ctx.name = def.name;
  ctx.schema = declared;
  ctx.options = stream::Options(def.options);
  ctx.env = s.env();
  ctx.clock = s.clock();
  ctx.data_dir = s.options().data_dir;
  ctx.local_tables = &s.local_tables();
  ASSIGN_OR_RAISE(stream::SourcePtr probe, s.connectors().MakeSource(def.connector, ctx));
  def.schema = probe->schema();
  probe->Stop();
  if (declared != nullptr && declared->num_fields() > 0 && !(*declared == *def.schema)) {
    return Status::InvalidOption("The schema " + declared->ToString() + " does not match the `" +
                                 def.connector + "` source's columns " + def.schema->ToString() +
                                 ".")
        .WithHint("declare the connector's columns, or give it a format that decodes them");
  }
  def.table = std::make_shared<stream::StreamInputTable>(0, def.name, def.schema);
  plan::LogicalPlanPtr plan = api::ScanAll(def.table);
  return api::MakeDataFrame(session_, std::move(plan), {std::move(def)});
}

// DataFrameReader -----------------------------------------------------------------

DataFrameReader& DataFrameReader::format(std::string_view format) {
  format_ = std::string(format);
  return *this;
}

DataFrameReader& DataFrameReader::option(std::string_view key, std::string_view value) {
  api::SetOptionValue(&options_, key, std::string(value));
  return *this;
}

DataFrameReader& DataFrameReader::option(std::string_view key, int64_t value) {
  return option(key, std::to_string(value));
}

DataFrameReader& DataFrameReader::schema(std::string_view ddl) {
  schema_ = nullptr;
  schema_ddl_ = std::string(ddl);
  return *this;
}

DataFrameReader& DataFrameReader::schema(SchemaPtr schema) {
  schema_ = std::move(schema);
  schema_ddl_.clear();
  return *this;
}

Result<DataFrame> DataFrameReader::load(std::string_view path) {
  if (!formats::IsFileFormat(format_)) {
    return Status::InvalidOption("Read() reads the file formats json, csv and text, not '" +
                                 format_ + "'.")
        .WithHint("call format(\"json\"), format(\"csv\") or format(\"text\")");
  }
  SchemaPtr declared = schema_;
  if (!schema_ddl_.empty()) {
    ASSIGN_OR_RAISE(declared, api::SchemaFromDdl(schema_ddl_));
  }
  std::map<std::string, std::string> options;
  for (const auto& [k, v] : options_) options[k] = v;
  ASSIGN_OR_RAISE(plan::TableProviderPtr table,
                  formats::OpenFileTable(format_, path, options, declared, session_->env()));
  return api::MakeDataFrame(session_, api::ScanAll(std::move(table)));
}

// MemoryStream --------------------------------------------------------------------

MemoryStream::MemoryStream(api::Session* session, std::string name,
                           std::shared_ptr<stream::MemoryStreamBuffer> buffer)
    : session_(session),
      name_(std::move(name)),
      schema_(buffer->schema()),
      buffer_(std::move(buffer)),
      table_(std::make_shared<stream::StreamInputTable>(0, name_, schema_)) {}

Result<int64_t> MemoryStream::AddData(Batch batch) { return buffer_->Append(std::move(batch)); }

Result<int64_t> MemoryStream::AddData(const std::vector<std::vector<Value>>& rows) {
  BatchBuilder builder(schema_);
  for (const std::vector<Value>& row : rows) RETURN_NOT_OK(builder.AppendRow(row));
  ASSIGN_OR_RAISE(Batch batch, builder.Finish());
  return AddData(std::move(batch));
}

DataFrame MemoryStream::ToDF() const {
  api::StreamInputDef def;
  def.name = name_;
  def.connector = "memory";
  def.options = {{"connector", "memory"}};
  def.schema = schema_;
  def.table = table_;
  plan::LogicalPlanPtr plan = api::ScanAll(def.table);
  return api::MakeDataFrame(session_, std::move(plan), {std::move(def)});
}

}  // namespace weir
