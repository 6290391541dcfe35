#include "weir/stream/checkpoint_records.h"

#include <cstdio>

#include <simdjson.h>

#include "weir/common/crc32c.h"
#include "weir/types/render.h"

namespace weir::stream::internal {

namespace dom = simdjson::dom;

namespace {

constexpr std::string_view kMagic = "weir-checkpoint v1 ";
constexpr std::string_view kCrcPrefix = "crc32c=";

void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('"');
  AppendJsonEscaped(s, out);
  out->push_back('"');
}

Status Bad(std::string why) { return Status::Corruption(std::move(why)); }

Result<dom::element> ParseBody(dom::parser& parser, std::string_view body) {
  dom::element root;
  if (parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root) !=
      simdjson::SUCCESS) {
    return Bad("the record is not valid JSON");
  }
  if (!root.is_object()) return Bad("the record is not a JSON object");
  return root;
}

Result<int64_t> GetInt(const dom::element& obj, std::string_view field) {
  int64_t v = 0;
  if (obj[field].get_int64().get(v) != simdjson::SUCCESS) {
    return Bad("field \"" + std::string(field) + "\" is missing or not an integer");
  }
  return v;
}

Result<std::string> GetString(const dom::element& obj, std::string_view field) {
  std::string_view v;
  if (obj[field].get_string().get(v) != simdjson::SUCCESS) {
    return Bad("field \"" + std::string(field) + "\" is missing or not a string");
  }
  return std::string(v);
}

Result<dom::array> GetArray(const dom::element& obj, std::string_view field) {
  dom::array v;
  if (obj[field].get_array().get(v) != simdjson::SUCCESS) {
    return Bad("field \"" + std::string(field) + "\" is missing or not an array");
  }
  return v;
}

}  // namespace

std::string FrameRecord(std::string_view kind, std::string_view body) {
  std::string out;
  out.reserve(kMagic.size() + kind.size() + body.size() + 32);
  out.append(kMagic).append(kind).push_back('\n');
  out.append(body).push_back('\n');
  char crc[16];
  std::snprintf(crc, sizeof(crc), "%08x", crc32c::Value(out));
  out.append(kCrcPrefix).append(crc).push_back('\n');
  return out;
}

Result<std::string_view> UnframeRecord(std::string_view kind, std::string_view file) {
  const size_t header_end = file.find('\n');
  if (header_end == std::string_view::npos) return Bad("the record has no header line");
  const std::string_view header = file.substr(0, header_end);
  if (header.substr(0, kMagic.size()) != kMagic) {
    return Bad("the record does not start with \"weir-checkpoint v1\"");
  }
  if (header.substr(kMagic.size()) != kind) {
    return Bad("the record is of kind \"" + std::string(header.substr(kMagic.size())) +
               "\", expected \"" + std::string(kind) + "\"");
  }
  // The checksum line is the last line; the file may end with or without a newline.
  std::string_view rest = file;
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  const size_t crc_line = rest.rfind('\n');
  if (crc_line == std::string_view::npos || crc_line <= header_end) {
    return Bad("the record is truncated (no checksum line)");
  }
  const std::string_view crc_text = rest.substr(crc_line + 1);
  if (crc_text.substr(0, kCrcPrefix.size()) != kCrcPrefix ||
      crc_text.size() != kCrcPrefix.size() + 8) {
    return Bad("the record is truncated (no checksum line)");
  }
  uint32_t stored = 0;
  for (char c : crc_text.substr(kCrcPrefix.size())) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return Bad("the checksum is not 8 lower-case hex digits");
    }
    stored = (stored << 4) | static_cast<uint32_t>(digit);
  }
  const uint32_t actual = crc32c::Value(file.substr(0, crc_line + 1));
  if (stored != actual) {
    char msg[96];
    std::snprintf(msg, sizeof(msg), "checksum mismatch (stored %08x, computed %08x)", stored,
                  actual);
    return Bad(msg);
  }
  return file.substr(header_end + 1, crc_line - header_end - 1);
}

std::string EncodeMetadata(const CheckpointMetadata& m) {
  std::string out = "{\"id\":";
  AppendQuoted(m.id, &out);
  out += ",\"createdMs\":" + std::to_string(m.created_ms);
  out += ",\"shufflePartitions\":" + std::to_string(m.shuffle_partitions);
  out += ",\"sources\":[";
  for (size_t i = 0; i < m.sources.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendQuoted(m.sources[i], &out);
  }
  out += "],\"stateBackend\":";
  AppendQuoted(m.state_backend, &out);
  out += ",\"operators\":[";
  for (size_t i = 0; i < m.operators.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"id\":" + std::to_string(m.operators[i].id) + ",\"name\":";
    AppendQuoted(m.operators[i].name, &out);
    out += ",\"schema\":";
    AppendQuoted(m.operators[i].schema, &out);
    out.push_back('}');
  }
  out += "]}";
  return out;
}

