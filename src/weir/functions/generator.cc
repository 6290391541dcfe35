// explode, explode_outer, posexplode, posexplode_outer (Spark 3.5's generators.scala)
// and json_tuple as a generator.

#include "weir/functions/generator.h"

#include "weir/expr/cast.h"
#include "weir/functions/collection_internal.h"
#include "weir/functions/registry.h"
#include "weir/types/builder.h"

namespace weir {

namespace {

// explode / posexplode over an ARRAY or a MAP. Output columns come from Take on the
// input's child columns, so elements are never copied one by one.
class ExplodeGenerator final : public Generator {
 public:
  ExplodeGenerator(std::string name, std::vector<Field> fields, bool position, bool outer,
                   bool is_map)
      : Generator(std::move(name), std::move(fields)),
        position_(position),
        outer_(outer),
        is_map_(is_map) {}

  Result<GeneratorOutput> Generate(EvalContext&, const std::vector<Datum>& args,
                                   const RowSet& rows) const override {
    const Datum& in = args[0];
    GeneratorOutput out;
    std::vector<uint32_t> element_rows;  // rows of the child columns to take
    std::vector<uint32_t> null_rows;     // output rows that are all NULL (outer)
    Int32Builder pos(DataType::Int32());
    const bool typed = !in.type().is_null();
    rows.ForEach([&](int64_t i) {
      int32_t begin = 0, end = 0;
      if (typed && !in.IsNull(i)) {
        int64_t r = in.Index(i);
        begin = in.col().offsets()[r];
        end = in.col().offsets()[r + 1];
      }
      if (begin == end) {
        // Spark's GenerateExec emits one row of NULLs for outer generators.
        if (!outer_) return;
        null_rows.push_back(static_cast<uint32_t>(out.input_rows.size()));
        out.input_rows.push_back(static_cast<uint32_t>(i));
        element_rows.push_back(0);
        pos.AppendNull();
        return;
      }
      for (int32_t e = begin; e < end; ++e) {
        out.input_rows.push_back(static_cast<uint32_t>(i));
        element_rows.push_back(static_cast<uint32_t>(e));
        pos.Append(e - begin);
      }
    });
    if (position_) out.columns.push_back(pos.Finish());
    const auto n = static_cast<int64_t>(element_rows.size());
    const size_t first_data = position_ ? 1 : 0;
    for (size_t f = first_data; f < output_fields().size(); ++f) {
      const DataType& type = output_fields()[f].type;
      int child = static_cast<int>(f - first_data);
      if (!typed || in.col().child(child)->length() == 0) {
        out.columns.push_back(Column::MakeAllNull(type, n));
        continue;
      }
      ColumnPtr taken = in.col().child(child)->Take(element_rows.data(), n);
      out.columns.push_back(collection_internal::WithNullRows(taken, null_rows));
    }
    (void)is_map_;
    return out;
  }

 private:
  bool position_;
  bool outer_;
  bool is_map_;
};

// A generator that evaluates a scalar function returning a struct and emits each
// input row once, its fields as the columns (json_tuple).
class StructGenerator final : public Generator {
 public:
  StructGenerator(std::string name, ScalarFunctionPtr fn)
      : Generator(std::move(name), fn->result_type().fields()), fn_(std::move(fn)) {}

  Result<GeneratorOutput> Generate(EvalContext& ctx, const std::vector<Datum>& args,
                                   const RowSet& rows) const override {
    ASSIGN_OR_RAISE(Datum d, fn_->Eval(ctx, args, rows));
    GeneratorOutput out;
    rows.ForEach([&](int64_t i) { out.input_rows.push_back(static_cast<uint32_t>(i)); });
    ColumnPtr col = d.Materialize(rows.physical_rows());
    for (const ColumnPtr& child : col->children()) {
      out.columns.push_back(
          child->Take(out.input_rows.data(), static_cast<int64_t>(out.input_rows.size())));
    }
    return out;
  }

 private:
  ScalarFunctionPtr fn_;
};

Result<GeneratorPtr> ResolveExplode(const std::string& name, std::vector<ExprPtr>& args) {
  if (args.size() != 1) {
    return Status::InvalidSql("[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `" + name +
                              "` requires 1 parameters but the actual number is " +
                              std::to_string(args.size()) + ".");
  }
  const bool position = name.rfind("pos", 0) == 0;
  const bool outer = name.size() > 6 && name.compare(name.size() - 6, 6, "_outer") == 0;
  DataType t = args[0]->type();
  if (t.is_null()) {
    t = DataType::Array(DataType::Null());
    ASSIGN_OR_RAISE(args[0], Cast(args[0], t));
  }
  std::vector<Field> fields;
  // Spark: `pos` is INT and never NULL (except in the NULL row of an outer variant).
  if (position) fields.push_back({"pos", DataType::Int32(), outer});
  if (t.id() == TypeId::kArray) {
    fields.push_back({"col", t.element_type(), true});
  } else if (t.id() == TypeId::kMap) {
    fields.push_back({"key", t.key_type(), outer});
    fields.push_back({"value", t.value_type(), true});
  } else {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
                            "Parameter 1 requires the (\"ARRAY\" or \"MAP\") type, however \"" +
                                args[0]->ToString() + "\" has the type " + QuoteType(t) + ".");
  }
  return GeneratorPtr(std::make_shared<ExplodeGenerator>(name, std::move(fields), position, outer,
                                                         t.id() == TypeId::kMap));
}

}  // namespace

bool IsGenerator(std::string_view name) {
  std::string n = AsciiLower(name);
  return n == "explode" || n == "explode_outer" || n == "posexplode" || n == "posexplode_outer" ||
         n == "json_tuple";
}

Result<GeneratorPtr> ResolveGenerator(std::string_view name, std::vector<ExprPtr>& args) {
  std::string n = AsciiLower(name);
  if (n == "json_tuple") {
    ASSIGN_OR_RAISE(ExprPtr call, FunctionRegistry::Builtins().Resolve(n, args));
    const auto& c = static_cast<const CallExpr&>(*call);
    args = call->children();
    // The resolved call owns its function; share it with the generator.
    auto fn = std::shared_ptr<const ScalarFunction>(call, &c.function());
    return GeneratorPtr(std::make_shared<StructGenerator>(n, std::move(fn)));
  }
  if (IsGenerator(n)) return ResolveExplode(n, args);
  return Status::InvalidSql("[UNRESOLVED_ROUTINE] Cannot resolve function `" + std::string(name) +
                            "` as a generator.");
}

}  // namespace weir
