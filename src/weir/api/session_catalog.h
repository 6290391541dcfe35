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

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/env.h"
#include "weir/plan/binder.h"
#include "weir/plan/logical_plan.h"
#include "weir/sql/ast.h"

namespace weir::api {

enum class ObjectKind : uint8_t { kView, kSource, kSink };
std::string_view ObjectKindName(ObjectKind kind);  // "view", "source", "sink"

struct CatalogObject {
  ObjectKind kind = ObjectKind::kView;
  std::string name;  // as written when created
  // Views: the bound plan (a file view's plan is a scan of its files). Sources: a
  // scan of the declared columns whose table cannot be read in a batch query.
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
  explicit SessionCatalog(Env* env) : env_(env) {}

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

  // While set, a source resolves to a scan of its declared columns (what INSERT INTO
  // binds against); otherwise naming a source in a batch query is an error, because
  // batch queries cannot read streams yet.
  void set_allow_sources(bool allow) { allow_sources_ = allow; }

 private:
  Env* env_;
  bool allow_sources_ = false;
  std::map<std::string, CatalogObject> objects_;  // lower-case name -> object
};

}  // namespace weir::api
