// The streaming file source, driven through the stream::Source interface on the
// in-memory Env with a manual clock (and once on a real temporary directory): new
// files between LatestOffset calls, maxFilesPerTrigger, latestFirst, maxFileAge,
// hidden and in-progress files, restarts over the seen-files log, torn and corrupt
// logs, parse modes, schema rules, AvailableNow and reading a file sink's output.

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "weir/common/fault_injection_env.h"
#include "weir/connectors/builtin.h"
#include "weir/connectors/file_source_internal.h"
#include "weir/formats/file_table.h"
#include "weir/formats/sink_manifest.h"

#include "tests/unit/formats/formats_test_util.h"

namespace weir::connectors {
namespace {

using formats::testing::Ddl;
using formats::testing::Rows;
using formats::testing::Strings;
using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;

std::string Off(int64_t n) { return "{\"logOffset\":" + std::to_string(n) + "}"; }

// Every row of every partition of `table`, in partition order.
Result<Strings> ReadTable(const plan::TableProvider& table) {
  std::vector<int> columns;
  for (int i = 0; i < table.schema()->num_fields(); ++i) columns.push_back(i);
  Strings rows;
  for (int p = 0; p < table.NumPartitions(); ++p) {
    ASSIGN_OR_RAISE(plan::BatchReaderPtr reader, table.Open(p, columns));
    Batch b;
    while (true) {
      ASSIGN_OR_RAISE(bool more, reader->Next(&b));
      if (!more) break;
      for (std::string& row : Rows(b)) rows.push_back(std::move(row));
    }
  }
  return rows;
}

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv(&clock_);
    ASSERT_TRUE(env_->CreateDirs("/in").ok());
  }

  // Places `name` atomically: written under a temp name, then renamed into /in.
  void Put(const std::string& name, std::string_view data, const std::string& dir = "/in") {
    ASSERT_TRUE(WriteStringToFileSync(env_.get(), data, dir + "/." + name + ".tmp").ok());
    ASSERT_TRUE(env_->RenameFile(dir + "/." + name + ".tmp", dir + "/" + name).ok());
  }
  // A one-row file whose row names it.
  void PutRow(const std::string& name) { Put(name, "{\"v\":\"" + name + "\"}\n"); }

  Result<stream::SourcePtr> Make(Pairs options, SchemaPtr schema = Ddl("v STRING"),
                                 Env* env = nullptr, std::string meta = "/ckpt/sources/0") {
    stream::ConnectorContext ctx;
    ctx.name = "src";
    ctx.schema = std::move(schema);
    ctx.options = stream::Options(options);
    ctx.env = env != nullptr ? env : env_.get();
    ctx.clock = &clock_;
    ctx.metadata_dir = std::move(meta);
    return MakeFileSource(ctx);
  }
  stream::SourcePtr MakeOk(Pairs options, SchemaPtr schema = Ddl("v STRING"),
                           std::string meta = "/ckpt/sources/0") {
    Result<stream::SourcePtr> s = Make(std::move(options), std::move(schema), nullptr, meta);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }

