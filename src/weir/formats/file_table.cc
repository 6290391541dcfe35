#include "weir/formats/file_table.h"

#include <mutex>

#include "weir/formats/csv_decoder.h"
#include "weir/formats/csv_infer.h"
#include "weir/formats/json_decoder.h"
#include "weir/formats/json_infer.h"
#include "weir/formats/text_decoder.h"

namespace weir::formats {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status UnableToInfer(std::string_view format) {
  std::string upper;
  for (char c : format) upper.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
  return Status::InvalidArgument("[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for " + upper +
                                 ". It must be specified manually.");
}

// Reads one file, one batch of up to kDefaultBatchRows rows at a time.
class FileBatchReader final : public plan::BatchReader {
 public:
  FileBatchReader(RecordDecoderPtr decoder, FileContents contents, std::string path)
      : decoder_(std::move(decoder)), contents_(std::move(contents)) {
    pos_.file = std::move(path);
  }

  Result<bool> Next(Batch* out) override {
    if (done_) return false;
    const std::string_view data = contents_.view();
    while (true) {
      ASSIGN_OR_RAISE(size_t used, decoder_->DecodeSome(data.substr(offset_), /*padded=*/true,
                                                        kDefaultBatchRows, &pos_));
      offset_ += used;
      const bool end = used == 0 || offset_ >= data.size();
      if (end || decoder_->buffered_rows() >= kDefaultBatchRows) {
        ASSIGN_OR_RAISE(*out, decoder_->Flush());
        done_ = end;
        return true;
      }
    }
  }

 private:
  RecordDecoderPtr decoder_;
  FileContents contents_;
  InputPosition pos_;
  size_t offset_ = 0;
  bool done_ = false;
};

class FileTable final : public plan::TableProvider {
 public:
  FileTable(std::shared_ptr<const FileFormat> format, std::string path,
            std::vector<std::string> files, SchemaPtr schema, Env* env)
      : format_(std::move(format)),
        path_(std::move(path)),
        files_(std::move(files)),
        schema_(std::move(schema)),
        env_(env) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override { return std::string(format_->name()) + " " + path_; }
  // The files' total size, summed once when first asked.
  std::optional<int64_t> EstimatedBytes() const override {
    std::call_once(size_once_, [this] {
      int64_t total = 0;
      for (const std::string& f : files_) {
        Result<uint64_t> size = env_->GetFileSize(f);
        if (!size.ok()) return;  // unknown
        total += static_cast<int64_t>(*size);
      }
      size_bytes_ = total;
    });
    return size_bytes_;
  }
  int corrupt_record_column() const override {
    const std::string_view name = format_->corrupt_record_column();
    if (name.empty()) return -1;
    const std::optional<int> index = schema_->FindField(name);
    return index ? *index : -1;
  }
  // At least one partition; with no files partition 0 is empty.
  int NumPartitions() const override {
    return files_.empty() ? 1 : static_cast<int>(files_.size());
  }

  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    if (partition < 0 || partition >= NumPartitions()) {
      return Status::InvalidArgument("partition " + std::to_string(partition) +
                                     " out of range for " + Describe());
    }
    ASSIGN_OR_RAISE(RecordDecoderPtr decoder, format_->MakeDecoder(schema_, columns));
    if (files_.empty()) {
      return plan::BatchReaderPtr(
          std::make_unique<FileBatchReader>(std::move(decoder), FileContents{}, path_));
    }
    const std::string& file = files_[static_cast<size_t>(partition)];
    ASSIGN_OR_RAISE(FileContents contents, ReadFilePadded(env_, file));
    return plan::BatchReaderPtr(
        std::make_unique<FileBatchReader>(std::move(decoder), std::move(contents), file));
  }

 private:
  std::shared_ptr<const FileFormat> format_;
  std::string path_;
  std::vector<std::string> files_;
  SchemaPtr schema_;
  Env* env_;
  mutable std::once_flag size_once_;
  mutable std::optional<int64_t> size_bytes_;
};

}  // namespace

bool IsFileFormat(std::string_view name) {
  std::string l = Lower(name);
  return l == "json" || l == "csv" || l == "text";
}

