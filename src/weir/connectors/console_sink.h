// The `console` sink (Spark 3.5's ConsoleSinkProvider / ConsoleWrite): prints each
// epoch as Spark does, a banner then the show() table:
//
//   -------------------------------------------
//   Batch: 3
//   -------------------------------------------
//   +-----+
//   |value|
//   +-----+
//   |    1|
//   +-----+
//   <empty line>
//
// Options: numRows (default 20), truncate (default true), timeZone (weir's: the zone
// TIMESTAMP cells print in; default UTC). At-least-once: a replayed epoch prints again.
//
// Thread-safety: a sink is used by one thread at a time (the Sink contract).

#pragma once

#include <ostream>

#include "weir/stream/connector_registry.h"

namespace weir::connectors {

// A console sink printing to `out` instead of std::cout (tests, embedders).
// REQUIRES: `out` outlives the sink.
Result<stream::SinkPtr> MakeConsoleSink(const stream::ConnectorContext& ctx, std::ostream* out);

}  // namespace weir::connectors
