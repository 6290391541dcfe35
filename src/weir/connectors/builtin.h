// The connectors weir ships (docs/connectors.md), registered into a session's
// registry by RegisterBuiltinConnectors. Each family has its own registration
// function, defined next to its code.
//
// Thread-safety: call before the registry is used.

#pragma once

#include <functional>

#include "weir/stream/connector_registry.h"

namespace weir::connectors {

void RegisterBuiltinConnectors(stream::ConnectorRegistry* registry);

// By family:
void RegisterRateSource(stream::ConnectorRegistry* registry);        // rate
void RegisterMemoryConnectors(stream::ConnectorRegistry* registry);  // memory source and sink
void RegisterSocketSource(stream::ConnectorRegistry* registry);      // socket
void RegisterConsoleSink(stream::ConnectorRegistry* registry);       // console
void RegisterFileConnectors(stream::ConnectorRegistry* registry);    // file source and sink
void RegisterLogConnectors(stream::ConnectorRegistry* registry);     // log source and sink
void RegisterKafkaConnectors(stream::ConnectorRegistry* registry);   // kafka source and sink
void RegisterNexmarkSource(stream::ConnectorRegistry* registry);     // nexmark
void RegisterBlackholeSink(stream::ConnectorRegistry* registry);     // blackhole

// foreachBatch (C++ API only): calls `fn` with each epoch's id and output. The sink is
// as exactly-once as `fn` is idempotent per epoch, so it reports at-least-once.
using ForeachBatchFunction = std::function<Status(int64_t epoch, const SchemaPtr& schema,
                                                  const std::vector<Batch>& batches)>;
stream::SinkPtr MakeForeachBatchSink(ForeachBatchFunction fn);

}  // namespace weir::connectors
