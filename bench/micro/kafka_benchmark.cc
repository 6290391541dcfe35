// The kafka connectors' throughput (issue #9): one streaming query, topic -> filter ->
// topic, run with `--available-now`-style AvailableNow triggers over the same records
//  - through the kafka source and the exactly-once kafka sink, against librdkafka's
//    mock cluster in this process (3 brokers, loopback TCP, the real wire protocol);
//  - through the embedded log's source and exactly-once sink (the baseline), on disk.
// Records: kRecords JSON values of ~100 bytes with keys, over 4 partitions; the filter
// keeps one in three. Both queries are the same SQL but for the connector options, and
// run in epochs of at most kPerEpoch offsets, so both pay per-epoch costs (the Kafka
// transaction, the log's fsynced commit) the same number of times. Printed: each
// pipeline's input records per second and the ratio kafka / log.
//
// Plain main: each pipeline is a whole query run, measured once after a warm-up run.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "weir/api/session.h"
#include "weir/common/logging.h"
#include "weir/log/topic.h"
#include "weir/weir.h"

namespace weir {
namespace {

constexpr int kRecords = 200'000;
constexpr int kPartitions = 4;
constexpr int kPerEpoch = 50'000;

std::string Value(int i) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "{\"id\":%d,\"kind\":\"%c\",\"user\":\"user-%05d\",\"url\":\"/page/%d\","
                "\"bytes\":%d}",
                i, "abc"[i % 3], i % 10000, i % 977, (i * 7919) % 100000);
  return buf;
}

void Quiet(const rd_kafka_t*, int, const char*, const char*) {}

rd_kafka_t* Client(rd_kafka_type_t type, const std::string& servers) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  if (!servers.empty())
    rd_kafka_conf_set(conf, "bootstrap.servers", servers.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "linger.ms", "20", err, sizeof err);
  rd_kafka_conf_set_log_cb(conf, Quiet);
  return rd_kafka_new(type, conf, err, sizeof err);
}

// Runs `sql` (sources, a sink with trigger available-now, an INSERT) to its end;
// seconds taken, or -1 on an error (printed).
double RunPipeline(const std::string& data_dir, const std::string& sql) {
  SessionOptions options;
  options.data_dir = data_dir;
  options.threads = 2;
  Result<Session> session = Session::Open(std::move(options));
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().ToString().c_str());
    return -1;
  }
  const auto start = std::chrono::steady_clock::now();
  Status st =
      session->sql_session().ExecuteScript(sql, [](const auto&...) { return Status::OK(); });
  for (const stream::StreamingQueryPtr& q : session->Streams().active()) {
    if (!st.ok()) break;
    Result<bool> done = q->AwaitTermination();
    st = done.ok() ? q->exception() : done.status();
  }
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return -1;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Query(const std::string& source_options, const std::string& sink_options,
                  const std::string& checkpoint) {
  return "CREATE SOURCE events (key BINARY, value BINARY, topic STRING, `partition` INT, "
         "`offset` BIGINT, timestamp TIMESTAMP, timestampType INT) WITH (" +
         source_options + ", startingOffsets = 'earliest', maxOffsetsPerTrigger = '" +
         std::to_string(kPerEpoch) + "');\n" + "CREATE SINK kept WITH (" + sink_options +
         ", checkpointLocation = '" + checkpoint + "', trigger = 'available-now');\n" +
         "INSERT INTO kept SELECT key, value FROM events "
         "WHERE CAST(value AS STRING) LIKE '%\"kind\":\"a\"%';\n";
}

