// Collection functions: array, map, struct, named_struct, size, cardinality,
// element_at, array_contains, sort_array, array_distinct (Spark 3.5's
// complexTypeCreator.scala and collectionOperations.scala). The generators explode and
// posexplode live in generator.cc.

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/builtins.h"
#include "weir/functions/collection_internal.h"
#include "weir/functions/kernel_util.h"
#include "weir/functions/ordering.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

using collection_internal::AppendCell;
using collection_internal::ForEachPhysical;

std::string TypeList(const std::vector<ExprPtr>& args) {
  std::string types;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) types += ", ";
    types += QuoteType(args[i]->type());
  }
  return types;
}

// The wider type of `args` (findWiderCommonType), or DATA_DIFF_TYPES naming `name`.
Result<DataType> WiderOfAll(std::string_view name, const std::vector<ExprPtr>& call_args,
                            const std::vector<ExprPtr>& args) {
  DataType common = DataType::Null();
  for (const ExprPtr& a : args) {
    std::optional<DataType> w = WiderType(common, a->type());
    if (!w) {
      return DataTypeMismatch("DATA_DIFF_TYPES", DescribeCall(name, call_args),
                              "Input to `" + std::string(name) +
                                  "` should all be the same type, but it's [" + TypeList(args) +
                                  "].");
    }
    common = *w;
  }
  return common;
}

Status CastAll(std::vector<ExprPtr>* args, const DataType& type) {
  for (ExprPtr& a : *args) {
    ASSIGN_OR_RAISE(a, Cast(a, type));
  }
  return Status::OK();
}

// A result column that is valid exactly at `rows` and built from `children`.
Datum MakeStruct(const DataType& type, std::vector<ColumnPtr> children, const RowSet& rows) {
  ResultValidity validity(rows.physical_rows());
  validity.InitFromRows(rows);
  Column::Parts p;
  p.type = type;
  p.length = rows.physical_rows();
  p.validity = validity.Take();
  p.children = std::move(children);
  return Datum::Flat(Column::Make(std::move(p)));
}

// ---- array, map, struct, named_struct -----------------------------------------------

Status IndexOutOfBounds(int64_t index, int64_t n);

// array(element_at(x, i1), ..., element_at(x, in)) as one function of x (see
// collection_internal.h). Row r's array holds, for each index, the element
// x[r][index] or NULL past the end (or when x[r] is NULL), as the calls give; with
// ANSI on, an index past the end fails as the first such element_at call would.
// Immutable, so thread-safe.
class ArraySlots final : public ScalarFunction {
 public:
  ArraySlots(DataType type, std::vector<int32_t> indices)
      : ScalarFunction("array", std::move(type)), indices_(std::move(indices)) {}

  const std::vector<int32_t>& indices() const { return indices_; }

  std::string Format(const std::vector<std::string>& args) const override {
    std::string out = "array(";
    for (size_t j = 0; j < indices_.size(); ++j) {
      if (j > 0) out += ", ";
      out += "element_at(" + (args.empty() ? std::string() : args[0]) + ", " +
             std::to_string(indices_[j]) + ")";
    }
    return out + ")";
  }

