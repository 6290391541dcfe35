// The process-wide registry of in-memory state store providers (state_store.h).

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "weir/state/state_store.h"

namespace weir::state {
namespace {

// Thread-safety: thread-safe; mu_ guards providers_.
class InMemoryRegistry final : public StateStoreRegistry {
 public:
  Result<StateStoreProviderPtr> GetProvider(const std::string& checkpoint_location, int operator_id,
                                            int partition) override {
    if (operator_id < 0 || partition < 0) {
      return Status::InvalidArgument("state store of operator " + std::to_string(operator_id) +
                                     ", partition " + std::to_string(partition) + " of '" +
                                     checkpoint_location +
                                     "': operator ids and partitions are not negative");
    }
    std::lock_guard<std::mutex> lock(mu_);
    StateStoreProviderPtr& provider = providers_[checkpoint_location][{operator_id, partition}];
    if (provider == nullptr) provider = MakeInMemoryStateStoreProvider();
    return provider;
  }

  void Drop(const std::string& checkpoint_location) override {
    std::map<OperatorPartition, StateStoreProviderPtr> dropped;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = providers_.find(checkpoint_location);
      if (it == providers_.end()) return;
      dropped = std::move(it->second);
      providers_.erase(it);
    }
    // The state, unless a running query still holds its providers, is freed here,
    // outside the lock.
  }

 private:
  using OperatorPartition = std::pair<int, int>;

  std::mutex mu_;
  // checkpoint location -> (operator id, partition) -> provider. Guarded by mu_.
  std::map<std::string, std::map<OperatorPartition, StateStoreProviderPtr>> providers_;
};

}  // namespace

StateStoreRegistry* InMemoryStateStores() {
  // Never destroyed, so that a query stopping during process exit still finds it.
  static auto* const registry = new InMemoryRegistry();
  return registry;
}

}  // namespace weir::state
