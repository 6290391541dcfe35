// EventRandom: the random draws of one Nexmark event (bench/nexmark/README.md).
//
// Every event's draws come from its own generator, seeded with the event id, so an
// event is a pure function of its id and the configuration: any range of events can
// be generated, in any order and on any thread, and gives the same rows every time
// (NEXMARK.md's first deviation from the Flink repository, which shares one
// java.util.Random across all events of a generator).
//
// The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
// number generators", OOPSLA 2014; the generator behind Java's SplittableRandom): a
// 64-bit counter advanced by the golden-ratio increment and passed through a
// variant-13 finalizer. It passes BigCrush, costs a few cycles per draw and has 8
// bytes of state, so seeding one per event is free. The initial state is the
// finalizer applied to (seed XOR kSeedSalt): consecutive ids start at unrelated
// points of the sequence.
//
// Mappings used by the formulas:
//   Rand(n)    = floor(Next() * n / 2^64)   (Lemire's multiply-shift; n > 0), uniform
//                on [0, n) up to a bias below n / 2^64, i.e. none for these n
//   Uniform01  = (Next() >> 11) * 2^-53     the 53-bit doubles of [0, 1)
//   Letters    = 4 letters per draw: each 16-bit lane x of Next() gives
//                'a' + floor(x * 26 / 2^16) (bias below 26 / 2^16 per letter)
//
// Thread-safety: a value type; one object per thread.

#pragma once

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>

#include "weir/common/cpu.h"
#endif

namespace weir::nexmark {

class EventRandom {
 public:
  // Distinguishes event streams from the other streams seeded with small integers
  // (the channels' URLs).
  static constexpr uint64_t kSeedSalt = 0x6e65786d61726b31;  // "nexmark1"
  // SplitMix64's increment: 2^64 / golden ratio, odd.
  static constexpr uint64_t kGamma = 0x9e3779b97f4a7c15;

  explicit EventRandom(uint64_t seed) : state_(Mix(seed ^ kSeedSalt)) {}

  uint64_t Next() {
    state_ += kGamma;
    return Mix(state_);
  }

  // Uniform on [0, n). REQUIRES: n > 0.
  int64_t Rand(int64_t n) {
    return static_cast<int64_t>(
        (static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(n)) >> 64);
  }

  // Uniform on [0, 1).
  double Uniform01() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Writes `n` random lowercase letters to out[0..n): the 16-bit lanes of successive
  // draws, lowest first, each mapped to 'a' + floor(lane * 26 / 2^16). A block of
  // draws is made from a local copy of the state (so that they pipeline) into an
  // array of lanes, which a second loop maps (vectorized: pmulhuw on x86).
  void Letters(char* out, int64_t n) {
#if defined(__x86_64__)
    if (CpuHasAvx2()) {
      state_ = LettersAvx2(state_, out, n);
      return;
    }
#endif
    constexpr int64_t kBlock = 64;  // letters per block: 16 draws
    uint16_t lanes[kBlock];
    uint64_t state = state_;
    for (int64_t at = 0; at < n; at += kBlock) {
      const int64_t m = n - at < kBlock ? n - at : kBlock;
      for (int64_t d = 0; d < (m + 3) / 4; ++d) {
        state += kGamma;
        const uint64_t x = Mix(state);
        for (int j = 0; j < 4; ++j) lanes[4 * d + j] = static_cast<uint16_t>(x >> (16 * j));
      }
      for (int64_t i = 0; i < m; ++i) {
        out[at + i] = static_cast<char>('a' + ((static_cast<uint32_t>(lanes[i]) * 26) >> 16));
      }
    }
    state_ = state;
  }

#if defined(__x86_64__)
  // Letters from `state`, four draws (16 letters) at a time in the lanes of AVX2
  // registers: the same draws and letters as the scalar loop. Returns the state
  // after them.
  __attribute__((target("avx2"))) static uint64_t LettersAvx2(uint64_t state, char* out,
                                                              int64_t n) {
    const __m256i step = _mm256_set1_epi64x(static_cast<int64_t>(4 * kGamma));
    __m256i s = _mm256_add_epi64(
        _mm256_set1_epi64x(static_cast<int64_t>(state)),
        _mm256_setr_epi64x(static_cast<int64_t>(kGamma), static_cast<int64_t>(2 * kGamma),
                           static_cast<int64_t>(3 * kGamma), static_cast<int64_t>(4 * kGamma)));
    const __m256i a = _mm256_set1_epi8('a');
    const __m256i twenty_six = _mm256_set1_epi16(26);
    int64_t at = 0;
    for (; at < n; at += 16) {
      const __m256i x = MixAvx2(s);
      s = _mm256_add_epi64(s, step);
      // 16 lanes of 16 bits, in the scalar order (draw by draw, lowest lane first),
      // each to 'a' + floor(lane * 26 / 2^16), then narrowed to bytes in order.
      const __m256i v = _mm256_mulhi_epu16(x, twenty_six);
      const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(v, v), 0x08);
      const __m128i letters =
          _mm_add_epi8(_mm256_castsi256_si128(packed), _mm256_castsi256_si128(a));
      if (n - at >= 16) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at), letters);
      } else {
        char last[16];
        _mm_storeu_si128(reinterpret_cast<__m128i*>(last), letters);
        std::memcpy(out + at, last, static_cast<size_t>(n - at));
      }
    }
    // ceil(n / 4) draws, as the scalar loop makes.
    return state + static_cast<uint64_t>((n + 3) / 4) * kGamma;
  }

  // x * c modulo 2^64 in each 64-bit lane (AVX2 multiplies 32-bit halves only).
  __attribute__((target("avx2"))) static __m256i MulLo64Avx2(__m256i x, uint64_t c) {
    const __m256i lo = _mm256_set1_epi64x(static_cast<int64_t>(c & 0xffffffffu));
    const __m256i hi = _mm256_set1_epi64x(static_cast<int64_t>(c >> 32));
    const __m256i ll = _mm256_mul_epu32(x, lo);                      // xlo * clo
    const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(x, hi),  // xlo * chi
                                           _mm256_mul_epu32(_mm256_srli_epi64(x, 32), lo));
    return _mm256_add_epi64(ll, _mm256_slli_epi64(cross, 32));
  }

  // Mix in each 64-bit lane.
  __attribute__((target("avx2"))) static __m256i MixAvx2(__m256i z) {
    z = MulLo64Avx2(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), 0xbf58476d1ce4e5b9);
    z = MulLo64Avx2(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), 0x94d049bb133111eb);
    return _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
  }
#endif

  // SplitMix64's finalizer (Stafford's variant 13): a bijection of 64-bit values
  // whose every output bit depends on every input bit.
  static constexpr uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace weir::nexmark
