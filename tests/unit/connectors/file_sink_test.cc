// The streaming file sink, driven through the stream::Sink interface: part files and
// the _weir_metadata manifest, replayed epochs, orphan part files, crashes between
// the part files and the manifest (FaultInjectionEnv), output modes and options; the
// output read back through formats::OpenFileTable, which honours the manifest.

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "weir/common/fault_injection_env.h"
#include "weir/connectors/file_source_internal.h"
#include "weir/formats/file_table.h"
#include "weir/formats/sink_manifest.h"

#include "tests/unit/formats/formats_test_util.h"

namespace weir::connectors {
namespace {

using formats::testing::Ddl;
using formats::testing::Strings;
using Pairs = std::vector<std::pair<std::string, std::string>>;

class FileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv();
    schema_ = Ddl("id INT, name STRING");
  }

  // A batch of `schema_` from JSON lines.
  Batch Json(std::string_view json_lines) {
    auto format = formats::FileFormat::Make("json", {});
    EXPECT_TRUE(format.ok());
    auto decoder = (*format)->MakeDecoder(schema_, {0, 1});
    EXPECT_TRUE(decoder.ok());
    Result<Batch> b = formats::DecodeAll(decoder->get(), json_lines);
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? *b : Batch();
  }

  Result<stream::SinkPtr> Make(Pairs options, Env* env = nullptr) {
    stream::ConnectorContext ctx;
    ctx.name = "out";
    ctx.options = stream::Options(options);
    ctx.env = env != nullptr ? env : env_.get();
    return MakeFileSink(ctx);
  }
  stream::SinkPtr MakeOk(Pairs options, Env* env = nullptr) {
    Result<stream::SinkPtr> s = Make(std::move(options), env);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }

  Status Add(stream::Sink* sink, int64_t epoch, std::vector<Batch> batches,
             stream::OutputMode mode = stream::OutputMode::kAppend) {
    return sink->AddBatch(epoch, schema_, batches, mode);
  }

  // The directory read back as a batch table (every row, sorted).
  Strings ReadBack(const std::string& dir = "/out", std::string_view format = "json",
                   std::map<std::string, std::string> options = {}) {
    Result<plan::TableProviderPtr> t =
        formats::OpenFileTable(format, dir, options, schema_, env_.get());
    EXPECT_TRUE(t.ok()) << t.status();
    if (!t.ok()) return {};
    Strings rows;
    for (int p = 0; p < (*t)->NumPartitions(); ++p) {
      auto reader = (*t)->Open(p, {0, 1});
      EXPECT_TRUE(reader.ok()) << reader.status();
      Batch b;
      while (reader.ok() && *(*reader)->Next(&b)) {
        for (std::string& r : formats::testing::Rows(b)) rows.push_back(std::move(r));
      }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  // The names in `dir` that start with `prefix`.
  Strings Names(const std::string& prefix, const std::string& dir = "/out") {
    Strings out;
    for (const std::string& c : *env_->GetChildren(dir)) {
      if (c.rfind(prefix, 0) == 0) out.push_back(c);
    }
    return out;
  }

  std::unique_ptr<Env> env_;
  SchemaPtr schema_;
};

TEST_F(FileSinkTest, WritesPartFilesAndAManifestEntry) {
  stream::SinkPtr sink = MakeOk({{"path", "/out"}, {"format", "json"}});
  EXPECT_EQ(sink->Describe(), "FileSink[/out]");
  EXPECT_EQ(sink->delivery(), stream::Delivery::kExactlyOnce);
  ASSERT_TRUE(Add(sink.get(), 0, {Json("{\"id\":1,\"name\":\"a\"}\n{\"id\":2}\n")}).ok());
  Strings parts = Names("part-");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].rfind("part-00000-00000-", 0), 0u);
  EXPECT_EQ(parts[0].size(), std::string("part-00000-00000-").size() + 36 + 5);
  EXPECT_EQ(*ReadFileToString(env_.get(), "/out/" + parts[0]),
            "{\"id\":1,\"name\":\"a\"}\n{\"id\":2}\n");
  Result<std::optional<std::vector<formats::SinkManifestEntry>>> m =
      formats::ReadSinkManifest(env_.get(), "/out");
  ASSERT_TRUE(m.ok() && m->has_value()) << m.status();
  ASSERT_EQ((*m)->size(), 1u);
  EXPECT_EQ((**m)[0].files[0].name, parts[0]);
  EXPECT_EQ((**m)[0].files[0].size, *env_->GetFileSize("/out/" + parts[0]));
  EXPECT_EQ(Names(".").size(), 0u);  // no temp files left
  ASSERT_TRUE(Add(sink.get(), 1, {Json("{\"id\":3,\"name\":\"c\"}\n")}).ok());
  EXPECT_EQ(ReadBack(), Strings({"1 | a", "2 | NULL", "3 | c"}));
}

