// The `rate` source (Spark 3.5's RateStreamProvider / RateStreamMicroBatchStream):
// rows (timestamp, value) at rowsPerSecond, after an optional linear ramp-up.
//
// Offsets are {"seconds":N,"startMs":T}: N whole seconds since the stream's start
// time T (epoch milliseconds, taken from the Clock when the source is created for a
// new query). Spark keeps T in a metadata log next to its offsets; weir carries it in
// every offset instead, so Read(start, end) is a pure function of the two offsets and
// the options: a restarted query replays identical rows without any file. The rows
// of seconds (a, b] are the values [ValueAtSecond(a), ValueAtSecond(b)), spread evenly
// over the interval's milliseconds, partition p holding values start + p + k * n.

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "weir/common/check.h"
#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"
#include "weir/types/builder.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "rate source";
constexpr int kMaxPartitions = 65536;

// Spark's RateStreamProvider.valueAtSecond: the first value not yet emitted at
// `seconds`. Exact in 128 bits; the caller keeps seconds <= INT64_MAX / rowsPerSecond,
// which bounds the result by INT64_MAX.
int64_t ValueAtSecond(int64_t seconds, int64_t rows_per_second, int64_t ramp_up_seconds) {
  const __int128 delta = rows_per_second / (ramp_up_seconds + 1);
  auto ramp = [&](__int128 s) { return delta * s * (s + 1) / 2; };
  __int128 v = seconds <= ramp_up_seconds
                   ? ramp(seconds)
                   : ramp(ramp_up_seconds) +
                         static_cast<__int128>(seconds - ramp_up_seconds) * rows_per_second;
  return static_cast<int64_t>(std::min<__int128>(v, std::numeric_limits<int64_t>::max()));
}

// Java's Math.round(double) for the values used here (finite, well inside int64).
int64_t JavaRound(double x) { return static_cast<int64_t>(std::floor(x + 0.5)); }

// Partition `partition` of a rate epoch: values range_start + partition + k * stride
// below range_end, in batches of at most kDefaultBatchRows rows.
class RateReader final : public plan::BatchReader {
 public:
  RateReader(int64_t first, int64_t stride, int64_t range_start, int64_t range_end,
             int64_t local_start_ms, double ms_per_value, std::vector<int> columns,
             SchemaPtr schema)
      : next_(first),
        stride_(stride),
        range_start_(range_start),
        range_end_(range_end),
        local_start_ms_(local_start_ms),
        ms_per_value_(ms_per_value),
        columns_(std::move(columns)),
        schema_(std::move(schema)) {}

  Result<bool> Next(Batch* out) override {
    if (next_ >= range_end_) return false;
    // Rows left in this partition, without overflowing near INT64_MAX.
    const int64_t left = (range_end_ - next_ - 1) / stride_ + 1;
    const int64_t n = std::min(left, kDefaultBatchRows);
    if (columns_.empty()) {
      *out = Batch::MakeRowsOnly(n);
    } else {
      Int64Builder timestamps(DataType::Timestamp());
      Int64Builder values(DataType::Int64());
      timestamps.Reserve(n);
      values.Reserve(n);
      int64_t v = next_;
      for (int64_t i = 0; i < n; ++i) {
        const int64_t ms =
            local_start_ms_ + JavaRound(static_cast<double>(v - range_start_) * ms_per_value_);
        timestamps.Append(ms * 1000);
        values.Append(v);
        if (i + 1 < n) v += stride_;  // never steps past range_end, so never overflows
      }
      ColumnPtr ts = timestamps.Finish();
      ColumnPtr val = values.Finish();
      std::vector<ColumnPtr> cols;
      for (int c : columns_) cols.push_back(c == 0 ? ts : val);
      ASSIGN_OR_RAISE(*out, Batch::Make(schema_, std::move(cols)));
    }
    // The next first value, saturating so the end test above terminates.
    const __int128 after = static_cast<__int128>(next_) + static_cast<__int128>(n) * stride_;
    next_ = static_cast<int64_t>(std::min<__int128>(after, range_end_));
    return true;
  }

 private:
  int64_t next_;
  int64_t stride_;
  int64_t range_start_;
  int64_t range_end_;
  int64_t local_start_ms_;
  double ms_per_value_;
  std::vector<int> columns_;
  SchemaPtr schema_;
};

