// count, count_if, sum, avg, min, max, first, last, any_value, bool_and, bool_or.
//
// Result types follow Spark 3.5: count -> BIGINT; sum of INT/BIGINT -> BIGINT, of
// DOUBLE -> DOUBLE, of DECIMAL(p,s) -> DECIMAL(min(38, p+10), s); avg -> DOUBLE, or
// DECIMAL(min(38, p+4), min(38, s+4)) for DECIMAL(p,s). sum and avg of no (non-NULL)
// rows are NULL. A DECIMAL sum that overflows is NULL, or an error in ANSI mode.

#include <cmath>

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/aggregate_registry.h"
#include "weir/functions/ordering.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

Status ArgTypeError(std::string_view name, const std::vector<ExprPtr>& args, const char* want) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
                          "Parameter 1 requires the " + std::string(want) + " type, however \"" +
                              args[0]->ToString() + "\" has the type " +
                              QuoteType(args[0]->type()) + ".");
}

// ---- count ------------------------------------------------------------------------

class CountAggregate final : public AggregateFunction {
 public:
  // count(*) has no args; count(a, b, ...) counts rows where all are non-NULL;
  // count_if(p) counts rows where p is TRUE.
  CountAggregate(std::string name, std::vector<DataType> args, bool count_if)
      : AggregateFunction(std::move(name), std::move(args), DataType::Int64()), if_(count_if) {}

  size_t state_size() const override { return sizeof(int64_t); }
  void Init(uint8_t* s) const override { *reinterpret_cast<int64_t*>(s) = 0; }

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    if (args.empty()) {  // count(*), and count(*) FILTER (...) over its selection
      rows.ForEach([&](int64_t i) { *reinterpret_cast<int64_t*>(states[i]) += 1; });
      return Status::OK();
    }
    rows.ForEach([&](int64_t i) {
      bool counts = true;
      for (const Datum& a : args) counts = counts && !a.IsNull(i);
      if (if_ && counts) counts = args[0].Get<uint8_t>(i) != 0;
      *reinterpret_cast<int64_t*>(states[i]) += counts;
    });
    return Status::OK();
  }
  Status UpdateAll(EvalContext&, uint8_t* state, const std::vector<Datum>& args,
                   const RowSet& rows) const override {
    int64_t n = 0;
    if (args.empty()) {
      n = rows.size();
    } else {
      rows.ForEach([&](int64_t i) {
        bool counts = true;
        for (const Datum& a : args) counts = counts && !a.IsNull(i);
        if (if_ && counts) counts = args[0].Get<uint8_t>(i) != 0;
        n += counts;
      });
    }
    *reinterpret_cast<int64_t*>(state) += n;
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    *reinterpret_cast<int64_t*>(s) += *reinterpret_cast<const int64_t*>(o);
    return Status::OK();
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    auto* b = static_cast<Int64Builder*>(out);
    for (int64_t k = 0; k < n; ++k) b->Append(*reinterpret_cast<const int64_t*>(states[k]));
    return Status::OK();
  }
  void Serialize(const uint8_t* s, std::string* out) const override {
    SerializePod<int64_t>(s, out);
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    return DeserializePod<int64_t>(in, s, name());
  }
  std::string Format(const std::vector<std::string>& args) const override {
    return args.empty() ? "count(1)" : AggregateFunction::Format(args);
  }

 private:
  bool if_;
};

// ---- sum and avg ------------------------------------------------------------------

// Accumulator for sum/avg over T (int64_t, double or Int128 for decimals).
template <typename T>
struct SumState {
  T sum;
  int64_t count;
  uint8_t overflow;  // DECIMAL only: the running sum left 38 digits
};

template <typename T>
class SumLikeAggregate final : public AggregateFunction {
 public:
  // `avg`: divide by the count at the end. For DECIMAL, `input_scale` is the scale
  // of the argument (the sum keeps it).
  SumLikeAggregate(std::string name, DataType arg, DataType result, bool avg)
      : AggregateFunction(std::move(name), {arg}, std::move(result)), avg_(avg) {}

