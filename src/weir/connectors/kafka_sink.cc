// The streaming `kafka` sink: each epoch's rows become records of Kafka topics, with
// the columns of Spark's Kafka sink (value, and optionally key, topic, partition,
// headers), exactly once by default (docs/connectors.md, "kafka").
//
// Exactly-once scheme. The sink is a transactional producer whose transactional.id is
// derived from the query's name and the sink partition (weir-<query>-0), so every run
// of the query is the same producer, and starting one (init_transactions) fences the
// previous run and aborts the transaction it left open. Epoch E is one transaction
// over every partition it writes: the records, each with the header weir.epoch = E,
// the last one in each partition also with weir.commit = <transactional.id>; then the
// commit, which returns before the engine writes E's commit record.
//
// When a sink instance starts (its first AddBatch, or the next one after an error) it
// learns, for each partition of a topic before it first writes there, the last epoch
// it committed: a read_committed consumer reads back from the partition's end to the
// newest record carrying its weir.commit header. AddBatch(E) then skips a partition
// whose last epoch is E (a replay after a crash between the sink's commit and the
// checkpoint's commit record), writes E otherwise, and refuses E below the last epoch
// written (a checkpoint reset under the same query name would otherwise be silently
// dropped).
//
// Placement is a function of the row, so a replay puts rows where they went the first
// time: a `partition` column wins; a row with a key goes to murmur2(key) as Kafka's
// default partitioner does; rows without a key go to partition (epoch % partitions).
//
// librdkafka's mock cluster accepts transactions but keeps none of their semantics
// (aborted records stay visible). The sink holds up there too, because the producer
// sends each partition's part of an epoch as one message set (records are queued with
// linger.ms = 1000 and sent at the commit's flush), which the mock appends whole or
// not at all; an epoch larger than one message set (batch.size, 1 MB) is atomic on a
// real cluster only.
//
// Thread-safety: the engine calls one sink from one thread (stream/sink.h); delivery
// reports arrive on that thread (rd_kafka_flush serves them).

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "weir/common/logging.h"
#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"
#include "weir/connectors/kafka_internal.h"
#include "weir/log/partitioner.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "kafka sink";
constexpr std::string_view kEpochHeader = "weir.epoch";
constexpr std::string_view kCommitHeader = "weir.commit";
// How far back from a partition's end recovery looks for the sink's last epoch.
constexpr int64_t kMaxRecoveryScan = 1'000'000;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsBytes(const DataType& t) { return t == DataType::String() || t == DataType::Binary(); }

struct KafkaSinkOptions {
  KafkaSettings client;
  std::string topic;  // empty: every row names its topic
  bool exactly_once = true;
  std::string transactional_id;
  int timeout_ms = 60000;
};

// Which columns a record's parts come from (-1: none).
struct RowLayout {
  int value = -1;
  int key = -1;
  int topic = -1;
  int partition = -1;
  int headers = -1;
};

std::optional<std::string_view> BytesAt(const Batch& batch, int column, int64_t row) {
  const Column& c = *batch.column(column);
  const int64_t i = batch.RowIndex(row);
  if (c.IsNull(i)) return std::nullopt;
  return c.Get<StringRef>(i).view();
}

// Delivery failures reported by librdkafka's callback.
struct DeliveryErrors {
  std::mutex mu;
  int64_t failed = 0;  // guarded by mu
  std::string first;   // guarded by mu
};

void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* m, void* opaque) {
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* errors = static_cast<DeliveryErrors*>(opaque);
  std::lock_guard<std::mutex> lock(errors->mu);
  if (errors->failed++ == 0) {
    errors->first = std::string(rd_kafka_err2str(m->err)) + " (" + rd_kafka_err2name(m->err) +
                    "), topic '" + rd_kafka_topic_name(m->rkt) + "' partition " +
                    std::to_string(m->partition);
  }
}

class KafkaSink final : public stream::Sink {
 public:
  KafkaSink(const stream::ConnectorContext& ctx, KafkaSinkOptions options)
      : name_(ctx.name), options_(std::move(options)) {}

  ~KafkaSink() override { Stop(); }

  std::string Describe() const override {
    return "KafkaSink[" +
           (options_.topic.empty() ? std::string("<topic column>") : options_.topic) + "]";
  }
  stream::Delivery delivery() const override {
    return options_.exactly_once ? stream::Delivery::kExactlyOnce : stream::Delivery::kAtLeastOnce;
  }