Result<std::shared_ptr<const FileFormat>> FileFormat::Make(
    std::string_view name, const std::map<std::string, std::string>& options) {
  OptionMap normalized = NormalizeOptions(options);
  std::shared_ptr<FileFormat> f(new FileFormat());
  const std::string l = Lower(name);
  if (l == "json") {
    f->kind_ = Kind::kJson;
    ASSIGN_OR_RAISE(f->json_, ParseJsonOptions(normalized));
  } else if (l == "csv") {
    f->kind_ = Kind::kCsv;
    ASSIGN_OR_RAISE(f->csv_, ParseCsvOptions(normalized));
  } else if (l == "text") {
    f->kind_ = Kind::kText;
    ASSIGN_OR_RAISE(f->text_, ParseTextOptions(normalized));
  } else {
    return Status::InvalidOption("[INVALID_OPTION] unknown file format '" + std::string(name) +
                                 "': expected json, csv or text");
  }
  return std::shared_ptr<const FileFormat>(std::move(f));
}

std::string_view FileFormat::name() const {
  switch (kind_) {
    case Kind::kJson:
      return "json";
    case Kind::kCsv:
      return "csv";
    case Kind::kText:
      return "text";
  }
  return "json";
}

std::string_view FileFormat::corrupt_record_column() const {
  switch (kind_) {
    case Kind::kJson:
      return json_.common.corrupt_column;
    case Kind::kCsv:
      return csv_.common.corrupt_column;
    case Kind::kText:
      return {};
  }
  return {};
}

Result<RecordDecoderPtr> FileFormat::MakeDecoder(SchemaPtr schema, std::vector<int> columns) const {
  switch (kind_) {
    case Kind::kJson:
      return MakeJsonDecoder(std::move(schema), std::move(columns), json_);
    case Kind::kCsv:
      return MakeCsvDecoder(std::move(schema), std::move(columns), csv_);
    case Kind::kText:
      return MakeTextDecoder(std::move(schema), std::move(columns), text_);
  }
  return Status::Internal("unknown format");
}

Result<SchemaPtr> FileFormat::ResolveSchema(const std::vector<std::string>& files,
                                            SchemaPtr user_schema, Env* env) const {
  if (user_schema != nullptr) {
    // Checks the schema by making a decoder of it.
    RETURN_NOT_OK(MakeDecoder(user_schema, AllFieldIndices(*user_schema)).status());
    return user_schema;
  }
  switch (kind_) {
    case Kind::kText:
      return TextSchema();
    case Kind::kJson: {
      if (files.empty()) return UnableToInfer("json");
      JsonSchemaInferrer inferrer(json_);
      for (const std::string& file : files) {
        ASSIGN_OR_RAISE(FileContents c, ReadFilePadded(env, file));
        RETURN_NOT_OK(inferrer.Add(c.view(), file));
      }
      return inferrer.Finish();
    }
    case Kind::kCsv: {
      if (files.empty()) return UnableToInfer("csv");
      ASSIGN_OR_RAISE(std::unique_ptr<CsvSchemaInferrer> inferrer, CsvSchemaInferrer::Make(csv_));
      for (const std::string& file : files) {
        ASSIGN_OR_RAISE(FileContents c, ReadFilePadded(env, file));
        inferrer->AddFile(c.view());
        if (!csv_.infer_schema && inferrer->Finish()->num_fields() > 0) break;
      }
      return inferrer->Finish();
    }
  }
  return Status::Internal("unknown format");
}

Result<plan::TableProviderPtr> OpenFileTable(std::string_view format, std::string_view path,
                                             const std::map<std::string, std::string>& options,
                                             SchemaPtr user_schema, Env* env) {
  ASSIGN_OR_RAISE(std::shared_ptr<const FileFormat> f, FileFormat::Make(format, options));
  ASSIGN_OR_RAISE(std::vector<std::string> files, ListInputFiles(path, env));
  ASSIGN_OR_RAISE(SchemaPtr schema, f->ResolveSchema(files, std::move(user_schema), env));
  return plan::TableProviderPtr(
      std::make_shared<FileTable>(std::move(f), std::string(path), std::move(files), schema, env));
}

}  // namespace weir::formats
