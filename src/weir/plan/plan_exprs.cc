#include "weir/plan/plan_exprs.h"

#include <cstring>

#include "weir/common/check.h"
#include "weir/expr/cast.h"
#include "weir/expr/row_merger.h"

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

bool CanTryCast(const DataType& from, const DataType& to) {
  if (from.is_nested() && from.id() == to.id()) return CanCast(from, to, /*ansi=*/false);
  return CanCast(from, to, /*ansi=*/true);
}

namespace {

// Casts rows idx[0..n) of `input` into `merger`, leaving NULL every row whose own
// value the cast refuses (an InvalidInput error: CAST_INVALID_INPUT, CAST_OVERFLOW,
// NUMERIC_VALUE_OUT_OF_RANGE, ...). A failing set is halved until the failing rows
// are alone, so k bad rows cost O(k log n) extra casts and good rows are cast in
// bulk. Other errors propagate.
Status TryCastRows(EvalContext& ctx, const Datum& input, const DataType& to, int64_t physical_rows,
                   const uint32_t* idx, int64_t n, RowMerger* merger) {
  const RowSet rows(physical_rows, idx, n);
  Result<Datum> cast = CastDatum(ctx, input, to, rows);
  if (cast.ok()) {
    merger->Put(*cast, rows);
    return Status::OK();
  }
  if (cast.status().code() != StatusCode::kInvalidInput) return cast.status();
  if (n == 1) return Status::OK();
  const int64_t half = n / 2;
  RETURN_NOT_OK(TryCastRows(ctx, input, to, physical_rows, idx, half, merger));
  return TryCastRows(ctx, input, to, physical_rows, idx + half, n - half, merger);
}

}  // namespace

TryCastExpr::TryCastExpr(ExprPtr operand, DataType to)
    : Expr(ExprKind::kPlaceholder, std::move(to), true, {std::move(operand)}) {}

std::string TryCastExpr::ToString() const {
  return "TRY_CAST(" + child(0)->ToString() + " AS " + type().ToString() + ")";
}

Result<Datum> TryCastExpr::Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const {
  ASSIGN_OR_RAISE(Datum d, child(0)->Eval(ctx, batch, rows));
  if (d.type() == type()) return d;
  // Spark's try_cast is the ANSI cast with errors turned into NULL. The nested casts
  // that only the non-ANSI rules allow (canTryCast) run as the non-ANSI cast.
  EvalOptions options = ctx.options();
  options.ansi = CanCast(d.type(), type(), /*ansi=*/true);
  EvalContext strict(options);
  Result<Datum> all = CastDatum(strict, d, type(), rows);
  if (all.ok() || all.status().code() != StatusCode::kInvalidInput) return all;
  // A constant has one value: it failed, so every row is NULL.
  if (d.is_constant()) return Datum::Null(type());
  std::vector<uint32_t> indices;
  if (rows.is_all()) {
    indices.resize(static_cast<size_t>(rows.size()));
    for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<uint32_t>(i);
  } else {
    indices.assign(rows.indices(), rows.indices() + rows.size());
  }
  RowMerger merger(type(), rows.physical_rows());
  RETURN_NOT_OK(
      TryCastRows(strict, d, type(), rows.physical_rows(), indices.data(), rows.size(), &merger));
  return merger.Finish();
}

ExprPtr TryCastExpr::WithChildren(std::vector<ExprPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 1u);
  return std::make_shared<TryCastExpr>(std::move(children[0]), type());
}

// GetArrayItemExpr ---------------------------------------------------------------

namespace {

// QueryExecutionErrors.invalidArrayIndexError (Spark 3.5 error class
// INVALID_ARRAY_INDEX).
Status InvalidArrayIndex(int64_t index, int64_t size) {
  return Status::InvalidInput(
      "[INVALID_ARRAY_INDEX] The index " + std::to_string(index) +
      " is out of bounds. The array has " + std::to_string(size) +
      " elements. Use the SQL function `get()` to tolerate accessing element at invalid index "
      "and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
      "bypass this error.");
}

}  // namespace

GetArrayItemExpr::GetArrayItemExpr(ExprPtr array, ExprPtr index)
    // `array` is copied, not moved: the arguments are evaluated in no fixed order.
    : Expr(ExprKind::kPlaceholder, array->type().element_type(), true, {array, std::move(index)}) {}

std::string GetArrayItemExpr::ToString() const {
  return child(0)->ToString() + "[" + child(1)->ToString() + "]";
}

Result<Datum> GetArrayItemExpr::Eval(EvalContext& ctx, const Batch& batch,
                                     const RowSet& rows) const {
  ASSIGN_OR_RAISE(Datum array, child(0)->Eval(ctx, batch, rows));
  ASSIGN_OR_RAISE(Datum index, child(1)->Eval(ctx, batch, rows));
  const Column& arrays = array.col();
  const ColumnPtr& elements = arrays.child(0);
  const bool wide_index = index.type().id() == TypeId::kInt64;
  const int64_t n = rows.physical_rows();
  // Row i's value is element take[i] where the bit is set, NULL elsewhere.
  std::vector<uint32_t> take(static_cast<size_t>(n), 0);
  const size_t words = BitmapWords(n);
  BufferPtr validity = AllocateBuffer(words * sizeof(uint64_t));
  validity->Resize(words * sizeof(uint64_t));
  uint64_t* bits = validity->as<uint64_t>();
  if (words > 0) std::memset(bits, 0, words * sizeof(uint64_t));
  bool any = false;
  Status st;
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || array.IsNull(i) || index.IsNull(i)) return;
    const int64_t k = wide_index ? index.Get<int64_t>(i) : index.Get<int32_t>(i);
    const int64_t r = array.Index(i);
    const int32_t begin = arrays.offsets()[r];
    const int64_t size = arrays.offsets()[r + 1] - begin;
    if (k < 0 || k >= size) {
      st = InvalidArrayIndex(k, size);
      return;
    }
    if (elements->IsNull(begin + k)) return;
    take[static_cast<size_t>(i)] = static_cast<uint32_t>(begin + k);
    SetBit(bits, i);
    any = true;
  });
  RETURN_NOT_OK(st);
  if (!any) return Datum::Null(type());
  // Rows outside the result point at element 0, which exists since one row has a value.
  ColumnPtr taken = elements->Take(take.data(), n);
  Column::Parts parts;
  parts.type = taken->type();
  parts.length = n;
  parts.validity = std::move(validity);
  parts.values = taken->values_buffer();
  parts.string_data = taken->string_data();
  parts.children = taken->children();
  return Datum::Flat(Column::Make(std::move(parts)));
}

ExprPtr GetArrayItemExpr::WithChildren(std::vector<ExprPtr> children) const {
  WEIR_CHECK_EQ(children.size(), 2u);
  return std::make_shared<GetArrayItemExpr>(std::move(children[0]), std::move(children[1]));
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
