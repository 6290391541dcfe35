#include "weir/functions/unicode_case.h"

#include <algorithm>
#include <iterator>

#include "weir/functions/string_internal.h"

namespace weir::unicode {

namespace {

// `count` code points first, first + stride, ... map to themselves plus `delta`.
struct CaseRun {
  uint32_t first;
  uint32_t count;
  uint32_t stride;
  int32_t delta;
};

// A code point whose mapping is several code points.
struct CaseExpansion {
  uint32_t cp;
  int n;
  uint32_t out[3];
};

#include "weir/functions/unicode_case_tables.inc"

template <size_t N>
uint32_t MapByRuns(const CaseRun (&runs)[N], uint32_t cp) {
  const CaseRun* it = std::upper_bound(std::begin(runs), std::end(runs), cp,
                                       [](uint32_t v, const CaseRun& r) { return v < r.first; });
  if (it == std::begin(runs)) return cp;
  const CaseRun& r = *(it - 1);
  const uint32_t offset = cp - r.first;
  if (offset % r.stride != 0 || offset / r.stride >= r.count) return cp;
  return static_cast<uint32_t>(static_cast<int64_t>(cp) + r.delta);
}

template <size_t N>
const CaseExpansion* FindExpansion(const CaseExpansion (&table)[N], uint32_t cp) {
  const CaseExpansion* it =
      std::lower_bound(std::begin(table), std::end(table), cp,
                       [](const CaseExpansion& e, uint32_t v) { return e.cp < v; });
  return it != std::end(table) && it->cp == cp ? it : nullptr;
}

template <size_t R, size_t E>
int MapFull(const CaseRun (&runs)[R], const CaseExpansion (&expansions)[E], uint32_t cp,
            uint32_t out[3]) {
  if (const CaseExpansion* e = FindExpansion(expansions, cp)) {
    for (int k = 0; k < e->n; ++k) out[k] = e->out[k];
    return e->n;
  }
  out[0] = MapByRuns(runs, cp);
  return 1;
}

constexpr uint32_t kCapitalSigma = 0x3A3;
constexpr uint32_t kSmallSigma = 0x3C3;
constexpr uint32_t kFinalSigma = 0x3C2;

void AppendMapped(const uint32_t* cps, int n, std::string* out) {
  for (int k = 0; k < n; ++k) strings::AppendUtf8(cps[k], out);
}

}  // namespace

int ToUpperFull(uint32_t cp, uint32_t out[3]) {
  if (cp < 0x80) {
    out[0] = (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    return 1;
  }
  return MapFull(kUpperRuns, kUpperExpansions, cp, out);
}

int ToLowerFull(uint32_t cp, uint32_t out[3]) {
  if (cp < 0x80) {
    out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return 1;
  }
  return MapFull(kLowerRuns, kLowerExpansions, cp, out);
}

uint32_t ToTitleSimple(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  if (cp > 0xFFFF) return cp;
  return MapByRuns(kTitleRuns, cp);
}

bool IsCased(uint32_t cp) {
  uint32_t buf[3];
  if (ToLowerFull(cp, buf) != 1 || buf[0] != cp) return true;
  if (ToUpperFull(cp, buf) != 1 || buf[0] != cp) return true;
  return ToTitleSimple(cp) != cp;
}

void AppendUpperCase(std::string_view s, std::string* out) {
  uint32_t mapped[3];
  for (size_t i = 0; i < s.size();) {
    int len;
    const uint32_t cp = strings::DecodeUtf8(s, i, &len);
    i += static_cast<size_t>(len);
    AppendMapped(mapped, ToUpperFull(cp, mapped), out);
  }
}

void AppendLowerCase(std::string_view s, std::string* out) {
  uint32_t mapped[3];
  uint32_t prev = 0;  // the previous code point of the input, for the final-sigma rule
  for (size_t i = 0; i < s.size();) {
    int len;
    const uint32_t cp = strings::DecodeUtf8(s, i, &len);
    i += static_cast<size_t>(len);
    if (cp == kCapitalSigma) {
      // Java lower-cases a capital sigma that ends a word after a cased letter to the
      // final form (ConditionalSpecialCasing "Final_Sigma").
      bool final_form = prev != 0 && IsCased(prev);
      if (final_form && i < s.size()) {
        int next_len;
        final_form = !IsCased(strings::DecodeUtf8(s, i, &next_len));
      }
      strings::AppendUtf8(final_form ? kFinalSigma : kSmallSigma, out);
    } else {
      AppendMapped(mapped, ToLowerFull(cp, mapped), out);
    }
    prev = cp;
  }
}

}  // namespace weir::unicode
