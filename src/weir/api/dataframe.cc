// weir::DataFrame (include/weir/dataframe.h).
//
// Operations are bound by the SQL binder, so a DataFrame builds exactly the plan the
// same SQL would: each operation composes a query AST whose FROM names the input
// DataFrames under reserved relation names (FrameCatalog resolves them to their
// plans, and every other name through the session's catalog), with the user's
// expressions parsed from their own text — so error positions point into that text.

#include <algorithm>

#include "weir/api/dataframe_internal.h"
#include "weir/functions/ddl_schema.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder.h"
#include "weir/sql/parser.h"
#include "weir/streaming.h"
#include "weir/types/render.h"

namespace weir {

namespace api {

DataFrame MakeDataFrame(Session* session, plan::LogicalPlanPtr plan,
                        std::vector<StreamInputDef> inputs) {
  auto state = std::make_shared<DataFrameState>();
  state->session = session;
  state->plan = std::move(plan);
  state->inputs = std::move(inputs);
  return DataFrame(std::move(state));
}

plan::LogicalPlanPtr ScanAll(plan::TableProviderPtr table) {
  return plan::ScanNode::All(std::move(table));
}

Result<SchemaPtr> SchemaFromDdl(std::string_view ddl) {
  ASSIGN_OR_RAISE(DataType type, ParseDdlColumns(ddl));
  return MakeSchema(type.fields());
}

void SetOptionValue(std::vector<std::pair<std::string, std::string>>* options, std::string_view key,
                    std::string value) {
  for (auto& [k, v] : *options) {
    if (EqualsIgnoreCase(k, key)) {
      v = std::move(value);
      return;
    }
  }
  options->emplace_back(std::string(key), std::move(value));
}

}  // namespace api

namespace {

// The session's catalog, plus the input DataFrames of one operation.
class FrameCatalog final : public plan::Catalog {
 public:
  explicit FrameCatalog(const plan::Catalog& base) : base_(base) {}
  void Add(std::string name, plan::LogicalPlanPtr plan) {
    frames_.emplace_back(std::move(name), std::move(plan));
  }

  Result<plan::LogicalPlanPtr> ResolveRelation(
      const std::vector<std::string>& name) const override {
    if (name.size() == 1) {
      for (const auto& [frame, plan] : frames_) {
        if (frame == name[0]) return plan;
      }
    }
    return base_.ResolveRelation(name);
  }
  Result<plan::TableProviderPtr> ResolvePath(std::string_view format,
                                             std::string_view path) const override {
    return base_.ResolvePath(format, path);
  }
  std::vector<std::string> RelationNames() const override { return base_.RelationNames(); }

