// The `nexmark` source: the Nexmark generator of bench/nexmark (NEXMARK.md) as a
// streaming source, emitting one kind of event (the `table` option: bid, auction or
// person) with NEXMARK.md's columns.
//
// Offsets are {"events":N,"startMs":T}: the events k < N of the stream (of every
// kind; the source emits those of its kind). An event is a pure function of k and the
// options (its draws are seeded with its id), so Read(start, end) generates events
// [start, end) again, identically, on any replay and after any restart, without any
// file. T is the processing time (epoch ms) the stream started at, taken from the
// Clock when the query first starts and carried in every offset, as the rate source
// does; only `rate` uses it. The generator layer is bench/nexmark's weir_nexmark
// library (types and common only), which weir_connectors links: see
// bench/nexmark/README.md for why it lives there.
//
// The same source over pregenerated events (RegisterPregeneratedNexmarkSource, for
// `weir bench nexmark --pregenerated`) hands out slices of batches generated before
// the query started instead of running the generator; everything else (options,
// offsets, partitions, column pruning) is the same.
//
// Thread-safety: the source follows source.h (one engine thread at a time); an
// epoch's table is immutable and opens an independent reader per partition.

#include "weir/connectors/nexmark_source.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include "weir/common/check.h"
#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"

#include "nexmark/generator.h"
#include "nexmark/pregenerated.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "nexmark source";
constexpr int kMaxPartitions = 65536;
constexpr int64_t kDefaultMaxEventsPerTrigger = 1000000;
constexpr std::array<std::string_view, 8> kKnownOptions = {
    "connector",           "table",     "events", "rate", "base_time", "first_event_rate",
    "maxEventsPerTrigger", "partitions"};

struct NexmarkOptions {
  nexmark::EventKind kind = nexmark::EventKind::kBid;
  int64_t events = 0;  // 0: unbounded
  int64_t rate = 0;    // events per second of processing time; 0: as fast as possible
  int64_t max_events_per_trigger = kDefaultMaxEventsPerTrigger;
  nexmark::GeneratorConfig config;
  int partitions = 1;
};

// Partition `partition` of an epoch: the events [begin, end) of the stream, of which
// it emits those of its kind, kDefaultBatchRows rows at a time.
class NexmarkReader final : public plan::BatchReader {
 public:
  NexmarkReader(std::unique_ptr<nexmark::BatchWriter> writer, SchemaPtr schema, int64_t begin,
                int64_t end)
      : writer_(std::move(writer)), schema_(std::move(schema)), next_(begin), end_(end) {}

  Result<bool> Next(Batch* out) override {
    if (next_ >= end_) return false;
    writer_->Append(&next_, end_, kDefaultBatchRows);
    ASSIGN_OR_RAISE(Batch batch, writer_->Finish());
    // The writer names the columns as the generator does; the table has the declared
    // names.
    if (batch.num_columns() == 0) {
      *out = std::move(batch);
    } else {
      ASSIGN_OR_RAISE(*out, Batch::Make(schema_, batch.columns()));
    }
    return true;
  }

 private:
  std::unique_ptr<nexmark::BatchWriter> writer_;
  SchemaPtr schema_;
  int64_t next_;
  int64_t end_;
};

// A partition of an epoch over pregenerated events: the rows of its events, read
// straight out of the stored batches (one stored batch per Next, a selection vector
// only where the partition cuts one), with the wanted columns shared, not copied.
class PregeneratedReader final : public plan::BatchReader {
 public:
  PregeneratedReader(std::shared_ptr<const nexmark::PregeneratedEvents> events,
                     nexmark::EventKind kind, int64_t begin, int64_t end,
                     std::vector<int> kind_columns, SchemaPtr schema)
      : events_(std::move(events)),
        batches_(&events_->Batches(kind)),
        next_row_(nexmark::CountOfKind(kind, begin)),
        end_row_(nexmark::CountOfKind(kind, end)),
        kind_columns_(std::move(kind_columns)),
        schema_(std::move(schema)) {}

