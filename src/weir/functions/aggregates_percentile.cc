// percentile_approx / approx_percentile (Greenwald-Khanna quantile summaries), as
// Spark 3.5 computes them.
//
// percentile_approx(col, percentage [, accuracy]) follows ApproximatePercentile.scala
// and QuantileSummaries.scala: relative error 1 / accuracy (default 10000); values
// buffer in a head of up to 50000, which is sorted into the GK samples (value, g,
// delta); compression merges samples whose g + g' + delta' < 2 * eps * count; the
// digest compresses when its samples reach 4 / eps, before a merge, a serialize and
// a query. Merging adds floor(2 * eps * n) of the other side to interleaved
// samples' delta. A query for percentage q returns the first sample whose rank
// range is within max(g + delta) / 2 of ceil(q * count) (q <= eps: the minimum;
// q >= 1 - eps: the maximum). The column (numeric, DATE or TIMESTAMP) is computed
// as DOUBLE and the result cast back to its type (INT/BIGINT truncate toward zero;
// DECIMAL rounds half up to the column's scale). NULL for no rows.

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "weir/expr/cast.h"
#include "weir/functions/aggregate_registry.h"
#include "weir/functions/registry.h"
#include "weir/functions/spark_hash.h"
#include "weir/types/decimal.h"

namespace weir {

namespace {

// ---- Greenwald-Khanna quantile summaries -----------------------------------------

constexpr int kDefaultAccuracy = 10000;       // ApproximatePercentile.DEFAULT_PERCENTILE_ACCURACY
constexpr size_t kHeadSize = 50000;           // QuantileSummaries.defaultHeadSize
constexpr size_t kCompressThreshold = 10000;  // QuantileSummaries.defaultCompressThreshold

struct GkSample {
  double value;
  int64_t g;      // minimum rank jump from the previous sample
  int64_t delta;  // maximum span of the rank
};

// java.lang.Double.compare, which Scala's sort of the head buffer uses: NaN last,
// -0.0 before 0.0.
bool JavaDoubleLess(double a, double b) {
  if (a < b) return true;
  if (a > b) return false;
  auto bits = [](double d) {
    return std::isnan(d) ? 0x7ff8000000000000LL : std::bit_cast<int64_t>(d);
  };
  return bits(a) < bits(b);
}

// QuantileSummaries.compressImmut.
std::vector<GkSample> CompressSamples(const std::vector<GkSample>& samples, double threshold) {
  if (samples.empty()) return {};
  std::vector<GkSample> reversed;  // built back to front, then reversed
  GkSample head = samples.back();
  for (size_t i = samples.size() - 2; samples.size() >= 3 && i >= 1; --i) {
    const GkSample& s = samples[i];
    if (static_cast<double>(s.g + head.g + head.delta) < threshold) {
      head.g += s.g;
    } else {
      reversed.push_back(head);
      head = s;
    }
  }
  reversed.push_back(head);
  if (samples.front().value <= head.value && samples.size() > 1)
    reversed.push_back(samples.front());
  std::reverse(reversed.begin(), reversed.end());
  return reversed;
}

// Spark's PercentileDigest over QuantileSummaries, with the same buffering and
// compression points, so the same input order gives the same samples.
class GkDigest {
 public:
  explicit GkDigest(double eps)
      : eps_(eps), digest_threshold_(static_cast<size_t>(static_cast<int>(1 / eps) * 2 * 2)) {}

  double eps() const { return eps_; }
  int64_t count() const { return count_; }
  const std::vector<GkSample>& samples() const { return sampled_; }

  void Add(double x) {
    head_.push_back(x);
    if (head_.size() >= kHeadSize) {
      InsertHead();
      if (sampled_.size() >= kCompressThreshold) CompressInPlace();
    }
    compressed_ = false;
    if (sampled_.size() >= digest_threshold_) Compress();
  }

  void Compress() {
    if (compressed_) return;
    CompressInPlace();
    compressed_ = true;
  }

