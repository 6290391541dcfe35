// The streaming `kafka` source: topics of a Kafka cluster through librdkafka, with the
// options and raw columns of Spark's Kafka source and, with a `format`, the record
// values decoded into the declared columns (as the `log` source does).
//
// Partitions are assigned explicitly, at offsets from the query's checkpoint: no
// consumer group is joined and no group offsets are committed or read. Offsets are per
// topic and partition the next offset to read (kafka_internal.h). Each LatestOffset
// refreshes the cluster's metadata — so partitions added to a subscribed topic, and
// topics created that match subscribePattern, are picked up — and returns each
// partition's end (read_committed: its last stable offset), capped by
// maxOffsetsPerTrigger and endingOffsets. A partition first seen after the query
// started is read from its beginning (offset 0), as Spark does. Read(start, end)
// returns a table with one scan partition per Kafka partition (more with
// minPartitions), reading [start, end); an offset always holds the same record, so a
// replayed epoch reads the same rows, unless retention deleted them (failOnDataLoss).
//
// The factory does not connect: CREATE SOURCE probes a source for its columns, which
// needs no cluster. The first InitialOffset or LatestOffset does.
//
// Thread-safety: the engine calls one source from one thread (stream/source.h); the
// consumer pool is thread-safe and shared with the tables Read returns.

#include <algorithm>
#include <cctype>
#include <optional>

#include <re2/re2.h>

#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"
#include "weir/connectors/kafka_internal.h"
#include "weir/connectors/log_source_internal.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "kafka source";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> SplitTopics(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string topic = list.substr(start, comma - start);
    topic.erase(0, topic.find_first_not_of(" \t"));
    topic.erase(topic.find_last_not_of(" \t") + 1);
    if (!topic.empty() && std::find(out.begin(), out.end(), topic) == out.end()) {
      out.push_back(std::move(topic));
    }
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

// RE2 options that report a bad pattern through re.error() only.
RE2::Options QuietRegex() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

enum class Strategy : uint8_t { kSubscribe, kPattern, kAssign };

struct KafkaSourceOptions {
  KafkaSettings client;
  Strategy strategy = Strategy::kSubscribe;
  std::vector<std::string> topics;            // subscribe
  std::string pattern;                        // subscribePattern
  std::vector<TopicPartition> assigned;       // assign
  std::string starting_offsets;               // earliest | latest | JSON
  std::optional<std::string> ending_offsets;  // latest | JSON
  std::optional<int64_t> max_offsets_per_trigger;
  int64_t min_partitions = 0;
  bool fail_on_data_loss = true;
  bool include_headers = false;
  int poll_timeout_ms = 120000;
};

Result<int64_t> PositiveOption(const stream::ConnectorContext& ctx, std::string_view key,
                               std::string_view name, int64_t max) {
  Result<int64_t> n = ctx.options.GetInt(key, 0);
  if (!n.ok() || *n <= 0 || *n > max) {
    return BadOption(kWhat, ctx.name, name, ctx.options.Get(key),
                     "it must be a positive integer (at most " + std::to_string(max) + ")");
  }
  return *n;
}

