#include "weir/api/session_catalog.h"

#include <algorithm>

#include "weir/formats/file_table.h"
#include "weir/functions/registry.h"
#include "weir/stream/streaming_query.h"

namespace weir::api {

std::string_view ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kView:
      return "view";
    case ObjectKind::kSource:
      return "source";
    case ObjectKind::kSink:
      return "sink";
  }
  return "object";
}

Status SessionCatalog::Add(CatalogObject object, bool replace) {
  const std::string key = AsciiLower(object.name);
  auto it = objects_.find(key);
  if (it != objects_.end()) {
    if (!replace || it->second.kind != object.kind) {
      return Status::AlreadyExists(
                 "[" +
                 std::string(object.kind == ObjectKind::kView ? "TABLE_OR_VIEW_ALREADY_EXISTS"
                                                              : "OBJECT_ALREADY_EXISTS") +
                 "] Cannot create " + std::string(ObjectKindName(object.kind)) + " `" +
                 object.name + "` because a " + std::string(ObjectKindName(it->second.kind)) +
                 " of that name already exists.")
          .WithHint(replace ? "drop the " + std::string(ObjectKindName(it->second.kind)) + " first"
                            : "use CREATE OR REPLACE, or choose another name");
    }
    it->second = std::move(object);
    return Status::OK();
  }
  objects_.emplace(key, std::move(object));
  return Status::OK();
}

Status SessionCatalog::Remove(ObjectKind kind, std::string_view name) {
  auto it = objects_.find(AsciiLower(name));
  if (it == objects_.end() || it->second.kind != kind) {
    return Status::NotFound(
        "[" +
        std::string(kind == ObjectKind::kView ? "TABLE_OR_VIEW_NOT_FOUND" : "OBJECT_NOT_FOUND") +
        "] The " + std::string(ObjectKindName(kind)) + " `" + std::string(name) +
        "` cannot be found.");
  }
  objects_.erase(it);
  return Status::OK();
}

const CatalogObject* SessionCatalog::Find(std::string_view name) const {
  auto it = objects_.find(AsciiLower(name));
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<const CatalogObject*> SessionCatalog::List() const {
  std::vector<const CatalogObject*> out;
  for (const auto& [key, object] : objects_) out.push_back(&object);
  return out;
}

void SessionCatalog::BeginStreamingBind() {
  streaming_bind_ = true;
  stream_inputs_.clear();
  stream_scans_.clear();
}

std::vector<const CatalogObject*> SessionCatalog::EndStreamingBind() {
  streaming_bind_ = false;
  stream_scans_.clear();
  return std::move(stream_inputs_);
}

Result<plan::LogicalPlanPtr> SessionCatalog::ResolveRelation(
    const std::vector<std::string>& name) const {
  // `default.v` and `v` are the same: weir has one namespace.
  if (name.empty() || name.size() > 2 || (name.size() == 2 && AsciiLower(name[0]) != "default")) {
    return Status::NotFound("no such relation");
  }
  const CatalogObject* object = Find(name.back());
  // A memory sink's result table, by its query's name (by default the sink's name).
  if (object == nullptr || object->kind == ObjectKind::kSink) {
    if (plan::TableProviderPtr table =
            local_tables_ != nullptr ? local_tables_->GetResult(name.back()) : nullptr) {
      return plan::LogicalPlanPtr(plan::ScanNode::All(std::move(table)));
    }
  }
  if (object == nullptr) return Status::NotFound("no such relation");
  switch (object->kind) {
    case ObjectKind::kView:
      return object->plan;
    case ObjectKind::kSource: {
      if (!streaming_bind_ && bounded_reader_ != nullptr &&
          std::any_of(object->options.begin(), object->options.end(),
                      [](const auto& o) { return EqualsIgnoreCase(o.first, "endingOffsets"); })) {
        ASSIGN_OR_RAISE(plan::TableProviderPtr table, bounded_reader_(*object));
        return plan::LogicalPlanPtr(plan::ScanNode::All(std::move(table)));
      }
      if (!streaming_bind_) {
        return Status::Unsupported("[UNSUPPORTED_FEATURE] `" + object->name +
                                   "` is a streaming source; a batch query cannot read it.")
            .WithHint("read it in a streaming query: INSERT INTO <sink> SELECT ... FROM " +
                      object->name + ", or give a kafka source endingOffsets to read a range");
      }
      for (size_t i = 0; i < stream_inputs_.size(); ++i) {
        if (stream_inputs_[i] == object) return stream_scans_[i];
      }
      auto table = std::make_shared<stream::StreamInputTable>(
          static_cast<int>(stream_inputs_.size()), object->name, object->schema);
      auto scan = plan::ScanNode::All(std::move(table));
      stream_inputs_.push_back(object);
      stream_scans_.push_back(scan);
      return plan::LogicalPlanPtr(scan);
    }
    case ObjectKind::kSink:
      return Status::InvalidSql("`" + object->name +
                                "` is a sink; a query can read only a memory sink's results.")
          .WithHint("INSERT INTO " + object->name + " writes to it");
  }
  return Status::NotFound("no such relation");
}

Result<plan::TableProviderPtr> SessionCatalog::ResolvePath(std::string_view format,
                                                           std::string_view path) const {
  if (!formats::IsFileFormat(format)) return Status::NotFound("not a file format");
  return formats::OpenFileTable(format, path, {}, nullptr, env_);
}

std::vector<std::string> SessionCatalog::RelationNames() const {
  std::vector<std::string> names;
  for (const auto& [key, object] : objects_) names.push_back(object.name);
  return names;
}

}  // namespace weir::api