TEST_F(FileSinkTest, ReplayedEpochIsSkipped) {
  stream::SinkPtr sink = MakeOk({{"path", "/out"}});
  ASSERT_TRUE(Add(sink.get(), 0, {Json("{\"id\":1,\"name\":\"a\"}\n")}).ok());
  ASSERT_TRUE(Add(sink.get(), 0, {Json("{\"id\":1,\"name\":\"a\"}\n")}).ok());
  stream::SinkPtr restarted = MakeOk({{"path", "/out"}});
  ASSERT_TRUE(Add(restarted.get(), 0, {Json("{\"id\":1,\"name\":\"a\"}\n")}).ok());
  EXPECT_EQ(ReadBack(), Strings({"1 | a"}));
  EXPECT_EQ(Names("part-").size(), 1u);
}

TEST_F(FileSinkTest, EmptyEpochCommitsWithNoFiles) {
  stream::SinkPtr sink = MakeOk({{"path", "/out"}});
  ASSERT_TRUE(Add(sink.get(), 0, {}).ok());
  ASSERT_TRUE(Add(sink.get(), 1, {Batch::MakeEmpty(schema_)}).ok());
  EXPECT_TRUE(*env_->FileExists("/out/_weir_metadata/0"));
  EXPECT_TRUE(*env_->FileExists("/out/_weir_metadata/1"));
  EXPECT_EQ(Names("part-").size(), 0u);
  EXPECT_EQ(ReadBack(), Strings({}));
}

TEST_F(FileSinkTest, OrphanPartFilesAreInvisibleAndReplaced) {
  stream::SinkPtr sink = MakeOk({{"path", "/out"}});
  ASSERT_TRUE(Add(sink.get(), 0, {Json("{\"id\":1,\"name\":\"a\"}\n")}).ok());
  // What a crash before epoch 1's manifest entry leaves behind.
  ASSERT_TRUE(
      WriteStringToFileSync(env_.get(), "{\"id\":99}\n", "/out/part-00001-00000-dead.json").ok());
  ASSERT_TRUE(
      WriteStringToFileSync(env_.get(), "{\"id\":98}\n", "/out/.part-00001-00001-dead.json.tmp")
          .ok());
  ASSERT_TRUE(
      WriteStringToFileSync(env_.get(), "{\"id\":97}\n", "/out/part-00010-00000-other.json").ok());
  EXPECT_EQ(ReadBack(), Strings({"1 | a"}));
  ASSERT_TRUE(Add(sink.get(), 1, {Json("{\"id\":2,\"name\":\"b\"}\n")}).ok());
  EXPECT_EQ(ReadBack(), Strings({"1 | a", "2 | b"}));
  Strings epoch1 = Names("part-00001-");
  ASSERT_EQ(epoch1.size(), 1u);
  EXPECT_EQ(epoch1[0].find("dead"), std::string::npos);
  EXPECT_EQ(Names(".part-").size(), 0u);
  EXPECT_EQ(Names("part-00010-").size(), 1u);  // another epoch's files are left alone
}