Result<KafkaSourceOptions> ParseSourceOptions(const stream::ConnectorContext& ctx) {
  const stream::Options& o = ctx.options;
  KafkaSourceOptions out;
  out.client = KafkaClientSettings(o);
  if (!o.Has("kafka.bootstrap.servers")) {
    return MissingOption(kWhat, ctx.name, "kafka.bootstrap.servers",
                         "name the brokers: 'kafka.bootstrap.servers' = 'host1:9092,host2:9092'");
  }
  // Spark refuses these: the source positions itself, and commits nothing.
  for (std::string_view refused : {"kafka.auto.offset.reset", "kafka.enable.auto.commit"}) {
    if (o.Has(refused)) {
      return BadOption(kWhat, ctx.name, refused, o.Get(refused),
                       "the source assigns partitions at offsets from its checkpoint",
                       "use startingOffsets = 'earliest' or 'latest' instead");
    }
  }
  const int strategies =
      int{o.Has("subscribe")} + int{o.Has("subscribepattern")} + int{o.Has("assign")};
  if (strategies != 1) {
    return Status::InvalidOption(
               "[INVALID_OPTION] The kafka source `" + ctx.name +
               "` needs exactly one of the options subscribe, "
               "subscribePattern and assign" +
               (strategies == 0 ? "" : ", but it has " + std::to_string(strategies)) + ".")
        .WithHint(
            "subscribe = 'clicks,views', subscribePattern = 'clicks-.*' or assign = "
            "'{\"clicks\":[0,1]}'");
  }
  if (o.Has("subscribe")) {
    out.topics = SplitTopics(o.Get("subscribe"));
    if (out.topics.empty()) {
      return BadOption(kWhat, ctx.name, "subscribe", o.Get("subscribe"),
                       "it must name at least one topic");
    }
  } else if (o.Has("subscribepattern")) {
    out.strategy = Strategy::kPattern;
    out.pattern = o.Get("subscribepattern");
    RE2 re(out.pattern, QuietRegex());
    if (out.pattern.empty() || !re.ok()) {
      return BadOption(
          kWhat, ctx.name, "subscribePattern", out.pattern,
          "it must be a regular expression" + (re.ok() ? std::string() : ": " + re.error()));
    }
  } else {
    out.strategy = Strategy::kAssign;
    ASSIGN_OR_RAISE(out.assigned,
                    ParseKafkaAssign(o.Get("assign"), std::string(kWhat) + " `" + ctx.name + "`"));
  }
  if (o.Has("endingoffsets")) {
    out.ending_offsets = o.Get("endingoffsets");
    if (Lower(*out.ending_offsets) == "earliest") {
      return BadOption(kWhat, ctx.name, "endingOffsets", *out.ending_offsets,
                       "it must be latest or per-partition JSON (earliest would read nothing)");
    }
  }
  // Spark's defaults: a stream starts at the end, a bounded (batch) read at the start.
  out.starting_offsets =
      o.Get("startingoffsets", out.ending_offsets.has_value() ? "earliest" : "latest");
  if (o.Has("maxoffsetspertrigger")) {
    ASSIGN_OR_RAISE(out.max_offsets_per_trigger,
                    PositiveOption(ctx, "maxoffsetspertrigger", "maxOffsetsPerTrigger",
                                   std::numeric_limits<int64_t>::max()));
  }
  if (o.Has("minpartitions")) {
    ASSIGN_OR_RAISE(out.min_partitions,
                    PositiveOption(ctx, "minpartitions", "minPartitions", 65536));
  }
  if (o.Has("kafkaconsumer.polltimeoutms")) {
    ASSIGN_OR_RAISE(int64_t ms, PositiveOption(ctx, "kafkaconsumer.polltimeoutms",
                                               "kafkaConsumer.pollTimeoutMs", 86400000));
    out.poll_timeout_ms = static_cast<int>(ms);
  }
  Result<bool> fail = o.GetBool("failondataloss", true);
  if (!fail.ok()) return NameOptionError(fail.status(), kWhat, ctx.name);
  out.fail_on_data_loss = *fail;
  Result<bool> headers = o.GetBool("includeheaders", false);
  if (!headers.ok()) return NameOptionError(headers.status(), kWhat, ctx.name);
  out.include_headers = *headers;
  return out;
}

class KafkaSource final : public stream::Source {
 public:
  KafkaSource(const stream::ConnectorContext& ctx, KafkaSourceOptions options,
              std::shared_ptr<const formats::FileFormat> format, SchemaPtr schema)
      : name_(ctx.name),
        options_(std::move(options)),
        format_(std::move(format)),
        schema_(std::move(schema)) {
    // Defaults a user may change, then what the source relies on: end-of-partition
    // events end a range exactly; nothing is committed to a group.
    KafkaSettings defaults = {{"client.id", "weir-" + ctx.name},
                              {"isolation.level", "read_committed"}};
    KafkaSettings fixed = {{"enable.partition.eof", "true"},
                           {"enable.auto.commit", "false"},
                           {"enable.auto.offset.store", "false"}};
    pool_ = std::make_shared<KafkaConsumerPool>(std::move(defaults), options_.client,
                                                std::move(fixed), What());
  }

  ~KafkaSource() override { Stop(); }

  const SchemaPtr& schema() const override { return schema_; }

  std::string Describe() const override {
    std::string out = "KafkaV2[";
    switch (options_.strategy) {
      case Strategy::kSubscribe: {
        out += "Subscribe[";
        for (size_t i = 0; i < options_.topics.size(); ++i) {
          out += (i > 0 ? "," : "") + options_.topics[i];
        }
        break;
      }
      case Strategy::kPattern:
        out += "SubscribePattern[" + options_.pattern;
        break;
      case Strategy::kAssign: {
        out += "Assign[";
        for (size_t i = 0; i < options_.assigned.size(); ++i) {
          out += (i > 0 ? ", " : "") + options_.assigned[i].first + "-" +
                 std::to_string(options_.assigned[i].second);
        }
        break;
      }
    }
    return out + "]]";
  }

  Result<stream::Offset> InitialOffset() override {
    ASSIGN_OR_RAISE(std::vector<TopicPartition> partitions, Discover());
    ASSIGN_OR_RAISE(KafkaOffsets out,
                    Resolve(options_.starting_offsets, "startingOffsets", partitions));
    return FormatKafkaOffsets(out);
  }