  static std::string Latest(stream::Source* s, const std::string& start, bool all = false) {
    stream::ReadLimit limit;
    limit.all_available = all;
    Result<stream::Offset> o = s->LatestOffset(start, limit);
    EXPECT_TRUE(o.ok()) << o.status();
    return o.ok() ? *o : "error";
  }
  static Strings Read(stream::Source* s, int64_t start, int64_t end) {
    Result<plan::TableProviderPtr> t = s->Read(Off(start), Off(end));
    EXPECT_TRUE(t.ok()) << t.status();
    if (!t.ok()) return {};
    Result<Strings> rows = ReadTable(**t);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : Strings{};
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Env> env_;
};

TEST_F(FileSourceTest, NewFilesBetweenLatestOffsetCalls) {
  stream::SourcePtr s = MakeOk({{"path", "/in"}, {"format", "json"}});
  EXPECT_EQ(*s->InitialOffset(), Off(-1));
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(-1));  // nothing yet
  PutRow("a.json");
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"a.json"}));
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(0));  // a.json is not new any more
  PutRow("c.json");
  PutRow("b.json");
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
  EXPECT_EQ(Read(s.get(), 0, 1), Strings({"b.json", "c.json"}));
  EXPECT_EQ(Read(s.get(), 0, 1), Strings({"b.json", "c.json"}));  // same rows again
  EXPECT_EQ(Read(s.get(), -1, 1), Strings({"a.json", "b.json", "c.json"}));
  EXPECT_EQ(Read(s.get(), 1, 1), Strings({}));
  EXPECT_TRUE(s->Commit(Off(1)).ok());
  EXPECT_EQ(s->Describe(), "FileStreamSource[file:/in]");
  EXPECT_FALSE(s->Read(Off(1), Off(0)).ok());
  EXPECT_FALSE(s->Read(Off(0), Off(7)).ok());  // beyond the latest offset
  EXPECT_FALSE(s->LatestOffset("{\"value\":1}", {}).ok());
}

TEST_F(FileSourceTest, MaxFilesPerTriggerSplits) {
  for (const char* f : {"a.json", "b.json", "c.json", "d.json", "e.json"}) PutRow(f);
  stream::SourcePtr s = MakeOk({{"path", "/in"}, {"format", "json"}, {"maxFilesPerTrigger", "2"}});
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"a.json", "b.json"}));
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
  EXPECT_EQ(Read(s.get(), 0, 1), Strings({"c.json", "d.json"}));
  PutRow("f.json");
  // A limit of "everything" (Trigger.Once) takes the rest in one batch.
  EXPECT_EQ(Latest(s.get(), Off(1), /*all=*/true), Off(2));
  EXPECT_EQ(Read(s.get(), 1, 2), Strings({"e.json", "f.json"}));
  EXPECT_EQ(Latest(s.get(), Off(2)), Off(2));
}

TEST_F(FileSourceTest, LatestFirstTakesNewestFilesFirst) {
  PutRow("a.json");
  PutRow("b.json");
  stream::SourcePtr oldest = MakeOk({{"path", "/in"}, {"maxFilesPerTrigger", "1"}});
  stream::SourcePtr newest =
      MakeOk({{"path", "/in"}, {"maxFilesPerTrigger", "1"}, {"latestFirst", "true"}},
             Ddl("v STRING"), "/ckpt/sources/1");
  // Each source first lists a and b now, c and d a minute later.
  EXPECT_EQ(Latest(oldest.get(), Off(-1)), Off(0));
  EXPECT_EQ(Latest(newest.get(), Off(-1)), Off(0));
  clock_.Advance(60'000'000);
  PutRow("c.json");
  PutRow("d.json");
  Strings order_oldest = Read(oldest.get(), -1, 0), order_newest = Read(newest.get(), -1, 0);
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(Latest(oldest.get(), Off(i - 1)), Off(i));
    EXPECT_EQ(Latest(newest.get(), Off(i - 1)), Off(i));
    order_oldest.push_back(Read(oldest.get(), i - 1, i).at(0));
    order_newest.push_back(Read(newest.get(), i - 1, i).at(0));
  }
  EXPECT_EQ(order_oldest, Strings({"a.json", "b.json", "c.json", "d.json"}));
  EXPECT_EQ(order_newest, Strings({"b.json", "d.json", "c.json", "a.json"}));
}

