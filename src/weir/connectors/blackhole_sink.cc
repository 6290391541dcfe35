// The `blackhole` sink (Flink's blackhole connector): accepts every epoch and discards
// its rows, so that a benchmark such as Nexmark (bench/nexmark) measures the query,
// not the output. Discarding is idempotent, so the sink is exactly once.

#include "weir/connectors/builtin.h"

namespace weir::connectors {

namespace {

class BlackholeSink final : public stream::Sink {
 public:
  std::string Describe() const override { return "BlackholeSink"; }
  Status AddBatch(int64_t /*epoch*/, const SchemaPtr& /*schema*/,
                  const std::vector<Batch>& /*batches*/, stream::OutputMode /*mode*/) override {
    return Status::OK();
  }
};

}  // namespace

void RegisterBlackholeSink(stream::ConnectorRegistry* registry) {
  registry->RegisterSink("blackhole",
                         [](const stream::ConnectorContext& /*ctx*/) -> Result<stream::SinkPtr> {
                           return std::make_shared<BlackholeSink>();
                         });
}

}  // namespace weir::connectors
