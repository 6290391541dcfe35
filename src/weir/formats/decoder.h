// RecordDecoder: turns the bytes of a file in one format into rows of a schema. The
// layer both the batch file scan (file_table.h) and the streaming file source use.
//
// A decoder is made for a data schema (what the records hold, possibly including
// the corrupt-record column) and a projection (which of its columns to produce, in
// which order). Records are decoded straight into column builders; Flush() hands out
// the rows decoded so far as one Batch of the projected columns.
//
// Malformed records follow the decoder's ParseMode (options.h); every record, bad
// record and dropped record is counted in stats().
//
// Thread-safety: a decoder is used by one thread at a time.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/formats/options.h"
#include "weir/types/batch.h"
#include "weir/types/schema.h"

namespace weir::formats {

// Where the decoder is in its input: the file (for messages) and the 1-based line the
// next record starts on. DecodeSome advances `line`.
struct InputPosition {
  std::string file;
  int64_t line = 1;
};

class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;

  // Decodes whole records from the front of `buffer` until at least `max_rows` rows
  // are buffered or the buffer is used up, and returns how many bytes it consumed
  // (always whole records, with their line terminators). The buffer ends at a record
  // boundary: a last record without a line terminator is a whole record.
  //
  // `padded`: at least kPadding readable bytes follow buffer.end() (their values do
  // not matter); lets the JSON decoder parse in place instead of copying each line.
  //
  // Errors: FAILFAST's malformed-record error, naming pos->file and the line.
  virtual Result<size_t> DecodeSome(std::string_view buffer, bool padded, int64_t max_rows,
                                    InputPosition* pos) = 0;

  // Tells the decoder that the next buffer starts a new file: the CSV decoder then
  // skips (or, without enforceSchema, checks) that file's header line when `header`
  // is set. A new decoder is at the start of a file.
  virtual void StartFile() {}

  // The rows buffered since the last Flush, as a batch of the projected columns
  // (Batch::MakeRowsOnly when the projection is empty).
  virtual Result<Batch> Flush() = 0;

  // Rows buffered since the last Flush.
  int64_t buffered_rows() const { return buffered_rows_; }
  const ParseStats& stats() const { return stats_; }
  // The projected columns' schema.
  const SchemaPtr& output_schema() const { return output_schema_; }

  // Bytes of readable padding `padded` promises (simdjson::SIMDJSON_PADDING).
  static constexpr size_t kPadding = 64;

 protected:
  ParseStats stats_;
  int64_t buffered_rows_ = 0;
  SchemaPtr output_schema_;
};

using RecordDecoderPtr = std::unique_ptr<RecordDecoder>;

// Decodes all of `buffer` with `decoder` and returns the rows as one batch (tests,
// small inputs, the streaming source's per-file read).
Result<Batch> DecodeAll(RecordDecoder* decoder, std::string_view buffer,
                        std::string_view file = "");

}  // namespace weir::formats
