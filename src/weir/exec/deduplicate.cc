// Deduplicate (operators.h): a batch dropDuplicates. Each partition keeps a
// GroupTable of the keys it has seen; a row whose key is new is kept (a selection
// over its batch, no copy), the others are dropped. Streaming deduplication, whose
// seen keys live in a StateStore, is stateful_dedup.cc.

#include <memory>

#include "weir/exec/exec_internal.h"
#include "weir/exec/group_table.h"
#include "weir/exec/operators.h"

namespace weir::exec {

namespace {

class DeduplicateStream final : public BatchStream {
 public:
  DeduplicateStream(BatchStreamPtr input, ExecContext& ctx, std::vector<int> keys,
                    std::vector<DataType> key_types)
      : input_(std::move(input)), ctx_(ctx), keys_(std::move(keys)), table_(std::move(key_types)) {}

  Result<bool> Next(Batch* out) override {
    for (;;) {
      RETURN_NOT_OK(CheckCancelled(ctx_));
      Batch b;
      ASSIGN_OR_RAISE(bool more, input_->Next(&b));
      if (!more) return false;
      const RowSet rows = RowSet::Of(b);
      std::vector<Datum> keys;
      for (int k : keys_) keys.push_back(Datum::Flat(b.column(k)));
      ids_.resize(static_cast<size_t>(b.physical_rows()));
      table_.FindOrInsert(keys, rows, ids_.data());
      seen_.resize(table_.num_groups(), false);
      std::vector<uint32_t> keep;  // logical rows of b
      uint32_t logical = 0;
      rows.ForEach([&](int64_t i) {
        const uint32_t g = ids_[static_cast<size_t>(i)];
        if (!seen_[g]) {
          seen_[g] = true;
          keep.push_back(logical);
        }
        ++logical;
      });
      if (keep.empty()) continue;
      if (static_cast<int64_t>(keep.size()) == b.num_rows()) {
        *out = std::move(b);
      } else if (b.num_columns() == 0) {
        *out = Batch::MakeRowsOnly(static_cast<int64_t>(keep.size()));
      } else {
        *out = b.Select(SelectionVector(std::move(keep)));
      }
      return true;
    }
  }

 private:
  BatchStreamPtr input_;
  ExecContext& ctx_;
  std::vector<int> keys_;
  GroupTable table_;
  std::vector<uint32_t> ids_;
  std::vector<bool> seen_;  // by group id: a row of the group was kept
};

class DeduplicateOp final : public PhysicalOperator {
 public:
  DeduplicateOp(PhysicalOperatorPtr child, std::vector<int> keys)
      : PhysicalOperator(child->schema(), {child}), keys_(std::move(keys)) {}

  int num_partitions() const override { return children()[0]->num_partitions(); }

  Result<BatchStreamPtr> Execute(ExecContext& ctx, int partition) override {
    ASSIGN_OR_RAISE(BatchStreamPtr input, children()[0]->Execute(ctx, partition));
    std::vector<DataType> types;
    for (int k : keys_) types.push_back(schema()->field(k).type);
    return BatchStreamPtr(
        std::make_unique<DeduplicateStream>(std::move(input), ctx, keys_, std::move(types)));
  }

  std::string Describe() const override {
    std::string names;
    for (size_t i = 0; i < keys_.size(); ++i) {
      names += (i > 0 ? ", " : "") + schema()->field(keys_[i]).name;
    }
    return "Deduplicate(keys=[" + names + "])";
  }

 private:
  std::vector<int> keys_;
};

}  // namespace

PhysicalOperatorPtr MakeDeduplicate(PhysicalOperatorPtr child, std::vector<int> keys) {
  return std::make_shared<DeduplicateOp>(std::move(child), std::move(keys));
}

}  // namespace weir::exec