 private:
  const plan::Catalog& base_;
  std::vector<std::pair<std::string, plan::LogicalPlanPtr>> frames_;
};

sql::ParseOptions ParseOptionsOf(const api::Session& session) {
  sql::ParseOptions options;
  options.time_zone = session.eval_options().time_zone;
  return options;
}

plan::BindOptions BindOptionsOf(const api::Session& session) {
  plan::BindOptions options;
  options.resolve.ansi = session.eval_options().ansi;
  return options;
}

sql::SelectItem StarItem() {
  sql::SelectItem item;
  item.expr = std::make_unique<sql::SqlExpr>(sql::SqlExprKind::kStar);
  return item;
}

// SELECT <items> FROM <from> [WHERE <where>] as a query.
sql::QueryPtr SelectQuery(std::vector<sql::SelectItem> items, sql::TableRefPtr from,
                          sql::SqlExprPtr where = nullptr) {
  auto body = std::make_unique<sql::QueryNode>(sql::QueryNodeKind::kSelect);
  body->select_list = std::move(items);
  body->from.push_back(std::move(from));
  body->where = std::move(where);
  auto query = std::make_unique<sql::Query>();
  query->body = std::move(body);
  return query;
}

// The streams of both inputs, each once.
std::vector<api::StreamInputDef> MergeInputs(const api::DataFrameState& a,
                                             const api::DataFrameState& b) {
  std::vector<api::StreamInputDef> out = a.inputs;
  for (const api::StreamInputDef& def : b.inputs) {
    const bool seen = std::any_of(
        out.begin(), out.end(), [&](const api::StreamInputDef& d) { return d.table == def.table; });
    if (!seen) out.push_back(def);
  }
  return out;
}

// The text "SELECT " that Select's items are parsed after.
constexpr std::string_view kSelectPrefix = "SELECT ";

// Moves an error's position from "SELECT <item>" to <item>'s own text.
Status RelocateItemError(Status st) {
  SourcePosition pos = st.position();
  if (st.ok() || !pos.valid() || pos.line != 1) return st;
  pos.column = std::max(1, pos.column - static_cast<int>(kSelectPrefix.size()));
  return st.WithPosition(pos);
}

// One Select argument's SELECT-list items (usually one; "a, b" gives two).
Result<std::vector<sql::SelectItem>> ParseSelectItems(std::string_view text,
                                                      const sql::ParseOptions& options) {
  const std::string sql = std::string(kSelectPrefix) + std::string(text);
  Result<sql::StatementPtr> parsed = sql::ParseStatement(sql, options);
  if (!parsed.ok()) return RelocateItemError(parsed.status());
  sql::Statement& stmt = **parsed;
  const sql::QueryNode* body =
      stmt.kind == sql::StatementKind::kQuery ? stmt.query->body.get() : nullptr;
  const bool plain = body != nullptr && body->kind == sql::QueryNodeKind::kSelect &&
                     stmt.query->ctes.empty() && stmt.query->order_by.empty() &&
                     stmt.query->limit == nullptr && stmt.query->offset == nullptr &&
                     !body->distinct && body->from.empty() && body->lateral_views.empty() &&
                     body->where == nullptr && !body->group_by.has_value() &&
                     body->having == nullptr && body->windows.empty() && body->qualify == nullptr;
  if (!plain) {
    return Status::InvalidSql(
               "[PARSE_SYNTAX_ERROR] Select takes SELECT-list items (an expression "
               "with an optional alias), not `" +
               std::string(text) + "`.")
        .WithPosition(SourcePosition{1, 1})
        .WithHint("filter with Filter(), join with Join(); Sql() runs whole queries");
  }
  return std::move(stmt.query->body->select_list);
}

Result<sql::JoinType> ParseJoinType(std::string_view how) {
  std::string h = AsciiLower(how);
  h.erase(std::remove(h.begin(), h.end(), '_'), h.end());
  if (h == "inner") return sql::JoinType::kInner;
  if (h == "cross") return sql::JoinType::kCross;
  if (h == "outer" || h == "full" || h == "fullouter") return sql::JoinType::kFullOuter;
  if (h == "left" || h == "leftouter") return sql::JoinType::kLeftOuter;
  if (h == "right" || h == "rightouter") return sql::JoinType::kRightOuter;
  if (h == "semi" || h == "leftsemi") return sql::JoinType::kLeftSemi;
  if (h == "anti" || h == "leftanti") return sql::JoinType::kLeftAnti;
  return Status::InvalidArgument(
      "Unsupported join type '" + std::string(how) +
      "'. Supported join types include: 'inner', 'outer', 'full', 'fullouter', 'full_outer', "
      "'leftouter', 'left', 'left_outer', 'rightouter', 'right', 'right_outer', 'leftsemi', "
      "'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', 'cross'.");
}

Status CheckSameSession(const api::DataFrameState& a, const api::DataFrameState& b) {
  if (a.session == b.session) return Status::OK();
  return Status::InvalidArgument(
      "The two DataFrames belong to different sessions; combine DataFrames of one session.");
}

// Builds one operation's query over its input DataFrames: FROM items that name them
// by reserved relation names, and the catalog that resolves those names. A user's
// expression could name them too, harmlessly: they resolve to the same inputs.
class Composer {
 public:
  explicit Composer(api::Session* session) : session_(session), catalog_(session->catalog()) {}

