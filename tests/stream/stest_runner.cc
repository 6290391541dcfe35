// weir_stest: runs scripted streaming tests (.stest files), in the style of Spark's
// StreamTest (DESIGN.md section 9), against one Session per file with a manual clock.
//
// A script is a sequence of records separated by blank lines; `#` starts a comment.
//
//   statement ok                     SQL that must succeed (CREATE SOURCE/SINK, INSERT
//   <sql>                            INTO — which starts a streaming query — SET, ...)
//
//   statement error                  SQL that must fail; the error (with its position
//   <sql>                            and hint) must contain every expected line
//   ----
//   <substring>
//
//   query <types> [rowsort]          a batch query (e.g. over a memory sink's table);
//   <sql>                            rows as in tests/sql/*.slt (tab-separated, NULL,
//   ----                             (empty)); an expected cell `*` matches anything
//   <rows>
//
//   add <source> <values>            appends rows to a memory source, in one batch:
//                                    add s (1, 'a'), (2, NULL)  — each value is cast
//                                    to the source's column type
//   process                          every active query processes all available data
//   advance <duration>               moves the manual clock: 500ms, 10s, 2m, 1h
//   check <sink> [all|epoch N] [rowsort]
//   ----                             rows the `recording` sink <sink> received in its
//   <rows>                           last epoch (default), in all epochs, or in epoch N
//   epochs <sink> <n>                the recording sink has received exactly n epochs
//   stop <query>                     stops the query (at an epoch boundary)
//   restart <query>                  runs the INSERT INTO that started it again (same
//                                    checkpoint: same id, next epoch)
//   await <query>                    waits until the query terminates by itself
//   file <path>                      writes the following lines to <path> atomically
//   <lines>                          (a temp file renamed into place), creating the
//                                    directory — for file sources
//   progress <query> <field> <value> a top-level field of its last progress
//                                    (numInputRows, batchId, ...) equals value
//   failed <query>                   the query failed; the error must contain each line
//   ----
//   <substring>
//   progress-contains <query> <text> the last progress JSON contains <text> (the rest
//                                    of the line, spaces included), at any depth
//   same-id <query>                  the query has the id it had when first started,
//                                    and a new runId if it was restarted
//   remove <path>                    deletes a file (e.g. a checkpoint's commit record,
//                                    to replay its epoch as after a crash)
//   rename <from> <to>               renames a file
//   topic create <name> [partitions] creates a topic of the embedded log in the data dir
//   produce <topic> [partition P] [key K] [txn ID]
//   <values>                         appends the lines as records (one batch) to
//                                    partition P (default 0), with key K if given;
//                                    `txn ID` writes them in an open transaction of
//                                    producer ID (ended by `txn`)
//   txn <topic> <partition> <ID> commit|abort
//                                    ends producer ID's open transaction there
//   consume <topic> [rowsort]        the topic's committed records (read_committed),
//   ----                             by partition and offset, as
//   <rows>                           `<partition>\t<key or NULL>\t<value>`
//   dataframe <query> [mode]         starts a query built with the C++ DataFrame API
//   <sql>                            (what SQL has no syntax for): Session::Sql(<sql>)
//   .<call>(<args>)                  (lines up to the first `.`), then one call per
//   ...                              line — withWatermark(col, delay), dropDuplicates(
//   ----                             [cols]), dropDuplicatesWithinWatermark([cols]),
//   <substring>                      select(exprs), filter(cond) — written to a
//                                    `recording` sink named <query> in <mode> (default
//                                    append), checkpointed under the data dir so that
//                                    `restart` resumes it. With ---- lines, building or
//                                    starting must fail with each of them. The calls
//                                    sessionize(...) and countByKey(...) apply built-in
//                                    [flat]mapGroupsWithState functions
//                                    (stest_state_demos.h).
//
// The runner registers a sink connector `recording`, which keeps every epoch's rows
// by sink name, so scripts can check what each epoch produced. Queries run with
// SessionOptions::wait_for_clock: only `advance` moves the clock (which starts at
// 2024-07-01T00:00:00Z), so current_timestamp(), the rate source and
// processing-time triggers are deterministic; `process` returns once a
// processing-time query waits for the clock. Paths: ${TMP} is a
// fresh directory per file (the data dir is ${TMP}/data), ${STEST_DIR} the script's
// directory.
//
// WEIR_STEST_STATE_BACKEND=rocksdb in the environment runs every query on the RocksDB
// state store backend (SET weir.state.backend before the script).
//
// After each script the runner checks that no query's progress reported state rows
// behind its eviction watermark (customMetrics.numRowsBehindWatermark), so state
// stays bounded.
//
// Exit code 0 when every record passed; 1 with a report of each failure otherwise.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "weir/api/session.h"
#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/log/partition.h"
#include "weir/log/topic.h"
#include "weir/types/builder.h"
#include "weir/types/pretty.h"
#include "weir/types/value.h"
#include "weir/weir.h"

