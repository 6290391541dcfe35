// The Env contract, checked against every Env: the POSIX one in a fresh temporary
// directory and the in-memory one.

#include "weir/common/env.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    ASSERT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)
#define EXPECT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    EXPECT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)

namespace weir {
namespace {

using Names = std::vector<std::string>;

enum class EnvKind { kPosix, kMem };

class EnvTest : public ::testing::TestWithParam<EnvKind> {
 protected:
  void SetUp() override {
    if (GetParam() == EnvKind::kPosix) {
      char tmpl[] = "/tmp/weir_env_test_XXXXXX";
      ASSERT_NE(nullptr, ::mkdtemp(tmpl)) << std::strerror(errno);
      root_ = tmpl;
      env_ = Env::Default();
    } else {
      mem_env_ = NewMemEnv();
      env_ = mem_env_.get();
      root_ = "/test";
      ASSERT_OK(env_->CreateDirs(root_));
    }
  }

  void TearDown() override {
    if (GetParam() == EnvKind::kPosix && !root_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(root_, ec);
    }
  }

  std::string Path(const std::string& name) const { return root_ + "/" + name; }

  void Write(const std::string& name, std::string_view data) {
    ASSERT_OK(WriteAll(Path(name), data));
  }

  Status WriteAll(const std::string& path, std::string_view data) {
    ASSIGN_OR_RAISE(std::unique_ptr<WritableFile> file, env_->NewWritableFile(path));
    RETURN_NOT_OK(file->Append(data));
    return file->Close();
  }

  // The contents of a file, or "<error: CODE>".
  std::string Read(const std::string& name) {
    Result<std::string> r = ReadFileToString(env_, Path(name));
    if (!r.ok()) return "<error: " + std::string(StatusCodeName(r.status().code())) + ">";
    return *r;
  }

  Names Children(const std::string& dir) {
    Result<Names> r = env_->GetChildren(dir);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ValueOr({});
  }

