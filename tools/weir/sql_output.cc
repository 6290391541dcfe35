#include "tools/weir/sql_output.h"

#include "weir/types/pretty.h"
#include "weir/types/render.h"

namespace weir::cli {

namespace {

// RFC 4180 quoting: a value with the separator, a quote or a line break is quoted,
// with quotes doubled.
void AppendCsvField(std::string_view v, std::string* out) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void PrintCsv(const api::StatementResult& result, const TimeZone& tz, std::ostream& out) {
  std::string text;
  const Schema& schema = *result.schema;
  for (int c = 0; c < schema.num_fields(); ++c) {
    if (c > 0) text.push_back(',');
    AppendCsvField(schema.field(c).name, &text);
  }
  text.push_back('\n');
  PrettyOptions pretty;
  pretty.time_zone = &tz;
  pretty.binary_as_hex = false;  // CAST(binary AS STRING) is the bytes themselves
  std::string cell;
  for (const Batch& b : result.batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      const int64_t row = b.RowIndex(r);
      for (int c = 0; c < b.num_columns(); ++c) {
        if (c > 0) text.push_back(',');
        cell.clear();
        AppendPretty(*b.column(c), row, pretty, &cell);
        AppendCsvField(cell, &text);
      }
      text.push_back('\n');
    }
    out << text;
    text.clear();
  }
  out << text;
}

}  // namespace

Status PrintResult(const api::StatementResult& result, const OutputOptions& options,
                   const TimeZone& time_zone, std::ostream& out) {
  if (!result.has_rows()) {
    if (!result.message.empty()) out << result.message << "\n";
    return Status::OK();
  }
  if (options.format == "csv") {
    PrintCsv(result, time_zone, out);
  } else if (options.format == "json") {
    JsonOptions json;
    json.time_zone = &time_zone;
    std::string text;
    for (const Batch& b : result.batches) {
      AppendJsonLines(b, json, &text);
      out << text;
      text.clear();
    }
  } else if (result.plain_text) {
    for (const Batch& b : result.batches) {
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        std::string line = FormatPretty(*b.column(0), b.RowIndex(r));
        if (!line.empty() && line.back() != '\n') line.push_back('\n');
        out << line;
      }
    }
  } else {
    ShowOptions show;
    show.num_rows =
        options.max_rows > 0 ? options.max_rows : std::max<int64_t>(result.num_rows(), 1);
    show.truncate = options.truncate;
    show.time_zone = &time_zone;
    std::string table = result.batches.empty() ? ShowString(Batch::MakeEmpty(result.schema), show)
                                               : ShowString(result.batches, show);
    if (!table.empty() && table.back() != '\n') table.push_back('\n');
    out << table;
  }
  return Status::OK();
}

}  // namespace weir::cli
