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
