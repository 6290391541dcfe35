// librdkafka clients for the `kafka` connectors (kafka_internal.h): settings from
// `kafka.*` options, errors as Status, metadata and watermarks, and the source's
// offsets ({"clicks":{"0":42}}), Spark's rate limit and minPartitions splitting.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "weir/common/logging.h"
#include "weir/connectors/connector_util.h"
#include "weir/connectors/kafka_internal.h"
#include "weir/connectors/log_source_internal.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kPrefix = "kafka.";

// librdkafka's log lines (syslog levels) into weir's log: errors and warnings (which
// include a broker that went away) as WARN, the rest as DEBUG.
void LogLine(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  if (level <= 4) {
    WEIR_LOG(WARN) << "kafka " << rd_kafka_name(rk) << " " << fac << ": " << buf;
  } else {
    WEIR_LOG(DEBUG) << "kafka " << rd_kafka_name(rk) << " " << fac << ": " << buf;
  }
}

Status ApplySetting(rd_kafka_conf_t* conf, const std::string& key, const std::string& value,
                    bool user, std::string_view what) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK) {
    return Status::OK();
  }
  if (!user) return Status::Internal(std::string(what) + ": kafka setting " + key + ": " + err);
  return Status::InvalidOption("[INVALID_OPTION] Invalid value '" + value + "' for option '" +
                               std::string(kPrefix) + key + "' of the " + std::string(what) + ": " +
                               err)
      .WithHint(
          "kafka.* options are librdkafka client properties (see librdkafka's "
          "CONFIGURATION.md), e.g. 'kafka.bootstrap.servers' = 'host:9092'");
}

}  // namespace

KafkaSettings KafkaClientSettings(const stream::Options& options) {
  KafkaSettings out;
  for (const auto& [key, value] : options.all()) {
    if (key.size() > kPrefix.size() && key.compare(0, kPrefix.size(), kPrefix) == 0) {
      out.emplace_back(key.substr(kPrefix.size()), value);
    }
  }
  return out;
}

Result<KafkaHandle> NewKafkaClient(rd_kafka_type_t type, const KafkaSettings& defaults,
                                   const KafkaSettings& settings, const KafkaSettings& fixed,
                                   std::string_view what,
                                   const std::function<void(rd_kafka_conf_t*)>& configure) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Status st;
  for (const auto& [k, v] : defaults) {
    if (st.ok()) st = ApplySetting(conf, k, v, /*user=*/false, what);
  }
  for (const auto& [k, v] : settings) {
    if (st.ok()) st = ApplySetting(conf, k, v, /*user=*/true, what);
  }
  for (const auto& [k, v] : fixed) {
    if (st.ok()) st = ApplySetting(conf, k, v, /*user=*/false, what);
  }
  if (!st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  rd_kafka_conf_set_log_cb(conf, LogLine);
  if (configure) configure(conf);
  char err[512];
  // rd_kafka_new takes the conf only when it succeeds.
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidOption("[INVALID_OPTION] The " + std::string(what) +
                                 " cannot create its Kafka client: " + err + ".")
        .WithHint("check the kafka.* options");
  }
  return KafkaHandle(rk);
}

Status KafkaError(rd_kafka_resp_err_t err, std::string_view context) {
  return Status::IoError(std::string(context) + ": " + rd_kafka_err2str(err) + " (" +
                         rd_kafka_err2name(err) + ")");
}

Status KafkaError(const rd_kafka_error_t* err, std::string_view context) {
  return Status::IoError(std::string(context) + ": " + rd_kafka_error_string(err) + " (" +
                         rd_kafka_error_name(err) + ")");
}

Result<std::map<std::string, int32_t>> KafkaListTopics(rd_kafka_t* rk, int timeout_ms,
                                                       std::string_view what) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &md, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaError(err, "The " + std::string(what) + " cannot list the cluster's topics")
        .WithHint("check kafka.bootstrap.servers and that the brokers are up");
  }
  std::map<std::string, int32_t> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR || t.partition_cnt <= 0) continue;
    out[t.topic] = t.partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

Result<std::pair<int64_t, int64_t>> KafkaWatermarks(rd_kafka_t* rk, const std::string& topic,
                                                    int32_t partition, int timeout_ms,
                                                    std::string_view what) {
  int64_t low = 0;
  int64_t high = 0;
  // librdkafka does not retry this request: a leader that moved or a broker that is
  // down is retried here, until the timeout.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high,
                                           static_cast<int>(std::max<int64_t>(left.count(), 1)));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaError(err, "The " + std::string(what) + " cannot read the offsets of topic '" +
                               topic + "' partition " + std::to_string(partition));
  }
  return std::make_pair(low, high);
}

stream::Offset FormatKafkaOffsets(const KafkaOffsets& offsets) {
  std::string out = "{";
  const std::string* topic = nullptr;
  for (const auto& [tp, offset] : offsets) {
    if (topic == nullptr || *topic != tp.first) {
      if (topic != nullptr) out += "},";
      out += '"';
      out += tp.first;
      out += "\":{";
      topic = &tp.first;
    } else {
      out += ',';
    }
    out += '"';
    out += std::to_string(tp.second);
    out += "\":";
    out += std::to_string(offset);
  }
  if (topic != nullptr) out += '}';
  out += '}';
  return out;
}

