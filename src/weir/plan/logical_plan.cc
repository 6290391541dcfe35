#include "weir/plan/logical_plan.h"

#include "weir/common/check.h"

namespace weir::plan {

namespace {

std::string Join(const std::vector<std::string>& parts, std::string_view sep = ", ") {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string ExprList(const std::vector<ExprPtr>& exprs) {
  std::vector<std::string> parts;
  parts.reserve(exprs.size());
  for (const ExprPtr& e : exprs) parts.push_back(e->ToString());
  return "[" + Join(parts) + "]";
}

// "expr AS name" unless the expression already prints as its name.
std::string Aliased(const std::string& expr, const std::string& name) {
  return expr == name ? expr : expr + " AS " + name;
}

std::vector<Field> FieldsOf(const std::vector<ExprPtr>& exprs,
                            const std::vector<std::string>& names) {
  WEIR_CHECK_EQ(exprs.size(), names.size());
  std::vector<Field> fields;
  fields.reserve(exprs.size());
  for (size_t i = 0; i < exprs.size(); ++i) {
    fields.push_back(Field{names[i], exprs[i]->type(), exprs[i]->nullable()});
  }
  return fields;
}

SchemaPtr ProjectSchema(const Schema& input, const std::vector<int>& columns) {
  std::vector<Field> fields;
  fields.reserve(columns.size());
  for (int c : columns) fields.push_back(input.field(c));
  return MakeSchema(std::move(fields));
}

SchemaPtr AggregateSchema(const std::vector<ExprPtr>& groups,
                          const std::vector<AggregateCall>& aggregates,
                          const std::vector<std::string>& names) {
  WEIR_CHECK_EQ(groups.size() + aggregates.size(), names.size());
  std::vector<Field> fields =
      FieldsOf(groups, {names.begin(), names.begin() + static_cast<ptrdiff_t>(groups.size())});
  for (size_t i = 0; i < aggregates.size(); ++i) {
    // Spark: count is never NULL; every other aggregate may be (empty input).
    const AggregateFunction& f = *aggregates[i].function;
    const bool nullable = !(f.name() == "count" || f.name() == "count_if");
    fields.push_back(Field{names[groups.size() + i], f.result_type(), nullable});
  }
  return MakeSchema(std::move(fields));
}

SchemaPtr JoinSchema(const Schema& left, const Schema& right, JoinType type, bool mark) {
  std::vector<Field> fields;
  const bool left_nullable = type == JoinType::kRightOuter || type == JoinType::kFullOuter;
  const bool right_nullable = type == JoinType::kLeftOuter || type == JoinType::kFullOuter;
  for (Field f : left.fields()) {
    f.nullable = f.nullable || left_nullable;
    fields.push_back(std::move(f));
  }
  if (type == JoinType::kExistence) {
    // Spark names the attribute `exists`; only IN's three-valued result is nullable.
    fields.push_back(Field{"exists", DataType::Boolean(), mark});
  } else if (type != JoinType::kLeftSemi && type != JoinType::kLeftAnti) {
    for (Field f : right.fields()) {
      f.nullable = f.nullable || right_nullable;
      fields.push_back(std::move(f));
    }
  }
  return MakeSchema(std::move(fields));
}

SchemaPtr AppendFields(const Schema& input, std::vector<Field> extra) {
  std::vector<Field> fields = input.fields();
  for (Field& f : extra) fields.push_back(std::move(f));
  return MakeSchema(std::move(fields));
}

SchemaPtr WindowSchema(const Schema& input, const std::vector<WindowFunctionCall>& functions,
                       const std::vector<std::string>& names) {
  WEIR_CHECK_EQ(functions.size(), names.size());
  std::vector<Field> extra;
  for (size_t i = 0; i < functions.size(); ++i) {
    extra.push_back(Field{names[i], functions[i].result_type, functions[i].nullable});
  }
  return AppendFields(input, std::move(extra));
}

SchemaPtr GenerateSchema(const Schema& input, const Generator& generator, bool outer,
                         const std::vector<std::string>& names, const std::vector<int>& forwarded) {
  WEIR_CHECK_EQ(generator.output_fields().size(), names.size());
  std::vector<Field> fields;
  for (int c : forwarded) {
    WEIR_CHECK(c >= 0 && c < input.num_fields());
    fields.push_back(input.field(c));
  }
  std::vector<Field> extra = generator.output_fields();
  for (size_t i = 0; i < extra.size(); ++i) {
    extra[i].name = names[i];
    if (outer) extra[i].nullable = true;
    fields.push_back(std::move(extra[i]));
  }
  return MakeSchema(std::move(fields));
}

std::vector<int> AllColumns(const LogicalPlan& plan) {
  std::vector<int> out(static_cast<size_t>(plan.schema()->num_fields()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int>(i);
  return out;
}

void ExplainInto(const LogicalPlan& plan, const std::string& prefix, bool last, bool root,
                 std::string* out) {
  if (root) {
    *out += plan.Describe();
  } else {
    *out += prefix + (last ? "+- " : ":- ") + plan.Describe();
  }
  *out += "\n";
  const std::string child_prefix = root ? "" : prefix + (last ? "   " : ":  ");
  const auto& children = plan.children();
  for (size_t i = 0; i < children.size(); ++i) {
    ExplainInto(*children[i], child_prefix, i + 1 == children.size(), false, out);
  }
}

std::string FrameBoundString(const FrameBoundSpec& b) {
  switch (b.kind) {
    case sql::FrameBoundKind::kUnboundedPreceding:
      return "UNBOUNDED PRECEDING";
    case sql::FrameBoundKind::kPreceding:
      return b.offset.ToString() + " PRECEDING";
    case sql::FrameBoundKind::kCurrentRow:
      return "CURRENT ROW";
    case sql::FrameBoundKind::kFollowing:
      return b.offset.ToString() + " FOLLOWING";
    case sql::FrameBoundKind::kUnboundedFollowing:
      return "UNBOUNDED FOLLOWING";
  }
  return "?";
}

std::string_view WindowFunctionName(WindowFunctionKind kind) {
  switch (kind) {
    case WindowFunctionKind::kRowNumber:
      return "row_number";
    case WindowFunctionKind::kRank:
      return "rank";
    case WindowFunctionKind::kDenseRank:
      return "dense_rank";
    case WindowFunctionKind::kPercentRank:
      return "percent_rank";
    case WindowFunctionKind::kCumeDist:
      return "cume_dist";
    case WindowFunctionKind::kNtile:
      return "ntile";
    case WindowFunctionKind::kLag:
      return "lag";
    case WindowFunctionKind::kLead:
      return "lead";
    case WindowFunctionKind::kFirstValue:
      return "first_value";
    case WindowFunctionKind::kLastValue:
      return "last_value";
    case WindowFunctionKind::kNthValue:
      return "nth_value";
    case WindowFunctionKind::kAggregate:
      return "aggregate";
  }
  return "?";
}

}  // namespace

std::string ExplainString(const LogicalPlan& plan) {
  std::string out;
  ExplainInto(plan, "", true, true, &out);
  return out;
}

// ScanNode -----------------------------------------------------------------------

ScanNode::ScanNode(TableProviderPtr table, std::vector<int> columns, std::vector<ExprPtr> filters)
    : LogicalPlan(LogicalKind::kScan, ProjectSchema(*table->schema(), columns), {}),
      table_(std::move(table)),
      columns_(std::move(columns)),
      filters_(std::move(filters)) {}

std::shared_ptr<const ScanNode> ScanNode::All(TableProviderPtr table) {
  std::vector<int> columns = AllFieldIndices(*table->schema());
  return std::make_shared<ScanNode>(std::move(table), std::move(columns));
}

std::string ScanNode::Describe() const {
  std::vector<std::string> names;
  for (const Field& f : schema()->fields()) names.push_back(f.name);
  std::string out = "Scan " + table_->Describe() + " [" + Join(names) + "]";
  if (!filters_.empty()) out += ", PushedFilters: " + ExprList(filters_);
  return out;
}

LogicalPlanPtr ScanNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK(children.empty());
  return std::make_shared<ScanNode>(table_, columns_, filters_);
}

// ValuesNode ---------------------------------------------------------------------

ValuesNode::ValuesNode(SchemaPtr schema, std::vector<std::vector<Value>> rows)
    : LogicalPlan(LogicalKind::kValues, std::move(schema), {}), rows_(std::move(rows)) {
  for (const auto& row : rows_)
    WEIR_CHECK_EQ(row.size(), static_cast<size_t>(this->schema()->num_fields()));
}

std::string ValuesNode::Describe() const {
  std::vector<std::string> names;
  for (const Field& f : schema()->fields()) names.push_back(f.name);
  return "LocalRelation [" + Join(names) + "], " + std::to_string(rows_.size()) + " rows";
}

LogicalPlanPtr ValuesNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK(children.empty());
  return std::make_shared<ValuesNode>(schema(), rows_);
}

// ProjectNode --------------------------------------------------------------------

ProjectNode::ProjectNode(LogicalPlanPtr child, std::vector<ExprPtr> exprs,
                         std::vector<std::string> names)
    : LogicalPlan(LogicalKind::kProject, MakeSchema(FieldsOf(exprs, names)), {std::move(child)}),
      exprs_(std::move(exprs)) {}

std::string ProjectNode::Describe() const {
  std::vector<std::string> parts;
  for (size_t i = 0; i < exprs_.size(); ++i) {
    parts.push_back(Aliased(exprs_[i]->ToString(), schema()->field(static_cast<int>(i)).name));
  }
  return "Project [" + Join(parts) + "]";
}

LogicalPlanPtr ProjectNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  std::vector<std::string> names;
  for (const Field& f : schema()->fields()) names.push_back(f.name);
  return std::make_shared<ProjectNode>(std::move(children[0]), exprs_, std::move(names));
}

// FilterNode ---------------------------------------------------------------------

FilterNode::FilterNode(LogicalPlanPtr child, ExprPtr predicate)
    : LogicalPlan(LogicalKind::kFilter, child->schema(), {child}),
      predicate_(std::move(predicate)) {
  WEIR_CHECK(predicate_->type().id() == TypeId::kBoolean ||
             predicate_->type().id() == TypeId::kNull);
}

std::string FilterNode::Describe() const { return "Filter " + predicate_->ToString(); }

LogicalPlanPtr FilterNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<FilterNode>(std::move(children[0]), predicate_);
}

