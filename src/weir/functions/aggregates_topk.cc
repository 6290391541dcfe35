// The internal top-K aggregate (aggregates_topk.h): collect_list bounded to the K
// first elements of sort_array's order.
//
// Every comparison is kernels::CompareRows between two columns, the very comparator
// sort_array runs, so the two can never disagree on an order. A state keeps its
// elements in the value codec (one string, like collect_list's); Update decodes the
// elements of all the states a batch touches into one column, once per batch, and
// compares the batch's rows with it: a row is kept for its group only if it sorts
// strictly before the group's K-th element (a tie loses to the element that came
// first). A busy group thus costs one comparison per row once its K elements are
// good ones.

#include "weir/functions/aggregates_topk.h"

#include <algorithm>
#include <string>
#include <vector>

#include "weir/functions/aggregate_registry.h"
#include "weir/functions/ordering.h"
#include "weir/functions/value_codec_internal.h"

namespace weir {

namespace {

using codec::DecodeValue;
using codec::EncodeValue;
using codec::GetVarint;
using codec::PutVarint;

// The heap part of a state: its elements, sorted, at most k, in the value codec
// back to back (collect_list's encoding, so a state is one string and its
// serialized form is a copy of it).
struct TopKData {
  std::string bytes;
  int64_t count = 0;
  // Where the last element's encoding starts in `bytes` (when count > 0).
  uint32_t last = 0;
  // Update's scratch: the state's index among the states the batch touches, or -1.
  int32_t slot = -1;
};

class TopKAggregate final : public HeapStateAggregate<TopKData> {
 public:
  TopKAggregate(const DataType& element, int k, bool ascending)
      : HeapStateAggregate("_top_k_" + std::to_string(k) + (ascending ? "_asc" : "_desc"),
                           {element}, DataType::Array(element, false)),
        k_(k),
        ascending_(ascending) {}