// maxFileAge forgets files that are older than it before the newest file and gone
// from the directory: one that comes back under the same name is new again.
TEST_F(FileSourceTest, MaxFileAgeForgetsOldFiles) {
  stream::SourcePtr s = MakeOk({{"path", "/in"}, {"maxFileAge", "7d"}});
  PutRow("a.json");
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  ASSERT_TRUE(env_->DeleteFile("/in/a.json").ok());
  clock_.Advance(3 * kDay);
  PutRow("b.json");
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
  PutRow("a.json");  // back within 7 days of the newest file: still seen
  EXPECT_EQ(Latest(s.get(), Off(1)), Off(1));
  ASSERT_TRUE(env_->DeleteFile("/in/a.json").ok());
  clock_.Advance(5 * kDay);
  PutRow("c.json");  // the newest file is now 8 days younger than a.json
  EXPECT_EQ(Latest(s.get(), Off(1)), Off(2));
  PutRow("a.json");
  EXPECT_EQ(Latest(s.get(), Off(2)), Off(3));
  EXPECT_EQ(Read(s.get(), 2, 3), Strings({"a.json"}));
  // b.json, still in the directory, is never forgotten however old it gets.
  clock_.Advance(30 * kDay);
  PutRow("d.json");
  EXPECT_EQ(Latest(s.get(), Off(3)), Off(4));
  EXPECT_EQ(Read(s.get(), 3, 4), Strings({"d.json"}));
  EXPECT_EQ(Latest(s.get(), Off(4)), Off(4));
}

TEST_F(FileSourceTest, MaxFileAgeIgnoredWithLatestFirstAndMaxFiles) {
  stream::SourcePtr s = MakeOk({{"path", "/in"},
                                {"maxFileAge", "1h"},
                                {"latestFirst", "true"},
                                {"maxFilesPerTrigger", "5"}});
  PutRow("a.json");
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  ASSERT_TRUE(env_->DeleteFile("/in/a.json").ok());
  clock_.Advance(2 * kDay);
  PutRow("b.json");
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
  PutRow("a.json");  // never forgotten: not read again
  EXPECT_EQ(Latest(s.get(), Off(1)), Off(1));
}

TEST_F(FileSourceTest, HiddenAndInProgressFilesIgnored) {
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), "{\"v\":\"x\"}\n", "/in/_SUCCESS").ok());
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), "{\"v\":\"x\"}\n", "/in/.hidden.json").ok());
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), "{\"v\":\"y\"}\n", "/in/y.json.tmp").ok());
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), "{\"v\":\"z\"}\n", "/in/z.json._COPYING_").ok());
  ASSERT_TRUE(env_->CreateDirs("/in/subdir").ok());
  PutRow("a.json");
  stream::SourcePtr s = MakeOk({{"path", "/in"}});
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"a.json"}));
  ASSERT_TRUE(env_->RenameFile("/in/y.json.tmp", "/in/y.json").ok());  // now complete
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
  EXPECT_EQ(Read(s.get(), 0, 1), Strings({"y"}));
}

TEST_F(FileSourceTest, RestartReadsTheSameFiles) {
  PutRow("a.json");
  PutRow("b.json");
  {
    stream::SourcePtr s = MakeOk({{"path", "/in"}, {"maxFilesPerTrigger", "1"}});
    EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
    EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
    EXPECT_TRUE(s->Commit(Off(0)).ok());
  }
  PutRow("0.json");  // sorts first, but arrives after a and b were taken
  stream::SourcePtr s = MakeOk({{"path", "/in"}, {"maxFilesPerTrigger", "1"}});
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"a.json"}));
  EXPECT_EQ(Read(s.get(), 0, 1), Strings({"b.json"}));
  EXPECT_EQ(Latest(s.get(), Off(1)), Off(2));
  EXPECT_EQ(Read(s.get(), 1, 2), Strings({"0.json"}));
  EXPECT_EQ(Latest(s.get(), Off(2)), Off(2));
  // A source whose checkpoint lost the log cannot replay: an error, not other files.
  ASSERT_TRUE(env_->DeleteFile("/ckpt/sources/0/seen-files.log").ok());
  stream::SourcePtr lost = MakeOk({{"path", "/in"}});
  EXPECT_FALSE(lost->Read(Off(-1), Off(0)).ok());
}

