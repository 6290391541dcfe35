#include "weir/formats/json_decoder.h"

#include <charconv>
#include <limits>

#include <absl/container/flat_hash_map.h>
#include <simdjson.h>

#include "weir/formats/formats_internal.h"
#include "weir/functions/json_internal.h"

namespace weir::formats {

namespace {

namespace dom = simdjson::dom;
using internal::Scalar;
using T = dom::element_type;

// absl's string_view may not be std::string_view.
inline absl::string_view Key(std::string_view s) { return {s.data(), s.size()}; }

static_assert(RecordDecoder::kPadding >= simdjson::SIMDJSON_PADDING);

// The conversion plan for one type: children of nested types and, for structs, the
// field lookup and the scratch its objects are gathered into.
struct TypeNode {
  DataType type;
  std::vector<TypeNode> children;  // array: element; map: value; struct: fields
  absl::flat_hash_map<std::string, int> index;
  std::vector<dom::element> found;
  std::vector<uint8_t> present;
  Scalar scratch;

  static Result<TypeNode> Make(const DataType& type) {
    TypeNode n;
    n.type = type;
    switch (type.id()) {
      case TypeId::kArray: {
        ASSIGN_OR_RAISE(TypeNode c, Make(type.element_type()));
        n.children.push_back(std::move(c));
        break;
      }
      case TypeId::kMap: {
        if (type.key_type().id() != TypeId::kString) {
          return Status::InvalidArgument("[INVALID_JSON_MAP_KEY_TYPE] Input schema " +
                                         type.ToDdl() +
                                         " can only contain STRING as a key type for a MAP.");
        }
        ASSIGN_OR_RAISE(TypeNode c, Make(type.value_type()));
        n.children.push_back(std::move(c));
        break;
      }
      case TypeId::kStruct:
        for (const Field& f : type.fields()) {
          ASSIGN_OR_RAISE(TypeNode c, Make(f.type));
          n.index[f.name] = static_cast<int>(n.children.size());
          n.children.push_back(std::move(c));
        }
        n.found.resize(n.children.size());
        n.present.resize(n.children.size());
        break;
      default:
        break;
    }
    return n;
  }
};

// JSON values to SQL values, as JacksonParser's converters do. A conversion returns
// false when the value does not convert (the record is then malformed).
class Converter {
 public:
  explicit Converter(internal::DatetimeReader dt) : dt_(std::move(dt)) {}

  // A primitive value; JSON null gives an invalid (NULL) scalar.
  bool ToScalar(const dom::element& e, const DataType& type, Scalar* out) {
    const T kind = e.type();
    out->valid = false;
    if (kind == T::NULL_VALUE || type.is_null()) return true;
    out->valid = true;
    switch (type.id()) {
      case TypeId::kBoolean:
        if (kind != T::BOOL) return out->valid = false;
        out->v.b = e.get_bool().value_unsafe() ? 1 : 0;
        return true;
      case TypeId::kInt32: {
        if (kind != T::INT64) return out->valid = false;
        int64_t v = e.get_int64().value_unsafe();
        if (v < INT32_MIN || v > INT32_MAX) return out->valid = false;
        out->v.i32 = static_cast<int32_t>(v);
        return true;
      }
      case TypeId::kInt64:
        if (kind != T::INT64) return out->valid = false;
        out->v.i64 = e.get_int64().value_unsafe();
        return true;
      case TypeId::kDouble:
        return out->valid = ToDouble(e, &out->v.f64);
      case TypeId::kDecimal:
        return out->valid = ToDecimal(e, type, &out->v.dec);
      case TypeId::kString:
        if (kind == T::STRING) {
          out->str = json_internal::StringOf(e);
        } else {
          out->owned.clear();
          json_internal::AppendJsonElement(e, &out->owned);
          out->str = out->owned;
        }
        return true;
      case TypeId::kDate:
        if (kind != T::STRING) return out->valid = false;
        return out->valid = dt_.ParseDate(json_internal::StringOf(e), &out->v.i32);
      case TypeId::kTimestamp:
        if (kind == T::INT64) {
          int64_t s = e.get_int64().value_unsafe();
          if (s > INT64_MAX / kMicrosPerSecond || s < INT64_MIN / kMicrosPerSecond) {
            return out->valid = false;
          }
          out->v.i64 = s * kMicrosPerSecond;
          return true;
        }
        if (kind != T::STRING) return out->valid = false;
        return out->valid = dt_.ParseTimestamp(json_internal::StringOf(e), &out->v.i64);
      default:
        return out->valid = false;
    }
  }

