// The delta and snapshot files of a state store: round trips, names and listing,
// load plans, purging, every torn tail and flipped bit of a file, and writes that
// fail or lose power (docs/checkpoint_format.md, "State").

#include "weir/state/state_files.h"

#include <cerrno>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/fault_injection_env.h"

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    ASSERT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)

namespace weir::state {
namespace {

using namespace std::string_literals;  // NOLINT(build/namespaces): "a\0b"s keeps its NUL
using Kind = StateFiles::Kind;

// An item read back: a key and its value (nullopt: a remove).
using Item = std::pair<std::string, std::optional<std::string>>;
using Items = std::vector<Item>;

class StateFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_ = NewMemEnv();
    fault_ = std::make_unique<FaultInjectionEnv>(mem_.get());
    files_ = std::make_unique<StateFiles>(fault_.get(), kDir);
  }

  // Writes a file of `items` (a nullopt value: a remove).
  Status Write(int64_t version, Kind kind, const Items& items) {
    Result<std::unique_ptr<StateFileWriter>> w =
        kind == Kind::kDelta ? files_->NewDelta(version) : files_->NewSnapshot(version);
    RETURN_NOT_OK(w.status());
    for (const auto& [key, value] : items) {
      RETURN_NOT_OK(value.has_value() ? (*w)->Put(key, *value) : (*w)->Remove(key));
    }
    return (*w)->Finish();
  }

  Result<Items> Read(int64_t version, Kind kind) {
    Items items;
    Status st = files_->Read(version, kind, [&](std::string_view k, const std::string* v) {
      items.emplace_back(std::string(k), v ? std::optional<std::string>(*v) : std::nullopt);
      return Status::OK();
    });
    RETURN_NOT_OK(st);
    return items;
  }

  // The directory's complete files as "<version>.<kind>" strings.
  std::vector<std::string> Listed() {
    Result<std::vector<StateFiles::File>> list = files_->List();
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> out;
    if (!list.ok()) return out;
    for (const StateFiles::File& f : *list) {
      const char* kind = f.kind == Kind::kDelta      ? "delta"
                         : f.kind == Kind::kSnapshot ? "snapshot"
                                                     : "rocksdb";
      out.push_back(std::to_string(f.version) + "." + kind);
    }
    return out;
  }

  std::vector<std::string> Children() {
    Result<std::vector<std::string>> names = mem_->GetChildren(kDir);
    return names.ok() ? *names : std::vector<std::string>{};
  }

  // A RocksDB snapshot directory with one file, and its marker when `done`.
  void MakeRocksDb(int64_t version, bool done) {
    const std::string path = files_->Path(version, Kind::kRocksDbSnapshot);
    ASSERT_OK(mem_->CreateDirs(path));
    ASSERT_OK(WriteStringToFileSync(mem_.get(), "sst", path + "/000001.sst"));
    if (done) ASSERT_OK(WriteStringToFileSync(mem_.get(), "ok", files_->RocksDbDonePath(version)));
  }

  static constexpr const char* kDir = "/ckpt/state/0/1";
  std::unique_ptr<Env> mem_;
  std::unique_ptr<FaultInjectionEnv> fault_;
  std::unique_ptr<StateFiles> files_;
};

TEST_F(StateFilesTest, DeltaRoundTripKeepsOrderRemovesAndBinaryBytes) {
  const std::string big(3 << 20, 'v');  // larger than a read or write chunk
  const Items items = {
      {"b", "1"}, {"a\0z"s, "\xff\0"s}, {"", ""}, {"gone", std::nullopt}, {"big", big}, {"b", "2"}};
  ASSERT_OK(Write(7, Kind::kDelta, items));
  Result<Items> read = Read(7, Kind::kDelta);
  ASSERT_OK(read);
  EXPECT_EQ(items, *read);
  EXPECT_EQ(std::vector<std::string>{"7.delta"}, Listed());
  EXPECT_EQ("/ckpt/state/0/1/7.delta", files_->Path(7, Kind::kDelta));
}

TEST_F(StateFilesTest, SnapshotRoundTripAndRefusesRemoves) {
  const Items items = {{"a", "1"}, {"b", "2"}, {"c", ""}};
  ASSERT_OK(Write(3, Kind::kSnapshot, items));
  Result<Items> read = Read(3, Kind::kSnapshot);
  ASSERT_OK(read);
  EXPECT_EQ(items, *read);

  ASSERT_OK(Write(4, Kind::kSnapshot, {}));
  read = Read(4, Kind::kSnapshot);
  ASSERT_OK(read);
  EXPECT_TRUE(read->empty());

  Result<std::unique_ptr<StateFileWriter>> w = files_->NewSnapshot(5);
  ASSERT_OK(w);
  EXPECT_FALSE((*w)->Remove("a").ok());
}

