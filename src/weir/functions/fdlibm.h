// exp, log, log10 and pow exactly as java.lang.StrictMath computes them (fdlibm 5.3),
// which Spark's Exp, Log, Log2, Log10, Logarithm and Pow call. The C library's
// functions differ from these in the last bit for several percent of arguments, so
// weir carries its own port to give Spark's answers bit for bit (internal to
// weir_functions).
//
// Thread-safety: pure functions.

#pragma once

namespace weir::fdlibm {

double Exp(double x);
double Log(double x);
double Log10(double x);
double Pow(double x, double y);

}  // namespace weir::fdlibm