  // The FROM item for `frame`: the join itself for an unaliased Join result (so both
  // sides' aliases still qualify), else a name for its plan under its alias.
  Result<sql::TableRefPtr> From(const api::DataFrameState& frame) {
    if (frame.join != nullptr && frame.alias.empty()) {
      const api::JoinRecipe& join = *frame.join;
      auto ref = std::make_unique<sql::TableRef>(sql::TableRefKind::kJoin);
      ref->join_type = join.type;
      ASSIGN_OR_RAISE(ref->left, From(*join.left));
      ASSIGN_OR_RAISE(ref->right, From(*join.right));
      if (!join.condition.empty()) {
        ASSIGN_OR_RAISE(ref->on, sql::ParseExpression(join.condition, ParseOptionsOf(*session_)));
      }
      ref->using_columns = join.using_columns;
      return ref;
    }
    std::string name = "__weir_dataframe_" + std::to_string(next_++);
    catalog_.Add(name, frame.plan);
    auto ref = std::make_unique<sql::TableRef>(sql::TableRefKind::kNamed);
    ref->names = {std::move(name)};
    ref->alias = frame.alias;
    return ref;
  }

  Result<plan::LogicalPlanPtr> Bind(const sql::Query& query) {
    return plan::BindQuery(query, catalog_, BindOptionsOf(*session_));
  }

