// INTERSECT [ALL] and EXCEPT [ALL]: whole rows are keys of a GroupTable (so NULLs
// compare equal, as IS NOT DISTINCT FROM), counted on each side; the output repeats
// each row as often as the operation says. One output partition, computed in
// Prepare.

#include <algorithm>
#include <memory>

#include "weir/exec/exec_internal.h"
#include "weir/exec/group_table.h"
#include "weir/exec/operators.h"

namespace weir::exec {

namespace {

class SetOp final : public PhysicalOperator {
 public:
  SetOp(PhysicalOperatorPtr left, PhysicalOperatorPtr right, plan::SetOpKind kind, bool all,
        SchemaPtr schema)
      : PhysicalOperator(std::move(schema), {std::move(left), std::move(right)}),
        kind_(kind),
        all_(all) {}

  int num_partitions() const override { return 1; }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    std::vector<DataType> types;
    for (const Field& f : schema()->fields()) types.push_back(f.type);
    GroupTable table(types);
    std::vector<int64_t> left_count, right_count;
    std::vector<uint32_t> gids;
    KeyEncoder encoder;
    for (int side = 0; side < 2; ++side) {
      ASSIGN_OR_RAISE(std::vector<Batch> batches, DrainAll(*children()[side], ctx));
      for (const Batch& b : batches) {
        RETURN_NOT_OK(CheckCancelled(ctx));
        std::vector<Datum> keys;
        for (const ColumnPtr& c : b.columns()) keys.push_back(Datum::Flat(c));
        RowSet rows = RowSet::Of(b);
        gids.resize(static_cast<size_t>(b.physical_rows()));
        if (side == 0) {
          table.FindOrInsert(keys, rows, gids.data());
          left_count.resize(table.num_groups(), 0);
          rows.ForEach([&](int64_t i) { ++left_count[gids[static_cast<size_t>(i)]]; });
        } else {
          table.Find(keys, rows, gids.data(), &encoder);
          right_count.resize(table.num_groups(), 0);
          rows.ForEach([&](int64_t i) {
            if (gids[static_cast<size_t>(i)] != kNoGroup)
              ++right_count[gids[static_cast<size_t>(i)]];
          });
        }
      }
    }
    right_count.resize(table.num_groups(), 0);
    std::vector<uint32_t> out;
    for (uint32_t g = 0; g < table.num_groups(); ++g) {
      const int64_t l = left_count[g], r = right_count[g];
      int64_t copies;
      if (kind_ == plan::SetOpKind::kIntersect) {
        copies = all_ ? std::min(l, r) : (l > 0 && r > 0 ? 1 : 0);
      } else {
        copies = all_ ? std::max<int64_t>(0, l - r) : (l > 0 && r == 0 ? 1 : 0);
      }
      for (int64_t c = 0; c < copies; ++c) out.push_back(g);
    }
    auto batches = std::make_shared<std::vector<Batch>>();
    if (schema()->num_fields() == 0) {
      if (!out.empty()) batches->push_back(Batch::MakeRowsOnly(static_cast<int64_t>(out.size())));
    } else {
      ASSIGN_OR_RAISE(std::vector<ColumnPtr> cols, table.KeyColumns(out));
      ASSIGN_OR_RAISE(Batch b, Batch::Make(schema(), std::move(cols)));
      *batches = SplitBatch(b);
    }
    output_ = std::move(batches);
    return Status::OK();
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int) override {
    if (!output_) return Status::Internal("SetOp executed before Prepare");
    return BatchStreamPtr(std::make_unique<VectorStream>(output_));
  }

  std::string Describe() const override {
    std::string op = kind_ == plan::SetOpKind::kIntersect ? "Intersect" : "Except";
    return op + (all_ ? " All" : "");
  }

 private:
  plan::SetOpKind kind_;
  bool all_;
  std::shared_ptr<const std::vector<Batch>> output_;
};

}  // namespace

PhysicalOperatorPtr MakeSetOp(PhysicalOperatorPtr left, PhysicalOperatorPtr right,
                              plan::SetOpKind kind, bool all, SchemaPtr schema) {
  return std::make_shared<SetOp>(std::move(left), std::move(right), kind, all, std::move(schema));
}

}  // namespace weir::exec
