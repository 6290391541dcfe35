// Record batches: the layout of docs/log_format.md section 2, round trips with and
// without compression, and decoding of damaged input (every truncation, every byte
// flip, and random mutations with the CRC fixed up so the inner parser is reached).

#include "weir/log/record_batch.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/crc32c.h"
#include "weir/log/coding.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::MakeRecord;
using testing::RandomRecords;

// Recomputes the CRC of an encoded batch after a test has changed its bytes.
void FixCrc(std::string* batch) {
  if (batch->size() < 16) return;
  EncodeFixed32(batch->data() + 12, crc32c::Value(batch->data() + 16, batch->size() - 16));
}

std::vector<Record> Records(const RecordBatch& batch) {
  std::vector<Record> out;
  for (const LogRecord& r : batch.records) out.push_back(r.record);
  return out;
}

TEST(RecordBatchTest, GoldenBytesOfOneRecord) {
  std::vector<Record> records = {MakeRecord("k", "v", 1000)};
  auto encoded = EncodeBatch(5, records);
  ASSERT_OK(encoded);
  const std::string& b = *encoded;
  ASSERT_EQ(65u, b.size());
  EXPECT_EQ(5u, DecodeFixed64(b.data()));                                     // base offset
  EXPECT_EQ(53u, DecodeFixed32(b.data() + 8));                                // batch length
  EXPECT_EQ(crc32c::Value(b.data() + 16, 49), DecodeFixed32(b.data() + 12));  // CRC
  EXPECT_EQ(1, b[16]);                                                        // version
  EXPECT_EQ(0u, DecodeFixed16(b.data() + 17));                                // attributes
  EXPECT_EQ(0u, DecodeFixed32(b.data() + 19));                                // last offset delta
  EXPECT_EQ(1000u, DecodeFixed64(b.data() + 23));                             // first timestamp
  EXPECT_EQ(1000u, DecodeFixed64(b.data() + 31));                             // max timestamp
  EXPECT_EQ(~0ull, DecodeFixed64(b.data() + 39));                             // producer id -1
  EXPECT_EQ(0xffffu, DecodeFixed16(b.data() + 47));                           // producer epoch -1
  EXPECT_EQ(0xffffffffu, DecodeFixed32(b.data() + 49));                       // base sequence -1
  EXPECT_EQ(1u, DecodeFixed32(b.data() + 53));                                // record count
  // length 7, ts delta 0, offset delta 0, key "k", value "v", no headers.
  EXPECT_EQ(std::string("\x0e\x00\x00\x02k\x02v\x00", 8), b.substr(57));
}

TEST(RecordBatchTest, RoundTripNullKeyNullValueAndHeaders) {
  std::vector<Record> records(4);
  records[0].timestamp = 100;  // null key, null value, no headers
  records[1] = MakeRecord("", "", 90);
  records[2].key = "key";
  records[2].headers = {{"h1", "v1"}, {"h2", std::nullopt}, {"", ""}};
  records[2].timestamp = 150;
  records[3].value = std::string("\0bin\xff", 5);
  records[3].timestamp = 120;

  auto encoded = EncodeBatch(42, records);
  ASSERT_OK(encoded);
  auto decoded = DecodeBatch(*encoded);
  ASSERT_OK(decoded);
  EXPECT_EQ(records, Records(*decoded));
  EXPECT_EQ(42, decoded->header.base_offset);
  EXPECT_EQ(45, decoded->header.last_offset());
  EXPECT_EQ(4, decoded->header.record_count);
  EXPECT_EQ(100, decoded->header.first_timestamp);
  EXPECT_EQ(150, decoded->header.max_timestamp);
  for (size_t i = 0; i < records.size(); ++i)
    EXPECT_EQ(42 + int64_t(i), decoded->records[i].offset);
}

TEST(RecordBatchTest, ProducerFieldsAndFlagsRoundTrip) {
  BatchOptions options;
  options.producer_id = 77;
  options.producer_epoch = 3;
  options.base_sequence = 1000;
  options.transactional = true;
  options.control = true;
  std::vector<Record> records = {MakeRecord("a", "b", 1)};
  auto encoded = EncodeBatch(0, records, options);
  ASSERT_OK(encoded);
  auto decoded = DecodeBatch(*encoded);
  ASSERT_OK(decoded);
  EXPECT_EQ(77, decoded->header.producer_id);
  EXPECT_EQ(3, decoded->header.producer_epoch);
  EXPECT_EQ(1000, decoded->header.base_sequence);
  EXPECT_TRUE(decoded->header.transactional());
  EXPECT_TRUE(decoded->header.control());
  EXPECT_EQ(Compression::kNone, decoded->header.compression());
}

TEST(RecordBatchTest, EmptyBatchIsRejected) {
  auto encoded = EncodeBatch(0, std::vector<Record>{});
  EXPECT_EQ(StatusCode::kInvalidArgument, encoded.status().code());
}

