// `weir produce` and `weir consume`.

#include <cerrno>
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/log/partitioner.h"
#include "weir/log/topic.h"

#include "tools/weir/log_commands_internal.h"

namespace weir::cli {

namespace {

using log::Record;

// Records are appended in batches of at most this many bytes of values and keys.
constexpr size_t kMaxBatchPayload = 1 << 20;
// A line longer than this cannot be one record of a batch.
constexpr size_t kMaxLine = log::kMaxBatchSize - 1024;

// The key of a JSON line's field: a string's contents, a number's or boolean's JSON
// text, nullopt for null or a missing field. InvalidInput for a line that is not a
// JSON object.
Result<std::optional<std::string>> KeyFromJson(simdjson::ondemand::parser& parser,
                                               const std::string& line, const std::string& field) {
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidInput("not a JSON object");
  }
  simdjson::ondemand::value v;
  auto error = obj.find_field_unordered(field).get(v);
  if (error == simdjson::NO_SUCH_FIELD) return std::optional<std::string>();
  if (error != simdjson::SUCCESS) return Status::InvalidInput(simdjson::error_message(error));
  simdjson::ondemand::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) return Status::InvalidInput("bad JSON value");
  if (type == simdjson::ondemand::json_type::null) return std::optional<std::string>();
  if (type == simdjson::ondemand::json_type::string) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return Status::InvalidInput("bad JSON string");
    return std::optional<std::string>(std::string(s));
  }
  if (type == simdjson::ondemand::json_type::object ||
      type == simdjson::ondemand::json_type::array) {
    return Status::InvalidInput("the key field must be a string, number or boolean");
  }
  std::string_view raw = v.raw_json_token();
  while (!raw.empty() &&
         (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\n' || raw.back() == '\r')) {
    raw.remove_suffix(1);
  }
  return std::optional<std::string>(std::string(raw));
}

class Producer {
 public:
  Producer(log::Topic* topic, const ProduceOptions& o) : topic_(topic), o_(o) {}

  // Adds a line; `line_no` is for errors.
  Status Add(std::string line, int64_t line_no, int64_t now_ms) {
    Record r;
    if (o_.key) {
      r.key = *o_.key;
    } else if (o_.key_field) {
      Result<std::optional<std::string>> key = KeyFromJson(parser_, line, *o_.key_field);
      if (!key.ok()) {
        return Status::InvalidInput(
            fmt::format("line {}: --key-field: {}", line_no, key.status().message()));
      }
      r.key = std::move(*key);
    }
    int32_t p;
    if (o_.partition) {
      p = *o_.partition;
    } else if (r.key) {
      p = log::PartitionForKey(*r.key, topic_->num_partitions());
    } else {
      p = sticky_.Current(topic_->num_partitions());
    }
    r.value = std::move(line);
    r.timestamp = now_ms;
    size_t& bytes = pending_bytes_[p];
    bytes += r.value->size() + (r.key ? r.key->size() : 0) + 32;
    pending_[p].push_back(std::move(r));
    if (bytes >= kMaxBatchPayload) return FlushPartition(p);
    return Status::OK();
  }

  // Appends what is pending, one batch per partition.
  Status Flush() {
    for (auto& [p, records] : pending_) {
      if (!records.empty()) RETURN_NOT_OK(FlushPartition(p));
    }
    sticky_.NextBatch();
    return Status::OK();
  }

 private:
  Status FlushPartition(int32_t p) {
    std::vector<Record>& records = pending_[p];
    RETURN_NOT_OK(topic_->Append(p, records).status());
    records.clear();
    pending_bytes_[p] = 0;
    return Status::OK();
  }

  log::Topic* const topic_;
  const ProduceOptions& o_;
  simdjson::ondemand::parser parser_;
  log::StickyPartitioner sticky_;
  std::map<int32_t, std::vector<Record>> pending_;
  std::map<int32_t, size_t> pending_bytes_;
};

