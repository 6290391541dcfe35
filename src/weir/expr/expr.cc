#include "weir/expr/expr.h"

#include <cstring>

#include "weir/expr/result_builder.h"
#include "weir/expr/row_merger.h"

namespace weir {

namespace {

// Rows of `rows` split by a BOOLEAN datum: TRUE rows, and the others (FALSE or NULL).
void SplitByCondition(const Datum& cond, const RowSet& rows, std::vector<uint32_t>* taken,
                      std::vector<uint32_t>* rest) {
  rows.ForEach([&](int64_t i) {
    bool yes = !cond.IsNull(i) && cond.Get<uint8_t>(i) != 0;
    (yes ? taken : rest)->push_back(static_cast<uint32_t>(i));
  });
}

Status RequireBoolean(const ExprPtr& e, const char* op) {
  if (e->type().id() == TypeId::kBoolean) return Status::OK();
  return Status::InvalidArgument(std::string(op) + " needs a BOOLEAN operand, but '" +
                                 e->ToString() + "' is " + e->type().ToString());
}

class LogicExpr final : public Expr {
 public:
  // `is_and`: AND; otherwise OR. The left side's "deciding" value is FALSE for AND
  // and TRUE for OR.
  // Takes the operands by reference: their nullability must be read before the
  // children vector is built (argument evaluation order is unspecified).
  LogicExpr(bool is_and, const ExprPtr& left, const ExprPtr& right)
      : Expr(is_and ? ExprKind::kAnd : ExprKind::kOr, DataType::Boolean(),
             left->nullable() || right->nullable(), {left, right}),
        is_and_(is_and) {}

  std::string ToString() const override {
    return "(" + child(0)->ToString() + (is_and_ ? " AND " : " OR ") + child(1)->ToString() + ")";
  }

  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override {
    const uint8_t decisive = is_and_ ? 0 : 1;
    ASSIGN_OR_RAISE(Datum l, child(0)->Eval(ctx, batch, rows));
    std::vector<uint32_t> undecided;
    undecided.reserve(static_cast<size_t>(rows.size()));
    rows.ForEach([&](int64_t i) {
      if (l.IsNull(i) || l.Get<uint8_t>(i) != decisive)
        undecided.push_back(static_cast<uint32_t>(i));
    });
    Datum r;
    if (!undecided.empty()) {
      ASSIGN_OR_RAISE(r, child(1)->Eval(ctx, batch, RowSet(rows.physical_rows(), undecided)));
    }
    FixedResult<uint8_t> out(DataType::Boolean(), rows);
    out.validity().InitFromRows(rows);
    rows.ForEach([&](int64_t i) {
      const bool lnull = l.IsNull(i);
      if (!lnull && l.Get<uint8_t>(i) == decisive) {
        out.Set(i, decisive);
        return;
      }
      const bool rnull = r.IsNull(i);
      if (!rnull && r.Get<uint8_t>(i) == decisive) {
        out.Set(i, decisive);
      } else if (lnull || rnull) {
        out.SetNull(i);
      } else {
        out.Set(i, 1 - decisive);
      }
    });
    return out.Finish();
  }

  ExprPtr WithChildren(std::vector<ExprPtr> c) const override {
    return std::make_shared<LogicExpr>(is_and_, c[0], c[1]);
  }