#include "stest_state_demos.h"

namespace weir {
namespace {

// A sink that keeps each epoch's rows as slt lines, by sink name.
class Recordings {
 public:
  void Record(const std::string& sink, int64_t epoch, std::vector<std::string> rows) {
    std::lock_guard<std::mutex> lock(mu_);
    epochs_[sink][epoch] = std::move(rows);  // a replayed epoch replaces
  }
  std::map<int64_t, std::vector<std::string>> Epochs(const std::string& sink) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = epochs_.find(sink);
    return it == epochs_.end() ? std::map<int64_t, std::vector<std::string>>{} : it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<int64_t, std::vector<std::string>>> epochs_;
};

std::vector<std::string> RowLines(const std::vector<Batch>& batches, const TimeZone& tz) {
  std::vector<std::string> lines;
  PrettyOptions pretty;
  pretty.time_zone = &tz;
  for (const Batch& b : batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::string line;
      for (int c = 0; c < b.num_columns(); ++c) {
        const int64_t row = b.RowIndex(r);
        std::string cell = FormatPretty(*b.column(c), row, pretty);
        if (cell.empty() && !b.column(c)->IsNull(row)) cell = "(empty)";
        line += (c > 0 ? "\t" : "") + cell;
      }
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

class RecordingSink final : public stream::Sink {
 public:
  RecordingSink(Recordings* recordings, std::string name)
      : recordings_(recordings), name_(std::move(name)) {}
  std::string Describe() const override { return "RecordingSink[" + name_ + "]"; }
  Status AddBatch(int64_t epoch, const SchemaPtr&, const std::vector<Batch>& batches,
                  stream::OutputMode) override {
    recordings_->Record(name_, epoch, RowLines(batches, TimeZone()));
    return Status::OK();
  }

 private:
  Recordings* recordings_;
  std::string name_;
};

// Remembers each query as it starts (on its own thread, while it is still active), so
// that a query that ends at once (a Once trigger without data, a failure) is found.
class StartedQueries final : public stream::StreamingQueryListener {
 public:
  explicit StartedQueries(stream::StreamingQueryManager* manager) : manager_(manager) {}
  void OnQueryStarted(const std::string& id, const std::string&, const std::string&) override {
    stream::StreamingQueryPtr q = manager_->Get(id);
    std::lock_guard<std::mutex> lock(mu_);
    if (q != nullptr) started_.push_back(std::move(q));
  }
  std::vector<stream::StreamingQueryPtr> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(started_, {});
  }

 private:
  stream::StreamingQueryManager* manager_;
  std::mutex mu_;
  std::vector<stream::StreamingQueryPtr> started_;
};

struct Record {
  int line = 0;
  std::string command;  // first line
  std::string body;     // following lines up to ---- or a blank line
  std::vector<std::string> expected;
};

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string Substitute(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    for (size_t p = s.find(k); p != std::string::npos; p = s.find(k, p + v.size())) {
      s.replace(p, k.size(), v);
    }
  }
  return s;
}

bool Parse(const std::string& path, const std::map<std::string, std::string>& vars,
           std::vector<Record>* records, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(Substitute(l, vars));
  }
  size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].empty() || lines[i][0] == '#') {
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i + 1);
    r.command = lines[i++];
    while (i < lines.size() && !lines[i].empty() && lines[i] != "----") {
      r.body += (r.body.empty() ? "" : "\n") + lines[i++];
    }
    if (i < lines.size() && lines[i] == "----") {
      ++i;
      while (i < lines.size() && !lines[i].empty()) r.expected.push_back(lines[i++]);
    }
    records->push_back(std::move(r));
  }
  return true;
}