  Result<stream::Offset> LatestOffset(const stream::Offset& start,
                                      const stream::ReadLimit& limit) override {
    ASSIGN_OR_RAISE(KafkaOffsets from, Parse(start));
    KafkaOffsets until;
    if (available_now_.has_value()) {
      until = *available_now_;
    } else {
      ASSIGN_OR_RAISE(until, Ends());
    }
    RETURN_NOT_OK(CheckGone(from, &until));
    if (options_.max_offsets_per_trigger && !limit.all_available) {
      until = RateLimitKafkaOffsets(from, until, *options_.max_offsets_per_trigger);
    }
    return FormatKafkaOffsets(until);
  }

  Status PrepareForAvailableNow() override {
    ASSIGN_OR_RAISE(KafkaOffsets ends, Ends());
    available_now_ = std::move(ends);
    return Status::OK();
  }

  Result<plan::TableProviderPtr> Read(const stream::Offset& start,
                                      const stream::Offset& end) override {
    ASSIGN_OR_RAISE(KafkaOffsets from, Parse(start));
    ASSIGN_OR_RAISE(KafkaOffsets until, Parse(end));
    std::vector<KafkaRange> ranges;
    for (const auto& [tp, to] : until) {
      auto f = from.find(tp);
      // A partition first seen in this epoch is read from its beginning.
      const int64_t begin = f == from.end() ? 0 : f->second;
      // A partition whose end went back (failOnDataLoss = false, checked when the end
      // was planned) has nothing to read: the next epoch starts at its new end.
      if (to <= begin) continue;
      ranges.push_back(KafkaRange{tp.first, tp.second, begin, to});
    }
    KafkaReadSpec spec;
    spec.pool = pool_;
    spec.ranges = SplitKafkaRanges(std::move(ranges), options_.min_partitions);
    spec.fail_on_data_loss = options_.fail_on_data_loss;
    spec.poll_timeout_ms = options_.poll_timeout_ms;
    spec.format = format_;
    spec.schema = schema_;
    spec.counters = counters_;
    spec.source_name = name_;
    return MakeKafkaTable(std::move(spec));
  }

  // Kafka keeps the data for every reader; a committed end needs nothing here.
  Status Commit(const stream::Offset& end) override { return Parse(end).status(); }

  // The pool lives on in tables still being read (a batch read's), and closes its
  // clients when the last one is gone.
  void Stop() override {}

  stream::SourceMetrics metrics() const override {
    stream::SourceMetrics m;
    m.malformed_records = counters_->malformed.load(std::memory_order_relaxed);
    m.dropped_records = counters_->dropped.load(std::memory_order_relaxed);
    return m;
  }

 private:
  std::string What() const { return std::string(kWhat) + " `" + name_ + "`"; }

  Result<rd_kafka_t*> Client() { return pool_->MetadataClient(); }

  // The partitions the source reads now: the subscribed topics' (or those matching the
  // pattern), or the assigned ones.
  Result<std::vector<TopicPartition>> Discover() {
    ASSIGN_OR_RAISE(rd_kafka_t * rk, Client());
    ASSIGN_OR_RAISE(auto topics, KafkaListTopics(rk, options_.poll_timeout_ms, What()));
    std::vector<TopicPartition> out;
    if (options_.strategy == Strategy::kAssign) {
      for (const TopicPartition& tp : options_.assigned) {
        auto it = topics.find(tp.first);
        if (it == topics.end() || tp.second >= it->second) {
          return Status::NotFound(
              "The " + What() + " is assigned partition " + std::to_string(tp.second) +
              " of topic '" + tp.first + "', which the cluster does not have" +
              (it == topics.end() ? ""
                                  : " (it has " + std::to_string(it->second) + " partitions)") +
              ".");
        }
        out.push_back(tp);
      }
      return out;
    }
    RE2 re(options_.pattern, QuietRegex());
    for (const auto& [topic, count] : topics) {
      const bool wanted =
          options_.strategy == Strategy::kSubscribe
              ? std::binary_search(options_.topics.begin(), options_.topics.end(), topic)
              : RE2::FullMatch(topic, re);
      if (!wanted) continue;
      for (int32_t p = 0; p < count; ++p) out.emplace_back(topic, p);
    }
    return out;
  }

  // Where each partition ends now (read_committed: its last stable offset), capped by
  // endingOffsets.
  Result<KafkaOffsets> Ends() {
    ASSIGN_OR_RAISE(std::vector<TopicPartition> partitions, Discover());
    ASSIGN_OR_RAISE(rd_kafka_t * rk, Client());
    KafkaOffsets out;
    for (const TopicPartition& tp : partitions) {
      ASSIGN_OR_RAISE(auto marks,
                      KafkaWatermarks(rk, tp.first, tp.second, options_.poll_timeout_ms, What()));
      out[tp] = marks.second;
    }
    if (options_.ending_offsets.has_value()) {
      ASSIGN_OR_RAISE(KafkaOffsets ending,
                      Resolve(*options_.ending_offsets, "endingOffsets", partitions));
      for (auto& [tp, end] : out) end = std::min(end, ending.at(tp));
    }
    return out;
  }