// A JSON string literal of arbitrary bytes: control characters, quote and backslash
// are escaped; other bytes are copied (valid UTF-8 stays valid).
void AppendJsonString(std::string* out, const std::optional<std::string>& s) {
  if (!s) {
    out->append("null");
    return;
  }
  out->push_back('"');
  for (char c : *s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append(fmt::format("\\u{:04x}", static_cast<unsigned char>(c)));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string FormatRecord(const ConsumeOptions& o, int32_t partition, const log::LogRecord& r) {
  if (o.format == "value") return (r.record.value ? *r.record.value : "null") + "\n";
  std::string line = "{\"topic\":";
  AppendJsonString(&line, o.topic);
  line += fmt::format(",\"partition\":{},\"offset\":{},\"timestamp\":{},\"key\":", partition,
                      r.offset, r.record.timestamp);
  AppendJsonString(&line, r.record.key);
  line += ",\"value\":";
  AppendJsonString(&line, r.record.value);
  line += ",\"headers\":[";
  for (size_t i = 0; i < r.record.headers.size(); ++i) {
    if (i > 0) line += ",";
    line += "{\"key\":";
    AppendJsonString(&line, r.record.headers[i].first);
    line += ",\"value\":";
    AppendJsonString(&line, r.record.headers[i].second);
    line += "}";
  }
  line += "]}\n";
  return line;
}

}  // namespace

void AddProduceCommand(CLI::App& app, CLI::App** cmd, ProduceOptions* o) {
  CLI::App* c =
      app.add_subcommand("produce", "Append the lines of stdin to a topic, one record each");
  c->fallthrough();
  c->add_option("topic", o->topic, "Topic name")->required();
  CLI::Option* key = c->add_option("--key", o->key, "The key of every record");
  CLI::Option* field =
      c->add_option("--key-field", o->key_field, "Take each record's key from this JSON field");
  key->excludes(field);
  c->add_option("--partition", o->partition, "Append to this partition (default: by key)")
      ->check(CLI::Range(0, log::kMaxPartitions - 1));
  *cmd = c;
}

void AddConsumeCommand(CLI::App& app, CLI::App** cmd, ConsumeOptions* o) {
  CLI::App* c = app.add_subcommand("consume", "Print the records of a topic");
  c->fallthrough();
  c->add_option("topic", o->topic, "Topic name")->required();
  CLI::Option* begin = c->add_flag("--from-beginning", o->from_beginning,
                                   "Start at the first record (the default without --follow)");
  CLI::Option* offset =
      c->add_option("--offset", o->offset, "Start at this offset (needs --partition)")
          ->check(CLI::Range(int64_t{0}, INT64_MAX));
  begin->excludes(offset);
  c->add_option("--partition", o->partition, "Only this partition")
      ->check(CLI::Range(0, log::kMaxPartitions - 1));
  c->add_option("--max", o->max, "Stop after this many records")
      ->check(CLI::Range(int64_t{0}, INT64_MAX));
  c->add_flag("--follow", o->follow, "Wait for new records (starting at the end by default)");
  c->add_option("--format", o->format,
                "value: the value per line; json: one JSON object per record")
      ->capture_default_str()
      ->check(CLI::IsMember({"value", "json"}));
  *cmd = c;
}

int RunProduce(const GlobalOptions& g, const ProduceOptions& o, int in_fd, std::ostream& err) {
  Env* env = Env::Default();
  log::LogStore store(env, g.data_dir);
  Result<std::unique_ptr<log::Topic>> topic = store.OpenTopic(o.topic, log::TopicAccess::kWrite);
  if (!topic.ok()) return ReportError(err, topic.status());
  if (o.partition && *o.partition >= (*topic)->num_partitions()) {
    return ReportError(err, Status::InvalidArgument(fmt::format(
                                "--partition {}: topic '{}' has partitions 0 to {}", *o.partition,
                                o.topic, (*topic)->num_partitions() - 1)));
  }
  Producer producer(topic->get(), o);
  std::string pending;
  std::vector<char> buf(1 << 16);
  int64_t line_no = 0;
  // Whatever one read returns is appended before the next read, so interactive input
  // is acknowledged line by line and piped input goes in large batches.
  while (true) {
    const ssize_t n = ::read(in_fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ReportError(err, IoErrorFromErrno("read stdin", errno));
    if (n == 0) break;
    pending.append(buf.data(), static_cast<size_t>(n));
    const int64_t now_ms = env->clock()->NowMicros() / 1000;
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      Status s = producer.Add(pending.substr(start, nl - start), ++line_no, now_ms);
      if (!s.ok()) return ReportError(err, s);
    }
    pending.erase(0, start);
    if (pending.size() > kMaxLine) {
      return ReportError(err, Status::InvalidInput(fmt::format("line {} is longer than {} bytes",
                                                               line_no + 1, kMaxLine)));
    }
    Status s = producer.Flush();
    if (!s.ok()) return ReportError(err, s);
  }
  if (!pending.empty()) {
    Status s = producer.Add(std::move(pending), ++line_no, env->clock()->NowMicros() / 1000);
    if (s.ok()) s = producer.Flush();
    if (!s.ok()) return ReportError(err, s);
  }
  Status s = (*topic)->Close();
  if (!s.ok()) return ReportError(err, s);
  return kExitOk;
}

int RunConsume(const GlobalOptions& g, const ConsumeOptions& o, std::ostream& out,
               std::ostream& err) {
  if (o.offset && !o.partition) {
    return ReportError(err, Status::InvalidOption("--offset needs --partition"));
  }
  Env* env = Env::Default();
  log::LogStore store(env, g.data_dir);
  Result<std::unique_ptr<log::Topic>> topic = store.OpenTopic(o.topic, log::TopicAccess::kRead);
  if (!topic.ok()) return ReportError(err, topic.status());
  const int32_t n = (*topic)->num_partitions();
  if (o.partition && *o.partition >= n) {
    return ReportError(err, Status::InvalidArgument(
                                fmt::format("--partition {}: topic '{}' has partitions 0 to {}",
                                            *o.partition, o.topic, n - 1)));
  }
  struct Cursor {
    int32_t partition;
    log::Partition* p;
    int64_t next;
  };
  std::vector<Cursor> cursors;
  for (int32_t i = 0; i < n; ++i) {
    if (o.partition && *o.partition != i) continue;
    Result<log::Partition*> p = (*topic)->GetPartition(i);
    if (!p.ok()) return ReportError(err, p.status());
    int64_t start = (o.follow && !o.from_beginning) ? (*p)->end_offset() : (*p)->start_offset();
    if (o.offset) {
      if (*o.offset > (*p)->end_offset()) {
        return ReportError(
            err, Status::InvalidArgument(fmt::format("--offset {}: partition {} ends at offset {}",
                                                     *o.offset, i, (*p)->end_offset())));
      }
      start = std::max(*o.offset, (*p)->start_offset());
    }
    cursors.push_back({i, *p, start});
  }
  int64_t printed = 0;
  const int64_t max = o.max.value_or(INT64_MAX);
  while (printed < max) {
    bool any = false;
    for (Cursor& c : cursors) {
      if (o.follow) {
        Status s = c.p->Refresh();
        if (!s.ok()) return ReportError(err, s);
      }
      // Retention may have deleted what the cursor points at.
      c.next = std::max(c.next, c.p->start_offset());
      while (printed < max && c.next < c.p->end_offset()) {
        Result<std::vector<log::RecordBatch>> batches = c.p->Read(c.next, 1 << 20);
        if (!batches.ok()) return ReportError(err, batches.status());
        if (batches->empty()) break;
        for (const log::RecordBatch& b : *batches) {
          for (const log::LogRecord& r : b.records) {
            if (printed >= max) break;
            out << FormatRecord(o, c.partition, r);
            ++printed;
            c.next = r.offset + 1;
            any = true;
          }
        }
      }
    }
    out.flush();
    if (!o.follow) break;
    if (!any) env->clock()->SleepForMicros(100'000);
  }
  return kExitOk;
}

int ReportError(std::ostream& err, const Status& s) {
  std::string msg = s.message();
  for (char& c : msg) {
    if (c == '\n') c = ' ';
  }
  err << "weir: " << msg << "\n";
  const bool usage =
      s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kInvalidOption;
  return usage ? kExitUsage : kExitFailure;
}

Result<int64_t> ParseDurationMs(std::string_view text) {
  if (text == "-1" || text == "forever") return int64_t{-1};
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (digits == 0 || ec != std::errc()) {
    return Status::InvalidOption(
        fmt::format("'{}' is not a duration like 60d, 12h, 15m, 30s, 500ms or -1", text));
  }
  const std::string_view unit = text.substr(digits);
  int64_t scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  if (unit == "d") scale = 86'400'000;
  int64_t ms = 0;
  if (scale == 0 || __builtin_mul_overflow(value, scale, &ms)) {
    return Status::InvalidOption(
        fmt::format("'{}' is not a duration like 60d, 12h, 15m, 30s, 500ms or -1", text));
  }
  return ms;
}

std::string FormatDurationMs(int64_t ms) {
  if (ms < 0) return "forever";
  if (ms == 0) return "0ms";
  for (auto [scale, unit] : {std::pair<int64_t, const char*>{86'400'000, "d"},
                             {3'600'000, "h"},
                             {60'000, "m"},
                             {1000, "s"}}) {
    if (ms % scale == 0) return fmt::format("{}{}", ms / scale, unit);
  }
  return fmt::format("{}ms", ms);
}

}  // namespace weir::cli
