#include "tools/weir/demo.h"

#include <array>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "weir/api/session.h"
#include "weir/log/partitioner.h"
#include "weir/log/topic.h"
#include "weir/types/builder.h"
#include "weir/types/render.h"

namespace weir::cli {

namespace {

// SplitMix64: a tiny deterministic generator, so every run prints the same sample.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Uniform(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

SchemaPtr WeblogSchema() {
  return MakeSchema({
      {"host", DataType::String(), false},
      {"ts", DataType::Timestamp(), false},
      {"request", DataType::String(), false},
      {"http_reply", DataType::Int32(), false},
      {"bytes", DataType::Int64(), true},
  });
}

// Builds `rows` log records, zero to two seconds apart, from 2024-07-01 00:00 UTC.
Result<Batch> GenerateWeblogs(int64_t rows) {
  static constexpr std::array<const char*, 6> kHosts = {
      "web-01.example.com",     "web-02.example.com", "10.1.7.23",
      "crawler.search.example", "api.example.com",    "198.51.100.7"};
  static constexpr std::array<const char*, 7> kPaths = {"/index.html",
                                                        "/images/logo.png",
                                                        "/api/v1/orders",
                                                        "/api/v1/orders/42",
                                                        "/login",
                                                        "/static/app.js",
                                                        "/search?q=stream+processing"};
  static constexpr std::array<int32_t, 6> kReplies = {200, 200, 200, 304, 404, 500};

  SchemaPtr schema = WeblogSchema();
  StringBuilder host;
  Int64Builder ts(DataType::Timestamp());
  StringBuilder request;
  Int32Builder reply(DataType::Int32());
  Int64Builder bytes(DataType::Int64());
  Random rng(42);
  int64_t t = TimestampFromCivilUtc(2024, 7, 1, 0, 0, 0);
  for (int64_t i = 0; i < rows; ++i) {
    t += kMicrosPerSecond * static_cast<int64_t>(rng.Uniform(3));
    host.Append(kHosts[rng.Uniform(kHosts.size())]);
    ts.Append(t);
    std::string req = rng.Uniform(5) == 0 ? "POST " : "GET ";
    req += kPaths[rng.Uniform(kPaths.size())];
    request.Append(req);
    int32_t code = kReplies[rng.Uniform(kReplies.size())];
    reply.Append(code);
    // A 304 carries no body: its size is unknown (NULL), as in common log format's "-".
    if (code == 304) {
      bytes.AppendNull();
    } else {
      bytes.Append(static_cast<int64_t>(200 + rng.Uniform(50'000)));
    }
  }
  return Batch::Make(
      schema, {host.Finish(), ts.Finish(), request.Finish(), reply.Finish(), bytes.Finish()});
}

// The demo's pipeline: the embedded log's `weblogs` topic -> a stateless streaming
// query -> the `weblog_errors` topic, exactly once; then a second query reads the
// errors topic back into a memory sink, and a batch query summarizes it.
constexpr std::string_view kPipeline = R"sql(
CREATE SOURCE weblogs (
  host STRING, ts TIMESTAMP, request STRING, http_reply INT, bytes BIGINT
) WITH (connector = 'log', topic = 'weblogs', format = 'json', maxOffsetsPerTrigger = '250');

CREATE SINK weblog_errors WITH (connector = 'log', topic = 'weblog_errors', format = 'json');

INSERT INTO weblog_errors
SELECT ts, host, request, http_reply FROM weblogs WHERE http_reply >= 400;
)sql";

constexpr std::string_view kReadBack = R"sql(
CREATE SOURCE errors (ts TIMESTAMP, host STRING, request STRING, http_reply INT)
  WITH (connector = 'log', topic = 'weblog_errors', format = 'json');

CREATE SINK demo_errors WITH (connector = 'memory');

INSERT INTO demo_errors SELECT * FROM errors;
)sql";

// Prints one line per epoch as the queries report progress.
class ProgressLines final : public stream::StreamingQueryListener {
 public:
  explicit ProgressLines(std::ostream& out) : out_(out) {}
  void OnQueryProgress(const stream::QueryProgress& p) override {
    std::lock_guard<std::mutex> lock(mu_);
    out_ << "  query " << p.name << ", epoch " << p.batch_id << ": " << p.num_input_rows
         << " rows in, " << p.sink.num_output_rows << " rows out\n";
  }

 private:
  std::mutex mu_;
  std::ostream& out_;  // guarded by mu_
};

Status ProduceSample(Env* env, const std::string& data_dir, const Batch& sample) {
  log::LogStore store(env, data_dir);
  log::TopicConfig config;
  config.partitions = 2;
  RETURN_NOT_OK(store.CreateTopic("weblogs", config));
  RETURN_NOT_OK(store.CreateTopic("weblog_errors", config));
  ASSIGN_OR_RAISE(std::unique_ptr<log::Topic> topic,
                  store.OpenTopic("weblogs", log::TopicAccess::kWrite));
  std::string lines;
  AppendJsonLines(sample, JsonOptions{}, &lines);
  std::vector<std::vector<log::Record>> parts(2);
  size_t begin = 0;
  int64_t row = 0;
  const Column& hosts = *sample.column(0);
  while (begin < lines.size()) {
    const size_t end = lines.find('\n', begin);
    log::Record r;
    const std::string host(hosts.values<StringRef>()[row].view());
    r.key = host;
    r.value = lines.substr(begin, end - begin);
    r.timestamp = 1'719'792'000'000 + row;
    parts[static_cast<size_t>(log::PartitionForKey(host, 2))].push_back(std::move(r));
    begin = end + 1;
    ++row;
  }
  for (int32_t p = 0; p < 2; ++p) {
    if (!parts[static_cast<size_t>(p)].empty()) {
      RETURN_NOT_OK(topic->Append(p, parts[static_cast<size_t>(p)]).status());
    }
  }
  return topic->Close();
}

Status RunPipeline(const std::string& data_dir, const Batch& sample, int64_t show,
                   std::ostream& out) {
  Env* env = Env::Default();
  RETURN_NOT_OK(ProduceSample(env, data_dir, sample));
  out << "Produced " << sample.num_rows()
      << " web log records (JSON) to topic `weblogs` (2 partitions).\n\n"
      << "Pipeline (AvailableNow: process what is there, then stop):" << kPipeline << "\n";
  api::SessionOptions options;
  options.data_dir = data_dir;
  options.trigger_override = stream::Trigger::AvailableNow();
  api::Session session(options);
  session.queries().AddListener(std::make_shared<ProgressLines>(out));
  auto run = [&](std::string_view sql) -> Status {
    RETURN_NOT_OK(session.ExecuteScript(
        sql, [](std::string_view, api::StatementResult&) { return Status::OK(); }));
    for (const auto& q : session.queries().active()) {
      ASSIGN_OR_RAISE(bool done, q->AwaitTermination());
      (void)done;
      RETURN_NOT_OK(q->exception());
    }
    return Status::OK();
  };
  RETURN_NOT_OK(run(kPipeline));
  out << "\nReading topic `weblog_errors` back with a second streaming query into a memory "
         "sink:\n";
  RETURN_NOT_OK(run(kReadBack));
  constexpr std::string_view kSummary =
      "SELECT http_reply, count(*) AS errors FROM demo_errors GROUP BY http_reply ORDER BY 1";
  out << "\n" << kSummary << "\n";
  ASSIGN_OR_RAISE(api::StatementResult summary, session.Execute(kSummary));
  ShowOptions table;
  out << ShowString(summary.batches, table) << "\n";
  constexpr std::string_view kFirst = "SELECT * FROM demo_errors ORDER BY ts";
  out << "\n" << kFirst << "\n";
  ASSIGN_OR_RAISE(api::StatementResult first, session.Execute(kFirst));
  table.num_rows = show;
  out << ShowString(first.batches, table) << "\n";
  return Status::OK();
}

}  // namespace

int RunDemo(const GlobalOptions& global, const DemoOptions& options, std::ostream& out,
            std::ostream& err) {
  Result<Batch> batch = GenerateWeblogs(options.rows);
  if (!batch.ok()) {
    err << "weir: demo failed: " << batch.status().ToString() << "\n";
    return kExitFailure;
  }
  // The demo keeps its topics and checkpoints in a directory of its own, fresh each
  // run, so it always shows the whole job.
  const std::string data_dir = global.data_dir + "/demo";
  std::error_code ec;
  std::filesystem::remove_all(data_dir, ec);
  out << "weir demo: a streaming job on the embedded log (data in " << data_dir << ")\n\n"
      << "The sample's schema:\n"
      << batch->schema()->TreeString() << "\n";
  Status st = RunPipeline(data_dir, *batch, options.show, out);
  if (!st.ok()) {
    err << "weir: demo failed: " << st.ToString() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace weir::cli