TEST_F(StateFilesTest, NothingVisibleUntilFinishAndAbandonedWriterLeavesNothing) {
  {
    Result<std::unique_ptr<StateFileWriter>> w = files_->NewDelta(1);
    ASSERT_OK(w);
    ASSERT_OK((*w)->Put("k", "v"));
    EXPECT_TRUE(Listed().empty());
    EXPECT_EQ(std::vector<std::string>{".1.delta.tmp"}, Children());
    EXPECT_TRUE(Read(1, Kind::kDelta).status().IsNotFound());
  }
  EXPECT_TRUE(Children().empty());  // the destroyed writer deleted its temp file
}

TEST_F(StateFilesTest, ListParsesOnlyCanonicalNamesAndDeleteDebrisRemovesTemps) {
  ASSERT_OK(Write(2, Kind::kDelta, {{"a", "1"}}));
  ASSERT_OK(Write(10, Kind::kDelta, {{"a", "1"}}));
  ASSERT_OK(Write(10, Kind::kSnapshot, {{"a", "1"}}));
  for (const char* junk : {"007.delta", "0.delta", "-1.delta", "x.snapshot", "5.deltas", ".delta",
                           "12", ".3.delta.tmp", "3.rocksdb.done.tmp"}) {
    ASSERT_OK(WriteStringToFileSync(mem_.get(), "junk", std::string(kDir) + "/" + junk));
  }
  ASSERT_OK(mem_->CreateDirs(std::string(kDir) + "/working"));  // RocksDB's instance
  MakeRocksDb(4, /*done=*/false);
  MakeRocksDb(6, /*done=*/true);
  EXPECT_EQ((std::vector<std::string>{"2.delta", "6.rocksdb", "10.delta", "10.snapshot"}),
            Listed());

  ASSERT_OK(files_->DeleteDebris());
  // The temps and the RocksDB directory without its marker are gone; the rest stay.
  const std::vector<std::string> left = Children();
  EXPECT_EQ((std::set<std::string>{"-1.delta", "0.delta", "007.delta", "10.delta", "10.snapshot",
                                   "12", "2.delta", "5.deltas", "6.rocksdb", "6.rocksdb.done",
                                   ".delta", "working", "x.snapshot"}),
            std::set<std::string>(left.begin(), left.end()));
}

TEST_F(StateFilesTest, ListOfMissingDirectoryIsEmpty) {
  EXPECT_TRUE(Listed().empty());
  ASSERT_OK(files_->DeleteDebris());
  ASSERT_OK(files_->Purge(5));
  ASSERT_OK(files_->DeleteAfter(0));
}

TEST_F(StateFilesTest, PlanLoadUsesNewestSnapshotOfItsKindAndNamesTheMissingDelta) {
  Result<StateFiles::LoadPlan> plan = files_->PlanLoad(0, Kind::kSnapshot);
  ASSERT_OK(plan);
  EXPECT_EQ(0, plan->snapshot_version);
  EXPECT_TRUE(plan->deltas.empty());

  plan = files_->PlanLoad(3, Kind::kSnapshot);
  ASSERT_TRUE(plan.status().IsNotFound());
  EXPECT_NE(std::string::npos, plan.status().message().find(kDir)) << plan.status();

  for (int v = 1; v <= 9; ++v) ASSERT_OK(Write(v, Kind::kDelta, {{"k", std::to_string(v)}}));
  ASSERT_OK(Write(4, Kind::kSnapshot, {{"k", "4"}}));
  ASSERT_OK(Write(8, Kind::kSnapshot, {{"k", "8"}}));
  MakeRocksDb(6, /*done=*/true);

  plan = files_->PlanLoad(7, Kind::kSnapshot);
  ASSERT_OK(plan);
  EXPECT_EQ(4, plan->snapshot_version);
  EXPECT_EQ((std::vector<int64_t>{5, 6, 7}), plan->deltas);

  plan = files_->PlanLoad(8, Kind::kSnapshot);
  ASSERT_OK(plan);
  EXPECT_EQ(8, plan->snapshot_version);
  EXPECT_TRUE(plan->deltas.empty());

  plan = files_->PlanLoad(7, Kind::kRocksDbSnapshot);
  ASSERT_OK(plan);
  EXPECT_EQ(6, plan->snapshot_version);
  EXPECT_EQ((std::vector<int64_t>{7}), plan->deltas);

  plan = files_->PlanLoad(3, Kind::kSnapshot);
  ASSERT_OK(plan);
  EXPECT_EQ(0, plan->snapshot_version);
  EXPECT_EQ((std::vector<int64_t>{1, 2, 3}), plan->deltas);

  plan = files_->PlanLoad(10, Kind::kSnapshot);
  ASSERT_TRUE(plan.status().IsNotFound());
  EXPECT_NE(std::string::npos, plan.status().message().find("latest version there is 9"))
      << plan.status();

  ASSERT_OK(mem_->DeleteFile(files_->Path(6, Kind::kDelta)));
  plan = files_->PlanLoad(7, Kind::kSnapshot);
  ASSERT_TRUE(plan.status().IsNotFound());
  EXPECT_NE(std::string::npos, plan.status().message().find(files_->Path(6, Kind::kDelta)))
      << plan.status();
}