Result<KafkaOffsets> ParseKafkaOffsets(std::string_view text, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("The " + std::string(what) + " cannot use the offsets '" +
                                   std::string(text.substr(0, 200)) + "': " + std::string(why) +
                                   ".")
        .WithHint(
            "Kafka offsets look like {\"clicks\":{\"0\":23,\"1\":-2}}: per topic and partition "
            "the next offset (-2 earliest, -1 latest)");
  };
  OffsetTextCursor in(text);
  if (!in.Consume('{')) return bad("it is not a JSON object of topics' partition offsets");
  KafkaOffsets out;
  if (!in.Consume('}')) {
    do {
      std::string_view topic;
      if (!in.String(&topic) || topic.empty() || !in.Consume(':') || !in.Consume('{')) {
        return bad("each topic must map to an object of partition offsets");
      }
      if (!in.Consume('}')) {
        do {
          std::string_view partition;
          int32_t p = 0;
          int64_t offset = 0;
          if (!in.String(&partition) || !ParsePartitionNumber(partition, &p) || !in.Consume(':') ||
              !in.Integer(&offset)) {
            return bad("each partition must be a number in quotes with an integer offset");
          }
          if (offset < kKafkaEarliest) return bad("an offset is below -2");
          if (!out.emplace(TopicPartition(std::string(topic), p), offset).second) {
            return bad("partition " + std::to_string(p) + " of '" + std::string(topic) +
                       "' appears twice");
          }
        } while (in.Consume(','));
        if (!in.Consume('}')) return bad("a topic's object is not closed");
      }
    } while (in.Consume(','));
    if (!in.Consume('}')) return bad("the object is not closed");
  }
  if (!in.AtEnd()) return bad("something follows the object");
  return out;
}

Result<std::vector<TopicPartition>> ParseKafkaAssign(std::string_view text, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidOption(
               "[INVALID_OPTION] Invalid value '" + std::string(text.substr(0, 200)) +
               "' for option 'assign' of the " + std::string(what) + ": " + std::string(why) + ".")
        .WithHint("assign names topics and their partitions: {\"clicks\":[0,1],\"views\":[0]}");
  };
  OffsetTextCursor in(text);
  std::vector<TopicPartition> out;
  if (!in.Consume('{')) return bad("it is not a JSON object");
  if (!in.Consume('}')) {
    do {
      std::string_view topic;
      if (!in.String(&topic) || topic.empty() || !in.Consume(':') || !in.Consume('[')) {
        return bad("each topic must map to an array of partition numbers");
      }
      if (!in.Consume(']')) {
        do {
          int64_t p = 0;
          if (!in.Integer(&p) || p < 0 || p > std::numeric_limits<int32_t>::max()) {
            return bad("a partition must be a non-negative integer");
          }
          TopicPartition tp(std::string(topic), static_cast<int32_t>(p));
          if (std::find(out.begin(), out.end(), tp) != out.end()) {
            return bad("partition " + std::to_string(p) + " of '" + std::string(topic) +
                       "' appears twice");
          }
          out.push_back(std::move(tp));
        } while (in.Consume(','));
        if (!in.Consume(']')) return bad("an array is not closed");
      }
    } while (in.Consume(','));
    if (!in.Consume('}')) return bad("the object is not closed");
  }
  if (!in.AtEnd()) return bad("something follows the object");
  if (out.empty()) return bad("it names no partition");
  std::sort(out.begin(), out.end());
  return out;
}

KafkaOffsets RateLimitKafkaOffsets(const KafkaOffsets& from, const KafkaOffsets& until,
                                   int64_t limit) {
  // Number the partitions densely and reuse the log source's rule.
  std::vector<TopicPartition> index;
  PartitionOffsets f;
  PartitionOffsets u;
  for (const auto& [tp, end] : until) {
    const auto i = static_cast<int32_t>(index.size());
    index.push_back(tp);
    u[i] = end;
    auto it = from.find(tp);
    f[i] = it == from.end() ? 0 : it->second;
  }
  PartitionOffsets limited = RateLimitOffsets(f, u, limit);
  KafkaOffsets out;
  for (const auto& [i, end] : limited) out[index[static_cast<size_t>(i)]] = end;
  return out;
}

std::vector<KafkaRange> SplitKafkaRanges(std::vector<KafkaRange> ranges, int64_t min_partitions) {
  if (min_partitions <= static_cast<int64_t>(ranges.size())) return ranges;
  double total = 0;
  for (const KafkaRange& r : ranges) total += static_cast<double>(r.until - r.from);
  if (total < 1) return ranges;
  std::vector<KafkaRange> out;
  for (const KafkaRange& r : ranges) {
    const int64_t size = r.until - r.from;
    // Spark's KafkaOffsetRangeCalculator: parts in proportion to the range's share.
    const double share = static_cast<double>(size) / total * static_cast<double>(min_partitions);
    const int64_t parts =
        std::clamp<int64_t>(static_cast<int64_t>(std::ceil(share)), 1, std::max<int64_t>(size, 1));
    const int64_t step = size / parts;
    const int64_t longer = size % parts;  // the first `longer` parts get one more offset
    int64_t at = r.from;
    for (int64_t i = 0; i < parts; ++i) {
      KafkaRange part = r;
      part.from = at;
      at += step + (i < longer ? 1 : 0);
      part.until = at;
      out.push_back(std::move(part));
    }
  }
  return out;
}

Status KafkaDataLossError(std::string_view source_name, const std::string& topic, int32_t partition,
                          int64_t wanted, int64_t available, std::string_view why) {
  return Status::InvalidInput("The kafka source `" + std::string(source_name) +
                              "` lost data: topic '" + topic + "' partition " +
                              std::to_string(partition) + " no longer holds offset " +
                              std::to_string(wanted) + " (" + std::string(why) +
                              "; it now starts at " + std::to_string(available) + ").")
      .WithHint(
          "set failOnDataLoss = 'false' to skip to the oldest offset the cluster holds (the "
          "skipped offsets are counted), or keep data longer (the topic's retention.ms)");
}

}  // namespace weir::connectors
