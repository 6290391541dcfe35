// DISTINCT aggregates: agg(DISTINCT a, b, ...).
//
// The wrapper's state is the set of distinct argument tuples seen (each encoded with
// value_codec_internal.h, NULLs included); Finalize feeds every tuple once to the
// wrapped aggregate. The set is the state, so a DISTINCT aggregate merges, and
// survives a restart through Serialize, like any other — which is what lets
// streaming queries use count(DISTINCT ...).
//
// Binary form: varint tuple count, then per tuple a varint length and its bytes, in
// sorted order (so equal sets serialize to equal bytes).

#include <algorithm>

#include <absl/container/flat_hash_set.h>

#include "weir/functions/aggregate_registry.h"
#include "weir/functions/value_codec_internal.h"

namespace weir {

namespace {

using TupleSet = absl::flat_hash_set<std::string>;

class DistinctAggregate final : public HeapStateAggregate<TupleSet> {
 public:
  explicit DistinctAggregate(AggregateFunctionPtr inner)
      : HeapStateAggregate(inner->name(), inner->arg_types(), inner->result_type()),
        inner_(std::move(inner)) {}

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    std::string tuple;
    rows.ForEach([&](int64_t i) {
      tuple.clear();
      for (const Datum& a : args) {
        if (a.IsNull(i)) {
          tuple.push_back(0);
        } else {
          tuple.push_back(1);
          codec::EncodeValue(a.col(), a.Index(i), &tuple);
        }
      }
      Mutable(states[i])->insert(tuple);
    });
    return Status::OK();
  }

  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    const TupleSet* other = Get(o);
    if (other != nullptr && !other->empty()) Mutable(s)->insert(other->begin(), other->end());
    return Status::OK();
  }

  Status Finalize(EvalContext& ctx, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    for (int64_t k = 0; k < n; ++k) RETURN_NOT_OK(FinalizeOne(ctx, Get(states[k]), out));
    return Status::OK();
  }

  void Serialize(const uint8_t* s, std::string* out) const override {
    const TupleSet* set = Get(s);
    std::vector<const std::string*> sorted;
    if (set != nullptr) {
      for (const std::string& t : *set) sorted.push_back(&t);
    }
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return *a < *b; });
    codec::PutVarint(sorted.size(), out);
    for (const std::string* t : sorted) {
      codec::PutVarint(t->size(), out);
      out->append(*t);
    }
  }

  Status Deserialize(std::string_view in, uint8_t* s) const override {
    auto fresh = std::make_unique<TupleSet>();
    uint64_t count;
    // Every tuple takes at least one byte (its length), which bounds the count.
    if (!codec::GetVarint(&in, &count) || count > in.size()) return Bad();
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t len;
      if (!codec::GetVarint(&in, &len) || len > in.size()) return Bad();
      std::string_view tuple = in.substr(0, len);
      in.remove_prefix(len);
      RETURN_NOT_OK(CheckTuple(tuple));
      fresh->emplace(tuple);
    }
    if (!in.empty()) return Bad();
    delete Get(s);
    Set(s, fresh.release());
    return Status::OK();
  }

  std::string Format(const std::vector<std::string>& args) const override {
    std::vector<std::string> a = args;
    if (!a.empty()) a[0] = "DISTINCT " + a[0];
    return inner_->Format(a);
  }

 private:
  static TupleSet* Mutable(uint8_t* s) {
    TupleSet* p = Get(s);
    if (p == nullptr) {
      p = new TupleSet();
      Set(s, p);
    }
    return p;
  }
  Status Bad() const { return Status::Corruption(name() + "(DISTINCT) state is malformed"); }

  // A tuple must decode as one nullable value per argument, with nothing left over.
  Status CheckTuple(std::string_view t) const {
    for (const DataType& type : arg_types())
      RETURN_NOT_OK(codec::DecodeNullable(&t, type, nullptr));
    return t.empty() ? Status::OK() : Bad();
  }

  // Decodes the tuples into columns and runs the wrapped aggregate over them once.
  Status FinalizeOne(EvalContext& ctx, const TupleSet* set, ColumnBuilder* out) const {
    std::vector<std::unique_ptr<ColumnBuilder>> builders;
    for (const DataType& t : arg_types()) builders.push_back(MakeBuilder(t));
    int64_t rows = 0;
    if (set != nullptr) {
      for (const std::string& tuple : *set) {
        std::string_view t = tuple;
        for (size_t a = 0; a < builders.size(); ++a) {
          RETURN_NOT_OK(codec::DecodeNullable(&t, arg_types()[a], builders[a].get()));
        }
        ++rows;
      }
    }
    std::vector<Datum> args;
    for (auto& b : builders) args.push_back(Datum::Flat(b->Finish()));
    std::vector<uint8_t> mem(inner_->state_size() + inner_->state_align());
    auto addr = reinterpret_cast<uintptr_t>(mem.data());
    size_t align = inner_->state_align();
    uint8_t* state = mem.data() + ((align - addr % align) % align);
    inner_->Init(state);
    Status st = inner_->UpdateAll(ctx, state, args, RowSet(rows));
    const uint8_t* one[1] = {state};
    if (st.ok()) st = inner_->Finalize(ctx, one, 1, out);
    if (inner_->needs_destroy()) inner_->Destroy(state);
    return st;
  }

  AggregateFunctionPtr inner_;
};

}  // namespace

AggregateFunctionPtr MakeDistinctAggregate(AggregateFunctionPtr inner) {
  return std::make_shared<DistinctAggregate>(std::move(inner));
}

}  // namespace weir
