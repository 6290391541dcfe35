// A C++ port of four functions of fdlibm 5.3, the library behind java.lang.StrictMath.
// The algorithms and constants are Sun's; the notice below comes with them:
//
// ====================================================
// Copyright (C) 1993, 2004 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
//
// The results depend on every operation being rounded to double exactly as written:
// weir builds with -std=c++20 (no floating-point contraction into FMA) on SSE2.

#include "weir/functions/fdlibm.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace weir::fdlibm {

namespace {

inline uint64_t Bits(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof(b));
  return b;
}
inline double FromBits(uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof(x));
  return x;
}
// The high and low 32-bit words of a double, as fdlibm's __HI and __LO.
inline int32_t Hi(double x) { return static_cast<int32_t>(Bits(x) >> 32); }
inline uint32_t Lo(double x) { return static_cast<uint32_t>(Bits(x)); }
inline double WithHi(double x, int32_t hi) {
  return FromBits((static_cast<uint64_t>(static_cast<uint32_t>(hi)) << 32) |
                  (Bits(x) & 0xffffffffu));
}
inline double WithLo(double x, uint32_t lo) {
  return FromBits((Bits(x) & 0xffffffff00000000u) | lo);
}
inline double FromWords(int32_t hi, uint32_t lo) {
  return FromBits((static_cast<uint64_t>(static_cast<uint32_t>(hi)) << 32) | lo);
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kHuge = 1.0e300;
constexpr double kTiny = 1.0e-300;

// Shared by exp and pow: the coefficients of R(r*r) ~ r*(exp(r)+1)/(exp(r)-1).
constexpr double kP1 = 1.66666666666666019037e-01;   // 0x3FC55555, 0x5555553E
constexpr double kP2 = -2.77777777770155933842e-03;  // 0xBF66C16C, 0x16BEBD93
constexpr double kP3 = 6.61375632143793436117e-05;   // 0x3F11566A, 0xAF25DE2C
constexpr double kP4 = -1.65339022054652515390e-06;  // 0xBEBBBD41, 0xC5D26BF1
constexpr double kP5 = 4.13813679705723846039e-08;   // 0x3E663769, 0x72BEA4D0

}  // namespace

