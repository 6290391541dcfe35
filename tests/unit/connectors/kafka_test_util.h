// Helpers for the kafka source and sink tests: librdkafka's mock cluster (a real Kafka
// wire-protocol peer inside the test process), records produced into it and read
// back with plain librdkafka clients, independent of the connectors under test.

#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "weir/connectors/builtin.h"

#include "basic_connectors_test_util.h"

namespace weir::connectors::testing {

struct KafkaRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int32_t partition = -1;  // produce: -1 lets the producer choose
  int64_t offset = -1;     // consume: where it was read
  int64_t timestamp_ms = 0;

  // The header's value, or "" when absent.
  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v.value_or("<null>");
    }
    return "";
  }
};

inline rd_kafka_t* NewClient(rd_kafka_type_t type,
                             const std::vector<std::pair<std::string, std::string>>& conf) {
  rd_kafka_conf_t* c = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : conf) {
    EXPECT_EQ(RD_KAFKA_CONF_OK, rd_kafka_conf_set(c, k.c_str(), v.c_str(), err, sizeof err))
        << k << ": " << err;
  }
  rd_kafka_conf_set_log_cb(c, [](const rd_kafka_t*, int, const char*, const char*) {});
  rd_kafka_t* rk = rd_kafka_new(type, c, err, sizeof err);
  EXPECT_NE(nullptr, rk) << err;
  return rk;
}

// A mock cluster of `brokers` brokers, destroyed with the object.
class MockKafka {
 public:
  explicit MockKafka(int brokers = 3) {
    handle_ = NewClient(RD_KAFKA_PRODUCER, {});
    cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }
  ~MockKafka() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(handle_);
  }
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }
  rd_kafka_mock_cluster_t* cluster() const { return cluster_; }

  void CreateTopic(const std::string& name, int partitions) {
    ASSERT_EQ(RD_KAFKA_RESP_ERR_NO_ERROR,
              rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1));
  }

  // Produces the records (in order, synchronously) with a plain idempotent producer.
  void Produce(const std::string& topic, const std::vector<KafkaRecord>& records) {
    rd_kafka_t* p = NewClient(
        RD_KAFKA_PRODUCER,
        {{"bootstrap.servers", bootstraps_}, {"enable.idempotence", "true"}, {"linger.ms", "0"}});
    for (const KafkaRecord& r : records) {
      rd_kafka_headers_t* hdrs = rd_kafka_headers_new(r.headers.size());
      for (const auto& [k, v] : r.headers) {
        rd_kafka_header_add(hdrs, k.data(), static_cast<ssize_t>(k.size()), v ? v->data() : nullptr,
                            v ? static_cast<ssize_t>(v->size()) : 0);
      }
      void* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;
      const size_t value_len = r.value ? r.value->size() : 0;
      const void* key = r.key ? r.key->data() : nullptr;
      const size_t key_len = r.key ? r.key->size() : 0;
      rd_kafka_resp_err_t err = rd_kafka_producev(
          p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(r.partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(value, value_len),
          RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_HEADERS(hdrs),
          RD_KAFKA_V_TIMESTAMP(r.timestamp_ms), RD_KAFKA_V_END);
      EXPECT_EQ(RD_KAFKA_RESP_ERR_NO_ERROR, err) << rd_kafka_err2str(err);
    }
    EXPECT_EQ(RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_flush(p, 30000));
    EXPECT_EQ(0, rd_kafka_outq_len(p));
    rd_kafka_destroy(p);
  }

  // Values "<prefix><i>" for i in [first, last], to `partition`.
  void ProduceValues(const std::string& topic, int32_t partition, int first, int last,
                     const std::string& prefix = "v") {
    std::vector<KafkaRecord> records;
    for (int i = first; i <= last; ++i) {
      KafkaRecord r;
      r.value = prefix + std::to_string(i);
      r.partition = partition;
      records.push_back(std::move(r));
    }
    Produce(topic, records);
  }

  // Every record of the topic's partitions, partition after partition, read with a
  // read_committed consumer up to each partition's end.
  std::vector<KafkaRecord> Consume(const std::string& topic, int partitions) {
    std::vector<KafkaRecord> out;
    rd_kafka_t* c = NewClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstraps_},
                                                  {"enable.partition.eof", "true"},
                                                  {"isolation.level", "read_committed"}});
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(c, topic.c_str(), nullptr);
    for (int32_t p = 0; p < partitions; ++p) {
      EXPECT_EQ(0, rd_kafka_consume_start(rkt, p, RD_KAFKA_OFFSET_BEGINNING));
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consume(rkt, p, 500);
        if (m == nullptr) continue;
        const bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) out.push_back(ToRecord(*m));
        rd_kafka_message_destroy(m);
        if (eof) break;
      }
      rd_kafka_consume_stop(rkt, p);
    }
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(c);
    return out;
  }

  // The values of Consume(), in order.
  std::vector<std::string> Values(const std::string& topic, int partitions) {
    std::vector<std::string> out;
    for (const KafkaRecord& r : Consume(topic, partitions)) out.push_back(r.value.value_or("NULL"));
    return out;
  }

 private:
  static KafkaRecord ToRecord(const rd_kafka_message_t& m) {
    KafkaRecord r;
    if (m.key != nullptr) r.key = std::string(static_cast<const char*>(m.key), m.key_len);
    if (m.payload != nullptr) {
      r.value = std::string(static_cast<const char*>(m.payload), m.len);
    }
    r.partition = m.partition;
    r.offset = m.offset;
    r.timestamp_ms = rd_kafka_message_timestamp(&m, nullptr);
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(&m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t i = 0;
           rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        std::optional<std::string> v;
        if (value != nullptr) v = std::string(static_cast<const char*>(value), size);
        r.headers.emplace_back(name, std::move(v));
      }
    }
    return r;
  }

  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstraps_;
};

}  // namespace weir::connectors::testing
