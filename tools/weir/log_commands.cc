#include "tools/weir/log_commands.h"

#include <charconv>
#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "weir/log/topic.h"

#include "tools/weir/log_commands_internal.h"

namespace weir::cli {

namespace {

using log::LogStore;
using log::TopicConfig;

struct TopicCreateOptions {
  std::string name;
  int32_t partitions = 1;
  std::string retention = "7d";
  int64_t retention_bytes = -1;
  bool compact = false;
  std::string durability = "fsync";
  int64_t flush_interval_ms = 1000;
  int64_t segment_bytes = int64_t{1} << 30;
};

int RunCreate(const GlobalOptions& g, const TopicCreateOptions& o, std::ostream& out,
              std::ostream& err) {
  TopicConfig c;
  c.partitions = o.partitions;
  Result<int64_t> retention = ParseDurationMs(o.retention);
  if (!retention.ok()) return ReportError(err, retention.status().WithContext("--retention"));
  c.retention_ms = *retention;
  c.retention_bytes = o.retention_bytes;
  c.cleanup_policy = o.compact ? log::CleanupPolicy::kCompact : log::CleanupPolicy::kDelete;
  Result<log::Durability> d = log::ParseDurability(o.durability);
  if (!d.ok()) return ReportError(err, d.status().WithContext("--durability"));
  c.durability = *d;
  c.flush_interval_ms = o.flush_interval_ms;
  c.segment_bytes = o.segment_bytes;
  LogStore store(Env::Default(), g.data_dir);
  Status s = store.CreateTopic(o.name, c);
  if (!s.ok()) return ReportError(err, s);
  out << fmt::format("created topic '{}' with {} partition{}\n", o.name, c.partitions,
                     c.partitions == 1 ? "" : "s");
  return kExitOk;
}

int RunList(const GlobalOptions& g, std::ostream& out, std::ostream& err) {
  LogStore store(Env::Default(), g.data_dir);
  Result<std::vector<std::string>> topics = store.ListTopics();
  if (!topics.ok()) return ReportError(err, topics.status());
  for (const std::string& t : *topics) out << t << "\n";
  return kExitOk;
}

int RunDescribe(const GlobalOptions& g, const std::string& name, std::ostream& out,
                std::ostream& err) {
  LogStore store(Env::Default(), g.data_dir);
  Result<log::TopicDescription> d = store.DescribeTopic(name);
  if (!d.ok()) return ReportError(err, d.status());
  const TopicConfig& c = d->config;
  out << fmt::format(
      "topic: {}\npartitions: {}\ndurability: {}{}\nretention: {}\nretention-bytes: {}\n"
      "cleanup-policy: {}\nsegment-bytes: {}\n",
      d->name, c.partitions, log::DurabilityName(c.durability),
      c.durability == log::Durability::kInterval
          ? fmt::format(" (every {} ms)", c.flush_interval_ms)
          : "",
      FormatDurationMs(c.retention_ms), c.retention_bytes, log::CleanupPolicyName(c.cleanup_policy),
      c.segment_bytes);
  out << fmt::format("{:>9}  {:>12}  {:>12}  {:>14}  {:>8}\n", "partition", "start-offset",
                     "end-offset", "size-bytes", "segments");
  for (const log::PartitionDescription& p : d->partitions) {
    out << fmt::format("{:>9}  {:>12}  {:>12}  {:>14}  {:>8}\n", p.partition, p.start_offset,
                       p.end_offset, p.size_bytes, p.segments.size());
  }
  return kExitOk;
}

int RunDelete(const GlobalOptions& g, const std::string& name, std::ostream& out,
              std::ostream& err) {
  LogStore store(Env::Default(), g.data_dir);
  Status s = store.DeleteTopic(name);
  if (!s.ok()) return ReportError(err, s);
  out << fmt::format("deleted topic '{}'\n", name);
  return kExitOk;
}

// Compacts every partition of a compact topic, taking each partition's writer lock
// (so it fails while a producer writes the topic).
int RunCompact(const GlobalOptions& g, const std::string& name, std::ostream& out,
               std::ostream& err) {
  // Without the writer's background thread, which would only compact again.
  LogStore store(Env::Default(), g.data_dir, log::BackgroundOptions{.enabled = false});
  Result<std::unique_ptr<log::Topic>> topic = store.OpenTopic(name, log::TopicAccess::kWrite);
  if (!topic.ok()) return ReportError(err, topic.status());
  if ((*topic)->config().cleanup_policy != log::CleanupPolicy::kCompact) {
    // A precondition of the topic, not a bad argument: exit 1.
    return ReportError(err, Status::Unsupported(fmt::format(
                                "topic '{}' has cleanup policy delete; only a topic created with "
                                "--compact can be compacted",
                                name)));
  }
  out << fmt::format("{:>9}  {:>8}  {:>15}  {:>14}  {:>14}\n", "partition", "segments",
                     "records-removed", "bytes-before", "bytes-after");
  for (int32_t i = 0; i < (*topic)->num_partitions(); ++i) {
    Result<log::Partition*> p = (*topic)->GetPartition(i);
    if (!p.ok()) return ReportError(err, p.status());
    Result<log::CompactionStats> stats = (*p)->Compact();
    if (!stats.ok()) {
      return ReportError(err, stats.status().WithContext(fmt::format("partition {}", i)));
    }
    out << fmt::format("{:>9}  {:>8}  {:>15}  {:>14}  {:>14}\n", i, stats->segments_rewritten,
                       stats->records_removed, stats->bytes_before, stats->bytes_after);
    out.flush();
  }
  Status s = (*topic)->Close();
  if (!s.ok()) return ReportError(err, s);
  return kExitOk;
}

class LogCommandsImpl final : public LogCommands {
 public:
  LogCommandsImpl(CLI::App& app, const GlobalOptions& global) : global_(global) {
    topic_ = app.add_subcommand(
        "topic", "Create, list, describe, compact and delete topics of the embedded log");
    topic_->fallthrough();
    topic_->require_subcommand(1);
    create_ = topic_->add_subcommand("create", "Create a topic");
    create_->fallthrough();
    create_->add_option("name", create_opts_.name, "Topic name: [a-zA-Z0-9._-], at most 249")
        ->required();
    create_->add_option("--partitions", create_opts_.partitions, "Number of partitions")
        ->capture_default_str()
        ->check(CLI::Range(1, log::kMaxPartitions));
    create_
        ->add_option("--retention", create_opts_.retention,
                     "Delete segments older than this: 500ms, 30s, 15m, 12h, 60d, or -1 (forever)")
        ->capture_default_str();
    create_
        ->add_option("--retention-bytes", create_opts_.retention_bytes,
                     "Delete the oldest segments while a partition is larger (-1: no limit)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{-1}, INT64_MAX));
    create_->add_flag("--compact", create_opts_.compact,
                      "Cleanup policy compact: keep the latest value per key");
    create_
        ->add_option("--durability", create_opts_.durability,
                     "fsync: sync before acknowledging; interval: sync every --flush-interval-ms")
        ->capture_default_str()
        ->check(CLI::IsMember({"fsync", "interval"}));
    create_
        ->add_option("--flush-interval-ms", create_opts_.flush_interval_ms,
                     "For --durability interval")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{0}, int64_t{86'400'000}));
    create_->add_option("--segment-bytes", create_opts_.segment_bytes, "Segment size")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{1}, log::kMaxSegmentBytes));
    list_ = topic_->add_subcommand("list", "List the topics");
    list_->fallthrough();
    describe_ = topic_->add_subcommand("describe", "Show a topic's config and partitions");
    describe_->fallthrough();
    describe_->add_option("name", name_, "Topic name")->required();
    delete_ = topic_->add_subcommand("delete", "Delete a topic and its data");
    delete_->fallthrough();
    delete_->add_option("name", name_, "Topic name")->required();
    compact_ = topic_->add_subcommand(
        "compact", "Compact every partition of a --compact topic: keep the latest value per key");
    compact_->fallthrough();
    compact_->add_option("name", name_, "Topic name")->required();
    AddProduceCommand(app, &produce_, &produce_opts_);
    AddConsumeCommand(app, &consume_, &consume_opts_);
  }

  std::optional<int> Dispatch(std::ostream& out, std::ostream& err) override {
    if (*create_) return RunCreate(global_, create_opts_, out, err);
    if (*list_) return RunList(global_, out, err);
    if (*describe_) return RunDescribe(global_, name_, out, err);
    if (*delete_) return RunDelete(global_, name_, out, err);
    if (*compact_) return RunCompact(global_, name_, out, err);
    if (*produce_) return RunProduce(global_, produce_opts_, STDIN_FILENO, out, err);
    if (*consume_) return RunConsume(global_, consume_opts_, out, err);
    return std::nullopt;
  }

 private:
  const GlobalOptions& global_;
  CLI::App* topic_ = nullptr;
  CLI::App* create_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* describe_ = nullptr;
  CLI::App* delete_ = nullptr;
  CLI::App* compact_ = nullptr;
  CLI::App* produce_ = nullptr;
  CLI::App* consume_ = nullptr;
  TopicCreateOptions create_opts_;
  std::string name_;
  ProduceOptions produce_opts_;
  ConsumeOptions consume_opts_;
};

}  // namespace

std::unique_ptr<LogCommands> AddLogCommands(CLI::App& app, const GlobalOptions& global) {
  return std::make_unique<LogCommandsImpl>(app, global);
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
