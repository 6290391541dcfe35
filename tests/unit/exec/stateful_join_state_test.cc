// The stream-stream join's state layout: rows per side and key, matched flags, and
// eviction in event-time order (by the key's time prefix, or by an index).

#include "weir/exec/stateful_join_state.h"

#include <gtest/gtest.h>

#include "weir/exec/state_codec.h"
#include "weir/types/builder.h"
#include "weir/types/value.h"

namespace weir::exec {
namespace {

constexpr int64_t kSecond = 1'000'000;

SchemaPtr RowSchema() {
  return MakeSchema({{"id", DataType::Int32()}, {"name", DataType::String()}});
}

std::vector<ColumnPtr> Rows(const std::vector<std::pair<int32_t, std::string>>& rows) {
  BatchBuilder b(RowSchema());
  for (const auto& [id, name] : rows) {
    EXPECT_TRUE(b.AppendRow({Value::Int32(id),
                             name.empty() ? Value::Null(DataType::String()) : Value::String(name)})
                    .ok());
  }
  return b.Finish().ValueOrDie().columns();
}

// A key of a side evicted by value time: just key bytes.
std::string Key(std::string bytes) { return bytes; }
// A key of a join evicted by its time key: the event-time prefix (NULL: unset), then
// the key bytes.
std::string TimedKey(std::string bytes, std::optional<int64_t> micros) {
  std::string out;
  AppendEventTimePrefix(micros, &out);
  return out + bytes;
}

using Rows32 = std::vector<uint32_t>;
using Flags = std::vector<uint8_t>;
using Times = std::vector<std::optional<int64_t>>;

// Stores one row as a block of its own.
Status AppendOne(JoinState* s, bool left, std::string_view key, const std::vector<ColumnPtr>& cols,
                 uint32_t row, bool matched, std::optional<int64_t> value_time) {
  return s->Append(left, key, cols, Rows32{row}, Flags{static_cast<uint8_t>(matched ? 1 : 0)},
                   Times{value_time});
}

// "id:name" per value, and whether it is matched ("id:name*").
std::vector<std::string> Render(const std::vector<std::string_view>& values) {
  std::vector<ColumnPtr> cols;
  EXPECT_TRUE(DecodeJoinRows(*RowSchema(), values, &cols).ok());
  std::vector<std::string> out;
  for (size_t i = 0; i < values.size(); ++i) {
    const Value id = GetValue(*cols[0], static_cast<int64_t>(i));
    const Value name = GetValue(*cols[1], static_cast<int64_t>(i));
    out.push_back(id.ToString() + ":" + (name.is_null() ? "NULL" : name.ToString()) +
                  (JoinRowMatched(values[i]) ? "*" : ""));
  }
  return out;
}
std::vector<std::string> Render(const JoinState::Rows& rows) {
  std::vector<std::string_view> values;
  for (size_t i = 0; i < rows.size(); ++i) values.push_back(rows.value(i));
  return Render(values);
}
std::vector<std::string> Render(const std::vector<std::string>& values) {
  return Render(std::vector<std::string_view>(values.begin(), values.end()));
}

class JoinStateTest : public ::testing::Test {
 protected:
  state::StateStorePtr Open(int64_t version) { return provider_->GetStore(version).ValueOrDie(); }
  state::StateStoreProviderPtr provider_ = state::MakeInMemoryStateStoreProvider();
};

TEST_F(JoinStateTest, RowsAreFoundBySideAndKeyInInsertionOrder) {
  auto store = Open(0);
  JoinState s(store.get(), false, false, false);
  ASSERT_TRUE(s.Load().ok());
  const auto cols = Rows({{1, "a"}, {2, ""}, {3, "c"}});
  ASSERT_TRUE(AppendOne(&s, true, Key("k1"), cols, 0, false, std::nullopt).ok());
  ASSERT_TRUE(AppendOne(&s, true, Key("k2"), cols, 1, false, std::nullopt).ok());
  ASSERT_TRUE(AppendOne(&s, true, Key("k1"), cols, 2, true, std::nullopt).ok());
  ASSERT_TRUE(AppendOne(&s, false, Key("k1"), cols, 1, false, std::nullopt).ok());
  JoinState::Rows left;
  ASSERT_TRUE(s.Find(true, Key("k1"), &left).ok());
  EXPECT_EQ(Render(left), (std::vector<std::string>{"1:a", "3:c*"}));
  JoinState::Rows right;
  ASSERT_TRUE(s.Find(false, Key("k1"), &right).ok());
  EXPECT_EQ(Render(right), (std::vector<std::string>{"2:NULL"}));
  EXPECT_EQ(s.rows(true), 3);
  EXPECT_EQ(s.rows(false), 1);
}

TEST_F(JoinStateTest, MatchedFlagsAndCountsSurviveACommit) {
  {
    auto store = Open(0);
    JoinState s(store.get(), false, false, false);
    ASSERT_TRUE(s.Load().ok());
    const auto cols = Rows({{1, "a"}, {2, "b"}});
    ASSERT_TRUE(AppendOne(&s, true, Key("k"), cols, 0, false, std::nullopt).ok());
    ASSERT_TRUE(AppendOne(&s, true, Key("k"), cols, 1, false, std::nullopt).ok());
    JoinState::Rows rows;
    ASSERT_TRUE(s.Find(true, Key("k"), &rows).ok());
    JoinState::SetMatched(&rows, 1);
    JoinState::SetMatched(&rows, 1);                   // once is enough
    EXPECT_EQ(rows.dirty, (std::vector<uint8_t>{1}));  // both rows are one block
    ASSERT_TRUE(s.WriteBack(rows).ok());
    ASSERT_TRUE(s.Save().ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  auto store = Open(1);
  JoinState s(store.get(), false, false, false);
  ASSERT_TRUE(s.Load().ok());
  EXPECT_EQ(s.rows(true), 2);
  JoinState::Rows rows;
  ASSERT_TRUE(s.Find(true, Key("k"), &rows).ok());
  EXPECT_EQ(Render(rows), (std::vector<std::string>{"1:a", "2:b*"}));
  // Sequence numbers continue: a third row sorts after the first two.
  ASSERT_TRUE(AppendOne(&s, true, Key("k"), Rows({{3, "c"}}), 0, false, std::nullopt).ok());
  JoinState::Rows all;
  ASSERT_TRUE(s.Find(true, Key("k"), &all).ok());
  EXPECT_EQ(Render(all), (std::vector<std::string>{"1:a", "2:b*", "3:c"}));
}

// Evicted by the time key: the key's prefix orders the side's rows.
TEST_F(JoinStateTest, EvictsByKeyTimeUpToTheLimit) {
  auto store = Open(0);
  JoinState s(store.get(), true, false, false);
  const auto cols = Rows({{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}});
  ASSERT_TRUE(AppendOne(&s, true, TimedKey("x", 30 * kSecond), cols, 0, false, std::nullopt).ok());
  ASSERT_TRUE(AppendOne(&s, true, TimedKey("y", 10 * kSecond), cols, 1, true, std::nullopt).ok());
  ASSERT_TRUE(AppendOne(&s, true, TimedKey("x", 20 * kSecond), cols, 2, false, std::nullopt).ok());
  ASSERT_TRUE(AppendOne(&s, true, TimedKey("z", std::nullopt), cols, 3, false, std::nullopt).ok());
  ASSERT_TRUE(AppendOne(&s, false, TimedKey("x", 5 * kSecond), cols, 0, false, std::nullopt).ok());
  EXPECT_EQ(*s.CountBehind(true, 20 * kSecond), 2);
  std::vector<std::string> unmatched;
  auto n = s.Evict(true, 20 * kSecond, &unmatched);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(Render(unmatched), (std::vector<std::string>{"3:c"}));  // 2:b had matched
  EXPECT_EQ(*s.CountBehind(true, 20 * kSecond), 0);
  EXPECT_EQ(s.rows(true), 2);
  // The right side and NULL times are untouched.
  EXPECT_EQ(*s.CountBehind(false, 20 * kSecond), 1);
  EXPECT_EQ(*s.Evict(true, 1000 * kSecond, nullptr), 1);
  EXPECT_EQ(s.rows(true), 1);
}

// Evicted by a value-time column: index entries order the side's rows.
TEST_F(JoinStateTest, EvictsByIndexedValueTime) {
  auto store = Open(0);
  JoinState s(store.get(), false, true, false);
  const auto cols = Rows({{1, "a"}, {2, "b"}, {3, "c"}});
  ASSERT_TRUE(AppendOne(&s, true, Key("k2"), cols, 0, false, 30 * kSecond).ok());
  ASSERT_TRUE(AppendOne(&s, true, Key("k1"), cols, 1, false, 10 * kSecond).ok());
  ASSERT_TRUE(AppendOne(&s, true, Key("k1"), cols, 2, false, 20 * kSecond).ok());
  std::vector<std::string> unmatched;
  EXPECT_EQ(*s.Evict(true, 20 * kSecond, &unmatched), 2);
  EXPECT_EQ(unmatched.size(), 2u);
  JoinState::Rows k1, k2;
  ASSERT_TRUE(s.Find(true, Key("k1"), &k1).ok());
  ASSERT_TRUE(s.Find(true, Key("k2"), &k2).ok());
  EXPECT_EQ(k1.size(), 0u);
  EXPECT_EQ(Render(k2), (std::vector<std::string>{"1:a"}));
  EXPECT_EQ(*s.CountBehind(true, 20 * kSecond), 0);
  // The side without an index is never evicted.
  ASSERT_TRUE(AppendOne(&s, false, Key("k1"), cols, 0, false, std::nullopt).ok());
  EXPECT_EQ(*s.Evict(false, 1000 * kSecond, nullptr), 0);
}

// The rows appended under one key between flushes (an epoch's, across its input
// batches) form one block: buffered until the side is read, found in the order they
// were stored, and a matched flag set on one of them rewrites the block with the
// others intact. Rows appended after a flush form another block.
TEST_F(JoinStateTest, ABlockHoldsSeveralRowsOfAKey) {
  {
    auto store = Open(0);
    JoinState s(store.get(), false, false, false);
    ASSERT_TRUE(s.Load().ok());
    const auto cols = Rows({{1, "a"}, {2, ""}, {3, "c"}, {4, "d"}});
    ASSERT_TRUE(s.Append(true, Key("k"), cols, Rows32{2, 0}, Flags{0, 1}, {}).ok());
    ASSERT_TRUE(s.Append(true, Key("j"), cols, Rows32{3}, Flags{0}, {}).ok());
    ASSERT_TRUE(s.Append(true, Key("k"), cols, Rows32{1}, Flags{0}, {}).ok());
    EXPECT_EQ(store->metrics().num_keys, 0);  // buffered
    EXPECT_EQ(s.rows(true), 4);
    ASSERT_TRUE(s.Flush(true).ok());
    EXPECT_EQ(store->metrics().num_keys, 2);  // one entry per key
    ASSERT_TRUE(s.Append(true, Key("k"), cols, Rows32{3}, Flags{0}, {}).ok());
    JoinState::Rows rows;
    ASSERT_TRUE(s.Find(true, Key("k"), &rows).ok());  // flushes the side first
    EXPECT_EQ(store->metrics().num_keys, 3);
    EXPECT_EQ(Render(rows), (std::vector<std::string>{"3:c", "1:a*", "2:NULL", "4:d"}));
    JoinState::SetMatched(&rows, 2);
    EXPECT_EQ(rows.dirty, (std::vector<uint8_t>{1, 0}));
    ASSERT_TRUE(s.WriteBack(rows).ok());
    EXPECT_EQ(s.rows(true), 5);
    ASSERT_TRUE(s.Save().ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  auto store = Open(1);
  JoinState s(store.get(), false, false, false);
  ASSERT_TRUE(s.Load().ok());
  JoinState::Rows rows;
  ASSERT_TRUE(s.Find(true, Key("k"), &rows).ok());
  EXPECT_EQ(Render(rows), (std::vector<std::string>{"3:c", "1:a*", "2:NULL*", "4:d"}));
  EXPECT_EQ(s.rows(true), 5);
}

// By value time, a block loses the rows at or before the limit and keeps the others,
// indexed again by its earliest remaining row, which a later eviction finds.
TEST_F(JoinStateTest, EvictsPartOfABlockByValueTime) {
  {
    auto store = Open(0);
    JoinState s(store.get(), false, true, false);
    const auto cols = Rows({{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}});
    ASSERT_TRUE(s.Append(true, Key("k"), cols, Rows32{0, 1, 2, 3}, Flags{0, 0, 1, 0},
                         Times{30 * kSecond, 10 * kSecond, 20 * kSecond, std::nullopt})
                    .ok());
    ASSERT_TRUE(AppendOne(&s, true, Key("j"), cols, 3, false, 15 * kSecond).ok());
    EXPECT_EQ(*s.CountBehind(true, 20 * kSecond), 3);
    // Two blocks and one index entry listing both.
    EXPECT_EQ(store->metrics().num_keys, 3);
    std::vector<std::string> unmatched;
    EXPECT_EQ(*s.Evict(true, 20 * kSecond, &unmatched), 3);
    // In event-time order (3:c had matched).
    EXPECT_EQ(Render(unmatched), (std::vector<std::string>{"2:b", "4:d"}));
    EXPECT_EQ(s.rows(true), 2);
    EXPECT_EQ(*s.CountBehind(true, 20 * kSecond), 0);
    JoinState::Rows rows;
    ASSERT_TRUE(s.Find(true, Key("k"), &rows).ok());
    EXPECT_EQ(Render(rows), (std::vector<std::string>{"1:a", "4:d"}));
    ASSERT_TRUE(s.Save().ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  auto store = Open(1);
  JoinState s(store.get(), false, true, false);
  ASSERT_TRUE(s.Load().ok());
  EXPECT_EQ(*s.CountBehind(true, 30 * kSecond), 1);
  std::vector<std::string> unmatched;
  EXPECT_EQ(*s.Evict(true, 1000 * kSecond, &unmatched), 1);
  EXPECT_EQ(Render(unmatched), (std::vector<std::string>{"1:a"}));
  // The row with a NULL value time is never evicted.
  JoinState::Rows rows;
  ASSERT_TRUE(s.Find(true, Key("k"), &rows).ok());
  EXPECT_EQ(Render(rows), (std::vector<std::string>{"4:d"}));
  EXPECT_EQ(s.rows(true), 1);
  // The block and its index entry, the side records.
  ASSERT_TRUE(s.Save().ok());
  EXPECT_EQ(store->metrics().num_keys, 4);
}

// An index entry lists at most 4096 blocks; blocks whose rows all go are removed
// whole when none is output (an inner side).
TEST_F(JoinStateTest, IndexEntriesListManyBlocks) {
  auto store = Open(0);
  JoinState s(store.get(), false, false, true);
  const auto cols = Rows({{1, "a"}, {2, "b"}});
  // Keys of equal width, so that none is a prefix of another (as KeyEncoder's).
  auto key = [](int i) { return Key(std::to_string(100000 + i)); };
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(s.Append(false, key(i), cols, Rows32{0, 1}, Flags{0, 0},
                         Times{i * kSecond, (i + 1) * kSecond})
                    .ok());
  }
  ASSERT_TRUE(s.Save().ok());
  EXPECT_EQ(store->metrics().num_keys, 5000 + 2 + 2);
  EXPECT_EQ(s.rows(false), 10000);
  EXPECT_EQ(*s.CountBehind(false, 100 * kSecond), 201);
  EXPECT_EQ(*s.Evict(false, 100 * kSecond, nullptr), 201);
  EXPECT_EQ(s.rows(false), 9799);
  EXPECT_EQ(*s.CountBehind(false, 100 * kSecond), 0);
  JoinState::Rows k99, k100;
  ASSERT_TRUE(s.Find(false, key(99), &k99).ok());
  EXPECT_EQ(k99.size(), 0u);
  ASSERT_TRUE(s.Find(false, key(100), &k100).ok());
  EXPECT_EQ(Render(k100), (std::vector<std::string>{"2:b"}));
  EXPECT_EQ(*s.Evict(false, 10000 * kSecond, nullptr), 9799);
  ASSERT_TRUE(s.Save().ok());
  EXPECT_EQ(store->metrics().num_keys, 2);
}

TEST_F(JoinStateTest, MalformedBlocksAreCorruption) {
  auto store = Open(0);
  JoinState s(store.get(), false, false, false);
  // A row of 5 bytes, of which the block holds 1.
  const std::string block("\x05\x00\x00\x00\x01", 5);
  ASSERT_TRUE(store->Put(std::string(1, 0x01) + "k" + std::string(8, 0), block).ok());
  JoinState::Rows rows;
  EXPECT_TRUE(s.Find(true, Key("k"), &rows).IsCorruption());
}

TEST_F(JoinStateTest, MalformedValuesAreCorruption) {
  std::vector<ColumnPtr> cols;
  const std::string truncated = std::string(1, 0) + std::string(1, 1) + "ab";
  EXPECT_TRUE(DecodeJoinRows(*RowSchema(), {truncated}, &cols).IsCorruption());
  EXPECT_TRUE(DecodeJoinRows(*RowSchema(), {std::string_view()}, &cols).IsCorruption());
}

}  // namespace
}  // namespace weir::exec