  Status AddBatch(int64_t epoch, const SchemaPtr& schema, const std::vector<Batch>& batches,
                  stream::OutputMode /*mode*/) override {
    Status st = producer_ == nullptr ? Start() : Status::OK();
    if (st.ok()) st = Write(epoch, *schema, batches);
    // After an error the next call starts over: a new producer fences this one, and
    // its open transaction is aborted.
    if (!st.ok()) Reset();
    return st;
  }

  void Stop() override {
    if (producer_ != nullptr) rd_kafka_flush(producer_.get(), options_.timeout_ms);
    Reset();
  }

 private:
  std::string What() const { return std::string(kWhat) + " `" + name_ + "`"; }

  void Reset() {
    topics_.clear();
    producer_.reset();
    recovery_.reset();
    partitions_.clear();
    last_epoch_.clear();
  }

  Status Start() {
    KafkaSettings defaults = {{"client.id", "weir-" + name_},
                              // Queue an epoch whole: the commit's flush sends it.
                              {"linger.ms", "1000"},
                              {"batch.num.messages", "100000"}};
    KafkaSettings fixed;
    if (options_.exactly_once) {
      fixed = {{"transactional.id", options_.transactional_id}};
    } else {
      fixed = {{"enable.idempotence", "true"}};
    }
    ASSIGN_OR_RAISE(producer_, NewKafkaClient(RD_KAFKA_PRODUCER, defaults, options_.client, fixed,
                                              What(), [this](rd_kafka_conf_t* conf) {
                                                rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
                                                rd_kafka_conf_set_opaque(conf, &errors_);
                                              }));
    if (options_.exactly_once) {
      // Fences an older producer with this transactional.id and aborts (or completes)
      // its transaction.
      if (rd_kafka_error_t* err =
              rd_kafka_init_transactions(producer_.get(), options_.timeout_ms)) {
        Status st = KafkaError(err, "The " + What() + " cannot start its transactional producer '" +
                                        options_.transactional_id + "'");
        rd_kafka_error_destroy(err);
        return st;
      }
      recovery_ = std::make_shared<KafkaConsumerPool>(
          KafkaSettings{{"client.id", "weir-" + name_ + "-recovery"}}, options_.client,
          KafkaSettings{{"isolation.level", "read_committed"},
                        {"enable.partition.eof", "true"},
                        {"enable.auto.commit", "false"},
                        {"enable.auto.offset.store", "false"}},
          What());
    }
    return Status::OK();
  }

  Result<RowLayout> Layout(const Schema& schema) const {
    RowLayout out;
    std::vector<std::string> others;
    for (int i = 0; i < schema.num_fields(); ++i) {
      const Field& f = schema.field(i);
      const std::string name = Lower(f.name);
      if (name == "value" && IsBytes(f.type)) {
        out.value = i;
      } else if (name == "key" && IsBytes(f.type)) {
        out.key = i;
      } else if (name == "topic" && f.type == DataType::String()) {
        out.topic = i;
      } else if (name == "partition" && f.type == DataType::Int32()) {
        out.partition = i;
      } else if (name == "headers" && f.type.id() == TypeId::kArray &&
                 f.type.element_type().id() == TypeId::kStruct &&
                 f.type.element_type().fields().size() == 2 &&
                 f.type.element_type().fields()[0].type == DataType::String() &&
                 IsBytes(f.type.element_type().fields()[1].type)) {
        out.headers = i;
      } else {
        others.push_back(f.name + " " + f.type.ToDdl());
      }
    }
    if (out.value < 0 || !others.empty()) {
      std::string problem =
          out.value < 0 ? "has no STRING or BINARY column `value`" : "has other columns:";
      for (size_t i = 0; i < others.size(); ++i) problem += (i > 0 ? ", " : " ") + others[i];
      return Status::InvalidOption("[INVALID_OPTION] The kafka sink `" + name_ +
                                   "` writes the columns value (STRING or BINARY), and "
                                   "optionally key (STRING or BINARY), topic STRING, partition "
                                   "INT and headers ARRAY<STRUCT<key: STRING, value: BINARY>>; "
                                   "the query " +
                                   problem + ".")
          .WithHint(
              "make the record value from the columns, e.g. SELECT user AS key, "
              "to_json(struct(*)) AS value ...");
    }
    if (out.topic < 0 && options_.topic.empty()) {
      return Status::InvalidOption("[INVALID_OPTION] The kafka sink `" + name_ +
                                   "` needs the option 'topic' or a `topic` column.")
          .WithHint("add topic = 'results' to its WITH options");
    }
    return out;
  }

