#include "weir/functions/decimal_arith.h"

#include <algorithm>

#include "weir/common/check.h"

namespace weir::decimal {

namespace {

// Splits into 32-bit limbs, least significant first; returns how many are in use.
int ToWords(const UInt256& v, uint32_t* w) {
  for (int i = 0; i < 4; ++i) {
    w[2 * i] = static_cast<uint32_t>(v.limb[i]);
    w[2 * i + 1] = static_cast<uint32_t>(v.limb[i] >> 32);
  }
  int n = 8;
  while (n > 0 && w[n - 1] == 0) --n;
  return n;
}

UInt256 FromWords(const uint32_t* w, int n) {
  UInt256 r;
  for (int i = 0; i < n; ++i) r.limb[i / 2] |= static_cast<uint64_t>(w[i]) << (32 * (i % 2));
  return r;
}

// Knuth's algorithm D (TAOCP 4.3.1) on 32-bit limbs, after Hacker's Delight's divmnu:
// q (m - n + 1 limbs) = u / v, r (n limbs) = u % v. REQUIRES: m >= n >= 2, v[n-1] != 0.
void DivideWords(const uint32_t* u, int m, const uint32_t* v, int n, uint32_t* q, uint32_t* r) {
  constexpr uint64_t kBase = uint64_t{1} << 32;
  const int s = __builtin_clz(v[n - 1]);  // normalize so the divisor's top bit is set
  uint32_t vn[8];
  uint32_t un[9];
  for (int i = n - 1; i > 0; --i) {
    vn[i] = static_cast<uint32_t>((static_cast<uint64_t>(v[i]) << s) |
                                  (static_cast<uint64_t>(v[i - 1]) >> (32 - s)));
  }
  vn[0] = static_cast<uint32_t>(static_cast<uint64_t>(v[0]) << s);
  un[m] = static_cast<uint32_t>(static_cast<uint64_t>(u[m - 1]) >> (32 - s));
  for (int i = m - 1; i > 0; --i) {
    un[i] = static_cast<uint32_t>((static_cast<uint64_t>(u[i]) << s) |
                                  (static_cast<uint64_t>(u[i - 1]) >> (32 - s)));
  }
  un[0] = static_cast<uint32_t>(static_cast<uint64_t>(u[0]) << s);

  for (int j = m - n; j >= 0; --j) {
    const uint64_t num = (static_cast<uint64_t>(un[j + n]) << 32) | un[j + n - 1];
    uint64_t qhat = num / vn[n - 1];
    uint64_t rhat = num - qhat * vn[n - 1];
    while (qhat >= kBase || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
      --qhat;
      rhat += vn[n - 1];
      if (rhat >= kBase) break;
    }
    // Multiply and subtract qhat * vn from un[j .. j+n].
    int64_t borrow = 0;
    int64_t t = 0;
    for (int i = 0; i < n; ++i) {
      const uint64_t p = qhat * vn[i];
      t = static_cast<int64_t>(un[i + j]) - borrow - static_cast<int64_t>(p & 0xFFFFFFFFu);
      un[i + j] = static_cast<uint32_t>(t);
      borrow = static_cast<int64_t>(p >> 32) - (t >> 32);
    }
    t = static_cast<int64_t>(un[j + n]) - borrow;
    un[j + n] = static_cast<uint32_t>(t);
    q[j] = static_cast<uint32_t>(qhat);
    if (t < 0) {  // qhat was one too large: add the divisor back
      --q[j];
      uint64_t carry = 0;
      for (int i = 0; i < n; ++i) {
        const uint64_t sum = static_cast<uint64_t>(un[i + j]) + vn[i] + carry;
        un[i + j] = static_cast<uint32_t>(sum);
        carry = sum >> 32;
      }
      un[j + n] = static_cast<uint32_t>(un[j + n] + carry);
    }
  }
  for (int i = 0; i < n - 1; ++i) {
    r[i] = static_cast<uint32_t>((static_cast<uint64_t>(un[i]) >> s) |
                                 (static_cast<uint64_t>(un[i + 1]) << (32 - s)));
  }
  r[n - 1] = static_cast<uint32_t>(static_cast<uint64_t>(un[n - 1]) >> s);
}

// *v /= d; returns the remainder. REQUIRES: d != 0.
uint64_t DivSmall(UInt256* v, uint64_t d) {
  UInt128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    const UInt128 cur = (rem << 64) | v->limb[i];
    v->limb[i] = static_cast<uint64_t>(cur / d);
    rem = cur % d;
  }
  return static_cast<uint64_t>(rem);
}

// *v *= m; false when the product needs more than 256 bits.
bool MulU64(UInt256* v, uint64_t m) {
  UInt128 carry = 0;
  for (uint64_t& limb : v->limb) {
    const UInt128 t = static_cast<UInt128>(limb) * m + carry;
    limb = static_cast<uint64_t>(t);
    carry = t >> 64;
  }
  return carry == 0;
}

constexpr uint64_t kPow10U64[20] = {1ull,
                                    10ull,
                                    100ull,
                                    1000ull,
                                    10000ull,
                                    100000ull,
                                    1000000ull,
                                    10000000ull,
                                    100000000ull,
                                    1000000000ull,
                                    10000000000ull,
                                    100000000000ull,
                                    1000000000000ull,
                                    10000000000000ull,
                                    100000000000000ull,
                                    1000000000000000ull,
                                    10000000000000000ull,
                                    100000000000000000ull,
                                    1000000000000000000ull,
                                    10000000000000000000ull};

struct Pow10Table {
  UInt256 v[kMaxPow10 + 1];
  Pow10Table() {
    v[0] = UInt256::FromU128(1);
    for (int i = 1; i <= kMaxPow10; ++i) {
      v[i] = v[i - 1];
      MulU64(&v[i], 10);
    }
  }
};

const Pow10Table& Powers() {
  static const Pow10Table table;
  return table;
}

// The digits of m, at least 1.
int DigitCountU256(const UInt256& m) {
  int n = 1;
  while (n <= kMaxPow10 && Compare(m, Pow10(n)) >= 0) ++n;
  return n;
}

// Rounds the magnitude m (scale `from`) HALF_UP to scale `to` and stores it with its
// sign when it fits `precision` digits.
uint8_t Finish(UInt256 m, bool negative, int from, int to, int precision, Int128* out) {
  if (to < from) {
    m = DivideRounded(m, Pow10(from - to), negative, RoundingMode::kHalfUp);
  } else if (to > from && !MulPow10(&m, to - from)) {
    return kDecimalOverflow;
  }
  if (!m.FitsU128() || m.ToU128() >= static_cast<UInt128>(PowerOfTen(precision))) {
    return kDecimalOverflow;
  }
  *out = WithSign(m.ToU128(), negative);
  return kDecimalOk;
}

// |a| and |b| aligned to the plan's common scale.
void Align(const DecimalBinaryPlan& plan, UInt128 ma, UInt128 mb, UInt256* a, UInt256* b) {
  *a = UInt256::FromU128(ma);
  *b = UInt256::FromU128(mb);
  // Cannot overflow: a 128-bit magnitude times at most 10^38 < 2^127.
  MulPow10(a, plan.align_scale - plan.s1);
  MulPow10(b, plan.align_scale - plan.s2);
}

// The exact signed sum or difference of a and b, at the common scale.
UInt256 AddSigned(const DecimalBinaryPlan& plan, Int128 a, Int128 b, bool* negative) {
  UInt256 x, y;
  Align(plan, Magnitude(a), Magnitude(b), &x, &y);
  bool nx = a < 0;
  bool ny = b < 0;
  if (plan.op == ArithmeticOp::kSubtract) ny = !ny;
  if (nx == ny) {
    bool carry = false;
    *negative = nx;
    return Add(x, y, &carry);  // no carry: both are below 2^255
  }
  if (Compare(x, y) >= 0) {
    *negative = nx;
    return Sub(x, y);
  }
  *negative = ny;
  return Sub(y, x);
}

// The exact a % b, or pmod(a, b) = ((a % b) + b) % b when negative, at the common
// scale. REQUIRES: b != 0.
UInt256 RemainderMagnitude(const DecimalBinaryPlan& plan, Int128 a, Int128 b, bool* negative) {
  UInt256 x, y, q, r;
  Align(plan, Magnitude(a), Magnitude(b), &x, &y);
  DivMod(x, y, &q, &r);
  *negative = a < 0 && !r.IsZero();  // Java's remainder keeps the dividend's sign
  if (plan.op == ArithmeticOp::kPmod && *negative && b > 0) {
    // ((r + n) % n) with r < 0 < n is n - |r|; with n < 0 it is r itself.
    r = Sub(y, r);
    *negative = false;
  }
  return r;
}

}  // namespace

