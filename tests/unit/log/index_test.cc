// The sparse indexes: encoding, validation of what is read back, searches, and the
// rule that decides which batches get an entry.

#include "weir/log/index.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace weir::log {
namespace {

std::string OffsetBytes(const std::vector<IndexEntry>& entries) {
  std::string s;
  for (const IndexEntry& e : entries) AppendOffsetIndexEntry(&s, e);
  return s;
}

std::string TimeBytes(const std::vector<IndexEntry>& entries) {
  std::string s;
  for (const IndexEntry& e : entries) AppendTimeIndexEntry(&s, e);
  return s;
}

const std::vector<IndexEntry> kEntries = {{10, 4100, 5}, {20, 8300, 5}, {35, 12500, 9}};

TEST(IndexTest, EncodingIsLittleEndianAsDocumented) {
  std::string o = OffsetBytes({{0x01020304, 0x0a0b0c0d, 0}});
  EXPECT_EQ(std::string("\x04\x03\x02\x01\x0d\x0c\x0b\x0a", 8), o);
  std::string t = TimeBytes({{7, 0, 0x1122334455667788}});
  EXPECT_EQ(std::string("\x88\x77\x66\x55\x44\x33\x22\x11\x07\0\0\0", 12), t);
}

TEST(IndexTest, ParseKeepsValidEntries) {
  ParsedIndex p = ParseIndex(OffsetBytes(kEntries), TimeBytes(kEntries), 20000);
  EXPECT_FALSE(p.damaged);
  EXPECT_EQ(kEntries, p.entries);
  p = ParseIndex("", "", 0);
  EXPECT_FALSE(p.damaged);
  EXPECT_TRUE(p.entries.empty());
}

TEST(IndexTest, ParseKeepsTheValidPrefixOfDamagedFiles) {
  auto expect_prefix = [](std::string_view o, std::string_view t, uint64_t log_size, size_t kept) {
    ParsedIndex p = ParseIndex(o, t, log_size);
    EXPECT_TRUE(p.damaged);
    EXPECT_EQ(std::vector<IndexEntry>(kEntries.begin(), kEntries.begin() + kept), p.entries);
  };
  const std::string o = OffsetBytes(kEntries);
  const std::string t = TimeBytes(kEntries);
  // A partial trailing entry in either file.
  expect_prefix(o.substr(0, o.size() - 3), t, 20000, 2);
  expect_prefix(o, t.substr(0, t.size() - 1), 20000, 2);
  // Files of different lengths.
  expect_prefix(o.substr(0, 8), t, 20000, 1);
  // A position past the end of the log.
  expect_prefix(o, t, 12500, 2);
  // Offsets, positions or timestamps out of order.
  std::vector<IndexEntry> bad = kEntries;
  bad[1].relative_offset = 10;
  expect_prefix(OffsetBytes(bad), TimeBytes(bad), 20000, 1);
  bad = kEntries;
  bad[2].position = 8300;
  expect_prefix(OffsetBytes(bad), TimeBytes(bad), 20000, 2);
  bad = kEntries;
  bad[1].timestamp = 4;
  expect_prefix(OffsetBytes(bad), TimeBytes(bad), 20000, 1);
  // The two files name different offsets.
  bad = kEntries;
  bad[1].relative_offset = 21;
  expect_prefix(o, TimeBytes(bad), 20000, 1);
  // Zeros, as a crash may leave at the end of a file.
  expect_prefix(o + std::string(8, '\0'), t + std::string(12, '\0'), 20000, 3);
}

TEST(IndexTest, MaxFileSizeBoundsEntriesByTheSmallestBatch) {
  EXPECT_EQ(8u, MaxIndexFileSize(0, kOffsetIndexEntrySize));
  EXPECT_EQ(8u * (1 + 1000 / 57), MaxIndexFileSize(1000, kOffsetIndexEntrySize));
}

TEST(IndexTest, FloorByOffset) {
  EXPECT_EQ(-1, FloorByOffset(kEntries, 0));
  EXPECT_EQ(-1, FloorByOffset(kEntries, 9));
  EXPECT_EQ(0, FloorByOffset(kEntries, 10));
  EXPECT_EQ(0, FloorByOffset(kEntries, 19));
  EXPECT_EQ(1, FloorByOffset(kEntries, 20));
  EXPECT_EQ(2, FloorByOffset(kEntries, 1000));
  EXPECT_EQ(-1, FloorByOffset({}, 5));
}

TEST(IndexTest, LastEntryBelowTimestamp) {
  EXPECT_EQ(-1, LastEntryBelowTimestamp(kEntries, 5));
  EXPECT_EQ(1, LastEntryBelowTimestamp(kEntries, 6));
  EXPECT_EQ(1, LastEntryBelowTimestamp(kEntries, 9));
  EXPECT_EQ(2, LastEntryBelowTimestamp(kEntries, 10));
}

TEST(IndexTest, BuilderIndexesABatchEveryIntervalBytes) {
  IndexBuilder b(100);
  IndexEntry e;
  EXPECT_FALSE(b.Add(0, 0, 50, &e));  // the first batch is implicitly indexed
  EXPECT_FALSE(b.Add(3, 60, 40, &e));
  EXPECT_TRUE(b.Add(5, 120, 70, &e));
  EXPECT_EQ((IndexEntry{5, 120, 50}), e);  // max timestamp of the batches before it
  EXPECT_FALSE(b.Add(6, 200, 10, &e));
  EXPECT_TRUE(b.Add(9, 220, 10, &e));
  EXPECT_EQ((IndexEntry{9, 220, 70}), e);
  EXPECT_EQ(70, b.max_timestamp());

  IndexBuilder resumed(100);
  resumed.ResumeAt({5, 120, 50});
  EXPECT_FALSE(resumed.Add(5, 120, 70, &e));
  EXPECT_FALSE(resumed.Add(6, 200, 10, &e));
  EXPECT_TRUE(resumed.Add(9, 220, 10, &e));
  EXPECT_EQ((IndexEntry{9, 220, 70}), e);
}

}  // namespace
}  // namespace weir::log
