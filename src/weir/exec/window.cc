// Window functions.
//
// The planner puts a hash exchange on the PARTITION BY keys (or a gather when there
// are none) below this operator, so every window partition is inside one input
// partition. Prepare processes the input partitions in parallel: each is
// concatenated, sorted by (partition keys, order keys), cut into window partitions
// and peer groups (rows equal on the order keys), and every function is computed into
// a new column appended to the sorted rows.
//
// Frames: ROWS bounds count rows; RANGE bounds with CURRENT ROW mean the peer group;
// RANGE bounds with an offset search the (single, numeric or datetime) order key,
// where NULL keys form a frame of their own. An aggregate whose frame starts at
// UNBOUNDED PRECEDING is computed incrementally (the frame only grows); other frames
// recompute the aggregate over the frame (correct, O(rows x frame)).

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "weir/exec/exec_internal.h"
#include "weir/exec/operators.h"
#include "weir/exec/sort_internal.h"

namespace weir::exec {

namespace {

using plan::WindowFunctionCall;
using plan::WindowFunctionKind;
using sql::FrameBoundKind;
using sql::FrameUnit;

void AppendInteger(ColumnBuilder* b, int64_t v) {
  switch (b->type().id()) {
    case TypeId::kInt32:
      static_cast<Int32Builder*>(b)->Append(static_cast<int32_t>(v));
      break;
    case TypeId::kDouble:
      static_cast<DoubleBuilder*>(b)->Append(static_cast<double>(v));
      break;
    default:
      static_cast<Int64Builder*>(b)->Append(v);
      break;
  }
}

Result<int64_t> LiteralInt(const ExprPtr& e, const char* what) {
  if (e == nullptr || e->kind() != ExprKind::kLiteral) {
    return Status::InvalidSql(std::string(what) + " must be a literal");
  }
  const Value& v = static_cast<const LiteralExpr&>(*e).value();
  if (v.is_null()) return Status::InvalidSql(std::string(what) + " must not be NULL");
  if (v.type().id() == TypeId::kInt32) return static_cast<int64_t>(v.int32());
  if (v.type().id() == TypeId::kInt64) return v.int64();
  return Status::InvalidSql(std::string(what) + " must be an integer");
}

// The order key (or a RANGE offset) as a double on one axis.
Result<double> OffsetAsDouble(const Value& v, const DataType& key_type) {
  switch (v.type().id()) {
    case TypeId::kInt32:
      return static_cast<double>(v.int32());
    case TypeId::kInt64:
      return static_cast<double>(v.int64());
    case TypeId::kDouble:
      return v.float64();
    case TypeId::kDecimal:
      return static_cast<double>(v.decimal()) / std::pow(10.0, v.type().scale());
    case TypeId::kInterval: {
      const Interval& iv = v.interval();
      if (iv.months != 0) return Status::Unsupported("RANGE offsets with months");
      if (key_type.id() == TypeId::kDate) return static_cast<double>(iv.days);
      return static_cast<double>(iv.days) * 86400e6 + static_cast<double>(iv.micros);
    }
    default:
      return Status::InvalidSql("RANGE offset of type " + v.type().ToString());
  }
}

double KeyAsDouble(const Column& c, int64_t i) {
  switch (c.type().id()) {
    case TypeId::kInt32:
    case TypeId::kDate:
      return c.Get<int32_t>(i);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return static_cast<double>(c.Get<int64_t>(i));
    case TypeId::kDouble:
      return c.Get<double>(i);
    case TypeId::kDecimal:
      return static_cast<double>(c.Get<Int128>(i)) / std::pow(10.0, c.type().scale());
    default:
      return 0;
  }
}

// One window partition of the sorted rows, with its peer groups.
struct Segment {
  int64_t begin = 0, end = 0;
  std::vector<int64_t> peer_start;  // per row (relative index): start of its peer group
  std::vector<int64_t> peer_end;    // per row: end of its peer group (exclusive)
};

class WindowOp final : public PhysicalOperator {
 public:
  WindowOp(PhysicalOperatorPtr child, std::vector<ExprPtr> partition_by,
           std::vector<plan::SortKey> order_by, std::vector<WindowFunctionCall> functions,
           SchemaPtr schema)
      : PhysicalOperator(std::move(schema), {std::move(child)}),
        partition_by_(std::move(partition_by)),
        order_by_(std::move(order_by)),
        functions_(std::move(functions)) {}