TEST(RecordBatchTest, BadArgumentsAreRejected) {
  std::vector<Record> records = {MakeRecord("a", "b", 1)};
  EXPECT_EQ(StatusCode::kInvalidArgument, EncodeBatch(-1, records).status().code());
  std::vector<Record> two = {MakeRecord("a", "b", INT64_MIN), MakeRecord("a", "b", INT64_MAX)};
  EXPECT_EQ(StatusCode::kInvalidArgument, EncodeBatch(0, two).status().code());
  EXPECT_EQ(StatusCode::kInvalidArgument, EncodeBatch(INT64_MAX, two).status().code());
  std::vector<Record> big = {MakeRecord("a", std::string(kMaxBatchSize, 'x'), 1)};
  EXPECT_EQ(StatusCode::kInvalidArgument, EncodeBatch(0, big).status().code());
}

TEST(RecordBatchTest, SetBaseOffsetKeepsTheCrcValid) {
  std::vector<Record> records = {MakeRecord("a", "b", 1), MakeRecord("c", "d", 2)};
  auto encoded = EncodeBatch(0, records);
  ASSERT_OK(encoded);
  SetBaseOffset(&*encoded, 1234);
  auto decoded = DecodeBatch(*encoded);
  ASSERT_OK(decoded);
  EXPECT_EQ(1234, decoded->records[0].offset);
  EXPECT_EQ(1235, decoded->records[1].offset);
}

class CompressionTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressionTest, RoundTripAndAttributes) {
  std::mt19937_64 rng(7);
  std::vector<Record> records = RandomRecords(rng, 200, 1'700'000'000'000);
  // Repetitive values so that compression has something to do.
  for (size_t i = 0; i < records.size(); i += 2) records[i].value = std::string(300, 'z');
  BatchOptions options;
  options.compression = GetParam();
  auto encoded = EncodeBatch(1'000'000, records, options);
  ASSERT_OK(encoded);
  auto plain = EncodeBatch(1'000'000, records);
  ASSERT_OK(plain);
  if (GetParam() != Compression::kNone) {
    EXPECT_LT(encoded->size(), plain->size());
  }
  auto decoded = DecodeBatch(*encoded);
  ASSERT_OK(decoded);
  EXPECT_EQ(GetParam(), decoded->header.compression());
  EXPECT_EQ(records, Records(*decoded));
}

TEST_P(CompressionTest, DamagedInputIsCorruptionNeverACrash) {
  std::mt19937_64 rng(static_cast<uint64_t>(GetParam()) + 100);
  BatchOptions options;
  options.compression = GetParam();
  std::vector<std::string> valid;
  for (int n : {1, 2, 5, 30}) {
    auto encoded = EncodeBatch(int64_t(rng() % 1000), RandomRecords(rng, n, 5000, 40), options);
    ASSERT_OK(encoded);
    valid.push_back(*encoded);
  }
  for (const std::string& batch : valid) {
    // Every truncation, including to nothing.
    for (size_t len = 0; len < batch.size(); ++len) {
      auto r = DecodeBatch(std::string_view(batch).substr(0, len));
      ASSERT_TRUE(r.status().IsCorruption()) << len << ": " << r.status().ToString();
    }
    // Trailing garbage.
    EXPECT_TRUE(DecodeBatch(batch + "x").status().IsCorruption());
    // Every byte flipped, CRC left alone: bytes 8 and on are covered by the length
    // check or the CRC; the base offset (0-7) may decode to another valid offset.
    for (size_t pos = 0; pos < batch.size(); ++pos) {
      std::string bad = batch;
      bad[pos] ^= static_cast<char>(1 + rng() % 255);
      auto r = DecodeBatch(bad);
      if (pos >= 8) {
        ASSERT_TRUE(r.status().IsCorruption()) << pos << ": " << r.status().ToString();
      } else {
        ASSERT_TRUE(r.ok() || r.status().IsCorruption()) << r.status().ToString();
      }
    }
  }
  // Random mutations with the CRC recomputed, so that the header and record parsers
  // see the damage: the result must be OK or Corruption, never anything else.
  int corrupt = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string bad = valid[rng() % valid.size()];
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      size_t pos = 16 + rng() % (bad.size() - 16);
      bad[pos] = static_cast<char>(rng() & 0xff);
    }
    if (rng() % 4 == 0) bad.resize(kBatchHeaderSize + rng() % (bad.size() - kBatchHeaderSize));
    if (rng() % 4 == 0) EncodeFixed32(bad.data() + 8, static_cast<uint32_t>(bad.size() - 12));
    FixCrc(&bad);
    auto r = DecodeBatch(bad);
    ASSERT_TRUE(r.ok() || r.status().IsCorruption()) << r.status().ToString();
    corrupt += r.ok() ? 0 : 1;
  }
  EXPECT_GT(corrupt, 10000);
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressionTest,
                         ::testing::Values(Compression::kNone, Compression::kZstd,
                                           Compression::kLz4),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