  Result<bool> Next(Batch* out) override {
    if (next_row_ >= end_row_) return false;
    // Stored batch b holds the kind's rows [b * kDefaultBatchRows, ...), densely.
    const int64_t b = next_row_ / kDefaultBatchRows;
    const int64_t first = b * kDefaultBatchRows;
    const Batch& batch = (*batches_)[static_cast<size_t>(b)];
    WEIR_CHECK(batch.selection() == nullptr);
    const int64_t from = next_row_ - first;
    const int64_t to = std::min(end_row_ - first, batch.num_rows());
    next_row_ = first + to;
    if (kind_columns_.empty()) {
      *out = Batch::MakeRowsOnly(to - from);
      return true;
    }
    std::vector<ColumnPtr> columns;
    columns.reserve(kind_columns_.size());
    for (int c : kind_columns_) columns.push_back(batch.column(c));
    SelectionPtr selection;
    if (from != 0 || to != batch.num_rows()) {
      std::vector<uint32_t> rows(static_cast<size_t>(to - from));
      for (size_t i = 0; i < rows.size(); ++i)
        rows[i] = static_cast<uint32_t>(from + static_cast<int64_t>(i));
      selection = std::make_shared<const SelectionVector>(std::move(rows));
    }
    ASSIGN_OR_RAISE(*out, Batch::Make(schema_, std::move(columns), std::move(selection)));
    return true;
  }

 private:
  std::shared_ptr<const nexmark::PregeneratedEvents> events_;  // keeps batches_ alive
  const std::vector<Batch>* batches_;
  int64_t next_row_;  // the kind's rows [next_row_, end_row_) are still to come
  int64_t end_row_;
  std::vector<int> kind_columns_;  // columns of the stored batches, in output order
  SchemaPtr schema_;
};

// One epoch: events [begin, end) in `partitions` contiguous ranges, generated when
// read, or sliced out of `pregenerated` when it is set.
class NexmarkTable final : public plan::TableProvider {
 public:
  NexmarkTable(nexmark::Generator generator,
               std::shared_ptr<const nexmark::PregeneratedEvents> pregenerated,
               nexmark::EventKind kind, SchemaPtr schema, std::vector<int> kind_columns,
               std::string name, int partitions, int64_t begin, int64_t end)
      : generator_(std::move(generator)),
        pregenerated_(std::move(pregenerated)),
        kind_(kind),
        schema_(std::move(schema)),
        kind_columns_(std::move(kind_columns)),
        name_(std::move(name)),
        partitions_(partitions),
        begin_(begin),
        end_(end) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override {
    return "nexmark " + name_ + " [" + std::to_string(begin_) + ", " + std::to_string(end_) + ")";
  }
  int NumPartitions() const override { return partitions_; }

  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    if (partition < 0 || partition >= partitions_) {
      return Status::InvalidArgument("partition " + std::to_string(partition) + " out of range");
    }
    std::vector<int> generated;
    std::vector<Field> fields;
    for (int c : columns) {
      if (c < 0 || c >= schema_->num_fields()) {
        return Status::InvalidArgument("column out of range");
      }
      generated.push_back(kind_columns_[static_cast<size_t>(c)]);
      fields.push_back(schema_->field(c));
    }
    if (pregenerated_ != nullptr) {
      return std::make_unique<PregeneratedReader>(pregenerated_, kind_, Bound(partition),
                                                  Bound(partition + 1), std::move(generated),
                                                  MakeSchema(std::move(fields)));
    }
    ASSIGN_OR_RAISE(std::unique_ptr<nexmark::BatchWriter> writer,
                    nexmark::BatchWriter::Make(generator_, kind_, std::move(generated)));
    return std::make_unique<NexmarkReader>(std::move(writer), MakeSchema(std::move(fields)),
                                           Bound(partition), Bound(partition + 1));
  }

  std::optional<int64_t> EstimatedBytes() const override {
    const int64_t rows = nexmark::CountOfKind(kind_, end_) - nexmark::CountOfKind(kind_, begin_);
    const int64_t avg = kind_ == nexmark::EventKind::kPerson    ? nexmark::kAvgPersonBytes
                        : kind_ == nexmark::EventKind::kAuction ? nexmark::kAvgAuctionBytes
                                                                : nexmark::kAvgBidBytes;
    return rows * avg;
  }

 private:
  // The first event of partition p (p = partitions_: the end).
  int64_t Bound(int p) const {
    const __int128 span = static_cast<__int128>(end_ - begin_) * p / partitions_;
    return begin_ + static_cast<int64_t>(span);
  }

  nexmark::Generator generator_;
  std::shared_ptr<const nexmark::PregeneratedEvents> pregenerated_;  // null: generate
  nexmark::EventKind kind_;
  SchemaPtr schema_;
  std::vector<int> kind_columns_;  // table column -> generator column
  std::string name_;
  int partitions_;
  int64_t begin_;
  int64_t end_;
};