// AggregateNode ------------------------------------------------------------------

AggregateNode::AggregateNode(LogicalPlanPtr child, std::vector<ExprPtr> groups,
                             std::vector<AggregateCall> aggregates, std::vector<std::string> names,
                             int session_window_group)
    : LogicalPlan(LogicalKind::kAggregate, AggregateSchema(groups, aggregates, names),
                  {std::move(child)}),
      groups_(std::move(groups)),
      aggregates_(std::move(aggregates)),
      session_window_group_(session_window_group) {
  WEIR_CHECK(session_window_group_ >= -1 &&
             session_window_group_ < static_cast<int>(groups_.size()));
}

std::string AggregateNode::Describe() const {
  std::vector<std::string> outputs;
  for (size_t i = 0; i < groups_.size(); ++i) {
    outputs.push_back(Aliased(groups_[i]->ToString(), schema()->field(static_cast<int>(i)).name));
  }
  for (size_t i = 0; i < aggregates_.size(); ++i) {
    outputs.push_back(Aliased(aggregates_[i].ToString(),
                              schema()->field(static_cast<int>(groups_.size() + i)).name));
  }
  std::string out = "Aggregate " + ExprList(groups_) + ", [" + Join(outputs) + "]";
  if (session_window_group_ >= 0) {
    out += ", session " + groups_[static_cast<size_t>(session_window_group_)]->ToString();
  }
  return out;
}