  // Partitions of `from` that are gone, or whose end went back below `from` (a topic
  // deleted, recreated or truncated): data loss.
  Status CheckGone(const KafkaOffsets& from, KafkaOffsets* until) const {
    for (const auto& [tp, offset] : from) {
      auto it = until->find(tp);
      const bool gone = it == until->end();
      if (!gone && it->second >= offset) continue;
      if (options_.fail_on_data_loss) {
        return KafkaDataLossError(
            name_, tp.first, tp.second, offset, gone ? 0 : it->second,
            gone ? "the partition is gone" : "the partition now ends before that offset");
      }
      // Spark's behaviour: the next epoch starts at the partition's new end; a gone
      // partition is dropped.
    }
    return Status::OK();
  }

  // startingOffsets / endingOffsets text -> an offset for each of `partitions`.
  Result<KafkaOffsets> Resolve(const std::string& text, std::string_view option,
                               const std::vector<TopicPartition>& partitions) {
    ASSIGN_OR_RAISE(rd_kafka_t * rk, Client());
    const std::string lower = Lower(text);
    KafkaOffsets given;
    if (lower != "earliest" && lower != "latest") {
      Result<KafkaOffsets> parsed = ParseKafkaOffsets(text, What());
      if (!parsed.ok()) {
        return BadOption(kWhat, name_, option, text,
                         "it must be earliest, latest or per-partition JSON",
                         "e.g. {\"clicks\":{\"0\":23,\"1\":-2}} (-2 earliest, -1 latest): " +
                             parsed.status().message());
      }
      given = std::move(*parsed);
      for (const TopicPartition& tp : partitions) {
        if (given.count(tp) == 0) {
          return BadOption(kWhat, name_, option, text,
                           "it must give an offset for every partition the source reads; "
                           "partition " +
                               std::to_string(tp.second) + " of '" + tp.first + "' is missing",
                           "use -2 for earliest, -1 for latest");
        }
      }
      if (given.size() != partitions.size()) {
        return BadOption(kWhat, name_, option, text,
                         "it names a partition the source does not read (it reads " +
                             std::to_string(partitions.size()) + ")");
      }
    }
    KafkaOffsets out;
    for (const TopicPartition& tp : partitions) {
      int64_t offset = lower == "earliest" ? kKafkaEarliest
                       : lower == "latest" ? kKafkaLatest
                                           : given.at(tp);
      ASSIGN_OR_RAISE(auto marks,
                      KafkaWatermarks(rk, tp.first, tp.second, options_.poll_timeout_ms, What()));
      if (offset == kKafkaEarliest) offset = marks.first;
      if (offset == kKafkaLatest) offset = marks.second;
      out[tp] = offset;
    }
    return out;
  }

  // Offsets the source handed out (or a checkpoint holds): none negative.
  Result<KafkaOffsets> Parse(const stream::Offset& text) const {
    ASSIGN_OR_RAISE(KafkaOffsets out, ParseKafkaOffsets(text, What()));
    for (const auto& [tp, offset] : out) {
      if (offset < 0) {
        return Status::InvalidArgument("The " + What() + " has no offsets " + text +
                                       ": offsets are never negative.");
      }
    }
    return out;
  }

  const std::string name_;
  const KafkaSourceOptions options_;
  const std::shared_ptr<const formats::FileFormat> format_;
  const SchemaPtr schema_;
  std::shared_ptr<KafkaConsumerPool> pool_;
  std::shared_ptr<KafkaReadCounters> counters_ = std::make_shared<KafkaReadCounters>();
  std::optional<KafkaOffsets> available_now_;
};

}  // namespace

Result<stream::SourcePtr> MakeKafkaSource(const stream::ConnectorContext& ctx) {
  ASSIGN_OR_RAISE(KafkaSourceOptions options, ParseSourceOptions(ctx));
  ASSIGN_OR_RAISE(RecordDecoding decoding,
                  ResolveRecordDecoding(ctx, options.include_headers, "kafka"));
  return stream::SourcePtr(std::make_shared<KafkaSource>(
      ctx, std::move(options), std::move(decoding.format), std::move(decoding.schema)));
}

void RegisterKafkaConnectors(stream::ConnectorRegistry* registry) {
  registry->RegisterSource("kafka", MakeKafkaSource);
  registry->RegisterSink("kafka", MakeKafkaSink);
}

}  // namespace weir::connectors