// A crash after the part files are in place but before the manifest entry is durable
// leaves no visible part of the epoch; re-running the epoch shows it exactly once.
TEST_F(FileSinkTest, CrashBetweenPartFilesAndManifestLeavesNoPartialEpoch) {
  struct Case {
    FaultOp op;
    std::string path;
    bool tear;
  };
  for (const Case& c :
       {Case{FaultOp::kCreate, "_weir_metadata/1", false},
        Case{FaultOp::kRename, "_weir_metadata/1", true},
        Case{FaultOp::kSyncDir, "_weir_metadata", true},
        Case{FaultOp::kSync, "_weir_metadata/1", false}, Case{FaultOp::kSyncDir, "/out", false}}) {
    SCOPED_TRACE(std::string(FaultOpName(c.op)) + " " + c.path);
    env_ = NewMemEnv();
    FaultInjectionEnv fault(env_.get());
    {
      stream::SinkPtr sink = MakeOk({{"path", "/out"}, {"maxRecordsPerFile", "1"}}, &fault);
      ASSERT_TRUE(Add(sink.get(), 0, {Json("{\"id\":1,\"name\":\"a\"}\n")}).ok());
      fault.InjectFault({c.op, c.path});
      Status s = Add(sink.get(), 1, {Json("{\"id\":2,\"name\":\"b\"}\n{\"id\":3}\n")});
      EXPECT_FALSE(s.ok());
      PowerLossOptions loss;
      loss.tear_last_write = c.tear;
      ASSERT_TRUE(fault.SimulatePowerLoss(loss).ok());
      fault.ClearFaults();
    }
    EXPECT_EQ(ReadBack(), Strings({"1 | a"}));
    stream::SinkPtr sink = MakeOk({{"path", "/out"}, {"maxRecordsPerFile", "1"}}, &fault);
    ASSERT_TRUE(Add(sink.get(), 1, {Json("{\"id\":2,\"name\":\"b\"}\n{\"id\":3}\n")}).ok());
    EXPECT_EQ(ReadBack(), Strings({"1 | a", "2 | b", "3 | NULL"}));
    EXPECT_EQ(Names("part-00001-").size(), 2u);   // the first attempt's files are gone
    ASSERT_TRUE(fault.SimulatePowerLoss().ok());  // everything committed was durable
    EXPECT_EQ(ReadBack(), Strings({"1 | a", "2 | b", "3 | NULL"}));
  }
}