  // The topic's producer handle and partition count, learning the sink's last epoch in
  // each partition the first time (exactly-once).
  struct TopicState {
    rd_kafka_topic_t* rkt = nullptr;
    int32_t partitions = 0;
  };

  Result<TopicState> Topic(const std::string& name) {
    auto it = topics_.find(name);
    if (it != topics_.end()) return TopicState{it->second.get(), partitions_.at(name)};
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer_.get(), name.c_str(), nullptr);
    if (rkt == nullptr) {
      return KafkaError(rd_kafka_last_error(),
                        "The " + What() + " cannot open topic '" + name + "'");
    }
    KafkaTopicHandle handle(rkt);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(producer_.get(), 0, rkt, &md, options_.timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaError(err, "The " + What() + " cannot read the metadata of topic '" + name + "'");
    }
    int32_t count = 0;
    rd_kafka_resp_err_t topic_err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    if (md->topic_cnt == 1) {
      topic_err = md->topics[0].err;
      count = md->topics[0].partition_cnt;
    }
    rd_kafka_metadata_destroy(md);
    if (topic_err != RD_KAFKA_RESP_ERR_NO_ERROR || count <= 0) {
      return Status::NotFound("The " + What() + " writes topic '" + name +
                              "', which the cluster does not have (" + rd_kafka_err2str(topic_err) +
                              ").")
          .WithHint("create it first, e.g. kafka-topics.sh --create --topic " + name);
    }
    if (options_.exactly_once) {
      for (int32_t p = 0; p < count; ++p) {
        ASSIGN_OR_RAISE(int64_t last, LastEpoch(name, p));
        if (last >= 0) last_epoch_[TopicPartition(name, p)] = last;
      }
    }
    topics_.emplace(name, std::move(handle));
    partitions_[name] = count;
    return TopicState{rkt, count};
  }

  // The newest epoch the sink committed in the partition, or -1.
  Result<int64_t> LastEpoch(const std::string& topic, int32_t partition) {
    ASSIGN_OR_RAISE(rd_kafka_t * rk, recovery_->MetadataClient());
    ASSIGN_OR_RAISE(auto marks, KafkaWatermarks(rk, topic, partition, options_.timeout_ms, What()));
    const auto [low, high] = marks;
    int64_t end = high;
    int64_t window = 512;
    while (end > low && high - end < kMaxRecoveryScan) {
      const int64_t start = std::max(low, end - window);
      ASSIGN_OR_RAISE(std::optional<int64_t> found, ScanWindow(topic, partition, start, end));
      if (found) return *found;
      end = start;
      window *= 4;
    }
    return -1;
  }

  // The last epoch tagged with the sink's weir.commit header in [start, end).
  Result<std::optional<int64_t>> ScanWindow(const std::string& topic, int32_t partition,
                                            int64_t start, int64_t end) {
    ASSIGN_OR_RAISE(std::unique_ptr<KafkaPartitionCursor> cursor,
                    recovery_->Acquire(topic, partition, start));
    std::optional<int64_t> found;
    int64_t next = start;
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    while (next < end) {
      ASSIGN_OR_RAISE(std::vector<KafkaMessage> messages,
                      cursor->Poll(static_cast<size_t>(std::min<int64_t>(end - next, 4096)), 100));
      if (messages.empty() && std::chrono::steady_clock::now() > deadline) {
        return Status::TimedOut("The " + What() + " could not read topic '" + topic +
                                "' partition " + std::to_string(partition) + " back to offset " +
                                std::to_string(start) + " to find its last epoch.");
      }
      for (const KafkaMessage& m : messages) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          if (m->offset >= end) next = end;
          continue;
        }
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          // Retention deleted the start meanwhile: nothing older to find.
          if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) next = end;
          continue;
        }
        if (m->offset < next) continue;
        next = m->offset + 1;
        if (m->offset >= end) break;
        if (std::optional<int64_t> epoch = TaggedEpoch(*m)) found = epoch;
      }
    }
    return found;
  }

  // The epoch of a record the sink tagged as the last of an epoch in its partition.
  std::optional<int64_t> TaggedEpoch(const rd_kafka_message_t& m) const {
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(&m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
    const void* value = nullptr;
    size_t size = 0;
    if (rd_kafka_header_get_last(headers, std::string(kCommitHeader).c_str(), &value, &size) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        value == nullptr ||
        std::string_view(static_cast<const char*>(value), size) != options_.transactional_id) {
      return std::nullopt;
    }
    if (rd_kafka_header_get_last(headers, std::string(kEpochHeader).c_str(), &value, &size) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        value == nullptr || size == 0 || size > 18) {
      return std::nullopt;
    }
    int64_t epoch = 0;
    for (char c : std::string_view(static_cast<const char*>(value), size)) {
      if (c < '0' || c > '9') return std::nullopt;
      epoch = epoch * 10 + (c - '0');
    }
    return epoch;
  }

  // Where one row goes.
  struct Destination {
    size_t topic = 0;  // index into the epoch's topics
    int32_t partition = 0;
  };

  Status Write(int64_t epoch, const Schema& schema, const std::vector<Batch>& batches) {
    ASSIGN_OR_RAISE(RowLayout layout, Layout(schema));
    // Pass 1: every row's destination, and how many rows each partition gets.
    std::vector<std::string> topic_names;
    std::vector<TopicState> topic_states;
    std::map<std::pair<size_t, int32_t>, int64_t> remaining;
    std::vector<std::vector<Destination>> destinations(batches.size());
    for (size_t b = 0; b < batches.size(); ++b) {
      const Batch& batch = batches[b];
      destinations[b].resize(static_cast<size_t>(batch.num_rows()));
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        std::optional<std::string_view> topic;
        if (layout.topic >= 0) topic = BytesAt(batch, layout.topic, r);
        if (!topic) {
          if (options_.topic.empty()) {
            return Status::InvalidInput("The " + What() +
                                        " got a row whose topic is NULL, and it has no "
                                        "'topic' option.")
                .WithHint("set topic = '...' as the default for such rows");
          }
          topic = options_.topic;
        }
        size_t t = 0;
        while (t < topic_names.size() && topic_names[t] != *topic) ++t;
        if (t == topic_names.size()) {
          ASSIGN_OR_RAISE(TopicState state, Topic(std::string(*topic)));
          topic_names.emplace_back(*topic);
          topic_states.push_back(state);
        }
        ASSIGN_OR_RAISE(int32_t p, PartitionOf(batch, layout, r, epoch, topic_names[t],
                                               topic_states[t].partitions));
        destinations[b][static_cast<size_t>(r)] = Destination{t, p};
        ++remaining[{t, p}];
      }
    }
    // Which partitions already hold this epoch (a replay), or a newer one.
    std::set<std::pair<size_t, int32_t>> skip;
    if (options_.exactly_once) {
      for (const auto& [dest, count] : remaining) {
        auto it = last_epoch_.find(TopicPartition(topic_names[dest.first], dest.second));
        if (it == last_epoch_.end()) continue;
        if (epoch < it->second) {
          return EpochWentBack(topic_names[dest.first], dest.second, epoch, it->second);
        }
        if (epoch == it->second) skip.insert(dest);
      }
      if (skip.size() == remaining.size()) return Status::OK();
      RETURN_NOT_OK(TxnCall(rd_kafka_begin_transaction(producer_.get()), "begin a transaction"));
    }
    ResetErrors();
    // Pass 2: produce, tagging each partition's last record of the epoch.
    const std::string epoch_text = std::to_string(epoch);
    for (size_t b = 0; b < batches.size(); ++b) {
      for (int64_t r = 0; r < batches[b].num_rows(); ++r) {
        const Destination& d = destinations[b][static_cast<size_t>(r)];
        const std::pair<size_t, int32_t> key{d.topic, d.partition};
        if (skip.count(key) != 0) continue;
        const bool last = --remaining[key] == 0;
        RETURN_NOT_OK(Produce(topic_states[d.topic].rkt, d.partition, batches[b], layout, r,
                              epoch_text, last && options_.exactly_once));
      }
    }
    if (!options_.exactly_once) return Flush();
    Status flushed = Flush();
    if (!flushed.ok()) {
      Abort();
      return flushed;
    }
    RETURN_NOT_OK(Commit());
    for (const auto& [dest, count] : remaining) {
      last_epoch_[TopicPartition(topic_names[dest.first], dest.second)] = epoch;
    }
    return Status::OK();
  }

  Result<int32_t> PartitionOf(const Batch& batch, const RowLayout& layout, int64_t row,
                              int64_t epoch, const std::string& topic, int32_t partitions) const {
    if (layout.partition >= 0) {
      const Column& c = *batch.column(layout.partition);
      const int64_t i = batch.RowIndex(row);
      if (!c.IsNull(i)) {
        const int32_t p = c.Get<int32_t>(i);
        if (p < 0 || p >= partitions) {
          return Status::InvalidInput("The " + What() + " got a row for partition " +
                                      std::to_string(p) + " of topic '" + topic + "', which has " +
                                      std::to_string(partitions) + " partitions.");
        }
        return p;
      }
    }
    if (layout.key >= 0) {
      if (std::optional<std::string_view> key = BytesAt(batch, layout.key, row)) {
        return log::PartitionForKey(*key, partitions);
      }
    }
    return static_cast<int32_t>(epoch % partitions);
  }

  Status Produce(rd_kafka_topic_t* rkt, int32_t partition, const Batch& batch,
                 const RowLayout& layout, int64_t row, const std::string& epoch_text,
                 bool tag_commit) {
    std::optional<std::string_view> value = BytesAt(batch, layout.value, row);
    std::optional<std::string_view> key;
    if (layout.key >= 0) key = BytesAt(batch, layout.key, row);
    rd_kafka_headers_t* headers = rd_kafka_headers_new(4);
    if (layout.headers >= 0) AddUserHeaders(batch, layout.headers, row, headers);
    rd_kafka_header_add(headers, kEpochHeader.data(), static_cast<ssize_t>(kEpochHeader.size()),
                        epoch_text.data(), static_cast<ssize_t>(epoch_text.size()));
    if (tag_commit) {
      rd_kafka_header_add(headers, kCommitHeader.data(), static_cast<ssize_t>(kCommitHeader.size()),
                          options_.transactional_id.data(),
                          static_cast<ssize_t>(options_.transactional_id.size()));
    }
    // librdkafka copies the bytes (RD_KAFKA_MSG_F_COPY); a NULL pointer is a null
    // value or key.
    void* value_data = value ? const_cast<char*>(value->data()) : nullptr;
    const size_t value_size = value ? value->size() : 0;
    const void* key_data = key ? key->data() : nullptr;
    const size_t key_size = key ? key->size() : 0;
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(value_data, value_size),
          RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();  // headers are taken
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer_.get(), 10);
        continue;
      }
      rd_kafka_headers_destroy(headers);
      return KafkaError(err, "The " + What() + " cannot produce to topic '" +
                                 std::string(rd_kafka_topic_name(rkt)) + "' partition " +
                                 std::to_string(partition));
    }
  }

  static void AddUserHeaders(const Batch& batch, int column, int64_t row,
                             rd_kafka_headers_t* headers) {
    const Column& array = *batch.column(column);
    const int64_t i = batch.RowIndex(row);
    if (array.IsNull(i)) return;
    const Column& entries = *array.child(0);
    const Column& keys = *entries.child(0);
    const Column& values = *entries.child(1);
    for (int32_t e = array.offsets()[i]; e < array.offsets()[i + 1]; ++e) {
      if (entries.IsNull(e) || keys.IsNull(e)) continue;
      const std::string_view k = keys.Get<StringRef>(e).view();
      if (values.IsNull(e)) {
        rd_kafka_header_add(headers, k.data(), static_cast<ssize_t>(k.size()), nullptr, 0);
      } else {
        const std::string_view v = values.Get<StringRef>(e).view();
        rd_kafka_header_add(headers, k.data(), static_cast<ssize_t>(k.size()), v.data(),
                            static_cast<ssize_t>(v.size()));
      }
    }
  }

  void ResetErrors() {
    std::lock_guard<std::mutex> lock(errors_.mu);
    errors_.failed = 0;
    errors_.first.clear();
  }

  // Waits until every queued record is delivered (or failed).
  Status Flush() {
    rd_kafka_resp_err_t err = rd_kafka_flush(producer_.get(), options_.timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaError(err, "The " + What() + " could not deliver its records within " +
                                 std::to_string(options_.timeout_ms) + " ms");
    }
    std::lock_guard<std::mutex> lock(errors_.mu);
    if (errors_.failed > 0) {
      return Status::IoError("The " + What() + " could not deliver " +
                             std::to_string(errors_.failed) + " records: " + errors_.first + ".");
    }
    return Status::OK();
  }

  // Commits, retrying what librdkafka calls retriable until the timeout.
  Status Commit() {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    for (;;) {
      rd_kafka_error_t* err = rd_kafka_commit_transaction(producer_.get(), options_.timeout_ms);
      if (err == nullptr) return Status::OK();
      const bool retry =
          rd_kafka_error_is_retriable(err) && std::chrono::steady_clock::now() < deadline;
      if (retry) {
        rd_kafka_error_destroy(err);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      Status st = KafkaError(err, "The " + What() + " cannot commit its transaction");
      const bool abortable = rd_kafka_error_txn_requires_abort(err);
      rd_kafka_error_destroy(err);
      if (abortable) Abort();
      return st;
    }
  }

  void Abort() {
    if (rd_kafka_error_t* err = rd_kafka_abort_transaction(producer_.get(), options_.timeout_ms)) {
      WEIR_LOG(WARN) << What() << ": abort failed: " << rd_kafka_error_string(err);
      rd_kafka_error_destroy(err);
    }
  }

  Status TxnCall(rd_kafka_error_t* err, std::string_view doing) {
    if (err == nullptr) return Status::OK();
    Status st = KafkaError(err, "The " + What() + " cannot " + std::string(doing));
    rd_kafka_error_destroy(err);
    return st;
  }

  Status EpochWentBack(const std::string& topic, int32_t p, int64_t epoch, int64_t last) const {
    return Status::InvalidInput("The " + What() + " is asked to write epoch " +
                                std::to_string(epoch) + " to topic '" + topic +
                                "', but partition " + std::to_string(p) + " already holds epoch " +
                                std::to_string(last) + " of the transactional producer '" +
                                options_.transactional_id + "'.")
        .WithHint(
            "the query's checkpoint was deleted or another query has the same name: give the "
            "query a new name (queryName), or set 'kafka.transactional.id' on the sink");
  }

  const std::string name_;
  const KafkaSinkOptions options_;
  DeliveryErrors errors_;
  KafkaHandle producer_;  // null before Start()
  std::map<std::string, KafkaTopicHandle> topics_;
  std::map<std::string, int32_t> partitions_;     // topic -> partition count
  std::map<TopicPartition, int64_t> last_epoch_;  // the sink's newest epoch per partition
  std::shared_ptr<KafkaConsumerPool> recovery_;   // read_committed readers (exactly-once)
};