Status CheckKnownOptions(const stream::ConnectorContext& ctx) {
  for (const auto& [key, value] : ctx.options.all()) {
    const bool known = std::any_of(kKnownOptions.begin(), kKnownOptions.end(),
                                   [&](std::string_view k) { return EqualsIgnoreCase(k, key); });
    if (!known) {
      std::string list;
      for (std::string_view k : kKnownOptions) {
        if (k == "connector") continue;
        list += list.empty() ? "" : ", ";
        list += k;
      }
      return Status::InvalidOption("[INVALID_OPTION] The " + std::string(kWhat) + " `" + ctx.name +
                                   "` has no option '" + key + "'.")
          .WithHint("its options are " + list);
    }
  }
  return Status::OK();
}

// The integer option `key` (or `fallback`), which must lie in [min, max].
Result<int64_t> IntOption(const stream::ConnectorContext& ctx, std::string_view key,
                          int64_t fallback, int64_t min, int64_t max, std::string requirement,
                          std::string hint) {
  Result<int64_t> v = ctx.options.GetInt(key, fallback);
  if (!v.ok()) return NameOptionError(v.status(), kWhat, ctx.name);
  if (*v < min || *v > max) {
    return BadOption(kWhat, ctx.name, key, ctx.options.Get(key), requirement, std::move(hint));
  }
  return *v;
}

Result<NexmarkOptions> ParseNexmarkOptions(const stream::ConnectorContext& ctx) {
  RETURN_NOT_OK(CheckKnownOptions(ctx));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  NexmarkOptions o;
  const std::string raw_table = ctx.options.Get("table", "bid");
  std::string_view table = raw_table;
  while (!table.empty() && table.front() == ' ') table.remove_prefix(1);
  while (!table.empty() && table.back() == ' ') table.remove_suffix(1);
  if (EqualsIgnoreCase(table, "bid")) {
    o.kind = nexmark::EventKind::kBid;
  } else if (EqualsIgnoreCase(table, "auction")) {
    o.kind = nexmark::EventKind::kAuction;
  } else if (EqualsIgnoreCase(table, "person")) {
    o.kind = nexmark::EventKind::kPerson;
  } else {
    return BadOption(kWhat, ctx.name, "table", ctx.options.Get("table"),
                     "it must be 'bid', 'auction' or 'person'",
                     "declare one source per table: table = 'bid'");
  }
  ASSIGN_OR_RAISE(o.events, IntOption(ctx, "events", 0, 0, kMax, "it must be 0 or more",
                                      "the number of events of all kinds; 0 is unbounded"));
  ASSIGN_OR_RAISE(o.rate, IntOption(ctx, "rate", 0, 0, kMax, "it must be 0 or more",
                                    "events per second; 0 generates as fast as possible"));
  ASSIGN_OR_RAISE(o.max_events_per_trigger,
                  IntOption(ctx, "maxEventsPerTrigger", kDefaultMaxEventsPerTrigger, 1, kMax,
                            "it must be positive", "e.g. '1000000'"));
  ASSIGN_OR_RAISE(
      o.config.base_time_ms,
      IntOption(ctx, "base_time", nexmark::kDefaultBaseTimeMs, 0, nexmark::kMaxBaseTimeMs,
                "it must be between 0 and " + std::to_string(nexmark::kMaxBaseTimeMs),
                "epoch milliseconds, e.g. '1436918400000' (2015-07-15T00:00:00Z)"));
  ASSIGN_OR_RAISE(o.config.first_event_rate,
                  IntOption(ctx, "first_event_rate", nexmark::kDefaultFirstEventRate, 1, kMax,
                            "it must be positive", "events per second of event time"));
  ASSIGN_OR_RAISE(int64_t partitions,
                  IntOption(ctx, "partitions", 1, 1, kMaxPartitions,
                            "it must be between 1 and " + std::to_string(kMaxPartitions), ""));
  o.partitions = static_cast<int>(partitions);
  return o;
}

