// `weir produce`: the lines of stdin as records, optionally acknowledged and
// idempotent (docs/log.md).

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>
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

using log::BatchHeader;
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

// What the log holds of an idempotent producer: its epoch and the sequence its next
// batch must start at, and its batches in the newest segment that has any, for the
// offsets of lines a restarted producer resends.
struct LoggedProducer {
  int16_t epoch = 0;
  int64_t next_sequence = 0;
  std::vector<BatchHeader> batches;  // of `epoch`, oldest first
};

// Scans partition `p` for producer `id`, newest segment first, stopping at the first
// segment with a batch of it (reading that segment's batches). nullopt if no segment
// has one: the partition then accepts the producer at any sequence. Like the
// partition's own state (Partition::Open), this forgets a producer whose batches were
// all removed by retention.
Result<std::optional<LoggedProducer>> FindProducer(log::Partition* p, int64_t id) {
  const std::vector<log::SegmentInfo> segments = p->segments();
  for (auto seg = segments.rbegin(); seg != segments.rend(); ++seg) {
    std::vector<BatchHeader> found;
    int64_t offset = std::max(seg->base_offset, p->start_offset());
    while (offset < seg->end_offset) {
      ASSIGN_OR_RAISE(std::vector<log::RecordBatch> batches, p->Read(offset, 1 << 20));
      if (batches.empty()) break;
      for (const log::RecordBatch& b : batches) {
        if (b.header.base_offset >= seg->end_offset) break;
        if (b.header.producer_id == id && !b.header.control()) found.push_back(b.header);
        offset = b.header.last_offset() + 1;
      }
    }
    if (found.empty()) continue;
    LoggedProducer lp;
    lp.epoch = found.back().producer_epoch;
    for (const BatchHeader& h : found) {
      if (h.producer_epoch == lp.epoch) lp.batches.push_back(h);
    }
    const BatchHeader& last = lp.batches.back();
    lp.next_sequence = int64_t{last.base_sequence} + last.record_count;
    return std::optional<LoggedProducer>(std::move(lp));
  }
  return std::optional<LoggedProducer>();
}

class Producer {
 public:
  Producer(log::Topic* topic, const ProduceOptions& o, std::ostream& out)
      : topic_(topic), o_(o), out_(out) {}

  // For --idempotent (REQUIRES: one partition, `partition`): reads what the log holds
  // of the producer, so that resent lines already there are acknowledged, not appended.
  Status StartIdempotent(int32_t partition) {
    ASSIGN_OR_RAISE(log::Partition * p, topic_->GetPartition(partition));
    ASSIGN_OR_RAISE(logged_, FindProducer(p, *o_.producer_id));
    next_sequence_ = o_.first_sequence;
    return Status::OK();
  }

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
    if (o_.idempotent) {
      Result<bool> in_log = AckIfLogged(p, line_no);
      if (!in_log.ok() || *in_log) return in_log.status();
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
    if (o_.acks) out_.flush();
    return Status::OK();
  }

 private:
  // With --idempotent: true (and acknowledged) if the line with the next sequence is
  // already in the log, i.e. the previous run appended it and was stopped before it
  // acknowledged it.
  Result<bool> AckIfLogged(int32_t p, int64_t line_no) {
    if (!logged_ || next_sequence_ >= logged_->next_sequence) return false;
    const int64_t seq = next_sequence_;
    for (const BatchHeader& h : logged_->batches) {
      if (seq >= h.base_sequence && seq < int64_t{h.base_sequence} + h.record_count) {
        if (o_.acks) out_ << p << " " << h.base_offset + (seq - h.base_sequence) << "\n";
        ++next_sequence_;
        return true;
      }
    }
    return Status::InvalidInput(fmt::format(
        "line {} (sequence {}) is already in the log as a record of producer {}, but in a "
        "segment older than its newest one; resend only unacknowledged lines",
        line_no, seq, *o_.producer_id));
  }

