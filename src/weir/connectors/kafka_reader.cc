// The consumer pool of a `kafka` source and the table its Read returns
// (kafka_internal.h): one scan partition per offset range, each consuming its Kafka
// partition through a pooled client and building the raw columns, or decoding values
// with a format into the declared columns.
//
// Ranges end exactly: a reader stops at the first message (or end-of-partition event)
// at or past its end, so records that are never delivered — transaction markers,
// aborted records under read_committed, compacted records — need no special case.
// It never asks for more messages than the offsets left in its range, so a message
// past the range is polled only when such a gap lies before it; that message is kept
// for the next epoch's reader of the partition.
//
// Timeouts are in real time (std::chrono::steady_clock), not the query's clock: they
// bound waits on the network, which librdkafka measures in real time too.

#include <algorithm>
#include <chrono>

#include "weir/common/logging.h"
#include "weir/connectors/kafka_internal.h"
#include "weir/formats/decoder.h"
#include "weir/types/builder.h"

namespace weir::connectors {

// ---- KafkaConsumerPool -------------------------------------------------------------

KafkaConsumerPool::KafkaConsumerPool(KafkaSettings defaults, KafkaSettings settings,
                                     KafkaSettings fixed, std::string what)
    : defaults_(std::move(defaults)),
      settings_(std::move(settings)),
      fixed_(std::move(fixed)),
      what_(std::move(what)) {}

KafkaConsumerPool::~KafkaConsumerPool() {
  for (auto& client : clients_) {
    for (auto& [tp, state] : client->partitions) {
      state.held.clear();
      if (state.started) rd_kafka_consume_stop(client->topics.at(tp.first).get(), tp.second);
    }
    client->partitions.clear();
    client->topics.clear();
    client->rk.reset();
  }
}

Result<rd_kafka_t*> KafkaConsumerPool::MetadataClient() {
  std::lock_guard<std::mutex> lock(mu_);
  if (metadata_ == nullptr) {
    ASSIGN_OR_RAISE(metadata_,
                    NewKafkaClient(RD_KAFKA_CONSUMER, defaults_, settings_, fixed_, what_));
  }
  return metadata_.get();
}

Result<rd_kafka_topic_t*> KafkaConsumerPool::Topic(Client* client, const std::string& topic) {
  auto it = client->topics.find(topic);
  if (it != client->topics.end()) return it->second.get();
  rd_kafka_topic_conf_t* conf = rd_kafka_topic_conf_new();
  char err[512];
  // An offset the cluster no longer has is an error the reader handles
  // (failOnDataLoss), never a silent jump to the end.
  if (rd_kafka_topic_conf_set(conf, "auto.offset.reset", "error", err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_topic_conf_destroy(conf);
    return Status::Internal(what_ + ": auto.offset.reset: " + err);
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(client->rk.get(), topic.c_str(), conf);
  if (rkt == nullptr) {
    return KafkaError(rd_kafka_last_error(), "The " + what_ + " cannot open topic '" + topic + "'");
  }
  client->topics.emplace(topic, KafkaTopicHandle(rkt));
  return rkt;
}

Result<std::unique_ptr<KafkaPartitionCursor>> KafkaConsumerPool::Acquire(const std::string& topic,
                                                                         int32_t partition,
                                                                         int64_t from) {
  std::lock_guard<std::mutex> lock(mu_);
  const TopicPartition tp(topic, partition);
  size_t chosen = clients_.size();
  // A client already positioned at `from` (the previous epoch ended there), else any
  // client not reading this partition now, else a new one.
  for (size_t i = 0; i < clients_.size() && chosen == clients_.size(); ++i) {
    auto it = clients_[i]->partitions.find(tp);
    if (it != clients_[i]->partitions.end() && !it->second.busy && it->second.started &&
        it->second.next == from) {
      chosen = i;
    }
  }
  for (size_t i = 0; i < clients_.size() && chosen == clients_.size(); ++i) {
    auto it = clients_[i]->partitions.find(tp);
    if (it == clients_[i]->partitions.end() || !it->second.busy) chosen = i;
  }
  if (chosen == clients_.size()) {
    auto client = std::make_unique<Client>();
    ASSIGN_OR_RAISE(client->rk,
                    NewKafkaClient(RD_KAFKA_CONSUMER, defaults_, settings_, fixed_, what_));
    clients_.push_back(std::move(client));
  }
  Client* client = clients_[chosen].get();
  ASSIGN_OR_RAISE(rd_kafka_topic_t * rkt, Topic(client, topic));
  PartitionState& state = client->partitions[tp];
  if (state.started && state.next != from) {
    state.held.clear();
    rd_kafka_consume_stop(rkt, partition);
    state.started = false;
  }
  if (!state.started) {
    if (rd_kafka_consume_start(rkt, partition, from) != 0) {
      return KafkaError(rd_kafka_last_error(), "The " + what_ + " cannot consume topic '" + topic +
                                                   "' partition " + std::to_string(partition));
    }
    state.started = true;
    state.next = from;
  }
  state.busy = true;
  auto cursor = std::unique_ptr<KafkaPartitionCursor>(
      new KafkaPartitionCursor(shared_from_this(), chosen, topic, partition));
  cursor->rkt_ = rkt;
  cursor->held_ = std::move(state.held);
  return cursor;
}

void KafkaConsumerPool::Release(KafkaPartitionCursor* cursor) {
  std::lock_guard<std::mutex> lock(mu_);
  Client* client = clients_[cursor->client_].get();
  PartitionState& state = client->partitions[TopicPartition(cursor->topic_, cursor->partition_)];
  state.busy = false;
  if (cursor->finished_) {
    state.next = cursor->next_;
    state.held = std::move(cursor->held_);
  } else {
    // Where the queue stands is unknown (an error mid-range): start over next time.
    cursor->held_.clear();
    state.held.clear();
    if (state.started) rd_kafka_consume_stop(cursor->rkt_, cursor->partition_);
    state.started = false;
    state.next = -1;
  }
}

// ---- KafkaPartitionCursor ----------------------------------------------------------

KafkaPartitionCursor::KafkaPartitionCursor(std::shared_ptr<KafkaConsumerPool> pool, size_t client,
                                           std::string topic, int32_t partition)
    : pool_(std::move(pool)), client_(client), topic_(std::move(topic)), partition_(partition) {}

KafkaPartitionCursor::~KafkaPartitionCursor() { pool_->Release(this); }

Result<std::vector<KafkaMessage>> KafkaPartitionCursor::Poll(size_t max, int timeout_ms) {
  if (!held_.empty()) return std::move(held_);
  std::vector<KafkaMessage> out;
  max = std::clamp<size_t>(max, 1, 4096);
  std::vector<rd_kafka_message_t*> messages(max);
  const ssize_t n = rd_kafka_consume_batch(rkt_, partition_, timeout_ms, messages.data(), max);
  if (n < 0) {
    return KafkaError(rd_kafka_last_error(), "The " + pool_->what() + " cannot consume topic '" +
                                                 topic_ + "' partition " +
                                                 std::to_string(partition_));
  }
  out.reserve(static_cast<size_t>(n));
  for (ssize_t i = 0; i < n; ++i) out.emplace_back(messages[static_cast<size_t>(i)]);
  return out;
}

Status KafkaPartitionCursor::Restart(int64_t offset) {
  held_.clear();
  rd_kafka_consume_stop(rkt_, partition_);
  if (rd_kafka_consume_start(rkt_, partition_, offset) != 0) {
    return KafkaError(rd_kafka_last_error(), "The " + pool_->what() + " cannot consume topic '" +
                                                 topic_ + "' partition " +
                                                 std::to_string(partition_));
  }
  return Status::OK();
}

void KafkaPartitionCursor::Finish(int64_t next, std::vector<KafkaMessage> held) {
  finished_ = true;
  next_ = next;
  held_ = std::move(held);
}

namespace {

// How long one poll waits before the reader checks its deadline.
constexpr int kPollSliceMs = 100;

enum RawColumn : int {
  kKey = 0,
  kValue,
  kTopic,
  kPartition,
  kOffset,
  kTimestamp,
  kTimestampType,
  kHeaders,
};

class KafkaRangeReader final : public plan::BatchReader {
 public:
  KafkaRangeReader(std::shared_ptr<const KafkaReadSpec> spec, KafkaRange range,
                   std::vector<int> columns, formats::RecordDecoderPtr decoder)
      : spec_(std::move(spec)),
        range_(std::move(range)),
        columns_(std::move(columns)),
        decoder_(std::move(decoder)),
        next_(range_.from) {
    if (decoder_ == nullptr) {
      std::vector<Field> fields;
      builders_.resize(static_cast<size_t>(spec_->schema->num_fields()));
      for (int c : columns_) {
        const Field& field = spec_->schema->field(c);
        fields.push_back(field);
        if (builders_[static_cast<size_t>(c)] == nullptr) {
          builders_[static_cast<size_t>(c)] = MakeBuilder(field.type);
        }
      }
      projected_ = MakeSchema(std::move(fields));
    }
    exhausted_ = next_ >= range_.until;
  }

  Result<bool> Next(Batch* out) override {
    if (done_) return false;
    if (!exhausted_ && cursor_ == nullptr) {
      ASSIGN_OR_RAISE(cursor_, spec_->pool->Acquire(range_.topic, range_.partition, next_));
      last_progress_ = std::chrono::steady_clock::now();
    }
    while (Buffered() < kDefaultBatchRows && !exhausted_) RETURN_NOT_OK(PollOnce());
    if (exhausted_) {
      done_ = true;
      cursor_.reset();  // back to the pool for the next epoch
    }
    ASSIGN_OR_RAISE(*out, Flush());
    return true;
  }

 private:
  int64_t Buffered() const { return decoder_ ? decoder_->buffered_rows() : rows_; }

  std::string Where() const {
    return "kafka source `" + spec_->source_name + "`, topic '" + range_.topic + "' partition " +
           std::to_string(range_.partition);
  }

  Status PollOnce() {
    const int64_t left = range_.until - next_;
    const size_t room = static_cast<size_t>(kDefaultBatchRows - Buffered());
    const size_t want = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(room)));
    ASSIGN_OR_RAISE(std::vector<KafkaMessage> messages, cursor_->Poll(want, kPollSliceMs));
    if (messages.empty()) return CheckDeadline();
    for (size_t i = 0; i < messages.size() && !exhausted_; ++i) {
      const rd_kafka_message_t& m = *messages[i];
      if (m.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        ASSIGN_OR_RAISE(bool at_end, OnEvent(m));
        if (at_end) Finish(Rest(&messages, i + 1));
        continue;
      }
      if (m.offset < next_) continue;  // fetched before a restart
      last_progress_ = std::chrono::steady_clock::now();
      if (m.offset >= range_.until) {
        // A gap (markers, aborted or compacted records) ended the range: this message
        // and the rest of the poll belong to the next epoch.
        Finish(Rest(&messages, i));
        break;
      }
      RETURN_NOT_OK(decoder_ ? Decode(m) : AppendRaw(m));
      next_ = m.offset + 1;
      if (next_ >= range_.until) Finish(Rest(&messages, i + 1));
    }
    return Status::OK();
  }

  static std::vector<KafkaMessage> Rest(std::vector<KafkaMessage>* messages, size_t from) {
    std::vector<KafkaMessage> rest;
    for (size_t j = from; j < messages->size(); ++j) rest.push_back(std::move((*messages)[j]));
    return rest;
  }

  void Finish(std::vector<KafkaMessage> held) {
    exhausted_ = true;
    cursor_->Finish(range_.until, std::move(held));
  }

  Status CheckDeadline() {
    const auto waited = std::chrono::steady_clock::now() - last_progress_;
    if (waited < std::chrono::milliseconds(spec_->poll_timeout_ms)) return Status::OK();
    return Status::TimedOut("The " + Where() + " received nothing for " +
                            std::to_string(spec_->poll_timeout_ms) + " ms at offset " +
                            std::to_string(next_) + " (reading up to " +
                            std::to_string(range_.until) + ").")
        .WithHint(
            "the partition's leader may be down or unreachable; kafkaConsumer.pollTimeoutMs "
            "sets how long to wait");
  }

  // End of partition, data loss and other consumer events. True when the event ends
  // the range (the partition's end is at or past it).
  Result<bool> OnEvent(const rd_kafka_message_t& m) {
    switch (m.err) {
      case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        if (m.offset >= range_.until) return true;
        // The partition ends before the planned range: it was truncated or recreated.
        RETURN_NOT_OK(CheckOffsetsHeld("the partition ends before it"));
        return false;
      case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
        RETURN_NOT_OK(CheckOffsetsHeld("the offset is out of range"));
        return false;
      case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        RETURN_NOT_OK(CheckPartitionExists());
        return false;
      case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        return KafkaError(m.err, "The " + Where() + " cannot be read");
      default:
        // Transient (a broker went away, a leader moved): librdkafka retries.
        WEIR_LOG(DEBUG) << Where() << ": " << rd_kafka_err2str(m.err);
        return false;
    }
  }

  // A broker said the partition is unknown: it may be gone, or the broker may not
  // know it yet (a leader election). The cluster's metadata decides.
  Status CheckPartitionExists() {
    ASSIGN_OR_RAISE(rd_kafka_t * rk, spec_->pool->MetadataClient());
    ASSIGN_OR_RAISE(auto topics, KafkaListTopics(rk, spec_->poll_timeout_ms, "kafka source"));
    auto it = topics.find(range_.topic);
    if (it != topics.end() && range_.partition < it->second) return Status::OK();
    return LoseRest(-1, "the topic or partition no longer exists");
  }

  // Whether the cluster still holds next_; restarts at its oldest offset when not and
  // failOnDataLoss is off.
  Status CheckOffsetsHeld(std::string_view why) {
    ASSIGN_OR_RAISE(rd_kafka_t * rk, spec_->pool->MetadataClient());
    ASSIGN_OR_RAISE(auto marks, KafkaWatermarks(rk, range_.topic, range_.partition,
                                                spec_->poll_timeout_ms, "kafka source"));
    const auto [low, high] = marks;
    if (next_ >= low && next_ <= high && high >= range_.until) {
      // Held after all (a leader change): continue where we are.
      return cursor_->Restart(next_);
    }
    if (next_ >= low && high < range_.until) return LoseRest(high, why);
    if (spec_->fail_on_data_loss) {
      return KafkaDataLossError(spec_->source_name, range_.topic, range_.partition, next_, low,
                                why);
    }
    const int64_t resume = std::min(low, range_.until);
    spec_->counters->lost.fetch_add(resume - next_, std::memory_order_relaxed);
    WEIR_LOG(WARN) << Where() << ": offsets " << next_ << " to " << resume - 1 << " are gone ("
                   << why << "); skipping them (failOnDataLoss is false)";
    next_ = resume;
    if (next_ >= range_.until) {
      exhausted_ = true;
      return Status::OK();
    }
    return cursor_->Restart(next_);
  }

  // The rest of the range cannot be read: the partition ends at `end` (-1: is gone).
  Status LoseRest(int64_t end, std::string_view why) {
    if (spec_->fail_on_data_loss) {
      return KafkaDataLossError(spec_->source_name, range_.topic, range_.partition, next_,
                                std::max<int64_t>(end, 0), why);
    }
    spec_->counters->lost.fetch_add(range_.until - next_, std::memory_order_relaxed);
    WEIR_LOG(WARN) << Where() << ": offsets " << next_ << " to " << range_.until - 1
                   << " are gone (" << why << "); skipping them (failOnDataLoss is false)";
    next_ = range_.until;
    exhausted_ = true;
    return Status::OK();
  }

  Status Decode(const rd_kafka_message_t& m) {
    // A null value (a tombstone) has no row, as in Flink's formats.
    if (m.payload == nullptr) return Status::OK();
    const std::string_view value(static_cast<const char*>(m.payload), m.len);
    // The decoder may parse in place: give it padding after the bytes.
    buffer_.assign(value);
    buffer_.resize(value.size() + formats::RecordDecoder::kPadding);
    const std::string_view text(buffer_.data(), value.size());
    pos_.line = 1;
    size_t used = 0;
    while (used < text.size()) {
      Result<size_t> n = decoder_->DecodeSome(text.substr(used), /*padded=*/true, INT64_MAX, &pos_);
      Publish();
      if (!n.ok()) {
        return n.status().WithContext(Where() + " offset " + std::to_string(m.offset));
      }
      if (*n == 0) break;
      used += *n;
    }
    return Status::OK();
  }

  void Publish() {
    const formats::ParseStats& s = decoder_->stats();
    spec_->counters->malformed.fetch_add(s.malformed - published_.malformed,
                                         std::memory_order_relaxed);
    spec_->counters->dropped.fetch_add(s.dropped - published_.dropped, std::memory_order_relaxed);
    published_ = s;
  }

  template <typename B>
  B* Builder(int c) {
    return static_cast<B*>(builders_[static_cast<size_t>(c)].get());
  }

  static void AppendBytes(StringBuilder* b, const void* data, size_t size) {
    if (data == nullptr) {
      b->AppendNull();
    } else {
      b->Append(std::string_view(static_cast<const char*>(data), size));
    }
  }

  void AppendHeaders(const rd_kafka_message_t& m, ArrayBuilder* array) {
    array->Append();
    rd_kafka_headers_t* headers = nullptr;
    // The message keeps the parsed headers; they are not ours to free.
    if (rd_kafka_message_headers(&m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
    auto* entry = static_cast<StructBuilder*>(array->element_builder());
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      entry->Append();
      static_cast<StringBuilder*>(entry->field_builder(0))->Append(name);
      AppendBytes(static_cast<StringBuilder*>(entry->field_builder(1)), value, size);
    }
  }

  Status AppendRaw(const rd_kafka_message_t& m) {
    for (int c : columns_) {
      switch (c) {
        case kKey:
          AppendBytes(Builder<StringBuilder>(c), m.key, m.key_len);
          break;
        case kValue:
          AppendBytes(Builder<StringBuilder>(c), m.payload, m.len);
          break;
        case kTopic:
          Builder<StringBuilder>(c)->Append(range_.topic);
          break;
        case kPartition:
          Builder<Int32Builder>(c)->Append(range_.partition);
          break;
        case kOffset:
          Builder<Int64Builder>(c)->Append(m.offset);
          break;
        case kTimestamp:
        case kTimestampType: {
          rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
          const int64_t ms = rd_kafka_message_timestamp(&m, &type);
          if (c == kTimestampType) {
            // Kafka's TimestampType ids, as Spark shows them: 0 CreateTime, 1
            // LogAppendTime, -1 none.
            Builder<Int32Builder>(c)->Append(type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? 0
                                             : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 1
                                                                                          : -1);
          } else if (type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
            Builder<Int64Builder>(c)->AppendNull();
          } else {
            Builder<Int64Builder>(c)->Append(ms * 1000);
          }
          break;
        }
        case kHeaders:
          AppendHeaders(m, Builder<ArrayBuilder>(c));
          break;
        default:
          return Status::Internal("kafka source: no raw column " + std::to_string(c));
      }
    }
    ++rows_;
    return Status::OK();
  }

  Result<Batch> Flush() {
    if (decoder_) return decoder_->Flush();
    const int64_t rows = rows_;
    rows_ = 0;
    if (columns_.empty()) return Batch::MakeRowsOnly(rows);
    std::vector<ColumnPtr> columns;
    columns.reserve(columns_.size());
    for (int c : columns_) columns.push_back(builders_[static_cast<size_t>(c)]->Finish());
    return Batch::Make(projected_, std::move(columns));
  }

  const std::shared_ptr<const KafkaReadSpec> spec_;
  const KafkaRange range_;
  const std::vector<int> columns_;
  formats::RecordDecoderPtr decoder_;
  SchemaPtr projected_;
  // Raw mode: a builder per schema column that is read (by schema index).
  std::vector<std::unique_ptr<ColumnBuilder>> builders_;
  int64_t rows_ = 0;

  std::unique_ptr<KafkaPartitionCursor> cursor_;
  int64_t next_;  // the next offset to read
  std::chrono::steady_clock::time_point last_progress_;
  bool exhausted_ = false;
  bool done_ = false;

  std::string buffer_;  // a value with padding, for the decoder
  formats::InputPosition pos_;
  formats::ParseStats published_;
};

class KafkaTable final : public plan::TableProvider {
 public:
  explicit KafkaTable(KafkaReadSpec spec)
      : spec_(std::make_shared<const KafkaReadSpec>(std::move(spec))) {}

  const SchemaPtr& schema() const override { return spec_->schema; }
  std::string Describe() const override {
    KafkaOffsets from;
    KafkaOffsets until;
    for (const KafkaRange& r : spec_->ranges) {
      const TopicPartition tp(r.topic, r.partition);
      auto f = from.emplace(tp, r.from).first;
      f->second = std::min(f->second, r.from);
      auto u = until.emplace(tp, r.until).first;
      u->second = std::max(u->second, r.until);
    }
    return "kafka " + FormatKafkaOffsets(from) + " to " + FormatKafkaOffsets(until);
  }
  // At least one partition (an empty one when there is nothing to read).
  int NumPartitions() const override {
    return std::max<int>(1, static_cast<int>(spec_->ranges.size()));
  }

  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    if (partition < 0 || partition >= NumPartitions()) {
      return Status::InvalidArgument("partition " + std::to_string(partition) +
                                     " out of range for " + Describe());
    }
    for (int c : columns) {
      if (c < 0 || c >= spec_->schema->num_fields()) {
        return Status::InvalidArgument("column " + std::to_string(c) + " out of range for " +
                                       Describe());
      }
    }
    formats::RecordDecoderPtr decoder;
    if (spec_->format != nullptr) {
      ASSIGN_OR_RAISE(decoder, spec_->format->MakeDecoder(spec_->schema, columns));
    }
    KafkaRange range;
    if (static_cast<size_t>(partition) < spec_->ranges.size()) {
      range = spec_->ranges[static_cast<size_t>(partition)];
    }
    return plan::BatchReaderPtr(
        std::make_unique<KafkaRangeReader>(spec_, std::move(range), columns, std::move(decoder)));
  }

 private:
  std::shared_ptr<const KafkaReadSpec> spec_;
};

}  // namespace

plan::TableProviderPtr MakeKafkaTable(KafkaReadSpec spec) {
  return std::make_shared<KafkaTable>(std::move(spec));
}

}  // namespace weir::connectors