// Builds a batch with one header field overwritten and the CRC fixed up.
std::string WithField(size_t pos, std::string_view bytes) {
  std::vector<Record> records = {MakeRecord("a", "b", 10), MakeRecord("c", "d", 20)};
  std::string b = *EncodeBatch(0, records);
  b.replace(pos, bytes.size(), bytes);
  FixCrc(&b);
  return b;
}

std::string Le32(uint32_t v) {
  std::string s;
  PutFixed32(&s, v);
  return s;
}

TEST(RecordBatchTest, EachHeaderRuleIsChecked) {
  auto expect_corrupt = [](const std::string& b, std::string_view needle) {
    auto r = DecodeBatch(b);
    ASSERT_TRUE(r.status().IsCorruption()) << needle;
    EXPECT_NE(std::string::npos, r.status().message().find(needle)) << r.status().message();
  };
  expect_corrupt(WithField(0, std::string("\0\0\0\0\0\0\0\x80", 8)), "negative base offset");
  expect_corrupt(WithField(8, Le32(0x7fffffff)), "batch length");
  expect_corrupt(WithField(8, Le32(10)), "batch length");
  expect_corrupt(WithField(16, "\x02"), "unsupported batch version");
  expect_corrupt(WithField(17, std::string("\x03\0", 2)), "invalid batch attributes");
  expect_corrupt(WithField(17, std::string("\x40\0", 2)), "invalid batch attributes");
  expect_corrupt(WithField(17, std::string("\0\x01", 2)), "invalid batch attributes");
  expect_corrupt(WithField(19, Le32(5)), "disagree");
  expect_corrupt(WithField(53, Le32(0)), "disagree");
  expect_corrupt(WithField(31, std::string(8, '\0')), "below first timestamp");
  expect_corrupt(WithField(31, Le32(21) + std::string(4, '\0')), "max timestamp 21");
  std::string bad_crc = *EncodeBatch(0, std::vector<Record>{MakeRecord("a", "b", 1)});
  bad_crc[12] ^= 1;
  expect_corrupt(bad_crc, "CRC mismatch");
}

TEST(RecordBatchTest, HugeLengthsInsideRecordsAreRejectedBeforeAllocating) {
  // One record whose value length claims 1 GiB (zigzag varint of 2^30).
  std::vector<Record> records = {MakeRecord("k", "v", 1)};
  std::string b = *EncodeBatch(0, records);
  std::string body;
  PutVarint64(&body, 0);   // timestamp delta
  PutVarint32(&body, 0);   // offset delta
  PutVarint32(&body, -1);  // null key
  PutVarint32(&body, 1 << 30);
  body += "v";
  std::string section;
  PutVarint32(&section, static_cast<int32_t>(body.size()));
  section += body;
  b = b.substr(0, kBatchHeaderSize) + section;
  EncodeFixed32(b.data() + 8, static_cast<uint32_t>(b.size() - 12));
  FixCrc(&b);
  auto r = DecodeBatch(b);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(std::string::npos, r.status().message().find("value length 1073741824 out of range"))
      << r.status().message();
}

TEST(RecordBatchTest, CompressedSizeOutOfRangeIsCorruption) {
  BatchOptions options;
  options.compression = Compression::kZstd;
  std::string b = *EncodeBatch(0, std::vector<Record>{MakeRecord("k", "v", 1)}, options);
  EncodeFixed32(b.data() + kBatchHeaderSize, 0x7fffffff);
  FixCrc(&b);
  auto r = DecodeBatch(b);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(std::string::npos, r.status().message().find("uncompressed size")) << r.status();
}

TEST(CodingTest, VarintsRoundTripAndRejectMalformedInput) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{63}, int64_t{-64}, int64_t{64},
                    int64_t{INT32_MAX}, int64_t{INT32_MIN}, INT64_MAX, INT64_MIN}) {
    std::string s;
    PutVarint64(&s, v);
    EXPECT_EQ(static_cast<size_t>(VarintLength(v)), s.size());
    std::string_view in = s;
    int64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(v, got);
    EXPECT_TRUE(in.empty());
    in = s;
    int32_t got32;
    EXPECT_EQ(v >= INT32_MIN && v <= INT32_MAX, GetVarint32(&in, &got32)) << v;
  }
  std::string_view overlong("\x80\x80\x80\x80\x80\x01", 6);
  int32_t v32;
  EXPECT_FALSE(GetVarint32(&overlong, &v32));
  std::string_view truncated("\x80", 1);
  EXPECT_FALSE(GetVarint32(&truncated, &v32));
  std::string_view too_big("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10);
  int64_t v64;
  EXPECT_FALSE(GetVarint64(&too_big, &v64));
}

}  // namespace
}  // namespace weir::log
