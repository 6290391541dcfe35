#include "weir/stream/incremental.h"

#include <algorithm>
#include <optional>

#include "weir/common/cpu.h"
#include "weir/functions/registry.h"
#include "weir/functions/time_window.h"
#include "weir/plan/optimizer.h"
#include "weir/plan/plan_exprs.h"
#include "weir/state/state_store.h"
#include "weir/stream/incremental_internal.h"
#include "weir/stream/unsupported_operations.h"

namespace weir::stream::internal {

void EventTimeStats::Reset() {
  std::lock_guard<std::mutex> lock(mu);
  min = std::numeric_limits<int64_t>::max();
  max = std::numeric_limits<int64_t>::min();
  sum = 0;
  count = 0;
}

void EventTimeStats::Merge(int64_t mn, int64_t mx, double s, int64_t c) {
  if (c == 0) return;
  std::lock_guard<std::mutex> lock(mu);
  min = std::min(min, mn);
  max = std::max(max, mx);
  sum += s;
  count += c;
}

namespace {

using plan::LogicalKind;
using plan::LogicalPlan;
using plan::LogicalPlanPtr;

// ---- Event time ---------------------------------------------------------------------

bool IsWindowFunction(const Expr& e) {
  if (e.kind() != ExprKind::kCall) return false;
  const std::string& name = static_cast<const CallExpr&>(e).function().name();
  return name == "__time_window" || name == "__session_window";
}

EventTimeKind Classify(const ExprPtr& e, const std::vector<EventTimeKind>& in) {
  if (e->kind() == ExprKind::kColumnRef) {
    const int i = static_cast<const ColumnRefExpr&>(*e).index();
    return i >= 0 && static_cast<size_t>(i) < in.size() ? in[static_cast<size_t>(i)]
                                                        : EventTimeKind::kNone;
  }
  if (IsWindowFunction(*e) && !e->children().empty() &&
      Classify(e->children()[0], in) == EventTimeKind::kTimestamp) {
    return EventTimeKind::kWindow;
  }
  if (const auto* field = dynamic_cast<const plan::GetFieldExpr*>(e.get())) {
    if ((field->ordinal() == 0 || field->ordinal() == 1) &&
        Classify(e->children()[0], in) == EventTimeKind::kWindow) {
      return EventTimeKind::kTimestamp;
    }
  }
  return EventTimeKind::kNone;
}

std::vector<EventTimeKind> None(const LogicalPlan& plan) {
  return std::vector<EventTimeKind>(static_cast<size_t>(plan.schema()->num_fields()),
                                    EventTimeKind::kNone);
}

}  // namespace

std::vector<EventTimeKind> EventTimeColumns(const LogicalPlan& plan) {
  std::vector<EventTimeKind> out = None(plan);
  switch (plan.kind()) {
    case LogicalKind::kScan:
    case LogicalKind::kValues:
      break;
    case LogicalKind::kProject: {
      const auto& p = static_cast<const plan::ProjectNode&>(plan);
      const std::vector<EventTimeKind> in = EventTimeColumns(*p.child());
      for (size_t i = 0; i < p.exprs().size(); ++i) out[i] = Classify(p.exprs()[i], in);
      break;
    }
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit:
    case LogicalKind::kDeduplicate:
      out = EventTimeColumns(*plan.child());
      break;
    case LogicalKind::kAggregate: {
      const auto& a = static_cast<const plan::AggregateNode&>(plan);
      const std::vector<EventTimeKind> in = EventTimeColumns(*a.child());
      for (size_t i = 0; i < a.groups().size(); ++i) out[i] = Classify(a.groups()[i], in);
      break;
    }
    case LogicalKind::kJoin: {
      std::vector<EventTimeKind> left = EventTimeColumns(*plan.child(0));
      std::vector<EventTimeKind> right = EventTimeColumns(*plan.child(1));
      left.insert(left.end(), right.begin(), right.end());
      for (size_t i = 0; i < out.size() && i < left.size(); ++i) out[i] = left[i];
      break;
    }
    case LogicalKind::kSetOp: {
      // Spark: a union's output attributes are its first child's.
      const std::vector<EventTimeKind> first = EventTimeColumns(*plan.child(0));
      for (size_t i = 0; i < out.size() && i < first.size(); ++i) out[i] = first[i];
      break;
    }
    case LogicalKind::kWindow: {
      const std::vector<EventTimeKind> in = EventTimeColumns(*plan.child());
      for (size_t i = 0; i < in.size() && i < out.size(); ++i) out[i] = in[i];
      break;
    }
    case LogicalKind::kGenerate: {
      // The forwarded child columns come first; the generated ones are not event times.
      const auto& g = static_cast<const plan::GenerateNode&>(plan);
      const std::vector<EventTimeKind> in = EventTimeColumns(*g.child());
      for (size_t i = 0; i < g.forwarded().size() && i < out.size(); ++i) {
        out[i] = in[static_cast<size_t>(g.forwarded()[i])];
      }
      break;
    }
    case LogicalKind::kExpand: {
      const auto& x = static_cast<const plan::ExpandNode&>(plan);
      const std::vector<EventTimeKind> in = EventTimeColumns(*x.child());
      for (size_t i = 0; i < out.size(); ++i) {
        std::optional<EventTimeKind> kind;
        for (const auto& projection : x.projections()) {
          const EventTimeKind k = Classify(projection[i], in);
          if (kind.has_value() && *kind != k) {
            kind = EventTimeKind::kNone;
            break;
          }
          kind = k;
        }
        out[i] = kind.value_or(EventTimeKind::kNone);
      }
      break;
    }
    case LogicalKind::kWatermark: {
      const auto& w = static_cast<const plan::WatermarkNode&>(plan);
      out = EventTimeColumns(*w.child());
      out[static_cast<size_t>(w.column())] = EventTimeKind::kTimestamp;
      break;
    }
    case LogicalKind::kExtension:
      if (const auto* node = dynamic_cast<const StreamNode*>(&plan)) out = node->OutputEventTime();
      break;
  }
  return out;
}

exec::EventTimeKey EventTimeKeyOf(const std::vector<EventTimeKind>& kinds) {
  exec::EventTimeKey key;
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == EventTimeKind::kNone) continue;
    const bool window = kinds[i] == EventTimeKind::kWindow;
    if (key.index < 0) {
      key.index = static_cast<int>(i);
      key.window_struct = window;
    } else {
      key.more.emplace_back(static_cast<int>(i), window);
    }
  }
  return key;
}

