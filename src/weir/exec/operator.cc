#include "weir/exec/operator.h"

#include <mutex>

namespace weir::exec {

Status PhysicalOperator::Prepare(ExecContext& ctx) {
  for (const PhysicalOperatorPtr& c : children_) RETURN_NOT_OK(c->Prepare(ctx));
  return Status::OK();
}

namespace {

void ExplainInto(const PhysicalOperator& op, const std::string& prefix, bool last, bool root,
                 std::string* out) {
  *out += (root ? "" : prefix + (last ? "+- " : ":- ")) + op.Describe() + "\n";
  const std::string child_prefix = root ? "" : prefix + (last ? "   " : ":  ");
  const auto& children = op.children();
  for (size_t i = 0; i < children.size(); ++i) {
    ExplainInto(*children[i], child_prefix, i + 1 == children.size(), false, out);
  }
}

}  // namespace

std::string ExplainString(const PhysicalOperator& op) {
  std::string out;
  ExplainInto(op, "", true, true, &out);
  return out;
}

Result<std::vector<Batch>> CollectBatches(PhysicalOperator& op, ExecContext& ctx) {
  RETURN_NOT_OK(op.Prepare(ctx));
  const int n = op.num_partitions();
  std::vector<std::vector<Batch>> parts(static_cast<size_t>(n));
  auto drain = [&op, &ctx, &parts](int p) -> Status {
    ASSIGN_OR_RAISE(BatchStreamPtr stream, op.Execute(ctx, p));
    Batch b;
    while (true) {
      if (ctx.cancelled != nullptr && ctx.cancelled->load(std::memory_order_relaxed)) {
        return Status::Cancelled("query cancelled");
      }
      ASSIGN_OR_RAISE(bool more, stream->Next(&b));
      if (!more) break;
      if (b.num_rows() > 0) parts[static_cast<size_t>(p)].push_back(std::move(b));
    }
    return Status::OK();
  };
  if (n == 1) {
    // One partition runs on the calling thread: handing it to the pool costs two
    // thread wake-ups, which dominate a small input (a streaming epoch of a few rows).
    RETURN_NOT_OK(drain(0));
  } else {
    TaskGroup group(ctx.pool);
    for (int p = 0; p < n; ++p) group.Spawn([&drain, p] { return drain(p); });
    RETURN_NOT_OK(group.Wait());
  }
  std::vector<Batch> out;
  for (auto& part : parts) {
    for (Batch& b : part) out.push_back(std::move(b));
  }
  return out;
}

}  // namespace weir::exec