LogicalPlanPtr AggregateNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  std::vector<std::string> names;
  for (const Field& f : schema()->fields()) names.push_back(f.name);
  return std::make_shared<AggregateNode>(std::move(children[0]), groups_, aggregates_,
                                         std::move(names), session_window_group_);
}

// JoinNode -----------------------------------------------------------------------

JoinNode::JoinNode(LogicalPlanPtr left, LogicalPlanPtr right, JoinType type, ExprPtr condition,
                   bool null_aware, ExprPtr mark)
    : LogicalPlan(LogicalKind::kJoin,
                  JoinSchema(*left->schema(), *right->schema(), type, mark != nullptr),
                  {left, right}),
      type_(type),
      condition_(std::move(condition)),
      null_aware_(null_aware),
      mark_(std::move(mark)) {
  WEIR_CHECK(mark_ == nullptr || type_ == JoinType::kExistence);
}

std::string JoinNode::Describe() const {
  std::string out = "Join " + std::string(sql::JoinTypeName(type_));
  if (null_aware_) out += " (null-aware)";
  if (mark_) out += " IN " + mark_->ToString();
  if (condition_) out += ", " + condition_->ToString();
  return out;
}

LogicalPlanPtr JoinNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 2u);
  return std::make_shared<JoinNode>(std::move(children[0]), std::move(children[1]), type_,
                                    condition_, null_aware_, mark_);
}

