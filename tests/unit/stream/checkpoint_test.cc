// The checkpoint's files as docs/checkpoint_format.md specifies them: round trips,
// framing, every kind of damage reported by path, .tmp debris, power loss.

#include "weir/stream/checkpoint.h"

#include <gtest/gtest.h>

#include "weir/common/crc32c.h"
#include "weir/common/fault_injection_env.h"
#include "weir/stream/checkpoint_records.h"

namespace weir::stream {
namespace {

CheckpointMetadata Fresh() {
  CheckpointMetadata m;
  m.id = "4bd7b9d4-0c5e-4b0e-9a49-52b3c0a1f2d1";
  m.created_ms = 1719792000000;
  m.shuffle_partitions = 2;
  m.sources = {"rate", "log \"weblogs\""};
  m.operators = {OperatorRecord{0, "stateStoreSave", "key: string; value: count()"}};
  m.state_backend = "rocksdb";
  return m;
}

PlannedEpoch Planned(int64_t id) {
  PlannedEpoch e;
  e.batch_id = id;
  e.batch_timestamp_ms = 1719792000000 + id;
  e.watermark_ms = 7;
  e.offsets = {{"{\"value\":" + std::to_string(id * 10) + "}",
                "{\"value\":" + std::to_string(id * 10 + 10) + "}"},
               {"{\"weblogs\":{\"0\":1}}", "{\"weblogs\":{\"0\":2}}"}};
  return e;
}

class CheckpointTest : public ::testing::Test {
 protected:
  CheckpointTest() : env_(NewMemEnv(&clock_)) {}

  std::unique_ptr<Checkpoint> Open(Env* env = nullptr) {
    auto cp = Checkpoint::Open(env ? env : env_.get(), "/cp/q", Fresh());
    EXPECT_TRUE(cp.ok()) << cp.status().ToString();
    return cp.ok() ? std::move(*cp) : nullptr;
  }
  std::string Read(const std::string& path) {
    return ReadFileToString(env_.get(), path).ValueOrDie();
  }
  void Write(const std::string& path, std::string_view data) {
    auto f = env_->NewWritableFile(path).ValueOrDie();
    ASSERT_TRUE(f->Append(data).ok());
    ASSERT_TRUE(f->Close().ok());
  }

