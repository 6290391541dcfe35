// Files as tables: the json, csv and text formats read from a file, a directory or a
// glob, as Spark 3.5's DataFrameReader.format(...).load(path) does.
//
// Paths ("file:" prefixes are dropped):
//  - a file: that file;
//  - a directory: its files, sorted by name, not recursing, leaving out names that
//    start with '_' or '.' (Spark's hidden files: _SUCCESS, .crc, ...); a file sink's
//    output directory (with a _weir_metadata manifest, sink_manifest.h): the files of
//    its committed epochs, in epoch order;
//  - a glob: '*', '?' and [...] in the last component; every match that is a file,
//    and the files of every match that is a directory (hidden names left out).
// A path that names nothing is [PATH_NOT_FOUND] Path does not exist: file:<path>.
//
// Schema: the user's when given (text: one STRING column); otherwise json infers it
// from all files (json_infer.h), csv takes column names from the first record of the
// first file and types from inference when inferSchema is true (STRING otherwise),
// text is `value STRING`. No files and nothing to infer from is
// [UNABLE_TO_INFER_SCHEMA].
//
// One partition per file. A reader reads its file whole into memory and yields
// batches of up to kDefaultBatchRows rows.
//
// Thread-safety: FileFormat and the table are immutable and may be shared; readers
// are used by one thread.

#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/env.h"
#include "weir/formats/decoder.h"
#include "weir/plan/table.h"

namespace weir::formats {

// Whether `name` is a file format this module reads: json, csv, text (any case).
bool IsFileFormat(std::string_view name);

// A format with its options parsed: makes decoders and infers schemas. Shared by the
// batch scan and the streaming file source.
class FileFormat {
 public:
  enum class Kind { kJson, kCsv, kText };

  // InvalidOption for an unknown format or a bad option value; `options` keys are
  // case-insensitive.
  static Result<std::shared_ptr<const FileFormat>> Make(
      std::string_view name, const std::map<std::string, std::string>& options);

  Kind kind() const { return kind_; }
  // columnNameOfCorruptRecord for json and csv; empty for text, which has none.
  std::string_view corrupt_record_column() const;
  std::string_view name() const;

  // A decoder of `schema`'s `columns`.
  Result<RecordDecoderPtr> MakeDecoder(SchemaPtr schema, std::vector<int> columns) const;

  // The schema of `files` when the user gives none (see the header comment). The
  // user's schema is checked instead when given (text: one STRING column).
  Result<SchemaPtr> ResolveSchema(const std::vector<std::string>& files, SchemaPtr user_schema,
                                  Env* env) const;

 private:
  FileFormat() = default;
  Kind kind_ = Kind::kJson;
  JsonReadOptions json_;
  CsvReadOptions csv_;
  TextReadOptions text_;
};

// The files `path` names, as described above.
Result<std::vector<std::string>> ListInputFiles(std::string_view path, Env* env);

// Reads a whole file into memory with RecordDecoder::kPadding readable bytes after it.
struct FileContents {
  std::unique_ptr<char[]> data;
  size_t size = 0;
  std::string_view view() const { return {data.get(), size}; }
};
Result<FileContents> ReadFilePadded(Env* env, const std::string& path);

// The table of `path` read as `format` (see the header comment). `env` is not owned
// and must outlive the table.
Result<plan::TableProviderPtr> OpenFileTable(std::string_view format, std::string_view path,
                                             const std::map<std::string, std::string>& options,
                                             SchemaPtr user_schema, Env* env);

}  // namespace weir::formats
