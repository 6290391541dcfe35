// FaultInjectionEnv over the in-memory Env and over the POSIX Env in a temporary
// directory: what survives a simulated power loss, and injected errors.

#include "weir/common/fault_injection_env.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    ASSERT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)

namespace weir {
namespace {

using Names = std::vector<std::string>;

enum class TargetKind { kMem, kPosix };

class FaultInjectionEnvTest : public ::testing::TestWithParam<TargetKind> {
 protected:
  void SetUp() override {
    if (GetParam() == TargetKind::kPosix) {
      char tmpl[] = "/tmp/weir_fault_env_test_XXXXXX";
      ASSERT_NE(nullptr, ::mkdtemp(tmpl)) << std::strerror(errno);
      root_ = tmpl;
      target_ = Env::Default();
    } else {
      mem_target_ = NewMemEnv();
      target_ = mem_target_.get();
      root_ = "/db";
      // Made on the target directly: it predates the test, so it is durable.
      ASSERT_OK(target_->CreateDirs(root_));
    }
    env_ = std::make_unique<FaultInjectionEnv>(target_);
  }

  void TearDown() override {
    env_.reset();
    if (GetParam() == TargetKind::kPosix && !root_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(root_, ec);
    }
  }

  std::string Path(const std::string& name) const { return root_ + "/" + name; }

  // Creates `name` with `data` through the fault env; Syncs it if `sync`.
  void Write(const std::string& name, std::string_view data, bool sync) {
    auto file = env_->NewWritableFile(Path(name));
    ASSERT_OK(file);
    ASSERT_OK((*file)->Append(data));
    if (sync) ASSERT_OK((*file)->Sync());
    ASSERT_OK((*file)->Close());
  }

  // Contents as the target sees them, or "<missing>".
  std::string Read(const std::string& name) {
    Result<std::string> r = ReadFileToString(target_, Path(name));
    if (r.status().IsNotFound()) return "<missing>";
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ValueOr("<error>");
  }

  Names Children(const std::string& dir) {
    Result<Names> r = target_->GetChildren(dir);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ValueOr({});
  }

  void PowerLoss(PowerLossOptions options = {}) { ASSERT_OK(env_->SimulatePowerLoss(options)); }