  int num_partitions() const override { return children()[0]->num_partitions(); }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    return ProcessWholePartitions(
        *children()[0], ctx, [&](Batch batch) { return Process(ctx, std::move(batch)); },
        &outputs_);
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int p) override {
    if (outputs_.empty()) return Status::Internal("Window executed before Prepare");
    return BatchStreamPtr(std::make_unique<VectorStream>(outputs_[static_cast<size_t>(p)]));
  }

  std::string Describe() const override {
    std::string f, o;
    for (size_t i = 0; i < functions_.size(); ++i)
      f += (i > 0 ? ", " : "") + functions_[i].ToString();
    for (size_t i = 0; i < order_by_.size(); ++i)
      o += (i > 0 ? ", " : "") + order_by_[i].ToString();
    return "Window [" + f + "], [" + ExprList(partition_by_) + "], [" + o + "]";
  }

 private:
  Result<Batch> Process(ExecContext& ctx, const Batch& input) const;
  Status Compute(EvalContext& ectx, const WindowFunctionCall& fn, const Batch& sorted,
                 const std::vector<Segment>& segments, const std::vector<SortColumn>& order,
                 ColumnBuilder* out) const;
  Status ComputeAggregate(EvalContext& ectx, const WindowFunctionCall& fn, const Batch& sorted,
                          const std::vector<Segment>& segments,
                          const std::vector<SortColumn>& order, ColumnBuilder* out) const;
  // The frame [*fs, *fe) of row i (absolute) of `seg`.
  Status Frame(const plan::WindowFrameSpec& frame, const Segment& seg, int64_t i,
               const std::vector<SortColumn>& order, int64_t* fs, int64_t* fe) const;