  // Whether Build(e, node) would succeed: the value and everything inside converts.
  bool Check(const dom::element& e, TypeNode& node) {
    const T kind = e.type();
    if (kind == T::NULL_VALUE) return true;
    switch (node.type.id()) {
      case TypeId::kArray:
        if (kind != T::ARRAY) return false;
        for (dom::element c : json_internal::AsArray(e)) {
          if (!Check(c, node.children[0])) return false;
        }
        return true;
      case TypeId::kMap:
        if (kind != T::OBJECT) return false;
        for (dom::key_value_pair kv : json_internal::AsObject(e)) {
          if (!Check(kv.value, node.children[0])) return false;
        }
        return true;
      case TypeId::kStruct:
        if (kind != T::OBJECT) return false;
        Gather(e, node);
        for (size_t k = 0; k < node.children.size(); ++k) {
          // Nested structs have nodes of their own, so `found` stays valid here.
          if (node.present[k] && !Check(node.found[k], node.children[k])) return false;
        }
        return true;
      default:
        return ToScalar(e, node.type, &node.scratch);
    }
  }

  // Appends e to `b`. REQUIRES: Check(e, node).
  void Build(const dom::element& e, TypeNode& node, ColumnBuilder* b) {
    if (e.type() == T::NULL_VALUE) {
      b->AppendNull();
      return;
    }
    switch (node.type.id()) {
      case TypeId::kArray: {
        auto* ab = static_cast<ArrayBuilder*>(b);
        ab->Append();
        for (dom::element c : json_internal::AsArray(e)) {
          Build(c, node.children[0], ab->element_builder());
        }
        return;
      }
      case TypeId::kMap: {
        auto* mb = static_cast<MapBuilder*>(b);
        mb->Append();
        auto* keys = static_cast<StringBuilder*>(mb->key_builder());
        for (dom::key_value_pair kv : json_internal::AsObject(e)) {
          keys->Append(kv.key);
          Build(kv.value, node.children[0], mb->value_builder());
        }
        return;
      }
      case TypeId::kStruct: {
        auto* sb = static_cast<StructBuilder*>(b);
        Gather(e, node);
        sb->Append();
        for (size_t k = 0; k < node.children.size(); ++k) {
          ColumnBuilder* fb = sb->field_builder(static_cast<int>(k));
          if (node.present[k]) {
            Build(node.found[k], node.children[k], fb);
          } else {
            fb->AppendNull();
          }
        }
        return;
      }
      default:
        if (!ToScalar(e, node.type, &node.scratch)) node.scratch.valid = false;
        internal::AppendScalar(b, node.scratch);
        return;
    }
  }

 private:
  static void Gather(const dom::element& e, TypeNode& node) {
    std::fill(node.present.begin(), node.present.end(), 0);
    for (dom::key_value_pair kv : json_internal::AsObject(e)) {
      auto it = node.index.find(Key(kv.key));
      if (it == node.index.end()) continue;
      node.found[static_cast<size_t>(it->second)] = kv.value;
      node.present[static_cast<size_t>(it->second)] = 1;
    }
  }

  static bool ToDouble(const dom::element& e, double* out) {
    switch (e.type()) {
      case T::INT64:
        *out = static_cast<double>(e.get_int64().value_unsafe());
        return true;
      case T::UINT64:
        *out = static_cast<double>(e.get_uint64().value_unsafe());
        return true;
      case T::DOUBLE:
        *out = e.get_double().value_unsafe();
        return true;
      case T::STRING: {
        // allowNonNumericNumbers (default true): the special values as strings.
        std::string_view s = json_internal::StringOf(e);
        if (s == "NaN" || s == "+NaN" || s == "-NaN") {
          *out = std::numeric_limits<double>::quiet_NaN();
        } else if (s == "Infinity" || s == "+Infinity" || s == "+INF" || s == "INF") {
          *out = std::numeric_limits<double>::infinity();
        } else if (s == "-Infinity" || s == "-INF") {
          *out = -std::numeric_limits<double>::infinity();
        } else {
          return false;
        }
        return true;
      }
      default:
        return false;
    }
  }

