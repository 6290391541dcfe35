// DataFrame::GroupByKey and KeyValueGroupedDataFrame (include/weir/group_state.h):
// the key expressions are bound over the DataFrame's columns, and
// [Flat]MapGroupsWithState puts an exec::GroupsWithStateNode holding the user's
// function over the DataFrame's plan. A batch query plans the node directly; a
// streaming query turns it into its stateful operator
// (src/weir/stream/groups_with_state_node.cc).

#include "weir/group_state.h"

#include "weir/api/dataframe_internal.h"
#include "weir/plan/binder.h"
#include "weir/sql/parser.h"

namespace weir {

Result<KeyValueGroupedDataFrame> DataFrame::GroupByKey(const std::vector<std::string>& keys) const {
  const api::DataFrameState& s = *state_;
  if (keys.empty()) return Status::InvalidArgument("GroupByKey needs at least one key.");
  sql::ParseOptions parse;
  parse.time_zone = s.session->eval_options().time_zone;
  plan::BindOptions bind;
  bind.resolve.ansi = s.session->eval_options().ansi;
  std::vector<ExprPtr> bound;
  std::vector<std::string> names;
  std::vector<Field> fields;
  for (const std::string& key : keys) {
    ASSIGN_OR_RAISE(sql::SqlExprPtr parsed, sql::ParseExpression(key, parse));
    Result<ExprPtr> expr = plan::BindExpression(*parsed, *s.plan->schema(), bind);
    if (!expr.ok()) return expr.status().WithContext("GroupByKey key `" + key + "`");
    const ExprPtr& e = *expr;
    std::string name = key;
    if (e->kind() == ExprKind::kColumnRef) {
      name = s.plan->schema()->field(static_cast<const ColumnRefExpr&>(*e).index()).name;
    }
    fields.push_back(Field{name, e->type(), true});
    names.push_back(std::move(name));
    bound.push_back(e);
  }
  return KeyValueGroupedDataFrame(*this, std::move(bound), std::move(names),
                                  MakeSchema(std::move(fields)));
}

Result<SchemaPtr> KeyValueGroupedDataFrame::ParseOutput(std::string_view ddl) {
  return api::SchemaFromDdl(ddl);
}

Result<DataFrame> KeyValueGroupedDataFrame::Make(
    bool is_map, OutputMode mode, GroupStateTimeout timeout, SchemaPtr output,
    std::shared_ptr<const exec::GroupsFunction> fn) const {
  const char* what = is_map ? "MapGroupsWithState" : "FlatMapGroupsWithState";
  if (output == nullptr || output->num_fields() == 0) {
    return Status::InvalidArgument(std::string(what) + " needs at least one output column.");
  }
  if (mode != OutputMode::kAppend && mode != OutputMode::kUpdate) {
    return Status::InvalidArgument("The output mode of function should be append or update");
  }
  auto spec = std::make_shared<exec::GroupsWithStateSpec>();
  spec->keys = keys_;
  spec->key_names = key_names_;
  spec->function = std::move(fn);
  spec->is_map = is_map;
  spec->output_mode = mode == OutputMode::kAppend ? exec::StatefulOutputMode::kAppend
                                                  : exec::StatefulOutputMode::kUpdate;
  spec->timeout = timeout;
  const api::DataFrameState& s = *frame_.state_;
  auto node =
      std::make_shared<exec::GroupsWithStateNode>(s.plan, std::move(spec), std::move(output));
  return api::MakeDataFrame(s.session, std::move(node), s.inputs);
}

}  // namespace weir