 private:
  bool is_and_;
};

class NotExpr final : public Expr {
 public:
  explicit NotExpr(const ExprPtr& operand)
      : Expr(ExprKind::kNot, DataType::Boolean(), operand->nullable(), {operand}) {}
  std::string ToString() const override { return "(NOT " + child(0)->ToString() + ")"; }
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override {
    ASSIGN_OR_RAISE(Datum d, child(0)->Eval(ctx, batch, rows));
    RowSet eval_rows = d.is_constant() ? RowSet(1) : rows;
    FixedResult<uint8_t> out(DataType::Boolean(), eval_rows);
    out.validity().InitFromArgs(&d, 1, eval_rows);
    uint8_t* v = out.values();
    eval_rows.ForEach([&](int64_t i) { v[i] = d.Get<uint8_t>(i) ^ 1; });
    Datum result = out.Finish();
    return d.is_constant() ? Datum::Constant(result.column()) : result;
  }
  ExprPtr WithChildren(std::vector<ExprPtr> c) const override {
    return std::make_shared<NotExpr>(c[0]);
  }
};

class NullTestExpr final : public Expr {
 public:
  NullTestExpr(bool is_null, ExprPtr operand)
      : Expr(is_null ? ExprKind::kIsNull : ExprKind::kIsNotNull, DataType::Boolean(), false,
             {std::move(operand)}),
        is_null_(is_null) {}
  std::string ToString() const override {
    return "(" + child(0)->ToString() + (is_null_ ? " IS NULL)" : " IS NOT NULL)");
  }
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override {
    ASSIGN_OR_RAISE(Datum d, child(0)->Eval(ctx, batch, rows));
    RowSet eval_rows = d.is_constant() ? RowSet(1) : rows;
    FixedResult<uint8_t> out(DataType::Boolean(), eval_rows);
    out.validity().InitFromRows(eval_rows);
    uint8_t* v = out.values();
    const uint8_t when_null = is_null_ ? 1 : 0;
    eval_rows.ForEach([&](int64_t i) { v[i] = d.IsNull(i) ? when_null : 1 - when_null; });
    Datum result = out.Finish();
    return d.is_constant() ? Datum::Constant(result.column()) : result;
  }
  ExprPtr WithChildren(std::vector<ExprPtr> c) const override {
    return std::make_shared<NullTestExpr>(is_null_, std::move(c[0]));
  }

 private:
  bool is_null_;
};

class CaseExpr final : public Expr {
 public:
  // children: c1, v1, c2, v2, ..., [else]
  CaseExpr(DataType type, bool nullable, std::vector<ExprPtr> children, bool has_else)
      : Expr(ExprKind::kCase, std::move(type), nullable, std::move(children)),
        has_else_(has_else) {}

  std::string ToString() const override {
    std::string out = "CASE";
    size_t pairs = (children().size() - (has_else_ ? 1 : 0)) / 2;
    for (size_t k = 0; k < pairs; ++k) {
      out += " WHEN " + child(2 * k)->ToString() + " THEN " + child(2 * k + 1)->ToString();
    }
    if (has_else_) out += " ELSE " + children().back()->ToString();
    return out + " END";
  }

  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override {
    const int64_t phys = rows.physical_rows();
    RowMerger merger(type(), phys);
    std::vector<uint32_t> remaining;
    remaining.reserve(static_cast<size_t>(rows.size()));
    rows.ForEach([&](int64_t i) { remaining.push_back(static_cast<uint32_t>(i)); });
    size_t pairs = (children().size() - (has_else_ ? 1 : 0)) / 2;
    std::vector<uint32_t> taken, rest;
    for (size_t k = 0; k < pairs && !remaining.empty(); ++k) {
      ASSIGN_OR_RAISE(Datum cond, child(2 * k)->Eval(ctx, batch, RowSet(phys, remaining)));
      taken.clear();
      rest.clear();
      SplitByCondition(cond, RowSet(phys, remaining), &taken, &rest);
      if (!taken.empty()) {
        ASSIGN_OR_RAISE(Datum v, child(2 * k + 1)->Eval(ctx, batch, RowSet(phys, taken)));
        merger.Put(v, RowSet(phys, taken));
      }
      remaining.swap(rest);
    }
    if (has_else_ && !remaining.empty()) {
      ASSIGN_OR_RAISE(Datum v, children().back()->Eval(ctx, batch, RowSet(phys, remaining)));
      merger.Put(v, RowSet(phys, remaining));
    }
    return merger.Finish();
  }
  ExprPtr WithChildren(std::vector<ExprPtr> c) const override {
    return std::make_shared<CaseExpr>(type(), nullable(), std::move(c), has_else_);
  }

 private:
  bool has_else_;
};

class CoalesceExpr final : public Expr {
 public:
  CoalesceExpr(DataType type, bool nullable, std::vector<ExprPtr> args)
      : Expr(ExprKind::kCoalesce, std::move(type), nullable, std::move(args)) {}

