// CRC32C against published check values (RFC 3720 appendix B.4, the CRC catalogue).

#include "weir/common/crc32c.h"

#include <string>

#include <gtest/gtest.h>

namespace weir::crc32c {
namespace {

TEST(Crc32cTest, StandardCheckValue) { EXPECT_EQ(0xE3069283u, Value("123456789")); }

TEST(Crc32cTest, EmptyInputIsZero) { EXPECT_EQ(0u, Value("", 0)); }

TEST(Crc32cTest, Rfc3720Vectors) {
  std::string zeros(32, '\0');
  EXPECT_EQ(0x8A9136AAu, Value(zeros));

  std::string ones(32, '\xff');
  EXPECT_EQ(0x62A8AB43u, Value(ones));

  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(0x46DD794Eu, Value(ascending));

  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) descending[i] = static_cast<char>(31 - i);
  EXPECT_EQ(0x113FDB5Cu, Value(descending));

  // An iSCSI read command PDU (RFC 3720, B.4).
  const unsigned char pdu[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                 0x00, 0x18, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(0xD9963A56u, Value(reinterpret_cast<const char*>(pdu), sizeof(pdu)));
}

TEST(Crc32cTest, OtherKnownValues) {
  EXPECT_EQ(0xC1D04330u, Value("a"));
  EXPECT_EQ(0x22620404u, Value("The quick brown fox jumps over the lazy dog"));
}

TEST(Crc32cTest, ExtendEqualsValueOfConcatenationAtEverySplit) {
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>(i * 37 + 11));
  const uint32_t whole = Value(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    uint32_t crc = Value(data.data(), split);
    EXPECT_EQ(whole, Extend(crc, data.data() + split, data.size() - split)) << split;
  }
}

TEST(Crc32cTest, AnyUnalignedStartGivesTheSameValue) {
  std::string buf(64 + 8, 'x');
  const std::string payload = "unaligned payload for slicing-by-8!";
  const uint32_t expected = Value(payload);
  for (size_t shift = 0; shift < 8; ++shift) {
    buf.replace(shift, payload.size(), payload);
    EXPECT_EQ(expected, Value(buf.data() + shift, payload.size())) << shift;
  }
}

TEST(Crc32cTest, DetectsEveryOneBitFlip) {
  std::string data(256, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i);
  const uint32_t orig = Value(data);
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    data[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    EXPECT_NE(orig, Value(data)) << bit;
    data[bit / 8] ^= static_cast<char>(1 << (bit % 8));
  }
}

}  // namespace
}  // namespace weir::crc32c

namespace weir::crc32c {
namespace {

// The hardware and portable paths must agree on every length, alignment and seed.
TEST(Crc32cTest, HardwareAndPortableAgree) {
#if defined(__x86_64__)
  if (!__builtin_cpu_supports("sse4.2")) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::string data(300, '\0');
  uint64_t x = 88172645463325252ULL;
  for (char& c : data) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  for (size_t start = 0; start < 9; ++start) {
    for (size_t n = 0; start + n <= data.size(); n += 7) {
      for (uint32_t seed : {0u, 0xE3069283u, 0xFFFFFFFFu}) {
        ASSERT_EQ(ExtendPortable(seed, data.data() + start, n),
                  ExtendSse42(seed, data.data() + start, n))
            << start << " " << n;
      }
    }
  }
  EXPECT_EQ(0xE3069283u, ExtendSse42(0, "123456789", 9));
  EXPECT_TRUE(HardwareAccelerated());
#else
  GTEST_SKIP() << "x86-64 only";
#endif
}

}  // namespace
}  // namespace weir::crc32c