  // QuantileSummaries.merge; both sides must be compressed.
  void Merge(const GkDigest& other) {
    if (other.count_ == 0) return;
    if (count_ == 0) {
      eps_ = other.eps_;
      sampled_ = other.sampled_;
      count_ = other.count_;
      return;
    }
    std::vector<GkSample> merged;
    merged.reserve(sampled_.size() + other.sampled_.size());
    const double merged_eps = std::max(eps_, other.eps_);
    const int64_t merged_count = count_ + other.count_;
    const auto extra_self = static_cast<int64_t>(std::floor(2 * other.eps_ * other.count_));
    const auto extra_other = static_cast<int64_t>(std::floor(2 * eps_ * count_));
    size_t i = 0, j = 0;
    while (i < sampled_.size() && j < other.sampled_.size()) {
      GkSample next;
      if (sampled_[i].value < other.sampled_[j].value) {
        next = sampled_[i++];
        if (j > 0) next.delta += extra_self;
      } else {
        next = other.sampled_[j++];
        if (i > 0) next.delta += extra_other;
      }
      merged.push_back(next);
    }
    for (; i < sampled_.size(); ++i) merged.push_back(sampled_[i]);
    for (; j < other.sampled_.size(); ++j) merged.push_back(other.sampled_[j]);
    sampled_ = CompressSamples(merged, 2 * merged_eps * static_cast<double>(merged_count));
    eps_ = merged_eps;
    count_ = merged_count;
  }

  // QuantileSummaries.query(percentiles). REQUIRES: compressed, count() > 0.
  std::vector<double> Query(const std::vector<double>& percentiles) const {
    int64_t max_span = INT64_MIN;
    for (const GkSample& s : sampled_) max_span = std::max(max_span, s.delta + s.g);
    const auto target_error = static_cast<double>(max_span / 2);
    std::vector<size_t> order(percentiles.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return percentiles[a] < percentiles[b]; });
    std::vector<double> result(percentiles.size());
    size_t index = 0;
    int64_t min_rank = sampled_[0].g;
    for (size_t pos : order) {
      const double q = percentiles[pos];
      if (q <= eps_) {
        result[pos] = sampled_.front().value;
      } else if (q >= 1 - eps_) {
        result[pos] = sampled_.back().value;
      } else {
        result[pos] = FindQuantile(&index, &min_rank, target_error, q);
      }
    }
    return result;
  }

  void Restore(double eps, int64_t count, std::vector<GkSample> samples) {
    eps_ = eps;
    count_ = count;
    sampled_ = std::move(samples);
    head_.clear();
    compressed_ = true;
  }

 private:
  // QuantileSummaries.withHeadBufferInserted.
  void InsertHead() {
    if (head_.empty()) return;
    std::sort(head_.begin(), head_.end(), JavaDoubleLess);
    std::vector<GkSample> out;
    out.reserve(sampled_.size() + head_.size());
    int64_t current = count_;
    size_t s = 0;
    for (size_t k = 0; k < head_.size(); ++k) {
      const double x = head_[k];
      while (s < sampled_.size() && sampled_[s].value <= x) out.push_back(sampled_[s++]);
      current += 1;
      const bool edge = out.empty() || (s == sampled_.size() && k == head_.size() - 1);
      const int64_t delta =
          edge ? 0 : static_cast<int64_t>(std::floor(2 * eps_ * static_cast<double>(current)));
      out.push_back({x, 1, delta});
    }
    for (; s < sampled_.size(); ++s) out.push_back(sampled_[s]);
    sampled_ = std::move(out);
    count_ = current;
    head_.clear();
  }

  void CompressInPlace() {
    InsertHead();
    sampled_ = CompressSamples(sampled_, 2 * eps_ * static_cast<double>(count_));
  }

  // QuantileSummaries.findApproxQuantile, including its reset of the rank to 0 when
  // it runs off the end.
  double FindQuantile(size_t* index, int64_t* min_rank, double target_error, double q) const {
    const auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(count_)));
    size_t i = *index;
    int64_t r = *min_rank;
    while (i + 1 < sampled_.size()) {
      const GkSample& cur = sampled_[i];
      const int64_t max_rank = r + cur.delta;
      if (static_cast<double>(max_rank) - target_error <= static_cast<double>(rank) &&
          static_cast<double>(rank) <= static_cast<double>(r) + target_error) {
        *index = i;
        *min_rank = r;
        return cur.value;
      }
      ++i;
      r += sampled_[i].g;
    }
    *index = sampled_.size() - 1;
    *min_rank = 0;
    return sampled_.back().value;
  }

  double eps_;
  size_t digest_threshold_;
  std::vector<double> head_;
  std::vector<GkSample> sampled_;
  int64_t count_ = 0;  // values in sampled_ (not head_)
  bool compressed_ = true;
};