  std::string ToString() const override {
    std::string out = "coalesce(";
    for (size_t i = 0; i < children().size(); ++i) {
      if (i > 0) out += ", ";
      out += child(i)->ToString();
    }
    return out + ")";
  }

  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override {
    const int64_t phys = rows.physical_rows();
    RowMerger merger(type(), phys);
    std::vector<uint32_t> remaining, nulls;
    rows.ForEach([&](int64_t i) { remaining.push_back(static_cast<uint32_t>(i)); });
    for (size_t k = 0; k < children().size() && !remaining.empty(); ++k) {
      RowSet rs(phys, remaining);
      ASSIGN_OR_RAISE(Datum v, child(k)->Eval(ctx, batch, rs));
      merger.Put(v, rs);
      nulls.clear();
      rs.ForEach([&](int64_t i) {
        if (v.IsNull(i)) nulls.push_back(static_cast<uint32_t>(i));
      });
      remaining.swap(nulls);
    }
    return merger.Finish();
  }
  ExprPtr WithChildren(std::vector<ExprPtr> c) const override {
    return std::make_shared<CoalesceExpr>(type(), nullable(), std::move(c));
  }
};

}  // namespace

bool Expr::deterministic() const {
  for (const ExprPtr& c : children_) {
    if (!c->deterministic()) return false;
  }
  return true;
}

bool Expr::foldable() const {
  if (kind_ == ExprKind::kColumnRef || !deterministic()) return false;
  for (const ExprPtr& c : children_) {
    if (!c->foldable()) return false;
  }
  return true;
}

Result<Datum> ColumnRefExpr::Eval(EvalContext&, const Batch& batch, const RowSet&) const {
  if (index_ < 0 || index_ >= batch.num_columns()) {
    return Status::Internal("column reference " + name_ + "#" + std::to_string(index_) +
                            " is outside a batch of " + std::to_string(batch.num_columns()) +
                            " columns");
  }
  return Datum::Flat(batch.column(index_));
}

LiteralExpr::LiteralExpr(Value value)
    : Expr(ExprKind::kLiteral, value.type(), value.is_null(), {}),
      value_(std::move(value)),
      datum_(Datum::Constant(value_)) {}

std::string LiteralExpr::ToString() const { return value_.ToString(); }

Result<Datum> LiteralExpr::Eval(EvalContext&, const Batch&, const RowSet&) const { return datum_; }

ExprPtr ColumnRefExpr::WithChildren(std::vector<ExprPtr>) const {
  return std::make_shared<ColumnRefExpr>(index_, name_, type(), nullable());
}

ExprPtr LiteralExpr::WithChildren(std::vector<ExprPtr>) const {
  return std::make_shared<LiteralExpr>(value_);
}

ExprPtr CallExpr::WithChildren(std::vector<ExprPtr> children) const {
  return std::make_shared<CallExpr>(function_, std::move(children), nullable());
}

CallExpr::CallExpr(ScalarFunctionPtr function, std::vector<ExprPtr> args, bool nullable)
    : Expr(ExprKind::kCall, function->result_type(), nullable, std::move(args)),
      function_(std::move(function)) {}

bool CallExpr::deterministic() const { return function_->deterministic() && Expr::deterministic(); }

std::string CallExpr::ToString() const {
  std::vector<std::string> args;
  for (const ExprPtr& c : children()) args.push_back(c->ToString());
  return function_->Format(args);
}

Result<Datum> CallExpr::Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const {
  std::vector<Datum> args;
  args.reserve(children().size());
  bool all_constant = function_->deterministic();
  for (const ExprPtr& c : children()) {
    ASSIGN_OR_RAISE(Datum d, c->Eval(ctx, batch, rows));
    all_constant = all_constant && d.is_constant();
    args.push_back(std::move(d));
  }
  if (all_constant) {
    ASSIGN_OR_RAISE(Datum d, function_->Eval(ctx, args, RowSet(1)));
    return d.is_constant() ? d : Datum::Constant(d.column());
  }
  return function_->Eval(ctx, args, rows);
}

std::string ScalarFunction::Format(const std::vector<std::string>& args) const {
  std::string out = name_ + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += args[i];
  }
  return out + ")";
}

