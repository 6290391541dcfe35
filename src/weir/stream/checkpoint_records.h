// The record files of a checkpoint (docs/checkpoint_format.md): framing with a
// header and a CRC32C, and the JSON bodies of metadata, planned-epoch and commit
// records. Internal to the stream module; Checkpoint (checkpoint.h) is the interface.
//
// Thread-safety: free functions.

#pragma once

#include <string>
#include <string_view>

#include "weir/common/result.h"
#include "weir/stream/checkpoint.h"

namespace weir::stream::internal {

// Upper bound on a record file's size; a larger file is corrupt (DESIGN.md section 7:
// every size read from disk is bounded before allocation).
inline constexpr uint64_t kMaxRecordBytes = uint64_t{16} << 20;

// "weir-checkpoint v1 <kind>\n<body>\ncrc32c=<8 hex>\n".
std::string FrameRecord(std::string_view kind, std::string_view body);
// The body of a framed record of `kind`; Corruption saying what is wrong (without
// the path, which the caller adds) otherwise.
Result<std::string_view> UnframeRecord(std::string_view kind, std::string_view file);

std::string EncodeMetadata(const CheckpointMetadata& m);
std::string EncodePlanned(const PlannedEpoch& e);
std::string EncodeCommit(const CommitRecord& c);
// Corruption (without the path) when the JSON is malformed or misses a field.
Result<CheckpointMetadata> DecodeMetadata(std::string_view body);
Result<PlannedEpoch> DecodePlanned(std::string_view body);
Result<CommitRecord> DecodeCommit(std::string_view body);

}  // namespace weir::stream::internal
