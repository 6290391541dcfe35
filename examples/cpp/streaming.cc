// A streaming query from C++ with weir's DataFrame API (docs/api.md).
//
// Page views arrive on a memory stream; a query keeps the slow ones, joins them
// with a static table of page owners, and writes each epoch to two sinks: a
// foreachBatch function that prints it, and a memory sink that SQL then reads.
// The program checks its own results and exits non-zero on a mismatch, so that
// `make test` proves the example works.

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>

#include <unistd.h>

#include "weir/weir.h"

using namespace weir;

namespace {

// Adds page views (url, millis) to the stream.
Status AddViews(MemoryStream& views, const std::vector<std::pair<std::string, int64_t>>& rows) {
  std::vector<std::vector<Value>> values;
  for (const auto& [url, ms] : rows) values.push_back({Value::String(url), Value::Int64(ms)});
  return views.AddData(values).status();
}

Status Run(const std::string& data_dir, std::string* report) {
  SessionOptions options;
  options.data_dir = data_dir;
  ASSIGN_OR_RAISE(Session session, Session::Open(options));

  // 1. The input: a memory stream, and a static table from SQL.
  ASSIGN_OR_RAISE(MemoryStream views, session.NewMemoryStream("views", "url STRING, ms BIGINT"));
  ASSIGN_OR_RAISE(DataFrame owners,
                  session.Sql("SELECT * FROM VALUES ('/home', 'web'), ('/cart', 'shop') "
                              "AS t(url, team)"));

  // 2. The query: slow views, with their owner, in seconds.
  ASSIGN_OR_RAISE(DataFrame slow, views.ToDF().Filter("ms >= 500"));
  ASSIGN_OR_RAISE(DataFrame joined, slow.As("v").Join(owners.As("o"), "v.url = o.url", "left"));
  ASSIGN_OR_RAISE(DataFrame result, joined.Select("v.url", "coalesce(o.team, 'unowned') AS team",
                                                  "v.ms / 1000.0 AS seconds"));

  // 3. Two queries over it: foreachBatch printing each epoch, and a memory sink.
  std::mutex mu;
  auto print = [&](int64_t epoch, const SchemaPtr&, const std::vector<Batch>& rows) -> Status {
    std::lock_guard<std::mutex> lock(mu);
    *report += "epoch " + std::to_string(epoch) + "\n" + ShowString(rows);
    return Status::OK();
  };
  ASSIGN_OR_RAISE(StreamingQueryPtr printer, result.WriteStream().foreachBatch(print).start());
  ASSIGN_OR_RAISE(StreamingQueryPtr table,
                  result.WriteStream()
                      .format("memory")
                      .queryName("slow_views")
                      .outputMode("append")
                      .trigger(Trigger::ProcessingTime("100 ms"))
                      .option("checkpointLocation", data_dir + "/checkpoints/slow_views")
                      .start());

  // 4. Data in two rounds; ProcessAllAvailable waits until each is through.
  RETURN_NOT_OK(AddViews(views, {{"/home", 120}, {"/cart", 900}, {"/blog", 1500}}));
  RETURN_NOT_OK(printer->ProcessAllAvailable());
  RETURN_NOT_OK(table->ProcessAllAvailable());
  RETURN_NOT_OK(AddViews(views, {{"/home", 650}}));
  RETURN_NOT_OK(printer->ProcessAllAvailable());
  RETURN_NOT_OK(table->ProcessAllAvailable());

  // 5. The memory sink's table, through SQL.
  ASSIGN_OR_RAISE(DataFrame totals,
                  session.Sql("SELECT team, count(*) AS views, sum(seconds) AS seconds "
                              "FROM slow_views GROUP BY team ORDER BY team"));
  ASSIGN_OR_RAISE(std::string shown, totals.Show());
  *report += "totals\n" + shown;
  if (std::optional<StreamingQueryProgress> p = table->last_progress()) {
    *report += "last epoch of slow_views: " + std::to_string(p->batch_id) + ", " +
               std::to_string(p->num_input_rows) + " input row(s)\n";
  }
  printer->Stop();
  table->Stop();
  RETURN_NOT_OK(printer->exception());
  return table->exception();
}

}  // namespace

int main() {
  const std::string data_dir =
      (std::filesystem::temp_directory_path() / ("weir-example-" + std::to_string(getpid())))
          .string();
  std::string report;
  Status st = Run(data_dir, &report);
  std::filesystem::remove_all(data_dir);
  std::cout << report;
  if (!st.ok()) {
    std::cerr << "error: " << st << "\n";
    return 1;
  }
  const std::string expected =
      "epoch 0\n"
      "+-----+-------+--------+\n"
      "|  url|   team| seconds|\n"
      "+-----+-------+--------+\n"
      "|/cart|   shop|0.900000|\n"
      "|/blog|unowned|1.500000|\n"
      "+-----+-------+--------+\n"
      "epoch 1\n"
      "+-----+----+--------+\n"
      "|  url|team| seconds|\n"
      "+-----+----+--------+\n"
      "|/home| web|0.650000|\n"
      "+-----+----+--------+\n"
      "totals\n"
      "+-------+-----+--------+\n"
      "|   team|views| seconds|\n"
      "+-------+-----+--------+\n"
      "|   shop|    1|0.900000|\n"
      "|unowned|    1|1.500000|\n"
      "|    web|    1|0.650000|\n"
      "+-------+-----+--------+\n"
      "last epoch of slow_views: 1, 1 input row(s)\n";
  if (report != expected) {
    std::cerr << "unexpected output; expected:\n" << expected;
    return 1;
  }
  std::cout << "ok\n";
  return 0;
}