namespace {

// ---- Watermark observer -----------------------------------------------------------

// The minimum, maximum and sum (modulo 2^64) of values[0, n).
struct DenseTimeStats {
  int64_t min = std::numeric_limits<int64_t>::max();
  int64_t max = std::numeric_limits<int64_t>::min();
  uint64_t wrapped_sum = 0;
};

// One loop the compiler vectorizes (AVX2 has 64-bit compares; SSE2 does not), with an
// exact sum recovered afterwards (see Next); called on every row of every query with
// a watermark.
__attribute__((target("avx2"))) DenseTimeStats DenseStatsAvx2(const int64_t* __restrict values,
                                                              int64_t n) {
  int64_t mn = std::numeric_limits<int64_t>::max();
  int64_t mx = std::numeric_limits<int64_t>::min();
  uint64_t sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    mn = values[i] < mn ? values[i] : mn;
    mx = values[i] > mx ? values[i] : mx;
    sum += static_cast<uint64_t>(values[i]);
  }
  return DenseTimeStats{mn, mx, sum};
}

DenseTimeStats DenseStatsPortable(const int64_t* values, int64_t n) {
  DenseTimeStats s;
  for (int64_t i = 0; i < n; ++i) {
    s.min = std::min(s.min, values[i]);
    s.max = std::max(s.max, values[i]);
    s.wrapped_sum += static_cast<uint64_t>(values[i]);
  }
  return s;
}

// Passes its child's batches through and merges the event-time column's statistics
// (µs) into `stats`, once per batch.
class WatermarkObserverOp final : public exec::PhysicalOperator {
 public:
  WatermarkObserverOp(exec::PhysicalOperatorPtr child, int column,
                      std::shared_ptr<EventTimeStats> stats)
      : PhysicalOperator(child->schema(), {child}), column_(column), stats_(std::move(stats)) {}

  int num_partitions() const override { return children()[0]->num_partitions(); }

  Result<exec::BatchStreamPtr> Execute(exec::ExecContext& ctx, int partition) override {
    ASSIGN_OR_RAISE(exec::BatchStreamPtr inner, children()[0]->Execute(ctx, partition));
    return exec::BatchStreamPtr(std::make_unique<Stream>(std::move(inner), column_, stats_.get()));
  }

  std::string Describe() const override {
    return "EventTimeWatermark(" + schema()->field(column_).name + ")";
  }

 private:
  class Stream final : public exec::BatchStream {
   public:
    Stream(exec::BatchStreamPtr inner, int column, EventTimeStats* stats)
        : inner_(std::move(inner)), column_(column), stats_(stats) {}
    Result<bool> Next(Batch* out) override {
      ASSIGN_OR_RAISE(bool more, inner_->Next(out));
      if (!more) return false;
      const Column& ts = *out->column(column_);
      const int64_t* values = ts.values<int64_t>();
      const int64_t n = out->num_rows();
      if (out->selection() == nullptr && !ts.may_have_nulls() && n > 0) {
        const DenseTimeStats d =
            CpuHasAvx2() ? DenseStatsAvx2(values, n) : DenseStatsPortable(values, n);
        // Every value lies in [min, max], so sum - n * min lies in [0, n * (max - min)]:
        // when that is below 2^64, the sum modulo 2^64 determines the sum.
        const uint64_t spread = static_cast<uint64_t>(d.max) - static_cast<uint64_t>(d.min);
        if (static_cast<unsigned __int128>(spread) * static_cast<uint64_t>(n) <
            (static_cast<unsigned __int128>(1) << 64)) {
          const uint64_t above_min =
              d.wrapped_sum - static_cast<uint64_t>(n) * static_cast<uint64_t>(d.min);
          const __int128 sum = static_cast<__int128>(n) * d.min + static_cast<__int128>(above_min);
          stats_->Merge(d.min, d.max, static_cast<double>(sum), n);
          return true;
        }
      }
      // Rows with NULLs or a selection (or values too far apart for the wrapped sum).
      int64_t mn = std::numeric_limits<int64_t>::max();
      int64_t mx = std::numeric_limits<int64_t>::min();
      // An exact integer sum: a double accumulator would be a chain of dependent
      // floating-point adds, several cycles a row.
      __int128 sum = 0;
      int64_t count = 0;
      for (int64_t r = 0; r < n; ++r) {
        const int64_t i = out->RowIndex(r);
        if (ts.IsNull(i)) continue;
        mn = std::min(mn, values[i]);
        mx = std::max(mx, values[i]);
        sum += values[i];
        ++count;
      }
      stats_->Merge(mn, mx, static_cast<double>(sum), count);
      return true;
    }

