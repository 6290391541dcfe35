// OpenStateStoreProvider: picks a state store backend by name (state_store.h).

#include <string>

#include "weir/state/state_store.h"

namespace weir::state {

Result<StateStoreProviderPtr> OpenStateStoreProvider(Env* env, const std::string& dir,
                                                     const StateStoreConf& conf) {
  if (conf.backend == "memory") return MakeDurableInMemoryProvider(env, dir, conf);
  if (conf.backend == "rocksdb") return MakeRocksDbProvider(env, dir, conf);
  return Status::InvalidArgument("unknown state store backend '" + conf.backend + "'")
      .WithHint("SET weir.state.backend to 'memory' or 'rocksdb'");
}

}  // namespace weir::state
