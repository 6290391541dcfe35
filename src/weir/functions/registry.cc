#include "weir/functions/registry.h"

#include <algorithm>
#include <cctype>

#include "weir/functions/builtins.h"

namespace weir {

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string ArgCountText(int min_args, int max_args) {
  if (max_args < 0) return "at least " + std::to_string(min_args);
  if (min_args == max_args) return std::to_string(min_args);
  return "[" + std::to_string(min_args) + ", " + std::to_string(max_args) + "]";
}

}  // namespace

const FunctionRegistry& FunctionRegistry::Builtins() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    RegisterBuiltinFunctions(r);
    return r;
  }();
  return *registry;
}

void FunctionRegistry::Register(FunctionInfo info) {
  std::string key = AsciiLower(info.name);
  WEIR_CHECK(functions_.find(key) == functions_.end());
  functions_.emplace(std::move(key), std::move(info));
}

void FunctionRegistry::Alias(std::string_view alias, std::string_view name) {
  const FunctionInfo* target = Find(name);
  WEIR_CHECK(target != nullptr);
  FunctionInfo copy = *target;
  copy.name = std::string(alias);
  Register(std::move(copy));
}

bool FunctionRegistry::Contains(std::string_view name) const { return Find(name) != nullptr; }

const FunctionInfo* FunctionRegistry::Find(std::string_view name) const {
  auto it = functions_.find(AsciiLower(name));
  return it == functions_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [key, info] : functions_) names.push_back(key);
  return names;
}

Result<ExprPtr> FunctionRegistry::Resolve(std::string_view name, std::vector<ExprPtr> args,
                                          const ResolveOptions& options) const {
  const FunctionInfo* info = Find(name);
  if (info == nullptr) {
    Status st = Status::InvalidSql("[UNRESOLVED_ROUTINE] Cannot resolve function `" +
                                   std::string(name) + "`");
    if (auto close = ClosestName(AsciiLower(name), Names()))
      st = st.WithHint("did you mean '" + *close + "'?");
    return st;
  }
  int n = static_cast<int>(args.size());
  if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
    Status st =
        Status::InvalidSql("[WRONG_NUM_ARGS] The `" + std::string(name) + "` requires " +
                           ArgCountText(info->min_args, info->max_args) +
                           " parameters but the actual number is " + std::to_string(n) + ".");
    return info->usage.empty() ? st : st.WithHint(info->usage);
  }
  return info->resolve(std::move(args), options);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = 3;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string DescribeCall(std::string_view name, const std::vector<ExprPtr>& args) {
  std::string out(name);
  out += "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += args[i]->ToString();
  }
  return out + ")";
}

Status DataTypeMismatch(std::string_view sub_class, std::string_view call,
                        std::string_view detail) {
  return Status::InvalidSql("[DATATYPE_MISMATCH." + std::string(sub_class) + "] Cannot resolve \"" +
                            std::string(call) +
                            "\" due to data type mismatch: " + std::string(detail));
}

std::string QuoteType(const DataType& type) { return "\"" + type.ToDdl() + "\""; }

}  // namespace weir