TEST_F(FileSourceTest, FileNameOnlyTreatsSameNamesAsOneFile) {
  ASSERT_TRUE(env_->CreateDirs("/in/d1").ok());
  ASSERT_TRUE(env_->CreateDirs("/in/d2").ok());
  Put("x.json", "{\"v\":\"d1\"}\n", "/in/d1");
  Put("x.json", "{\"v\":\"d2\"}\n", "/in/d2");
  stream::SourcePtr by_path = MakeOk({{"path", "/in/d*"}});
  EXPECT_EQ(Latest(by_path.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(by_path.get(), -1, 0), Strings({"d1", "d2"}));
  stream::SourcePtr by_name =
      MakeOk({{"path", "/in/d*"}, {"fileNameOnly", "true"}}, Ddl("v STRING"), "/ckpt/sources/1");
  EXPECT_EQ(Latest(by_name.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(by_name.get(), -1, 0), Strings({"d1"}));
  EXPECT_EQ(Latest(by_name.get(), Off(0)), Off(0));
}

TEST_F(FileSourceTest, GlobMatchingNothingYetIsEmpty) {
  stream::SourcePtr s = MakeOk({{"path", "/in/*.csv"}, {"format", "csv"}}, Ddl("v STRING"));
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(-1));
  Put("a.csv", "x\n");
  PutRow("b.json");
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"x"}));
}

// A crash in the middle of appending to the seen-files log (the sync failed, so the
// offset was never handed out) leaves a torn record, which a restart drops.
TEST_F(FileSourceTest, TornLogTailIsDropped) {
  FaultInjectionEnv fault(env_.get());
  PutRow("a.json");
  {
    Result<stream::SourcePtr> s = Make({{"path", "/in"}}, Ddl("v STRING"), &fault);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(Latest(s->get(), Off(-1)), Off(0));
    PutRow("b.json");
    fault.InjectFault({FaultOp::kSync, "seen-files.log"});
    EXPECT_FALSE((*s)->LatestOffset(Off(0), {}).ok());
    EXPECT_FALSE((*s)->LatestOffset(Off(0), {}).ok());  // the log stays broken
    PowerLossOptions tear;
    tear.tear_last_write = true;
    tear.seed = 3;
    ASSERT_TRUE(fault.SimulatePowerLoss(tear).ok());
  }
  Result<std::string> log = ReadFileToString(env_.get(), "/ckpt/sources/0/seen-files.log");
  ASSERT_TRUE(log.ok());
  const size_t first = SeenFilesLog::EncodeRecord({0, {{"/in/a.json", 0}}}).size();
  EXPECT_GE(log->size(), first);
  stream::SourcePtr s = MakeOk({{"path", "/in"}});
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"a.json"}));
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
  EXPECT_EQ(Read(s.get(), 0, 1), Strings({"b.json"}));
  Result<uint64_t> size = env_->GetFileSize("/ckpt/sources/0/seen-files.log");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, first + SeenFilesLog::EncodeRecord({1, {{"/in/b.json", 0}}}).size());
}

TEST_F(FileSourceTest, TruncatedAndZeroFilledTailsAreDropped) {
  const std::string path = "/ckpt/sources/0/seen-files.log";
  const std::string r0 = SeenFilesLog::EncodeRecord({0, {{"/in/a.json", 5}}});
  const std::string r1 = SeenFilesLog::EncodeRecord({1, {{"/in/b.json", 6}}});
  ASSERT_TRUE(env_->CreateDirs("/ckpt/sources/0").ok());
  for (size_t cut = 1; cut < r1.size(); cut += 3) {
    ASSERT_TRUE(WriteStringToFileSync(env_.get(), r0 + r1.substr(0, cut), path).ok());
    Result<std::unique_ptr<SeenFilesLog>> log = SeenFilesLog::Open(env_.get(), "/ckpt/sources/0");
    ASSERT_TRUE(log.ok()) << "cut " << cut << ": " << log.status();
    ASSERT_EQ((*log)->recovered().size(), 1u);
    EXPECT_EQ((*log)->recovered()[0].files[0].path, "/in/a.json");
    EXPECT_EQ((*log)->dropped_tail_bytes(), cut);
    EXPECT_EQ(*env_->GetFileSize(path), r0.size());
  }
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), r0 + r1 + std::string(100, '\0'), path).ok());
  Result<std::unique_ptr<SeenFilesLog>> log = SeenFilesLog::Open(env_.get(), "/ckpt/sources/0");
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->recovered().size(), 2u);
  EXPECT_EQ((*log)->recovered()[1].files[0].timestamp_us, 6);
}