  Result<Datum> Eval(EvalContext& ctx, const std::vector<Datum>& in,
                     const RowSet& rows) const override {
    const Datum& c = in[0];
    const int64_t n = rows.physical_rows();
    const auto m = static_cast<int32_t>(indices_.size());
    ResultValidity validity(n);
    validity.InitFromRows(rows);
    BufferPtr offsets = AllocateBuffer(static_cast<size_t>(n + 1) * sizeof(int32_t));
    offsets->Resize(static_cast<size_t>(n + 1) * sizeof(int32_t));
    int32_t* off = offsets->as<int32_t>();
    off[0] = 0;
    int32_t total = 0;
    ForEachPhysical(
        rows,
        [&](int64_t i) {
          total += m;
          off[i + 1] = total;
        },
        [&](int64_t i) { off[i + 1] = total; });
    std::vector<collection_internal::Pick> picks(static_cast<size_t>(total), {-1, 0});
    // Index by index, as the element_at calls run, so that the first error is theirs.
    for (int32_t j = 0; j < m; ++j) {
      const int32_t index = indices_[static_cast<size_t>(j)];
      Status st;
      rows.ForEach([&](int64_t i) {
        if (!st.ok() || c.IsNull(i)) return;
        const int64_t r = c.Index(i);
        const int32_t begin = c.col().offsets()[r], end = c.col().offsets()[r + 1];
        if (index > end - begin) {
          if (ctx.ansi()) st = IndexOutOfBounds(index, end - begin);
          return;
        }
        picks[static_cast<size_t>(off[i] + j)] = {0, static_cast<uint32_t>(begin + index - 1)};
      });
      RETURN_NOT_OK(st);
    }
    Column::Parts p;
    p.type = result_type();
    p.length = n;
    p.validity = validity.Take();
    p.values = std::move(offsets);
    p.children.push_back(
        collection_internal::Gather(result_type().element_type(), {c.col().child(0).get()}, picks));
    return Datum::Flat(Column::Make(std::move(p)));
  }

 private:
  std::vector<int32_t> indices_;
};

// The array x and the indices when `args` are element_at(x, i) calls over one
// column x with positive INT literal indices.
std::optional<std::pair<ExprPtr, std::vector<int32_t>>> AsArraySlots(
    const std::vector<ExprPtr>& args) {
  if (args.size() < 2) return std::nullopt;
  ExprPtr list;
  std::vector<int32_t> indices;
  for (const ExprPtr& a : args) {
    if (a->kind() != ExprKind::kCall) return std::nullopt;
    const auto& call = static_cast<const CallExpr&>(*a);
    if (call.function().name() != "element_at" || call.children().size() != 2) {
      return std::nullopt;
    }
    const ExprPtr& x = call.children()[0];
    const ExprPtr& i = call.children()[1];
    if (x->type().id() != TypeId::kArray || x->kind() != ExprKind::kColumnRef ||
        i->kind() != ExprKind::kLiteral) {
      return std::nullopt;
    }
    if (list != nullptr && static_cast<const ColumnRefExpr&>(*list).index() !=
                               static_cast<const ColumnRefExpr&>(*x).index()) {
      return std::nullopt;
    }
    const Value& v = static_cast<const LiteralExpr&>(*i).value();
    if (v.is_null() || v.type().id() != TypeId::kInt32 || v.int32() < 1) return std::nullopt;
    list = x;
    indices.push_back(v.int32());
  }
  return std::make_pair(list, std::move(indices));
}

Result<ExprPtr> ResolveArray(std::vector<ExprPtr> args, const ResolveOptions&) {
  // CreateArray: the element type is the wider type of all arguments; array() is
  // ARRAY<VOID> (spark.sql.legacy.createEmptyCollectionUsingStringType = false).
  ASSIGN_OR_RAISE(DataType element, WiderOfAll("array", args, args));
  RETURN_NOT_OK(CastAll(&args, element));
  DataType type = DataType::Array(element);
  if (auto slots = AsArraySlots(args)) {
    return ExprPtr(
        std::make_shared<CallExpr>(std::make_shared<ArraySlots>(type, std::move(slots->second)),
                                   std::vector<ExprPtr>{slots->first}, false));
  }
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "array", type,
      [type](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // The elements are gathered from the arguments in one pass per column (strings
        // shared, not copied); rows outside `rows` are NULL arrays.
        const int64_t n = rows.physical_rows();
        ResultValidity validity(n);
        validity.InitFromRows(rows);
        BufferPtr offsets = AllocateBuffer(static_cast<size_t>(n + 1) * sizeof(int32_t));
        offsets->Resize(static_cast<size_t>(n + 1) * sizeof(int32_t));
        int32_t* off = offsets->as<int32_t>();
        std::vector<collection_internal::Pick> picks;
        picks.reserve(static_cast<size_t>(rows.size()) * in.size());
        off[0] = 0;
        ForEachPhysical(
            rows,
            [&](int64_t i) {
              for (size_t a = 0; a < in.size(); ++a) {
                picks.push_back({static_cast<int32_t>(a), static_cast<uint32_t>(in[a].Index(i))});
              }
              off[i + 1] = static_cast<int32_t>(picks.size());
            },
            [&](int64_t i) { off[i + 1] = static_cast<int32_t>(picks.size()); });
        std::vector<const Column*> sources;
        for (const Datum& d : in) sources.push_back(&d.col());
        Column::Parts p;
        p.type = type;
        p.length = n;
        p.validity = validity.Take();
        p.values = std::move(offsets);
        p.children.push_back(collection_internal::Gather(type.element_type(), sources, picks));
        return Datum::Flat(Column::Make(std::move(p)));
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), false));
}

