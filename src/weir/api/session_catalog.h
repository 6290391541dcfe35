// SessionCatalog: the relations a session's statements create — views (CREATE VIEW
// ... AS query, and CREATE TEMPORARY VIEW ... USING json|csv|text over files),
// sources and sinks (CREATE SOURCE / CREATE SINK) — and the binder's view of them.
//
// Names are single identifiers, matched case-insensitively; a name belongs to at
// most one object. Spark's path syntax (json.`/data/x.json`) reaches the file
// formats without a catalog entry.
//
// Thread-safety: not thread-safe; the session serializes statements.

#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/env.h"
#include "weir/plan/binder.h"
#include "weir/plan/logical_plan.h"
#include "weir/sql/ast.h"
#include "weir/stream/local_tables.h"

namespace weir::api {

enum class ObjectKind : uint8_t { kView, kSource, kSink };
std::string_view ObjectKindName(ObjectKind kind);  // "view", "source", "sink"

struct CatalogObject {
  ObjectKind kind = ObjectKind::kView;
  std::string name;  // as written when created
  // Views: the bound plan (a file view's plan is a scan of its files). Null for
  // sources and sinks.
  plan::LogicalPlanPtr plan;
  // The declared or derived columns (views: the plan's schema).
  SchemaPtr schema;
  bool temporary = false;
  // Sources and sinks: WITH options (keys as written); file views: OPTIONS.
  std::vector<std::pair<std::string, std::string>> options;
  // Sources: the watermark column and its delay expression's text, if declared.
  std::string watermark_column;
  std::string watermark_expr;
  // The statement text that created it, for DESCRIBE and SHOW.
  std::string text;
};

class SessionCatalog final : public plan::Catalog {
 public:
  // `local_tables` (not owned): memory sinks' results, resolvable by query name.
  SessionCatalog(Env* env, const stream::LocalTables* local_tables)
      : env_(env), local_tables_(local_tables) {}

  // Adds an object. AlreadyExists (a user error naming the object and what it is)
  // when the name is taken, unless `replace` and the existing object has the same
  // kind.
  Status Add(CatalogObject object, bool replace);
  // Removes the object of `kind` named `name`; NotFound if there is none.
  Status Remove(ObjectKind kind, std::string_view name);
  const CatalogObject* Find(std::string_view name) const;
  // Every object, sorted by name.
  std::vector<const CatalogObject*> List() const;

  // plan::Catalog
  Result<plan::LogicalPlanPtr> ResolveRelation(const std::vector<std::string>& name) const override;
  Result<plan::TableProviderPtr> ResolvePath(std::string_view format,
                                             std::string_view path) const override;
  std::vector<std::string> RelationNames() const override;

  // Between BeginStreamingBind and EndStreamingBind, a source resolves to a scan of a
  // stream::StreamInputTable (what INSERT INTO binds against), numbered in the order
  // sources are first named; EndStreamingBind returns them in that order. Otherwise
  // naming a source in a batch query is an error: batch queries do not read streams.
  void BeginStreamingBind();
  std::vector<const CatalogObject*> EndStreamingBind();

  // Outside a streaming bind, a source with an `endingOffsets` option (a bounded range,
  // as Spark's spark.read of Kafka) is read by `reader` as one batch table instead.
  using BoundedSourceReader =
      std::function<Result<plan::TableProviderPtr>(const CatalogObject& source)>;
  void SetBoundedSourceReader(BoundedSourceReader reader) { bounded_reader_ = std::move(reader); }

 private:
  Env* env_;
  const stream::LocalTables* local_tables_;
  bool streaming_bind_ = false;
  // Sources named in the current streaming bind, and the scan each resolved to.
  mutable std::vector<const CatalogObject*> stream_inputs_;
  mutable std::vector<plan::LogicalPlanPtr> stream_scans_;
  std::map<std::string, CatalogObject> objects_;  // lower-case name -> object
  BoundedSourceReader bounded_reader_;
};

}  // namespace weir::api