// One epoch of rate rows: values [range_start, range_end) over numPartitions readers.
class RateTable final : public plan::TableProvider {
 public:
  RateTable(SchemaPtr schema, std::string name, int partitions, int64_t range_start,
            int64_t range_end, int64_t local_start_ms, double ms_per_value)
      : schema_(std::move(schema)),
        name_(std::move(name)),
        partitions_(partitions),
        range_start_(range_start),
        range_end_(range_end),
        local_start_ms_(local_start_ms),
        ms_per_value_(ms_per_value) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override {
    return "rate " + name_ + " [" + std::to_string(range_start_) + ", " +
           std::to_string(range_end_) + ")";
  }
  int NumPartitions() const override { return partitions_; }
  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    if (partition < 0 || partition >= partitions_) {
      return Status::InvalidArgument("partition " + std::to_string(partition) + " out of range");
    }
    std::vector<Field> fields;
    for (int c : columns) {
      if (c < 0 || c >= schema_->num_fields())
        return Status::InvalidArgument("column out of range");
      fields.push_back(schema_->field(c));
    }
    // range_start + partition cannot overflow: range_end <= INT64_MAX bounds it or the
    // partition is empty (first >= range_end).
    const int64_t first =
        range_end_ - range_start_ <= partition ? range_end_ : range_start_ + partition;
    return std::make_unique<RateReader>(first, partitions_, range_start_, range_end_,
                                        local_start_ms_, ms_per_value_, columns,
                                        MakeSchema(std::move(fields)));
  }

 private:
  SchemaPtr schema_;
  std::string name_;
  int partitions_;
  int64_t range_start_;
  int64_t range_end_;
  int64_t local_start_ms_;
  double ms_per_value_;
};

struct RateOptions {
  int64_t rows_per_second = 1;
  int64_t ramp_up_seconds = 0;
  int num_partitions = 1;
  std::string num_partitions_text = "default";
};

// Spark's JavaUtils.timeStringAsSec: a bare number is seconds; a finer unit is
// truncated to whole seconds.
Result<int64_t> ParseRampUp(const stream::Options& options, std::string_view name) {
  const std::string raw = options.Get("rampUpTime");
  const size_t begin = raw.find_first_not_of(" \t");
  const std::string text =
      begin == std::string::npos ? "" : raw.substr(begin, raw.find_last_not_of(" \t") + 1 - begin);
  if (!options.Has("rampUpTime")) return int64_t{0};
  const bool digits =
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits && !text.empty() && text.size() <= 18) return std::stoll(text);
  Result<int64_t> micros = options.GetDurationMicros("rampUpTime", 0);
  if (!micros.ok() || *micros < 0) {
    return BadOption(kWhat, name, "rampUpTime", raw, "it must be a non-negative duration",
                     "write it like '5s', '10 seconds' or '1m'");
  }
  return *micros / 1000000;
}

Result<RateOptions> ParseRateOptions(const stream::ConnectorContext& ctx) {
  RateOptions o;
  const stream::Options& opts = ctx.options;
  Result<int64_t> rps = opts.GetInt("rowsPerSecond", 1);
  if (!rps.ok()) return NameOptionError(rps.status(), kWhat, ctx.name);
  if (*rps <= 0) {
    return BadOption(kWhat, ctx.name, "rowsPerSecond", opts.Get("rowsPerSecond"),
                     "it must be positive", "use a whole number of rows per second, e.g. '10'");
  }
  o.rows_per_second = *rps;
  ASSIGN_OR_RAISE(o.ramp_up_seconds, ParseRampUp(opts, ctx.name));
  const int64_t max_seconds = std::numeric_limits<int64_t>::max() / o.rows_per_second;
  if (o.ramp_up_seconds > max_seconds) {
    return BadOption(kWhat, ctx.name, "rampUpTime", opts.Get("rampUpTime"),
                     "it overflows the row count: at most " + std::to_string(max_seconds) +
                         " seconds at " + std::to_string(o.rows_per_second) + " rowsPerSecond");
  }
  Result<int64_t> parts = opts.GetInt("numPartitions", 1);
  if (!parts.ok()) return NameOptionError(parts.status(), kWhat, ctx.name);
  if (*parts <= 0 || *parts > kMaxPartitions) {
    return BadOption(kWhat, ctx.name, "numPartitions", opts.Get("numPartitions"),
                     "it must be between 1 and " + std::to_string(kMaxPartitions));
  }
  o.num_partitions = static_cast<int>(*parts);
  if (opts.Has("numPartitions")) o.num_partitions_text = opts.Get("numPartitions");
  return o;
}

class RateSource final : public stream::Source {
 public:
  RateSource(const stream::ConnectorContext& ctx, RateOptions options)
      : name_(ctx.name),
        clock_(ctx.clock != nullptr ? ctx.clock : SystemClock()),
        options_(std::move(options)),
        schema_(MakeSchema(
            {Field{"timestamp", DataType::Timestamp()}, Field{"value", DataType::Int64()}})),
        creation_ms_(FloorDiv(clock_->NowMicros(), 1000)),
        max_seconds_(std::numeric_limits<int64_t>::max() / options_.rows_per_second) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override {
    return "RateStreamV2[rowsPerSecond=" + std::to_string(options_.rows_per_second) +
           ", rampUpTimeSeconds=" + std::to_string(options_.ramp_up_seconds) +
           ", numPartitions=" + options_.num_partitions_text + "]";
  }