   private:
    exec::BatchStreamPtr inner_;
    int column_;
    EventTimeStats* stats_;
  };

  int column_;
  std::shared_ptr<EventTimeStats> stats_;
};

class WatermarkObserverNode final : public StreamNode {
 public:
  WatermarkObserverNode(LogicalPlanPtr child, int column, int64_t delay_micros, int id,
                        std::shared_ptr<EventTimeStats> stats)
      : StreamNode(child->schema(), {child}),
        column_(column),
        delay_micros_(delay_micros),
        id_(id),
        stats_(std::move(stats)) {}

  int column() const { return column_; }
  int64_t delay_micros() const { return delay_micros_; }
  std::string Describe() const override {
    return "EventTimeWatermark " + schema()->field(column_).name + ", " +
           std::to_string(delay_micros_ / 1000) + " ms (watermark " + std::to_string(id_) + ")";
  }
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override {
    return std::make_shared<WatermarkObserverNode>(std::move(children[0]), column_, delay_micros_,
                                                   id_, stats_);
  }
  std::vector<EventTimeKind> OutputEventTime() const override {
    std::vector<EventTimeKind> out = EventTimeColumns(*child());
    out[static_cast<size_t>(column_)] = EventTimeKind::kTimestamp;
    return out;
  }
  Result<exec::PhysicalOperatorPtr> Plan(std::vector<exec::PhysicalOperatorPtr> children,
                                         exec::ExecContext&,
                                         const EpochPlanContext&) const override {
    return exec::PhysicalOperatorPtr(
        std::make_shared<WatermarkObserverOp>(std::move(children[0]), column_, stats_));
  }

 private:
  int column_;
  int64_t delay_micros_;
  int id_;
  std::shared_ptr<EventTimeStats> stats_;
};

// ---- Stateful aggregation -----------------------------------------------------------

class StatefulAggregateNode final : public StreamNode {
 public:
  StatefulAggregateNode(std::shared_ptr<const plan::AggregateNode> aggregate,
                        exec::EventTimeKey event_time, std::shared_ptr<StatefulOperator> op,
                        std::shared_ptr<exec::LateRows> late_rows = nullptr,
                        std::optional<exec::PaneSpec> panes = std::nullopt)
      : StreamNode(aggregate->schema(), aggregate->children()),
        aggregate_(std::move(aggregate)),
        event_time_(event_time),
        op_(std::move(op)),
        late_rows_(std::move(late_rows)),
        panes_(panes) {}
  const StatefulOperator& op() const { return *op_; }

  std::string Describe() const override {
    return "StatefulAggregate [operator " + std::to_string(op_->id) + "] " + aggregate_->Describe();
  }
  LogicalPlanPtr WithChildren(std::vector<LogicalPlanPtr> children) const override {
    auto agg = std::static_pointer_cast<const plan::AggregateNode>(
        aggregate_->WithChildren(std::move(children)));
    return std::make_shared<StatefulAggregateNode>(std::move(agg), event_time_, op_, late_rows_,
                                                   panes_);
  }
  std::vector<EventTimeKind> OutputEventTime() const override {
    return EventTimeColumns(*aggregate_);
  }
  Result<exec::PhysicalOperatorPtr> Plan(std::vector<exec::PhysicalOperatorPtr> children,
                                         exec::ExecContext&,
                                         const EpochPlanContext& epoch) const override {
    exec::StatefulContext context;
    context.operator_id = op_->id;
    context.batch_id = epoch.batch_id;
    context.providers = op_->providers;
    if (aggregate_->groups().empty()) context.providers.resize(1);  // one global group
    context.mode = ModeOf(epoch.mode);
    context.late_watermark_ms = LateWatermark(*op_, *this, epoch);
    context.eviction_watermark_ms = EvictionWatermark(*this, epoch);
    context.metrics = op_->metrics;
    context.late_rows = late_rows_;
    if (panes_.has_value()) {
      return exec::MakeStatefulPanedAggregate(std::move(children[0]), aggregate_->groups(),
                                              aggregate_->aggregates(), aggregate_->schema(),
                                              *panes_, std::move(context));
    }
    if (aggregate_->session_window_group() >= 0) {
      return exec::MakeStatefulSessionAggregate(
          std::move(children[0]), aggregate_->groups(), aggregate_->session_window_group(),
          aggregate_->aggregates(), aggregate_->schema(), std::move(context));
    }
    return exec::MakeStatefulAggregate(std::move(children[0]), aggregate_->groups(),
                                       aggregate_->aggregates(), aggregate_->schema(), event_time_,
                                       std::move(context));
  }

