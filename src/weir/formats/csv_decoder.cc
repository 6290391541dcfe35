#include "weir/formats/csv_decoder.h"

#include <limits>
#include <set>

#include "weir/formats/csv_tokenizer.h"
#include "weir/formats/formats_internal.h"

namespace weir::formats {

namespace {

using internal::CsvField;
using internal::Scalar;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool Supported(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
    case TypeId::kBoolean:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kString:
    case TypeId::kDate:
    case TypeId::kTimestamp:
      return true;
    default:
      return false;
  }
}

class CsvDecoder final : public RecordDecoder {
 public:
  CsvDecoder(SchemaPtr output, const CsvReadOptions& options, internal::DatetimeReader dt)
      : options_(options), dt_(std::move(dt)), tokenizer_(options), out_(output) {
    output_schema_ = std::move(output);
    header_pending_ = options.header;
  }

  Status Init(const Schema& schema, const std::vector<int>& columns, int corrupt) {
    std::vector<int> token_of(static_cast<size_t>(schema.num_fields()), -1);
    for (int i = 0; i < schema.num_fields(); ++i) {
      if (i == corrupt) continue;
      const Field& f = schema.field(i);
      if (!Supported(f.type)) {
        return Status::InvalidArgument(
            "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support the "
            "column `" +
            f.name + "` of the type \"" + f.type.ToDdl() + "\".");
      }
      token_of[static_cast<size_t>(i)] = static_cast<int>(parsed_names_.size());
      parsed_names_.push_back(f.name);
    }
    for (int c : columns) {
      token_.push_back(token_of[static_cast<size_t>(c)]);
      types_.push_back(schema.field(c).type);
    }
    slots_.resize(columns.size());
    return Status::OK();
  }

  void StartFile() override { header_pending_ = options_.header; }

  Result<size_t> DecodeSome(std::string_view buffer, bool /*padded*/, int64_t max_rows,
                            InputPosition* pos) override {
    size_t offset = 0;
    std::string_view record;
    int64_t lines = pos->line, record_line = pos->line;
    while (buffered_rows_ < max_rows &&
           tokenizer_.Next(buffer, &offset, &record, &lines, &record_line)) {
      if (header_pending_) {
        header_pending_ = false;
        if (!options_.enforce_schema) RETURN_NOT_OK(CheckHeader(*pos));
        continue;
      }
      InputPosition at{pos->file, record_line};
      Status st = DecodeRecord(record, at);
      if (!st.ok()) {
        pos->line = lines;
        return st;
      }
    }
    pos->line = lines;
    return offset;
  }

  Result<Batch> Flush() override {
    ASSIGN_OR_RAISE(Batch b, out_.Finish(buffered_rows_));
    buffered_rows_ = 0;
    return b;
  }

 private:
  // CSVHeaderChecker.checkHeaderColumnNames, case-insensitive.
  Status CheckHeader(const InputPosition& pos) {
    const auto& fields = tokenizer_.fields();
    std::string header, schema;
    for (size_t i = 0; i < fields.size(); ++i)
      header += (i ? ", " : "") + std::string(fields[i].text);
    for (size_t i = 0; i < parsed_names_.size(); ++i) {
      schema += (i ? ", " : "") + parsed_names_[i];
    }
    const std::string source = "CSV file: file:" + pos.file;
    if (fields.size() != parsed_names_.size()) {
      return Status::InvalidInput(
          "Number of column in CSV header is not equal to number of fields in the schema:\n "
          "Header length: " +
          std::to_string(fields.size()) + ", schema size: " + std::to_string(parsed_names_.size()) +
          "\n" + source);
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (Lower(fields[i].text) != Lower(parsed_names_[i])) {
        return Status::InvalidInput(
            "CSV header does not conform to the schema.\n Header: " + header +
            "\n Schema: " + schema + "\nExpected: " + parsed_names_[i] +
            " but found: " + std::string(fields[i].text) + "\n" + source);
      }
    }
    return Status::OK();
  }

  Status DecodeRecord(std::string_view record, const InputPosition& pos) {
    ++stats_.records;
    const auto& fields = tokenizer_.fields();
    bool bad = fields.size() != parsed_names_.size();
    for (size_t j = 0; j < slots_.size(); ++j) {
      const int k = token_[j];
      Scalar& slot = slots_[j];
      slot.valid = false;
      if (k < 0 || static_cast<size_t>(k) >= fields.size()) continue;
      if (!Convert(fields[static_cast<size_t>(k)], types_[j], &slot)) {
        slot.valid = false;
        bad = true;
      }
    }
    if (bad) {
      ++stats_.malformed;
      if (options_.common.mode == ParseMode::kFailFast) {
        return internal::MalformedRecord(record, pos);
      }
      if (options_.common.mode == ParseMode::kDropMalformed) {
        ++stats_.dropped;
        return Status::OK();
      }
    }
    for (size_t j = 0; j < slots_.size(); ++j) {
      ColumnBuilder* b = out_.at(static_cast<int>(j));
      if (token_[j] < 0) {
        if (bad) {
          static_cast<StringBuilder*>(b)->Append(record);
        } else {
          b->AppendNull();
        }
      } else {
        internal::AppendScalar(b, slots_[j]);
      }
    }
    ++buffered_rows_;
    return Status::OK();
  }