Result<ExprPtr> ResolveMap(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args.size() % 2 != 0) {
    return DataTypeMismatch("WRONG_NUM_ARGS", DescribeCall("map", args),
                            "The `map` requires 2n (n > 0) parameters but the actual number is " +
                                std::to_string(args.size()) + ".");
  }
  std::vector<ExprPtr> keys, values;
  for (size_t i = 0; i < args.size(); ++i) (i % 2 == 0 ? keys : values).push_back(args[i]);
  ASSIGN_OR_RAISE(DataType key_type, WiderOfAll("map", args, keys));
  ASSIGN_OR_RAISE(DataType value_type, WiderOfAll("map", args, values));
  if (key_type.id() == TypeId::kMap) {
    return DataTypeMismatch("INVALID_MAP_KEY_TYPE", DescribeCall("map", args),
                            "The input to function `map` cannot contain elements of the \"MAP\" "
                            "type. In Spark, same maps may have different hashcode, thus hash "
                            "expressions are prohibited on \"MAP\" elements.");
  }
  RETURN_NOT_OK(CastAll(&keys, key_type));
  RETURN_NOT_OK(CastAll(&values, value_type));
  for (size_t i = 0; i < args.size(); ++i) args[i] = i % 2 == 0 ? keys[i / 2] : values[i / 2];
  DataType type = DataType::Map(key_type, value_type);
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "map", type,
      [type](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        MapBuilder b(type);
        Status st;
        ForEachPhysical(
            rows,
            [&](int64_t i) {
              b.Append();
              const size_t n = in.size() / 2;
              for (size_t k = 0; k < n && st.ok(); ++k) {
                const Datum& key = in[2 * k];
                // ArrayBasedMapBuilder.put: NULL keys and (with the default
                // mapKeyDedupPolicy EXCEPTION) duplicate keys are errors.
                if (key.IsNull(i)) {
                  st = Status::InvalidInput("[NULL_MAP_KEY] Cannot use null as map key.");
                  return;
                }
                for (size_t j = 0; j < k; ++j) {
                  const Datum& other = in[2 * j];
                  if (kernels::CompareRows(key.col(), key.Index(i), other.col(), other.Index(i)) ==
                      0) {
                    st = Status::InvalidInput(
                        "[DUPLICATED_MAP_KEY] Duplicate map key " + key.GetValue(i).ToString() +
                        " was found, please check the input data. If you want to remove the "
                        "duplicated keys, you can set \"spark.sql.mapKeyDedupPolicy\" to "
                        "\"LAST_WIN\" so that the key inserted at last takes precedence.");
                    return;
                  }
                }
                AppendCell(b.key_builder(), key.col(), key.Index(i));
                AppendCell(b.value_builder(), in[2 * k + 1].col(), in[2 * k + 1].Index(i));
              }
            },
            [&](int64_t) { b.AppendNull(); });
        RETURN_NOT_OK(st);
        return Datum::Flat(b.Finish());
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), false));
}