// SortNode -----------------------------------------------------------------------

std::string SortKey::ToString() const {
  return expr->ToString() + (ascending ? " ASC" : " DESC") +
         (nulls_first ? " NULLS FIRST" : " NULLS LAST");
}

SortNode::SortNode(LogicalPlanPtr child, std::vector<SortKey> keys)
    : LogicalPlan(LogicalKind::kSort, child->schema(), {child}), keys_(std::move(keys)) {}

std::string SortNode::Describe() const {
  std::vector<std::string> parts;
  for (const SortKey& k : keys_) parts.push_back(k.ToString());
  return "Sort [" + Join(parts) + "]";
}

LogicalPlanPtr SortNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<SortNode>(std::move(children[0]), keys_);
}

// LimitNode ----------------------------------------------------------------------

LimitNode::LimitNode(LogicalPlanPtr child, int64_t limit, int64_t offset)
    : LogicalPlan(LogicalKind::kLimit, child->schema(), {child}), limit_(limit), offset_(offset) {}

std::string LimitNode::Describe() const {
  std::string out = limit_ >= 0 ? "Limit " + std::to_string(limit_) : "Limit ALL";
  if (offset_ > 0) out += ", Offset " + std::to_string(offset_);
  return out;
}

LogicalPlanPtr LimitNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<LimitNode>(std::move(children[0]), limit_, offset_);
}

// SetOpNode ----------------------------------------------------------------------

namespace {

// The first child's schema, with a column nullable when it is in any child.
SchemaPtr SetOpSchema(const std::vector<LogicalPlanPtr>& children) {
  WEIR_CHECK(!children.empty());
  std::vector<Field> fields = children[0]->schema()->fields();
  for (const LogicalPlanPtr& c : children) {
    WEIR_CHECK_EQ(c->schema()->num_fields(), static_cast<int>(fields.size()));
    for (size_t i = 0; i < fields.size(); ++i) {
      fields[i].nullable = fields[i].nullable || c->schema()->field(static_cast<int>(i)).nullable;
    }
  }
  return MakeSchema(std::move(fields));
}

}  // namespace

SetOpNode::SetOpNode(SetOpKind op, bool all, std::vector<LogicalPlanPtr> children)
    : LogicalPlan(LogicalKind::kSetOp, SetOpSchema(children), children), op_(op), all_(all) {
  if (op_ != SetOpKind::kUnion) WEIR_CHECK_EQ(this->children().size(), 2u);
}