ExprPtr ColumnRef(int index, std::string name, DataType type, bool nullable) {
  return std::make_shared<ColumnRefExpr>(index, std::move(name), std::move(type), nullable);
}

ExprPtr ColumnRef(const Schema& schema, int index) {
  const Field& f = schema.field(index);
  return ColumnRef(index, f.name, f.type, f.nullable);
}

ExprPtr Literal(Value value) { return std::make_shared<LiteralExpr>(std::move(value)); }

ExprPtr Call(ScalarFunctionPtr function, std::vector<ExprPtr> args) {
  bool nullable = true;
  return std::make_shared<CallExpr>(std::move(function), std::move(args), nullable);
}

Result<ExprPtr> And(ExprPtr left, ExprPtr right) {
  RETURN_NOT_OK(RequireBoolean(left, "AND"));
  RETURN_NOT_OK(RequireBoolean(right, "AND"));
  return ExprPtr(std::make_shared<LogicExpr>(true, left, right));
}

Result<ExprPtr> Or(ExprPtr left, ExprPtr right) {
  RETURN_NOT_OK(RequireBoolean(left, "OR"));
  RETURN_NOT_OK(RequireBoolean(right, "OR"));
  return ExprPtr(std::make_shared<LogicExpr>(false, left, right));
}

Result<ExprPtr> Not(ExprPtr operand) {
  RETURN_NOT_OK(RequireBoolean(operand, "NOT"));
  return ExprPtr(std::make_shared<NotExpr>(operand));
}

ExprPtr IsNull(ExprPtr operand) { return std::make_shared<NullTestExpr>(true, std::move(operand)); }
ExprPtr IsNotNull(ExprPtr operand) {
  return std::make_shared<NullTestExpr>(false, std::move(operand));
}

Result<ExprPtr> CaseWhen(std::vector<std::pair<ExprPtr, ExprPtr>> branches, ExprPtr else_value) {
  if (branches.empty()) return Status::InvalidArgument("CASE needs at least one WHEN branch");
  DataType type = branches[0].second->type();
  bool nullable = else_value == nullptr || else_value->nullable();
  std::vector<ExprPtr> children;
  for (auto& [cond, value] : branches) {
    RETURN_NOT_OK(RequireBoolean(cond, "CASE WHEN"));
    if (value->type() != type) {
      return Status::InvalidArgument("CASE branches have different types: " + type.ToString() +
                                     " and " + value->type().ToString());
    }
    nullable = nullable || value->nullable();
    children.push_back(std::move(cond));
    children.push_back(std::move(value));
  }
  bool has_else = else_value != nullptr;
  if (has_else) {
    if (else_value->type() != type) {
      return Status::InvalidArgument("CASE ELSE has type " + else_value->type().ToString() +
                                     " but the branches have " + type.ToString());
    }
    children.push_back(std::move(else_value));
  }
  return ExprPtr(std::make_shared<CaseExpr>(type, nullable, std::move(children), has_else));
}

Result<ExprPtr> Coalesce(std::vector<ExprPtr> args) {
  if (args.empty()) return Status::InvalidArgument("coalesce needs at least one argument");
  DataType type = args[0]->type();
  bool nullable = true;
  for (const ExprPtr& a : args) {
    if (a->type() != type) {
      return Status::InvalidArgument("coalesce arguments have different types: " + type.ToString() +
                                     " and " + a->type().ToString());
    }
    nullable = nullable && a->nullable();
  }
  return ExprPtr(std::make_shared<CoalesceExpr>(type, nullable, std::move(args)));
}

Result<ColumnPtr> EvaluateColumn(const Expr& expr, EvalContext& ctx, const Batch& batch) {
  ASSIGN_OR_RAISE(Datum d, expr.Eval(ctx, batch, RowSet::Of(batch)));
  return d.Materialize(batch.physical_rows());
}

namespace {

// Bytes of a word that are nonzero: the high bit of each such byte set.
inline uint64_t NonzeroBytes(uint64_t w) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  return (((w & kLow7) + kLow7) | w) & ~kLow7;
}