  // Four passes over the batch: the rows are grouped by state (input order kept);
  // the K-th element of every full state touched is decoded into one column, and
  // the rows that do not beat it dropped; the elements of the states left with
  // rows are decoded into one column, so that rows and elements compare as two
  // columns; each such state's rows are sorted and merged with its elements, and
  // the first K encoded again.
  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
    const Column& col = a.col();
    std::vector<TopKData*> touched;
    std::vector<int32_t> slot_of;  // per kept row
    std::vector<uint32_t> row_of;
    rows.ForEach([&](int64_t i) {
      if (a.IsNull(i)) return;  // collect_list skips NULLs
      TopKData* d = Data(states[i]);
      if (d->slot < 0) {
        d->slot = static_cast<int32_t>(touched.size());
        touched.push_back(d);
      }
      slot_of.push_back(d->slot);
      row_of.push_back(static_cast<uint32_t>(a.Index(i)));
    });
    if (touched.empty()) return Status::OK();
    // The states' scratch slots are reset however this returns.
    struct SlotReset {
      std::vector<TopKData*>* states;
      ~SlotReset() {
        for (TopKData* d : *states) d->slot = -1;
      }
    } reset{&touched};
    // Counting sort by slot, stable: each state's rows in input order.
    std::vector<uint32_t> start(touched.size() + 1, 0);
    for (int32_t s : slot_of) ++start[static_cast<size_t>(s) + 1];
    for (size_t s = 1; s < start.size(); ++s) start[s] += start[s - 1];
    std::vector<uint32_t> grouped(row_of.size());
    {
      std::vector<uint32_t> next(start.begin(), start.end() - 1);
      for (size_t r = 0; r < row_of.size(); ++r) {
        grouped[next[static_cast<size_t>(slot_of[r])]++] = row_of[r];
      }
    }
    // The K-th elements of the full states, and the rows that beat them (a tie
    // loses to the element that came first), compacted in `grouped`.
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(arg_types()[0]);
    for (TopKData* d : touched) {
      if (d->count < k_) continue;
      std::string_view last = std::string_view(d->bytes).substr(d->last);
      RETURN_NOT_OK(DecodeValue(&last, arg_types()[0], b.get()));
    }
    ColumnPtr kth = b->Finish();
    std::vector<uint32_t> cand_start(touched.size() + 1, 0);
    std::vector<TopKData*> live;  // states with rows left
    {
      uint32_t out = 0;
      int64_t t = 0;
      for (size_t s = 0; s < touched.size(); ++s) {
        TopKData* d = touched[s];
        cand_start[s] = out;
        const bool full = d->count == k_;
        for (uint32_t g = start[s]; g < start[s + 1]; ++g) {
          const uint32_t r = grouped[g];
          if (!full || Before(col, r, *kth, t)) grouped[out++] = r;
        }
        if (full) ++t;
        if (out > cand_start[s]) live.push_back(d);
        // Reuse `slot` to find this state's rows below.
        d->slot = static_cast<int32_t>(s);
      }
      cand_start[touched.size()] = out;
    }
    // The elements of the states with rows left, all in one column.
    std::vector<int64_t> first(live.size() + 1, 0);
    for (size_t s = 0; s < live.size(); ++s) {
      RETURN_NOT_OK(DecodeAll(live[s], b.get()));
      first[s + 1] = b->length();
    }
    ColumnPtr stored = b->Finish();
    std::string out;
    for (size_t s = 0; s < live.size(); ++s) {
      TopKData* d = live[s];
      const auto slot = static_cast<size_t>(d->slot);
      auto cand_begin = grouped.begin() + cand_start[slot];
      auto cand_end = grouped.begin() + cand_start[slot + 1];
      // Only the first k rows are needed, in stable order: the rows are listed in
      // input order with increasing indices (or all one row of a constant), so
      // the index breaks ties.
      const auto keep = std::min<ptrdiff_t>(k_, cand_end - cand_begin);
      std::partial_sort(cand_begin, cand_begin + keep, cand_end, [&](uint32_t x, uint32_t y) {
        const int c = kernels::CompareRows(col, x, col, y);
        return (ascending_ ? c < 0 : c > 0) || (c == 0 && x < y);
      });
      cand_end = cand_begin + keep;
      const int64_t lo = first[s], hi = first[s + 1];
      const uint32_t* cand = grouped.data() + cand_start[slot];
      const auto nc = static_cast<int64_t>(cand_end - cand_begin);
      out.clear();
      int64_t i = lo, j = 0, n = 0;
      uint32_t last = 0;
      for (; n < k_ && (i < hi || j < nc); ++n) {
        last = static_cast<uint32_t>(out.size());
        // The stored elements came first: they win ties.
        if (j < nc && (i == hi || Before(col, cand[j], *stored, i))) {
          EncodeValue(col, cand[j++], &out);
        } else {
          EncodeValue(*stored, i++, &out);
        }
      }
      // The new bytes move in and the old buffer becomes the next state's scratch:
      // nothing points into it any more (the elements were decoded above).
      d->bytes.swap(out);
      d->count = n;
      d->last = last;
    }
    return Status::OK();
  }

  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    const TopKData* other = Get(o);
    if (other == nullptr || other->count == 0) return Status::OK();
    TopKData* mine = Data(s);
    if (mine->count == 0) {
      mine->bytes = other->bytes;
      mine->count = other->count;
      mine->last = other->last;
      return Status::OK();
    }
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(arg_types()[0]);
    RETURN_NOT_OK(DecodeAll(mine, b.get()));
    RETURN_NOT_OK(DecodeAll(other, b.get()));
    ColumnPtr both = b->Finish();
    const int64_t nx = mine->count, end = nx + other->count;
    // Nothing of `other` enters a full state whose last element it does not beat.
    if (nx == k_ && !Before(*both, nx, *both, nx - 1)) return Status::OK();
    std::string out;
    int64_t i = 0, j = nx, n = 0;
    uint32_t last = 0;
    for (; n < k_ && (i < nx || j < end); ++n) {
      last = static_cast<uint32_t>(out.size());
      // Among equal elements the left state's come first.
      if (j < end && (i == nx || Before(*both, j, *both, i))) {
        EncodeValue(*both, j++, &out);
      } else {
        EncodeValue(*both, i++, &out);
      }
    }
    mine->bytes = std::move(out);
    mine->count = n;
    mine->last = last;
    return Status::OK();
  }

  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    auto* ab = static_cast<ArrayBuilder*>(out);
    for (int64_t s = 0; s < n; ++s) {
      ab->Append();
      const TopKData* d = Get(states[s]);
      if (d != nullptr) RETURN_NOT_OK(DecodeAll(d, ab->element_builder()));
    }
    return Status::OK();
  }

  // collect_list's format: a varint count, then the encoded elements (in order).
  void Serialize(const uint8_t* s, std::string* out) const override {
    const TopKData* d = Get(s);
    PutVarint(d == nullptr ? 0 : static_cast<uint64_t>(d->count), out);
    if (d != nullptr) out->append(d->bytes);
  }

  Status Deserialize(std::string_view in, uint8_t* s) const override {
    uint64_t count;
    if (!GetVarint(&in, &count) || count > in.size()) {
      return Status::Corruption(name() + " state has a bad element count");
    }
    std::string_view rest = in;
    uint32_t last = 0;
    for (uint64_t e = 0; e < count; ++e) {
      last = static_cast<uint32_t>(in.size() - rest.size());
      Status st = DecodeValue(&rest, arg_types()[0], nullptr);
      if (!st.ok()) return Status::Corruption(name() + " state: " + st.message());
    }
    if (!rest.empty()) {
      return Status::Corruption(name() + " state: trailing bytes after the elements");
    }
    TopKData* d = Data(s);
    d->bytes.assign(in);
    d->count = static_cast<int64_t>(count);
    d->last = last;
    if (d->count > k_) {
      // A longer list (collect_list's state): stable-sorted and cut at k, which
      // keeps the result this aggregate would have computed. weir writes at most
      // k elements, sorted.
      std::unique_ptr<ColumnBuilder> b = MakeBuilder(arg_types()[0]);
      RETURN_NOT_OK(DecodeAll(d, b.get()));
      ColumnPtr elems = b->Finish();
      std::vector<uint32_t> order(static_cast<size_t>(elems->length()));
      for (size_t r = 0; r < order.size(); ++r) order[r] = static_cast<uint32_t>(r);
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t x, uint32_t y) { return Before(*elems, x, *elems, y); });
      d->bytes.clear();
      for (int64_t r = 0; r < k_; ++r) {
        d->last = static_cast<uint32_t>(d->bytes.size());
        EncodeValue(*elems, order[static_cast<size_t>(r)], &d->bytes);
      }
      d->count = k_;
    }
    return Status::OK();
  }

  // "_top_k(x, 10, false)": sort_array's spelling of the order.
  std::string Format(const std::vector<std::string>& args) const override {
    return "_top_k(" + (args.empty() ? std::string() : args[0]) + ", " + std::to_string(k_) +
           (ascending_ ? ", true)" : ", false)");
  }

 private:
  static TopKData* Data(uint8_t* s) {
    TopKData* d = Get(s);
    if (d == nullptr) {
      d = new TopKData();
      Set(s, d);
    }
    return d;
  }

  // Appends the elements of `d` to `b`.
  Status DecodeAll(const TopKData* d, ColumnBuilder* b) const {
    std::string_view in = d->bytes;
    for (int64_t e = 0; e < d->count; ++e) RETURN_NOT_OK(DecodeValue(&in, arg_types()[0], b));
    return Status::OK();
  }

  // True when row i of `a` sorts strictly before row j of `b` in sort_array's
  // order. CompareRows puts NULL lowest, so descending puts NULLs last, as
  // sort_array does.
  bool Before(const Column& a, int64_t i, const Column& b, int64_t j) const {
    const int c = kernels::CompareRows(a, i, b, j);
    return ascending_ ? c < 0 : c > 0;
  }

  int64_t k_;
  bool ascending_;
};

}  // namespace

AggregateFunctionPtr MakeTopKAggregate(const DataType& element, int k, bool ascending) {
  WEIR_CHECK(k >= 1 && k <= kMaxTopK);
  return std::make_shared<TopKAggregate>(element, k, ascending);
}

}  // namespace weir