bool HasDeclaredColumns(const stream::ConnectorContext& ctx) {
  return ctx.schema != nullptr && ctx.schema->num_fields() > 0;
}

// The declared columns, each a column of the table with its type, in any order and
// any subset; without declared columns, all of them.
Result<std::vector<int>> ResolveColumns(const stream::ConnectorContext& ctx,
                                        nexmark::EventKind kind) {
  const Schema& full = *nexmark::SchemaOf(kind);
  if (!HasDeclaredColumns(ctx)) return AllFieldIndices(full);
  std::vector<int> out;
  for (const Field& f : ctx.schema->fields()) {
    std::optional<int> index = full.FindField(f.name);
    if (!index) {
      return Status::InvalidSql("The " + std::string(kWhat) + " `" + ctx.name +
                                "` declares the column `" + f.name + "`, which the nexmark " +
                                std::string(nexmark::KindName(kind)) + " table does not have.")
          .WithHint("its columns are " + full.ToString());
    }
    const DataType& want = full.field(*index).type;
    if (!(f.type == want)) {
      return Status::InvalidSql("The " + std::string(kWhat) + " `" + ctx.name + "` declares `" +
                                f.name + "` as " + f.type.ToDdl() + ", but the nexmark " +
                                std::string(nexmark::KindName(kind)) + " column is " +
                                want.ToDdl() + ".")
          .WithHint("its columns are " + full.ToString());
    }
    out.push_back(*index);
  }
  return out;
}

class NexmarkSource final : public stream::Source {
 public:
  NexmarkSource(const stream::ConnectorContext& ctx, NexmarkOptions options,
                nexmark::Generator generator,
                std::shared_ptr<const nexmark::PregeneratedEvents> pregenerated, SchemaPtr schema,
                std::vector<int> kind_columns)
      : name_(ctx.name),
        clock_(ctx.clock != nullptr ? ctx.clock : SystemClock()),
        options_(options),
        generator_(std::move(generator)),
        pregenerated_(std::move(pregenerated)),
        schema_(std::move(schema)),
        kind_columns_(std::move(kind_columns)),
        creation_ms_(FloorDiv(clock_->NowMicros(), 1000)),
        bound_(options_.events > 0 ? options_.events : generator_.max_events()) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override {
    return std::string(pregenerated_ != nullptr ? "NexmarkPregenerated" : "Nexmark") +
           "[table=" + std::string(nexmark::KindName(options_.kind)) +
           ", events=" + std::to_string(options_.events) +
           ", rate=" + std::to_string(options_.rate) +
           ", partitions=" + std::to_string(options_.partitions) + "]";
  }

  Result<stream::Offset> InitialOffset() override { return MakeOffset(0, creation_ms_); }