  bool ToDecimal(const dom::element& e, const DataType& type, Int128* out) {
    char buf[64];
    std::string_view text;
    switch (e.type()) {
      case T::INT64: {
        auto r = std::to_chars(buf, buf + sizeof(buf), e.get_int64().value_unsafe());
        text = std::string_view(buf, static_cast<size_t>(r.ptr - buf));
        break;
      }
      case T::UINT64: {
        auto r = std::to_chars(buf, buf + sizeof(buf), e.get_uint64().value_unsafe());
        text = std::string_view(buf, static_cast<size_t>(r.ptr - buf));
        break;
      }
      case T::DOUBLE: {
        // The shortest text that reads back as the same double: the DOM does not keep
        // the number's own text.
        auto r = std::to_chars(buf, buf + sizeof(buf), e.get_double().value_unsafe());
        text = std::string_view(buf, static_cast<size_t>(r.ptr - buf));
        break;
      }
      case T::STRING: {
        // ExprUtils.getDecimalParser for Locale.US: grouping commas dropped.
        std::string_view s = json_internal::StringOf(e);
        if (s.find(',') == std::string_view::npos) {
          text = s;
        } else {
          decimal_text_.clear();
          for (char c : s) {
            if (c != ',') decimal_text_.push_back(c);
          }
          text = decimal_text_;
        }
        break;
      }
      default:
        return false;
    }
    return internal::ParseJavaDecimal(text, type.precision(), type.scale(), out);
  }

  internal::DatetimeReader dt_;
  std::string decimal_text_;
};

class JsonDecoder final : public RecordDecoder {
 public:
  JsonDecoder(SchemaPtr output, const JsonReadOptions& options, internal::DatetimeReader dt)
      : options_(options), converter_(std::move(dt)), out_(output) {
    output_schema_ = std::move(output);
  }

  // Sets up the fields to convert; `corrupt` is the corrupt column's data index or -1.
  Status Init(const Schema& schema, const std::vector<int>& columns, int corrupt) {
    for (int c : columns) {
      if (c == corrupt) {
        out_index_.push_back(-1);
        continue;
      }
      const Field& f = schema.field(c);
      auto it = lookup_.find(f.name);
      if (it == lookup_.end()) {
        ASSIGN_OR_RAISE(TypeNode node, TypeNode::Make(f.type));
        it = lookup_.emplace(f.name, static_cast<int>(fields_.size())).first;
        RootField root;
        root.node = std::move(node);
        root.nested = f.type.is_nested();
        fields_.push_back(std::move(root));
      }
      out_index_.push_back(it->second);
    }
    return Status::OK();
  }

  Result<size_t> DecodeSome(std::string_view buffer, bool padded, int64_t max_rows,
                            InputPosition* pos) override {
    size_t offset = 0;
    while (offset < buffer.size() && buffered_rows_ < max_rows) {
      size_t end;
      std::string_view line = internal::LineAt(buffer, offset, &end);
      const bool in_place = padded || end + kPadding <= buffer.size();
      RETURN_NOT_OK(DecodeLine(line, in_place, *pos));
      offset = end < buffer.size() ? end + 1 : end;
      ++pos->line;
    }
    return offset;
  }

  Result<Batch> Flush() override {
    ASSIGN_OR_RAISE(Batch b, out_.Finish(buffered_rows_));
    buffered_rows_ = 0;
    return b;
  }

 private:
  struct RootField {
    TypeNode node;
    bool nested = false;
    bool present = false;
    bool ok = true;
    dom::element element;
  };

  Status DecodeLine(std::string_view line, bool in_place, const InputPosition& pos) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i == line.size()) return Status::OK();  // blank: no record
    ++stats_.records;
    dom::element root;
    if (parser_.parse(line.data(), line.size(), !in_place).get(root) != simdjson::SUCCESS) {
      return Bad(line, pos);
    }
    if (root.type() == T::OBJECT) {
      bool bad = ConvertObject(root);
      return Emit(bad, line, pos);
    }
    if (root.type() == T::ARRAY && options_.allow_array_as_structs) {
      for (dom::element e : json_internal::AsArray(root)) {
        if (e.type() != T::OBJECT) return Bad(line, pos);
      }
      for (dom::element e : json_internal::AsArray(root)) {
        bool bad = ConvertObject(e);
        RETURN_NOT_OK(Emit(bad, line, pos));
      }
      return Status::OK();
    }
    return Bad(line, pos);
  }