// e_exp.c: reduce x = k*ln2 + r with |r| <= 0.5*ln2, approximate exp(r) with a
// rational function, scale by 2^k.
double Exp(double x) {
  constexpr double kHalf[2] = {0.5, -0.5};
  constexpr double kTwoM1000 = 9.33263618503218878990e-302;  // 2^-1000
  constexpr double kOverflow = 7.09782712893383973096e+02;
  constexpr double kUnderflow = -7.45133219101941108420e+02;
  constexpr double kLn2Hi[2] = {6.93147180369123816490e-01, -6.93147180369123816490e-01};
  constexpr double kLn2Lo[2] = {1.90821492927058770002e-10, -1.90821492927058770002e-10};
  constexpr double kInvLn2 = 1.44269504088896338700e+00;

  double hi = 0, lo = 0;
  int32_t k = 0;
  uint32_t hx = static_cast<uint32_t>(Hi(x));
  const int xsb = static_cast<int>((hx >> 31) & 1);
  hx &= 0x7fffffff;

  if (hx >= 0x40862E42) {  // |x| >= 709.78...
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | Lo(x)) != 0) return x + x;  // NaN
      return xsb == 0 ? x : 0.0;                        // exp(+-inf) = {inf, 0}
    }
    if (x > kOverflow) return kInf;
    if (x < kUnderflow) return kTwoM1000 * kTwoM1000;
  }

  if (hx > 0x3fd62e42) {    // |x| > 0.5 ln2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5 ln2
      hi = x - kLn2Hi[xsb];
      lo = kLn2Lo[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = static_cast<int32_t>(kInvLn2 * x + kHalf[xsb]);
      const double t = k;
      hi = x - t * kLn2Hi[0];  // t * ln2HI is exact here
      lo = t * kLn2Lo[0];
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {  // |x| < 2^-28
    if (kHuge + x > 1.0) return 1.0 + x;
  }

  const double t = x * x;
  const double c = x - t * (kP1 + t * (kP2 + t * (kP3 + t * (kP4 + t * kP5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return WithHi(y, Hi(y) + (k << 20));
  y = WithHi(y, Hi(y) + ((k + 1000) << 20));
  return y * kTwoM1000;
}

// e_log.c: x = 2^k * (1+f) with sqrt(2)/2 < 1+f < sqrt(2); log(1+f) from a polynomial
// in s = f/(2+f).
double Log(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 3fe62e42 fee00000
  constexpr double kLn2Lo = 1.90821492927058770002e-10;  // 3dea39ef 35793c76
  constexpr double kTwo54 = 1.80143985094819840000e+16;  // 43500000 00000000
  constexpr double kLg1 = 6.666666666666735130e-01;      // 3FE55555 55555593
  constexpr double kLg2 = 3.999999999940941908e-01;      // 3FD99999 9997FA04
  constexpr double kLg3 = 2.857142874366239149e-01;      // 3FD24924 94229359
  constexpr double kLg4 = 2.222219843214978396e-01;      // 3FCC71C5 1D8E78AF
  constexpr double kLg5 = 1.818357216161805012e-01;      // 3FC74664 96CB03DE
  constexpr double kLg6 = 1.531383769920937332e-01;      // 3FC39A09 D078C69F
  constexpr double kLg7 = 1.479819860511658591e-01;      // 3FC2F112 DF3E5244

  int32_t hx = Hi(x);
  const uint32_t lx = Lo(x);
  int32_t k = 0;
  if (hx < 0x00100000) {                                                    // x < 2^-1022
    if (((hx & 0x7fffffff) | static_cast<int32_t>(lx)) == 0) return -kInf;  // log(+-0)
    if (hx < 0) return kNaN;                                                // log(-#)
    k -= 54;
    x *= kTwo54;  // subnormal: scale up
    hx = Hi(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  int32_t i = (hx + 0x95f64) & 0x100000;
  x = WithHi(x, hx | (i ^ 0x3ff00000));  // normalize x or x/2
  k += (i >> 20);
  const double f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {  // |f| < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const double dk = k;
      return dk * kLn2Hi + dk * kLn2Lo;
    }
    const double r = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - r;
    const double dk = k;
    return dk * kLn2Hi - ((r - dk * kLn2Lo) - f);
  }
  const double s = f / (2.0 + f);
  const double dk = k;
  const double z = s * s;
  i = hx - 0x6147a;
  const double w = z * z;
  const int32_t j = 0x6b851 - hx;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  i |= j;
  const double r = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + r));
    return dk * kLn2Hi - ((hfsq - (s * (hfsq + r) + dk * kLn2Lo)) - f);
  }
  if (k == 0) return f - s * (f - r);
  return dk * kLn2Hi - ((s * (f - r) - dk * kLn2Lo) - f);
}

// e_log10.c: log10(x) = n*log10(2) + log(x / 2^n) / ln(10), split for exactness.
double Log10(double x) {
  constexpr double kTwo54 = 1.80143985094819840000e+16;
  constexpr double kInvLn10 = 4.34294481903251816668e-01;     // 0x3FDBCB7B, 0x1526E50E
  constexpr double kLog10of2Hi = 3.01029995663611771306e-01;  // 0x3FD34413, 0x509F6000
  constexpr double kLog10of2Lo = 3.69423907715893078616e-13;  // 0x3D59FEF3, 0x11F12B36

  int32_t hx = Hi(x);
  const uint32_t lx = Lo(x);
  int32_t k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | static_cast<int32_t>(lx)) == 0) return -kInf;
    if (hx < 0) return kNaN;
    k -= 54;
    x *= kTwo54;
    hx = Hi(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  const int32_t i = static_cast<int32_t>((static_cast<uint32_t>(k) & 0x80000000u) >> 31);
  hx = (hx & 0x000fffff) | ((0x3ff - i) << 20);
  const double y = static_cast<double>(k + i);
  x = WithHi(x, hx);
  const double z = y * kLog10of2Lo + kInvLn10 * Log(x);
  return z + y * kLog10of2Hi;
}

// e_pow.c: log2(|x|) in two pieces, y*log2(|x|) = n + y' in simulated extra
// precision, then 2^n * exp(y' * ln2).
double Pow(double x, double y) {
  constexpr double kBp[2] = {1.0, 1.5};
  constexpr double kDpH[2] = {0.0, 5.84962487220764160156e-01};  // 0x3FE2B803, 0x40000000
  constexpr double kDpL[2] = {0.0, 1.35003920212974897128e-08};  // 0x3E4CFDEB, 0x43CFD006
  constexpr double kTwo53 = 9007199254740992.0;
  // Coefficients for (3/2)*(log(x)-2s-2/3*s**3).
  constexpr double kL1 = 5.99999999999994648725e-01;      // 0x3FE33333, 0x33333303
  constexpr double kL2 = 4.28571428578550184252e-01;      // 0x3FDB6DB6, 0xDB6FABFF
  constexpr double kL3 = 3.33333329818377432918e-01;      // 0x3FD55555, 0x518F264D
  constexpr double kL4 = 2.72728123808534006489e-01;      // 0x3FD17460, 0xA91D4101
  constexpr double kL5 = 2.30660745775561754067e-01;      // 0x3FCD864A, 0x93C9DB65
  constexpr double kL6 = 2.06975017800338417784e-01;      // 0x3FCA7E28, 0x4A454EEF
  constexpr double kLg2 = 6.93147180559945286227e-01;     // 0x3FE62E42, 0xFEFA39EF
  constexpr double kLg2H = 6.93147182464599609375e-01;    // 0x3FE62E43, 0x00000000
  constexpr double kLg2L = -1.90465429995776804525e-09;   // 0xBE205C61, 0x0CA86C39
  constexpr double kOvt = 8.0085662595372944372e-17;      // -(1024-log2(ovfl+.5ulp))
  constexpr double kCp = 9.61796693925975554329e-01;      // 2/(3ln2)
  constexpr double kCpH = 9.61796700954437255859e-01;     // (float)cp
  constexpr double kCpL = -7.02846165095275826516e-09;    // tail of cp_h
  constexpr double kIvLn2 = 1.44269504088896338700e+00;   // 1/ln2
  constexpr double kIvLn2H = 1.44269502162933349609e+00;  // 24-bit 1/ln2
  constexpr double kIvLn2L = 1.92596299112661746887e-08;  // 1/ln2 tail

  const int32_t hx = Hi(x);
  const uint32_t lx = Lo(x);
  const int32_t hy = Hi(y);
  const uint32_t ly = Lo(y);
  int32_t ix = hx & 0x7fffffff;
  const int32_t iy = hy & 0x7fffffff;

  if ((static_cast<uint32_t>(iy) | ly) == 0) return 1.0;  // x**0 = 1

  if (ix > 0x7ff00000 || (ix == 0x7ff00000 && lx != 0) || iy > 0x7ff00000 ||
      (iy == 0x7ff00000 && ly != 0)) {
    return x + y;  // NaN
  }

  // yisint: 0 when y is not an integer, 1 for an odd integer, 2 for an even one.
  int yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) {
      yisint = 2;
    } else if (iy >= 0x3ff00000) {
      const int k = (iy >> 20) - 0x3ff;  // exponent
      if (k > 20) {
        const uint32_t j = ly >> (52 - k);
        if ((j << (52 - k)) == ly) yisint = 2 - static_cast<int>(j & 1);
      } else if (ly == 0) {
        const uint32_t j = static_cast<uint32_t>(iy) >> (20 - k);
        if ((j << (20 - k)) == static_cast<uint32_t>(iy)) yisint = 2 - static_cast<int>(j & 1);
      }
    }
  }

  if (ly == 0) {
    if (iy == 0x7ff00000) {                                                   // y is +-inf
      if (((ix - 0x3ff00000) | static_cast<int32_t>(lx)) == 0) return y - y;  // (+-1)**+-inf
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0.0;  // (|x|>1)**+-inf = inf, 0
      return hy < 0 ? -y : 0.0;                        // (|x|<1)**-,+inf = inf, 0
    }
    if (iy == 0x3ff00000) return hy < 0 ? 1.0 / x : x;     // y is +-1
    if (hy == 0x40000000) return x * x;                    // y is 2
    if (hy == 0x3fe00000 && hx >= 0) return std::sqrt(x);  // y is 0.5, x >= +0
  }

  double ax = std::fabs(x);
  if (lx == 0 && (ix == 0x7ff00000 || ix == 0 || ix == 0x3ff00000)) {
    double z = ax;  // x is +-0, +-inf, +-1
    if (hy < 0) z = 1.0 / z;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) == 0) {
        z = kNaN;  // (-1)**non-int
      } else if (yisint == 1) {
        z = -z;  // (x<0)**odd = -(|x|**odd)
      }
    }
    return z;
  }

  int32_t n = (hx >> 31) + 1;
  if ((n | yisint) == 0) return kNaN;  // (x<0)**(non-int)

  double s = 1.0;  // the sign of the result: -1 for (-ve)**(odd int)
  if ((n | (yisint - 1)) == 0) s = -1.0;

  double t1, t2;
  if (iy > 0x41e00000) {    // |y| > 2^31
    if (iy > 0x43f00000) {  // |y| > 2^64: must over/underflow
      if (ix <= 0x3fefffff) return hy < 0 ? kInf : 0.0;
      if (ix >= 0x3ff00000) return hy > 0 ? kInf : 0.0;
    }
    // Over/underflow if x is not close to one.
    if (ix < 0x3fefffff) return hy < 0 ? s * kInf : s * kTiny * kTiny;
    if (ix > 0x3ff00000) return hy > 0 ? s * kInf : s * kTiny * kTiny;
    // |1-x| <= 2^-20: log(x) by x - x^2/2 + x^3/3 - x^4/4.
    const double t = ax - 1.0;  // 20 trailing zeros
    const double w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const double u = kIvLn2H * t;  // 21 significant bits
    const double v = t * kIvLn2L - w * kIvLn2;
    t1 = WithLo(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) {  // subnormal x
      ax *= kTwo53;
      n -= 53;
      ix = Hi(ax);
    }
    n += ((ix) >> 20) - 0x3ff;
    const int32_t j = ix & 0x000fffff;
    int k;
    ix = j | 0x3ff00000;  // normalize ix
    if (j <= 0x3988E) {
      k = 0;  // |x| < sqrt(3/2)
    } else if (j < 0xBB67A) {
      k = 1;  // |x| < sqrt(3)
    } else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = WithHi(ax, ix);

    // ss = s_h + s_l = (x-1)/(x+1) or (x-1.5)/(x+1.5).
    double u = ax - kBp[k];
    double v = 1.0 / (ax + kBp[k]);
    const double ss = u * v;
    const double s_h = WithLo(ss, 0);
    // t_h = ax + bp[k], high part.
    double t_h = FromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0);
    double t_l = ax - (t_h - kBp[k]);
    const double s_l = v * ((u - s_h * t_h) - s_h * t_l);
    // log(ax).
    double s2 = ss * ss;
    double r = s2 * s2 * (kL1 + s2 * (kL2 + s2 * (kL3 + s2 * (kL4 + s2 * (kL5 + s2 * kL6)))));
    r += s_l * (s_h + ss);
    s2 = s_h * s_h;
    t_h = WithLo(3.0 + s2 + r, 0);
    t_l = r - ((t_h - 3.0) - s2);
    // u + v = ss * (1 + ...).
    u = s_h * t_h;
    v = s_l * t_h + t_l * ss;
    // 2/(3 log2) * (ss + ...).
    const double p_h = WithLo(u + v, 0);
    const double p_l = v - (p_h - u);
    const double z_h = kCpH * p_h;  // cp_h + cp_l = 2/(3*log2)
    const double z_l = kCpL * p_h + p_l * kCp + kDpL[k];
    // log2(ax) = (ss + ...) * 2/(3*log2) = n + dp_h + z_h + z_l.
    const double t = static_cast<double>(n);
    t1 = WithLo(((z_h + z_l) + kDpH[k]) + t, 0);
    t2 = z_l - (((t1 - t) - kDpH[k]) - z_h);
  }

  // Split y into y1 + y2 and compute (y1 + y2) * (t1 + t2).
  const double y1 = WithLo(y, 0);
  const double p_l = (y - y1) * t1 + y * t2;
  double p_h = y1 * t1;
  double z = p_l + p_h;
  int32_t j = Hi(z);
  const uint32_t i = Lo(z);
  if (j >= 0x40900000) {                                                    // z >= 1024
    if ((static_cast<uint32_t>(j - 0x40900000) | i) != 0) return s * kInf;  // z > 1024
    if (p_l + kOvt > z - p_h) return s * kInf;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {  // z <= -1075
    if (((static_cast<uint32_t>(j) - 0xc090cc00u) | i) != 0) return s * kTiny * kTiny;
    if (p_l <= z - p_h) return s * kTiny * kTiny;
  }

  // 2^(p_h + p_l).
  const int32_t ia = j & 0x7fffffff;
  int k = (ia >> 20) - 0x3ff;
  n = 0;
  if (ia > 0x3fe00000) {  // |z| > 0.5: n = [z + 0.5]
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;  // new k for n
    const double t = FromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    p_h -= t;
  }
  const double t = WithLo(p_l + p_h, 0);
  const double u = t * kLg2H;
  const double v = (p_l - (t - p_h)) * kLg2 + t * kLg2L;
  z = u + v;
  const double w = v - (z - u);
  const double tt = z * z;
  const double t1b = z - tt * (kP1 + tt * (kP2 + tt * (kP3 + tt * (kP4 + tt * kP5))));
  const double r = (z * t1b) / (t1b - 2.0) - (w + z * w);
  z = 1.0 - (r - z);
  j = Hi(z);
  j += static_cast<int32_t>(static_cast<uint32_t>(n) << 20);
  if ((j >> 20) <= 0) {
    z = std::scalbn(z, n);  // subnormal output
  } else {
    z = WithHi(z, Hi(z) + static_cast<int32_t>(static_cast<uint32_t>(n) << 20));
  }
  return s * z;
}

}  // namespace weir::fdlibm