  std::unique_ptr<Env> mem_target_;
  Env* target_ = nullptr;
  std::string root_;
  std::unique_ptr<FaultInjectionEnv> env_;
};

// (a) Data is durable only once synced.
TEST_P(FaultInjectionEnvTest, UnsyncedWriteIsLostAndSyncedWriteSurvives) {
  auto file = *env_->NewWritableFile(Path("synced"));
  ASSERT_OK(file->Append("durable"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Append(" lost"));
  ASSERT_OK(file->Flush());  // visible, not durable
  ASSERT_OK(file->Close());
  Write("unsynced", "gone", /*sync=*/false);
  ASSERT_OK(env_->SyncDir(root_));
  EXPECT_EQ(12u, env_->GetFileDurability(Path("synced"))->written);
  EXPECT_EQ(7u, env_->GetFileDurability(Path("synced"))->durable);
  EXPECT_EQ("durable lost", Read("synced"));

  PowerLoss();
  EXPECT_EQ("durable", Read("synced"));
  EXPECT_EQ("", Read("unsynced"));
}

TEST_P(FaultInjectionEnvTest, AppendsToAnOldFileAreLostUntilSynced) {
  ASSERT_OK(WriteStringToFileSync(env_.get(), "base;", Path("log")));
  {
    auto file = *env_->NewAppendableFile(Path("log"));
    ASSERT_OK(file->Append("more;"));
    ASSERT_OK(file->Close());
  }
  PowerLoss();
  EXPECT_EQ("base;", Read("log"));
  {
    auto file = *env_->NewAppendableFile(Path("log"));
    ASSERT_OK(file->Append("again;"));
    ASSERT_OK(file->Close());
  }
  // A Sync through any handle makes everything written to the file durable.
  auto syncer = *env_->NewAppendableFile(Path("log"));
  ASSERT_OK(syncer->Sync());
  ASSERT_OK(syncer->Close());
  PowerLoss();
  EXPECT_EQ("base;again;", Read("log"));
}

// (b) An fsync that fails is an error and makes nothing durable.
TEST_P(FaultInjectionEnvTest, InjectedEioOnSyncIsAnIoErrorAndNothingBecomesDurable) {
  env_->InjectFault({.op = FaultOp::kSync, .path_substring = "data", .error = EIO});
  auto file = *env_->NewWritableFile(Path("data"));
  ASSERT_OK(file->Append("payload"));
  Status s = file->Sync();
  EXPECT_EQ(StatusCode::kIoError, s.code()) << s;
  EXPECT_EQ(EIO, s.sys_errno());
  EXPECT_NE(std::string::npos, s.message().find("sync " + Path("data") + " (injected)")) << s;
  EXPECT_EQ(1, env_->faults_fired(FaultOp::kSync));
  EXPECT_EQ(0u, env_->GetFileDurability(Path("data"))->durable);
  ASSERT_OK(file->Close());
  ASSERT_OK(env_->SyncDir(root_));

  PowerLoss();
  EXPECT_EQ("", Read("data"));
}

TEST_P(FaultInjectionEnvTest, InjectedEnospcOnAppendWritesNothing) {
  auto file = *env_->NewWritableFile(Path("data"));
  ASSERT_OK(file->Append("abc"));
  env_->InjectFault({.op = FaultOp::kAppend, .path_substring = "data", .error = ENOSPC});
  Status s = file->Append("defg");
  EXPECT_EQ(StatusCode::kIoError, s.code()) << s;
  EXPECT_EQ(ENOSPC, s.sys_errno());
  EXPECT_EQ(3u, file->Size());
  ASSERT_OK(file->Flush());
  EXPECT_EQ("abc", Read("data"));
  ASSERT_OK(file->Append("h"));  // the rule fired its one time
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Close());
  EXPECT_EQ("abch", Read("data"));
  EXPECT_EQ(1, env_->faults_fired());
}

// (c) A new file needs its directory synced.
TEST_P(FaultInjectionEnvTest, SyncedFileWithoutDirSyncIsGone) {
  Write("f", "synced data", /*sync=*/true);
  EXPECT_EQ(1u, env_->unsynced_dir_ops());
  PowerLoss();
  EXPECT_EQ("<missing>", Read("f"));
  EXPECT_EQ(Names{}, Children(root_));
}

TEST_P(FaultInjectionEnvTest, SyncedFileWithDirSyncSurvives) {
  Write("f", "synced data", /*sync=*/true);
  ASSERT_OK(env_->SyncDir(root_ + "/"));  // any spelling of the directory
  EXPECT_EQ(0u, env_->unsynced_dir_ops());
  PowerLoss();
  EXPECT_EQ("synced data", Read("f"));
}

TEST_P(FaultInjectionEnvTest, SyncingAnotherDirectoryDoesNotHelp) {
  ASSERT_OK(env_->CreateDirIfMissing(Path("sub")));
  ASSERT_OK(env_->SyncDir(root_));  // "sub" is durable
  Write("sub/f", "x", /*sync=*/true);
  ASSERT_OK(env_->SyncDir(root_));  // the wrong directory
  PowerLoss();
  EXPECT_EQ("<missing>", Read("sub/f"));
  EXPECT_EQ(Names{}, Children(Path("sub")));
}

TEST_P(FaultInjectionEnvTest, NewDirectoryWithoutParentSyncIsGoneWithItsFiles) {
  ASSERT_OK(env_->CreateDirs(Path("a/b")));
  Write("a/b/f", "x", /*sync=*/true);
  ASSERT_OK(env_->SyncDir(Path("a/b")));
  ASSERT_OK(env_->SyncDir(Path("a")));  // "b" is durable in "a", but "a" is not
  PowerLoss();
  EXPECT_EQ(Names{}, Children(root_));

  ASSERT_OK(env_->CreateDirs(Path("a/b")));
  Write("a/b/f", "x", /*sync=*/true);
  ASSERT_OK(env_->SyncDir(Path("a/b")));
  ASSERT_OK(env_->SyncDir(Path("a")));
  ASSERT_OK(env_->SyncDir(root_));
  PowerLoss();
  EXPECT_EQ("x", Read("a/b/f"));
}

TEST_P(FaultInjectionEnvTest, UnsyncedRenameIsUndoneAndRestoresTheReplacedFile) {
  ASSERT_OK(WriteStringToFileSync(env_.get(), "the old file", Path("to")));
  auto replaced = *env_->NewAppendableFile(Path("to"));
  ASSERT_OK(replaced->Append(" and unsynced bytes"));  // not part of what is restored
  ASSERT_OK(replaced->Close());
  ASSERT_OK(WriteStringToFileSync(env_.get(), "the new file", Path("from")));
  ASSERT_OK(env_->RenameFile(Path("from"), Path("to")));
  EXPECT_EQ("the new file", Read("to"));

  PowerLoss();
  EXPECT_EQ("the new file", Read("from"));
  EXPECT_EQ("the old file", Read("to"));

  ASSERT_OK(env_->RenameFile(Path("from"), Path("to")));
  ASSERT_OK(env_->SyncDir(root_));
  PowerLoss();
  EXPECT_EQ("<missing>", Read("from"));
  EXPECT_EQ("the new file", Read("to"));
}

TEST_P(FaultInjectionEnvTest, RenameAcrossDirectoriesNeedsBothSynced) {
  ASSERT_OK(env_->CreateDirIfMissing(Path("d1")));
  ASSERT_OK(env_->CreateDirIfMissing(Path("d2")));
  ASSERT_OK(env_->SyncDir(root_));
  ASSERT_OK(WriteStringToFileSync(env_.get(), "x", Path("d1/f")));
  ASSERT_OK(env_->RenameFile(Path("d1/f"), Path("d2/f")));
  ASSERT_OK(env_->SyncDir(Path("d2")));
  PowerLoss();
  EXPECT_EQ("x", Read("d1/f"));
  EXPECT_EQ("<missing>", Read("d2/f"));
}

TEST_P(FaultInjectionEnvTest, DeletionIsDurableAtOnce) {
  ASSERT_OK(WriteStringToFileSync(env_.get(), "x", Path("durable")));
  Write("pending", "y", /*sync=*/true);
  ASSERT_OK(env_->DeleteFile(Path("durable")));
  ASSERT_OK(env_->DeleteFile(Path("pending")));
  PowerLoss();
  EXPECT_EQ(Names{}, Children(root_));
}

// (d) The atomic write pattern: every failure leaves the old contents.
TEST_P(FaultInjectionEnvTest, WriteStringToFileSyncIsAtomicWhenAnyStepFails) {
  const std::vector<FaultRule> steps = {
      {.op = FaultOp::kCreate, .path_substring = "CURRENT.tmp"},
      {.op = FaultOp::kAppend, .path_substring = "CURRENT.tmp", .error = ENOSPC},
      {.op = FaultOp::kSync, .path_substring = "CURRENT.tmp"},
      {.op = FaultOp::kRename, .path_substring = "CURRENT"},
      {.op = FaultOp::kSyncDir, .path_substring = root_},
  };
  for (bool tear : {false, true}) {
    for (size_t i = 0; i < steps.size(); ++i) {
      SCOPED_TRACE("step " + std::to_string(i) + (tear ? " torn" : ""));
      ASSERT_OK(WriteStringToFileSync(env_.get(), "old contents", Path("CURRENT")));
      env_->InjectFault(steps[i]);
      Status s = WriteStringToFileSync(env_.get(), "new", Path("CURRENT"));
      EXPECT_EQ(StatusCode::kIoError, s.code()) << s;
      EXPECT_NE(std::string::npos, s.message().find("(injected)")) << s;
      const bool renamed = steps[i].op == FaultOp::kSyncDir;
      EXPECT_EQ(renamed ? "new" : "old contents", Read("CURRENT"));
      PowerLoss({.tear_last_write = tear, .seed = i});
      EXPECT_EQ("old contents", Read("CURRENT"));
      EXPECT_EQ((Names{"CURRENT"}), Children(root_));
    }
  }
  EXPECT_EQ(10, env_->faults_fired());
}

// (d) The atomic write pattern: losing power after any step leaves old or new.
TEST_P(FaultInjectionEnvTest, TempSyncRenameSyncDirIsAtomicAtEveryPowerLoss) {
  std::unique_ptr<WritableFile> tmp;
  const std::string tmp_path = Path("CURRENT.tmp");
  const std::vector<std::function<Status()>> steps = {
      [&] {
        ASSIGN_OR_RAISE(tmp, env_->NewWritableFile(tmp_path));
        return Status::OK();
      },
      [&] { return tmp->Append("new "); },
      [&] { return tmp->Append("contents"); },
      [&] { return tmp->Sync(); },
      [&] { return tmp->Close(); },
      [&] { return env_->RenameFile(tmp_path, Path("CURRENT")); },
      [&] { return env_->SyncDir(root_); },
  };
  for (bool tear : {false, true}) {
    for (size_t done = 0; done <= steps.size(); ++done) {
      SCOPED_TRACE("after " + std::to_string(done) + " steps" + (tear ? " torn" : ""));
      ASSERT_OK(WriteStringToFileSync(env_.get(), "old contents", Path("CURRENT")));
      for (size_t i = 0; i < done; ++i) ASSERT_OK(steps[i]());
      PowerLoss({.tear_last_write = tear, .seed = done});
      tmp.reset();
      EXPECT_EQ(done == steps.size() ? "new contents" : "old contents", Read("CURRENT"));
      EXPECT_EQ((Names{"CURRENT"}), Children(root_));
    }
  }
}

TEST_P(FaultInjectionEnvTest, WriteStringToFileSyncOfANewFileIsAllOrNothing) {
  env_->InjectFault({.op = FaultOp::kSyncDir});
  EXPECT_FALSE(WriteStringToFileSync(env_.get(), "new", Path("CURRENT")).ok());
  PowerLoss();
  EXPECT_EQ(Names{}, Children(root_));
  ASSERT_OK(WriteStringToFileSync(env_.get(), "new", Path("CURRENT")));
  PowerLoss();
  EXPECT_EQ("new", Read("CURRENT"));
}

// (e) A torn write keeps a strict prefix of the last unsynced append.
TEST_P(FaultInjectionEnvTest, TearKeepsAStrictPrefixOfTheLastWriteChosenBySeed) {
  const std::string before = "durable|kept|";
  const std::string last = "0123456789";
  auto run = [&](uint64_t seed) {
    auto file = *env_->NewWritableFile(Path("log"));
    EXPECT_TRUE(file->Append("durable|").ok());
    EXPECT_TRUE(file->Sync().ok());
    EXPECT_TRUE(file->Append("kept|").ok());
    EXPECT_TRUE(file->Append(last).ok());
    EXPECT_TRUE(env_->SyncDir(root_).ok());
    EXPECT_TRUE(env_->SimulatePowerLoss({.tear_last_write = true, .seed = seed}).ok());
    return Read("log");
  };
  std::set<size_t> torn_lengths;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::string contents = run(seed);
    ASSERT_GE(contents.size(), before.size());
    ASSERT_LT(contents.size(), before.size() + last.size());
    EXPECT_EQ(before, contents.substr(0, before.size()));
    std::string torn = contents.substr(before.size());
    EXPECT_EQ(last.substr(0, torn.size()), torn);
    torn_lengths.insert(torn.size());
    EXPECT_EQ(contents, run(seed));  // deterministic
  }
  EXPECT_GE(torn_lengths.size(), 3u);  // the seed matters
}

TEST_P(FaultInjectionEnvTest, TearWithoutUnsyncedWritesKeepsDurableData) {
  Write("f", "all synced", /*sync=*/true);
  Write("g", "", /*sync=*/false);
  ASSERT_OK(env_->SyncDir(root_));
  PowerLoss({.tear_last_write = true, .seed = 7});
  EXPECT_EQ("all synced", Read("f"));
  EXPECT_EQ("", Read("g"));
}

// (f) Handles from before a power loss are dead.
TEST_P(FaultInjectionEnvTest, StaleHandlesFailAfterPowerLoss) {
  ASSERT_OK(WriteStringToFileSync(env_.get(), "contents", Path("f")));
  auto writer = *env_->NewAppendableFile(Path("f"));
  auto sequential = *env_->NewSequentialFile(Path("f"));
  auto random = *env_->NewRandomAccessFile(Path("f"));
  PowerLoss();
  std::string out;
  for (Status s : {writer->Append("x"), writer->Flush(), writer->Sync(), writer->Close(),
                   sequential->Read(1, &out), sequential->Skip(1), random->Read(0, 1, &out),
                   random->Size().status()}) {
    EXPECT_EQ(StatusCode::kIoError, s.code()) << s;
    EXPECT_EQ(EIO, s.sys_errno());
    EXPECT_NE(std::string::npos, s.message().find("stale")) << s;
  }
  // New handles work, and see what survived.
  auto fresh = *env_->NewRandomAccessFile(Path("f"));
  ASSERT_OK(fresh->Read(0, 100, &out));
  EXPECT_EQ("contents", out);
}

TEST_P(FaultInjectionEnvTest, TrackingRestartsFromWhatIsOnDisk) {
  Write("f", "abc", /*sync=*/true);
  ASSERT_OK(env_->SyncDir(root_));
  PowerLoss();
  EXPECT_FALSE(env_->GetFileDurability(Path("f")).has_value());
  EXPECT_EQ(0u, env_->unsynced_dir_ops());
  auto file = *env_->NewAppendableFile(Path("f"));
  EXPECT_EQ(3u, env_->GetFileDurability(Path("f"))->durable);
  ASSERT_OK(file->Append("def"));
  ASSERT_OK(file->Close());
  PowerLoss();
  EXPECT_EQ("abc", Read("f"));
}

// (g) skip and times.
TEST_P(FaultInjectionEnvTest, RuleSkipsThenFailsTimesThenLetsThrough) {
  env_->InjectFault({.op = FaultOp::kAppend, .path_substring = "target", .skip = 2, .times = 2});
  auto target = *env_->NewWritableFile(Path("target"));
  auto other = *env_->NewWritableFile(Path("other"));
  std::vector<bool> ok;
  for (int i = 1; i <= 6; ++i) {
    ASSERT_OK(other->Append("o"));  // does not match: neither skipped nor failed
    ok.push_back(target->Append(std::to_string(i)).ok());
  }
  EXPECT_EQ((std::vector<bool>{true, true, false, false, true, true}), ok);
  ASSERT_OK(target->Close());
  ASSERT_OK(other->Close());
  EXPECT_EQ("1256", Read("target"));
  EXPECT_EQ("oooooo", Read("other"));
  EXPECT_EQ(2, env_->faults_fired(FaultOp::kAppend));
  EXPECT_EQ(2, env_->faults_fired());
}

TEST_P(FaultInjectionEnvTest, RuleWithTimesMinusOneFailsUntilCleared) {
  env_->InjectFault({.op = FaultOp::kSync, .times = -1, .error = ENOSPC});
  auto file = *env_->NewWritableFile(Path("f"));
  ASSERT_OK(file->Append("x"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ENOSPC, file->Sync().sys_errno());
  env_->ClearFaults();
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Close());
  EXPECT_EQ(5, env_->faults_fired(FaultOp::kSync));
  EXPECT_EQ(0, env_->faults_fired(FaultOp::kAppend));
}

TEST_P(FaultInjectionEnvTest, FailedCreateRenameAndReadHaveNoEffect) {
  ASSERT_OK(WriteStringToFileSync(env_.get(), "a", Path("a")));
  ASSERT_OK(WriteStringToFileSync(env_.get(), "b", Path("b")));

  env_->InjectFault({.op = FaultOp::kCreate, .path_substring = "new"});
  EXPECT_EQ(EIO, env_->NewWritableFile(Path("new")).status().sys_errno());
  EXPECT_EQ("<missing>", Read("new"));
  env_->InjectFault({.op = FaultOp::kCreate, .path_substring = "a"});
  EXPECT_EQ(EIO, env_->NewWritableFile(Path("a")).status().sys_errno());
  EXPECT_EQ("a", Read("a"));  // not truncated
  env_->InjectFault({.op = FaultOp::kCreate, .path_substring = "dir"});
  EXPECT_EQ(EIO, env_->CreateDirs(Path("dir/sub")).sys_errno());
  EXPECT_EQ("<missing>", Read("dir"));

  env_->InjectFault({.op = FaultOp::kRename, .path_substring = "b"});  // matches `to`
  Status s = env_->RenameFile(Path("a"), Path("b"));
  EXPECT_EQ(EIO, s.sys_errno());
  EXPECT_NE(std::string::npos, s.message().find("rename " + Path("a") + " to " + Path("b"))) << s;
  EXPECT_EQ("a", Read("a"));
  EXPECT_EQ("b", Read("b"));

  env_->InjectFault({.op = FaultOp::kRead, .path_substring = "b", .error = EIO});
  EXPECT_EQ(EIO, ReadFileToString(env_.get(), Path("b")).status().sys_errno());
  EXPECT_EQ("b", *ReadFileToString(env_.get(), Path("b")));
  EXPECT_EQ(5, env_->faults_fired());
  EXPECT_EQ(0u, env_->unsynced_dir_ops());
}

TEST_P(FaultInjectionEnvTest, ConcurrentWritersAndAPowerLoss) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      auto file = *env_->NewWritableFile(Path("f" + std::to_string(t)));
      for (int i = 0; i < 50; ++i) EXPECT_TRUE(file->Append("s").ok());
      EXPECT_TRUE(file->Sync().ok());
      for (int i = 0; i < 50; ++i) EXPECT_TRUE(file->Append("u").ok());
      EXPECT_TRUE(file->Close().ok());
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_OK(env_->SyncDir(root_));
  PowerLoss();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(std::string(50, 's'), Read("f" + std::to_string(t)));
}

INSTANTIATE_TEST_SUITE_P(Targets, FaultInjectionEnvTest,
                         ::testing::Values(TargetKind::kMem, TargetKind::kPosix),
                         [](const ::testing::TestParamInfo<TargetKind>& info) {
                           return info.param == TargetKind::kMem ? "Mem" : "Posix";
                         });

TEST(FaultOpTest, Names) {
  EXPECT_EQ("append", FaultOpName(FaultOp::kAppend));
  EXPECT_EQ("sync", FaultOpName(FaultOp::kSync));
  EXPECT_EQ("syncdir", FaultOpName(FaultOp::kSyncDir));
  EXPECT_EQ("rename", FaultOpName(FaultOp::kRename));
  EXPECT_EQ("create", FaultOpName(FaultOp::kCreate));
  EXPECT_EQ("read", FaultOpName(FaultOp::kRead));
}

}  // namespace
}  // namespace weir
