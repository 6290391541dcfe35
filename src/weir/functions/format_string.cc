// format_string / printf: Java's java.util.Formatter (Locale.US), which Spark 3.5
// calls with the arguments' internal values (java_formatter_internal.h says which
// conversions are supported).
//
// As in Spark, arguments reach the formatter as their internal values: a DATE is
// its day number (an Integer), a TIMESTAMP its microseconds (a Long), and a DECIMAL
// is Spark's Decimal class, which %s renders and %d / %f reject. %f and %e round
// the shortest decimal representation of a double HALF_UP, as Java does
// (format_string('%.2f', 0.125) is 0.13).

#include <algorithm>
#include <memory>

#include "weir/expr/cast.h"
#include "weir/functions/java_formatter_internal.h"
#include "weir/functions/registry.h"
#include "weir/functions/string_internal.h"

namespace weir {

namespace {

using formatter::AppendSpec;
using formatter::ArgKind;
using formatter::FormatArg;
using formatter::FormatSpec;
using formatter::ParseFormat;
using formatter::RowArgs;
using strings::StrArg;

// ---- the function ---------------------------------------------------------------------------

// format_string's kernel. Calls carry hidden trailing arguments (the STRING renderings
// of DOUBLE and DECIMAL arguments); Format prints only the user's.
class FormatStringFunction final : public ScalarFunction {
 public:
  FormatStringFunction(std::string name, size_t visible_args, kernels::LambdaFunction::Fn fn)
      : ScalarFunction(std::move(name), DataType::String()),
        visible_args_(visible_args),
        fn_(std::move(fn)) {}

  std::string Format(const std::vector<std::string>& args) const override {
    const size_t n = std::min(args.size(), visible_args_);
    return ScalarFunction::Format(std::vector<std::string>(args.begin(), args.begin() + n));
  }
  Result<Datum> Eval(EvalContext& ctx, const std::vector<Datum>& args,
                     const RowSet& rows) const override {
    return fn_(ctx, args, rows);
  }

 private:
  size_t visible_args_;
  kernels::LambdaFunction::Fn fn_;
};

Result<ExprPtr> ResolveFormatString(const char* name, std::vector<ExprPtr> args) {
  const std::vector<ExprPtr> original = args;
  ASSIGN_OR_RAISE(args[0], strings::Coerce(name, original, 0, strings::Expect::kString));
  std::optional<Value> constant_format = strings::ConstantValue(args[0]);
  std::shared_ptr<const std::vector<FormatSpec>> constant;
  if (constant_format && !constant_format->is_null()) {
    const std::string& f = constant_format->str();
    if (f.find("%0$") != std::string::npos) {
      return Status::InvalidSql(
          "[INVALID_PARAMETER_VALUE.ZERO_INDEX] The value of parameter(s) `strfmt` in `" +
          std::string(name) + "` is invalid: expects `%1$`, `%2$` and so on, but got `%0$`.");
    }
    ASSIGN_OR_RAISE(std::vector<FormatSpec> specs, ParseFormat(f));
    constant = std::make_shared<const std::vector<FormatSpec>>(std::move(specs));
  }
  std::vector<FormatArg> kinds;
  const size_t n = args.size();
  for (size_t k = 1; k < n; ++k) {
    FormatArg a{ArgKind::kNull, k};
    switch (args[k]->type().id()) {
      case TypeId::kNull:
        break;
      case TypeId::kBoolean:
        a.kind = ArgKind::kBoolean;
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        a.kind = ArgKind::kInteger;
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        a.kind = ArgKind::kLong;
        break;
      case TypeId::kString:
        a.kind = ArgKind::kString;
        break;
      case TypeId::kDouble:
      case TypeId::kDecimal:
        a.kind = args[k]->type().id() == TypeId::kDouble ? ArgKind::kDouble : ArgKind::kDecimal;
        a.rendered = args.size();
        {
          ASSIGN_OR_RAISE(ExprPtr text, Cast(args[k], DataType::String()));
          args.push_back(std::move(text));
        }
        break;
      default:
        return Status::Unsupported(
            "`" + std::string(name) + "` does not support arguments of type " +
            QuoteType(args[k]->type()) + " yet: " + DescribeCall(name, original));
    }
    kinds.push_back(a);
  }
  auto fn = std::make_shared<FormatStringFunction>(
      name, original.size(),
      [constant, kinds](EvalContext&, const std::vector<Datum>& in,
                        const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);  // NULL only for a NULL format
        const StrArg format(in[0]);
        std::vector<FormatSpec> parsed;
        std::string last_format, scratch, tmp, upper;
        bool have_parsed = false;
        RETURN_NOT_OK(
            strings::ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
              const std::string_view f = format[i].view();
              const std::vector<FormatSpec>* specs = constant.get();
              if (specs == nullptr) {
                if (!have_parsed || f != last_format) {
                  ASSIGN_OR_RAISE(parsed, ParseFormat(f));
                  last_format.assign(f);
                  have_parsed = true;
                }
                specs = &parsed;
              }
              scratch.clear();
              const RowArgs row{kinds, in, i};
              for (const FormatSpec& s : *specs)
                RETURN_NOT_OK(AppendSpec(f, s, row, &scratch, &tmp, &upper));
              out.Set(i, scratch);
              return Status::OK();
            }));
        return out.Finish();
      });
  return Call(std::move(fn), std::move(args));
}

}  // namespace

void RegisterFormatFunctions(FunctionRegistry* registry) {
  registry->Register({"format_string", 1, -1,
                      "format_string(strfmt, obj, ...) - Returns a formatted string from "
                      "printf-style format strings.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveFormatString("format_string", std::move(args));
                      }});
  registry->Register({"printf", 1, -1,
                      "printf(strfmt, obj, ...) - Returns a formatted string from printf-style "
                      "format strings.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveFormatString("printf", std::move(args));
                      }});
}

}  // namespace weir