// The rows i < n with v[i] != 0 (BOOLEAN values of a filter over every row). Eight
// values at a time: words with no kept row, most of them under a selective filter,
// cost one test; kept rows are written without a branch per row.
SelectionVector SelectAllRows(const uint8_t* v, int64_t n) {
  const int64_t words = n / 8;
  size_t count = 0;
  for (int64_t w = 0; w < words; ++w) {
    uint64_t bits;
    std::memcpy(&bits, v + w * 8, 8);
    if (bits == 0) continue;
    // One per nonzero byte, summed into the top byte.
    count += static_cast<size_t>(((NonzeroBytes(bits) >> 7) * 0x0101010101010101ULL) >> 56);
  }
  for (int64_t i = words * 8; i < n; ++i) count += v[i] != 0 ? 1 : 0;
  if (count == 0) return SelectionVector();
  std::vector<uint32_t> keep(count + 1);  // the fill writes one slot past the last kept row
  uint32_t* out = keep.data();
  size_t k = 0;
  for (int64_t w = 0; w < words; ++w) {
    uint64_t bits;
    std::memcpy(&bits, v + w * 8, 8);
    if (bits == 0) continue;
    for (int64_t i = w * 8; i < w * 8 + 8; ++i) {
      out[k] = static_cast<uint32_t>(i);
      k += v[i] != 0 ? 1 : 0;
    }
  }
  for (int64_t i = words * 8; i < n; ++i) {
    out[k] = static_cast<uint32_t>(i);
    k += v[i] != 0 ? 1 : 0;
  }
  keep.resize(count);
  return SelectionVector(std::move(keep));
}

}  // namespace

Result<SelectionVector> EvaluateFilter(const Expr& expr, EvalContext& ctx, const Batch& batch) {
  if (expr.type().id() != TypeId::kBoolean) {
    return Status::InvalidArgument("filter condition '" + expr.ToString() + "' is " +
                                   expr.type().ToString() + ", not BOOLEAN");
  }
  RowSet rows = RowSet::Of(batch);
  ASSIGN_OR_RAISE(Datum d, expr.Eval(ctx, batch, rows));
  std::vector<uint32_t> keep;
  if (d.no_nulls() && !d.is_constant()) {
    const uint8_t* v = d.col().values<uint8_t>();
    // Count, then fill without a branch per row. The vector is sized to the rows
    // kept, not to the batch: a selection lives as long as its batch, and a sink may
    // hold every batch of an epoch (a full batch's capacity per batch of a selective
    // filter is megabytes of fresh pages per epoch).
    if (rows.is_all()) return SelectAllRows(v, rows.size());
    size_t count = 0;
    rows.ForEach([&](int64_t i) { count += v[i] != 0 ? 1 : 0; });
    if (count == 0) return SelectionVector();
    keep.resize(count + 1);  // the branchless fill writes one slot past the last kept row
    uint32_t* out = keep.data();
    size_t k = 0;
    rows.ForEach([&](int64_t i) {
      out[k] = static_cast<uint32_t>(i);
      k += v[i] != 0 ? 1 : 0;
    });
    keep.resize(count);
  } else {
    rows.ForEach([&](int64_t i) {
      if (!d.IsNull(i) && d.Get<uint8_t>(i)) keep.push_back(static_cast<uint32_t>(i));
    });
  }
  return SelectionVector(std::move(keep));
}

Result<ExprPtr> FoldConstants(const ExprPtr& expr, EvalContext& ctx) {
  if (expr->kind() == ExprKind::kLiteral) return expr;
  if (expr->foldable()) {
    Batch one = Batch::MakeRowsOnly(1);
    ASSIGN_OR_RAISE(Datum d, expr->Eval(ctx, one, RowSet(1)));
    return Literal(d.GetValue(0));
  }
  // Fold below: rebuild this node only if a child changed. Nodes are immutable, so
  // rebuilding goes through the same constructors.
  bool changed = false;
  std::vector<ExprPtr> children;
  for (const ExprPtr& c : expr->children()) {
    ASSIGN_OR_RAISE(ExprPtr folded, FoldConstants(c, ctx));
    changed = changed || folded != c;
    children.push_back(std::move(folded));
  }
  if (!changed) return expr;
  return expr->WithChildren(std::move(children));
}

}  // namespace weir