  std::vector<ExprPtr> partition_by_;
  std::vector<plan::SortKey> order_by_;
  std::vector<WindowFunctionCall> functions_;
  std::vector<std::shared_ptr<const std::vector<Batch>>> outputs_;
};

Result<Batch> WindowOp::Process(ExecContext& ctx, const Batch& input) const {
  EvalContext ectx(ctx.eval);
  std::vector<plan::SortKey> all;
  for (const ExprPtr& e : partition_by_) all.push_back({e, true, true});
  for (const plan::SortKey& k : order_by_) all.push_back(k);
  ASSIGN_OR_RAISE(std::vector<SortColumn> keys, EvalSortColumns(all, ectx, input));
  std::vector<uint32_t> perm = SortPermutation(keys, input.num_rows());
  const auto n = static_cast<int64_t>(perm.size());
  std::vector<ColumnPtr> cols;
  for (const ColumnPtr& c : input.columns()) cols.push_back(c->Take(perm.data(), n));
  Batch sorted = input.num_columns() == 0 ? Batch::MakeRowsOnly(n)
                                          : Batch::Make(input.schema(), cols).ValueOrDie();
  for (SortColumn& k : keys) k.column = k.column->Take(perm.data(), n);
  std::vector<SortColumn> part(keys.begin(),
                               keys.begin() + static_cast<long>(partition_by_.size()));
  std::vector<SortColumn> order(keys.begin() + static_cast<long>(partition_by_.size()), keys.end());
  // Window partitions and peer groups.
  std::vector<Segment> segments;
  int64_t s = 0;
  while (s < n) {
    int64_t e = s + 1;
    while (e < n && CompareKeyRows(part, s, part, e) == 0) ++e;
    Segment seg;
    seg.begin = s;
    seg.end = e;
    seg.peer_start.resize(static_cast<size_t>(e - s));
    seg.peer_end.resize(static_cast<size_t>(e - s));
    int64_t ps = s;
    for (int64_t i = s; i <= e; ++i) {
      if (i == e || CompareKeyRows(order, ps, order, i) != 0) {
        for (int64_t j = ps; j < i; ++j) {
          seg.peer_start[static_cast<size_t>(j - s)] = ps;
          seg.peer_end[static_cast<size_t>(j - s)] = i;
        }
        ps = i;
      }
    }
    segments.push_back(std::move(seg));
    s = e;
  }
  for (const WindowFunctionCall& fn : functions_) {
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(fn.result_type);
    b->Reserve(n);
    RETURN_NOT_OK(Compute(ectx, fn, sorted, segments, order, b.get()));
    cols.push_back(b->Finish());
  }
  if (schema()->num_fields() == 0) return Batch::MakeRowsOnly(n);
  return Batch::Make(schema(), std::move(cols));
}

Status WindowOp::Frame(const plan::WindowFrameSpec& frame, const Segment& seg, int64_t i,
                       const std::vector<SortColumn>& order, int64_t* fs, int64_t* fe) const {
  const int64_t rel = i - seg.begin;
  auto bound = [&](const plan::FrameBoundSpec& b, bool is_end) -> Result<int64_t> {
    switch (b.kind) {
      case FrameBoundKind::kUnboundedPreceding:
        return seg.begin;
      case FrameBoundKind::kUnboundedFollowing:
        return seg.end;
      case FrameBoundKind::kCurrentRow:
        if (frame.unit == FrameUnit::kRows) return is_end ? i + 1 : i;
        return is_end ? seg.peer_end[static_cast<size_t>(rel)]
                      : seg.peer_start[static_cast<size_t>(rel)];
      case FrameBoundKind::kPreceding:
      case FrameBoundKind::kFollowing: {
        const bool preceding = b.kind == FrameBoundKind::kPreceding;
        if (frame.unit == FrameUnit::kRows) {
          ASSIGN_OR_RAISE(int64_t off, LiteralInt(Literal(b.offset), "a ROWS frame offset"));
          int64_t at = preceding ? i - off : i + off;
          return is_end ? at + 1 : at;
        }
        if (order.size() != 1) {
          return Status::InvalidSql("a RANGE frame with an offset needs exactly one ORDER BY key");
        }
        const Column& key = *order[0].column;
        if (key.IsNull(i)) {
          return is_end ? seg.peer_end[static_cast<size_t>(rel)]
                        : seg.peer_start[static_cast<size_t>(rel)];
        }
        ASSIGN_OR_RAISE(double off, OffsetAsDouble(b.offset, key.type()));
        // Work on the ascending axis: descending keys are negated.
        const double sign = order[0].ascending ? 1.0 : -1.0;
        const double target = sign * KeyAsDouble(key, i) + (preceding ? -off : off);
        // The non-NULL rows of the segment, where the axis ascends.
        int64_t lo = seg.begin, hi = seg.end;
        while (lo < hi && key.IsNull(lo)) ++lo;
        while (hi > lo && key.IsNull(hi - 1)) --hi;
        auto axis = [&](int64_t r) { return sign * KeyAsDouble(key, r); };
        int64_t a = lo, z = hi;
        // start: first row with axis >= target; end: first row with axis > target.
        while (a < z) {
          int64_t m = a + (z - a) / 2;
          bool before = is_end ? axis(m) <= target : axis(m) < target;
          if (before) {
            a = m + 1;
          } else {
            z = m;
          }
        }
        return a;
      }
    }
    return seg.begin;
  };
  ASSIGN_OR_RAISE(int64_t s, bound(frame.start, false));
  ASSIGN_OR_RAISE(int64_t e, bound(frame.end, true));
  *fs = std::clamp(s, seg.begin, seg.end);
  *fe = std::clamp(e, seg.begin, seg.end);
  if (*fe < *fs) *fe = *fs;
  return Status::OK();
}

Status WindowOp::Compute(EvalContext& ectx, const WindowFunctionCall& fn, const Batch& sorted,
                         const std::vector<Segment>& segments, const std::vector<SortColumn>& order,
                         ColumnBuilder* out) const {
  if (fn.kind == WindowFunctionKind::kAggregate) {
    return ComputeAggregate(ectx, fn, sorted, segments, order, out);
  }
  ASSIGN_OR_RAISE(std::vector<Datum> args, EvalAll(fn.args, ectx, sorted));
  ColumnPtr input;
  if (!args.empty()) input = args[0].Materialize(sorted.physical_rows());
  for (const Segment& seg : segments) {
    const int64_t n = seg.end - seg.begin;
    int64_t dense = 0;
    for (int64_t i = seg.begin; i < seg.end; ++i) {
      const auto rel = static_cast<size_t>(i - seg.begin);
      const int64_t rank = seg.peer_start[rel] - seg.begin + 1;
      if (seg.peer_start[rel] == i) ++dense;
      switch (fn.kind) {
        case WindowFunctionKind::kRowNumber:
          AppendInteger(out, i - seg.begin + 1);
          break;
        case WindowFunctionKind::kRank:
          AppendInteger(out, rank);
          break;
        case WindowFunctionKind::kDenseRank:
          AppendInteger(out, dense);
          break;
        case WindowFunctionKind::kPercentRank:
          static_cast<DoubleBuilder*>(out)->Append(
              n <= 1 ? 0.0 : static_cast<double>(rank - 1) / static_cast<double>(n - 1));
          break;
        case WindowFunctionKind::kCumeDist:
          static_cast<DoubleBuilder*>(out)->Append(
              static_cast<double>(seg.peer_end[rel] - seg.begin) / static_cast<double>(n));
          break;
        case WindowFunctionKind::kNtile: {
          ASSIGN_OR_RAISE(int64_t buckets,
                          LiteralInt(fn.args.empty() ? nullptr : fn.args[0], "the ntile argument"));
          if (buckets <= 0) return Status::InvalidSql("ntile needs a positive number of buckets");
          const int64_t q = n / buckets, r = n % buckets;
          const auto k = static_cast<int64_t>(rel);
          int64_t bucket = k < r * (q + 1) ? k / (q + 1) + 1
                                           : (k - r * (q + 1)) / std::max<int64_t>(q, 1) + r + 1;
          AppendInteger(out, bucket);
          break;
        }
        case WindowFunctionKind::kLag:
        case WindowFunctionKind::kLead: {
          int64_t off = 1;
          if (fn.args.size() > 1) {
            ASSIGN_OR_RAISE(off, LiteralInt(fn.args[1], "the lag/lead offset"));
          }
          const int64_t dir = fn.kind == WindowFunctionKind::kLag ? -1 : 1;
          int64_t j = -1;
          if (!fn.ignore_nulls) {
            j = i + dir * off;
          } else if (off == 0) {
            j = i;
          } else {
            int64_t seen = 0;
            for (int64_t x = i + dir; x >= seg.begin && x < seg.end; x += dir) {
              if (!input->IsNull(x) && ++seen == off) {
                j = x;
                break;
              }
            }
          }
          if (j >= seg.begin && j < seg.end) {
            AppendCell(out, *input, j);
          } else if (args.size() > 2) {
            AppendCell(out, args[2].col(), args[2].Index(i));
          } else {
            out->AppendNull();
          }
          break;
        }
        case WindowFunctionKind::kFirstValue:
        case WindowFunctionKind::kLastValue:
        case WindowFunctionKind::kNthValue: {
          int64_t fs, fe;
          RETURN_NOT_OK(Frame(fn.frame, seg, i, order, &fs, &fe));
          int64_t nth = 1;
          if (fn.kind == WindowFunctionKind::kNthValue) {
            ASSIGN_OR_RAISE(nth, LiteralInt(fn.args.size() > 1 ? fn.args[1] : nullptr,
                                            "the nth_value argument"));
            if (nth <= 0) return Status::InvalidSql("nth_value needs a positive n");
          }
          int64_t j = -1;
          if (fn.kind == WindowFunctionKind::kLastValue) {
            for (int64_t x = fe - 1; x >= fs; --x) {
              if (!fn.ignore_nulls || !input->IsNull(x)) {
                j = x;
                break;
              }
            }
          } else {
            int64_t seen = 0;
            for (int64_t x = fs; x < fe; ++x) {
              if ((!fn.ignore_nulls || !input->IsNull(x)) && ++seen == nth) {
                j = x;
                break;
              }
            }
          }
          if (j >= 0) {
            AppendCell(out, *input, j);
          } else {
            out->AppendNull();
          }
          break;
        }
        case WindowFunctionKind::kAggregate:
          break;
      }
    }
  }
  return Status::OK();
}

Status WindowOp::ComputeAggregate(EvalContext& ectx, const WindowFunctionCall& fn,
                                  const Batch& sorted, const std::vector<Segment>& segments,
                                  const std::vector<SortColumn>& order, ColumnBuilder* out) const {
  const AggregateCall& call = fn.aggregate;
  const AggregateFunction& f = *call.function;
  ASSIGN_OR_RAISE(std::vector<Datum> args, EvalAll(call.args, ectx, sorted));
  const int64_t n = sorted.num_rows();
  // The rows an aggregate reads: all, or those passing its FILTER; ascending.
  std::vector<uint32_t> rows;
  if (call.filter) {
    ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*call.filter, ectx, sorted));
    rows = sel.indices();
  } else {
    rows.resize(static_cast<size_t>(n));
    std::iota(rows.begin(), rows.end(), 0u);
  }
  auto index_of = [&](int64_t r) {
    return static_cast<int64_t>(
        std::lower_bound(rows.begin(), rows.end(), static_cast<uint32_t>(r)) - rows.begin());
  };
  std::vector<uint8_t> mem(f.state_size() + f.state_align() + 16);
  const size_t align = std::max<size_t>(1, f.state_align());
  uint8_t* state = mem.data() + (align - reinterpret_cast<uintptr_t>(mem.data()) % align) % align;
  const uint8_t* one[1] = {state};
  const bool growing = fn.frame.start.kind == FrameBoundKind::kUnboundedPreceding;
  Status st;
  for (const Segment& seg : segments) {
    if (growing) {
      f.Init(state);
      int64_t done = index_of(seg.begin);  // rows[done..] not yet added
      for (int64_t i = seg.begin; i < seg.end && st.ok(); ++i) {
        int64_t fs, fe;
        st = Frame(fn.frame, seg, i, order, &fs, &fe);
        if (!st.ok()) break;
        const int64_t upto = index_of(fe);
        if (upto > done) {
          st = f.UpdateAll(ectx, state, args, RowSet(n, rows.data() + done, upto - done));
          done = upto;
        }
        if (st.ok()) st = f.Finalize(ectx, one, 1, out);
      }
      if (f.needs_destroy()) f.Destroy(state);
    } else {
      for (int64_t i = seg.begin; i < seg.end && st.ok(); ++i) {
        int64_t fs, fe;
        st = Frame(fn.frame, seg, i, order, &fs, &fe);
        if (!st.ok()) break;
        f.Init(state);
        const int64_t a = index_of(fs), z = index_of(fe);
        if (z > a) st = f.UpdateAll(ectx, state, args, RowSet(n, rows.data() + a, z - a));
        if (st.ok()) st = f.Finalize(ectx, one, 1, out);
        if (f.needs_destroy()) f.Destroy(state);
      }
    }
    if (!st.ok()) return st;
  }
  return Status::OK();
}

}  // namespace

PhysicalOperatorPtr MakeWindow(PhysicalOperatorPtr child, std::vector<ExprPtr> partition_by,
                               std::vector<plan::SortKey> order_by,
                               std::vector<plan::WindowFunctionCall> functions, SchemaPtr schema) {
  return std::make_shared<WindowOp>(std::move(child), std::move(partition_by), std::move(order_by),
                                    std::move(functions), std::move(schema));
}

}  // namespace weir::exec