TEST_F(FileSourceTest, CorruptRecordBeforeTheTailIsAnError) {
  const std::string path = "/ckpt/sources/0/seen-files.log";
  std::string data = SeenFilesLog::EncodeRecord({0, {{"/in/a.json", 5}}}) +
                     SeenFilesLog::EncodeRecord({1, {{"/in/b.json", 6}}});
  data[12] ^= 0x20;  // inside the first record's payload
  ASSERT_TRUE(env_->CreateDirs("/ckpt/sources/0").ok());
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), data, path).ok());
  Result<stream::SourcePtr> s = Make({{"path", "/in"}});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsCorruption()) << s.status();
  EXPECT_NE(s.status().message().find("seen-files.log"), std::string::npos);
  // Well-formed records out of order are corrupt too.
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), SeenFilesLog::EncodeRecord({1, {}}), path).ok());
  EXPECT_TRUE(Make({{"path", "/in"}}).status().IsCorruption());
}

class FileSourceModeTest : public FileSourceTest {
 protected:
  void SetUp() override {
    FileSourceTest::SetUp();
    Put("a.json", "{\"id\":1}\n{\"id\":\n{\"id\":2}\nnot json\n{\"id\":3}\n");
  }
};

TEST_F(FileSourceModeTest, Permissive) {
  stream::SourcePtr s = MakeOk({{"path", "/in"}}, Ddl("id INT, _corrupt_record STRING"));
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s.get(), -1, 0),
            Strings({"1 | NULL", "NULL | {\"id\":", "2 | NULL", "NULL | not json", "3 | NULL"}));
  EXPECT_EQ(s->metrics().malformed_records, 2);
  EXPECT_EQ(s->metrics().dropped_records, 0);
}

TEST_F(FileSourceModeTest, DropMalformed) {
  stream::SourcePtr s = MakeOk({{"path", "/in"}, {"mode", "DROPMALFORMED"}}, Ddl("id INT"));
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"1", "2", "3"}));
  EXPECT_EQ(s->metrics().malformed_records, 2);
  EXPECT_EQ(s->metrics().dropped_records, 2);
}

TEST_F(FileSourceModeTest, FailFast) {
  stream::SourcePtr s = MakeOk({{"path", "/in"}, {"mode", "FAILFAST"}}, Ddl("id INT"));
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  Result<plan::TableProviderPtr> t = s->Read(Off(-1), Off(0));
  ASSERT_TRUE(t.ok());
  Result<Strings> rows = ReadTable(**t);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("MALFORMED_RECORD_IN_PARSING"), std::string::npos);
  EXPECT_NE(rows.status().message().find("/in/a.json"), std::string::npos);
  EXPECT_EQ(s->metrics().malformed_records, 1);
}

TEST_F(FileSourceModeTest, CsvDropMalformedCounts) {
  Put("b.csv", "id,name\n1,x\nbad,y\n2,z,extra\n3,w\n");
  stream::SourcePtr s = MakeOk(
      {{"path", "/in/*.csv"}, {"format", "csv"}, {"header", "true"}, {"mode", "dropmalformed"}},
      Ddl("id INT, name STRING"));
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"1 | x", "3 | w"}));
  EXPECT_EQ(s->metrics().dropped_records, 2);
}