  size_t state_size() const override { return sizeof(SumState<T>); }
  size_t state_align() const override { return alignof(SumState<T>); }
  void Init(uint8_t* s) const override { *reinterpret_cast<SumState<T>*>(s) = SumState<T>{}; }

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
    if constexpr (!std::is_same_v<T, Int128>) {
      // A flat column without NULLs, typed: no per-row NULL test or type switch.
      if (a.no_nulls() && !a.is_constant()) {
        switch (a.type().id()) {
          case TypeId::kInt64:
            AddAll(states, a.col().values<int64_t>(), rows);
            return Status::OK();
          case TypeId::kInt32:
            AddAll(states, a.col().values<int32_t>(), rows);
            return Status::OK();
          case TypeId::kDouble:
            AddAll(states, a.col().values<double>(), rows);
            return Status::OK();
          default:
            break;
        }
      }
    }
    rows.ForEach([&](int64_t i) {
      if (a.IsNull(i)) return;
      Add(reinterpret_cast<SumState<T>*>(states[i]), Read(a, i));
    });
    return Status::OK();
  }
  Status UpdateAll(EvalContext&, uint8_t* state, const std::vector<Datum>& args,
                   const RowSet& rows) const override {
    auto* st = reinterpret_cast<SumState<T>*>(state);
    const Datum& a = args[0];
    if (a.no_nulls() && !a.is_constant() && rows.is_all() && !std::is_same_v<T, Int128>) {
      // The common case of a global sum: a plain loop the compiler vectorizes.
      T sum{};
      const int64_t n = rows.size();
      if (a.type().id() == TypeId::kInt32) {
        const int32_t* v = a.col().values<int32_t>();
        for (int64_t i = 0; i < n; ++i) sum = Wrap(sum, static_cast<T>(v[i]));
      } else if (a.type().id() == TypeId::kInt64) {
        const int64_t* v = a.col().values<int64_t>();
        for (int64_t i = 0; i < n; ++i) sum = Wrap(sum, static_cast<T>(v[i]));
      } else {
        const double* v = a.col().values<double>();
        for (int64_t i = 0; i < n; ++i) sum = Wrap(sum, static_cast<T>(v[i]));
      }
      st->sum = Wrap(st->sum, sum);
      st->count += n;
      return Status::OK();
    }
    rows.ForEach([&](int64_t i) {
      if (!a.IsNull(i)) Add(st, Read(a, i));
    });
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    auto* st = reinterpret_cast<SumState<T>*>(s);
    const auto* other = reinterpret_cast<const SumState<T>*>(o);
    if (other->count == 0) return Status::OK();
    st->overflow |= other->overflow;
    st->count += other->count;
    st->sum = Combine(st, st->sum, other->sum);
    return Status::OK();
  }
  Status Finalize(EvalContext& ctx, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    for (int64_t k = 0; k < n; ++k) {
      const auto* st = reinterpret_cast<const SumState<T>*>(states[k]);
      RETURN_NOT_OK(Emit(ctx, *st, out));
    }
    return Status::OK();
  }
  void Serialize(const uint8_t* s, std::string* out) const override {
    SerializePod<SumState<T>>(s, out);
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    return DeserializePod<SumState<T>>(in, s, name());
  }

 private:
  // Integral sums wrap on overflow as Spark's non-ANSI LongType addition does.
  static T Wrap(T a, T b) {
    if constexpr (std::is_same_v<T, int64_t>) {
      return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    } else {
      return a + b;
    }
  }

  T Read(const Datum& a, int64_t i) const {
    if constexpr (std::is_same_v<T, Int128>) {
      return a.Get<Int128>(i);
    } else {
      switch (a.type().id()) {
        case TypeId::kInt32:
          return static_cast<T>(a.Get<int32_t>(i));
        case TypeId::kInt64:
          return static_cast<T>(a.Get<int64_t>(i));
        default:
          return static_cast<T>(a.Get<double>(i));
      }
    }
  }

  T Combine(SumState<T>* st, T a, T b) const {
    if constexpr (std::is_same_v<T, Int128>) {
      T r;
      if (__builtin_add_overflow(a, b, &r) || !DecimalFitsPrecision(r, kMaxDecimalPrecision)) {
        st->overflow = 1;
        return 0;
      }
      return r;
    } else {
      (void)st;
      return Wrap(a, b);
    }
  }

  template <typename V>
  static void AddAll(uint8_t* const* states, const V* v, const RowSet& rows) {
    rows.ForEach([&](int64_t i) {
      auto* st = reinterpret_cast<SumState<T>*>(states[i]);
      st->count += 1;
      st->sum = Wrap(st->sum, static_cast<T>(v[i]));
    });
  }

  void Add(SumState<T>* st, T v) const {
    st->count += 1;
    if constexpr (std::is_same_v<T, Int128>) {
      if (!st->overflow) st->sum = Combine(st, st->sum, v);
    } else {
      st->sum = Wrap(st->sum, v);
    }
  }

  Status Emit(EvalContext& ctx, const SumState<T>& st, ColumnBuilder* out) const {
    if (st.count == 0) {
      out->AppendNull();
      return Status::OK();
    }
    if constexpr (std::is_same_v<T, Int128>) {
      const DataType& rt = result_type();
      const int in_scale = arg_types()[0].scale();
      if (st.overflow) return Overflow(ctx, out);
      Int128 v = st.sum;
      if (avg_) {
        // sum * 10^(result scale - input scale) / count, rounded HALF_UP.
        int up = rt.scale() - in_scale;
        Int128 scaled;
        if (__builtin_mul_overflow(v, PowerOfTen(up), &scaled)) return Overflow(ctx, out);
        Int128 q = scaled / st.count, r = scaled % st.count;
        Int128 twice = (r < 0 ? -r : r) * 2;
        if (twice >= st.count) q += scaled < 0 ? -1 : 1;
        v = q;
      }
      if (!DecimalFitsPrecision(v, rt.precision())) return Overflow(ctx, out);
      static_cast<DecimalBuilder*>(out)->Append(v);
    } else if (avg_) {
      static_cast<DoubleBuilder*>(out)->Append(static_cast<double>(st.sum) /
                                               static_cast<double>(st.count));
    } else if constexpr (std::is_same_v<T, int64_t>) {
      static_cast<Int64Builder*>(out)->Append(st.sum);
    } else {
      static_cast<DoubleBuilder*>(out)->Append(st.sum);
    }
    return Status::OK();
  }

  Status Overflow(EvalContext& ctx, ColumnBuilder* out) const {
    if (ctx.ansi()) {
      return Status::InvalidInput("[ARITHMETIC_OVERFLOW] Overflow in " + name() +
                                  " of decimals. If necessary set \"spark.sql.ansi.enabled\" to "
                                  "\"false\" to bypass this error.");
    }
    out->AppendNull();
    return Status::OK();
  }

  bool avg_;
};