std::string EncodePlanned(const PlannedEpoch& e) {
  std::string out = "{\"batchId\":" + std::to_string(e.batch_id);
  out += ",\"batchTimestampMs\":" + std::to_string(e.batch_timestamp_ms);
  out += ",\"watermarkMs\":" + std::to_string(e.watermark_ms);
  out += ",\"offsets\":[";
  for (size_t i = 0; i < e.offsets.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"start\":";
    AppendQuoted(e.offsets[i].start, &out);
    out += ",\"end\":";
    AppendQuoted(e.offsets[i].end, &out);
    out.push_back('}');
  }
  out += "]}";
  return out;
}

std::string EncodeCommit(const CommitRecord& c) {
  return "{\"batchId\":" + std::to_string(c.batch_id) +
         ",\"watermarkMs\":" + std::to_string(c.watermark_ms) + "}";
}

Result<CheckpointMetadata> DecodeMetadata(std::string_view body) {
  dom::parser parser;
  ASSIGN_OR_RAISE(dom::element root, ParseBody(parser, body));
  CheckpointMetadata m;
  ASSIGN_OR_RAISE(m.id, GetString(root, "id"));
  ASSIGN_OR_RAISE(m.created_ms, GetInt(root, "createdMs"));
  ASSIGN_OR_RAISE(int64_t partitions, GetInt(root, "shufflePartitions"));
  if (partitions < 0 || partitions > (1 << 20)) return Bad("shufflePartitions is out of range");
  m.shuffle_partitions = static_cast<int>(partitions);
  ASSIGN_OR_RAISE(dom::array sources, GetArray(root, "sources"));
  for (dom::element s : sources) {
    std::string_view text;
    if (s.get_string().get(text) != simdjson::SUCCESS) return Bad("a source is not a string");
    m.sources.emplace_back(text);
  }
  // Written since the durable state stores; a checkpoint without them has no state.
  dom::element backend;
  if (root["stateBackend"].get(backend) == simdjson::SUCCESS) {
    ASSIGN_OR_RAISE(m.state_backend, GetString(root, "stateBackend"));
  }
  dom::array operators;
  if (root["operators"].get_array().get(operators) == simdjson::SUCCESS) {
    for (dom::element o : operators) {
      if (!o.is_object()) return Bad("an operator is not an object");
      OperatorRecord op;
      ASSIGN_OR_RAISE(int64_t id, GetInt(o, "id"));
      if (id < 0 || id > (1 << 20)) return Bad("an operator id is out of range");
      op.id = static_cast<int>(id);
      ASSIGN_OR_RAISE(op.name, GetString(o, "name"));
      ASSIGN_OR_RAISE(op.schema, GetString(o, "schema"));
      m.operators.push_back(std::move(op));
    }
  }
  if (m.id.empty()) return Bad("field \"id\" is empty");
  return m;
}

Result<PlannedEpoch> DecodePlanned(std::string_view body) {
  dom::parser parser;
  ASSIGN_OR_RAISE(dom::element root, ParseBody(parser, body));
  PlannedEpoch e;
  ASSIGN_OR_RAISE(e.batch_id, GetInt(root, "batchId"));
  ASSIGN_OR_RAISE(e.batch_timestamp_ms, GetInt(root, "batchTimestampMs"));
  ASSIGN_OR_RAISE(e.watermark_ms, GetInt(root, "watermarkMs"));
  ASSIGN_OR_RAISE(dom::array offsets, GetArray(root, "offsets"));
  for (dom::element o : offsets) {
    if (!o.is_object()) return Bad("an entry of \"offsets\" is not an object");
    SourceOffsets so;
    ASSIGN_OR_RAISE(so.start, GetString(o, "start"));
    ASSIGN_OR_RAISE(so.end, GetString(o, "end"));
    e.offsets.push_back(std::move(so));
  }
  return e;
}

Result<CommitRecord> DecodeCommit(std::string_view body) {
  dom::parser parser;
  ASSIGN_OR_RAISE(dom::element root, ParseBody(parser, body));
  CommitRecord c;
  ASSIGN_OR_RAISE(c.batch_id, GetInt(root, "batchId"));
  ASSIGN_OR_RAISE(c.watermark_ms, GetInt(root, "watermarkMs"));
  return c;
}

}  // namespace weir::stream::internal