  Result<stream::Offset> LatestOffset(const stream::Offset& start,
                                      const stream::ReadLimit& limit) override {
    ASSIGN_OR_RAISE(Position s, Parse(start));
    const int64_t now_ms =
        available_now_ms_ ? *available_now_ms_ : FloorDiv(clock_->NowMicros(), 1000);
    int64_t latest = Available(s, now_ms);
    // Trigger.Once reads everything there is, unless there is no end to it.
    const bool unbounded = options_.events == 0 && options_.rate == 0;
    if (!limit.all_available || unbounded) {
      latest = std::min(latest, SaturatingAdd(s.events, options_.max_events_per_trigger));
    }
    return MakeOffset(std::max(latest, s.events), s.start_ms);
  }

  Status PrepareForAvailableNow() override {
    if (options_.events == 0 && options_.rate == 0) {
      return Status::InvalidOption("[INVALID_OPTION] The " + std::string(kWhat) + " `" + name_ +
                                   "` is unbounded (events = 0 and rate = 0), so AvailableNow "
                                   "has no end to read up to.")
          .WithHint("set a number of events, e.g. events = '1000000', or a rate");
    }
    available_now_ms_ = FloorDiv(clock_->NowMicros(), 1000);
    return Status::OK();
  }

  Result<plan::TableProviderPtr> Read(const stream::Offset& start,
                                      const stream::Offset& end) override {
    ASSIGN_OR_RAISE(Position s, Parse(start));
    ASSIGN_OR_RAISE(Position e, Parse(end));
    if (s.start_ms != e.start_ms || e.events < s.events) {
      return Status::InvalidArgument("The " + std::string(kWhat) + " `" + name_ +
                                     "` cannot read from " + start + " to " + end +
                                     ": the offsets do not belong together.");
    }
    if (e.events > generator_.max_events()) {
      return Status::InvalidInput("[ARITHMETIC_OVERFLOW] The " + std::string(kWhat) + " `" + name_ +
                                  "` cannot generate event " + std::to_string(e.events) +
                                  ": with this base_time and first_event_rate its event time "
                                  "passes year 9999 after " +
                                  std::to_string(generator_.max_events()) + " events.");
    }
    if (pregenerated_ != nullptr && e.events > pregenerated_->events()) {
      return Status::InvalidArgument("The " + std::string(kWhat) + " `" + name_ +
                                     "` cannot read event " + std::to_string(e.events) + ": only " +
                                     std::to_string(pregenerated_->events()) +
                                     " events were pregenerated.");
    }
    return std::make_shared<NexmarkTable>(generator_, pregenerated_, options_.kind, schema_,
                                          kind_columns_, name_, options_.partitions, s.events,
                                          e.events);
  }

  Status Commit(const stream::Offset& end) override { return Parse(end).status(); }

 private:
  struct Position {
    int64_t events = 0;
    int64_t start_ms = 0;
  };

  static int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
  }
  static int64_t SaturatingAdd(int64_t a, int64_t b) {
    return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max()
                                                       : a + b;
  }

  // The events generated by `now_ms`: all of them (up to `events`) without a rate,
  // else rate per second since the stream started.
  int64_t Available(const Position& s, int64_t now_ms) const {
    int64_t available = bound_;
    if (options_.rate > 0) {
      const __int128 elapsed = std::max<int64_t>(now_ms - s.start_ms, 0);
      const __int128 scheduled = elapsed * options_.rate / 1000;
      available = static_cast<int64_t>(std::min<__int128>(scheduled, available));
    }
    return available;
  }

  static stream::Offset MakeOffset(int64_t events, int64_t start_ms) {
    return OffsetJson({{"events", events}, {"startMs", start_ms}});
  }

  Result<Position> Parse(const stream::Offset& offset) const {
    const std::string what = std::string(kWhat) + " `" + name_ + "`";
    Position p;
    ASSIGN_OR_RAISE(p.events, OffsetField(offset, "events", what));
    ASSIGN_OR_RAISE(p.start_ms, OffsetField(offset, "startMs", what));
    if (p.events < 0) {
      return Status::InvalidArgument("The " + what + " cannot read the offset '" + offset +
                                     "': a negative event count.");
    }
    return p;
  }

  std::string name_;
  Clock* clock_;
  NexmarkOptions options_;
  nexmark::Generator generator_;
  std::shared_ptr<const nexmark::PregeneratedEvents> pregenerated_;  // null: generate
  SchemaPtr schema_;
  std::vector<int> kind_columns_;
  int64_t creation_ms_;
  // The last event plus one: `events`, or the generator's limit when unbounded.
  int64_t bound_;
  // AvailableNow: the processing time whose events the run ends with.
  std::optional<int64_t> available_now_ms_;
};