TEST_F(StateFilesTest, PurgeKeepsWhatEveryRetainedVersionNeeds) {
  for (int v = 1; v <= 12; ++v) ASSERT_OK(Write(v, Kind::kDelta, {{"k", std::to_string(v)}}));
  ASSERT_OK(Write(3, Kind::kSnapshot, {{"k", "3"}}));
  ASSERT_OK(Write(6, Kind::kSnapshot, {{"k", "6"}}));
  ASSERT_OK(Write(9, Kind::kSnapshot, {{"k", "9"}}));

  ASSERT_OK(files_->Purge(2));  // no snapshot at or below 2: nothing goes
  EXPECT_EQ(15u, Listed().size());

  ASSERT_OK(files_->Purge(8));  // snapshot 6 serves 8: everything before 6 goes
  EXPECT_EQ((std::vector<std::string>{"6.delta", "6.snapshot", "7.delta", "8.delta", "9.delta",
                                      "9.snapshot", "10.delta", "11.delta", "12.delta"}),
            Listed());
  for (int v = 6; v <= 12; ++v) EXPECT_TRUE(files_->PlanLoad(v, Kind::kSnapshot).ok()) << v;
  EXPECT_TRUE(files_->PlanLoad(5, Kind::kSnapshot).status().IsNotFound());

  MakeRocksDb(11, /*done=*/true);
  ASSERT_OK(files_->Purge(12));  // the RocksDB snapshot 11 is the newest
  EXPECT_EQ((std::vector<std::string>{"11.delta", "11.rocksdb", "12.delta"}), Listed());

  ASSERT_OK(Write(13, Kind::kDelta, {}));
  MakeRocksDb(13, /*done=*/true);
  ASSERT_OK(files_->Purge(13));  // marker and directory of 11 go
  EXPECT_EQ((std::vector<std::string>{"13.delta", "13.rocksdb"}), Listed());
  EXPECT_EQ((std::vector<std::string>{"13.delta", "13.rocksdb", "13.rocksdb.done"}), Children());
}

TEST_F(StateFilesTest, DeleteAfterRemovesNewerVersionsOfEveryKind) {
  for (int v = 1; v <= 6; ++v) ASSERT_OK(Write(v, Kind::kDelta, {{"k", std::to_string(v)}}));
  ASSERT_OK(Write(5, Kind::kSnapshot, {{"k", "5"}}));
  MakeRocksDb(4, /*done=*/true);
  MakeRocksDb(6, /*done=*/true);
  MakeRocksDb(7, /*done=*/false);
  ASSERT_OK(files_->DeleteAfter(3));
  EXPECT_EQ((std::vector<std::string>{"1.delta", "2.delta", "3.delta"}), Listed());
  EXPECT_EQ((std::vector<std::string>{"1.delta", "2.delta", "3.delta"}), Children());
}

// A small delta's bytes.
class StateFilesCorruptionTest : public StateFilesTest {
 protected:
  void SetUp() override {
    StateFilesTest::SetUp();
    ASSERT_OK(Write(5, Kind::kDelta, kItems));
    Result<std::string> bytes = ReadFileToString(mem_.get(), files_->Path(5, Kind::kDelta));
    ASSERT_OK(bytes);
    bytes_ = *bytes;
  }

  // Reads the delta after replacing its bytes; expects a Corruption naming it.
  void ExpectCorrupt(const std::string& bytes, const std::string& what) {
    const std::string path = files_->Path(5, Kind::kDelta);
    ASSERT_OK(WriteStringToFileSync(mem_.get(), bytes, path));
    Status st = Read(5, Kind::kDelta).status();
    ASSERT_TRUE(st.IsCorruption()) << what << ": " << st;
    EXPECT_NE(std::string::npos, st.message().find(path)) << what << ": " << st;
  }

  const Items kItems = {{"key", "value"}, {"gone", std::nullopt}, {"k2", ""}};
  std::string bytes_;
};

TEST_F(StateFilesCorruptionTest, LayoutIsAsDocumented) {
  // Header 28, then frames of 8 + payload: put 5+3+5, remove 5+4, put 5+2+0, end 9.
  EXPECT_EQ(28u + (8 + 13) + (8 + 9) + (8 + 7) + (8 + 9), bytes_.size());
  EXPECT_EQ("weirstat", bytes_.substr(0, 8));
  EXPECT_EQ("\x01\0\0\0\x01\0\0\0\x05\0\0\0\0\0\0\0"s, bytes_.substr(8, 16));
  // The first record: length 13, type put, key size 3.
  EXPECT_EQ("\x0d\0\0\0\x01\x03\0\0\0keyvalue"s, bytes_.substr(28 + 4, 17));
  // The end record counts 3 items.
  EXPECT_EQ("\x09\0\0\0\x03\x03\0\0\0\0\0\0\0"s, bytes_.substr(bytes_.size() - 13));
}