ExprPtr MakeStructCall(std::string name, std::vector<Field> fields, std::vector<ExprPtr> values) {
  DataType type = DataType::Struct(std::move(fields));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      std::move(name), type,
      [type](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        std::vector<ColumnPtr> children;
        for (const Datum& d : in) children.push_back(d.Materialize(rows.physical_rows()));
        return MakeStruct(type, std::move(children), rows);
      });
  return std::make_shared<CallExpr>(std::move(fn), std::move(values), false);
}

Result<ExprPtr> ResolveStruct(std::vector<ExprPtr> args, const ResolveOptions&) {
  // CreateStruct: a column reference keeps its name, anything else is col<i> (1-based).
  std::vector<Field> fields;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = "col" + std::to_string(i + 1);
    if (args[i]->kind() == ExprKind::kColumnRef) {
      name = static_cast<const ColumnRefExpr&>(*args[i]).name();
    }
    fields.push_back({std::move(name), args[i]->type(), true});
  }
  return MakeStructCall("struct", std::move(fields), std::move(args));
}

Result<ExprPtr> ResolveNamedStruct(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args.empty() || args.size() % 2 != 0) {
    return DataTypeMismatch("WRONG_NUM_ARGS", DescribeCall("named_struct", args),
                            "The `named_struct` requires 2n (n > 0) parameters but the actual "
                            "number is " +
                                std::to_string(args.size()) + ".");
  }
  std::vector<Field> fields;
  std::vector<ExprPtr> values;
  for (size_t i = 0; i < args.size(); i += 2) {
    const ExprPtr& name = args[i];
    if (name->kind() != ExprKind::kLiteral || name->type().id() != TypeId::kString) {
      return DataTypeMismatch("CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING",
                              DescribeCall("named_struct", args),
                              "Only foldable `STRING` expressions are allowed to appear at odd "
                              "position, but they are [\"" +
                                  name->ToString() + "\"].");
    }
    const Value& v = static_cast<const LiteralExpr&>(*name).value();
    if (v.is_null()) {
      return DataTypeMismatch("UNEXPECTED_NULL", DescribeCall("named_struct", args),
                              "The null field names cannot be used.");
    }
    fields.push_back({v.str(), args[i + 1]->type(), true});
    values.push_back(args[i + 1]);
  }
  return MakeStructCall("named_struct", std::move(fields), std::move(values));
}

// ---- size, element_at, array_contains --------------------------------------------------

Status ExpectCollection(std::string_view name, const std::vector<ExprPtr>& args, bool allow_map) {
  TypeId id = args[0]->type().id();
  if (id == TypeId::kArray || (allow_map && id == TypeId::kMap) || id == TypeId::kNull) {
    return Status::OK();
  }
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
                          std::string("Parameter 1 requires the ") +
                              (allow_map ? "(\"ARRAY\" or \"MAP\")" : "\"ARRAY\"") +
                              " type, however \"" + args[0]->ToString() + "\" has the type " +
                              QuoteType(args[0]->type()) + ".");
}

