#include "weir/formats/text_decoder.h"

#include <cstring>

#include "weir/formats/formats_internal.h"

namespace weir::formats {

namespace {

class TextDecoder final : public RecordDecoder {
 public:
  TextDecoder(SchemaPtr output, const TextReadOptions& options) : options_(options), out_(output) {
    output_schema_ = std::move(output);
  }

  void StartFile() override { file_started_ = false; }

  Result<size_t> DecodeSome(std::string_view buffer, bool /*padded*/, int64_t max_rows,
                            InputPosition* pos) override {
    if (options_.whole_text) {
      // The whole buffer is one file; an empty one still gives a row.
      if (file_started_ && buffer.empty()) return size_t{0};
      file_started_ = true;
      Append(buffer);
      for (char c : buffer) pos->line += c == '\n';
      return buffer.size();
    }
    size_t offset = 0;
    while (offset < buffer.size() && buffered_rows_ < max_rows) {
      size_t end, next;
      if (options_.line_sep) {
        const std::string& sep = *options_.line_sep;
        size_t hit = buffer.find(sep, offset);
        end = hit == std::string_view::npos ? buffer.size() : hit;
        next = hit == std::string_view::npos ? end : end + sep.size();
      } else {
        end = offset;
        while (end < buffer.size() && buffer[end] != '\n' && buffer[end] != '\r') ++end;
        next = end;
        if (next < buffer.size()) {
          next += (buffer[next] == '\r' && next + 1 < buffer.size() && buffer[next + 1] == '\n')
                      ? 2
                      : 1;
        }
      }
      Append(buffer.substr(offset, end - offset));
      ++pos->line;
      offset = next;
    }
    return offset;
  }

  Result<Batch> Flush() override {
    ASSIGN_OR_RAISE(Batch b, out_.Finish(buffered_rows_));
    buffered_rows_ = 0;
    return b;
  }

 private:
  void Append(std::string_view value) {
    ++stats_.records;
    for (int i = 0; i < out_.size(); ++i) static_cast<StringBuilder*>(out_.at(i))->Append(value);
    ++buffered_rows_;
  }

  TextReadOptions options_;
  internal::OutputBuilders out_;
  bool file_started_ = false;
};

}  // namespace

SchemaPtr TextSchema() { return MakeSchema({{"value", DataType::String(), true}}); }

Result<RecordDecoderPtr> MakeTextDecoder(SchemaPtr schema, std::vector<int> columns,
                                         const TextReadOptions& options) {
  if (schema->num_fields() != 1) {
    return Status::InvalidArgument(
        "[UNSUPPORTED_FEATURE] Text data source supports only a single column, and you have " +
        std::to_string(schema->num_fields()) + " columns.");
  }
  if (schema->field(0).type.id() != TypeId::kString) {
    return Status::InvalidArgument(
        "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Text datasource doesn't support the column `" +
        schema->field(0).name + "` of the type \"" + schema->field(0).type.ToDdl() + "\".");
  }
  ASSIGN_OR_RAISE(SchemaPtr output, internal::ProjectSchema(schema, columns));
  return RecordDecoderPtr(std::make_unique<TextDecoder>(std::move(output), options));
}

Result<Batch> DecodeText(std::string_view buffer, const TextReadOptions& options) {
  ASSIGN_OR_RAISE(RecordDecoderPtr decoder, MakeTextDecoder(TextSchema(), {0}, options));
  return DecodeAll(decoder.get(), buffer);
}

}  // namespace weir::formats