  // UnivocityParser.makeConverter with nullSafeDatum. False: does not convert.
  bool Convert(const CsvField& field, const DataType& type, Scalar* out) {
    std::string_view text = field.text;
    if (text.empty()) {
      if (!field.quoted) return true;  // NULL
      text = options_.empty_value;
    }
    if (text == options_.null_value) return true;
    out->valid = true;
    switch (type.id()) {
      case TypeId::kString:
        out->str = text;
        return true;
      case TypeId::kInt32:
        return internal::ParseJavaInt32(text, &out->v.i32);
      case TypeId::kInt64:
        return internal::ParseJavaInt64(text, &out->v.i64);
      case TypeId::kDouble:
        if (text == options_.nan_value) {
          out->v.f64 = std::numeric_limits<double>::quiet_NaN();
        } else if (text == options_.positive_inf) {
          out->v.f64 = std::numeric_limits<double>::infinity();
        } else if (text == options_.negative_inf) {
          out->v.f64 = -std::numeric_limits<double>::infinity();
        } else {
          return internal::ParseJavaDouble(text, &out->v.f64);
        }
        return true;
      case TypeId::kBoolean: {
        bool b = false;
        if (!internal::ParseJavaBoolean(text, &b)) return false;
        out->v.b = b ? 1 : 0;
        return true;
      }
      case TypeId::kDecimal: {
        if (text.find(',') != std::string_view::npos) {
          decimal_text_.clear();
          for (char c : text) {
            if (c != ',') decimal_text_.push_back(c);
          }
          text = decimal_text_;
        }
        return internal::ParseJavaDecimal(text, type.precision(), type.scale(), &out->v.dec);
      }
      case TypeId::kDate:
        return dt_.ParseDate(text, &out->v.i32);
      case TypeId::kTimestamp:
        return dt_.ParseTimestamp(text, &out->v.i64);
      default:
        out->valid = false;
        return true;  // NULL type
    }
  }

  CsvReadOptions options_;
  internal::DatetimeReader dt_;
  internal::CsvTokenizer tokenizer_;
  internal::OutputBuilders out_;
  std::vector<std::string> parsed_names_;  // the schema's columns that take fields
  std::vector<int> token_;                 // output column -> field position, -1: corrupt
  std::vector<DataType> types_;            // output column -> type
  std::vector<Scalar> slots_;
  std::string decimal_text_;
  bool header_pending_ = false;
};

}  // namespace

Result<RecordDecoderPtr> MakeCsvDecoder(SchemaPtr schema, std::vector<int> columns,
                                        const CsvReadOptions& options) {
  ASSIGN_OR_RAISE(int corrupt,
                  internal::CorruptColumnIndex(*schema, options.common.corrupt_column));
  ASSIGN_OR_RAISE(SchemaPtr output, internal::ProjectSchema(schema, columns));
  ASSIGN_OR_RAISE(internal::DatetimeReader dt, internal::DatetimeReader::Make(options.common));
  auto decoder = std::make_unique<CsvDecoder>(output, options, std::move(dt));
  RETURN_NOT_OK(decoder->Init(*schema, columns, corrupt));
  return RecordDecoderPtr(std::move(decoder));
}

Result<Batch> DecodeCsv(std::string_view buffer, const SchemaPtr& schema,
                        const CsvReadOptions& options, ParseStats* stats) {
  ASSIGN_OR_RAISE(RecordDecoderPtr decoder,
                  MakeCsvDecoder(schema, AllFieldIndices(*schema), options));
  ASSIGN_OR_RAISE(Batch batch, DecodeAll(decoder.get(), buffer));
  if (stats != nullptr) stats->Add(decoder->stats());
  return batch;
}

std::vector<std::string> CsvColumnNames(const std::vector<std::string>& header_fields,
                                        const CsvReadOptions& options) {
  std::vector<std::string> names;
  if (!options.header) {
    for (size_t i = 0; i < header_fields.size(); ++i) names.push_back("_c" + std::to_string(i));
    return names;
  }
  std::set<std::string> seen, duplicates;
  for (const std::string& h : header_fields) {
    if (!seen.insert(Lower(h)).second) duplicates.insert(Lower(h));
  }
  for (size_t i = 0; i < header_fields.size(); ++i) {
    const std::string& h = header_fields[i];
    if (h.empty() || h == options.null_value) {
      names.push_back("_c" + std::to_string(i));
    } else if (duplicates.count(Lower(h))) {
      names.push_back(h + std::to_string(i));
    } else {
      names.push_back(h);
    }
  }
  return names;
}

}  // namespace weir::formats