Result<AggregateFunctionPtr> ResolveSum(std::vector<ExprPtr>* args, bool avg) {
  const char* name = avg ? "avg" : "sum";
  ExprPtr& a = (*args)[0];
  if (a->type().id() == TypeId::kString || a->type().is_null()) {
    ASSIGN_OR_RAISE(a, Cast(a, DataType::Double()));  // Spark: implicit cast to DOUBLE
  }
  const DataType& t = a->type();
  switch (t.id()) {
    case TypeId::kInt32:
    case TypeId::kInt64:
      if (avg) {
        return AggregateFunctionPtr(
            std::make_shared<SumLikeAggregate<double>>(name, t, DataType::Double(), true));
      }
      return AggregateFunctionPtr(
          std::make_shared<SumLikeAggregate<int64_t>>(name, t, DataType::Int64(), false));
    case TypeId::kDouble:
      return AggregateFunctionPtr(
          std::make_shared<SumLikeAggregate<double>>(name, t, DataType::Double(), avg));
    case TypeId::kDecimal: {
      DataType result = avg ? BoundedDecimal(t.precision() + 4, t.scale() + 4)
                            : BoundedDecimal(t.precision() + 10, t.scale());
      return AggregateFunctionPtr(std::make_shared<SumLikeAggregate<Int128>>(name, t, result, avg));
    }
    default:
      return ArgTypeError(name, *args, "\"NUMERIC\" or \"ANSI INTERVAL\"");
  }
}

// ---- min, max, first, last, any_value -------------------------------------------