  ManualClock clock_;
  std::unique_ptr<Env> env_;
};

TEST_F(CheckpointTest, FreshCheckpointWritesMetadataInTheDocumentedShape) {
  auto cp = Open();
  ASSERT_NE(cp, nullptr);
  EXPECT_TRUE(cp->created());
  const std::string file = Read("/cp/q/metadata");
  const std::string head =
      "weir-checkpoint v1 metadata\n"
      "{\"id\":\"4bd7b9d4-0c5e-4b0e-9a49-52b3c0a1f2d1\",\"createdMs\":1719792000000,"
      "\"shufflePartitions\":2,\"sources\":[\"rate\",\"log \\\"weblogs\\\"\"],"
      "\"stateBackend\":\"rocksdb\",\"operators\":[{\"id\":0,\"name\":\"stateStoreSave\","
      "\"schema\":\"key: string; value: count()\"}]}\n";
  ASSERT_EQ(file.substr(0, head.size()), head);
  char crc[32];
  std::snprintf(crc, sizeof(crc), "crc32c=%08x\n", crc32c::Value(head));
  EXPECT_EQ(file.substr(head.size()), crc);
  EXPECT_FALSE(cp->LatestPlanned()->has_value());
  EXPECT_FALSE(cp->LatestCommit()->has_value());
}

TEST_F(CheckpointTest, ReopenReadsMetadataBack) {
  Open();
  CheckpointMetadata other = Fresh();
  other.id = "another-id";
  auto cp = Checkpoint::Open(env_.get(), "/cp/q/", other);
  ASSERT_TRUE(cp.ok());
  EXPECT_FALSE((*cp)->created());
  EXPECT_EQ((*cp)->metadata().id, Fresh().id);
  EXPECT_EQ((*cp)->metadata().created_ms, 1719792000000);
  EXPECT_EQ((*cp)->metadata().operators, Fresh().operators);
  EXPECT_EQ((*cp)->metadata().state_backend, "rocksdb");
  EXPECT_EQ((*cp)->metadata().shuffle_partitions, 2);
  EXPECT_EQ((*cp)->metadata().sources, Fresh().sources);
}

TEST_F(CheckpointTest, PlannedAndCommitRecordsRoundTrip) {
  auto cp = Open();
  ASSERT_TRUE(cp->WritePlanned(Planned(0)).ok());
  ASSERT_TRUE(cp->WriteCommit({0, 5}).ok());
  ASSERT_TRUE(cp->WritePlanned(Planned(1)).ok());
  EXPECT_EQ(Read("/cp/q/commits/0").substr(0, 63),
            "weir-checkpoint v1 commit\n{\"batchId\":0,\"watermarkMs\":5}\ncrc32c=");
  auto reopened = Open();
  auto planned = reopened->LatestPlanned();
  ASSERT_TRUE(planned.ok() && planned->has_value());
  EXPECT_EQ((*planned)->batch_id, 1);
  EXPECT_EQ((*planned)->batch_timestamp_ms, 1719792000001);
  EXPECT_EQ((*planned)->watermark_ms, 7);
  ASSERT_EQ((*planned)->offsets.size(), 2u);
  EXPECT_EQ((*planned)->offsets[0].start, "{\"value\":10}");
  EXPECT_EQ((*planned)->offsets[1].end, "{\"weblogs\":{\"0\":2}}");
  auto commit = reopened->LatestCommit();
  ASSERT_TRUE(commit.ok() && commit->has_value());
  EXPECT_EQ((*commit)->batch_id, 0);
  EXPECT_EQ((*commit)->watermark_ms, 5);
  EXPECT_TRUE(reopened->corrupt_files().empty());
  auto zero = reopened->ReadPlanned(0);
  ASSERT_TRUE(zero.ok() && zero->has_value());
  EXPECT_EQ((*zero)->offsets[0].end, "{\"value\":10}");
  EXPECT_FALSE(reopened->ReadPlanned(9)->has_value());
}

TEST_F(CheckpointTest, EpochsCompareNumericallyNotBytewise) {
  auto cp = Open();
  for (int64_t e : {9, 10, 2}) ASSERT_TRUE(cp->WritePlanned(Planned(e)).ok());
  EXPECT_EQ((*cp->LatestPlanned())->batch_id, 10);
}

TEST_F(CheckpointTest, TmpDebrisIsDeletedOnOpen) {
  Open();
  Write("/cp/q/offsets/.3.tmp", "half a rec");
  Write("/cp/q/commits/.2.tmp", "");
  Write("/cp/q/.metadata.tmp", "x");
  Open();
  EXPECT_FALSE(*env_->FileExists("/cp/q/offsets/.3.tmp"));
  EXPECT_FALSE(*env_->FileExists("/cp/q/commits/.2.tmp"));
  EXPECT_FALSE(*env_->FileExists("/cp/q/.metadata.tmp"));
}

TEST_F(CheckpointTest, WritesGoThroughATempFileAndLeaveNone) {
  auto cp = Open();
  ASSERT_TRUE(cp->WritePlanned(Planned(0)).ok());
  EXPECT_EQ(*env_->GetChildren("/cp/q/offsets"), std::vector<std::string>{"0"});
}

// Every damage to a record file is an error naming the file, never "absent".
TEST_F(CheckpointTest, CorruptMetadataIsAnErrorNamingTheFile) {
  Open();
  const std::string good = Read("/cp/q/metadata");
  const std::vector<std::string> damaged = {
      "",                                                    // empty
      good.substr(0, good.size() / 2),                       // truncated
      good.substr(0, good.size() - 4) + "0000\n",            // wrong checksum
      "weir-checkpoint v2 metadata\n{}\ncrc32c=00000000\n",  // unknown version
      "garbage",
  };
  for (const std::string& bad : damaged) {
    Write("/cp/q/metadata", bad);
    auto cp = Checkpoint::Open(env_.get(), "/cp/q", Fresh());
    ASSERT_FALSE(cp.ok()) << bad;
    EXPECT_TRUE(cp.status().IsCorruption()) << cp.status().ToString();
    EXPECT_NE(cp.status().message().find("/cp/q/metadata"), std::string::npos)
        << cp.status().ToString();
  }
}

TEST_F(CheckpointTest, ValidFramingButBadJsonIsCorrupt) {
  Open();
  for (std::string body : {"{\"id\":1}", "[1,2]", "{\"id\":\"x\",\"createdMs\":1}", "{not json"}) {
    Write("/cp/q/metadata", internal::FrameRecord("metadata", body));
    auto cp = Checkpoint::Open(env_.get(), "/cp/q", Fresh());
    ASSERT_FALSE(cp.ok()) << body;
    EXPECT_TRUE(cp.status().IsCorruption());
    EXPECT_NE(cp.status().message().find("/cp/q/metadata"), std::string::npos);
  }
}

TEST_F(CheckpointTest, EveryTruncationOfARecordIsDetected) {
  auto cp = Open();
  ASSERT_TRUE(cp->WritePlanned(Planned(4)).ok());
  const std::string good = Read("/cp/q/offsets/4");
  for (size_t n = 0; n + 1 < good.size(); ++n) {  // every strict prefix except "minus \n"
    Write("/cp/q/offsets/4", good.substr(0, n));
    auto r = cp->ReadPlanned(4);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_TRUE(r.status().IsCorruption());
    EXPECT_NE(r.status().message().find("/cp/q/offsets/4"), std::string::npos);
  }
  // A bit flip anywhere is caught by the checksum (or the framing).
  for (size_t i = 0; i < good.size(); i += 7) {
    std::string flipped = good;
    flipped[i] ^= 0x20;
    Write("/cp/q/offsets/4", flipped);
    EXPECT_FALSE(cp->ReadPlanned(4).ok()) << i;
  }
}

TEST_F(CheckpointTest, RecordOfAnotherEpochIsCorrupt) {
  auto cp = Open();
  ASSERT_TRUE(cp->WritePlanned(Planned(1)).ok());
  ASSERT_TRUE(env_->RenameFile("/cp/q/offsets/1", "/cp/q/offsets/2").ok());
  auto r = cp->ReadPlanned(2);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("records batch 1"), std::string::npos);
}

TEST_F(CheckpointTest, CorruptLatestRecordsAreSkippedAndReported) {
  auto cp = Open();
  for (int64_t e = 0; e < 3; ++e) {
    ASSERT_TRUE(cp->WritePlanned(Planned(e)).ok());
    ASSERT_TRUE(cp->WriteCommit({e, 0}).ok());
  }
  Write("/cp/q/offsets/2", "junk");
  Write("/cp/q/commits/2", "junk");
  auto reopened = Open();
  EXPECT_EQ((*reopened->LatestPlanned())->batch_id, 1);
  EXPECT_EQ((*reopened->LatestCommit())->batch_id, 1);
  EXPECT_EQ(reopened->corrupt_files(),
            (std::vector<std::string>{"/cp/q/offsets/2", "/cp/q/commits/2"}));
}

TEST_F(CheckpointTest, RecordsWithoutMetadataAreRefused) {
  auto cp = Open();
  ASSERT_TRUE(cp->WritePlanned(Planned(0)).ok());
  ASSERT_TRUE(env_->DeleteFile("/cp/q/metadata").ok());
  auto again = Checkpoint::Open(env_.get(), "/cp/q", Fresh());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("no metadata"), std::string::npos);
}