Result<int64_t> ParseDurationMicros(const std::string& text) {
  size_t n = 0;
  while (n < text.size() && std::isdigit(static_cast<unsigned char>(text[n]))) ++n;
  if (n == 0) return Status::InvalidArgument("bad duration '" + text + "'");
  const int64_t v = std::stoll(text.substr(0, n));
  const std::string unit = text.substr(n);
  if (unit == "us") return v;
  if (unit == "ms") return v * 1000;
  if (unit == "s") return v * 1'000'000;
  if (unit == "m") return v * 60'000'000;
  if (unit == "h") return v * 3'600'000'000;
  return Status::InvalidArgument("bad duration unit in '" + text + "'");
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

std::string CompareRows(std::vector<std::string> got, std::vector<std::string> want, bool rowsort) {
  if (rowsort) {
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
  }
  // An expected cell `*` matches any value (ids, run ids).
  auto row_matches = [](const std::string& g, const std::string& w) {
    if (g == w) return true;
    std::vector<std::string> gc, wc;
    std::istringstream gs(g), ws(w);
    for (std::string c; std::getline(gs, c, '\t');) gc.push_back(c);
    for (std::string c; std::getline(ws, c, '\t');) wc.push_back(c);
    if (gc.size() != wc.size()) return false;
    for (size_t i = 0; i < gc.size(); ++i) {
      if (wc[i] != "*" && wc[i] != gc[i]) return false;
    }
    return true;
  };
  bool same = got.size() == want.size();
  for (size_t i = 0; same && i < got.size(); ++i) same = row_matches(got[i], want[i]);
  if (same) return "";
  return "wrong rows\nexpected:\n" + Lines(want) + "got:\n" + Lines(got);
}

class Runner {
 public:
  Runner(const std::string& tmp) : clock_(1'719'792'000'000'000) {  // 2024-07-01T00:00:00Z
    api::SessionOptions options;
    options.data_dir = tmp + "/data";
    options.threads = 2;
    options.clock = &clock_;
    options.wait_for_clock = true;
    data_dir_ = options.data_dir;
    frames_ = std::make_unique<Session>(Session::Open(options).ValueOrDie());
    session_ = &frames_->sql_session();
    Recordings* recordings = &recordings_;
    session_->connectors().RegisterSink(
        "recording", [recordings](const stream::ConnectorContext& ctx) -> Result<stream::SinkPtr> {
          return stream::SinkPtr(std::make_shared<RecordingSink>(recordings, ctx.name));
        });
    started_queries_ = std::make_shared<StartedQueries>(&session_->queries());
    session_->queries().AddListener(started_queries_);
    // The suite runs once per state store backend (tests/stream/CMakeLists.txt).
    if (const char* backend = std::getenv("WEIR_STEST_STATE_BACKEND")) {
      session_->SetSetting("weir.state.backend", backend).Check();
    }
  }

  // Runs one record; returns what went wrong, or "".
  // After a script: no progress of any query reported state rows that its
  // eviction watermark should have removed (state stays bounded).
  std::string CheckStateBounded() const {
    for (const auto& [name, q] : last_) {
      for (const stream::QueryProgress& p : q->recent_progress()) {
        for (const stream::StateOperatorProgress& op : p.state_operators) {
          auto it = op.custom_metrics.find("numRowsBehindWatermark");
          if (it != op.custom_metrics.end() && it->second != 0) {
            return "query " + name + " epoch " + std::to_string(p.batch_id) + ": operator " +
                   op.operator_name + " kept " + std::to_string(it->second) +
                   " state rows behind the watermark";
          }
        }
      }
    }
    return "";
  }

  std::string Run(const Record& r) {
    const std::vector<std::string> w = Words(r.command);
    if (w.empty()) return "empty command";
    const std::string& cmd = w[0];
    if (cmd == "statement" && w.size() >= 2) return Statement(r, w[1] == "error");
    if (cmd == "query") return Query(r, w);
    if (cmd == "add" && w.size() >= 2) {
      const size_t values = r.command.find(w[1], 4) + w[1].size();
      return Add(w[1], r.command.substr(values) + (r.body.empty() ? "" : "\n" + r.body));
    }
    if (cmd == "process") return Process();
    if (cmd == "advance" && w.size() == 2) {
      Result<int64_t> micros = ParseDurationMicros(w[1]);
      if (!micros.ok()) return micros.status().ToString();
      clock_.Advance(*micros);
      return "";
    }
    if (cmd == "check" && w.size() >= 2) return Check(r, w);
    if (cmd == "file" && w.size() == 2) return WriteFile(w[1], r.body);
    if (cmd == "epochs" && w.size() == 3) {
      const size_t n = recordings_.Epochs(w[1]).size();
      return std::to_string(n) == w[2] ? "" : "sink has " + std::to_string(n) + " epochs";
    }
    if (cmd == "same-id" && w.size() == 2) {
      stream::StreamingQueryPtr q = FindQuery(w[1]);
      if (q == nullptr || !first_ids_.count(w[1])) return "no query named " + w[1];
      const auto& [id, run_id] = first_ids_[w[1]];
      if (q->id() != id) return "id " + q->id() + " is not the first run's " + id;
      if (restarted_.count(w[1]) && q->run_id() == run_id) return "runId did not change";
      return "";
    }
    if (cmd == "remove" && w.size() == 2) {
      std::error_code ec;
      return std::filesystem::remove(w[1], ec) ? "" : "cannot remove " + w[1];
    }
    if (cmd == "rename" && w.size() == 3) {
      std::error_code ec;
      std::filesystem::rename(w[1], w[2], ec);
      return ec ? "cannot rename " + w[1] + ": " + ec.message() : "";
    }
    if (cmd == "topic" && w.size() >= 3 && w[1] == "create") return CreateTopic(w);
    if (cmd == "produce" && w.size() >= 2) return Produce(r, w);
    if (cmd == "txn" && w.size() == 5) return EndTxn(w);
    if (cmd == "consume" && w.size() >= 2) return Consume(r, w);
    if (cmd == "dataframe" && (w.size() == 2 || w.size() == 3)) {
      frames_started_[w[1]] = r;
      return StartFrame(r, w);
    }
    if (cmd == "progress-contains" && w.size() >= 3) {
      stream::StreamingQueryPtr q = FindQuery(w[1]);
      if (q == nullptr) return "no query named " + w[1];
      std::optional<stream::QueryProgress> p = q->last_progress();
      if (!p) return "no progress yet";
      const size_t at = r.command.find(w[1], cmd.size()) + w[1].size();
      const size_t begin = r.command.find_first_not_of(' ', at);
      const std::string text = r.command.substr(begin);
      const std::string json = p->ToJson();
      return json.find(text) != std::string::npos ? "" : "progress lacks " + text + ":\n  " + json;
    }
    if ((cmd == "stop" || cmd == "await" || cmd == "failed" || cmd == "progress" ||
         cmd == "restart") &&
        w.size() >= 2) {
      return QueryCommand(r, w);
    }
    return "unknown command '" + r.command + "'";
  }

 private:
  std::string Statement(const Record& r, bool want_error) {
    Result<api::StatementResult> result = session_->Execute(r.body);
    if (want_error) {
      if (result.ok()) return "statement succeeded but an error was expected";
      const std::string text = result.status().ToString();
      for (const std::string& e : r.expected) {
        if (text.find(e) == std::string::npos) return "error lacks '" + e + "':\n  " + text;
      }
      return "";
    }
    if (!result.ok()) return "statement failed: " + result.status().ToString();
    // Remember which INSERT started which query, for `restart`.
    for (const auto& q : started_queries_->Take()) {
      if (!started_.count(q->name())) started_[q->name()] = r.body;
      if (!first_ids_.count(q->name())) first_ids_[q->name()] = {q->id(), q->run_id()};
      last_[q->name()] = q;
    }
    return "";
  }

  std::string Query(const Record& r, const std::vector<std::string>& w) {
    Result<api::StatementResult> result = session_->Execute(r.body);
    if (!result.ok()) return "query failed: " + result.status().ToString();
    const bool rowsort = w.size() >= 3 && w[2] == "rowsort";
    return CompareRows(RowLines(result->batches, session_->eval_options().time_zone), r.expected,
                       rowsort);
  }

  std::string Add(const std::string& source, const std::string& values) {
    const api::CatalogObject* object = session_->catalog().Find(source);
    if (object == nullptr) return "no source named " + source;
    std::string select;
    for (int i = 0; i < object->schema->num_fields(); ++i) {
      select += (i > 0 ? ", " : "") + std::string("CAST(col") + std::to_string(i + 1) + " AS " +
                object->schema->field(i).type.ToDdl() + ")";
    }
    Result<api::StatementResult> rows =
        session_->Execute("SELECT " + select + " FROM VALUES " + values);
    if (!rows.ok()) return "add: " + rows.status().ToString();
    Result<std::shared_ptr<stream::MemoryStreamBuffer>> buffer =
        session_->local_tables().Input(object->name, object->schema);
    if (!buffer.ok()) return buffer.status().ToString();
    std::vector<ColumnPtr> columns;
    // One AddData is one batch: concatenate the result's batches.
    std::vector<std::unique_ptr<ColumnBuilder>> builders;
    for (const Field& f : object->schema->fields()) builders.push_back(MakeBuilder(f.type));
    for (const Batch& b : rows->batches) {
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        for (int c = 0; c < b.num_columns(); ++c) {
          Status st = builders[c]->AppendValue(GetValue(*b.column(c), b.RowIndex(r)));
          if (!st.ok()) return st.ToString();
        }
      }
    }
    for (auto& builder : builders) columns.push_back(builder->Finish());
    Result<Batch> batch = Batch::Make(object->schema, std::move(columns));
    if (!batch.ok()) return batch.status().ToString();
    Result<int64_t> appended = (*buffer)->Append(std::move(*batch));
    return appended.ok() ? "" : appended.status().ToString();
  }

  static std::string WriteFile(const std::string& path, const std::string& body) {
    const std::filesystem::path p(path);
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    const std::filesystem::path tmp = p.parent_path() / ("." + p.filename().string() + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary);
      out << body << (body.empty() ? "" : "\n");
      if (!out) return "cannot write " + tmp.string();
    }
    std::filesystem::rename(tmp, p, ec);
    return ec ? "cannot rename to " + path + ": " + ec.message() : "";
  }

  std::string Process() {
    for (const auto& q : session_->queries().active()) {
      Status st = q->ProcessAllAvailable();
      if (!st.ok()) return "query " + q->name() + " failed: " + st.ToString();
    }
    return "";
  }

  std::string Check(const Record& r, const std::vector<std::string>& w) {
    const auto epochs = recordings_.Epochs(w[1]);
    std::vector<std::string> got;
    bool rowsort = false;
    size_t i = 2;
    std::string which = "last";
    int64_t epoch = -1;
    if (i < w.size() && w[i] == "all") {
      which = "all";
      ++i;
    } else if (i + 1 < w.size() && w[i] == "epoch") {
      which = "epoch";
      epoch = std::stoll(w[i + 1]);
      i += 2;
    }
    if (i < w.size() && w[i] == "rowsort") rowsort = true;
    if (which == "all") {
      for (const auto& [e, rows] : epochs) got.insert(got.end(), rows.begin(), rows.end());
    } else if (which == "epoch") {
      auto it = epochs.find(epoch);
      if (it == epochs.end()) return "sink " + w[1] + " has no epoch " + std::to_string(epoch);
      got = it->second;
    } else {
      if (epochs.empty()) return "sink " + w[1] + " received no epoch";
      got = epochs.rbegin()->second;
    }
    return CompareRows(got, r.expected, rowsort);
  }

  std::string QueryCommand(const Record& r, const std::vector<std::string>& w) {
    const std::string& cmd = w[0];
    if (cmd == "restart" && frames_started_.count(w[1])) {
      if (stream::StreamingQueryPtr q = session_->queries().Get(w[1])) q->Stop();
      const Record& start = frames_started_[w[1]];
      restarted_.insert(w[1]);
      const std::string problem = StartFrame(start, Words(start.command));
      return problem.empty() ? "" : "restart failed: " + problem;
    }
    if (cmd == "restart") {
      auto it = started_.find(w[1]);
      if (it == started_.end()) return "no query named " + w[1] + " was started";
      if (stream::StreamingQueryPtr q = session_->queries().Get(w[1])) q->Stop();
      Result<api::StatementResult> result = session_->Execute(it->second);
      for (const auto& q : started_queries_->Take()) last_[q->name()] = q;
      restarted_.insert(w[1]);
      return result.ok() ? "" : "restart failed: " + result.status().ToString();
    }
    stream::StreamingQueryPtr q = FindQuery(w[1]);
    if (q == nullptr) return "no query named " + w[1];
    if (cmd == "stop") {
      q->Stop();
      return "";
    }
    if (cmd == "await") {
      Result<bool> done = q->AwaitTermination(180'000'000);
      if (!done.ok()) return "query failed: " + done.status().ToString();
      return *done ? "" : "query did not terminate";
    }
    if (cmd == "failed") {
      (void)q->ProcessAllAvailable();  // the loop looks for data only when asked
      (void)q->AwaitTermination(180'000'000);
      const Status e = q->exception();
      if (e.ok()) return "query did not fail";
      for (const std::string& want : r.expected) {
        if (e.ToString().find(want) == std::string::npos) {
          return "failure lacks '" + want + "':\n  " + e.ToString();
        }
      }
      return "";
    }
    // progress <query> <field> <value>
    if (w.size() != 4) return "usage: progress <query> <field> <value>";
    std::optional<stream::QueryProgress> p = q->last_progress();
    if (!p) return "no progress yet";
    const std::string json = p->ToJson();
    const std::string want = "\"" + w[2] + "\":" + w[3];
    if (json.find(want) == std::string::npos) return "progress lacks " + want + ":\n  " + json;
    return "";
  }

  std::string CreateTopic(const std::vector<std::string>& w) {
    log::TopicConfig config;
    if (w.size() >= 4) config.partitions = std::stoi(w[3]);
    log::LogStore store(Env::Default(), data_dir_);
    Status st = store.CreateTopic(w[2], config);
    return st.ok() ? "" : st.ToString();
  }

  Result<log::Topic*> WriteTopic(const std::string& name) {
    auto it = topics_.find(name);
    if (it != topics_.end()) return it->second.get();
    log::LogStore store(Env::Default(), data_dir_);
    ASSIGN_OR_RAISE(std::unique_ptr<log::Topic> topic,
                    store.OpenTopic(name, log::TopicAccess::kWrite));
    log::Topic* raw = topic.get();
    topics_[name] = std::move(topic);
    return raw;
  }

  // produce <topic> [partition P] [key K] [txn ID], the values in the body.
  std::string Produce(const Record& r, const std::vector<std::string>& w) {
    int32_t partition = 0;
    std::optional<std::string> key;
    log::BatchOptions options;
    for (size_t i = 2; i + 1 < w.size(); i += 2) {
      if (w[i] == "partition") {
        partition = std::stoi(w[i + 1]);
      } else if (w[i] == "key") {
        key = w[i + 1];
      } else if (w[i] == "txn") {
        options.producer_id = std::stoll(w[i + 1]);
        options.producer_epoch = 0;
        options.transactional = true;
        options.base_sequence = 0;
      } else {
        return "usage: produce <topic> [partition P] [key K] [txn ID]";
      }
    }
    Result<log::Topic*> topic = WriteTopic(w[1]);
    if (!topic.ok()) return topic.status().ToString();
    std::vector<log::Record> records;
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);) {
      log::Record rec;
      rec.key = key;
      rec.value = line;
      rec.timestamp = clock_.NowMicros() / 1000;
      records.push_back(std::move(rec));
    }
    if (records.empty()) return "produce: no values";
    if (options.transactional) {
      int32_t& next = sequences_[{w[1], partition, options.producer_id}];
      options.base_sequence = next;
      next += static_cast<int32_t>(records.size());
    }
    Result<log::AppendResult> appended = (*topic)->Append(partition, records, options);
    return appended.ok() ? "" : appended.status().ToString();
  }

  // txn <topic> <partition> <ID> commit|abort
  std::string EndTxn(const std::vector<std::string>& w) {
    Result<log::Topic*> topic = WriteTopic(w[1]);
    if (!topic.ok()) return topic.status().ToString();
    Result<log::Partition*> p = (*topic)->GetPartition(std::stoi(w[2]));
    if (!p.ok()) return p.status().ToString();
    if (w[4] != "commit" && w[4] != "abort") return "txn: commit or abort";
    Status st = (*p)->EndTransaction(
        std::stoll(w[3]), 0,
        w[4] == "commit" ? log::TransactionResult::kCommit : log::TransactionResult::kAbort);
    return st.ok() ? "" : st.ToString();
  }

  std::string Consume(const Record& r, const std::vector<std::string>& w) {
    log::LogStore store(Env::Default(), data_dir_);
    Result<std::unique_ptr<log::Topic>> topic = store.OpenTopic(w[1], log::TopicAccess::kRead);
    if (!topic.ok()) return topic.status().ToString();
    std::vector<std::string> got;
    log::ReadOptions options;
    options.isolation = log::IsolationLevel::kReadCommitted;
    for (int32_t i = 0; i < (*topic)->num_partitions(); ++i) {
      Result<log::Partition*> p = (*topic)->GetPartition(i);
      if (!p.ok()) return p.status().ToString();
      int64_t next = (*p)->start_offset();
      while (next < (*p)->last_stable_offset()) {
        Result<std::vector<log::RecordBatch>> batches = (*p)->Read(next, 1 << 20, options);
        if (!batches.ok()) return batches.status().ToString();
        if (batches->empty()) break;
        for (const log::RecordBatch& b : *batches) {
          for (const log::LogRecord& rec : b.records) {
            got.push_back(std::to_string(i) + "\t" + rec.record.key.value_or("NULL") + "\t" +
                          rec.record.value.value_or("NULL"));
          }
          next = std::max(next, b.header.last_offset() + 1);
        }
      }
    }
    return CompareRows(got, r.expected, w.size() >= 3 && w[2] == "rowsort");
  }

  // dataframe <query> [mode]: see the header comment.
  std::string StartFrame(const Record& r, const std::vector<std::string>& w) {
    std::vector<std::string> lines;
    std::istringstream in(r.body);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    std::string sql;
    size_t i = 0;
    for (; i < lines.size() && (lines[i].empty() || lines[i][0] != '.'); ++i) {
      sql += (sql.empty() ? "" : "\n") + lines[i];
    }
    Result<StreamingQueryPtr> started = [&]() -> Result<StreamingQueryPtr> {
      ASSIGN_OR_RAISE(DataFrame df, frames_->Sql(sql));
      for (; i < lines.size(); ++i) {
        ASSIGN_OR_RAISE(df, ApplyCall(df, lines[i]));
      }
      return df.WriteStream()
          .format("recording")
          .queryName(w[1])
          .outputMode(w.size() == 3 ? w[2] : "append")
          .option("checkpointLocation", data_dir_ + "/checkpoints/" + w[1])
          .start();
    }();
    for (const auto& q : started_queries_->Take()) {
      if (!first_ids_.count(q->name())) first_ids_[q->name()] = {q->id(), q->run_id()};
      last_[q->name()] = q;
    }
    if (!r.expected.empty()) {
      if (started.ok()) return "the query started but an error was expected";
      const std::string text = started.status().ToString();
      for (const std::string& e : r.expected) {
        if (text.find(e) == std::string::npos) return "error lacks '" + e + "':\n  " + text;
      }
      return "";
    }
    return started.ok() ? "" : "dataframe failed: " + started.status().ToString();
  }

  // One `.call(args)` line of a dataframe record; args split at top-level commas.
  static Result<DataFrame> ApplyCall(const DataFrame& df, const std::string& line) {
    const size_t open = line.find('(');
    if (line.size() < 3 || line[0] != '.' || open == std::string::npos || line.back() != ')') {
      return Status::InvalidArgument("not a .call(args) line: " + line);
    }
    const std::string name = line.substr(1, open - 1);
    std::vector<std::string> args;
    std::string arg;
    int depth = 0;
    for (char c : line.substr(open + 1, line.size() - open - 2)) {
      if (c == ',' && depth == 0) {
        args.push_back(arg);
        arg.clear();
        continue;
      }
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      arg += c;
    }
    if (arg.find_first_not_of(' ') != std::string::npos || !args.empty()) args.push_back(arg);
    for (std::string& a : args) {
      a.erase(0, a.find_first_not_of(' '));
      a.erase(a.find_last_not_of(' ') + 1);
    }
    if (name == "withWatermark" && args.size() == 2) return df.WithWatermark(args[0], args[1]);
    if (name == "dropDuplicates") return df.DropDuplicates(args);
    if (name == "dropDuplicatesWithinWatermark") return df.DropDuplicatesWithinWatermark(args);
    if (name == "select" && !args.empty()) return df.SelectExprs(args);
    if (name == "filter" && !args.empty()) {
      return df.Filter(line.substr(open + 1, line.size() - open - 2));
    }
    if (stest::IsStateDemo(name)) return stest::ApplyStateDemo(df, name, args);
    return Status::InvalidArgument("unknown call: " + line);
  }

  // Active queries first; otherwise the last one started under that name.
  stream::StreamingQueryPtr FindQuery(const std::string& name) {
    if (stream::StreamingQueryPtr q = session_->queries().Get(name)) {
      last_[name] = q;
      return q;
    }
    auto it = last_.find(name);
    return it == last_.end() ? nullptr : it->second;
  }

  ManualClock clock_;
  Recordings recordings_;
  std::shared_ptr<StartedQueries> started_queries_;
  std::unique_ptr<Session> frames_;  // the C++ API's session over session_
  api::Session* session_ = nullptr;
  std::map<std::string, Record> frames_started_;  // query name -> its dataframe record
  std::map<std::string, std::string> started_;    // query name -> INSERT text
  std::map<std::string, stream::StreamingQueryPtr> last_;
  std::string data_dir_;
  std::map<std::string, std::pair<std::string, std::string>> first_ids_;  // id, runId
  std::set<std::string> restarted_;
  std::map<std::string, std::unique_ptr<log::Topic>> topics_;  // opened for writing
  // Next sequence number of a transactional producer, by topic, partition and id.
  std::map<std::tuple<std::string, int32_t, int64_t>, int32_t> sequences_;
};

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: weir_stest FILE.stest...\n";
    return 2;
  }
  int failures = 0;
  int total = 0;
  for (int f = 1; f < argc; ++f) {
    const std::string path = argv[f];
    const std::string tmp = (std::filesystem::temp_directory_path() /
                             ("weir-stest-" + std::to_string(::getpid()) + "-" + std::to_string(f)))
                                .string();
    std::filesystem::remove_all(tmp);
    std::filesystem::create_directories(tmp);
    const std::string dir =
        path.find('/') == std::string::npos ? "." : path.substr(0, path.find_last_of('/'));
    std::vector<weir::Record> records;
    std::string error;
    if (!weir::Parse(path, {{"${TMP}", tmp}, {"${STEST_DIR}", dir}}, &records, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
    {
      weir::Runner runner(tmp);
      for (const weir::Record& r : records) {
        ++total;
        const std::string problem = runner.Run(r);
        if (!problem.empty()) {
          ++failures;
          std::cerr << path << ":" << r.line << ": " << problem << "\n  " << r.command << "\n\n";
        }
      }
      ++total;
      const std::string unbounded = runner.CheckStateBounded();
      if (!unbounded.empty()) {
        ++failures;
        std::cerr << path << ": state not bounded: " << unbounded << "\n\n";
      }
    }
    std::filesystem::remove_all(tmp);
  }
  std::cout << total - failures << " of " << total << " records passed\n";
  return failures == 0 ? 0 : 1;
}