  StatefulOperator* stateful_operator() const override { return op_.get(); }

 private:
  std::shared_ptr<const plan::AggregateNode> aggregate_;
  exec::EventTimeKey event_time_;
  std::shared_ptr<StatefulOperator> op_;
  std::shared_ptr<exec::LateRows> late_rows_;  // null: late rows are dropped
  std::optional<exec::PaneSpec> panes_;        // a sliding window computed from panes
};

bool ReadsColumn(const ExprPtr& e, int column) {
  if (e->kind() == ExprKind::kColumnRef) {
    return static_cast<const ColumnRefExpr&>(*e).index() == column;
  }
  for (const ExprPtr& c : e->children()) {
    if (ReadsColumn(c, column)) return true;
  }
  return false;
}

// A literal's BIGINT value.
std::optional<int64_t> Int64Literal(const ExprPtr& e) {
  const auto* lit = dynamic_cast<const LiteralExpr*>(e.get());
  if (lit == nullptr || lit->value().is_null() || lit->value().type().id() != TypeId::kInt64) {
    return std::nullopt;
  }
  return lit->value().int64();
}

// The sliding window of `agg` computed from panes, when its input has the binder's
// shape for window(ts, W, S, T) with S dividing W (Filter(ts IS NOT NULL) over an
// Expand of __time_window(ts, W, S, T, i) for i < W / S) and its window is the group
// at `group`: the aggregation over a Project computing each row's pane instead —
// __time_window(ts, S, S, T, 0) — so that every row is aggregated once. Otherwise
// unset.
std::optional<std::pair<std::shared_ptr<const plan::AggregateNode>, exec::PaneSpec>> ToPanes(
    const std::shared_ptr<const plan::AggregateNode>& agg, int group) {
  const ExprPtr& key = agg->groups()[static_cast<size_t>(group)];
  if (key->kind() != ExprKind::kColumnRef) return std::nullopt;
  const int column = static_cast<const ColumnRefExpr&>(*key).index();
  const LogicalPlanPtr& below = agg->child();
  if (below->kind() != LogicalKind::kFilter) return std::nullopt;
  const auto& filter = static_cast<const plan::FilterNode&>(*below);
  if (ReadsColumn(filter.predicate(), column)) return std::nullopt;
  if (filter.child()->kind() != LogicalKind::kExpand) return std::nullopt;
  const auto& expand = static_cast<const plan::ExpandNode&>(*filter.child());
  const auto& projections = expand.projections();
  std::optional<int64_t> window, slide, start;
  ExprPtr pane;
  for (size_t i = 0; i < projections.size(); ++i) {
    const ExprPtr& e = projections[i][static_cast<size_t>(column)];
    if (e->kind() != ExprKind::kCall ||
        static_cast<const CallExpr&>(*e).function().name() != time_window::kTimeWindowFunction ||
        e->children().size() != 5) {
      return std::nullopt;
    }
    const auto& args = e->children();
    std::optional<int64_t> w = Int64Literal(args[1]), s = Int64Literal(args[2]),
                           t = Int64Literal(args[3]), n = Int64Literal(args[4]);
    if (!w || !s || !t || !n || *n != static_cast<int64_t>(i) || *s <= 0 || *w <= *s ||
        *w % *s != 0 || (window && (*w != *window || *s != *slide || *t != *start))) {
      return std::nullopt;
    }
    window = w;
    slide = s;
    start = t;
    if (i == 0) {
      // The call's durations are bound into its function: resolve a new one.
      Result<ExprPtr> call = FunctionRegistry::Builtins().Resolve(
          time_window::kTimeWindowFunction,
          {args[0], Literal(Value::Int64(*s)), Literal(Value::Int64(*s)), Literal(Value::Int64(*t)),
           Literal(Value::Int64(0))});
      if (!call.ok() || !((*call)->type() == e->type())) return std::nullopt;
      pane = *call;
    }
  }
  if (!window || static_cast<int64_t>(projections.size()) != *window / *slide) return std::nullopt;
  std::vector<ExprPtr> exprs = projections[0];
  exprs[static_cast<size_t>(column)] = pane;
  std::vector<std::string> names;
  for (const Field& f : expand.schema()->fields()) names.push_back(f.name);
  auto project =
      std::make_shared<plan::ProjectNode>(expand.child(), std::move(exprs), std::move(names));
  if (!(*project->schema() == *expand.schema())) return std::nullopt;
  auto panes = std::static_pointer_cast<const plan::AggregateNode>(
      agg->WithChildren({filter.WithChildren({project})}));
  return std::make_pair(std::move(panes), exec::PaneSpec{group, *window, *slide});
}

// `e` with every column reference j replaced by exprs[j].
ExprPtr InlineRefs(const ExprPtr& e, const std::vector<ExprPtr>& exprs) {
  if (e->kind() == ExprKind::kColumnRef) {
    return exprs[static_cast<size_t>(static_cast<const ColumnRefExpr&>(*e).index())];
  }
  if (e->children().empty()) return e;
  std::vector<ExprPtr> children;
  for (const ExprPtr& c : e->children()) children.push_back(InlineRefs(c, exprs));
  return e->WithChildren(std::move(children));
}