std::string SetOpNode::Describe() const {
  switch (op_) {
    case SetOpKind::kUnion:
      return "Union";
    case SetOpKind::kIntersect:
      return all_ ? "Intersect All" : "Intersect";
    case SetOpKind::kExcept:
      return all_ ? "Except All" : "Except";
  }
  return "?";
}

LogicalPlanPtr SetOpNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  return std::make_shared<SetOpNode>(op_, all_, std::move(children));
}

// WindowNode ---------------------------------------------------------------------

std::string WindowFrameSpec::ToString() const {
  return std::string(unit == sql::FrameUnit::kRows ? "ROWS" : "RANGE") + " BETWEEN " +
         FrameBoundString(start) + " AND " + FrameBoundString(end);
}

std::string WindowFunctionCall::ToString() const {
  if (kind == WindowFunctionKind::kAggregate) return aggregate.ToString() + " " + frame.ToString();
  std::vector<std::string> parts;
  for (const ExprPtr& a : args) parts.push_back(a->ToString());
  std::string out = std::string(WindowFunctionName(kind)) + "(" + Join(parts) + ")";
  if (ignore_nulls) out += " IGNORE NULLS";
  return out;
}

WindowNode::WindowNode(LogicalPlanPtr child, std::vector<ExprPtr> partition_by,
                       std::vector<SortKey> order_by, std::vector<WindowFunctionCall> functions,
                       std::vector<std::string> names)
    : LogicalPlan(LogicalKind::kWindow, WindowSchema(*child->schema(), functions, names), {child}),
      partition_by_(std::move(partition_by)),
      order_by_(std::move(order_by)),
      functions_(std::move(functions)) {}

std::string WindowNode::Describe() const {
  std::vector<std::string> fns;
  const int base = children()[0]->schema()->num_fields();
  for (size_t i = 0; i < functions_.size(); ++i) {
    fns.push_back(functions_[i].ToString() + " AS " +
                  schema()->field(base + static_cast<int>(i)).name);
  }
  std::vector<std::string> keys;
  for (const SortKey& k : order_by_) keys.push_back(k.ToString());
  return "Window [" + Join(fns) + "], " + ExprList(partition_by_) + ", [" + Join(keys) + "]";
}

LogicalPlanPtr WindowNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  std::vector<std::string> names;
  const int base = this->children()[0]->schema()->num_fields();
  for (int i = base; i < schema()->num_fields(); ++i) names.push_back(schema()->field(i).name);
  return std::make_shared<WindowNode>(std::move(children[0]), partition_by_, order_by_, functions_,
                                      std::move(names));
}

// GenerateNode -------------------------------------------------------------------

GenerateNode::GenerateNode(LogicalPlanPtr child, GeneratorPtr generator, std::vector<ExprPtr> args,
                           bool outer, std::vector<std::string> names)
    : GenerateNode(child, std::move(generator), std::move(args), outer, std::move(names),
                   AllColumns(*child)) {}

GenerateNode::GenerateNode(LogicalPlanPtr child, GeneratorPtr generator, std::vector<ExprPtr> args,
                           bool outer, std::vector<std::string> names, std::vector<int> forwarded)
    : LogicalPlan(LogicalKind::kGenerate,
                  GenerateSchema(*child->schema(), *generator, outer, names, forwarded), {child}),
      generator_(std::move(generator)),
      args_(std::move(args)),
      outer_(outer),
      forwarded_(std::move(forwarded)) {}

std::vector<std::string> GenerateNode::generated_names() const {
  std::vector<std::string> names;
  for (int i = num_forwarded(); i < schema()->num_fields(); ++i) {
    names.push_back(schema()->field(i).name);
  }
  return names;
}

std::string GenerateNode::Describe() const {
  std::vector<std::string> parts;
  for (const ExprPtr& a : args_) parts.push_back(a->ToString());
  std::string out =
      "Generate " + generator_->name() + "(" + Join(parts) + ")" + (outer_ ? ", outer" : "");
  // Only a pruned node says which child columns it forwards: the binder's forward all.
  if (forwarded_ != AllColumns(*child())) {
    std::vector<std::string> names;
    for (int c : forwarded_) names.push_back(child()->schema()->field(c).name);
    out += ", forwards [" + Join(names) + "]";
  }
  return out;
}

