// DataFrame::WithWatermark, DropDuplicates and DropDuplicatesWithinWatermark
// (include/weir/dataframe.h): the operations Spark's SQL has no syntax for. They
// wrap the plan in a plan::WatermarkNode or plan::DeduplicateNode directly; the
// streaming engine turns those into a watermark and a stateful deduplication
// (stream/dedup_node.cc), the batch planner into nothing and a hash deduplication.

#include <algorithm>
#include <limits>

#include "weir/api/dataframe_internal.h"
#include "weir/expr/cast.h"
#include "weir/plan/binder.h"
#include "weir/sql/parser.h"

namespace weir {

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86'400'000'000};

// Spark's groupColsFromDropDuplicates: every column whose name equals one of `names`
// (case-insensitively, as Spark's resolver), each once, in the order named; every
// column when `names` is empty.
Result<std::vector<int>> KeyColumns(const Schema& schema, const std::vector<std::string>& names) {
  std::vector<int> keys;
  if (names.empty()) {
    for (int i = 0; i < schema.num_fields(); ++i) keys.push_back(i);
    return keys;
  }
  for (const std::string& name : names) {
    bool found = false;
    for (int i = 0; i < schema.num_fields(); ++i) {
      if (!EqualsIgnoreCase(schema.field(i).name, name)) continue;
      found = true;
      if (std::find(keys.begin(), keys.end(), i) == keys.end()) keys.push_back(i);
    }
    if (!found) {
      std::string fields;
      for (int i = 0; i < schema.num_fields(); ++i) {
        fields += (i > 0 ? ", " : "") + schema.field(i).name;
      }
      return Status::InvalidSql("Cannot resolve column name \"" + name + "\" among (" + fields +
                                ").");
    }
  }
  return keys;
}

Result<DataFrame> Deduplicate(const api::DataFrameState& s, const std::vector<std::string>& columns,
                              bool within_watermark) {
  ASSIGN_OR_RAISE(std::vector<int> keys, KeyColumns(*s.plan->schema(), columns));
  return api::MakeDataFrame(
      s.session, std::make_shared<plan::DeduplicateNode>(s.plan, std::move(keys), within_watermark),
      s.inputs);
}

// Spark's EventTimeWatermark.getDelayMs of the interval `text` (a month counts 31
// days), in microseconds (whole milliseconds, as Spark keeps it).
Result<int64_t> DelayMicros(std::string_view text) {
  EvalOptions options;  // not ANSI: a malformed interval casts to NULL
  EvalContext ctx(options);
  ASSIGN_OR_RAISE(Datum cast, CastDatum(ctx, Datum::Constant(Value::String(std::string(text))),
                                        DataType::Interval(), RowSet(1)));
  if (cast.IsNull(0)) {
    return Status::InvalidArgument("Cannot parse the watermark delay '" + std::string(text) +
                                   "' as an interval.")
        .WithHint("an interval such as '10 seconds' or '1 minute 30 seconds'");
  }
  const Interval interval = cast.GetValue(0).interval();
  const __int128 micros = static_cast<__int128>(interval.months) * 31 * kMicrosPerDay +
                          static_cast<__int128>(interval.days) * kMicrosPerDay + interval.micros;
  if (micros < 0) {
    return Status::InvalidArgument("requirement failed: delay threshold (" + std::string(text) +
                                   ") should not be negative.");
  }
  if (micros > std::numeric_limits<int64_t>::max()) {
    return Status::InvalidArgument("The watermark delay '" + std::string(text) + "' is too long.");
  }
  return static_cast<int64_t>(micros) / 1000 * 1000;
}

}  // namespace

Result<DataFrame> DataFrame::WithWatermark(std::string_view column, std::string_view delay) const {
  const api::DataFrameState& s = *state_;
  // The column is bound as an expression over this DataFrame's columns, so a
  // misspelt name gets the binder's error and suggestion.
  sql::ParseOptions parse;
  parse.time_zone = s.session->eval_options().time_zone;
  ASSIGN_OR_RAISE(sql::SqlExprPtr parsed, sql::ParseExpression(column, parse));
  plan::BindOptions bind;
  bind.resolve.ansi = s.session->eval_options().ansi;
  const SchemaPtr& input = s.plan->schema();
  ASSIGN_OR_RAISE(ExprPtr bound, plan::BindExpression(*parsed, *input, bind));
  if (bound->kind() != ExprKind::kColumnRef) {
    return Status::InvalidArgument("WithWatermark needs a column name, not `" +
                                   std::string(column) + "`.");
  }
  const int index = static_cast<const ColumnRefExpr&>(*bound).index();
  const DataType& type = input->field(index).type;
  if (type.id() != TypeId::kTimestamp) {
    return Status::InvalidSql("[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time `" +
                              input->field(index).name + "` has the invalid type \"" +
                              type.ToDdl() + "\", but expected \"TIMESTAMP\".");
  }
  ASSIGN_OR_RAISE(int64_t delay_micros, DelayMicros(delay));
  return api::MakeDataFrame(
      s.session, std::make_shared<plan::WatermarkNode>(s.plan, index, delay_micros), s.inputs);
}

Result<DataFrame> DataFrame::DropDuplicates(const std::vector<std::string>& columns) const {
  return Deduplicate(*state_, columns, /*within_watermark=*/false);
}

Result<DataFrame> DataFrame::DropDuplicatesWithinWatermark(
    const std::vector<std::string>& columns) const {
  return Deduplicate(*state_, columns, /*within_watermark=*/true);
}

}  // namespace weir