  std::unique_ptr<Env> mem_env_;
  Env* env_ = nullptr;
  std::string root_;
};

TEST_P(EnvTest, WriteThenReadBack) {
  Write("foo", "hello, world");
  EXPECT_EQ("hello, world", Read("foo"));
  EXPECT_EQ(12u, *env_->GetFileSize(Path("foo")));
  Write("empty", "");
  EXPECT_EQ("", Read("empty"));
  EXPECT_EQ(0u, *env_->GetFileSize(Path("empty")));
}

TEST_P(EnvTest, NewWritableFileTruncates) {
  Write("foo", "a long first version");
  Write("foo", "short");
  EXPECT_EQ("short", Read("foo"));
}

TEST_P(EnvTest, NewAppendableFileAppends) {
  Write("log", "one,");
  {
    auto file = *env_->NewAppendableFile(Path("log"));
    EXPECT_EQ(4u, file->Size());
    ASSERT_OK(file->Append("two"));
    EXPECT_EQ(7u, file->Size());
    ASSERT_OK(file->Close());
  }
  EXPECT_EQ("one,two", Read("log"));
  auto created = *env_->NewAppendableFile(Path("new"));
  EXPECT_EQ(0u, created->Size());
  ASSERT_OK(created->Append("x"));
  ASSERT_OK(created->Close());
  EXPECT_EQ("x", Read("new"));
}

TEST_P(EnvTest, WritableFileFlushesSyncsAndCountsItsSize) {
  auto file = *env_->NewWritableFile(Path("f"));
  EXPECT_EQ(0u, file->Size());
  ASSERT_OK(file->Append("abc"));
  ASSERT_OK(file->Append(""));
  EXPECT_EQ(3u, file->Size());
  ASSERT_OK(file->Flush());
  EXPECT_EQ("abc", Read("f"));  // flushed bytes are visible to readers
  ASSERT_OK(file->Append("de"));
  ASSERT_OK(file->Sync());
  EXPECT_EQ("abcde", Read("f"));
  EXPECT_EQ(5u, file->Size());
  ASSERT_OK(file->Close());
}

TEST_P(EnvTest, LargeAndSmallAppendsRoundTrip) {
  // Crosses the POSIX write buffer in every way: small appends filling it, an append
  // that does not fit, and appends larger than the buffer.
  std::string expected;
  auto file = *env_->NewWritableFile(Path("big"));
  for (int i = 0; i < 2000; ++i) {
    std::string piece(static_cast<size_t>(i % 97 + 1), static_cast<char>('a' + i % 26));
    if (i % 500 == 0) piece.assign(200 * 1024, static_cast<char>('A' + i % 26));
    ASSERT_OK(file->Append(piece));
    expected += piece;
  }
  EXPECT_EQ(expected.size(), file->Size());
  ASSERT_OK(file->Close());
  EXPECT_EQ(expected, Read("big"));
}

TEST_P(EnvTest, ClosedWritableFileRejectsCalls) {
  auto file = *env_->NewWritableFile(Path("f"));
  ASSERT_OK(file->Append("x"));
  ASSERT_OK(file->Close());
  for (Status s : {file->Append("y"), file->Flush(), file->Sync(), file->Close()}) {
    EXPECT_EQ(StatusCode::kIoError, s.code()) << s;
    EXPECT_EQ(EBADF, s.sys_errno());
  }
  EXPECT_EQ("x", Read("f"));
}

TEST_P(EnvTest, SequentialReadIsShortAtEof) {
  Write("f", "hello");
  auto file = *env_->NewSequentialFile(Path("f"));
  std::string out = "garbage";
  ASSERT_OK(file->Read(3, &out));
  EXPECT_EQ("hel", out);
  ASSERT_OK(file->Read(10, &out));
  EXPECT_EQ("lo", out);
  ASSERT_OK(file->Read(10, &out));
  EXPECT_EQ("", out);
  ASSERT_OK(file->Read(0, &out));
  EXPECT_EQ("", out);
}

TEST_P(EnvTest, SequentialSkip) {
  Write("f", "0123456789");
  auto file = *env_->NewSequentialFile(Path("f"));
  std::string out;
  ASSERT_OK(file->Skip(3));
  ASSERT_OK(file->Read(2, &out));
  EXPECT_EQ("34", out);
  ASSERT_OK(file->Skip(100));  // past the end is not an error
  ASSERT_OK(file->Read(2, &out));
  EXPECT_EQ("", out);
}

TEST_P(EnvTest, RandomAccessReadIsShortAtEof) {
  Write("f", "0123456789");
  auto file = *env_->NewRandomAccessFile(Path("f"));
  EXPECT_EQ(10u, *file->Size());
  std::string out;
  ASSERT_OK(file->Read(2, 3, &out));
  EXPECT_EQ("234", out);
  ASSERT_OK(file->Read(8, 5, &out));
  EXPECT_EQ("89", out);
  ASSERT_OK(file->Read(10, 5, &out));
  EXPECT_EQ("", out);
  ASSERT_OK(file->Read(1000, 5, &out));
  EXPECT_EQ("", out);
  ASSERT_OK(file->Read(0, 10, &out));
  EXPECT_EQ("0123456789", out);
}

TEST_P(EnvTest, RandomAccessReadsRunConcurrently) {
  std::string data;
  for (int i = 0; i < 4096; ++i) data += static_cast<char>(i % 251);
  Write("f", data);
  auto file = *env_->NewRandomAccessFile(Path("f"));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string out;
      for (int i = 0; i < 500; ++i) {
        uint64_t offset = static_cast<uint64_t>((i * 37 + t * 11) % 4000);
        if (!file->Read(offset, 64, &out).ok() || out != data.substr(offset, 64)) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::vector<int>(4, 0), mismatches);
}

TEST_P(EnvTest, FileExists) {
  EXPECT_FALSE(*env_->FileExists(Path("f")));
  Write("f", "x");
  EXPECT_TRUE(*env_->FileExists(Path("f")));
  EXPECT_TRUE(*env_->FileExists(root_));  // directories exist too
  EXPECT_FALSE(*env_->FileExists(Path("missing/f")));
  ASSERT_OK(env_->DeleteFile(Path("f")));
  EXPECT_FALSE(*env_->FileExists(Path("f")));
}

TEST_P(EnvTest, GetChildrenIsSortedWithoutDots) {
  EXPECT_EQ(Names{}, Children(root_));
  for (const char* name : {"b", "a.log", "c", "a", "B"}) Write(name, "");
  ASSERT_OK(env_->CreateDirIfMissing(Path("dir")));
  Write("dir/nested", "");
  EXPECT_EQ((Names{"B", "a", "a.log", "b", "c", "dir"}), Children(root_));
  EXPECT_EQ((Names{"nested"}), Children(Path("dir")));
}

TEST_P(EnvTest, MissingThingsAreNotFound) {
  const std::string missing = Path("missing");
  EXPECT_TRUE(env_->NewSequentialFile(missing).status().IsNotFound());
  EXPECT_TRUE(env_->NewRandomAccessFile(missing).status().IsNotFound());
  EXPECT_TRUE(env_->GetFileSize(missing).status().IsNotFound());
  EXPECT_TRUE(env_->DeleteFile(missing).IsNotFound());
  EXPECT_TRUE(env_->RenameFile(missing, Path("to")).IsNotFound());
  EXPECT_TRUE(env_->Truncate(missing, 0).IsNotFound());
  EXPECT_TRUE(env_->GetChildren(missing).status().IsNotFound());
  EXPECT_TRUE(env_->DeleteDir(missing).IsNotFound());
  EXPECT_TRUE(env_->SyncDir(missing).IsNotFound());
  EXPECT_TRUE(ReadFileToString(env_, missing).status().IsNotFound());
  // A missing parent directory.
  EXPECT_TRUE(env_->NewWritableFile(Path("missing/f")).status().IsNotFound());
  EXPECT_TRUE(env_->NewAppendableFile(Path("missing/f")).status().IsNotFound());
  EXPECT_TRUE(env_->CreateDirIfMissing(Path("missing/d")).IsNotFound());
  EXPECT_TRUE(WriteStringToFileSync(env_, "x", Path("missing/f")).IsNotFound());
  EXPECT_FALSE(*env_->FileExists(Path("missing")));
  // The message names the operation and the path.
  Status s = env_->NewSequentialFile(missing).status();
  EXPECT_NE(std::string::npos, s.message().find(missing)) << s;
}

TEST_P(EnvTest, OtherErrorsCarryErrnoAndPath) {
  Write("file", "x");
  ASSERT_OK(env_->CreateDirIfMissing(Path("dir")));
  Write("dir/child", "x");
  struct Case {
    Status status;
    int expected_errno;
  };
  std::vector<Case> cases;
  cases.push_back({env_->DeleteDir(Path("dir")), ENOTEMPTY});
  cases.push_back({env_->DeleteFile(Path("dir")), EISDIR});
  cases.push_back({env_->DeleteDir(Path("file")), ENOTDIR});
  cases.push_back({env_->CreateDirIfMissing(Path("file")), EEXIST});
  cases.push_back({env_->GetChildren(Path("file")).status(), ENOTDIR});
  cases.push_back({env_->SyncDir(Path("file")), ENOTDIR});
  cases.push_back({env_->NewWritableFile(Path("dir")).status(), EISDIR});
  cases.push_back({env_->GetFileSize(Path("dir")).status(), EISDIR});
  cases.push_back({env_->NewWritableFile(Path("file/x")).status(), ENOTDIR});
  cases.push_back({env_->RenameFile(Path("file"), Path("dir")), EISDIR});
  for (size_t i = 0; i < cases.size(); ++i) {
    const Status& s = cases[i].status;
    EXPECT_EQ(StatusCode::kIoError, s.code()) << "case " << i << ": " << s;
    EXPECT_EQ(cases[i].expected_errno, s.sys_errno()) << "case " << i << ": " << s;
    EXPECT_NE(std::string::npos, s.message().find(root_)) << "case " << i << ": " << s;
  }
  EXPECT_EQ("x", Read("file"));
  EXPECT_EQ("x", Read("dir/child"));
}

TEST_P(EnvTest, RenameReplacesAtomically) {
  Write("from", "new");
  Write("to", "old contents");
  auto reader = *env_->NewRandomAccessFile(Path("to"));
  ASSERT_OK(env_->RenameFile(Path("from"), Path("to")));
  EXPECT_EQ("new", Read("to"));
  EXPECT_FALSE(*env_->FileExists(Path("from")));
  EXPECT_EQ((Names{"to"}), Children(root_));
  // A reader of the replaced file keeps seeing the old file.
  std::string out;
  ASSERT_OK(reader->Read(0, 100, &out));
  EXPECT_EQ("old contents", out);
  // Into another directory, and onto itself.
  ASSERT_OK(env_->CreateDirIfMissing(Path("d")));
  ASSERT_OK(env_->RenameFile(Path("to"), Path("d/moved")));
  EXPECT_EQ("new", Read("d/moved"));
  ASSERT_OK(env_->RenameFile(Path("d/moved"), Path("d/moved")));
  EXPECT_EQ("new", Read("d/moved"));
}

TEST_P(EnvTest, TruncateShrinksAndExtends) {
  Write("f", "0123456789");
  ASSERT_OK(env_->Truncate(Path("f"), 4));
  EXPECT_EQ("0123", Read("f"));
  ASSERT_OK(env_->Truncate(Path("f"), 6));
  EXPECT_EQ(std::string("0123\0\0", 6), Read("f"));
  ASSERT_OK(env_->Truncate(Path("f"), 0));
  EXPECT_EQ("", Read("f"));
}

TEST_P(EnvTest, CreateDirIfMissingIsIdempotent) {
  ASSERT_OK(env_->CreateDirIfMissing(Path("d")));
  ASSERT_OK(env_->CreateDirIfMissing(Path("d")));
  EXPECT_EQ((Names{"d"}), Children(root_));
  EXPECT_EQ(Names{}, Children(Path("d")));
}

TEST_P(EnvTest, CreateDirsCreatesParents) {
  ASSERT_OK(env_->CreateDirs(Path("a/b/c")));
  ASSERT_OK(env_->CreateDirs(Path("a/b/c")));
  ASSERT_OK(env_->CreateDirs(Path("a//b/d/")));
  EXPECT_EQ((Names{"b"}), Children(Path("a")));
  EXPECT_EQ((Names{"c", "d"}), Children(Path("a/b")));
  Write("a/b/c/f", "x");
  EXPECT_EQ("x", Read("a/b/c/f"));
  Status s = env_->CreateDirs(Path("a/b/c/f/g"));
  EXPECT_EQ(StatusCode::kIoError, s.code()) << s;  // "f" is a file
}

TEST_P(EnvTest, DeleteDirRequiresEmpty) {
  ASSERT_OK(env_->CreateDirs(Path("d/e")));
  EXPECT_EQ(ENOTEMPTY, env_->DeleteDir(Path("d")).sys_errno());
  ASSERT_OK(env_->DeleteDir(Path("d/e")));
  ASSERT_OK(env_->DeleteDir(Path("d")));
  EXPECT_FALSE(*env_->FileExists(Path("d")));
}

TEST_P(EnvTest, SyncDirAndSyncSucceed) {
  ASSERT_OK(env_->CreateDirIfMissing(Path("d")));
  auto file = *env_->NewWritableFile(Path("d/f"));
  ASSERT_OK(file->Append("x"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Close());
  ASSERT_OK(env_->SyncDir(Path("d")));
  ASSERT_OK(env_->SyncDir(root_));
}

TEST_P(EnvTest, LockIsExclusiveAndReleasedOnDestruction) {
  const std::string lock_path = Path("LOCK");
  Result<std::unique_ptr<FileLock>> first = env_->LockFile(lock_path);
  ASSERT_OK(first);
  EXPECT_TRUE(*env_->FileExists(lock_path));
  Result<std::unique_ptr<FileLock>> second = env_->LockFile(lock_path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(StatusCode::kIoError, second.status().code());
  EXPECT_EQ(EAGAIN, second.status().sys_errno());
  EXPECT_NE(std::string::npos, second.status().message().find(lock_path));
  // Another file is a different lock.
  Result<std::unique_ptr<FileLock>> other = env_->LockFile(Path("OTHER"));
  ASSERT_OK(other);
  first->reset();
  Result<std::unique_ptr<FileLock>> third = env_->LockFile(lock_path);
  ASSERT_OK(third);
  EXPECT_TRUE(*env_->FileExists(lock_path));  // left in place
  EXPECT_TRUE(env_->LockFile(Path("missing/LOCK")).status().IsNotFound());
}

TEST_P(EnvTest, LockExcludesOtherProcesses) {
  if (GetParam() != EnvKind::kPosix) GTEST_SKIP() << "one process only";
  const std::string lock_path = Path("LOCK");
  auto lock = *env_->LockFile(lock_path);
  auto child_can_lock = [&]() {
    pid_t pid = ::fork();
    if (pid == 0) _exit(env_->LockFile(lock_path).ok() ? 1 : 0);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 1;
  };
  EXPECT_FALSE(child_can_lock());
  lock.reset();
  EXPECT_TRUE(child_can_lock());
}

TEST_P(EnvTest, WriteStringToFileSyncReplacesContents) {
  ASSERT_OK(WriteStringToFileSync(env_, "version 1", Path("CURRENT")));
  EXPECT_EQ("version 1", Read("CURRENT"));
  ASSERT_OK(WriteStringToFileSync(env_, "v2", Path("CURRENT")));
  EXPECT_EQ("v2", Read("CURRENT"));
  EXPECT_EQ((Names{"CURRENT"}), Children(root_));  // no temporary file left
}

TEST_P(EnvTest, ReadFileToStringReadsLargeFiles) {
  std::string data;
  for (int i = 0; i < 300 * 1024; ++i) data += static_cast<char>('a' + i % 23);
  ASSERT_OK(WriteStringToFileSync(env_, data, Path("big")));
  EXPECT_EQ(data, Read("big"));
}

TEST_P(EnvTest, HasAClock) {
  ASSERT_NE(nullptr, env_->clock());
  EXPECT_GT(env_->clock()->NowMicros(), 0);
}

INSTANTIATE_TEST_SUITE_P(AllEnvs, EnvTest, ::testing::Values(EnvKind::kPosix, EnvKind::kMem),
                         [](const ::testing::TestParamInfo<EnvKind>& info) {
                           return info.param == EnvKind::kPosix ? "Posix" : "Mem";
                         });

TEST(EnvDefaultTest, IsProcessWideAndUsesSystemClock) {
  ASSERT_NE(nullptr, Env::Default());
  EXPECT_EQ(Env::Default(), Env::Default());
  EXPECT_EQ(SystemClock(), Env::Default()->clock());
}

TEST(MemEnvTest, UsesTheGivenClockOrTheSystemClock) {
  ManualClock clock(42);
  EXPECT_EQ(&clock, NewMemEnv(&clock)->clock());
  EXPECT_EQ(SystemClock(), NewMemEnv()->clock());
}

TEST(MemEnvTest, PathsAreNormalizedLexically) {
  auto env = NewMemEnv();
  ASSERT_OK(env->CreateDirs("/a/b"));
  ASSERT_OK(WriteStringToFileSync(env.get(), "x", "a//b/./f"));
  EXPECT_EQ("x", *ReadFileToString(env.get(), "/a/b/f"));
  EXPECT_EQ("x", *ReadFileToString(env.get(), "/a/c/../b/f"));
  EXPECT_EQ((Names{"f"}), *env->GetChildren("/a/b/"));
  EXPECT_EQ((Names{"a"}), *env->GetChildren("/"));
  EXPECT_TRUE(*env->FileExists("/"));
  ASSERT_OK(env->SyncDir("."));
}

TEST(MemEnvTest, HandlesOutliveDeleteAndRename) {
  auto env = NewMemEnv();
  auto writer = *env->NewWritableFile("/f");
  ASSERT_OK(writer->Append("abc"));
  auto reader = *env->NewSequentialFile("/f");
  ASSERT_OK(env->RenameFile("/f", "/g"));
  ASSERT_OK(writer->Append("def"));  // the handle follows the file
  EXPECT_EQ("abcdef", *ReadFileToString(env.get(), "/g"));
  ASSERT_OK(env->DeleteFile("/g"));
  std::string out;
  ASSERT_OK(reader->Read(100, &out));
  EXPECT_EQ("abcdef", out);
  ASSERT_OK(writer->Close());
}

TEST(MemEnvTest, RenamingADirectoryIsUnsupported) {
  auto env = NewMemEnv();
  ASSERT_OK(env->CreateDirIfMissing("/d"));
  EXPECT_EQ(StatusCode::kUnsupported, env->RenameFile("/d", "/e").code());
}

TEST(DirNameTest, SplitsLexically) {
  EXPECT_EQ("a/b", DirName("a/b/c"));
  EXPECT_EQ("/", DirName("/a"));
  EXPECT_EQ("/", DirName("/"));
  EXPECT_EQ(".", DirName("a"));
  EXPECT_EQ(".", DirName(""));
  EXPECT_EQ("a", DirName("a/b/"));
  EXPECT_EQ("a", DirName("a//b"));
  EXPECT_EQ("/tmp/x", DirName("/tmp/x/CURRENT"));
}

TEST(EnvErrorFromErrnoTest, EnoentIsNotFound) {
  Status missing = EnvErrorFromErrno("open /x", ENOENT);
  EXPECT_TRUE(missing.IsNotFound());
  EXPECT_NE(std::string::npos, missing.message().find("open /x: "));
  Status io = EnvErrorFromErrno("write /x", ENOSPC);
  EXPECT_EQ(StatusCode::kIoError, io.code());
  EXPECT_EQ(ENOSPC, io.sys_errno());
}

}  // namespace
}  // namespace weir
