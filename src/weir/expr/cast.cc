// CAST: which casts Spark allows, the top-level dispatch, the element-wise casts of
// ARRAY, MAP and STRUCT, and the expression node. The per-type kernels live in
// cast_numeric.cc and cast_string.cc, the text parsers in cast_parse.cc.

#include "weir/expr/cast.h"

#include <vector>

#include "weir/expr/cast_internal.h"

namespace weir {

namespace {

using cast_internal::SqlType;

bool IsIntegral(const DataType& t) { return t.id() == TypeId::kInt32 || t.id() == TypeId::kInt64; }

// DecimalType.isWiderThan for the types weir has.
bool DecimalWiderThan(const DataType& to, const DataType& other) {
  int p, s;
  switch (other.id()) {
    case TypeId::kDecimal:
      p = other.precision();
      s = other.scale();
      break;
    case TypeId::kInt32:
      p = 10;
      s = 0;
      break;
    case TypeId::kInt64:
      p = 20;
      s = 0;
      break;
    default:
      return false;
  }
  return to.precision() - to.scale() >= p - s && to.scale() >= s;
}

// Cast.canNullSafeCastToDecimal.
bool CanNullSafeCastToDecimal(const DataType& from, const DataType& to) {
  if (from.id() == TypeId::kBoolean) return to.precision() - to.scale() >= 1;
  if (from.is_numeric() && DecimalWiderThan(to, from)) return true;
  if (from.id() == TypeId::kDecimal) {
    return to.precision() - to.scale() > from.precision() - from.scale();
  }
  return false;
}

// Cast.forceNullable: whether casting a non-NULL value may give NULL.
bool ForceNullable(const DataType& from, const DataType& to) {
  const TypeId f = from.id(), t = to.id();
  if (f == TypeId::kNull || from == to) return false;
  if (f == TypeId::kString) return t != TypeId::kBinary && t != TypeId::kString;
  if (t == TypeId::kString) return false;
  if (f == TypeId::kTimestamp && t == TypeId::kInt32) return true;
  if (f == TypeId::kDouble && t == TypeId::kTimestamp) return true;
  if (f == TypeId::kTimestamp && t == TypeId::kDate) return false;
  if (t == TypeId::kDate) return true;
  if (f == TypeId::kDate && t == TypeId::kTimestamp) return false;
  if (f == TypeId::kDate) return true;
  if (t == TypeId::kInterval) return true;
  if (t == TypeId::kDecimal && !CanNullSafeCastToDecimal(from, to)) return true;
  if (f == TypeId::kDouble && IsIntegral(to)) return true;
  return false;
}

// Cast.resolvableNullability.
bool Resolvable(bool from_nullable, bool to_nullable) { return !from_nullable || to_nullable; }

bool CanCastImpl(const DataType& from, const DataType& to, bool ansi) {
  if (from == to) return true;
  const TypeId f = from.id();
  if (f == TypeId::kNull) return true;
  const bool is_string = f == TypeId::kString;
  switch (to.id()) {
    case TypeId::kString:
      return true;
    case TypeId::kBinary:
      return is_string || (!ansi && IsIntegral(from));
    case TypeId::kBoolean:
      return is_string || from.is_numeric() ||
             (!ansi && (f == TypeId::kDate || f == TypeId::kTimestamp));
    case TypeId::kTimestamp:
      return is_string || f == TypeId::kDate || from.is_numeric() ||
             (!ansi && f == TypeId::kBoolean);
    case TypeId::kDate:
      return is_string || f == TypeId::kTimestamp;
    case TypeId::kInterval:
      return is_string;
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kDecimal:
      return is_string || f == TypeId::kBoolean || f == TypeId::kTimestamp || from.is_numeric() ||
             (!ansi && f == TypeId::kDate);
    case TypeId::kArray: {
      if (f != TypeId::kArray) return false;
      const DataType& fe = from.element_type();
      const DataType& te = to.element_type();
      if (!CanCastImpl(fe, te, ansi)) return false;
      const bool element_nulls = from.contains_null() || (!ansi && ForceNullable(fe, te));
      return Resolvable(element_nulls, to.contains_null());
    }
    case TypeId::kMap: {
      if (f != TypeId::kMap) return false;
      if (!CanCastImpl(from.key_type(), to.key_type(), ansi) ||
          !CanCastImpl(from.value_type(), to.value_type(), ansi)) {
        return false;
      }
      // Keys may never become NULL (non-ANSI rule).
      if (!ansi && ForceNullable(from.key_type(), to.key_type())) return false;
      const bool value_nulls = from.value_contains_null() ||
                               (!ansi && ForceNullable(from.value_type(), to.value_type()));
      return Resolvable(value_nulls, to.value_contains_null());
    }
    case TypeId::kStruct: {
      if (f != TypeId::kStruct) return false;
      const std::vector<Field>& ff = from.fields();
      const std::vector<Field>& tf = to.fields();
      if (ff.size() != tf.size()) return false;
      for (size_t k = 0; k < ff.size(); ++k) {
        if (!CanCastImpl(ff[k].type, tf[k].type, ansi)) return false;
        const bool nulls = ff[k].nullable || (!ansi && ForceNullable(ff[k].type, tf[k].type));
        if (!Resolvable(nulls, tf[k].nullable)) return false;
      }
      return true;
    }
    case TypeId::kNull:
      return false;
  }
  return false;
}

// Cast.typeCheckFailureMessage: the analysis error for a refused cast.
Status RefusedCast(const std::string& expr_sql, const DataType& from, const DataType& to,
                   bool ansi) {
  std::string head = "Cannot resolve \"" + expr_sql + "\" due to data type mismatch: ";
  std::string src = SqlType(from), dst = SqlType(to);
  auto func = [&](const char* names) {
    return Status::InvalidArgument("[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] " + head +
                                   "cannot cast " + src + " to " + dst +
                                   ". To convert values from " + src + " to " + dst +
                                   ", you can use the functions " + names + " instead.");
  };
  if (ansi) {
    if (from.is_numeric() && to.id() == TypeId::kTimestamp) {
      return func("`TIMESTAMP_SECONDS`/`TIMESTAMP_MILLIS`/`TIMESTAMP_MICROS`");
    }
    if (from.id() == TypeId::kTimestamp && to.is_numeric()) {
      return func("`UNIX_SECONDS`/`UNIX_MILLIS`/`UNIX_MICROS`");
    }
    if (from.is_numeric() && to.id() == TypeId::kDate) return func("`DATE_FROM_UNIX_DATE`");
    if (from.id() == TypeId::kDate && to.is_numeric()) return func("`UNIX_DATE`");
    if (CanCastImpl(from, to, false)) {
      return Status::InvalidArgument("[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] " + head +
                                     "cannot cast " + src + " to " + dst +
                                     " with ANSI mode on. If you have to cast " + src + " to " +
                                     dst + ", you can set \"spark.sql.ansi.enabled\" as 'false'.");
    }
  }
  return Status::InvalidArgument("[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] " + head +
                                 "cannot cast " + src + " to " + dst + ".");
}

std::string CastSql(const std::string& operand, const DataType& to) {
  return "CAST(" + operand + " AS " + to.ToDdl() + ")";
}

Result<Datum> CastAny(EvalContext& ctx, const Datum& in, const DataType& to, const RowSet& rows);

// The rows of a nested column's child that the rows `rows` of `col` (an ARRAY or MAP)
// reach: the elements of the non-NULL arrays among them.
class ElementRows {
 public:
  ElementRows(const Column& col, const RowSet& rows) {
    const int32_t* off = col.offsets();
    const int64_t child_len = col.child(0)->length();
    const int64_t n = col.length();
    if (rows.is_all() && !col.may_have_nulls() && off[0] == 0 && off[n] == child_len) {
      rows_ = RowSet(child_len);
      return;
    }
    rows.ForEach([&](int64_t i) {
      if (col.IsNull(i)) return;
      for (int32_t k = off[i]; k < off[i + 1]; ++k) indices_.push_back(static_cast<uint32_t>(k));
    });
    // An empty index array still needs a pointer, or the set would mean "all rows".
    static const uint32_t kNone = 0;
    rows_ = RowSet(child_len, indices_.empty() ? &kNone : indices_.data(),
                   static_cast<int64_t>(indices_.size()));
  }
  ElementRows(const ElementRows&) = delete;
  ElementRows& operator=(const ElementRows&) = delete;

