// The `log` source's offsets ({"weblogs":{"0":42}}), Spark's rate limit over
// partitions, and its raw columns (log_source_internal.h).

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "weir/connectors/connector_util.h"
#include "weir/connectors/log_source_internal.h"

namespace weir::connectors {

stream::Offset FormatLogOffsets(std::string_view topic, const PartitionOffsets& offsets) {
  std::string out = "{\"";
  out += topic;
  out += "\":{";
  bool first = true;
  for (const auto& [p, offset] : offsets) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += std::to_string(p);
    out += "\":";
    out += std::to_string(offset);
  }
  out += "}}";
  return out;
}

Result<PartitionOffsets> ParseLogOffsets(std::string_view text, std::string_view topic,
                                         std::string_view what) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("The " + std::string(what) + " cannot use the offsets '" +
                                   std::string(text.substr(0, 200)) + "': " + std::string(why) +
                                   ".")
        .WithHint("log offsets look like {\"" + std::string(topic) +
                  "\":{\"0\":23,\"1\":-2}}: per partition the next offset (-2 earliest, -1 "
                  "latest)");
  };
  OffsetTextCursor in(text);
  std::string_view name;
  if (!in.Consume('{') || !in.String(&name) || !in.Consume(':') || !in.Consume('{')) {
    return bad("it is not a JSON object of a topic's partition offsets");
  }
  if (name != topic) return bad("it names the topic '" + std::string(name) + "'");
  PartitionOffsets out;
  if (!in.Consume('}')) {
    do {
      std::string_view partition;
      int32_t p = 0;
      int64_t offset = 0;
      if (!in.String(&partition) || !ParsePartitionNumber(partition, &p) || !in.Consume(':') ||
          !in.Integer(&offset)) {
        return bad("each partition must be a number in quotes with an integer offset");
      }
      if (offset < kEarliestOffset) return bad("an offset is below -2");
      if (!out.emplace(p, offset).second) {
        return bad("partition " + std::to_string(p) + " appears twice");
      }
    } while (in.Consume(','));
    if (!in.Consume('}')) return bad("the partitions' object is not closed");
  }
  if (!in.Consume('}') || !in.AtEnd()) {
    return bad("only one topic may be given, and nothing may follow it");
  }
  return out;
}

PartitionOffsets RateLimitOffsets(const PartitionOffsets& from, const PartitionOffsets& until,
                                  int64_t limit) {
  std::map<int32_t, int64_t> sizes;
  double total = 0;
  for (const auto& [p, end] : until) {
    auto f = from.find(p);
    const int64_t begin = f == from.end() ? end : f->second;
    if (end > begin) {
      sizes[p] = end - begin;
      total += static_cast<double>(end - begin);
    }
  }
  if (total < 1) return until;
  PartitionOffsets out;
  for (const auto& [p, end] : until) {
    auto size = sizes.find(p);
    if (size == sizes.end()) {
      out[p] = end;
      continue;
    }
    const int64_t begin = from.at(p);
    const double prorate = static_cast<double>(limit) * (static_cast<double>(size->second) / total);
    // Don't completely starve small partitions (Spark's comment).
    const double rounded = prorate < 1 ? std::ceil(prorate) : std::floor(prorate);
    const int64_t step =
        rounded >= 9.2e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(rounded);
    const int64_t off = step > std::numeric_limits<int64_t>::max() - begin
                            ? std::numeric_limits<int64_t>::max()
                            : begin + step;
    out[p] = std::min(end, off);
  }
  return out;
}

SchemaPtr LogRawSchema(bool headers) {
  std::vector<Field> fields = {
      {"key", DataType::Binary()},         {"value", DataType::Binary()},
      {"topic", DataType::String()},       {"partition", DataType::Int32()},
      {"offset", DataType::Int64()},       {"timestamp", DataType::Timestamp()},
      {"timestampType", DataType::Int32()}};
  if (headers) {
    fields.push_back(
        {"headers", DataType::Array(DataType::Struct(
                        {{"key", DataType::String()}, {"value", DataType::Binary()}}))});
  }
  return MakeSchema(std::move(fields));
}

Status DataLossError(std::string_view source_name, std::string_view topic, int32_t partition,
                     int64_t wanted, int64_t start_offset) {
  return Status::InvalidInput("The log source `" + std::string(source_name) +
                              "` lost data: topic '" + std::string(topic) + "' partition " +
                              std::to_string(partition) + " no longer holds offsets " +
                              std::to_string(wanted) + " to " + std::to_string(start_offset - 1) +
                              " (retention deleted them; it starts at " +
                              std::to_string(start_offset) + ").")
      .WithHint(
          "set failOnDataLoss = 'false' to skip ahead to the oldest offset the topic holds "
          "(the skipped offsets are counted), or keep data longer (weir topic create "
          "--retention)");
}

}  // namespace weir::connectors
