// foreachBatch (Spark's ForeachBatchSink): hands each epoch's output to a C++
// function with the epoch id. The engine may call a replayed epoch again after a
// crash, so the sink is at-least-once; it is effectively exactly-once when `fn` is
// idempotent per epoch id (e.g. it overwrites a partition named by the epoch).

#include <exception>

#include "weir/connectors/builtin.h"

namespace weir::connectors {

namespace {

class ForeachBatchSink final : public stream::Sink {
 public:
  explicit ForeachBatchSink(ForeachBatchFunction fn) : fn_(std::move(fn)) {}

  std::string Describe() const override { return "ForeachBatchSink"; }
  stream::Delivery delivery() const override { return stream::Delivery::kAtLeastOnce; }

  Status AddBatch(int64_t epoch, const SchemaPtr& schema, const std::vector<Batch>& batches,
                  stream::OutputMode /*mode*/) override {
    if (!fn_) return Status::InvalidArgument("foreachBatch needs a function");
    // Exceptions never cross a connector boundary (STYLE.md): a throwing callback
    // fails the epoch like an error Status would.
    try {
      return fn_(epoch, schema, batches);
    } catch (const std::exception& e) {
      return Status::InvalidArgument("the foreachBatch function failed on epoch " +
                                     std::to_string(epoch) + ": " + e.what());
    } catch (...) {
      return Status::InvalidArgument("the foreachBatch function failed on epoch " +
                                     std::to_string(epoch) + " with an unknown exception");
    }
  }

 private:
  ForeachBatchFunction fn_;
};

}  // namespace

stream::SinkPtr MakeForeachBatchSink(ForeachBatchFunction fn) {
  return std::make_shared<ForeachBatchSink>(std::move(fn));
}

}  // namespace weir::connectors