  Result<stream::Offset> InitialOffset() override { return MakeOffset(0, creation_ms_); }

  Result<stream::Offset> LatestOffset(const stream::Offset& start,
                                      const stream::ReadLimit& /*limit*/) override {
    ASSIGN_OR_RAISE(Position s, Parse(start));
    const int64_t elapsed_ms = FloorDiv(clock_->NowMicros(), 1000) - s.start_ms;
    int64_t seconds = std::max(s.seconds, elapsed_ms / 1000);
    if (available_now_ms_.has_value()) {
      const int64_t cap = (*available_now_ms_ - s.start_ms) / 1000;
      seconds = std::max(s.seconds, std::min(seconds, cap));
    }
    seconds = std::min(seconds, std::max(s.seconds, max_seconds_));
    return MakeOffset(seconds, s.start_ms);
  }

  Status PrepareForAvailableNow() override {
    // The data "there now": the seconds elapsed since the stream's start. The start
    // time is in the offsets, so fix the wall-clock instant here.
    available_now_ms_ = FloorDiv(clock_->NowMicros(), 1000);
    return Status::OK();
  }

  Result<plan::TableProviderPtr> Read(const stream::Offset& start,
                                      const stream::Offset& end) override {
    ASSIGN_OR_RAISE(Position s, Parse(start));
    ASSIGN_OR_RAISE(Position e, Parse(end));
    if (s.start_ms != e.start_ms || e.seconds < s.seconds) {
      return Status::InvalidArgument("The rate source `" + name_ + "` cannot read from " + start +
                                     " to " + end + ": the offsets do not belong together.");
    }
    if (e.seconds > max_seconds_) {
      return Status::InvalidInput(
          "[ARITHMETIC_OVERFLOW] The rate source `" + name_ + "` overflows: at most " +
          std::to_string(max_seconds_) + " seconds at " + std::to_string(options_.rows_per_second) +
          " rowsPerSecond, but the offset is " + std::to_string(e.seconds) + " seconds.");
    }
    const int64_t range_start =
        ValueAtSecond(s.seconds, options_.rows_per_second, options_.ramp_up_seconds);
    const int64_t range_end =
        ValueAtSecond(e.seconds, options_.rows_per_second, options_.ramp_up_seconds);
    const int64_t local_start_ms = s.start_ms + s.seconds * 1000;
    const double ms_per_value = range_end == range_start
                                    ? 0.0
                                    : static_cast<double>((e.seconds - s.seconds) * 1000) /
                                          static_cast<double>(range_end - range_start);
    return std::make_shared<RateTable>(schema_, name_, options_.num_partitions, range_start,
                                       range_end, local_start_ms, ms_per_value);
  }

  Status Commit(const stream::Offset& /*end*/) override { return Status::OK(); }

 private:
  struct Position {
    int64_t seconds = 0;
    int64_t start_ms = 0;
  };

  static int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
  }

  static stream::Offset MakeOffset(int64_t seconds, int64_t start_ms) {
    return OffsetJson({{"seconds", seconds}, {"startMs", start_ms}});
  }

  Result<Position> Parse(const stream::Offset& offset) const {
    const std::string what = "rate source `" + name_ + "`";
    Position p;
    ASSIGN_OR_RAISE(p.seconds, OffsetField(offset, "seconds", what));
    ASSIGN_OR_RAISE(p.start_ms, OffsetField(offset, "startMs", what));
    if (p.seconds < 0) {
      return Status::InvalidArgument("The " + what + " cannot read the offset '" + offset +
                                     "': negative seconds.");
    }
    return p;
  }

  std::string name_;
  Clock* clock_;
  RateOptions options_;
  SchemaPtr schema_;
  int64_t creation_ms_;
  int64_t max_seconds_;
  // AvailableNow: the wall-clock instant (epoch ms) LatestOffset does not go past.
  std::optional<int64_t> available_now_ms_;
};

}  // namespace

void RegisterRateSource(stream::ConnectorRegistry* registry) {
  registry->RegisterSource("rate",
                           [](const stream::ConnectorContext& ctx) -> Result<stream::SourcePtr> {
                             ASSIGN_OR_RAISE(RateOptions options, ParseRateOptions(ctx));
                             return std::make_shared<RateSource>(ctx, std::move(options));
                           });
}

}  // namespace weir::connectors