LogicalPlanPtr GenerateNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<GenerateNode>(std::move(children[0]), generator_, args_, outer_,
                                        generated_names(), forwarded_);
}

// ExpandNode ---------------------------------------------------------------------

ExpandNode::ExpandNode(LogicalPlanPtr child, std::vector<std::vector<ExprPtr>> projections,
                       SchemaPtr schema)
    : LogicalPlan(LogicalKind::kExpand, std::move(schema), {std::move(child)}),
      projections_(std::move(projections)) {
  for (const auto& p : projections_)
    WEIR_CHECK_EQ(p.size(), static_cast<size_t>(this->schema()->num_fields()));
}

std::string ExpandNode::Describe() const {
  std::vector<std::string> parts;
  for (const auto& p : projections_) parts.push_back(ExprList(p));
  return "Expand [" + Join(parts) + "]";
}

LogicalPlanPtr ExpandNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<ExpandNode>(std::move(children[0]), projections_, schema());
}

// WatermarkNode -------------------------------------------------------------------

WatermarkNode::WatermarkNode(LogicalPlanPtr child, int column, int64_t delay_micros)
    : LogicalPlan(LogicalKind::kWatermark, child->schema(), {child}),
      column_(column),
      delay_micros_(delay_micros) {
  WEIR_CHECK(column >= 0 && column < child->schema()->num_fields());
  WEIR_CHECK_GE(delay_micros, 0);
}

std::string WatermarkNode::Describe() const {
  return "EventTimeWatermark " + schema()->field(column_).name + ", " +
         std::to_string(delay_micros_ / 1000) + " ms";
}

LogicalPlanPtr WatermarkNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<WatermarkNode>(std::move(children[0]), column_, delay_micros_);
}

// DeduplicateNode -----------------------------------------------------------------

DeduplicateNode::DeduplicateNode(LogicalPlanPtr child, std::vector<int> keys, bool within_watermark)
    : LogicalPlan(LogicalKind::kDeduplicate, child->schema(), {child}),
      keys_(std::move(keys)),
      within_watermark_(within_watermark) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    WEIR_CHECK(keys_[i] >= 0 && keys_[i] < schema()->num_fields());
    for (size_t j = 0; j < i; ++j) WEIR_CHECK_NE(keys_[i], keys_[j]);
  }
}

std::string DeduplicateNode::Describe() const {
  std::vector<std::string> names;
  for (int k : keys_) names.push_back(schema()->field(k).name);
  return std::string(within_watermark_ ? "DeduplicateWithinWatermark" : "Deduplicate") + " [" +
         Join(names) + "]";
}

LogicalPlanPtr DeduplicateNode::WithChildren(std::vector<LogicalPlanPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<DeduplicateNode>(std::move(children[0]), keys_, within_watermark_);
}

// ScalarSubqueryExpr -------------------------------------------------------------

ScalarSubqueryExpr::ScalarSubqueryExpr(LogicalPlanPtr plan)
    : Expr(ExprKind::kPlaceholder, plan->schema()->field(0).type, true, {}),
      plan_(std::move(plan)) {
  WEIR_CHECK_EQ(plan_->schema()->num_fields(), 1);
}

std::string ScalarSubqueryExpr::ToString() const { return "scalar-subquery"; }

Result<Datum> ScalarSubqueryExpr::Eval(EvalContext&, const Batch&, const RowSet&) const {
  return Status::Internal("a scalar subquery was evaluated before the planner ran it");
}

ExprPtr ScalarSubqueryExpr::WithChildren(std::vector<ExprPtr> children) const {
  WEIR_CHECK(children.empty());
  return std::make_shared<ScalarSubqueryExpr>(plan_);
}

}  // namespace weir::plan
