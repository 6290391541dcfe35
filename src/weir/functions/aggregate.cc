#include "weir/functions/aggregate.h"

#include <cctype>
#include <map>

#include "weir/functions/aggregate_registry.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {}  // namespace

Status AggregateFunction::UpdateAll(EvalContext& ctx, uint8_t* state,
                                    const std::vector<Datum>& args, const RowSet& rows) const {
  std::vector<uint8_t*> states(static_cast<size_t>(rows.physical_rows()), state);
  return Update(ctx, states.data(), args, rows);
}

std::string AggregateFunction::Format(const std::vector<std::string>& args) const {
  std::string out = name_ + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += args[i];
  }
  return out + ")";
}

std::string AggregateCall::ToString() const {
  std::vector<std::string> parts;
  for (const ExprPtr& a : args) parts.push_back(a->ToString());
  // A DISTINCT aggregate's function prints "DISTINCT" itself.
  std::string out = function->Format(parts);
  if (filter) out += " FILTER (WHERE " + filter->ToString() + ")";
  return out;
}

const AggregateRegistry& AggregateRegistry::Builtins() {
  static const AggregateRegistry* registry = [] {
    auto* r = new AggregateRegistry();
    RegisterBasicAggregates(r);
    RegisterStatsAggregates(r);
    RegisterCollectAggregates(r);
    RegisterApproxAggregates(r);
    RegisterPercentileAggregates(r);
    RegisterBitwiseAggregates(r);
    return r;
  }();
  return *registry;
}

void AggregateRegistry::Register(AggregateInfo info) {
  std::string key = AsciiLower(info.name);
  WEIR_CHECK(aggregates_.find(key) == aggregates_.end());
  aggregates_.emplace(std::move(key), std::move(info));
}

void AggregateRegistry::Alias(std::string_view alias, std::string_view name) {
  const AggregateInfo* target = Find(name);
  WEIR_CHECK(target != nullptr);
  AggregateInfo copy = *target;
  copy.name = std::string(alias);
  Register(std::move(copy));
}

const AggregateInfo* AggregateRegistry::Find(std::string_view name) const {
  auto it = aggregates_.find(AsciiLower(name));
  return it == aggregates_.end() ? nullptr : &it->second;
}

std::vector<std::string> AggregateRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [key, info] : aggregates_) names.push_back(key);
  return names;
}

bool IsAggregateFunction(std::string_view name) {
  return AggregateRegistry::Builtins().Find(name) != nullptr;
}

Result<AggregateCall> ResolveAggregate(std::string_view name, std::vector<ExprPtr> args,
                                       bool distinct, ExprPtr filter) {
  const AggregateRegistry& registry = AggregateRegistry::Builtins();
  const AggregateInfo* info = registry.Find(name);
  if (info == nullptr) {
    Status st = Status::InvalidSql("[UNRESOLVED_ROUTINE] Cannot resolve function `" +
                                   std::string(name) + "`");
    if (auto close = ClosestName(AsciiLower(name), registry.Names())) {
      st = st.WithHint("did you mean '" + *close + "'?");
    }
    return st;
  }
  int n = static_cast<int>(args.size());
  if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
    std::string want =
        info->max_args < 0 ? "at least " + std::to_string(info->min_args)
        : info->min_args == info->max_args
            ? std::to_string(info->min_args)
            : "[" + std::to_string(info->min_args) + ", " + std::to_string(info->max_args) + "]";
    return Status::InvalidSql("[WRONG_NUM_ARGS] The `" + std::string(name) + "` requires " + want +
                              " parameters but the actual number is " + std::to_string(n) + ".")
        .WithHint(info->usage);
  }
  if (filter && filter->type().id() != TypeId::kBoolean) {
    return Status::InvalidSql("FILTER expression '" + filter->ToString() + "' of aggregate `" +
                              std::string(name) + "` must be BOOLEAN, not " +
                              filter->type().ToString());
  }
  AggregateCall call;
  ASSIGN_OR_RAISE(call.function, info->resolve(&args));
  if (distinct) call.function = MakeDistinctAggregate(std::move(call.function));
  call.args = std::move(args);
  call.distinct = distinct;
  call.filter = std::move(filter);
  return call;
}

}  // namespace weir
