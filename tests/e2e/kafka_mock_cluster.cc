// A librdkafka mock cluster in a process of its own, for the end-to-end Kafka tests:
// it outlives the weir processes they kill, as a real cluster would.
//
//   kafka_mock_cluster [--brokers N] [TOPIC:PARTITIONS]...
//
// creates the cluster (3 brokers by default) and the topics, prints its bootstrap
// servers as one line on stdout, then runs until stdin reaches its end or it gets
// SIGTERM/SIGINT. Test helper only; nothing of weir is linked in.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <unistd.h>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

void Quiet(const rd_kafka_t*, int, const char*, const char*) {}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 3;
  int first_topic = 1;
  if (argc > 2 && std::strcmp(argv[1], "--brokers") == 0) {
    brokers = std::atoi(argv[2]);
    first_topic = 3;
  }
  if (brokers < 1) {
    std::fprintf(stderr, "usage: kafka_mock_cluster [--brokers N] [TOPIC:PARTITIONS]...\n");
    return 2;
  }
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, Quiet);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_mock_cluster: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (cluster == nullptr) {
    std::fprintf(stderr, "kafka_mock_cluster: cannot create the cluster\n");
    return 1;
  }
  for (int i = first_topic; i < argc; ++i) {
    std::string spec = argv[i];
    const size_t colon = spec.rfind(':');
    const int partitions = colon == std::string::npos ? 1 : std::atoi(spec.c_str() + colon + 1);
    const std::string topic = spec.substr(0, colon);
    rd_kafka_resp_err_t e =
        rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions < 1 ? 1 : partitions, 1);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kafka_mock_cluster: topic %s: %s\n", topic.c_str(),
                   rd_kafka_err2str(e));
      return 1;
    }
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  std::fflush(stdout);
  // Until stdin ends (the test closed it, or died) or a signal.
  while (g_stop == 0) {
    pollfd in{STDIN_FILENO, POLLIN, 0};
    if (poll(&in, 1, 200) > 0) {
      char buf[256];
      if (read(STDIN_FILENO, buf, sizeof buf) <= 0) break;
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