// Makes a nexmark source; over `pregenerated` when it is set (whose configuration,
// kinds and event count the options must fit).
Result<stream::SourcePtr> MakeNexmarkSource(
    const stream::ConnectorContext& ctx,
    const std::shared_ptr<const nexmark::PregeneratedEvents>& pregenerated) {
  ASSIGN_OR_RAISE(NexmarkOptions options, ParseNexmarkOptions(ctx));
  Result<nexmark::Generator> generator = nexmark::Generator::Make(options.config);
  if (!generator.ok()) {
    return Status::InvalidOption("[INVALID_OPTION] The " + std::string(kWhat) + " `" + ctx.name +
                                 "`: " + generator.status().message());
  }
  if (options.events > generator->max_events()) {
    return BadOption(kWhat, ctx.name, "events", ctx.options.Get("events"),
                     "with this base_time and first_event_rate, event times pass year "
                     "9999 after " +
                         std::to_string(generator->max_events()) + " events");
  }
  if (pregenerated != nullptr) {
    const nexmark::GeneratorConfig& have = pregenerated->config();
    if (have.base_time_ms != options.config.base_time_ms ||
        have.first_event_rate != options.config.first_event_rate) {
      return Status::InvalidOption("[INVALID_OPTION] The " + std::string(kWhat) + " `" + ctx.name +
                                   "` asks for base_time and first_event_rate other than those "
                                   "of the pregenerated events.");
    }
    if (!pregenerated->Has(options.kind)) {
      return Status::InvalidOption("[INVALID_OPTION] The " + std::string(kWhat) + " `" + ctx.name +
                                   "` reads " + std::string(nexmark::KindName(options.kind)) +
                                   " events, which were not pregenerated.");
    }
    if (options.events == 0 || options.events > pregenerated->events()) {
      return BadOption(kWhat, ctx.name, "events", ctx.options.Get("events"),
                       "it must be between 1 and the " + std::to_string(pregenerated->events()) +
                           " pregenerated events");
    }
  }
  ASSIGN_OR_RAISE(std::vector<int> columns, ResolveColumns(ctx, options.kind));
  SchemaPtr schema = HasDeclaredColumns(ctx) ? ctx.schema : nexmark::SchemaOf(options.kind);
  return std::make_shared<NexmarkSource>(ctx, options, std::move(*generator), pregenerated,
                                         std::move(schema), std::move(columns));
}

}  // namespace

void RegisterNexmarkSource(stream::ConnectorRegistry* registry) {
  registry->RegisterSource("nexmark",
                           [](const stream::ConnectorContext& ctx) -> Result<stream::SourcePtr> {
                             return MakeNexmarkSource(ctx, nullptr);
                           });
}

void RegisterPregeneratedNexmarkSource(stream::ConnectorRegistry* registry, std::string name,
                                       std::shared_ptr<const nexmark::PregeneratedEvents> events) {
  WEIR_CHECK(events != nullptr);
  registry->RegisterSource(std::move(name),
                           [events = std::move(events)](
                               const stream::ConnectorContext& ctx) -> Result<stream::SourcePtr> {
                             return MakeNexmarkSource(ctx, events);
                           });
}

}  // namespace weir::connectors