TEST_F(StateFilesCorruptionTest, EveryTornTailIsDataLossNamingTheFile) {
  for (size_t n = 0; n < bytes_.size(); ++n) {
    ExpectCorrupt(bytes_.substr(0, n), "truncated to " + std::to_string(n));
  }
}

TEST_F(StateFilesCorruptionTest, EveryFlippedBitIsDataLossNamingTheFile) {
  for (size_t i = 0; i < bytes_.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bytes = bytes_;
      bytes[i] = static_cast<char>(bytes[i] ^ (1 << bit));
      ExpectCorrupt(bytes, "bit " + std::to_string(bit) + " of byte " + std::to_string(i));
    }
  }
}

TEST_F(StateFilesCorruptionTest, TrailingBytesWrongKindAndWrongVersionAreDataLoss) {
  ExpectCorrupt(bytes_ + "x", "a byte after the end record");
  ExpectCorrupt(bytes_ + bytes_.substr(28), "the records twice");
  // The delta's bytes under another version's or kind's name.
  ASSERT_OK(WriteStringToFileSync(mem_.get(), bytes_, files_->Path(6, Kind::kDelta)));
  Status st = Read(6, Kind::kDelta).status();
  EXPECT_TRUE(st.IsCorruption()) << st;
  EXPECT_NE(std::string::npos, st.message().find("6.delta")) << st;
  ASSERT_OK(WriteStringToFileSync(mem_.get(), bytes_, files_->Path(5, Kind::kSnapshot)));
  st = Read(5, Kind::kSnapshot).status();
  EXPECT_TRUE(st.IsCorruption()) << st;
}

TEST_F(StateFilesCorruptionTest, HugeLengthIsRefusedBeforeAllocating) {
  // The first record claims 2 GiB - 1 bytes: refused by the file's size, not read.
  std::string bytes = bytes_;
  bytes.replace(28 + 4, 4, "\xff\xff\xff\x7f");
  ExpectCorrupt(bytes, "a 2 GiB length");
}

TEST_F(StateFilesTest, FailedSyncOrAppendLeavesNoFileAndNoTemp) {
  ASSERT_OK(Write(1, Kind::kDelta, {{"a", "1"}}));
  for (FaultOp op : {FaultOp::kSync, FaultOp::kAppend, FaultOp::kRename}) {
    fault_->InjectFault({.op = op, .path_substring = "2.delta", .error = ENOSPC});
    Status st = Write(2, Kind::kDelta, {{"a", "2"}});
    EXPECT_TRUE(st.IsIoError()) << FaultOpName(op) << ": " << st;
    EXPECT_EQ(ENOSPC, st.sys_errno());
    EXPECT_EQ(std::vector<std::string>{"1.delta"}, Children()) << FaultOpName(op);
  }
  Result<Items> read = Read(1, Kind::kDelta);
  ASSERT_OK(read);
  EXPECT_EQ((Items{{"a", "1"}}), *read);
}

TEST_F(StateFilesTest, FinishedFileSurvivesPowerLossUnfinishedOneDoesNot) {
  // The directory chain did not exist: creating it must be durable too.
  ASSERT_OK(Write(1, Kind::kDelta, {{"a", "1"}}));
  {
    Result<std::unique_ptr<StateFileWriter>> w = files_->NewSnapshot(1);
    ASSERT_OK(w);
    ASSERT_OK((*w)->Put("a", "1"));
    ASSERT_OK(fault_->SimulatePowerLoss({.tear_last_write = true}));
  }
  EXPECT_EQ(std::vector<std::string>{"1.delta"}, Children());
  Result<Items> read = Read(1, Kind::kDelta);
  ASSERT_OK(read);
  EXPECT_EQ((Items{{"a", "1"}}), *read);
}

TEST_F(StateFilesTest, UnsyncedDirectoryLosesTheRenameOnPowerLoss) {
  ASSERT_OK(Write(1, Kind::kDelta, {{"a", "1"}}));
  fault_->InjectFault({.op = FaultOp::kSyncDir, .path_substring = kDir});
  EXPECT_FALSE(Write(2, Kind::kDelta, {{"a", "2"}}).ok());
  ASSERT_OK(fault_->SimulatePowerLoss());
  EXPECT_EQ(std::vector<std::string>{"1.delta"}, Listed());
}

}  // namespace
}  // namespace weir::state
