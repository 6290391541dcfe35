// libFuzzer target for the SQL parser: on any input ParseScript must return statements
// or an INVALID_SQL error with a position, never crash, hang, overflow the stack or
// assert. The names of the SELECT items of a parsed query (ExprName) and
// SplitStatements are exercised on the same input.
//
// Built only with clang (-DWEIR_BUILD_FUZZERS=ON); see docs/sql.md, "Fuzzing".

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "weir/sql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace weir::sql;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto script = ParseScript(input);
  if (!script.ok()) {
    const weir::Status& st = script.status();
    if (st.code() != weir::StatusCode::kInvalidSql || !st.position().valid()) std::abort();
  } else {
    for (const StatementPtr& st : *script) {
      if (st->kind != StatementKind::kQuery) continue;
      const QueryNode& body = *st->query->body;
      for (const SelectItem& item : body.select_list) {
        if (ExprName(*item.expr).size() > 64 * input.size() + 64) std::abort();
      }
    }
  }
  auto pieces = SplitStatements(input);
  if (pieces.ok()) {
    for (std::string_view piece : *pieces) {
      if (piece.empty()) std::abort();
    }
  }
  return 0;
}