int Compare(const UInt256& a, const UInt256& b) {
  for (int i = 3; i >= 0; --i) {
    if (a.limb[i] != b.limb[i]) return a.limb[i] < b.limb[i] ? -1 : 1;
  }
  return 0;
}

UInt256 Add(const UInt256& a, const UInt256& b, bool* carry) {
  UInt256 r;
  UInt128 c = 0;
  for (int i = 0; i < 4; ++i) {
    const UInt128 t = static_cast<UInt128>(a.limb[i]) + b.limb[i] + c;
    r.limb[i] = static_cast<uint64_t>(t);
    c = t >> 64;
  }
  *carry = c != 0;
  return r;
}

UInt256 Sub(const UInt256& a, const UInt256& b) {
  UInt256 r;
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const uint64_t x = a.limb[i];
    const uint64_t y = b.limb[i];
    r.limb[i] = x - y - borrow;
    borrow = (x < y || (x == y && borrow != 0)) ? 1 : 0;
  }
  return r;
}

UInt256 MulU128(UInt128 a, UInt128 b) {
  const uint64_t x[2] = {static_cast<uint64_t>(a), static_cast<uint64_t>(a >> 64)};
  const uint64_t y[2] = {static_cast<uint64_t>(b), static_cast<uint64_t>(b >> 64)};
  UInt256 r;
  for (int i = 0; i < 2; ++i) {
    UInt128 carry = 0;
    for (int j = 0; j < 2; ++j) {
      const UInt128 t = static_cast<UInt128>(x[i]) * y[j] + r.limb[i + j] + carry;
      r.limb[i + j] = static_cast<uint64_t>(t);
      carry = t >> 64;
    }
    r.limb[i + 2] = static_cast<uint64_t>(carry);
  }
  return r;
}