TEST_F(FileSourceTest, SchemaIsRequiredUnlessInferredOrText) {
  PutRow("a.json");
  Result<stream::SourcePtr> s = Make({{"path", "/in"}, {"format", "json"}}, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidOption);
  EXPECT_EQ(s.status().message().rfind("Schema must be specified when creating a streaming "
                                       "source DataFrame.",
                                       0),
            0u)
      << s.status();
  EXPECT_NE(s.status().hint().find("schemaInference"), std::string::npos);

  s = Make({{"path", "/in"}, {"format", "json"}, {"schemaInference", "true"}}, nullptr);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->schema()->ToString(), Ddl("v STRING")->ToString());

  s = Make({{"path", "/in"}, {"format", "text"}}, nullptr);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->schema()->field(0).name, "value");
  EXPECT_EQ(Latest(s->get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s->get(), -1, 0), Strings({"{\"v\":\"a.json\"}"}));

  ASSERT_TRUE(env_->CreateDirs("/empty").ok());
  s = Make({{"path", "/empty"}, {"schemaInference", "true"}}, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("UNABLE_TO_INFER_SCHEMA"), std::string::npos);
}

TEST_F(FileSourceTest, BadOptions) {
  auto code = [&](Pairs options) { return Make(std::move(options)).status().code(); };
  EXPECT_EQ(code({{"format", "json"}}), StatusCode::kInvalidOption);  // no path
  EXPECT_EQ(code({{"path", "/in"}, {"maxFilesPerTrigger", "0"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/in"}, {"maxFilesPerTrigger", "x"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/in"}, {"maxFileAge", "week"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/in"}, {"latestFirst", "maybe"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/in"}, {"cleanSource", "delete"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/in"}, {"format", "parquet"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/in"}, {"mode", "LENIENT"}}), StatusCode::kInvalidOption);
  EXPECT_TRUE(Make({{"path", "/in"}, {"cleanSource", "OFF"}}).ok());
  Result<stream::SourcePtr> missing = Make({{"path", "/nowhere"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("PATH_NOT_FOUND"), std::string::npos);
}

TEST_F(FileSourceTest, SparkTimeStrings) {
  EXPECT_EQ(ParseSparkTimeMicros("7d"), 7 * kDay);
  EXPECT_EQ(ParseSparkTimeMicros("12h"), int64_t{12} * 3600 * 1000 * 1000);
  EXPECT_EQ(ParseSparkTimeMicros("30min"), int64_t{30} * 60 * 1000 * 1000);
  EXPECT_EQ(ParseSparkTimeMicros("30m"), int64_t{30} * 60 * 1000 * 1000);
  EXPECT_EQ(ParseSparkTimeMicros("10S"), 10'000'000);
  EXPECT_EQ(ParseSparkTimeMicros("500ms"), 500'000);
  EXPECT_EQ(ParseSparkTimeMicros("500"), 500'000);
  EXPECT_EQ(ParseSparkTimeMicros("3us"), 3);
  EXPECT_EQ(ParseSparkTimeMicros(""), std::nullopt);
  EXPECT_EQ(ParseSparkTimeMicros("-1d"), std::nullopt);
  EXPECT_EQ(ParseSparkTimeMicros("1 week"), std::nullopt);
  EXPECT_EQ(ParseSparkTimeMicros("999999999999999d"), std::nullopt);
}

TEST_F(FileSourceTest, AvailableNowFixesTheFiles) {
  for (const char* f : {"a.json", "b.json", "c.json"}) PutRow(f);
  stream::SourcePtr s = MakeOk({{"path", "/in"}, {"maxFilesPerTrigger", "2"}});
  ASSERT_TRUE(s->PrepareForAvailableNow().ok());
  PutRow("d.json");  // after the start: not part of this run
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
  EXPECT_EQ(Latest(s.get(), Off(1)), Off(1));
  EXPECT_EQ(Read(s.get(), -1, 1), Strings({"a.json", "b.json", "c.json"}));
}

// A file sink's output directory yields only the files of committed epochs.
TEST_F(FileSourceTest, ReadsOnlyCommittedFilesOfASinkDirectory) {
  ASSERT_TRUE(env_->CreateDirs("/out/_weir_metadata").ok());
  Put("part-00000-00000-u.json", "{\"v\":\"epoch0\"}\n", "/out");
  Put("part-00001-00000-u.json", "{\"v\":\"orphan\"}\n", "/out");
  formats::SinkManifestEntry e0{0, {{"part-00000-00000-u.json", 15}}};
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), formats::EncodeSinkManifest(e0),
                                    formats::SinkManifestEntryPath("/out", 0))
                  .ok());
  stream::SourcePtr s = MakeOk({{"path", "/out"}});
  EXPECT_EQ(Latest(s.get(), Off(-1)), Off(0));
  EXPECT_EQ(Read(s.get(), -1, 0), Strings({"epoch0"}));
  Put("part-00001-00001-v.json", "{\"v\":\"epoch1\"}\n", "/out");
  formats::SinkManifestEntry e1{1, {{"part-00001-00001-v.json", 15}}};
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), formats::EncodeSinkManifest(e1),
                                    formats::SinkManifestEntryPath("/out", 1))
                  .ok());
  EXPECT_EQ(Latest(s.get(), Off(0)), Off(1));
  EXPECT_EQ(Read(s.get(), 0, 1), Strings({"epoch1"}));
}

