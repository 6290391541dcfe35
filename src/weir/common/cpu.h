// What the CPU running weir can do, for kernels with a vector variant chosen at run
// time (a target attribute on the variant, a portable loop beside it).
//
// Thread-safety: safe; each answer is computed once.

#pragma once

namespace weir {

inline bool CpuHasAvx2() {
  static const bool have = __builtin_cpu_supports("avx2");
  return have;
}

}  // namespace weir