class PercentileApprox final : public HeapStateAggregate<GkDigest> {
 public:
  PercentileApprox(DataType arg, DataType result, std::vector<double> percentages, int accuracy,
                   bool array)
      : HeapStateAggregate("percentile_approx", {arg}, std::move(result)),
        percentages_(std::move(percentages)),
        eps_(1.0 / accuracy),
        array_(array) {}

  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
    rows.ForEach([&](int64_t i) {
      if (!a.IsNull(i)) Data(states[i])->Add(ToDouble(a, i));
    });
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    GkDigest* other = Get(o);
    if (other == nullptr) return Status::OK();
    GkDigest* mine = Data(s);
    // As Spark: both sides are compressed first (the other in place, which does not
    // change what it represents).
    mine->Compress();
    other->Compress();
    mine->Merge(*other);
    return Status::OK();
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    for (int64_t k = 0; k < n; ++k) {
      GkDigest* d = Get(states[k]);
      if (d != nullptr) d->Compress();
      if (d == nullptr || d->count() == 0 || percentages_.empty()) {
        out->AppendNull();
        continue;
      }
      std::vector<double> values = d->Query(percentages_);
      if (!array_) {
        AppendResult(values[0], out);
        continue;
      }
      auto* ab = static_cast<ArrayBuilder*>(out);
      ab->Append();
      for (double v : values) AppendResult(v, ab->element_builder());
    }
    return Status::OK();
  }
  // eps (f64), count (i64), n (u32), then n x (value f64, g i64, delta i64); the
  // summary is compressed first, as Spark's serializer does.
  void Serialize(const uint8_t* s, std::string* out) const override {
    GkDigest* d = Get(s);
    if (d != nullptr) d->Compress();
    const double eps = d ? d->eps() : eps_;
    const int64_t count = d ? d->count() : 0;
    const auto n = static_cast<uint32_t>(d ? d->samples().size() : 0);
    Put(eps, out);
    Put(count, out);
    Put(n, out);
    if (d == nullptr) return;
    for (const GkSample& x : d->samples()) {
      Put(x.value, out);
      Put(x.g, out);
      Put(x.delta, out);
    }
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    Status bad = Status::Corruption(name() + " state is malformed");
    constexpr size_t kHeader = 8 + 8 + 4, kSample = 8 + 8 + 8;
    if (in.size() < kHeader) return bad;
    const auto eps = Load<double>(in.data());
    const auto count = Load<int64_t>(in.data() + 8);
    const auto n = Load<uint32_t>(in.data() + 16);
    in.remove_prefix(kHeader);
    if (!(eps > 0.0 && eps <= 1.0) || count < 0 || in.size() != n * kSample ||
        (n == 0) != (count == 0)) {
      return bad;
    }
    std::vector<GkSample> samples(n);
    int64_t total = 0;
    for (uint32_t k = 0; k < n; ++k) {
      const char* p = in.data() + k * kSample;
      samples[k] = {Load<double>(p), Load<int64_t>(p + 8), Load<int64_t>(p + 16)};
      if (samples[k].g < 0 || samples[k].delta < 0 || samples[k].g > count - total ||
          samples[k].delta > count) {
        return bad;
      }
      total += samples[k].g;
    }
    auto fresh = std::make_unique<GkDigest>(eps_);
    fresh->Restore(eps, count, std::move(samples));
    delete Get(s);
    Set(s, fresh.release());
    return Status::OK();
  }

 private:
  GkDigest* Data(uint8_t* s) const {
    GkDigest* d = Get(s);
    if (d == nullptr) {
      d = new GkDigest(eps_);
      Set(s, d);
    }
    return d;
  }
  template <typename T>
  static void Put(T v, std::string* out) {
    out->append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  template <typename T>
  static T Load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
  }

  double ToDouble(const Datum& a, int64_t i) const {
    switch (a.type().id()) {
      case TypeId::kInt32:
      case TypeId::kDate:
        return a.Get<int32_t>(i);
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        return static_cast<double>(a.Get<int64_t>(i));
      case TypeId::kDecimal: {
        // Spark's Decimal.toDouble: long / 10^scale when compact, else BigDecimal's.
        const Int128 u = a.Get<Int128>(i);
        const int scale = a.type().scale();
        if (a.type().precision() <= 18) {
          return static_cast<double>(static_cast<int64_t>(u)) /
                 static_cast<double>(static_cast<int64_t>(PowerOfTen(scale)));
        }
        return std::strtod(DecimalToString(u, scale).c_str(), nullptr);
      }
      default:
        return a.Get<double>(i);
    }
  }

  // Scala's Double.toInt / toLong: truncation, saturating, NaN -> 0.
  template <typename T>
  static T Truncate(double v) {
    if (std::isnan(v)) return 0;
    if (v >= static_cast<double>(std::numeric_limits<T>::max()))
      return std::numeric_limits<T>::max();
    if (v <= static_cast<double>(std::numeric_limits<T>::min()))
      return std::numeric_limits<T>::min();
    return static_cast<T>(v);
  }

  void AppendResult(double v, ColumnBuilder* out) const {
    const DataType& t = arg_types()[0];
    switch (t.id()) {
      case TypeId::kInt32:
      case TypeId::kDate:
        static_cast<Int32Builder*>(out)->Append(Truncate<int32_t>(v));
        return;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        static_cast<Int64Builder*>(out)->Append(Truncate<int64_t>(v));
        return;
      case TypeId::kDecimal: {
        // Decimal(v) is the shortest decimal that reads back as v, then rounded
        // HALF_UP to the column's scale; NULL if that does not fit.
        char buf[64];
        auto res = std::to_chars(buf, buf + sizeof(buf), v);
        Result<Int128> u =
            std::isfinite(v)
                ? ParseDecimal(std::string_view(buf, static_cast<size_t>(res.ptr - buf)),
                               t.precision(), t.scale())
                : Result<Int128>(Status::InvalidInput("not finite"));
        if (u.ok()) {
          static_cast<DecimalBuilder*>(out)->Append(*u);
        } else {
          out->AppendNull();
        }
        return;
      }
      default:
        static_cast<DoubleBuilder*>(out)->Append(v);
        return;
    }
  }

  std::vector<double> percentages_;
  double eps_;
  bool array_;
};