// Keeps one value of the argument's type. Fixed-width values live in the state;
// STRING and BINARY values in a heap string the state points to.
struct PickState {
  uint8_t set;      // a value (possibly NULL, for first/last) was taken
  uint8_t is_null;  // the taken value is NULL
  uint8_t pad[6];
  alignas(16) uint8_t value[16];  // fixed-width bytes, or a std::string* for strings
};

enum class PickKind : uint8_t { kMin, kMax, kFirst, kLast };

class PickAggregate final : public AggregateFunction {
 public:
  PickAggregate(std::string name, DataType arg, PickKind kind, bool ignore_nulls)
      : AggregateFunction(std::move(name), {arg}, arg),
        kind_(kind),
        // min/max always skip NULLs.
        ignore_nulls_(ignore_nulls || kind == PickKind::kMin || kind == PickKind::kMax),
        width_(arg.byte_width()),
        strings_(arg.is_string_like()) {}

  size_t state_size() const override { return sizeof(PickState); }
  size_t state_align() const override { return alignof(PickState); }
  bool needs_destroy() const override { return strings_; }
  void Init(uint8_t* s) const override { std::memset(s, 0, sizeof(PickState)); }
  void Destroy(uint8_t* s) const override {
    if (strings_) delete StringOf(reinterpret_cast<PickState*>(s));
  }

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
    if (kind_ == PickKind::kMin || kind_ == PickKind::kMax) {
      // The common numeric cases, typed: no per-row switch on the type.
      const bool max = kind_ == PickKind::kMax;
      switch (arg_types()[0].id()) {
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          max ? MinMax<int64_t, true>(states, a, rows) : MinMax<int64_t, false>(states, a, rows);
          return Status::OK();
        case TypeId::kInt32:
        case TypeId::kDate:
          max ? MinMax<int32_t, true>(states, a, rows) : MinMax<int32_t, false>(states, a, rows);
          return Status::OK();
        case TypeId::kDouble:
          max ? MinMax<double, true>(states, a, rows) : MinMax<double, false>(states, a, rows);
          return Status::OK();
        default:
          break;
      }
    }
    rows.ForEach([&](int64_t i) { Offer(reinterpret_cast<PickState*>(states[i]), a, i); });
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    auto* st = reinterpret_cast<PickState*>(s);
    const auto* other = reinterpret_cast<const PickState*>(o);
    if (!other->set) return Status::OK();
    if (kind_ == PickKind::kFirst && st->set) return Status::OK();
    if (other->is_null) {
      if (!st->set || kind_ == PickKind::kLast) {
        st->set = 1;
        st->is_null = 1;
      }
      return Status::OK();
    }
    if (!st->set || st->is_null || Better(other, st)) Take(st, other);
    return Status::OK();
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    for (int64_t k = 0; k < n; ++k) {
      const auto* st = reinterpret_cast<const PickState*>(states[k]);
      if (!st->set || st->is_null) {
        out->AppendNull();
      } else if (strings_) {
        static_cast<StringBuilder*>(out)->Append(*StringOf(st));
      } else {
        AppendFixed(st, out);
      }
    }
    return Status::OK();
  }
  void Serialize(const uint8_t* s, std::string* out) const override {
    const auto* st = reinterpret_cast<const PickState*>(s);
    out->push_back(static_cast<char>(st->set));
    out->push_back(static_cast<char>(st->is_null));
    if (!st->set || st->is_null) return;
    if (strings_) {
      out->append(*StringOf(st));
    } else {
      out->append(reinterpret_cast<const char*>(st->value), static_cast<size_t>(width_));
    }
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    auto* st = reinterpret_cast<PickState*>(s);
    if (in.size() < 2 || in[0] > 1 || in[1] > 1)
      return Status::Corruption(name() + " state is malformed");
    st->set = static_cast<uint8_t>(in[0]);
    st->is_null = static_cast<uint8_t>(in[1]);
    in.remove_prefix(2);
    if (!st->set || st->is_null) {
      return in.empty() ? Status::OK() : Status::Corruption(name() + " state has trailing bytes");
    }
    if (strings_) {
      delete StringOf(st);
      SetString(st, new std::string(in));
      return Status::OK();
    }
    if (in.size() != static_cast<size_t>(width_))
      return Status::Corruption(name() + " state has a bad size");
    std::memcpy(st->value, in.data(), in.size());
    return Status::OK();
  }

 private:
  static std::string* StringOf(const PickState* st) {
    std::string* p;
    std::memcpy(&p, st->value, sizeof(p));
    return p;
  }
  static void SetString(PickState* st, std::string* p) { std::memcpy(st->value, &p, sizeof(p)); }

  // True when `a`'s value should replace `b`'s (both set, non-NULL).
  bool Better(const PickState* a, const PickState* b) const {
    if (kind_ == PickKind::kFirst) return false;
    if (kind_ == PickKind::kLast) return true;
    int c = CompareStates(a, b);
    return kind_ == PickKind::kMin ? c < 0 : c > 0;
  }

  int CompareStates(const PickState* a, const PickState* b) const {
    if (strings_) {
      const std::string& x = *StringOf(a);
      const std::string& y = *StringOf(b);
      return StringRef(x).Compare(StringRef(y));
    }
    switch (arg_types()[0].id()) {
      case TypeId::kBoolean:
        return kernels::Compare3(a->value[0], b->value[0]);
      case TypeId::kInt32:
      case TypeId::kDate:
        return kernels::Compare3(Load<int32_t>(a), Load<int32_t>(b));
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        return kernels::Compare3(Load<int64_t>(a), Load<int64_t>(b));
      case TypeId::kDouble:
        return kernels::CompareDoubles(Load<double>(a), Load<double>(b));
      case TypeId::kDecimal:
        return kernels::Compare3(Load<Int128>(a), Load<Int128>(b));
      default:
        return 0;
    }
  }

  template <typename V>
  static V Load(const PickState* st) {
    V v;
    std::memcpy(&v, st->value, sizeof(V));
    return v;
  }

  void Take(PickState* st, const PickState* other) const {
    st->set = 1;
    st->is_null = 0;
    if (strings_) {
      std::string* mine = StringOf(st);
      if (mine == nullptr) {
        SetString(st, new std::string(*StringOf(other)));
      } else {
        *mine = *StringOf(other);
      }
    } else {
      std::memcpy(st->value, other->value, static_cast<size_t>(width_));
    }
  }

  void Offer(PickState* st, const Datum& a, int64_t i) const {
    if (a.IsNull(i)) {
      if (ignore_nulls_) return;
      if (kind_ == PickKind::kFirst && st->set) return;
      st->set = 1;
      st->is_null = 1;
      return;
    }
    if (kind_ == PickKind::kFirst && st->set) return;
    PickState cand;
    cand.set = 1;
    cand.is_null = 0;
    int64_t phys = a.Index(i);
    if (strings_) {
      // Compare before copying: most rows do not win.
      std::string_view v = a.col().Get<StringRef>(phys).view();
      std::string* mine = StringOf(st);
      bool take = !st->set || st->is_null || kind_ == PickKind::kLast ||
                  (kind_ == PickKind::kMin   ? StringRef(v).Compare(StringRef(*mine)) < 0
                   : kind_ == PickKind::kMax ? StringRef(v).Compare(StringRef(*mine)) > 0
                                             : false);
      if (!take) return;
      st->set = 1;
      st->is_null = 0;
      if (mine == nullptr) {
        SetString(st, new std::string(v));
      } else {
        mine->assign(v);
      }
      return;
    }
    std::memcpy(cand.value, a.col().values_buffer()->data() + phys * width_,
                static_cast<size_t>(width_));
    if (!st->set || st->is_null || Better(&cand, st)) Take(st, &cand);
  }

  // min/max of a fixed-width type V, as Offer does it: NULLs skipped, the state's
  // value replaced only by a strictly smaller (min) or larger (max) one.
  template <typename V, bool kMax>
  static void MinMax(uint8_t* const* states, const Datum& a, const RowSet& rows) {
    const V* v = a.col().values<V>();
    const bool nulls = !a.no_nulls();
    rows.ForEach([&](int64_t i) {
      if (nulls && a.IsNull(i)) return;
      auto* st = reinterpret_cast<PickState*>(states[i]);
      const V x = v[a.Index(i)];
      if (st->set && !st->is_null) {
        const int c = kernels::Compare3(x, Load<V>(st));
        if (kMax ? c <= 0 : c >= 0) return;
      }
      st->set = 1;
      st->is_null = 0;
      std::memcpy(st->value, &x, sizeof(V));
    });
  }

  void AppendFixed(const PickState* st, ColumnBuilder* out) const {
    switch (arg_types()[0].id()) {
      case TypeId::kBoolean:
        static_cast<BooleanBuilder*>(out)->Append(st->value[0] != 0);
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        static_cast<Int32Builder*>(out)->Append(Load<int32_t>(st));
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        static_cast<Int64Builder*>(out)->Append(Load<int64_t>(st));
        break;
      case TypeId::kDouble:
        static_cast<DoubleBuilder*>(out)->Append(Load<double>(st));
        break;
      case TypeId::kDecimal:
        static_cast<DecimalBuilder*>(out)->Append(Load<Int128>(st));
        break;
      case TypeId::kInterval:
        static_cast<IntervalBuilder*>(out)->Append(Load<Interval>(st));
        break;
      default:
        out->AppendNull();
        break;
    }
  }

  PickKind kind_;
  bool ignore_nulls_;
  int width_;
  bool strings_;
};

