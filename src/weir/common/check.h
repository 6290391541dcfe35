// Checks for programmer errors: conditions that only a bug in weir can violate.
// Never use them for anything user input can reach; return a Status instead.
//
// WEIR_CHECK* are always on. WEIR_DCHECK* are on unless NDEBUG is defined; weir's
// Release builds keep them on ("Release with assertions"), so they may be used in
// code that is not a hot loop.
//
// The comparison forms print both operands: "WEIR_CHECK_LT(a, b) failed: 7 vs 5".

#pragma once

#include <sstream>
#include <string>

namespace weir::internal {

[[noreturn]] void CheckFailed(const char* file, int line, const char* expr,
                              const std::string& detail);

template <typename A, typename B>
std::string FormatOperands(const A& a, const B& b) {
  std::ostringstream os;
  os << a << " vs " << b;
  return os.str();
}

}  // namespace weir::internal

#define WEIR_CHECK(cond)                                            \
  do {                                                              \
    if (__builtin_expect(!(cond), 0)) {                             \
      ::weir::internal::CheckFailed(__FILE__, __LINE__, #cond, ""); \
    }                                                               \
  } while (false)

#define WEIR_CHECK_OP(op, a, b)                                                          \
  do {                                                                                   \
    const auto& _weir_a = (a);                                                           \
    const auto& _weir_b = (b);                                                           \
    if (__builtin_expect(!(_weir_a op _weir_b), 0)) {                                    \
      ::weir::internal::CheckFailed(__FILE__, __LINE__, #a " " #op " " #b,               \
                                    ::weir::internal::FormatOperands(_weir_a, _weir_b)); \
    }                                                                                    \
  } while (false)

#define WEIR_CHECK_EQ(a, b) WEIR_CHECK_OP(==, a, b)
#define WEIR_CHECK_NE(a, b) WEIR_CHECK_OP(!=, a, b)
#define WEIR_CHECK_LT(a, b) WEIR_CHECK_OP(<, a, b)
#define WEIR_CHECK_LE(a, b) WEIR_CHECK_OP(<=, a, b)
#define WEIR_CHECK_GT(a, b) WEIR_CHECK_OP(>, a, b)
#define WEIR_CHECK_GE(a, b) WEIR_CHECK_OP(>=, a, b)

#ifdef NDEBUG
#define WEIR_DCHECK(cond) \
  do {                    \
  } while (false && (cond))
#define WEIR_DCHECK_OP(op, a, b) \
  do {                           \
  } while (false && ((a)op(b)))
#else
#define WEIR_DCHECK(cond) WEIR_CHECK(cond)
#define WEIR_DCHECK_OP(op, a, b) WEIR_CHECK_OP(op, a, b)
#endif

#define WEIR_DCHECK_EQ(a, b) WEIR_DCHECK_OP(==, a, b)
#define WEIR_DCHECK_NE(a, b) WEIR_DCHECK_OP(!=, a, b)
#define WEIR_DCHECK_LT(a, b) WEIR_DCHECK_OP(<, a, b)
#define WEIR_DCHECK_LE(a, b) WEIR_DCHECK_OP(<=, a, b)
#define WEIR_DCHECK_GT(a, b) WEIR_DCHECK_OP(>, a, b)
#define WEIR_DCHECK_GE(a, b) WEIR_DCHECK_OP(>=, a, b)
