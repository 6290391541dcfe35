#include "weir/plan/plan_exprs.h"

#include <cstring>

#include "weir/common/check.h"
#include "weir/expr/cast.h"

namespace weir::plan {

// GetFieldExpr -------------------------------------------------------------------

namespace {

bool FieldNullable(const ExprPtr& operand, int ordinal) {
  return operand->nullable() || operand->type().fields()[static_cast<size_t>(ordinal)].nullable;
}

}  // namespace

GetFieldExpr::GetFieldExpr(ExprPtr operand, int ordinal)
    : Expr(ExprKind::kPlaceholder, operand->type().fields()[static_cast<size_t>(ordinal)].type,
           FieldNullable(operand, ordinal), {operand}),
      ordinal_(ordinal) {}

const std::string& GetFieldExpr::field_name() const {
  return child(0)->type().fields()[static_cast<size_t>(ordinal_)].name;
}

std::string GetFieldExpr::ToString() const { return child(0)->ToString() + "." + field_name(); }

Result<Datum> GetFieldExpr::Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const {
  ASSIGN_OR_RAISE(Datum d, child(0)->Eval(ctx, batch, rows));
  const Column& st = d.col();
  const ColumnPtr& field = st.child(ordinal_);
  ColumnPtr out = field;
  if (st.may_have_nulls()) {
    // The field is NULL where the struct is: AND the two validity bitmaps.
    const size_t words = BitmapWords(st.length());
    BufferPtr validity = AllocateBuffer(words * sizeof(uint64_t));
    validity->Resize(words * sizeof(uint64_t));
    uint64_t* bits = validity->as<uint64_t>();
    std::memcpy(bits, st.validity_bits(), words * sizeof(uint64_t));
    if (field->validity_bits() != nullptr) {
      for (size_t w = 0; w < words; ++w) bits[w] &= field->validity_bits()[w];
    }
    Column::Parts parts;
    parts.type = field->type();
    parts.length = field->length();
    parts.validity = std::move(validity);
    parts.values = field->values_buffer();
    parts.string_data = field->string_data();
    parts.children = field->children();
    out = Column::Make(std::move(parts));
  }
  return d.is_constant() ? Datum::Constant(out) : Datum::Flat(out);
}

ExprPtr GetFieldExpr::WithChildren(std::vector<ExprPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<GetFieldExpr>(std::move(children[0]), ordinal_);
}

// TryCastExpr --------------------------------------------------------------------

TryCastExpr::TryCastExpr(ExprPtr operand, DataType to)
    : Expr(ExprKind::kPlaceholder, std::move(to), true, {std::move(operand)}) {}

std::string TryCastExpr::ToString() const {
  return "TRY_CAST(" + child(0)->ToString() + " AS " + type().ToString() + ")";
}

Result<Datum> TryCastExpr::Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const {
  ASSIGN_OR_RAISE(Datum d, child(0)->Eval(ctx, batch, rows));
  if (d.type() == type()) return d;
  // Spark's try_cast is the non-ANSI cast: a value that does not convert is NULL.
  EvalOptions options = ctx.options();
  options.ansi = false;
  EvalContext lenient(options);
  return CastDatum(lenient, d, type(), rows);
}

ExprPtr TryCastExpr::WithChildren(std::vector<ExprPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<TryCastExpr>(std::move(children[0]), type());
}

// BinderRefExpr ------------------------------------------------------------------

std::string BinderRefExpr::ToString() const {
  return ref_kind_ == RefKind::kOuter ? "outer(" + name_ + ")" : name_;
}

Result<Datum> BinderRefExpr::Eval(EvalContext&, const Batch&, const RowSet&) const {
  return Status::Internal("a binder placeholder (" + ToString() + ") was evaluated");
}

ExprPtr BinderRefExpr::WithChildren(std::vector<ExprPtr> children) const {
  WEIR_CHECK(children.empty());
  return std::make_shared<BinderRefExpr>(ref_kind_, id_, name_, type(), nullable());
}

const BinderRefExpr* AsBinderRef(const Expr& e) {
  if (e.kind() != ExprKind::kPlaceholder) return nullptr;
  return dynamic_cast<const BinderRefExpr*>(&e);
}

}  // namespace weir::plan