Result<AggregateFunctionPtr> ResolvePick(std::string name, PickKind kind,
                                         std::vector<ExprPtr>* args) {
  const DataType& t = (*args)[0]->type();
  if (t.is_nested() && (kind == PickKind::kMin || kind == PickKind::kMax)) {
    return ResolveNestedMinMax(std::move(name), kind == PickKind::kMax, args);
  }
  if (t.is_nested()) {
    return Status::Unsupported(name + " over " + t.ToString() + " values is not supported yet");
  }
  if ((kind == PickKind::kMin || kind == PickKind::kMax) && t.id() == TypeId::kInterval) {
    return DataTypeMismatch(
        "INVALID_ORDERING_TYPE", DescribeCall(name, *args),
        "The `" + name + "` does not support ordering on type " + QuoteType(t) + ".");
  }
  bool ignore_nulls = false;
  if (args->size() == 2) {
    const Expr& e = *(*args)[1];
    if (e.kind() != ExprKind::kLiteral || e.type().id() != TypeId::kBoolean ||
        static_cast<const LiteralExpr&>(e).value().is_null()) {
      return Status::InvalidSql(
          "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] The second argument of `" + name +
          "` (ignoreNulls) must be a BOOLEAN literal");
    }
    ignore_nulls = static_cast<const LiteralExpr&>(e).value().boolean();
    args->pop_back();
  }
  return AggregateFunctionPtr(std::make_shared<PickAggregate>(name, t, kind, ignore_nulls));
}