bool MulPow10(UInt256* v, int n) {
  WEIR_DCHECK(n >= 0);
  while (n > 0) {
    const int step = std::min(n, 19);
    if (!MulU64(v, kPow10U64[step])) return false;
    n -= step;
  }
  return true;
}

UInt256 Pow10(int n) {
  WEIR_DCHECK(n >= 0 && n <= kMaxPow10);
  return Powers().v[n];
}

void DivMod(const UInt256& n, const UInt256& d, UInt256* q, UInt256* r) {
  WEIR_DCHECK(!d.IsZero());
  if (n.FitsU128() && d.FitsU128()) {
    const UInt128 x = n.ToU128();
    const UInt128 y = d.ToU128();
    *q = UInt256::FromU128(x / y);
    *r = UInt256::FromU128(x % y);
    return;
  }
  if (Compare(n, d) < 0) {
    *q = UInt256();
    *r = n;
    return;
  }
  uint32_t u[8], v[8], qw[8] = {0}, rw[8] = {0};
  const int m = ToWords(n, u);
  const int k = ToWords(d, v);
  if (k == 1) {
    UInt256 quotient = n;
    *r = UInt256::FromU128(DivSmall(&quotient, v[0]));
    *q = quotient;
    return;
  }
  DivideWords(u, m, v, k, qw, rw);
  *q = FromWords(qw, m - k + 1);
  *r = FromWords(rw, k);
}