  Status FlushPartition(int32_t p) {
    std::vector<Record>& records = pending_[p];
    log::BatchOptions options;
    if (o_.idempotent) {
      const int64_t count = static_cast<int64_t>(records.size());
      if (next_sequence_ + count - 1 > INT32_MAX) {
        return Status::InvalidInput("--idempotent: sequences past 2^31-1 are not supported");
      }
      options.producer_id = *o_.producer_id;
      options.producer_epoch = logged_ ? logged_->epoch : 0;
      options.base_sequence = static_cast<int32_t>(next_sequence_);
    }
    Result<log::AppendResult> r = topic_->Append(p, records, options);
    // A refused batch (a sequence gap, a fenced epoch) is a failure of the command, not
    // a usage error.
    if (r.status().code() == StatusCode::kInvalidArgument) {
      return Status::InvalidInput(r.status().message());
    }
    RETURN_NOT_OK(r.status());
    if (o_.idempotent) next_sequence_ += static_cast<int64_t>(records.size());
    if (o_.acks) {
      std::string acks;
      for (int64_t offset = r->base_offset; offset <= r->last_offset; ++offset) {
        acks += fmt::format("{} {}\n", p, offset);
      }
      out_ << acks;
    }
    records.clear();
    pending_bytes_[p] = 0;
    return Status::OK();
  }

  log::Topic* const topic_;
  const ProduceOptions& o_;
  std::ostream& out_;
  simdjson::ondemand::parser parser_;
  log::StickyPartitioner sticky_;
  std::map<int32_t, std::vector<Record>> pending_;
  std::map<int32_t, size_t> pending_bytes_;
  // --idempotent: what the log held of the producer at the start, and the sequence of
  // the next line.
  std::optional<LoggedProducer> logged_;
  int64_t next_sequence_ = 0;
};

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
  c->add_flag("--acks", o->acks,
              "Print '<partition> <offset>' per record once its batch is appended (durably "
              "for fsync topics)");
  CLI::Option* idempotent =
      c->add_flag("--idempotent", o->idempotent,
                  "Idempotent batches: a restarted producer resending lines appends none twice");
  CLI::Option* id = c->add_option("--producer-id", o->producer_id, "Producer id for --idempotent")
                        ->check(CLI::Range(int64_t{0}, INT64_MAX));
  CLI::Option* first = c->add_option("--first-sequence", o->first_sequence,
                                     "The producer's sequence of the first line of stdin "
                                     "(--idempotent; default 0)")
                           ->check(CLI::Range(int64_t{0}, int64_t{INT32_MAX}));
  idempotent->needs(id);
  id->needs(idempotent);
  first->needs(idempotent);
  *cmd = c;
}

int RunProduce(const GlobalOptions& g, const ProduceOptions& o, int in_fd, std::ostream& out,
               std::ostream& err) {
  Env* env = Env::Default();
  log::LogStore store(env, g.data_dir);
  Result<std::unique_ptr<log::Topic>> topic = store.OpenTopic(o.topic, log::TopicAccess::kWrite);
  if (!topic.ok()) return ReportError(err, topic.status());
  if (o.partition && *o.partition >= (*topic)->num_partitions()) {
    return ReportError(err, Status::InvalidArgument(fmt::format(
                                "--partition {}: topic '{}' has partitions 0 to {}", *o.partition,
                                o.topic, (*topic)->num_partitions() - 1)));
  }
  Producer producer(topic->get(), o, out);
  if (o.idempotent) {
    // Sequences count the lines of one partition, so the lines must all go to one.
    if (!o.partition && (*topic)->num_partitions() != 1) {
      return ReportError(err, Status::InvalidOption(fmt::format(
                                  "--idempotent needs --partition: topic '{}' has {} partitions",
                                  o.topic, (*topic)->num_partitions())));
    }
    Status s = producer.StartIdempotent(o.partition.value_or(0));
    if (!s.ok()) return ReportError(err, s);
  }
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

}  // namespace weir::cli
