#include "weir/connectors/builtin.h"

namespace weir::connectors {

void RegisterBuiltinConnectors(stream::ConnectorRegistry* registry) {
  RegisterRateSource(registry);
  RegisterMemoryConnectors(registry);
  RegisterSocketSource(registry);
  RegisterConsoleSink(registry);
  RegisterFileConnectors(registry);
  RegisterLogConnectors(registry);
  RegisterKafkaConnectors(registry);
  RegisterNexmarkSource(registry);
  RegisterBlackholeSink(registry);
}

}  // namespace weir::connectors