Result<KafkaSinkOptions> ParseSinkOptions(const stream::ConnectorContext& ctx) {
  const stream::Options& o = ctx.options;
  KafkaSinkOptions out;
  if (!o.Has("kafka.bootstrap.servers")) {
    return MissingOption(kWhat, ctx.name, "kafka.bootstrap.servers",
                         "name the brokers: 'kafka.bootstrap.servers' = 'host1:9092,host2:9092'");
  }
  out.topic = o.Get("topic");
  const std::string delivery = Lower(o.Get("delivery", "exactly-once"));
  if (delivery == "at-least-once") {
    out.exactly_once = false;
  } else if (delivery != "exactly-once") {
    return BadOption(kWhat, ctx.name, "delivery", o.Get("delivery"),
                     "it must be exactly-once or at-least-once");
  }
  // The producer's identity: the query's, with the sink partition (one: the engine
  // hands the sink each epoch whole).
  out.transactional_id =
      o.Get("kafka.transactional.id",
            "weir-" + (ctx.query_name.empty() ? ctx.name : ctx.query_name) + "-0");
  if (!out.exactly_once && o.Has("kafka.transactional.id")) {
    return BadOption(kWhat, ctx.name, "kafka.transactional.id", o.Get("kafka.transactional.id"),
                     "an at-least-once sink writes without transactions");
  }
  for (auto& [key, value] : KafkaClientSettings(o)) {
    if (key != "transactional.id") out.client.emplace_back(key, value);
  }
  if (o.Has("kafka.transaction.timeout.ms")) {
    Result<int64_t> ms = o.GetInt("kafka.transaction.timeout.ms", 60000);
    if (ms.ok() && *ms > 0 && *ms <= 900000) out.timeout_ms = static_cast<int>(*ms);
  }
  return out;
}

}  // namespace

Result<stream::SinkPtr> MakeKafkaSink(const stream::ConnectorContext& ctx) {
  ASSIGN_OR_RAISE(KafkaSinkOptions options, ParseSinkOptions(ctx));
  return stream::SinkPtr(std::make_shared<KafkaSink>(ctx, std::move(options)));
}

}  // namespace weir::connectors
