#include "weir/log/topic_config.h"

#include <charconv>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "weir/common/crc32c.h"

namespace weir::log {

namespace {

constexpr std::string_view kHeaderLine = "# weir topic config";
constexpr std::string_view kCrcKey = "crc32c=";

Result<int64_t> ParseInt(std::string_view key, std::string_view v) {
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty()) {
    return Status::Corruption(fmt::format("topic config: {} has a bad value '{}'", key, v));
  }
  return out;
}

}  // namespace

Status ValidateTopicConfig(const TopicConfig& c) {
  auto bad = [](std::string_view field, int64_t v, std::string_view range) {
    return Status::InvalidArgument(fmt::format("{} {} out of range {}", field, v, range));
  };
  if (c.partitions < 1 || c.partitions > kMaxPartitions) {
    return bad("partitions", c.partitions, fmt::format("[1, {}]", kMaxPartitions));
  }
  if (c.retention_ms < -1) return bad("retention_ms", c.retention_ms, "[-1, ...]");
  if (c.retention_bytes < -1) return bad("retention_bytes", c.retention_bytes, "[-1, ...]");
  if (c.delete_retention_ms < 0)
    return bad("delete_retention_ms", c.delete_retention_ms, "[0, ...]");
  if (c.segment_bytes < 1 || c.segment_bytes > kMaxSegmentBytes) {
    return bad("segment_bytes", c.segment_bytes, fmt::format("[1, {}]", kMaxSegmentBytes));
  }
  if (c.transaction_timeout_ms < 1) {
    return bad("transaction_timeout_ms", c.transaction_timeout_ms, "[1, ...]");
  }
  constexpr int64_t kMaxFlushIntervalMs = std::numeric_limits<int64_t>::max() / 1'000'000;
  if (c.flush_interval_ms < 0 || c.flush_interval_ms > kMaxFlushIntervalMs) {
    return bad("flush_interval_ms", c.flush_interval_ms,
               fmt::format("[0, {}]", kMaxFlushIntervalMs));
  }
  return Status::OK();
}

std::string EncodeTopicConfig(const TopicConfig& c) {
  std::string body = fmt::format(
      "{}\nversion=1\npartitions={}\ndurability={}\nflush_interval_ms={}\nretention_ms={}\n"
      "retention_bytes={}\ncleanup_policy={}\nsegment_bytes={}\ndelete_retention_ms={}\n"
      "transaction_timeout_ms={}\n",
      kHeaderLine, c.partitions, DurabilityName(c.durability), c.flush_interval_ms, c.retention_ms,
      c.retention_bytes, CleanupPolicyName(c.cleanup_policy), c.segment_bytes,
      c.delete_retention_ms, c.transaction_timeout_ms);
  return body + fmt::format("{}{:08x}\n", kCrcKey, crc32c::Value(body));
}