TEST_F(FileSinkTest, OnlyAppendMode) {
  stream::SinkPtr sink = MakeOk({{"path", "/out"}});
  Status s = Add(sink.get(), 0, {Json("{\"id\":1}\n")}, stream::OutputMode::kUpdate);
  EXPECT_EQ(s.code(), StatusCode::kInvalidOption);
  EXPECT_NE(s.message().find("does not support Update output mode"), std::string::npos) << s;
  s = Add(sink.get(), 0, {Json("{\"id\":1}\n")}, stream::OutputMode::kComplete);
  EXPECT_NE(s.message().find("Complete"), std::string::npos) << s;
  EXPECT_EQ(Names("part-").size(), 0u);
  Result<stream::SinkPtr> bad = Make({{"path", "/out"}, {"output_mode", "complete"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Complete output mode"), std::string::npos);
  EXPECT_TRUE(Make({{"path", "/out"}, {"output_mode", "append"}}).ok());
}

TEST_F(FileSinkTest, CsvWithHeaderSplitByMaxRecordsPerFile) {
  stream::SinkPtr sink =
      MakeOk({{"path", "/csv"}, {"format", "csv"}, {"header", "true"}, {"maxRecordsPerFile", "2"}});
  ASSERT_TRUE(Add(sink.get(), 0,
                  {Json("{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b,c\"}\n{\"id\":3}\n"),
                   Json("{\"id\":4,\"name\":\"\"}\n{\"id\":5,\"name\":\"e\"}\n")})
                  .ok());
  Strings parts = Names("part-", "/csv");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].substr(parts[0].size() - 4), ".csv");
  EXPECT_EQ(*ReadFileToString(env_.get(), "/csv/" + parts[0]), "id,name\n1,a\n2,\"b,c\"\n");
  EXPECT_EQ(*ReadFileToString(env_.get(), "/csv/" + parts[1]), "id,name\n3,\n4,\"\"\n");
  EXPECT_EQ(ReadBack("/csv", "csv", {{"header", "true"}}),
            Strings({"1 | a", "2 | b,c", "3 | NULL", "4 | NULL", "5 | e"}));
}

TEST_F(FileSinkTest, BadOptions) {
  auto code = [&](Pairs options) { return Make(std::move(options)).status().code(); };
  EXPECT_EQ(code({{"format", "json"}}), StatusCode::kInvalidOption);  // no path
  EXPECT_EQ(code({{"path", "/out"}, {"format", "parquet"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/out"}, {"compression", "gzip"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/out"}, {"sep", "ab"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/out"}, {"timeZone", "Mars/Base"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/out"}, {"header", "yes"}}), StatusCode::kInvalidOption);
  EXPECT_EQ(code({{"path", "/out"}, {"output_mode", "sideways"}}), StatusCode::kInvalidOption);
}

TEST_F(FileSinkTest, CorruptManifestEntryFailsReadsAndIsRewritten) {
  stream::SinkPtr sink = MakeOk({{"path", "/out"}});
  ASSERT_TRUE(Add(sink.get(), 0, {Json("{\"id\":1,\"name\":\"a\"}\n")}).ok());
  std::string entry = *ReadFileToString(env_.get(), "/out/_weir_metadata/0");
  entry[entry.find("epoch 0") + 6] = '7';
  ASSERT_TRUE(WriteStringToFileSync(env_.get(), entry, "/out/_weir_metadata/0").ok());
  Result<plan::TableProviderPtr> t =
      formats::OpenFileTable("json", "/out", {}, schema_, env_.get());
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(t.status().IsCorruption()) << t.status();
  ASSERT_TRUE(Add(sink.get(), 0, {Json("{\"id\":1,\"name\":\"a\"}\n")}).ok());
  EXPECT_EQ(ReadBack(), Strings({"1 | a"}));
  EXPECT_EQ(Names("part-").size(), 1u);
}

TEST(SinkManifestTest, EncodesAndRejectsDamage) {
  formats::SinkManifestEntry e{12, {{"part-00012-00000-u.json", 42}, {"b c.json", 0}}};
  const std::string text = formats::EncodeSinkManifest(e);
  EXPECT_EQ(text.rfind("weir-file-sink v1\nepoch 12\nfile 42 part-00012-00000-u.json\n", 0), 0u);
  Result<formats::SinkManifestEntry> back = formats::DecodeSinkManifest(text, 12, "m");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->files.size(), 2u);
  EXPECT_EQ(back->files[1].name, "b c.json");
  EXPECT_TRUE(formats::DecodeSinkManifest(text, 13, "m").status().IsCorruption());
  for (size_t cut = 0; cut < text.size(); ++cut) {
    EXPECT_FALSE(formats::DecodeSinkManifest(text.substr(0, cut), 12, "m").ok()) << cut;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    std::string bad = text;
    bad[i] ^= 0x01;
    EXPECT_FALSE(formats::DecodeSinkManifest(bad, 12, "m").ok()) << i;
  }
  EXPECT_EQ(formats::ParseSinkManifestEntryName("0"), 0);
  EXPECT_EQ(formats::ParseSinkManifestEntryName("120"), 120);
  EXPECT_EQ(formats::ParseSinkManifestEntryName("012"), std::nullopt);
  EXPECT_EQ(formats::ParseSinkManifestEntryName("1.tmp"), std::nullopt);
  EXPECT_EQ(formats::ParseSinkManifestEntryName(""), std::nullopt);
}

TEST(FileSinkRealDirTest, WritesAndReadsBack) {
  char tmpl[] = "/tmp/weir_file_sink_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  stream::ConnectorContext ctx;
  ctx.name = "real";
  ctx.options = stream::Options({{"path", root + "/out"}});
  ctx.env = Env::Default();
  Result<stream::SinkPtr> sink = MakeFileSink(ctx);
  ASSERT_TRUE(sink.ok()) << sink.status();
  SchemaPtr schema = Ddl("id BIGINT");
  auto format = formats::FileFormat::Make("json", {});
  auto decoder = (*format)->MakeDecoder(schema, {0});
  Batch b = *formats::DecodeAll(decoder->get(), "{\"id\":1}\n{\"id\":2}\n");
  ASSERT_TRUE((*sink)->AddBatch(0, schema, {b}, stream::OutputMode::kAppend).ok());
  ASSERT_TRUE((*sink)->AddBatch(0, schema, {b}, stream::OutputMode::kAppend).ok());
  Result<plan::TableProviderPtr> t =
      formats::OpenFileTable("json", root + "/out", {}, schema, Env::Default());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->NumPartitions(), 1);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace weir::connectors