std::string ToString(const UInt256& v) {
  if (v.IsZero()) return "0";
  std::string digits;
  UInt256 x = v;
  while (!x.IsZero()) {
    uint64_t chunk = DivSmall(&x, kPow10U64[19]);
    for (int i = 0; i < 19 && (chunk != 0 || !x.IsZero()); ++i) {
      digits.push_back(static_cast<char>('0' + chunk % 10));
      chunk /= 10;
    }
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

UInt256 DivideRounded(const UInt256& n, const UInt256& d, bool negative, RoundingMode mode) {
  UInt256 q, r;
  DivMod(n, d, &q, &r);
  if (r.IsZero()) return q;
  bool up = false;
  switch (mode) {
    case RoundingMode::kHalfUp:
      up = Compare(r, Sub(d, r)) >= 0;
      break;
    case RoundingMode::kHalfEven: {
      const int c = Compare(r, Sub(d, r));
      up = c > 0 || (c == 0 && q.IsOdd());
      break;
    }
    case RoundingMode::kFloor:
      up = negative;
      break;
    case RoundingMode::kCeiling:
      up = !negative;
      break;
    case RoundingMode::kDown:
      up = false;
      break;
  }
  if (!up) return q;
  bool carry = false;
  return Add(q, UInt256::FromU128(1), &carry);
}

DecimalBinaryPlan DecimalBinaryPlan::Make(ArithmeticOp op, int p1, int s1, int p2, int s2,
                                          const DataType& result) {
  DecimalBinaryPlan plan;
  plan.op = op;
  plan.p1 = p1;
  plan.s1 = s1;
  plan.p2 = p2;
  plan.s2 = s2;
  plan.p = result.precision();
  plan.s = result.scale();
  plan.align_scale = std::max(s1, s2);
  switch (op) {
    case ArithmeticOp::kAdd:
    case ArithmeticOp::kSubtract: {
      // Unadjusted result type: the aligned operands and their sum fit p <= 38 digits.
      const int exact_precision = std::max(p1 - s1, p2 - s2) + plan.align_scale + 1;
      plan.narrow = exact_precision <= kMaxDecimalPrecision && plan.s == plan.align_scale &&
                    plan.p == exact_precision;
      break;
    }
    case ArithmeticOp::kMultiply:
      plan.narrow = p1 + p2 + 1 <= kMaxDecimalPrecision && plan.s == s1 + s2;
      break;
    default:
      plan.narrow = false;
      break;
  }
  if (plan.narrow && op != ArithmeticOp::kMultiply) {
    plan.mul1 = PowerOfTen(plan.align_scale - s1);
    plan.mul2 = PowerOfTen(plan.align_scale - s2);
  }
  return plan;
}

DecimalBinaryPlan DecimalBinaryPlan::MakeIntegralDivide(int p1, int s1, int p2, int s2) {
  const int int_digits = p1 - s1 + s2;
  const int precision = std::min(int_digits == 0 ? 1 : int_digits, kMaxDecimalPrecision);
  DecimalBinaryPlan plan =
      Make(ArithmeticOp::kDivide, p1, s1, p2, s2, DataType::DecimalUnchecked(precision, 0));
  plan.integral_divide = true;
  return plan;
}

uint8_t ApplyWide(const DecimalBinaryPlan& plan, Int128 a, Int128 b, Int128* out) {
  const UInt128 ma = Magnitude(a);
  const UInt128 mb = Magnitude(b);
  const bool na = a < 0;
  const bool nb = b < 0;
  switch (plan.op) {
    case ArithmeticOp::kAdd:
    case ArithmeticOp::kSubtract: {
      bool negative = false;
      const UInt256 m = AddSigned(plan, a, b, &negative);
      return Finish(m, negative, plan.align_scale, plan.s, plan.p, out);
    }
    case ArithmeticOp::kMultiply:
      return Finish(MulU128(ma, mb), na != nb, plan.s1 + plan.s2, plan.s, plan.p, out);
    case ArithmeticOp::kDivide: {
      if (mb == 0) return kDecimalDivideByZero;
      if (plan.integral_divide) {
        UInt256 x, y, q, r;
        Align(plan, ma, mb, &x, &y);
        DivMod(x, y, &q, &r);
        return Finish(q, na != nb, 0, 0, plan.p, out);
      }
      // Quotient at the result scale: a * 10^(s + s2 - s1) / b, rounded HALF_UP.
      const int k = plan.s + plan.s2 - plan.s1;
      UInt256 n = UInt256::FromU128(ma);
      UInt256 d = UInt256::FromU128(mb);
      if (k >= 0) {
        // A dividend beyond 256 bits gives a quotient beyond 2^256 / 2^128: too big.
        if (!MulPow10(&n, k)) return kDecimalOverflow;
      } else {
        MulPow10(&d, -k);  // at most 10^38 times 128 bits: fits
      }
      return Finish(DivideRounded(n, d, na != nb, RoundingMode::kHalfUp), na != nb, 0, 0, plan.p,
                    out);
    }
    case ArithmeticOp::kRemainder:
    case ArithmeticOp::kPmod: {
      if (mb == 0) return kDecimalDivideByZero;
      bool negative = false;
      const UInt256 r = RemainderMagnitude(plan, a, b, &negative);
      // pmod(-small, big) = big - small can exceed the type Spark gives it: NULL then.
      return Finish(r, negative, plan.align_scale, plan.s, plan.p, out);
    }
  }
  return kDecimalOverflow;
}

std::string MagnitudeToString(const UInt256& m, bool negative, int scale) {
  std::string digits = ToString(m);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) {
      digits.insert(0, static_cast<size_t>(scale + 1) - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  if (negative && !m.IsZero()) digits.insert(0, "-");
  return digits;
}

std::string ExactResultString(const DecimalBinaryPlan& plan, Int128 a, Int128 b) {
  const UInt128 ma = Magnitude(a);
  const UInt128 mb = Magnitude(b);
  const bool negative = (a < 0) != (b < 0);
  switch (plan.op) {
    case ArithmeticOp::kAdd:
    case ArithmeticOp::kSubtract: {
      bool neg = false;
      const UInt256 m = AddSigned(plan, a, b, &neg);
      return MagnitudeToString(m, neg, plan.align_scale);
    }
    case ArithmeticOp::kMultiply:
      return MagnitudeToString(MulU128(ma, mb), negative, plan.s1 + plan.s2);
    case ArithmeticOp::kDivide: {
      if (mb == 0) return "NULL";
      if (plan.integral_divide) {
        UInt256 x, y, q, r;
        Align(plan, ma, mb, &x, &y);
        DivMod(x, y, &q, &r);
        return MagnitudeToString(q, negative, 0);
      }
      // Spark divides at scale 39 rounding down, then rounds to the result type; the
      // message shows that intermediate quotient.
      UInt256 n = UInt256::FromU128(ma);
      UInt256 d = UInt256::FromU128(mb);
      MulPow10(&n, plan.s2);
      MulPow10(&d, plan.s1);
      UInt256 q, r;
      DivMod(n, d, &q, &r);
      std::string out = (negative ? "-" : "") + ToString(q) + ".";
      for (int i = 0; i < 39; ++i) {
        MulU64(&r, 10);  // r < d <= 2^128 * 10^38, so 10 r fits
        UInt256 digit;
        DivMod(r, d, &digit, &r);
        out.push_back(static_cast<char>('0' + digit.limb[0]));
      }
      return out;
    }
    case ArithmeticOp::kRemainder:
    case ArithmeticOp::kPmod: {
      if (mb == 0) return "NULL";
      bool neg = false;
      return MagnitudeToString(RemainderMagnitude(plan, a, b, &neg), neg, plan.align_scale);
    }
  }
  return "";
}

bool RoundDecimal(Int128 v, int from, int to, RoundingMode mode, int precision, Int128* out,
                  int* digits) {
  const bool negative = v < 0;
  UInt256 m = UInt256::FromU128(Magnitude(v));
  bool fits = true;
  if (to >= from) {
    fits = MulPow10(&m, to - from);
  } else {
    const int shift = from - to;
    if (shift > kMaxPow10) {
      // |v| < 2^128 is far below half of 10^78: only FLOOR/CEILING move away from 0.
      const bool up = !m.IsZero() && ((mode == RoundingMode::kFloor && negative) ||
                                      (mode == RoundingMode::kCeiling && !negative));
      m = UInt256::FromU128(up ? 1 : 0);
    } else {
      m = DivideRounded(m, Pow10(shift), negative, mode);
    }
    if (to < 0 && !m.IsZero()) fits = MulPow10(&m, -to);
  }
  if (!fits) {
    if (digits != nullptr) *digits = kMaxPow10 + 1;
    return false;
  }
  const int n = DigitCountU256(m);
  if (n > precision) {
    if (digits != nullptr) *digits = n;
    return false;
  }
  *out = WithSign(m.ToU128(), negative);
  return true;
}

int DigitCount(Int128 v) { return DigitCountU256(UInt256::FromU128(Magnitude(v))); }

}  // namespace weir::decimal