// An aggregation grouped by a window's bounds rather than by the window: the HOP and
// TUMBLE table functions' Aggregate [.., window_start, window_end] over Project [..,
// window.start, window.end] over Filter over Expand. `aggregate` groups by the window
// struct itself instead (the Project inlined), so that ToPanes can take it, and
// `exprs` over its output give back the original columns.
struct BoundsGrouping {
  std::shared_ptr<const plan::AggregateNode> aggregate;
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
};
std::optional<BoundsGrouping> GroupByWindowStruct(const plan::AggregateNode& agg) {
  if (agg.session_window_group() >= 0 || agg.child()->kind() != LogicalKind::kProject) {
    return std::nullopt;
  }
  const auto& project = static_cast<const plan::ProjectNode&>(*agg.child());
  const LogicalPlanPtr& filter = project.child();
  if (filter->kind() != LogicalKind::kFilter || filter->child()->kind() != LogicalKind::kExpand) {
    return std::nullopt;
  }
  // Which window bound (0 start, 1 end) project column j is, of which window column.
  const std::vector<EventTimeKind> below = EventTimeColumns(*filter);
  std::vector<int> bound(project.exprs().size(), -1);
  int window_column = -1;
  for (size_t j = 0; j < project.exprs().size(); ++j) {
    const auto* field = dynamic_cast<const plan::GetFieldExpr*>(project.exprs()[j].get());
    if (field == nullptr || field->child(0)->kind() != ExprKind::kColumnRef) continue;
    const int c = static_cast<const ColumnRefExpr&>(*field->child(0)).index();
    if (below[static_cast<size_t>(c)] != EventTimeKind::kWindow) continue;
    if (window_column >= 0 && c != window_column) return std::nullopt;
    window_column = c;
    bound[j] = field->ordinal();
  }
  if (window_column < 0) return std::nullopt;
  // A window bound read anywhere but as a whole group: not this shape.
  auto reads_bound = [&](const ExprPtr& e) {
    for (size_t j = 0; j < bound.size(); ++j) {
      if (bound[j] >= 0 && ReadsColumn(e, static_cast<int>(j))) return true;
    }
    return false;
  };
  std::vector<ExprPtr> groups;
  std::vector<std::string> names;
  const Schema& out = *agg.schema();
  int window_group = -1;
  bool end_grouped = false;
  std::vector<int> group_at(agg.groups().size(), -1);  // new group of each old non-bound one
  std::vector<int> bound_of(agg.groups().size(), -1);
  for (size_t i = 0; i < agg.groups().size(); ++i) {
    const ExprPtr& g = agg.groups()[i];
    if (g->kind() == ExprKind::kColumnRef) {
      const int b = bound[static_cast<size_t>(static_cast<const ColumnRefExpr&>(*g).index())];
      if (b >= 0) {
        bound_of[i] = b;
        end_grouped = end_grouped || b == 1;
        if (window_group < 0) {
          window_group = static_cast<int>(groups.size());
          const Field& f = filter->schema()->field(window_column);
          groups.push_back(ColumnRef(window_column, f.name, f.type, f.nullable));
          names.push_back(f.name);
        }
        continue;
      }
    }
    if (reads_bound(g)) return std::nullopt;
    ExprPtr inlined = InlineRefs(g, project.exprs());
    // Panes replace the window column: nothing but the window group may read it.
    if (ReadsColumn(inlined, window_column)) return std::nullopt;
    group_at[i] = static_cast<int>(groups.size());
    groups.push_back(std::move(inlined));
    names.push_back(out.field(static_cast<int>(i)).name);
  }
  // The end must be grouped: it is the event time the panes evict by (grouped by the
  // start alone, the start would be).
  if (!end_grouped) return std::nullopt;
  std::vector<AggregateCall> calls;
  for (const AggregateCall& a : agg.aggregates()) {
    AggregateCall call = a;
    for (ExprPtr& arg : call.args) {
      if (reads_bound(arg)) return std::nullopt;
      arg = InlineRefs(arg, project.exprs());
      if (ReadsColumn(arg, window_column)) return std::nullopt;
    }
    if (call.filter) {
      if (reads_bound(call.filter)) return std::nullopt;
      call.filter = InlineRefs(call.filter, project.exprs());
      if (ReadsColumn(call.filter, window_column)) return std::nullopt;
    }
    calls.push_back(std::move(call));
  }
  const size_t num_aggs = calls.size();
  for (size_t a = 0; a < num_aggs; ++a) {
    names.push_back(out.field(static_cast<int>(agg.groups().size() + a)).name);
  }
  BoundsGrouping result;
  result.aggregate =
      std::make_shared<plan::AggregateNode>(filter, std::move(groups), std::move(calls), names);
  const Schema& in = *result.aggregate->schema();
  for (size_t i = 0; i < agg.groups().size(); ++i) {
    const ExprPtr ref = ColumnRef(in, bound_of[i] >= 0 ? window_group : group_at[i]);
    result.exprs.push_back(bound_of[i] >= 0 ? std::make_shared<plan::GetFieldExpr>(ref, bound_of[i])
                                            : ref);
    result.names.push_back(out.field(static_cast<int>(i)).name);
  }
  for (size_t a = 0; a < num_aggs; ++a) {
    result.exprs.push_back(ColumnRef(in, static_cast<int>(in.num_fields() - num_aggs + a)));
    result.names.push_back(out.field(static_cast<int>(agg.groups().size() + a)).name);
  }
  return result;
}

