// What a checkpoint holds, for `weir checkpoint inspect DIR`: its metadata (query id,
// state partitions, sources, stateful operators with their state schemas, state
// backend), its epochs (planned and committed, where a restart would resume), its
// state files per operator partition, and every file that fails its checks.
//
// Thread-safety: free functions; the checkpoint must not be written meanwhile for the
// report to be consistent (it is read only, never changed).

#pragma once

#include <string>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"

namespace weir::stream {

struct CheckpointReport {
  std::string text;                  // the report, lines ending in '\n'
  std::vector<std::string> corrupt;  // each corrupt file: "<path>: <why>"
};

// Reads every record file of the checkpoint in `dir` (and, with `verify_state`,
// every state file). NotFound when `dir` has no checkpoint metadata; a corrupt
// metadata file is an error naming it.
Result<CheckpointReport> InspectCheckpoint(Env* env, const std::string& dir, bool verify_state);

}  // namespace weir::stream