  // Converts the root fields of object `e` into their slots; true if any failed.
  bool ConvertObject(const dom::element& e) {
    for (RootField& f : fields_) f.present = false;
    for (dom::key_value_pair kv : json_internal::AsObject(e)) {
      auto it = lookup_.find(Key(kv.key));
      if (it == lookup_.end()) continue;
      RootField& f = fields_[static_cast<size_t>(it->second)];
      f.element = kv.value;
      f.present = true;
    }
    bool bad = false;
    for (RootField& f : fields_) {
      if (!f.present) {
        f.node.scratch.valid = false;
        continue;
      }
      if (f.nested) {
        f.ok = converter_.Check(f.element, f.node);
      } else {
        f.ok = converter_.ToScalar(f.element, f.node.type, &f.node.scratch);
        if (!f.ok) f.node.scratch.valid = false;
      }
      bad |= !f.ok;
    }
    return bad;
  }

  Status Bad(std::string_view line, const InputPosition& pos) {
    for (RootField& f : fields_) {
      f.present = false;
      f.node.scratch.valid = false;
    }
    return Emit(true, line, pos);
  }

  Status Emit(bool bad, std::string_view line, const InputPosition& pos) {
    if (bad) {
      ++stats_.malformed;
      if (options_.common.mode == ParseMode::kFailFast) {
        return internal::MalformedRecord(line, pos);
      }
      if (options_.common.mode == ParseMode::kDropMalformed) {
        ++stats_.dropped;
        return Status::OK();
      }
    }
    for (int k = 0; k < out_.size(); ++k) {
      ColumnBuilder* b = out_.at(k);
      const int idx = out_index_[static_cast<size_t>(k)];
      if (idx < 0) {
        if (bad) {
          static_cast<StringBuilder*>(b)->Append(line);
        } else {
          b->AppendNull();
        }
        continue;
      }
      RootField& f = fields_[static_cast<size_t>(idx)];
      if (!f.nested) {
        internal::AppendScalar(b, f.node.scratch);
      } else if (f.present && f.ok) {
        converter_.Build(f.element, f.node, b);
      } else {
        b->AppendNull();
      }
    }
    ++buffered_rows_;
    return Status::OK();
  }

  JsonReadOptions options_;
  Converter converter_;
  internal::OutputBuilders out_;
  dom::parser parser_;
  std::vector<RootField> fields_;
  absl::flat_hash_map<std::string, int> lookup_;  // field name -> fields_ index
  std::vector<int> out_index_;                    // output column -> fields_ index, -1: corrupt
};

}  // namespace

Result<RecordDecoderPtr> MakeJsonDecoder(SchemaPtr schema, std::vector<int> columns,
                                         const JsonReadOptions& options) {
  ASSIGN_OR_RAISE(int corrupt,
                  internal::CorruptColumnIndex(*schema, options.common.corrupt_column));
  ASSIGN_OR_RAISE(SchemaPtr output, internal::ProjectSchema(schema, columns));
  ASSIGN_OR_RAISE(internal::DatetimeReader dt, internal::DatetimeReader::Make(options.common));
  auto decoder = std::make_unique<JsonDecoder>(output, options, std::move(dt));
  RETURN_NOT_OK(decoder->Init(*schema, columns, corrupt));
  return RecordDecoderPtr(std::move(decoder));
}

Result<Batch> DecodeJsonLines(std::string_view buffer, const SchemaPtr& schema,
                              const JsonReadOptions& options, ParseStats* stats) {
  ASSIGN_OR_RAISE(RecordDecoderPtr decoder,
                  MakeJsonDecoder(schema, AllFieldIndices(*schema), options));
  ASSIGN_OR_RAISE(Batch batch, DecodeAll(decoder.get(), buffer));
  if (stats != nullptr) stats->Add(decoder->stats());
  return batch;
}

}  // namespace weir::formats
