// libFuzzer target for DecodeBatch, the parser of every batch read from disk: on any
// input it must return a batch or a Corruption status, never crash, hang, read out of
// bounds or allocate beyond the bounds of docs/log_format.md section 2.4. A batch it
// accepts must re-encode to the same records (checked without compression, whose
// bytes need not be canonical).
//
// Built only with clang (-DWEIR_BUILD_FUZZERS=ON); see docs/log.md, "Fuzzing".

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "weir/log/record_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace weir::log;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  weir::Result<RecordBatch> batch = DecodeBatch(input);
  if (!batch.ok()) {
    if (!batch.status().IsCorruption()) std::abort();
    return 0;
  }
  if (static_cast<int64_t>(batch->records.size()) != batch->header.record_count) std::abort();
  for (size_t i = 0; i < batch->records.size(); ++i) {
    if (batch->records[i].offset != batch->header.base_offset + static_cast<int64_t>(i)) {
      std::abort();
    }
  }
  if (batch->header.compression() == Compression::kNone && !batch->records.empty()) {
    std::vector<Record> records;
    for (LogRecord& r : batch->records) records.push_back(std::move(r.record));
    BatchOptions o;
    o.producer_id = batch->header.producer_id;
    o.producer_epoch = batch->header.producer_epoch;
    o.base_sequence = batch->header.base_sequence;
    o.transactional = batch->header.transactional();
    o.control = batch->header.control();
    weir::Result<std::string> again = EncodeBatch(batch->header.base_offset, records, o);
    if (!again.ok()) return 0;  // e.g. timestamps the encoder derives differently
    weir::Result<RecordBatch> back = DecodeBatch(*again);
    if (!back.ok()) std::abort();
    for (size_t i = 0; i < records.size(); ++i) {
      if (!(back->records[i].record == records[i])) std::abort();
    }
  }
  return 0;
}
