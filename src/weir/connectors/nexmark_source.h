// The `nexmark` source connector (nexmark_source.cc; docs/connectors.md) is registered
// with the other built-in connectors (builtin.h). This header adds its variant over
// events generated beforehand, which `weir bench nexmark --pregenerated` registers in
// its own session (bench/nexmark/README.md).

#pragma once

#include <memory>
#include <string>

#include "weir/stream/connector_registry.h"

#include "nexmark/pregenerated.h"

namespace weir::connectors {

// Registers the source connector `name`: the nexmark source (same options, offsets
// and columns) reading the batches of `events` instead of running the generator. A
// source must ask for pregenerated kinds, at most events->events() events (`events`
// = 0 is refused: it would be unbounded), and the configuration (base_time,
// first_event_rate) they were generated with. REQUIRES: events is not null, `name`
// is not registered yet.
void RegisterPregeneratedNexmarkSource(stream::ConnectorRegistry* registry, std::string name,
                                       std::shared_ptr<const nexmark::PregeneratedEvents> events);

}  // namespace weir::connectors