// ---- bool_and, bool_or ------------------------------------------------------------

class BoolAggregate final : public AggregateFunction {
 public:
  BoolAggregate(std::string name, bool is_and)
      : AggregateFunction(std::move(name), {DataType::Boolean()}, DataType::Boolean()),
        and_(is_and) {}
  // byte 0: any non-NULL seen; byte 1: the running result.
  size_t state_size() const override { return 2; }
  size_t state_align() const override { return 1; }
  void Init(uint8_t* s) const override {
    s[0] = 0;
    s[1] = and_ ? 1 : 0;
  }
  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
    rows.ForEach([&](int64_t i) {
      if (a.IsNull(i)) return;
      uint8_t* s = states[i];
      s[0] = 1;
      s[1] = and_ ? (s[1] & a.Get<uint8_t>(i)) : (s[1] | a.Get<uint8_t>(i));
    });
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    if (!o[0]) return Status::OK();
    s[1] = s[0] ? (and_ ? (s[1] & o[1]) : (s[1] | o[1])) : o[1];
    s[0] = 1;
    return Status::OK();
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    for (int64_t k = 0; k < n; ++k) {
      if (!states[k][0]) {
        out->AppendNull();
      } else {
        static_cast<BooleanBuilder*>(out)->Append(states[k][1] != 0);
      }
    }
    return Status::OK();
  }
  void Serialize(const uint8_t* s, std::string* out) const override {
    out->append(reinterpret_cast<const char*>(s), 2);
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    if (in.size() != 2 || static_cast<uint8_t>(in[0]) > 1 || static_cast<uint8_t>(in[1]) > 1) {
      return Status::Corruption(name() + " state is malformed");
    }
    std::memcpy(s, in.data(), 2);
    return Status::OK();
  }

 private:
  bool and_;
};