Result<TopicConfig> DecodeTopicConfig(std::string_view data) {
  const size_t crc_at = data.rfind(kCrcKey);
  if (crc_at == std::string_view::npos || (crc_at > 0 && data[crc_at - 1] != '\n')) {
    return Status::Corruption("topic config: no checksum line");
  }
  const std::string_view body = data.substr(0, crc_at);
  std::string_view crc_text = data.substr(crc_at + kCrcKey.size());
  if (crc_text.size() != 9 || crc_text.back() != '\n') {
    return Status::Corruption("topic config: bad checksum line");
  }
  uint32_t crc = 0;
  auto [p, ec] = std::from_chars(crc_text.data(), crc_text.data() + 8, crc, 16);
  if (ec != std::errc() || p != crc_text.data() + 8 || crc != crc32c::Value(body)) {
    return Status::Corruption("topic config: checksum mismatch");
  }
  std::map<std::string_view, std::string_view> kv;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) return Status::Corruption("topic config: unterminated line");
    std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::Corruption(fmt::format("topic config: bad line '{}'", line));
    }
    if (!kv.emplace(line.substr(0, eq), line.substr(eq + 1)).second) {
      return Status::Corruption(fmt::format("topic config: {} given twice", line.substr(0, eq)));
    }
  }
  auto take = [&kv](std::string_view key) -> Result<std::string_view> {
    auto it = kv.find(key);
    if (it == kv.end()) return Status::Corruption(fmt::format("topic config: {} missing", key));
    std::string_view v = it->second;
    kv.erase(it);
    return v;
  };
  auto take_int = [&](std::string_view key) -> Result<int64_t> {
    ASSIGN_OR_RAISE(std::string_view v, take(key));
    return ParseInt(key, v);
  };
  ASSIGN_OR_RAISE(int64_t version, take_int("version"));
  if (version != 1) {
    return Status::Corruption(fmt::format("topic config: unsupported version {}", version));
  }
  TopicConfig c;
  ASSIGN_OR_RAISE(int64_t partitions, take_int("partitions"));
  if (partitions < 1 || partitions > kMaxPartitions) {
    return Status::Corruption(fmt::format("topic config: partitions {} out of range", partitions));
  }
  c.partitions = static_cast<int32_t>(partitions);
  ASSIGN_OR_RAISE(std::string_view durability, take("durability"));
  Result<Durability> d = ParseDurability(durability);
  if (!d.ok()) return Status::Corruption("topic config: " + d.status().message());
  c.durability = *d;
  ASSIGN_OR_RAISE(c.flush_interval_ms, take_int("flush_interval_ms"));
  ASSIGN_OR_RAISE(c.retention_ms, take_int("retention_ms"));
  ASSIGN_OR_RAISE(c.retention_bytes, take_int("retention_bytes"));
  ASSIGN_OR_RAISE(std::string_view policy, take("cleanup_policy"));
  Result<CleanupPolicy> cp = ParseCleanupPolicy(policy);
  if (!cp.ok()) return Status::Corruption("topic config: " + cp.status().message());
  c.cleanup_policy = *cp;
  ASSIGN_OR_RAISE(c.segment_bytes, take_int("segment_bytes"));
  ASSIGN_OR_RAISE(c.delete_retention_ms, take_int("delete_retention_ms"));
  // Added later: optional, with its default for files written before it.
  if (kv.contains("transaction_timeout_ms")) {
    ASSIGN_OR_RAISE(c.transaction_timeout_ms, take_int("transaction_timeout_ms"));
  }
  if (!kv.empty()) {
    return Status::Corruption(fmt::format("topic config: unknown key {}", kv.begin()->first));
  }
  Status valid = ValidateTopicConfig(c);
  if (!valid.ok()) return Status::Corruption("topic config: " + valid.message());
  return c;
}

PartitionOptions ToPartitionOptions(const TopicConfig& c) {
  PartitionOptions o;
  o.segment_bytes = c.segment_bytes;
  o.durability = c.durability;
  o.flush_interval_ms = c.flush_interval_ms;
  o.retention_ms = c.retention_ms;
  o.retention_bytes = c.retention_bytes;
  o.compact = c.cleanup_policy != CleanupPolicy::kDelete;
  if (c.cleanup_policy == CleanupPolicy::kCompact) {
    // Kafka exempts compact-only topics from retention: a key's newest value may be
    // in an old segment, and must not be deleted with it.
    o.retention_ms = -1;
    o.retention_bytes = -1;
  }
  o.delete_retention_ms = c.delete_retention_ms;
  o.transaction_timeout_ms = c.transaction_timeout_ms;
  return o;
}

Status ValidateTopicName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("topic name is empty");
  if (name.size() > 249) {
    return Status::InvalidArgument(
        fmt::format("topic name is {} characters long; at most 249 are allowed", name.size()));
  }
  if (name == "." || name == "..") {
    return Status::InvalidArgument(fmt::format("topic name cannot be '{}'", name));
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(fmt::format(
          "topic name '{}' contains '{}'; only ASCII letters, digits, '.', '_' and '-' are allowed",
          name, c));
    }
  }
  return Status::OK();
}

std::string_view DurabilityName(Durability d) {
  return d == Durability::kFsync ? "fsync" : "interval";
}

Result<Durability> ParseDurability(std::string_view s) {
  if (s == "fsync") return Durability::kFsync;
  if (s == "interval") return Durability::kInterval;
  return Status::InvalidArgument(fmt::format("durability '{}' is not fsync or interval", s));
}

std::string_view CleanupPolicyName(CleanupPolicy p) {
  switch (p) {
    case CleanupPolicy::kDelete:
      return "delete";
    case CleanupPolicy::kCompact:
      return "compact";
    case CleanupPolicy::kCompactDelete:
      return "compact,delete";
  }
  return "delete";
}

Result<CleanupPolicy> ParseCleanupPolicy(std::string_view s) {
  if (s == "delete") return CleanupPolicy::kDelete;
  if (s == "compact") return CleanupPolicy::kCompact;
  if (s == "compact,delete") return CleanupPolicy::kCompactDelete;
  return Status::InvalidArgument(
      fmt::format("cleanup policy '{}' is not delete, compact or compact,delete", s));
}

}  // namespace weir::log