TEST_F(CheckpointTest, OversizedRecordIsCorruptWithoutReadingIt) {
  auto cp = Open();
  Write("/cp/q/offsets/0", std::string(internal::kMaxRecordBytes + 1, 'x'));
  auto r = cp->ReadPlanned(0);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST_F(CheckpointTest, PurgeKeepsTheLastEpochsOldestFirst) {
  auto cp = Open();
  for (int64_t e = 0; e < 10; ++e) {
    ASSERT_TRUE(cp->WritePlanned(Planned(e)).ok());
    ASSERT_TRUE(cp->WriteCommit({e, 0}).ok());
    ASSERT_TRUE(cp->Purge(3).ok());
  }
  EXPECT_EQ(*env_->GetChildren("/cp/q/offsets"), (std::vector<std::string>{"7", "8", "9"}));
  EXPECT_EQ(*env_->GetChildren("/cp/q/commits"), (std::vector<std::string>{"7", "8", "9"}));
  // A new object (a restart) finds where to continue purging.
  auto reopened = Open();
  ASSERT_TRUE(reopened->LatestCommit().ok());
  ASSERT_TRUE(reopened->WritePlanned(Planned(10)).ok());
  ASSERT_TRUE(reopened->WriteCommit({10, 0}).ok());
  ASSERT_TRUE(reopened->Purge(2).ok());
  EXPECT_EQ(*env_->GetChildren("/cp/q/offsets"), (std::vector<std::string>{"10", "9"}));
}

TEST_F(CheckpointTest, SourceDirIsCreatedOnDemand) {
  auto cp = Open();
  auto dir = cp->SourceDir(1);
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, "/cp/q/sources/1");
  EXPECT_TRUE(*env_->FileExists("/cp/q/sources/1"));
}

