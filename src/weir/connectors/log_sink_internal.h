// Private parts of the `log` sink (log_sink.cc): how its producer id is derived and
// how it marks the records of an epoch. docs/connectors.md ("log") explains the
// exactly-once scheme to users.
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "weir/common/result.h"
#include "weir/log/record_batch.h"
#include "weir/stream/connector_registry.h"

namespace weir::connectors {

// The header every record the sink writes carries: the query epoch (decimal text) whose
// output it is. Recovery reads it from the sink's last batch in each partition.
inline constexpr std::string_view kEpochHeader = "weir.epoch";

// The sink's producer id, a stable function of its identity (the query name, or the
// transactional.id option) and the topic: FNV-1a 64 of both, in [0, 2^63).
int64_t LogSinkProducerId(std::string_view identity, std::string_view topic);

// The epoch in `record`'s kEpochHeader header, if it has a well-formed one.
std::optional<int64_t> RecordEpoch(const log::Record& record);

Result<stream::SourcePtr> MakeLogSource(const stream::ConnectorContext& ctx);
Result<stream::SinkPtr> MakeLogSink(const stream::ConnectorContext& ctx);

}  // namespace weir::connectors