// The event-time key of an aggregation's groups (its first output columns).
exec::EventTimeKey EventTimeKeyOf(const plan::AggregateNode& agg) {
  std::vector<EventTimeKind> kinds = EventTimeColumns(agg);
  kinds.resize(agg.groups().size());
  return EventTimeKeyOf(kinds);
}

// Whether a stateful aggregation is in the subtree: in Complete mode it outputs its
// whole result every epoch (a stream-stream join below outputs only new rows).
// Whether `plan` outputs its whole result every epoch in Complete mode: a stateful
// aggregation does, and so does an aggregation over such a result, through
// stateless operators. A join, a deduplication or a stream scan output only what is
// new.
bool EmitsWholeResult(const LogicalPlan& plan) {
  if (dynamic_cast<const StatefulAggregateNode*>(&plan) != nullptr) return true;
  switch (plan.kind()) {
    case LogicalKind::kAggregate:  // left stateless because its input is whole
    case LogicalKind::kProject:
    case LogicalKind::kFilter:
    case LogicalKind::kSort:
    case LogicalKind::kLimit:
    case LogicalKind::kWindow:
    case LogicalKind::kGenerate:
    case LogicalKind::kExpand:
      return IsStreamingPlan(plan) && EmitsWholeResult(*plan.child());
    default:
      return false;
  }
}

// ---- Preparation --------------------------------------------------------------------

// Step 1: a WatermarkNode above the scan of every source that declares one.
Result<LogicalPlanPtr> InsertSourceWatermarks(const QuerySpec& spec) {
  return plan::TransformUp(spec.plan, [&](const LogicalPlanPtr& node) -> Result<LogicalPlanPtr> {
    if (node->kind() != LogicalKind::kScan) return node;
    const auto& scan = static_cast<const plan::ScanNode&>(*node);
    const auto* input = dynamic_cast<const StreamInputTable*>(scan.table().get());
    if (input == nullptr) return node;
    const size_t i = static_cast<size_t>(input->input());
    if (i >= spec.watermarks.size() || !spec.watermarks[i].has_value()) return node;
    const WatermarkSpec& wm = *spec.watermarks[i];
    const auto& columns = scan.columns();
    auto it = std::find(columns.begin(), columns.end(), wm.column);
    if (it != columns.end()) {
      return LogicalPlanPtr(std::make_shared<plan::WatermarkNode>(
          node, static_cast<int>(it - columns.begin()), wm.delay_micros));
    }
    // The scan does not read the event-time column: read it for the watermark, and
    // leave it out above.
    std::vector<int> wider = columns;
    wider.push_back(wm.column);
    auto widened = std::make_shared<plan::ScanNode>(scan.table(), wider, scan.filters());
    auto marked = std::make_shared<plan::WatermarkNode>(widened, static_cast<int>(columns.size()),
                                                        wm.delay_micros);
    std::vector<ExprPtr> exprs;
    std::vector<std::string> names;
    for (size_t c = 0; c < columns.size(); ++c) {
      const Field& f = node->schema()->field(static_cast<int>(c));
      exprs.push_back(ColumnRef(static_cast<int>(c), f.name, f.type, f.nullable));
      names.push_back(f.name);
    }
    return LogicalPlanPtr(
        std::make_shared<plan::ProjectNode>(marked, std::move(exprs), std::move(names)));
  });
}

}  // namespace

// The watermark below which an operator's input rows are late. An operator fed by
// the sources directly uses the epoch's watermark (what Spark's guide describes);
// one fed by another stateful operator uses the watermark the previous epoch ran
// with, because its input includes rows the upstream operator emitted as that
// watermark moved (Spark 3.4+'s eventTimeWatermarkForLateEvents for chained
// operators).
int64_t LateWatermark(const StatefulOperator& op, const EpochPlanContext& epoch) {
  return op.downstream_of_stateful ? epoch.previous_watermark_ms : epoch.watermark_ms;
}

std::optional<int64_t> OutputWatermarkOf(const LogicalPlan& plan, int64_t query_watermark_ms) {
  if (dynamic_cast<const WatermarkObserverNode*>(&plan) != nullptr) return query_watermark_ms;
  std::optional<int64_t> in;
  for (const LogicalPlanPtr& c : plan.children()) {
    std::optional<int64_t> w = OutputWatermarkOf(*c, query_watermark_ms);
    if (w.has_value()) in = in.has_value() ? std::min(*in, *w) : *w;
  }
  const auto* stream_node = dynamic_cast<const StreamNode*>(&plan);
  if (stream_node == nullptr || !in.has_value()) return in;
  return stream_node->OutputWatermark(*in);
}

std::optional<int64_t> InputWatermark(const LogicalPlan& node, int64_t query_watermark_ms) {
  std::optional<int64_t> in;
  for (const LogicalPlanPtr& c : node.children()) {
    std::optional<int64_t> w = OutputWatermarkOf(*c, query_watermark_ms);
    if (w.has_value()) in = in.has_value() ? std::min(*in, *w) : *w;
  }
  if (!in.has_value()) return std::nullopt;
  return std::max<int64_t>(*in, 0);
}