Result<AggregateFunctionPtr> ResolvePercentile(std::vector<ExprPtr>* args) {
  const char* name = "percentile_approx";
  ExprPtr& col = (*args)[0];
  if (col->type().is_null()) {
    ASSIGN_OR_RAISE(col, Cast(col, DataType::Double()));
  }
  const DataType t = col->type();
  if (!t.is_numeric() && t.id() != TypeId::kDate && t.id() != TypeId::kTimestamp) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, *args),
                            "Parameter 1 requires the (\"NUMERIC\" or \"DATE\" or \"TIMESTAMP\") "
                            "type, however \"" +
                                col->ToString() + "\" has the type " + QuoteType(t) + ".");
  }
  int accuracy = kDefaultAccuracy;
  if (args->size() == 3) {
    ASSIGN_OR_RAISE(Value v, ConstantArg(name, (*args)[2], "accuracy"));
    if (v.is_null() || (v.type().id() != TypeId::kInt32 && v.type().id() != TypeId::kInt64)) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, *args),
                              "Parameter 3 requires the \"INTEGRAL\" type, however \"" +
                                  (*args)[2]->ToString() + "\" has the type " +
                                  QuoteType(v.type()) + ".");
    }
    const int64_t a = v.type().id() == TypeId::kInt32 ? v.int32() : v.int64();
    if (a <= 0 || a > INT32_MAX) {
      return DataTypeMismatch("VALUE_OUT_OF_RANGE", DescribeCall(name, *args),
                              "The `accuracy` must be between (0, 2147483647] (current value = " +
                                  std::to_string(a) + ").");
    }
    accuracy = static_cast<int>(a);
  }
  ASSIGN_OR_RAISE(Value pv, ConstantArg(name, (*args)[1], "percentage"));
  std::vector<double> percentages;
  bool array = false;
  auto bad_percentage = [&] {
    return DataTypeMismatch(
        "VALUE_OUT_OF_RANGE", DescribeCall(name, *args),
        "The `percentage` must be between [0.0, 1.0] (current value = " + pv.ToString() + ").");
  };
  if (pv.type().id() == TypeId::kArray) {
    array = true;
    if (pv.is_null()) return bad_percentage();
    for (const Value& e : pv.elements()) {
      double d;
      if (!NumberOf(e, &d) || !(d >= 0.0 && d <= 1.0)) return bad_percentage();
      percentages.push_back(d);
    }
  } else {
    double d;
    if (!NumberOf(pv, &d)) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, *args),
                              "Parameter 2 requires the (\"DOUBLE\" or \"ARRAY<DOUBLE>\") type, "
                              "however \"" +
                                  (*args)[1]->ToString() + "\" has the type " +
                                  QuoteType(pv.type()) + ".");
    }
    if (!(d >= 0.0 && d <= 1.0)) return bad_percentage();
    percentages.push_back(d);
  }
  args->resize(1);
  DataType result = array ? DataType::Array(t, false) : t;
  return AggregateFunctionPtr(std::make_shared<PercentileApprox>(
      t, std::move(result), std::move(percentages), accuracy, array));
}

}  // namespace

void RegisterPercentileAggregates(AggregateRegistry* r) {
  r->Register({"percentile_approx", 2, 3,
               "percentile_approx(col, percentage [, accuracy]) - Returns the approximate "
               "`percentile` of the numeric or ansi interval column `col` which is the smallest "
               "value in the ordered `col` values (sorted from least to greatest) such that no "
               "more than `percentage` of `col` values is less than the value or equal to that "
               "value.",
               ResolvePercentile});
  r->Alias("approx_percentile", "percentile_approx");
}

}  // namespace weir
