#include "tools/weir/demo.h"

#include <array>
#include <string>

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

}  // namespace

int RunDemo(const GlobalOptions& global, const DemoOptions& options, std::ostream& out,
            std::ostream& err) {
  (void)global;  // The batch demo keeps nothing on disk.
  Result<Batch> batch = GenerateWeblogs(options.rows);
  if (!batch.ok()) {
    err << "weir: demo failed: " << batch.status().ToString() << "\n";
    return kExitFailure;
  }
  out << "weir demo: " << batch->num_rows() << " web server log records (a batch sample;\n"
      << "the streaming job replaces it once the streaming engine lands)\n\n";
  out << batch->schema()->TreeString() << "\n";
  ShowOptions show;
  show.num_rows = options.show;
  out << ShowString(*batch, show);
  return kExitOk;
}

}  // namespace weir::cli