Result<AggregateFunctionPtr> ResolveBool(std::string name, bool is_and,
                                         std::vector<ExprPtr>* args) {
  ExprPtr& a = (*args)[0];
  if (a->type().is_null()) {
    ASSIGN_OR_RAISE(a, Cast(a, DataType::Boolean()));
  }
  if (a->type().id() != TypeId::kBoolean) return ArgTypeError(name, *args, "\"BOOLEAN\"");
  return AggregateFunctionPtr(std::make_shared<BoolAggregate>(std::move(name), is_and));
}

}  // namespace

void RegisterBasicAggregates(AggregateRegistry* r) {
  r->Register({"count", 0, -1,
               "count(*) - Returns the total number of retrieved rows, including rows containing "
               "null. count(expr[, expr...]) - Returns the number of rows for which the supplied "
               "expression(s) are all non-null.",
               [](std::vector<ExprPtr>* args) -> Result<AggregateFunctionPtr> {
                 std::vector<DataType> types;
                 for (const ExprPtr& a : *args) types.push_back(a->type());
                 return AggregateFunctionPtr(
                     std::make_shared<CountAggregate>("count", types, false));
               }});
  r->Register({"count_if", 1, 1,
               "count_if(expr) - Returns the number of `TRUE` values for the expression.",
               [](std::vector<ExprPtr>* args) -> Result<AggregateFunctionPtr> {
                 if ((*args)[0]->type().id() != TypeId::kBoolean) {
                   return ArgTypeError("count_if", *args, "\"BOOLEAN\"");
                 }
                 return AggregateFunctionPtr(std::make_shared<CountAggregate>(
                     "count_if", std::vector<DataType>{DataType::Boolean()}, true));
               }});
  r->Register({"sum", 1, 1, "sum(expr) - Returns the sum calculated from values of a group.",
               [](std::vector<ExprPtr>* args) { return ResolveSum(args, false); }});
  r->Register({"avg", 1, 1, "avg(expr) - Returns the mean calculated from values of a group.",
               [](std::vector<ExprPtr>* args) { return ResolveSum(args, true); }});
  r->Alias("mean", "avg");
  r->Register(
      {"min", 1, 1, "min(expr) - Returns the minimum value of `expr`.",
       [](std::vector<ExprPtr>* args) { return ResolvePick("min", PickKind::kMin, args); }});
  r->Register(
      {"max", 1, 1, "max(expr) - Returns the maximum value of `expr`.",
       [](std::vector<ExprPtr>* args) { return ResolvePick("max", PickKind::kMax, args); }});
  r->Register(
      {"first", 1, 2,
       "first(expr[, isIgnoreNull]) - Returns the first value of `expr` for a group of "
       "rows. If `isIgnoreNull` is true, returns only non-null values.",
       [](std::vector<ExprPtr>* args) { return ResolvePick("first", PickKind::kFirst, args); }});
  r->Alias("first_value", "first");
  r->Register(
      {"any_value", 1, 2,
       "any_value(expr[, isIgnoreNull]) - Returns some value of `expr` for a group of rows.",
       [](std::vector<ExprPtr>* args) {
         return ResolvePick("any_value", PickKind::kFirst, args);
       }});
  r->Register(
      {"last", 1, 2,
       "last(expr[, isIgnoreNull]) - Returns the last value of `expr` for a group of rows. "
       "If `isIgnoreNull` is true, returns only non-null values",
       [](std::vector<ExprPtr>* args) { return ResolvePick("last", PickKind::kLast, args); }});
  r->Alias("last_value", "last");
  r->Register({"bool_and", 1, 1, "bool_and(expr) - Returns true if all values of `expr` are true.",
               [](std::vector<ExprPtr>* args) { return ResolveBool("bool_and", true, args); }});
  r->Alias("every", "bool_and");
  r->Register({"bool_or", 1, 1,
               "bool_or(expr) - Returns true if at least one value of `expr` is true.",
               [](std::vector<ExprPtr>* args) { return ResolveBool("bool_or", false, args); }});
  r->Alias("some", "bool_or");
  r->Alias("any", "bool_or");
}

}  // namespace weir