TEST_F(FileSourceTest, RegisteredAsFile) {
  stream::ConnectorRegistry registry;
  RegisterFileConnectors(&registry);
  stream::ConnectorContext ctx;
  ctx.name = "src";
  ctx.schema = Ddl("v STRING");
  ctx.options = stream::Options({{"connector", "file"}, {"path", "/in"}});
  ctx.env = env_.get();
  ctx.clock = &clock_;
  Result<stream::SourcePtr> s = registry.MakeSource("file", ctx);
  ASSERT_TRUE(s.ok()) << s.status();
  PutRow("a.json");
  EXPECT_EQ(Latest(s->get(), Off(-1)), Off(0));  // no metadata_dir: an in-memory log
  ctx.options.Set("path", "/out");
  EXPECT_TRUE(registry.MakeSink("file", ctx).ok());
}

TEST(FileSourceRealDirTest, PicksUpRenamedFiles) {
  char tmpl[] = "/tmp/weir_file_source_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  Env* env = Env::Default();
  ASSERT_TRUE(env->CreateDirs(root + "/in").ok());
  stream::ConnectorContext ctx;
  ctx.name = "real";
  ctx.schema = Ddl("id BIGINT");
  ctx.options = stream::Options({{"path", root + "/in"}, {"format", "json"}});
  ctx.env = env;
  ctx.clock = SystemClock();
  ctx.metadata_dir = root + "/ckpt/sources/0";
  Result<stream::SourcePtr> s = MakeFileSource(ctx);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(WriteStringToFileSync(env, "{\"id\":7}\n{\"id\":8}\n", root + "/in/a.json").ok());
  ASSERT_TRUE(WriteStringToFileSync(env, "{\"id\":9}\n", root + "/in/b.json.tmp").ok());
  Result<stream::Offset> o = (*s)->LatestOffset(Off(-1), {});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(*o, Off(0));
  Result<plan::TableProviderPtr> t = (*s)->Read(Off(-1), Off(0));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*ReadTable(**t), Strings({"7", "8"}));
  s->reset();
  Result<stream::SourcePtr> again = MakeFileSource(ctx);  // restart
  ASSERT_TRUE(again.ok()) << again.status();
  t = (*again)->Read(Off(-1), Off(0));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*ReadTable(**t), Strings({"7", "8"}));
  EXPECT_EQ(*(*again)->LatestOffset(Off(0), {}), Off(0));
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace weir::connectors
