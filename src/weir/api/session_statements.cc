// The statements of a Session other than queries and SET: SHOW, DESCRIBE, EXPLAIN,
// CREATE VIEW / SOURCE / SINK, INSERT INTO and DROP.

#include <algorithm>

#include "weir/api/session.h"
#include "weir/api/session_internal.h"
#include "weir/exec/planner.h"
#include "weir/formats/file_table.h"
#include "weir/functions/aggregate.h"
#include "weir/plan/binder.h"
#include "weir/plan/optimizer.h"
#include "weir/types/builder.h"

namespace weir::api {

namespace {

// Spark's LIKE patterns of SHOW ... LIKE: '*' matches any characters, '|' separates
// alternatives; matching ignores case.
bool ShowPatternMatches(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return true;
  size_t start = 0;
  while (start <= pattern.size()) {
    size_t bar = pattern.find('|', start);
    if (bar == std::string_view::npos) bar = pattern.size();
    const std::string alt = AsciiLower(pattern.substr(start, bar - start));
    const std::string n = AsciiLower(name);
    // Glob match of `alt` (only '*') against `n`.
    size_t p = 0, s = 0, star = std::string::npos, mark = 0;
    while (s < n.size()) {
      if (p < alt.size() && alt[p] == '*') {
        star = p++;
        mark = s;
      } else if (p < alt.size() && alt[p] == n[s]) {
        ++p;
        ++s;
      } else if (star != std::string::npos) {
        p = star + 1;
        s = ++mark;
      } else {
        break;
      }
    }
    while (p < alt.size() && alt[p] == '*') ++p;
    if (s == n.size() && p == alt.size()) return true;
    start = bar + 1;
  }
  return false;
}

std::string OptionsText(const std::vector<std::pair<std::string, std::string>>& options) {
  std::string out;
  for (const auto& [k, v] : options) {
    if (!out.empty()) out += ", ";
    out += k + "=" + v;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> CheckOptions(const sql::Statement& stmt) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const sql::OptionDef& o : stmt.options) {
    if (FindOptionValue(out, o.key) != nullptr) {
      return Status::InvalidSql("[DUPLICATE_KEY] Found duplicate keys `" + o.key + "`.")
          .WithPosition(o.position);
    }
    out.emplace_back(o.key, o.value);
  }
  return out;
}

Result<SchemaPtr> DeclaredSchema(const sql::Statement& stmt) {
  std::vector<Field> fields;
  for (const sql::ColumnDef& c : stmt.columns) {
    for (const Field& f : fields) {
      if (EqualsIgnoreCase(f.name, c.name)) {
        return Status::InvalidSql("[COLUMN_ALREADY_EXISTS] The column `" + c.name +
                                  "` already exists.")
            .WithPosition(c.position)
            .WithHint("rename one of the columns");
      }
    }
    fields.push_back(Field{c.name, c.type, !c.not_null});
  }
  return MakeSchema(std::move(fields));
}

// A user error when `connector` is not among `known`.
Status CheckConnector(std::string_view what, const std::string& connector,
                      const std::vector<std::string>& known) {
  for (const std::string& k : known) {
    if (EqualsIgnoreCase(k, connector)) return Status::OK();
  }
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  Status st = Status::InvalidOption("[UNKNOWN_CONNECTOR] There is no " + std::string(what) +
                                    " connector named '" + connector + "'.");
  if (std::optional<std::string> close = ClosestName(connector, known)) {
    return st.WithHint("did you mean '" + *close + "'? The " + std::string(what) +
                       " connectors are: " + list);
  }
  return st.WithHint("the " + std::string(what) + " connectors are: " + list);
}

std::string LastName(const std::vector<std::string>& name) {
  return name.empty() ? std::string() : name.back();
}

StatementResult DescribeSchema(const Schema& schema) {
  std::vector<std::vector<std::string>> rows;
  for (const Field& f : schema.fields()) rows.push_back({f.name, f.type.ToString(), "NULL"});
  return StringRows({"col_name", "data_type", "comment"}, rows);
}

}  // namespace

Result<StatementResult> Session::RunShow(const sql::Statement& stmt) {
  std::vector<std::vector<std::string>> rows;
  switch (stmt.show) {
    case sql::ShowWhat::kFunctions: {
      for (const std::string& name : FunctionRegistry::Builtins().Names()) {
        if (name.starts_with("__")) continue;  // internal (the binder's rewrites)
        if (ShowPatternMatches(stmt.like_pattern, name)) rows.push_back({name});
      }
      std::sort(rows.begin(), rows.end());
      return StringRows({"function"}, rows);
    }
    case sql::ShowWhat::kQueries: {
      // The active streaming queries, by name (Spark's spark.streams.active).
      for (const stream::StreamingQueryPtr& q : queries_->active()) {
        if (!ShowPatternMatches(stmt.like_pattern, q->name())) continue;
        rows.push_back({q->name(), q->id(), q->status().message});
      }
      std::sort(rows.begin(), rows.end());
      return StringRows({"name", "id", "status"}, rows);
    }
    case sql::ShowWhat::kTables:
    case sql::ShowWhat::kViews: {
      for (const CatalogObject* o : catalog_.List()) {
        if (o->kind != ObjectKind::kView || !ShowPatternMatches(stmt.like_pattern, o->name))
          continue;
        rows.push_back({"", o->name, o->temporary ? "true" : "false"});
      }
      return StringRows(
          {"namespace", stmt.show == sql::ShowWhat::kTables ? "tableName" : "viewName",
           "isTemporary"},
          rows);
    }
    case sql::ShowWhat::kSources:
    case sql::ShowWhat::kSinks: {
      const ObjectKind kind =
          stmt.show == sql::ShowWhat::kSources ? ObjectKind::kSource : ObjectKind::kSink;
      for (const CatalogObject* o : catalog_.List()) {
        if (o->kind != kind || !ShowPatternMatches(stmt.like_pattern, o->name)) continue;
        const std::string* connector = FindOptionValue(o->options, "connector");
        rows.push_back({o->name, connector ? *connector : "", OptionsText(o->options)});
      }
      return StringRows({"name", "connector", "options"}, rows);
    }
  }
  return Status::Internal("unknown SHOW");
}

Result<StatementResult> Session::RunDescribe(const sql::Statement& stmt) {
  switch (stmt.describe) {
    case sql::DescribeWhat::kQuery: {
      ASSIGN_OR_RAISE(plan::LogicalPlanPtr bound, Bind(*stmt.query));
      return DescribeSchema(*bound->schema());
    }
    case sql::DescribeWhat::kFunction: {
      const std::string name = LastName(stmt.name);
      const FunctionInfo* info = FunctionRegistry::Builtins().Find(name);
      if (info == nullptr && !IsAggregateFunction(name)) {
        return Status::InvalidSql("[UNRESOLVED_ROUTINE] Cannot resolve function `" + name + "`.")
            .WithPosition(stmt.position);
      }
      std::vector<std::vector<std::string>> rows = {{"Function: " + AsciiLower(name)}};
      if (info != nullptr) rows.push_back({"Usage: " + info->usage});
      if (info == nullptr) rows.push_back({"Usage: an aggregate function"});
      return StringRows({"function_desc"}, rows);
    }
    case sql::DescribeWhat::kRelation: {
      const std::string name = LastName(stmt.name);
      const CatalogObject* o = catalog_.Find(name);
      if (o == nullptr) {
        return Status::NotFound("[TABLE_OR_VIEW_NOT_FOUND] The table or view `" + name +
                                "` cannot be found.")
            .WithPosition(stmt.position);
      }
      StatementResult result = DescribeSchema(*o->schema);
      if (stmt.extended || o->kind != ObjectKind::kView) {
        std::vector<std::vector<std::string>> extra = {
            {"", "", ""},
            {"# Detailed Table Information", "", ""},
            {"Name", o->name, ""},
            {"Type", std::string(ObjectKindName(o->kind)), ""}};
        if (!o->options.empty()) extra.push_back({"Options", OptionsText(o->options), ""});
        if (!o->watermark_column.empty()) {
          extra.push_back({"Watermark", o->watermark_column + " AS " + o->watermark_expr, ""});
        }
        StatementResult more = StringRows({"col_name", "data_type", "comment"}, extra);
        for (Batch& b : more.batches) {
          result.batches.push_back(Batch::Make(result.schema, b.columns()).ValueOrDie());
        }
      }
      return result;
    }
  }
  return Status::Internal("unknown DESCRIBE");
}

Result<StatementResult> Session::RunExplain(const sql::Statement& stmt) {
  const sql::Statement& target = *stmt.explained;
  const sql::Query* query = nullptr;
  if (target.kind == sql::StatementKind::kQuery) query = target.query.get();
  if (target.kind == sql::StatementKind::kInsert ||
      target.kind == sql::StatementKind::kCreateView) {
    query = target.query.get();
  }
  if (query == nullptr) {
    return Status::InvalidSql("EXPLAIN needs a query, an INSERT INTO or a CREATE VIEW ... AS")
        .WithPosition(target.position);
  }
  if (target.kind == sql::StatementKind::kInsert) catalog_.BeginStreamingBind();
  Result<plan::LogicalPlanPtr> bound = Bind(*query);
  if (target.kind == sql::StatementKind::kInsert) catalog_.EndStreamingBind();
  RETURN_NOT_OK(bound.status());
  EvalContext eval_ctx(eval_);
  ASSIGN_OR_RAISE(plan::LogicalPlanPtr optimized, plan::Optimize(*bound, eval_ctx));
  std::string text;
  if (stmt.explain_mode == sql::ExplainMode::kExtended ||
      stmt.explain_mode == sql::ExplainMode::kFormatted) {
    text += "== Analyzed Logical Plan ==\n" + plan::ExplainString(**bound) + "\n";
  }
  text += "== Optimized Logical Plan ==\n" + plan::ExplainString(*optimized);
  if (stmt.explain_mode != sql::ExplainMode::kLogical &&
      target.kind != sql::StatementKind::kInsert) {
    ASSIGN_OR_RAISE(exec::PhysicalOperatorPtr physical, PlanPhysical(optimized));
    text += "\n== Physical Plan ==\n" + exec::ExplainString(*physical);
  }
  StatementResult result = StringRows({"plan"}, {{text}});
  result.plain_text = true;
  return result;
}

Result<StatementResult> Session::RunCreateView(const sql::Statement& stmt) {
  CatalogObject object;
  object.kind = ObjectKind::kView;
  object.name = LastName(stmt.name);
  object.temporary = stmt.temporary;
  if (catalog_.Find(object.name) != nullptr && stmt.if_not_exists) return StatementResult{};
  if (!stmt.using_format.empty()) {
    if (!formats::IsFileFormat(stmt.using_format)) {
      return Status::InvalidSql("[DATA_SOURCE_NOT_FOUND] Failed to find the data source: " +
                                stmt.using_format + ".")
          .WithPosition(stmt.position)
          .WithHint("weir reads json, csv and text files");
    }
    ASSIGN_OR_RAISE(object.options, CheckOptions(stmt));
    std::map<std::string, std::string> options;
    std::string path;
    for (const auto& [k, v] : object.options) {
      if (EqualsIgnoreCase(k, "path")) {
        path = v;
      } else {
        options[k] = v;
      }
    }
    if (path.empty()) {
      return Status::InvalidSql("a view USING " + stmt.using_format + " needs OPTIONS (path '...')")
          .WithPosition(stmt.position);
    }
    SchemaPtr user_schema;
    if (!stmt.columns.empty()) {
      ASSIGN_OR_RAISE(user_schema, DeclaredSchema(stmt));
    }
    Result<plan::TableProviderPtr> table =
        formats::OpenFileTable(stmt.using_format, path, options, user_schema, env_);
    if (!table.ok()) return table.status().WithPosition(stmt.position);
    object.plan = plan::ScanNode::All(*table);
  } else {
    ASSIGN_OR_RAISE(plan::LogicalPlanPtr bound, Bind(*stmt.query));
    if (!stmt.column_names.empty()) {
      if (stmt.column_names.size() != static_cast<size_t>(bound->schema()->num_fields())) {
        return Status::InvalidSql(
                   "[CREATE_VIEW_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS] Cannot "
                   "create view `" +
                   object.name + "`, the reason is not enough data columns:\nView columns: " +
                   std::to_string(stmt.column_names.size()) +
                   ".\nData columns: " + std::to_string(bound->schema()->num_fields()) + ".")
            .WithPosition(stmt.position);
      }
      std::vector<ExprPtr> exprs;
      for (int i = 0; i < bound->schema()->num_fields(); ++i) {
        exprs.push_back(ColumnRef(*bound->schema(), i));
      }
      bound = std::make_shared<plan::ProjectNode>(bound, std::move(exprs), stmt.column_names);
    }
    object.plan = std::move(bound);
  }
  object.schema = object.plan->schema();
  RETURN_NOT_OK(catalog_.Add(std::move(object), stmt.or_replace).WithPosition(stmt.position));
  return StatementResult{};
}

Result<StatementResult> Session::RunCreateSource(const sql::Statement& stmt) {
  CatalogObject object;
  object.kind = ObjectKind::kSource;
  object.name = LastName(stmt.name);
  if (catalog_.Find(object.name) != nullptr && stmt.if_not_exists) return StatementResult{};
  ASSIGN_OR_RAISE(object.schema, DeclaredSchema(stmt));
  ASSIGN_OR_RAISE(object.options, CheckOptions(stmt));
  if (FindOptionValue(object.options, "connector") == nullptr) {
    return Status::InvalidSql("CREATE SOURCE `" + object.name + "` needs a connector option")
        .WithPosition(stmt.position)
        .WithHint("add WITH (connector = 'log', topic = '...'), or 'kafka', 'file', 'rate', ...");
  }
  RETURN_NOT_OK(CheckConnector("source", *FindOptionValue(object.options, "connector"),
                               connectors_.SourceNames())
                    .WithPosition(stmt.position));
  if (stmt.columns.empty()) {
    // No declared columns: the connector's own columns (rate: timestamp, value), which
    // a WATERMARK alone in the column list may name.
    stream::ConnectorContext ctx;
    ctx.name = object.name;
    ctx.options = stream::Options(object.options);
    ctx.env = env_;
    ctx.clock = clock_;
    ctx.data_dir = options_.data_dir;
    ctx.local_tables = &local_tables_;
    Result<stream::SourcePtr> probe =
        connectors_.MakeSource(*FindOptionValue(object.options, "connector"), ctx);
    if (!probe.ok()) return probe.status().WithPosition(stmt.position);
    object.schema = (*probe)->schema();
    (*probe)->Stop();
  }
  if (stmt.watermark) {
    const sql::WatermarkDef& w = *stmt.watermark;
    std::optional<int> index = object.schema->FindField(w.column);
    if (!index) {
      return Status::InvalidSql("[UNRESOLVED_COLUMN] The watermark column `" + w.column +
                                "` is not a column of source `" + object.name + "`.")
          .WithPosition(w.position);
    }
    if (object.schema->field(*index).type.id() != TypeId::kTimestamp) {
      return Status::InvalidSql("The watermark column `" + w.column +
                                "` must be a TIMESTAMP, not " +
                                object.schema->field(*index).type.ToDdl() + ".")
          .WithPosition(w.position);
    }
    plan::BindOptions options;
    options.resolve.ansi = eval_.ansi;
    ASSIGN_OR_RAISE(ExprPtr delay, plan::BindExpression(*w.expr, *object.schema, options));
    if (delay->type().id() != TypeId::kTimestamp) {
      return Status::InvalidSql("The watermark expression must be a TIMESTAMP such as `" +
                                w.column + " - INTERVAL 1 MINUTE`, not " + delay->type().ToDdl() +
                                ".")
          .WithPosition(w.expr->position);
    }
    object.watermark_column = object.schema->field(*index).name;
    object.watermark_expr =
        w.expr->end <= current_sql_.size() && w.expr->begin < w.expr->end
            ? std::string(current_sql_.substr(w.expr->begin, w.expr->end - w.expr->begin))
            : delay->ToString();
    Result<stream::WatermarkSpec> checked = WatermarkOf(object, eval_);
    if (!checked.ok()) return checked.status().WithPosition(w.expr->position);
  }
  RETURN_NOT_OK(catalog_.Add(std::move(object), stmt.or_replace).WithPosition(stmt.position));
  return StatementResult{};
}

Result<StatementResult> Session::RunCreateSink(const sql::Statement& stmt) {
  CatalogObject object;
  object.kind = ObjectKind::kSink;
  object.name = LastName(stmt.name);
  if (catalog_.Find(object.name) != nullptr && stmt.if_not_exists) return StatementResult{};
  ASSIGN_OR_RAISE(object.schema, DeclaredSchema(stmt));
  ASSIGN_OR_RAISE(object.options, CheckOptions(stmt));
  if (FindOptionValue(object.options, "connector") == nullptr) {
    return Status::InvalidSql("CREATE SINK `" + object.name + "` needs a connector option")
        .WithPosition(stmt.position)
        .WithHint("add WITH (connector = 'console'), or 'log', 'kafka', 'file', 'memory', ...");
  }
  RETURN_NOT_OK(
      CheckConnector("sink", *FindOptionValue(object.options, "connector"), connectors_.SinkNames())
          .WithPosition(stmt.position));
  if (const std::string* mode = FindOptionValue(object.options, "output_mode")) {
    const std::string m = AsciiLower(*mode);
    if (m != "append" && m != "update" && m != "complete") {
      return Status::InvalidOption("Unknown output mode '" + *mode + "' of sink `" + object.name +
                                   "`.")
          .WithPosition(stmt.position)
          .WithHint("use 'append', 'update' or 'complete'");
    }
  }
  RETURN_NOT_OK(catalog_.Add(std::move(object), stmt.or_replace).WithPosition(stmt.position));
  return StatementResult{};
}

Result<StatementResult> Session::RunInsert(const sql::Statement& stmt) {
  const std::string name = LastName(stmt.name);
  const CatalogObject* target = catalog_.Find(name);
  if (target == nullptr || target->kind != ObjectKind::kSink) {
    return Status::InvalidSql(
               "[TABLE_OR_VIEW_NOT_FOUND] INSERT INTO needs a sink; `" + name + "` " +
               (target == nullptr ? "does not exist"
                                  : "is a " + std::string(ObjectKindName(target->kind))) +
               ".")
        .WithPosition(stmt.position)
        .WithHint("create it with CREATE SINK " + name + " WITH (connector = '...')");
  }
  catalog_.BeginStreamingBind();
  Result<plan::LogicalPlanPtr> bound = Bind(*stmt.query);
  std::vector<const CatalogObject*> inputs = catalog_.EndStreamingBind();
  RETURN_NOT_OK(bound.status());
  if (target->schema->num_fields() > 0 &&
      target->schema->num_fields() != (*bound)->schema()->num_fields()) {
    return Status::InvalidSql("[INSERT_COLUMN_ARITY_MISMATCH] Cannot write to `" + name +
                              "`: the sink has " + std::to_string(target->schema->num_fields()) +
                              " columns but the query produces " +
                              std::to_string((*bound)->schema()->num_fields()) + ".")
        .WithPosition(stmt.position);
  }
  if (inputs.empty()) {
    return Status::InvalidSql("INSERT INTO `" + name + "` needs a query that reads a source.")
        .WithPosition(stmt.position)
        .WithHint(
            "INSERT INTO starts a streaming query; a query over views and VALUES alone "
            "is a batch query, which SELECT runs");
  }
  Result<stream::StreamingQueryPtr> query = StartInsert(*bound, *target, inputs);
  if (!query.ok()) return query.status().WithPosition(stmt.position);
  StatementResult result;
  result.message = "Started streaming query `" + (*query)->name() + "` (id " + (*query)->id() + ")";
  return result;
}

Result<StatementResult> Session::RunDrop(const sql::Statement& stmt) {
  const std::string name = LastName(stmt.name);
  ObjectKind kind = ObjectKind::kView;
  switch (stmt.drop) {
    case sql::DropWhat::kSource:
      kind = ObjectKind::kSource;
      break;
    case sql::DropWhat::kSink:
      kind = ObjectKind::kSink;
      break;
    case sql::DropWhat::kView:
    case sql::DropWhat::kTable:
      kind = ObjectKind::kView;
      break;
  }
  Status st = catalog_.Remove(kind, name);
  if (!st.ok() && !stmt.if_not_exists) return st.WithPosition(stmt.position);
  return StatementResult{};
}

}  // namespace weir::api