Result<ExprPtr> ResolveSize(std::string name, std::vector<ExprPtr> args) {
  RETURN_NOT_OK(ExpectCollection(name, args, true));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      name, DataType::Int32(),
      [](EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // Size: a NULL collection has size -1 while spark.sql.legacy.sizeOfNull is true
        // (the default) and ANSI mode is off; NULL otherwise.
        const Datum& c = in[0];
        FixedResult<int32_t> out(DataType::Int32(), rows);
        bool null_is_null = ctx.ansi();
        if (null_is_null) {
          out.validity().InitFromArgs(&c, 1, rows);
        } else {
          out.validity().InitFromRows(rows);
        }
        bool typed = !c.type().is_null();
        rows.ForEach([&](int64_t i) {
          if (!typed || c.IsNull(i)) {
            out.Set(i, -1);
            if (null_is_null) out.SetNull(i);
            return;
          }
          int64_t r = c.Index(i);
          out.Set(i, c.col().offsets()[r + 1] - c.col().offsets()[r]);
        });
        return out.Finish();
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

Status IndexOutOfBounds(int64_t index, int64_t n) {
  return Status::InvalidInput(
      "[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index " + std::to_string(index) +
      " is out of bounds. The array has " + std::to_string(n) +
      " elements. Use `try_element_at` to tolerate accessing element at invalid index and return "
      "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
      "error.");
}

Result<ExprPtr> ResolveElementAt(std::vector<ExprPtr> args, const ResolveOptions&) {
  const DataType& ct = args[0]->type();
  if (ct.id() != TypeId::kArray && ct.id() != TypeId::kMap) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall("element_at", args),
                            "Parameter 1 requires the (\"ARRAY\" or \"MAP\") type, however \"" +
                                args[0]->ToString() + "\" has the type " + QuoteType(ct) + ".");
  }
  bool is_map = ct.id() == TypeId::kMap;
  DataType key_type = is_map ? ct.key_type() : DataType::Int32();
  DataType result = is_map ? ct.value_type() : ct.element_type();
  if (!args[1]->type().is_null() && is_map && !WiderType(args[1]->type(), key_type).has_value()) {
    return DataTypeMismatch("MAP_FUNCTION_DIFF_TYPES", DescribeCall("element_at", args),
                            "Input to `element_at` should have been \"MAP\" followed by a value "
                            "with same key type, but it's [" +
                                TypeList(args) + "].");
  }
  if (!is_map && !args[1]->type().is_null() && !args[1]->type().is_numeric()) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall("element_at", args),
                            "Parameter 2 requires the \"INT\" type, however \"" +
                                args[1]->ToString() + "\" has the type " +
                                QuoteType(args[1]->type()) + ".");
  }
  ASSIGN_OR_RAISE(args[1], Cast(args[1], key_type));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "element_at", result,
      [is_map, result](EvalContext& ctx, const std::vector<Datum>& in,
                       const RowSet& rows) -> Result<Datum> {
        const Datum& c = in[0];
        const Datum& k = in[1];
        const Column& child = *c.col().child(is_map ? 1 : 0);
        // The hits are gathered in one pass per column afterwards (strings shared).
        std::vector<collection_internal::Pick> picks;
        picks.reserve(static_cast<size_t>(rows.physical_rows()));
        Status st;
        ForEachPhysical(
            rows,
            [&](int64_t i) {
              if (!st.ok() || c.IsNull(i) || k.IsNull(i)) {
                picks.push_back({-1, 0});
                return;
              }
              int64_t r = c.Index(i);
              int32_t begin = c.col().offsets()[r], end = c.col().offsets()[r + 1];
              int64_t hit = -1;
              if (is_map) {
                // Missing keys are NULL in both modes (SPARK-40066, Spark 3.4+).
                const Column& keys = *c.col().child(0);
                for (int32_t e = begin; e < end && hit < 0; ++e) {
                  if (kernels::CompareRows(keys, e, k.col(), k.Index(i)) == 0) hit = e;
                }
              } else {
                int32_t index = k.Get<int32_t>(i);
                int64_t n = end - begin;
                if (index == 0) {
                  st = Status::InvalidInput(
                      "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be "
                      "either < 0 or > 0 (the first element has index 1).");
                } else if (index > n || -static_cast<int64_t>(index) > n) {
                  if (ctx.ansi()) st = IndexOutOfBounds(index, n);
                } else {
                  hit = index > 0 ? begin + index - 1 : end + index;
                }
              }
              picks.push_back({hit < 0 ? -1 : 0, static_cast<uint32_t>(hit < 0 ? 0 : hit)});
            },
            [&](int64_t) {
              picks.push_back({-1, 0});
            });
        RETURN_NOT_OK(st);
        return Datum::Flat(collection_internal::Gather(result, {&child}, picks));
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

Result<ExprPtr> ResolveArrayContains(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(ExpectCollection("array_contains", args, false));
  if (args[1]->type().is_null()) {
    return DataTypeMismatch("NULL_TYPE", DescribeCall("array_contains", args),
                            "Null typed values cannot be used as arguments of `array_contains`.");
  }
  DataType element = args[0]->type().is_null() ? DataType::Null() : args[0]->type().element_type();
  // findWiderTypeWithoutStringPromotionForTwo: no promotion of a non-string to STRING.
  std::optional<DataType> wider = WiderType(element, args[1]->type());
  bool ok = wider.has_value();
  DataType common = ok ? *wider : DataType::Null();
  if (ok && common.id() == TypeId::kString &&
      ((element.id() != TypeId::kString && !element.is_null()) ||
       args[1]->type().id() != TypeId::kString)) {
    ok = false;
  }
  if (!ok) {
    return DataTypeMismatch("ARRAY_FUNCTION_DIFF_TYPES", DescribeCall("array_contains", args),
                            "Input to `array_contains` should have been \"ARRAY\" followed by a "
                            "value with same element type, but it's [" +
                                TypeList(args) + "].");
  }
  ASSIGN_OR_RAISE(args[0], Cast(args[0], DataType::Array(common)));
  ASSIGN_OR_RAISE(args[1], Cast(args[1], common));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "array_contains", DataType::Boolean(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // TRUE when an element equals the value; else NULL when an element is NULL;
        // else FALSE. A NULL array or value gives NULL.
        const Datum& a = in[0];
        const Datum& v = in[1];
        FixedResult<uint8_t> out(DataType::Boolean(), rows);
        out.validity().InitFromArgs(in.data(), 2, rows);
        rows.ForEach([&](int64_t i) {
          if (a.IsNull(i) || v.IsNull(i)) return;
          int64_t r = a.Index(i);
          const Column& elements = *a.col().child(0);
          bool saw_null = false;
          for (int32_t e = a.col().offsets()[r]; e < a.col().offsets()[r + 1]; ++e) {
            if (elements.IsNull(e)) {
              saw_null = true;
            } else if (kernels::CompareRows(elements, e, v.col(), v.Index(i)) == 0) {
              out.Set(i, 1);
              return;
            }
          }
          out.Set(i, 0);
          if (saw_null) out.SetNull(i);
        });
        return out.Finish();
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

// ---- sort_array, array_distinct ---------------------------------------------------------

bool Orderable(const DataType& t) {
  switch (t.id()) {
    case TypeId::kMap:
      return false;
    case TypeId::kArray:
      return Orderable(t.element_type());
    case TypeId::kStruct:
      for (const Field& f : t.fields()) {
        if (!Orderable(f.type)) return false;
      }
      return true;
    default:
      return true;
  }
}

// An ARRAY result whose row i holds elements order[offsets[i]..offsets[i+1]) of
// `elements`; rows invalid in `validity` are NULL.
Datum ArrayFromIndices(const DataType& type, const Column& elements,
                       const std::vector<uint32_t>& order, const std::vector<int32_t>& offsets,
                       BufferPtr validity) {
  Column::Parts p;
  p.type = type;
  p.length = static_cast<int64_t>(offsets.size()) - 1;
  p.validity = std::move(validity);
  p.values = AllocateBuffer(offsets.size() * sizeof(int32_t));
  p.values->Resize(offsets.size() * sizeof(int32_t));
  std::copy(offsets.begin(), offsets.end(), p.values->as<int32_t>());
  p.children = {elements.Take(order.data(), static_cast<int64_t>(order.size()))};
  return Datum::Flat(Column::Make(std::move(p)));
}

// Runs `reorder(begin, end, &order)` for each valid row, appending the element
// indices of its result; assembles the result column.
template <typename Reorder>
Datum RebuildArrays(const DataType& type, const Datum& a, const RowSet& rows, Reorder&& reorder) {
  ResultValidity validity(rows.physical_rows());
  validity.InitFromArgs(&a, 1, rows);
  std::vector<int32_t> offsets(static_cast<size_t>(rows.physical_rows()) + 1, 0);
  std::vector<uint32_t> order;
  int64_t next = 0;
  auto close_until = [&](int64_t i) {
    for (; next < i; ++next) offsets[next + 1] = static_cast<int32_t>(order.size());
  };
  rows.ForEach([&](int64_t i) {
    close_until(i);
    if (!a.IsNull(i)) {
      int64_t r = a.Index(i);
      reorder(a.col().offsets()[r], a.col().offsets()[r + 1], &order);
    }
    offsets[i + 1] = static_cast<int32_t>(order.size());
    next = i + 1;
  });
  close_until(rows.physical_rows());
  return ArrayFromIndices(type, *a.col().child(0), order, offsets, validity.Take());
}

Result<ExprPtr> ResolveSortArray(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(ExpectCollection("sort_array", args, false));
  if (args[0]->type().is_null()) {
    ASSIGN_OR_RAISE(args[0], Cast(args[0], DataType::Array(DataType::Null())));
  }
  if (!Orderable(args[0]->type().element_type())) {
    return DataTypeMismatch("INVALID_ORDERING_TYPE", DescribeCall("sort_array", args),
                            "The `sort_array` does not support ordering on type " +
                                QuoteType(args[0]->type().element_type()) + ".");
  }
  bool ascending = true;
  if (args.size() == 2) {
    if (args[1]->type().id() != TypeId::kBoolean) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall("sort_array", args),
                              "Parameter 2 requires the \"BOOLEAN\" type, however \"" +
                                  args[1]->ToString() + "\" has the type " +
                                  QuoteType(args[1]->type()) + ".");
    }
    if (args[1]->kind() != ExprKind::kLiteral ||
        static_cast<const LiteralExpr&>(*args[1]).value().is_null()) {
      return DataTypeMismatch("NON_FOLDABLE_INPUT", DescribeCall("sort_array", args),
                              "the input `ascendingOrder` should be a foldable \"BOOLEAN\" "
                              "expression; however, got \"" +
                                  args[1]->ToString() + "\".");
    }
    // The literal stays an argument (the kernel ignores it): plans print the
    // direction, and the optimizer's top-K rule (plan/top_k.cc) reads it.
    ascending = static_cast<const LiteralExpr&>(*args[1]).value().boolean();
  }
  DataType type = args[0]->type();
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "sort_array", type,
      [ascending, type](EvalContext&, const std::vector<Datum>& in,
                        const RowSet& rows) -> Result<Datum> {
        const Column& elements = *in[0].col().child(0);
        // NULLs sort first ascending and last descending: CompareRows ranks NULL
        // lowest, and descending order reverses the comparison.
        auto in_order = [&](uint32_t x, uint32_t y) {
          const int c = kernels::CompareRows(elements, x, elements, y);
          return ascending ? c <= 0 : c >= 0;
        };
        // Arrays already in order (as the optimizer's bounded top-K aggregate hands
        // them over, plan/top_k.cc) are the answer as they are, since a stable sort
        // keeps an ordered array, equal elements included: one comparison per
        // element instead of a sort and a copy.
        if (rows.is_all() && !in[0].is_constant() && in[0].col().length() == rows.size()) {
          const int32_t* off = in[0].col().offsets();
          bool ordered = true;
          for (int64_t r = 0; ordered && r < rows.size(); ++r) {
            for (int32_t e = off[r]; ordered && e + 1 < off[r + 1]; ++e) {
              ordered = in_order(static_cast<uint32_t>(e), static_cast<uint32_t>(e + 1));
            }
          }
          if (ordered) return in[0];
        }
        return RebuildArrays(
            type, in[0], rows, [&](int32_t begin, int32_t end, std::vector<uint32_t>* order) {
              size_t start = order->size();
              for (int32_t e = begin; e < end; ++e) {
                order->push_back(static_cast<uint32_t>(e));
              }
              std::stable_sort(order->begin() + static_cast<ptrdiff_t>(start), order->end(),
                               [&](uint32_t x, uint32_t y) {
                                 int c = kernels::CompareRows(elements, x, elements, y);
                                 return ascending ? c < 0 : c > 0;
                               });
            });
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

Result<ExprPtr> ResolveArrayDistinct(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(ExpectCollection("array_distinct", args, false));
  if (args[0]->type().is_null()) {
    ASSIGN_OR_RAISE(args[0], Cast(args[0], DataType::Array(DataType::Null())));
  }
  if (!Orderable(args[0]->type().element_type())) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall("array_distinct", args),
                            "array_distinct does not support elements of type " +
                                QuoteType(args[0]->type().element_type()) + ".");
  }
  DataType type = args[0]->type();
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "array_distinct", type,
      [type](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        const Column& elements = *in[0].col().child(0);
        std::vector<uint32_t> sorted;
        // Keeps the first occurrence of each value (one NULL at most), in input order:
        // sort positions stably by value, keep each run's first, restore the order.
        return RebuildArrays(
            type, in[0], rows, [&](int32_t begin, int32_t end, std::vector<uint32_t>* order) {
              sorted.clear();
              for (int32_t e = begin; e < end; ++e) sorted.push_back(static_cast<uint32_t>(e));
              std::stable_sort(sorted.begin(), sorted.end(), [&](uint32_t x, uint32_t y) {
                return kernels::CompareRows(elements, x, elements, y) < 0;
              });
              size_t start = order->size();
              for (size_t k = 0; k < sorted.size(); ++k) {
                if (k == 0 ||
                    kernels::CompareRows(elements, sorted[k - 1], elements, sorted[k]) != 0) {
                  order->push_back(sorted[k]);
                }
              }
              std::sort(order->begin() + static_cast<ptrdiff_t>(start), order->end());
            });
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

}  // namespace

void RegisterCollectionFunctions(FunctionRegistry* registry) {
  registry->Register({"array", 0, -1,
                      "array(expr, ...) - Returns an array with the given elements.",
                      ResolveArray});
  registry->Register({"map", 0, -1,
                      "map(key0, value0, key1, value1, ...) - Creates a map with the given "
                      "key/value pairs.",
                      ResolveMap});
  registry->Register({"struct", 1, -1,
                      "struct(col1, col2, col3, ...) - Creates a struct with the given field "
                      "values.",
                      ResolveStruct});
  registry->Register({"named_struct", 1, -1,
                      "named_struct(name1, val1, name2, val2, ...) - Creates a struct with the "
                      "given field names and values.",
                      ResolveNamedStruct});
  registry->Register({"size", 1, 1,
                      "size(expr) - Returns the size of an array or a map. Returns -1 if null "
                      "and spark.sql.legacy.sizeOfNull is true and ANSI mode is off.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveSize("size", std::move(args));
                      }});
  registry->Register({"cardinality", 1, 1,
                      "cardinality(expr) - Returns the size of an array or a map.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveSize("cardinality", std::move(args));
                      }});
  registry->Register({"element_at", 2, 2,
                      "element_at(array, index) - Returns element of array at given (1-based) "
                      "index. element_at(map, key) - Returns value for given key.",
                      ResolveElementAt});
  registry->Register({"array_contains", 2, 2,
                      "array_contains(array, value) - Returns true if the array contains the "
                      "value.",
                      ResolveArrayContains});
  registry->Register({"sort_array", 1, 2,
                      "sort_array(array[, ascendingOrder]) - Sorts the input array in ascending "
                      "or descending order according to the natural ordering of the array "
                      "elements.",
                      ResolveSortArray});
  registry->Register({"array_distinct", 1, 1,
                      "array_distinct(array) - Removes duplicate values from the array.",
                      ResolveArrayDistinct});
}

}  // namespace weir

namespace weir::collection_internal {

const std::vector<int32_t>* ArraySlotIndices(const ScalarFunction& fn) {
  const auto* slots = dynamic_cast<const ArraySlots*>(&fn);
  return slots == nullptr ? nullptr : &slots->indices();
}

}  // namespace weir::collection_internal