std::optional<int64_t> LateWatermark(const StatefulOperator& op, const LogicalPlan& node,
                                     const EpochPlanContext& epoch) {
  return InputWatermark(
      node, op.downstream_of_stateful ? epoch.previous_watermark_ms : epoch.watermark_ms);
}

std::optional<int64_t> EvictionWatermark(const LogicalPlan& node, const EpochPlanContext& epoch) {
  return InputWatermark(node, epoch.watermark_ms);
}

exec::StatefulOutputMode ModeOf(OutputMode mode) {
  switch (mode) {
    case OutputMode::kAppend:
      return exec::StatefulOutputMode::kAppend;
    case OutputMode::kUpdate:
      return exec::StatefulOutputMode::kUpdate;
    case OutputMode::kComplete:
      return exec::StatefulOutputMode::kComplete;
  }
  return exec::StatefulOutputMode::kAppend;
}

std::optional<std::pair<int, int64_t>> ObservedWatermark(const LogicalPlan& node) {
  const auto* observer = dynamic_cast<const WatermarkObserverNode*>(&node);
  if (observer == nullptr) return std::nullopt;
  return std::make_pair(observer->column(), observer->delay_micros());
}

bool ContainsStatefulNode(const LogicalPlan& plan) {
  if (dynamic_cast<const StreamNode*>(&plan) != nullptr &&
      dynamic_cast<const WatermarkObserverNode*>(&plan) == nullptr) {
    return true;
  }
  for (const LogicalPlanPtr& c : plan.children()) {
    if (ContainsStatefulNode(*c)) return true;
  }
  return false;
}

Result<PreparedPlan> PrepareStreamingPlan(const QuerySpec& spec) {
  ASSIGN_OR_RAISE(LogicalPlanPtr marked, InsertSourceWatermarks(spec));
  RETURN_NOT_OK(CheckStreamingPlan(marked, spec.output_mode));
  EvalContext eval_ctx(spec.eval);
  ASSIGN_OR_RAISE(LogicalPlanPtr optimized, plan::Optimize(marked, eval_ctx));

  PreparedPlan prepared;
  PrepareContext prepare(spec, &prepared);
  ASSIGN_OR_RAISE(
      prepared.plan,
      plan::TransformUp(optimized, [&](const LogicalPlanPtr& node) -> Result<LogicalPlanPtr> {
        if (node->kind() == LogicalKind::kWatermark) {
          const auto& w = static_cast<const plan::WatermarkNode&>(*node);
          WatermarkObserverInfo info;
          info.delay_micros = w.delay_micros();
          const int id = static_cast<int>(prepared.watermarks.size());
          prepared.watermarks.push_back(info);
          return LogicalPlanPtr(std::make_shared<WatermarkObserverNode>(
              w.child(), w.column(), w.delay_micros(), id, info.stats));
        }
        if (!IsStreamingPlan(*node)) return node;
        for (const StatefulWrapper& wrap :
             {WrapStreamStreamJoin, WrapDeduplicate, WrapGroupsWithState}) {
          ASSIGN_OR_RAISE(std::optional<LogicalPlanPtr> wrapped, wrap(node, &prepare));
          if (wrapped.has_value()) return *wrapped;
        }
        if (node->kind() != LogicalKind::kAggregate) return node;
        // In Complete mode an aggregation over another aggregation's output sees that
        // aggregation's whole result every epoch, so it needs no state of its own.
        if (spec.output_mode == OutputMode::kComplete && EmitsWholeResult(*node->child())) {
          return node;
        }
        auto agg = std::static_pointer_cast<const plan::AggregateNode>(node);
        exec::EventTimeKey key = EventTimeKeyOf(*agg);
        // A sliding window grouped by its bounds (HOP): through panes too, grouped
        // by the window struct under a Project giving back the bounds. Its state
        // schema (the struct) tells its checkpoints from the rows-per-window layout's.
        if (spec.late_rows_sink == nullptr && key.index >= 0) {
          if (std::optional<BoundsGrouping> by_struct = GroupByWindowStruct(*agg)) {
            exec::EventTimeKey struct_key = EventTimeKeyOf(*by_struct->aggregate);
            if (struct_key.index >= 0 && struct_key.window_struct && struct_key.more.empty()) {
              auto paned = ToPanes(by_struct->aggregate, struct_key.index);
              if (paned.has_value() &&
                  *plan::ProjectNode(paned->first, by_struct->exprs, by_struct->names).schema() ==
                      *agg->schema()) {
                std::shared_ptr<StatefulOperator> op =
                    prepare.NewOperator("stateStoreSave", *by_struct->aggregate);
                op->evicts_by_watermark = spec.output_mode != OutputMode::kComplete;
                auto stateful = std::make_shared<StatefulAggregateNode>(
                    std::move(paned->first), struct_key, op, nullptr, paned->second);
                return LogicalPlanPtr(std::make_shared<plan::ProjectNode>(
                    std::move(stateful), std::move(by_struct->exprs), std::move(by_struct->names)));
              }
            }
          }
        }
        std::shared_ptr<StatefulOperator> op = prepare.NewOperator("stateStoreSave", *agg);
        op->evicts_by_watermark = key.index >= 0 && spec.output_mode != OutputMode::kComplete;
        std::shared_ptr<exec::LateRows> late_rows;
        if (spec.late_rows_sink != nullptr && op->evicts_by_watermark &&
            !op->downstream_of_stateful && agg->session_window_group() < 0) {
          if (prepared.late_rows != nullptr) {
            return Status::Unsupported(
                "A query can route the late rows of one aggregation to a sink; this one has "
                "several aggregations over its sources");
          }
          prepared.late_rows = std::make_shared<exec::LateRows>();
          prepared.late_rows_schema = agg->child()->schema();
          late_rows = prepared.late_rows;
        }
        // A sliding window() shares its work across windows through panes.
        if (key.index >= 0 && key.window_struct && key.more.empty() && late_rows == nullptr &&
            agg->session_window_group() < 0) {
          if (auto paned = ToPanes(agg, key.index)) {
            return LogicalPlanPtr(std::make_shared<StatefulAggregateNode>(
                std::move(paned->first), key, op, nullptr, paned->second));
          }
        }
        return LogicalPlanPtr(
            std::make_shared<StatefulAggregateNode>(std::move(agg), key, op, late_rows));
      }));
  if (spec.late_rows_sink != nullptr && prepared.late_rows == nullptr) {
    return Status::Unsupported(
               "The query has a late-rows sink but no stateful aggregation that drops late "
               "rows: that needs an aggregation over the sources, in Append or Update mode, "
               "grouped by an event-time column or window")
        .WithHint("remove the late_rows_sink option, or group by a watermarked column");
  }
  return prepared;
}