  // Valid while this object lives: it indexes indices_.
  const RowSet& rows() const { return rows_; }

 private:
  std::vector<uint32_t> indices_;
  RowSet rows_{0};
};

// The parent's validity (NULL outside `rows`) for a rebuilt nested column.
BufferPtr NestedValidity(const Datum& in, const RowSet& rows) {
  ResultValidity v(rows.physical_rows());
  v.InitFromArgs(&in, 1, rows);
  return v.Take();
}

Result<Datum> CastArray(EvalContext& ctx, const Datum& in, const DataType& to, const RowSet& rows) {
  // castArray: element by element, NULL elements stay NULL.
  const Column& col = in.col();
  ElementRows elements(col, rows);
  ASSIGN_OR_RAISE(Datum child,
                  CastAny(ctx, Datum::Flat(col.child(0)), to.element_type(), elements.rows()));
  Column::Parts p;
  p.type = to;
  p.length = col.length();
  p.validity = NestedValidity(in, rows);
  p.values = col.values_buffer();
  p.children = {child.column()};
  return Datum::Flat(Column::Make(std::move(p)));
}

Result<Datum> CastMap(EvalContext& ctx, const Datum& in, const DataType& to, const RowSet& rows) {
  // castMap: the key array and the value array cast separately.
  const Column& col = in.col();
  ElementRows entries(col, rows);
  ASSIGN_OR_RAISE(Datum keys,
                  CastAny(ctx, Datum::Flat(col.child(0)), to.key_type(), entries.rows()));
  ASSIGN_OR_RAISE(Datum values,
                  CastAny(ctx, Datum::Flat(col.child(1)), to.value_type(), entries.rows()));
  Column::Parts p;
  p.type = to;
  p.length = col.length();
  p.validity = NestedValidity(in, rows);
  p.values = col.values_buffer();
  p.children = {keys.column(), values.column()};
  return Datum::Flat(Column::Make(std::move(p)));
}

Result<Datum> CastStruct(EvalContext& ctx, const Datum& in, const DataType& to,
                         const RowSet& rows) {
  // castStruct: field by field, by position; fields of a NULL struct are not cast.
  const Column& col = in.col();
  std::vector<uint32_t> valid;
  RowSet field_rows = rows;
  if (col.may_have_nulls()) {
    rows.ForEach([&](int64_t i) {
      if (!col.IsNull(i)) valid.push_back(static_cast<uint32_t>(i));
    });
    static const uint32_t kNone = 0;
    field_rows = RowSet(col.length(), valid.empty() ? &kNone : valid.data(),
                        static_cast<int64_t>(valid.size()));
  }
  Column::Parts p;
  p.type = to;
  p.length = col.length();
  p.validity = NestedValidity(in, rows);
  const std::vector<Field>& fields = to.fields();
  for (int k = 0; k < col.num_children(); ++k) {
    ASSIGN_OR_RAISE(Datum field, CastAny(ctx, Datum::Flat(col.child(k)),
                                         fields[static_cast<size_t>(k)].type, field_rows));
    p.children.push_back(field.column());
  }
  return Datum::Flat(Column::Make(std::move(p)));
}

// The cast of a flat datum (or of a constant over RowSet(1)); the pair is allowed.
Result<Datum> CastAny(EvalContext& ctx, const Datum& in, const DataType& to, const RowSet& rows) {
  const DataType& from = in.type();
  if (from == to) return in;
  if (from.is_null()) {
    return Datum::Flat(Column::MakeAllNull(to, in.col().length()));
  }
  namespace ci = cast_internal;
  switch (to.id()) {
    case TypeId::kString:
      return ci::CastToString(ctx, in, to, rows);
    case TypeId::kBinary:
      return ci::CastToBinary(in, to, rows);
    case TypeId::kBoolean:
      return ci::CastToBoolean(ctx, in, to, rows);
    case TypeId::kInt32:
      return ci::CastToInt32(ctx, in, to, rows);
    case TypeId::kInt64:
      return ci::CastToInt64(ctx, in, to, rows);
    case TypeId::kDouble:
      return ci::CastToDouble(ctx, in, to, rows);
    case TypeId::kDecimal:
      return ci::CastToDecimal(ctx, in, to, rows);
    case TypeId::kDate:
      return ci::CastToDate(ctx, in, to, rows);
    case TypeId::kTimestamp:
      return ci::CastToTimestamp(ctx, in, to, rows);
    case TypeId::kInterval:
      return ci::CastToInterval(in, to, rows);
    case TypeId::kArray:
      return CastArray(ctx, in, to, rows);
    case TypeId::kMap:
      return CastMap(ctx, in, to, rows);
    case TypeId::kStruct:
      return CastStruct(ctx, in, to, rows);
    case TypeId::kNull:
      break;
  }
  return Status::Internal("no CAST kernel from " + from.ToDdl() + " to " + to.ToDdl());
}

}  // namespace

bool CanCast(const DataType& from, const DataType& to, bool ansi) {
  return CanCastImpl(from, to, ansi);
}

Result<Datum> CastDatum(EvalContext& ctx, const Datum& input, const DataType& to,
                        const RowSet& rows) {
  const DataType& from = input.type();
  if (from == to) return input;
  if (!CanCast(from, to, ctx.ansi())) {
    return RefusedCast(CastSql("?", to), from, to, ctx.ansi());
  }
  if (!input.is_constant()) return CastAny(ctx, input, to, rows);
  // A constant is converted once. When no row needs it, it is not converted at all: an
  // ANSI error must come only from a row that is evaluated.
  if (rows.empty()) return Datum::Null(to);
  ASSIGN_OR_RAISE(Datum one, CastAny(ctx, input, to, RowSet(1)));
  return one.is_constant() ? one : Datum::Constant(one.column());
}

CastExpr::CastExpr(ExprPtr operand, DataType to)
    : Expr(ExprKind::kCast, to, operand->nullable() || ForceNullable(operand->type(), to),
           {operand}) {}

std::string CastExpr::ToString() const { return CastSql(child(0)->ToString(), type()); }

Result<Datum> CastExpr::Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const {
  ASSIGN_OR_RAISE(Datum d, child(0)->Eval(ctx, batch, rows));
  if (d.type() != type() && !CanCast(d.type(), type(), ctx.ansi())) {
    return RefusedCast(ToString(), d.type(), type(), ctx.ansi());
  }
  return CastDatum(ctx, d, type(), rows);
}

ExprPtr CastExpr::WithChildren(std::vector<ExprPtr> children) const {
  return std::make_shared<CastExpr>(std::move(children[0]), type());
}

Result<ExprPtr> Cast(ExprPtr operand, DataType to) {
  if (operand->type() == to) return operand;
  if (!CanCast(operand->type(), to, /*ansi=*/false)) {
    return RefusedCast(CastSql(operand->ToString(), to), operand->type(), to, false);
  }
  return ExprPtr(std::make_shared<CastExpr>(std::move(operand), std::move(to)));
}

}  // namespace weir
