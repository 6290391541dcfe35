// `weir consume`: the records of a topic as values or JSON objects.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/log/topic.h"

#include "tools/weir/log_commands_internal.h"

namespace weir::cli {

namespace {

// A JSON string literal of arbitrary bytes: control characters, quote and backslash
// are escaped; other bytes are copied (valid UTF-8 stays valid).
void AppendJsonString(std::string* out, const std::optional<std::string_view>& s) {
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

// Appends the record's line to *out.
void FormatRecord(const ConsumeOptions& o, int32_t partition, const log::RecordView& r,
                  std::string* out) {
  if (o.format == "value") {
    out->append(r.value ? *r.value : std::string_view("null"));
    out->push_back('\n');
    return;
  }
  std::string& line = *out;
  line += "{\"topic\":";
  AppendJsonString(&line, std::string_view(o.topic));
  line += fmt::format(",\"partition\":{},\"offset\":{},\"timestamp\":{},\"key\":", partition,
                      r.offset, r.timestamp);
  AppendJsonString(&line, r.key);
  line += ",\"value\":";
  AppendJsonString(&line, r.value);
  line += ",\"headers\":[";
  for (size_t i = 0; i < r.headers.size(); ++i) {
    if (i > 0) line += ",";
    line += "{\"key\":";
    AppendJsonString(&line, r.headers[i].key);
    line += ",\"value\":";
    AppendJsonString(&line, r.headers[i].value);
    line += "}";
  }
  line += "]}\n";
}

}  // namespace

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
  // Zero-copy reads into one reused buffer; lines are gathered per read and written
  // at once.
  log::BatchViews views;
  std::string text;
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
        Status read = c.p->ReadViews(c.next, 1 << 20, {}, &views);
        if (!read.ok()) return ReportError(err, read);
        if (views.batches().empty()) break;
        text.clear();
        for (const log::BatchView& b : views.batches()) {
          bool complete = true;
          for (const log::RecordView& r : b.records) {
            if (printed >= max) {
              complete = false;
              break;
            }
            FormatRecord(o, c.partition, r, &text);
            ++printed;
            c.next = r.offset + 1;
            any = true;
          }
          // Transaction markers (and aborted batches under read-committed) come back
          // as headers without records: move past them by the batch's last offset.
          if (complete) c.next = std::max(c.next, b.header.last_offset() + 1);
        }
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
      }
    }
    out.flush();
    if (!o.follow) break;
    if (!any) env->clock()->SleepForMicros(100'000);
  }
  return kExitOk;
}

}  // namespace weir::cli