Status AttachStateStores(PreparedPlan* prepared, Env* env, const std::string& checkpoint_location,
                         int partitions, const state::StateStoreConf& conf) {
  for (const auto& op : prepared->operators) {
    op->providers.clear();
    for (int p = 0; p < partitions; ++p) {
      const std::string dir =
          checkpoint_location + "/state/" + std::to_string(op->id) + "/" + std::to_string(p);
      ASSIGN_OR_RAISE(state::StateStoreProviderPtr provider,
                      state::OpenStateStoreProvider(env, dir, conf));
      op->providers.push_back(std::move(provider));
    }
  }
  return Status::OK();
}

namespace {

std::string TypeList(const Schema& schema) {
  std::string out;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i > 0) out += ", ";
    out += schema.field(i).type.ToString();
  }
  return out;
}

// The state schema of an operator over `node` (see StatefulOperator::state_schema):
// the types of an aggregation's keys and its aggregate functions with their argument
// types, or the types of the rows another operator keeps. Names are left out, so
// renaming a column keeps the state, as Spark's schema check does.
std::string StateSchemaOf(const plan::LogicalPlan& node) {
  if (node.kind() == plan::LogicalKind::kAggregate) {
    const auto& agg = static_cast<const plan::AggregateNode&>(node);
    std::string out = "key: ";
    for (size_t i = 0; i < agg.groups().size(); ++i) {
      if (i > 0) out += ", ";
      out += agg.groups()[i]->type().ToString();
    }
    out += "; value: ";
    for (size_t i = 0; i < agg.aggregates().size(); ++i) {
      const AggregateCall& call = agg.aggregates()[i];
      if (i > 0) out += ", ";
      out += call.function->name() + (call.distinct ? "(distinct " : "(");
      for (size_t a = 0; a < call.args.size(); ++a) {
        if (a > 0) out += ", ";
        out += call.args[a]->type().ToString();
      }
      out += call.filter != nullptr ? ") filtered" : ")";
    }
    return out;
  }
  std::string out;
  for (size_t i = 0; i < node.children().size(); ++i) {
    if (i > 0) out += "; ";
    out += "input " + std::to_string(i) + ": " + TypeList(*node.children()[i]->schema());
  }
  out += "; output: " + TypeList(*node.schema());
  return out;
}

}  // namespace

std::shared_ptr<StatefulOperator> PrepareContext::NewOperator(std::string name,
                                                              const LogicalPlan& node) {
  auto op = std::make_shared<StatefulOperator>();
  op->id = static_cast<int>(prepared_->operators.size());
  op->name = std::move(name);
  op->state_schema = StateSchemaOf(node);
  for (const LogicalPlanPtr& child : node.children()) {
    op->downstream_of_stateful = op->downstream_of_stateful || ContainsStatefulNode(*child);
  }
  prepared_->operators.push_back(op);
  return op;
}

Result<exec::PhysicalOperatorPtr> PlanExtension(const plan::ExtensionNode& node,
                                                std::vector<exec::PhysicalOperatorPtr> children,
                                                exec::ExecContext& ctx,
                                                const EpochPlanContext& epoch) {
  const auto* stream_node = dynamic_cast<const StreamNode*>(&node);
  if (stream_node == nullptr) {
    return Status::Internal("the streaming engine cannot plan " + node.Describe());
  }
  if (StatefulOperator* op = stream_node->stateful_operator()) {
    op->watermark_ms = EvictionWatermark(node, epoch);
  }
  return stream_node->Plan(std::move(children), ctx, epoch);
}

}  // namespace weir::stream::internal
