// The function library: every built-in scalar function and operator of weir's
// Spark SQL dialect, looked up by name when a query is bound.
//
// Resolving a call checks the argument count and types, applies Spark's implicit
// coercion (inserting Cast nodes), picks the kernel for the argument types, and
// returns the bound expression. A user mistake (unknown name, wrong number of
// arguments, a type the function does not take) is an INVALID_SQL error in Spark's
// words; the binder adds the line and column.
//
// Names are case-insensitive. Operators are registered under their symbols
// ("+", "=", "<=>", ...).
//
// Thread-safety: the built-in registry is immutable after first use; Resolve may be
// called concurrently.

#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/expr.h"

namespace weir {

// Settings that change how calls resolve.
struct ResolveOptions {
  // spark.sql.ansi.enabled: some coercions and result types differ in ANSI mode.
  bool ansi = false;
};

using FunctionResolver =
    std::function<Result<ExprPtr>(std::vector<ExprPtr> args, const ResolveOptions& options)>;

struct FunctionInfo {
  std::string name;
  // Allowed argument counts, inclusive; max_args < 0 means no upper bound.
  int min_args = 0;
  int max_args = -1;
  // One line for DESCRIBE FUNCTION and error hints: "upper(str) - Returns str with all
  // characters changed to uppercase."
  std::string usage;
  FunctionResolver resolve;
};

class FunctionRegistry {
 public:
  // Every built-in function.
  static const FunctionRegistry& Builtins();

  // REQUIRES: the name is not registered yet (checked).
  void Register(FunctionInfo info);
  // Registers `alias` as another name of `name`. REQUIRES: `name` is registered.
  void Alias(std::string_view alias, std::string_view name);

  bool Contains(std::string_view name) const;
  const FunctionInfo* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

  // Binds name(args). Errors: unknown function (with a "did you mean" hint when a
  // registered name is close), wrong argument count, type mismatch.
  Result<ExprPtr> Resolve(std::string_view name, std::vector<ExprPtr> args,
                          const ResolveOptions& options = {}) const;

 private:
  std::map<std::string, FunctionInfo> functions_;  // lower-case name -> info
};

// Helpers for resolvers and callers.

// The closest registered-looking candidate to `name` among `candidates` (edit
// distance at most 2, or a prefix), for "did you mean" hints.
std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string>& candidates);

// `s` with ASCII letters lower-cased: function names are case-insensitive.
std::string AsciiLower(std::string_view s);

// "(a + b)"-style description used in data type mismatch errors.
std::string DescribeCall(std::string_view name, const std::vector<ExprPtr>& args);

// [DATATYPE_MISMATCH.<sub_class>] Cannot resolve "<call>" due to data type mismatch: <detail>.
Status DataTypeMismatch(std::string_view sub_class, std::string_view call, std::string_view detail);

// Spark's rendering of a type in error messages: "INT", "DECIMAL(10,2)".
std::string QuoteType(const DataType& type);

}  // namespace weir