// A record is durable once its write returned; a write cut by power loss leaves the
// previous state, never a torn record.
TEST_F(CheckpointTest, PowerLossKeepsEveryCompletedWrite) {
  FaultInjectionEnv fenv(env_.get());
  {
    auto cp = Open(&fenv);
    ASSERT_TRUE(cp->WritePlanned(Planned(0)).ok());
    ASSERT_TRUE(cp->WriteCommit({0, 0}).ok());
  }
  ASSERT_TRUE(fenv.SimulatePowerLoss({/*tear_last_write=*/true, 3}).ok());
  auto cp = Open(&fenv);
  EXPECT_FALSE(cp->created());
  EXPECT_EQ((*cp->LatestPlanned())->batch_id, 0);
  EXPECT_EQ((*cp->LatestCommit())->batch_id, 0);
  EXPECT_TRUE(cp->corrupt_files().empty());
}

TEST_F(CheckpointTest, PowerLossDuringAWriteLeavesThePreviousState) {
  FaultInjectionEnv fenv(env_.get());
  auto cp = Open(&fenv);
  ASSERT_TRUE(cp->WritePlanned(Planned(0)).ok());
  // The rename of the next record's temp file fails: it never becomes a record.
  fenv.InjectFault({FaultOp::kRename, "offsets", 0, 1, EIO});
  EXPECT_FALSE(cp->WritePlanned(Planned(1)).ok());
  // The sync of the next one fails: same.
  fenv.InjectFault({FaultOp::kSync, "offsets", 0, 1, EIO});
  EXPECT_FALSE(cp->WritePlanned(Planned(1)).ok());
  ASSERT_TRUE(fenv.SimulatePowerLoss({true, 11}).ok());
  auto reopened = Open(&fenv);
  EXPECT_EQ((*reopened->LatestPlanned())->batch_id, 0);
  EXPECT_TRUE(reopened->corrupt_files().empty());
  auto children = fenv.GetChildren("/cp/q/offsets");
  EXPECT_EQ(*children, std::vector<std::string>{"0"});
}

TEST_F(CheckpointTest, PowerLossBeforeMetadataIsDurableStartsFresh) {
  FaultInjectionEnv fenv(env_.get());
  fenv.InjectFault({FaultOp::kSyncDir, "/cp/q", 0, -1, EIO});
  auto cp = Checkpoint::Open(&fenv, "/cp/q", Fresh());
  EXPECT_FALSE(cp.ok());
  fenv.ClearFaults();
  ASSERT_TRUE(fenv.SimulatePowerLoss().ok());
  auto again = Checkpoint::Open(&fenv, "/cp/q", Fresh());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE((*again)->created());
}

}  // namespace
}  // namespace weir::stream
