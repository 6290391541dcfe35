// Conditional and NULL functions: coalesce, if, nullif, nvl/ifnull, nvl2, isnull,
// isnotnull, greatest, least. CASE WHEN is an expression node (expr.h); these
// resolve to it or to Coalesce where Spark defines them that way.

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/expr/row_merger.h"
#include "weir/functions/builtins.h"
#include "weir/functions/kernel_util.h"
#include "weir/functions/ordering.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

// The common type of all arguments (TypeCoercion.findWiderCommonType), or a
// DATA_DIFF_TYPES error naming the function.
Result<DataType> CommonType(std::string_view name, const std::vector<ExprPtr>& args) {
  DataType common = DataType::Null();
  for (const ExprPtr& a : args) {
    std::optional<DataType> w = WiderType(common, a->type());
    if (!w) {
      std::string types;
      for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0) types += ", ";
        types += QuoteType(args[i]->type());
      }
      return DataTypeMismatch("DATA_DIFF_TYPES", DescribeCall(name, args),
                              "Input to `" + std::string(name) +
                                  "` should all be the same type, but it's [" + types + "].");
    }
    common = *w;
  }
  return common;
}

Result<std::vector<ExprPtr>> CastAll(std::vector<ExprPtr> args, const DataType& type) {
  for (ExprPtr& a : args) {
    ASSIGN_OR_RAISE(a, Cast(a, type));
  }
  return args;
}

// The predicate of IF / the first argument of nvl2: BOOLEAN, or a NULL literal.
Result<ExprPtr> Predicate(std::string_view name, const std::vector<ExprPtr>& args, ExprPtr p) {
  if (p->type().is_null()) return Cast(p, DataType::Boolean());
  if (p->type().id() != TypeId::kBoolean) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
                            "Parameter 1 requires the \"BOOLEAN\" type, however \"" +
                                p->ToString() + "\" has the type " + QuoteType(p->type()) + ".");
  }
  return p;
}

Result<ExprPtr> ResolveCoalesce(std::vector<ExprPtr> args, const ResolveOptions&) {
  ASSIGN_OR_RAISE(DataType type, CommonType("coalesce", args));
  ASSIGN_OR_RAISE(args, CastAll(std::move(args), type));
  return Coalesce(std::move(args));
}

Result<ExprPtr> ResolveIf(std::vector<ExprPtr> args, const ResolveOptions&) {
  ASSIGN_OR_RAISE(ExprPtr pred, Predicate("if", args, args[0]));
  std::vector<ExprPtr> branches = {args[1], args[2]};
  ASSIGN_OR_RAISE(DataType type, CommonType("if", branches));
  ASSIGN_OR_RAISE(branches, CastAll(std::move(branches), type));
  return CaseWhen({{pred, branches[0]}}, branches[1]);
}

Result<ExprPtr> ResolveNullIf(std::vector<ExprPtr> args, const ResolveOptions& options) {
  // nullif(a, b) = IF(a = b, NULL, a).
  ASSIGN_OR_RAISE(ExprPtr eq, FunctionRegistry::Builtins().Resolve("=", args, options));
  return CaseWhen({{eq, Literal(Value::Null(args[0]->type()))}}, args[0]);
}

Result<ExprPtr> ResolveNvl2(std::vector<ExprPtr> args, const ResolveOptions&) {
  std::vector<ExprPtr> branches = {args[1], args[2]};
  ASSIGN_OR_RAISE(DataType type, CommonType("nvl2", branches));
  ASSIGN_OR_RAISE(branches, CastAll(std::move(branches), type));
  return CaseWhen({{IsNotNull(args[0]), branches[0]}}, branches[1]);
}

// greatest / least: the largest (smallest) non-NULL argument; NULL only when all are.
Result<ExprPtr> ResolveExtreme(bool greatest, std::vector<ExprPtr> args) {
  const char* name = greatest ? "greatest" : "least";
  ASSIGN_OR_RAISE(DataType type, CommonType(name, args));
  if (type.id() == TypeId::kMap) {
    return DataTypeMismatch("INVALID_ORDERING_TYPE", DescribeCall(name, args),
                            std::string("The `") + name + "` does not support ordering on type " +
                                QuoteType(type) + ".");
  }
  ASSIGN_OR_RAISE(args, CastAll(std::move(args), type));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      name, type,
      [greatest, type](EvalContext&, const std::vector<Datum>& in,
                       const RowSet& rows) -> Result<Datum> {
        // Pick, per row, which argument wins, then gather with a merger.
        std::vector<std::vector<uint32_t>> winners(in.size());
        rows.ForEach([&](int64_t i) {
          int best = -1;
          for (size_t k = 0; k < in.size(); ++k) {
            if (in[k].IsNull(i)) continue;
            if (best < 0) {
              best = static_cast<int>(k);
              continue;
            }
            const Datum& b = in[static_cast<size_t>(best)];
            int c = kernels::CompareRows(in[k].col(), in[k].Index(i), b.col(), b.Index(i));
            if (greatest ? c > 0 : c < 0) best = static_cast<int>(k);
          }
          if (best >= 0) winners[static_cast<size_t>(best)].push_back(static_cast<uint32_t>(i));
        });
        RowMerger merger(type, rows.physical_rows());
        for (size_t k = 0; k < in.size(); ++k) {
          if (!winners[k].empty()) merger.Put(in[k], RowSet(rows.physical_rows(), winners[k]));
        }
        return merger.Finish();
      });
  return Call(std::move(fn), std::move(args));
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry* registry) {
  registry->Register({"coalesce", 1, -1,
                      "coalesce(expr1, expr2, ...) - Returns the first non-null argument if "
                      "exists. Otherwise, null.",
                      ResolveCoalesce});
  registry->Register({"nvl", 2, 2,
                      "nvl(expr1, expr2) - Returns expr2 if expr1 is null, or expr1 otherwise.",
                      ResolveCoalesce});
  registry->Alias("ifnull", "nvl");
  registry->Register({"if", 3, 3,
                      "if(expr1, expr2, expr3) - If expr1 evaluates to true, then returns expr2; "
                      "otherwise returns expr3.",
                      ResolveIf});
  registry->Register({"nullif", 2, 2,
                      "nullif(expr1, expr2) - Returns null if expr1 equals to expr2, or expr1 "
                      "otherwise.",
                      ResolveNullIf});
  registry->Register({"nvl2", 3, 3,
                      "nvl2(expr1, expr2, expr3) - Returns expr2 if expr1 is not null, or expr3 "
                      "otherwise.",
                      ResolveNvl2});
  registry->Register({"isnull", 1, 1,
                      "isnull(expr) - Returns true if expr is null, or false otherwise.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
                        return IsNull(args[0]);
                      }});
  registry->Register({"isnotnull", 1, 1,
                      "isnotnull(expr) - Returns true if expr is not null, or false otherwise.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
                        return IsNotNull(args[0]);
                      }});
  registry->Register({"greatest", 2, -1,
                      "greatest(expr, ...) - Returns the greatest value of all parameters, "
                      "skipping null values.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveExtreme(true, std::move(args));
                      }});
  registry->Register({"least", 2, -1,
                      "least(expr, ...) - Returns the least value of all parameters, skipping "
                      "null values.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveExtreme(false, std::move(args));
                      }});
}

}  // namespace weir