 private:
  api::Session* session_;
  FrameCatalog catalog_;
  int next_ = 0;
};

// SELECT <items> FROM <frame> [WHERE <where>], bound.
Result<DataFrame> SelectFrom(const api::DataFrameState& frame, std::vector<sql::SelectItem> items,
                             sql::SqlExprPtr where = nullptr) {
  Composer composer(frame.session);
  ASSIGN_OR_RAISE(sql::TableRefPtr from, composer.From(frame));
  ASSIGN_OR_RAISE(plan::LogicalPlanPtr bound,
                  composer.Bind(*SelectQuery(std::move(items), std::move(from), std::move(where))));
  return api::MakeDataFrame(frame.session, std::move(bound), frame.inputs);
}

}  // namespace

Result<DataFrame> DataFrame::SelectExprs(const std::vector<std::string>& exprs) const {
  const api::DataFrameState& s = *state_;
  const sql::ParseOptions options = ParseOptionsOf(*s.session);
  std::vector<sql::SelectItem> items;
  for (const std::string& expr : exprs) {
    ASSIGN_OR_RAISE(std::vector<sql::SelectItem> parsed, ParseSelectItems(expr, options));
    for (sql::SelectItem& item : parsed) items.push_back(std::move(item));
  }
  if (items.empty()) return Status::InvalidArgument("Select needs at least one expression.");
  Result<DataFrame> result = SelectFrom(s, std::move(items));
  if (result.ok()) return result;
  const Status error = RelocateItemError(result.status());
  if (exprs.size() == 1 || !error.position().valid()) return error;
  // Several arguments, each parsed on its own: the position is within one of them.
  // Find which by binding each alone (only on this error path), and name it.
  for (size_t i = 0; i < exprs.size(); ++i) {
    ASSIGN_OR_RAISE(std::vector<sql::SelectItem> alone, ParseSelectItems(exprs[i], options));
    Result<DataFrame> one = SelectFrom(s, std::move(alone));
    if (!one.ok() && RelocateItemError(one.status()).position() == error.position() &&
        one.status().message() == error.message()) {
      return error.WithContext("Select expression " + std::to_string(i + 1) + " `" + exprs[i] +
                               "`");
    }
  }
  return error;
}

Result<DataFrame> DataFrame::GroupBy(const std::vector<std::string>& keys,
                                     const std::vector<std::string>& aggregates) const {
  const api::DataFrameState& s = *state_;
  const sql::ParseOptions options = ParseOptionsOf(*s.session);
  std::vector<sql::SelectItem> items;
  sql::GroupBy group_by;
  for (const std::string& key : keys) {
    ASSIGN_OR_RAISE(std::vector<sql::SelectItem> parsed, ParseSelectItems(key, options));
    for (sql::SelectItem& item : parsed) items.push_back(std::move(item));
    ASSIGN_OR_RAISE(sql::SqlExprPtr expr, sql::ParseExpression(key, options));
    group_by.exprs.push_back(std::move(expr));
  }
  for (const std::string& agg : aggregates) {
    ASSIGN_OR_RAISE(std::vector<sql::SelectItem> parsed, ParseSelectItems(agg, options));
    for (sql::SelectItem& item : parsed) items.push_back(std::move(item));
  }
  if (items.empty()) return Status::InvalidArgument("GroupBy needs keys or aggregates.");
  Composer composer(s.session);
  ASSIGN_OR_RAISE(sql::TableRefPtr from, composer.From(s));
  sql::QueryPtr query = SelectQuery(std::move(items), std::move(from));
  query->body->group_by = std::move(group_by);
  Result<plan::LogicalPlanPtr> bound = composer.Bind(*query);
  if (!bound.ok()) return RelocateItemError(bound.status()).WithContext("GroupBy");
  return api::MakeDataFrame(s.session, std::move(*bound), s.inputs);
}

Result<DataFrame> DataFrame::Filter(std::string_view condition) const {
  const api::DataFrameState& s = *state_;
  ASSIGN_OR_RAISE(sql::SqlExprPtr where,
                  sql::ParseExpression(condition, ParseOptionsOf(*s.session)));
  std::vector<sql::SelectItem> items;
  items.push_back(StarItem());
  return SelectFrom(s, std::move(items), std::move(where));
}

Result<DataFrame> DataFrame::WithColumn(std::string_view name, std::string_view expr) const {
  const api::DataFrameState& s = *state_;
  if (name.empty()) return Status::InvalidArgument("WithColumn needs a column name.");
  ASSIGN_OR_RAISE(sql::SqlExprPtr parsed, sql::ParseExpression(expr, ParseOptionsOf(*s.session)));
  // Bound over the columns by index, so that duplicate names elsewhere (after a join)
  // do not make the kept columns ambiguous.
  const SchemaPtr& input = s.plan->schema();
  ASSIGN_OR_RAISE(ExprPtr bound, plan::BindExpression(*parsed, *input, BindOptionsOf(*s.session)));
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  bool replaced = false;
  for (int i = 0; i < input->num_fields(); ++i) {
    if (EqualsIgnoreCase(input->field(i).name, name)) {
      exprs.push_back(bound);
      names.emplace_back(name);
      replaced = true;
    } else {
      exprs.push_back(ColumnRef(*input, i));
      names.push_back(input->field(i).name);
    }
  }
  if (!replaced) {
    exprs.push_back(bound);
    names.emplace_back(name);
  }
  return api::MakeDataFrame(
      s.session, std::make_shared<plan::ProjectNode>(s.plan, std::move(exprs), std::move(names)),
      s.inputs);
}

Result<DataFrame> DataFrame::Union(const DataFrame& other) const {
  const api::DataFrameState& s = *state_;
  RETURN_NOT_OK(CheckSameSession(s, *other.state_));
  Composer composer(s.session);
  auto body = std::make_unique<sql::QueryNode>(sql::QueryNodeKind::kSetOp);
  body->set_op = sql::SetOpKind::kUnion;
  body->all = true;
  for (const api::DataFrameState* side : {&s, other.state_.get()}) {
    std::vector<sql::SelectItem> items;
    items.push_back(StarItem());
    ASSIGN_OR_RAISE(sql::TableRefPtr from, composer.From(*side));
    (side == &s ? body->left : body->right) =
        std::move(SelectQuery(std::move(items), std::move(from))->body);
  }
  sql::Query query;
  query.body = std::move(body);
  ASSIGN_OR_RAISE(plan::LogicalPlanPtr bound, composer.Bind(query));
  return api::MakeDataFrame(s.session, std::move(bound), MergeInputs(s, *other.state_));
}

namespace {

// A Join: both sides under their aliases, bound now so that a mistake is reported by
// Join itself, positioned in `condition`.
Result<DataFrame> JoinWith(const std::shared_ptr<const api::DataFrameState>& left,
                           const std::shared_ptr<const api::DataFrameState>& right,
                           std::string_view condition, std::vector<std::string> using_columns,
                           std::string_view how) {
  RETURN_NOT_OK(CheckSameSession(*left, *right));
  auto join = std::make_shared<api::JoinRecipe>();
  join->left = left;
  join->right = right;
  ASSIGN_OR_RAISE(join->type, ParseJoinType(how));
  join->condition = std::string(condition);
  join->using_columns = std::move(using_columns);
  auto state = std::make_shared<api::DataFrameState>();
  state->session = left->session;
  state->inputs = MergeInputs(*left, *right);
  state->join = join;
  Composer composer(left->session);
  ASSIGN_OR_RAISE(sql::TableRefPtr from, composer.From(*state));
  std::vector<sql::SelectItem> items;
  items.push_back(StarItem());
  ASSIGN_OR_RAISE(state->plan, composer.Bind(*SelectQuery(std::move(items), std::move(from))));
  return DataFrame(std::move(state));
}

}  // namespace

Result<DataFrame> DataFrame::Join(const DataFrame& right, std::string_view condition,
                                  std::string_view how) const {
  const bool none = condition.find_first_not_of(" \t\r\n") == std::string_view::npos;
  return JoinWith(state_, right.state_, none ? std::string_view() : condition, {}, how);
}

Result<DataFrame> DataFrame::Join(const DataFrame& right, const std::vector<std::string>& columns,
                                  std::string_view how) const {
  if (columns.empty()) return Status::InvalidArgument("Join needs at least one USING column.");
  return JoinWith(state_, right.state_, "", columns, how);
}

DataFrame DataFrame::As(std::string_view alias) const {
  auto state = std::make_shared<api::DataFrameState>(*state_);
  state->alias = std::string(alias);
  state->join = nullptr;  // one qualifier for every column now
  return DataFrame(std::move(state));
}

const SchemaPtr& DataFrame::Schema() const { return state_->plan->schema(); }

bool DataFrame::IsStreaming() const { return !state_->inputs.empty(); }

std::string DataFrame::Explain() const { return plan::ExplainString(*state_->plan); }

Result<std::vector<Batch>> DataFrame::Collect() const {
  if (IsStreaming()) {
    return Status::Unsupported(
               "Queries with streaming sources must be executed with writeStream.start()")
        .WithHint("start it with WriteStream()...start(), e.g. into a memory sink");
  }
  ASSIGN_OR_RAISE(api::StatementResult result, state_->session->RunPlan(state_->plan));
  return std::move(result.batches);
}

Result<std::vector<std::vector<Value>>> DataFrame::CollectRows() const {
  ASSIGN_OR_RAISE(std::vector<Batch> batches, Collect());
  std::vector<std::vector<Value>> rows;
  for (const Batch& b : batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::vector<Value> row;
      row.reserve(static_cast<size_t>(b.num_columns()));
      for (int c = 0; c < b.num_columns(); ++c)
        row.push_back(GetValue(*b.column(c), b.RowIndex(r)));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

Result<std::string> DataFrame::Show(int64_t num_rows, int truncate) const {
  if (num_rows < 0) return Status::InvalidArgument("Show needs a row count of at least 0.");
  // One row more than shown, so that show() can say rows were left out.
  auto limited = std::make_shared<plan::LimitNode>(state_->plan, num_rows + 1);
  DataFrame head(std::make_shared<api::DataFrameState>(
      api::DataFrameState{state_->session, limited, state_->inputs, "", nullptr}));
  ASSIGN_OR_RAISE(std::vector<Batch> batches, head.Collect());
  ShowOptions options;
  options.num_rows = num_rows;
  options.truncate = truncate;
  options.time_zone = &state_->session->eval_options().time_zone;
  if (batches.empty()) batches.push_back(Batch::MakeEmpty(Schema()));
  return ShowString(batches, options);
}

DataStreamWriter DataFrame::WriteStream() const { return DataStreamWriter(*this); }

}  // namespace weir