// log -> filter -> log on disk under `dir`; records/s.
double LogRun(const std::string& dir, int run) {
  const std::string in = "in" + std::to_string(run);
  const std::string out = "out" + std::to_string(run);
  log::LogStore store(Env::Default(), dir);
  log::TopicConfig config;
  config.partitions = kPartitions;
  if (!store.CreateTopic(in, config).ok() || !store.CreateTopic(out, config).ok()) return -1;
  {
    auto topic = store.OpenTopic(in, log::TopicAccess::kWrite);
    if (!topic.ok()) return -1;
    std::vector<std::vector<log::Record>> parts(kPartitions);
    for (int i = 0; i < kRecords; ++i) {
      log::Record r;
      r.key = "user-" + std::to_string(i % 10000);
      r.value = Value(i);
      r.timestamp = 1704067200000;
      parts[static_cast<size_t>(i % kPartitions)].push_back(std::move(r));
    }
    for (int p = 0; p < kPartitions; ++p) {
      auto& records = parts[static_cast<size_t>(p)];
      for (size_t at = 0; at < records.size(); at += 5000) {
        const size_t n = std::min<size_t>(5000, records.size() - at);
        if (!(*topic)->Append(p, std::span<const log::Record>(records.data() + at, n)).ok()) {
          return -1;
        }
      }
    }
  }
  const double seconds =
      RunPipeline(dir, Query("connector = 'log', topic = '" + in + "'",
                             "connector = 'log', format = 'raw', topic = '" + out + "'",
                             dir + "/ckpt-log-" + std::to_string(run)));
  return seconds > 0 ? kRecords / seconds : -1;
}

// kafka -> filter -> kafka through the mock cluster; records/s.
double KafkaRun(rd_kafka_mock_cluster_t* cluster, const std::string& servers,
                const std::string& dir, int run) {
  const std::string in = "in" + std::to_string(run);
  const std::string out = "out" + std::to_string(run);
  rd_kafka_mock_topic_create(cluster, in.c_str(), kPartitions, 1);
  rd_kafka_mock_topic_create(cluster, out.c_str(), kPartitions, 1);
  rd_kafka_t* producer = Client(RD_KAFKA_PRODUCER, servers);
  for (int i = 0; i < kRecords; ++i) {
    const std::string key = "user-" + std::to_string(i % 10000);
    const std::string value = Value(i);
    while (rd_kafka_producev(
               producer, RD_KAFKA_V_TOPIC(in.c_str()), RD_KAFKA_V_PARTITION(i % kPartitions),
               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key.data(), key.size()),
               RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer, 10);
    }
  }
  rd_kafka_flush(producer, 60000);
  rd_kafka_destroy(producer);
  const std::string servers_option = "'kafka.bootstrap.servers' = '" + servers + "'";
  const double seconds = RunPipeline(
      dir, Query("connector = 'kafka', " + servers_option + ", subscribe = '" + in + "'",
                 "connector = 'kafka', " + servers_option + ", topic = '" + out +
                     "', queryName = 'bench" + std::to_string(run) + "'",
                 dir + "/ckpt-kafka-" + std::to_string(run)));
  return seconds > 0 ? kRecords / seconds : -1;
}

}  // namespace
}  // namespace weir

int main() {
  using namespace weir;
  char tmpl[] = "/tmp/weir-kafka-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 1;
  const std::string dir = tmpl;
  rd_kafka_t* handle = Client(RD_KAFKA_PRODUCER, "");
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, 3);
  const std::string servers = rd_kafka_mock_cluster_bootstraps(cluster);
  SetLogLevel(LogLevel::kError);
  // A warm-up run of each (page cache, the mock's transaction coordinator), then the
  // measured ones.
  KafkaRun(cluster, servers, dir, 0);
  LogRun(dir, 0);
  const double kafka = KafkaRun(cluster, servers, dir, 1);
  const double log = LogRun(dir, 1);
  std::printf("kafka -> filter -> kafka (mock cluster): %10.0f records/s\n", kafka);
  std::printf("log   -> filter -> log   (on disk):      %10.0f records/s\n", log);
  if (kafka > 0 && log > 0) {
    std::printf(
        "RATIO kafka / log = %.2f  (%d records of ~100 bytes, %d partitions, %d per epoch)\n",
        kafka / log, kRecords, kPartitions, kPerEpoch);
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  std::filesystem::remove_all(dir);
  return kafka > 0 && log > 0 ? 0 : 1;
}
