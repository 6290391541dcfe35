// File tables: paths, directories, globs, schema resolution and reading through the
// plan::TableProvider interface, on the in-memory Env and on a real temp directory.

#include "weir/formats/file_table.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/unit/formats/formats_test_util.h"

namespace weir::formats {
namespace {

using testing::Ddl;
using testing::Rows;
using testing::Strings;

class FileTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv();
    ASSERT_TRUE(env_->CreateDirs("/data/logs").ok());
    ASSERT_TRUE(env_->CreateDirs("/data/logs/sub").ok());
    Write("/data/logs/b.json", "{\"host\":\"b\",\"bytes\":2}\n");
    Write("/data/logs/a.json", "{\"host\":\"a\",\"bytes\":1}\n{\"host\":\"a2\",\"bytes\":3.5}\n");
    Write("/data/logs/_SUCCESS", "");
    Write("/data/logs/.a.json.crc", "garbage");
    Write("/data/logs/sub/c.json", "{\"host\":\"c\"}\n");
    Write("/data/x.csv", "id,name\n1,x\n2,y\n");
  }

  void Write(const std::string& path, std::string_view data) {
    ASSERT_TRUE(WriteStringToFileSync(env_.get(), data, path).ok());
  }

  Result<plan::TableProviderPtr> Open(std::string_view format, std::string_view path,
                                      std::map<std::string, std::string> options = {},
                                      SchemaPtr schema = nullptr) {
    return OpenFileTable(format, path, options, std::move(schema), env_.get());
  }

  // Every partition's rows of `columns`, in partition order.
  static Strings ReadAll(const plan::TableProvider& t, const std::vector<int>& columns) {
    Strings rows;
    for (int p = 0; p < t.NumPartitions(); ++p) {
      Result<plan::BatchReaderPtr> r = t.Open(p, columns);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) continue;
      Batch b;
      while (true) {
        Result<bool> more = (*r)->Next(&b);
        EXPECT_TRUE(more.ok()) << more.status();
        if (!more.ok() || !*more) break;
        EXPECT_EQ(b.num_columns(), static_cast<int>(columns.size()));
        for (auto& row : Rows(b)) rows.push_back(row);
      }
    }
    return rows;
  }

  std::unique_ptr<Env> env_;
};

TEST_F(FileTableTest, ListsDirectoriesAndGlobs) {
  Result<std::vector<std::string>> files = ListInputFiles("/data/logs", env_.get());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(*files, std::vector<std::string>({"/data/logs/a.json", "/data/logs/b.json"}));
  files = ListInputFiles("file:/data/logs/b*", env_.get());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, std::vector<std::string>({"/data/logs/b.json"}));
  files = ListInputFiles("/data/logs/?.json", env_.get());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 2u);
  files = ListInputFiles("/data/logs/s[u]*", env_.get());  // a matched directory is listed
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, std::vector<std::string>({"/data/logs/sub/c.json"}));
  files = ListInputFiles("/data/x.csv", env_.get());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 1u);
}

TEST_F(FileTableTest, MissingPath) {
  for (std::string_view path : {"/nope", "/data/logs/*.parquet", "/nope/*.json"}) {
    Result<plan::TableProviderPtr> t = Open("json", path);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(t.status().message(),
              "[PATH_NOT_FOUND] Path does not exist: file:" + std::string(path) + ".");
  }
}

TEST_F(FileTableTest, JsonInfersOverAllFilesAndReadsPartitions) {
  Result<plan::TableProviderPtr> t = Open("JSON", "/data/logs");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->schema()->ToString(), "struct<bytes:double,host:string>");
  EXPECT_EQ((*t)->Describe(), "json /data/logs");
  EXPECT_EQ((*t)->NumPartitions(), 2);
  EXPECT_EQ(ReadAll(**t, {1, 0}), Strings({"a | 1.0", "a2 | 3.5", "b | 2.0"}));
  EXPECT_EQ(ReadAll(**t, {}).size(), 3u);  // rows-only batches: the count
}

TEST_F(FileTableTest, CsvOptionsAreCaseInsensitive) {
  Result<plan::TableProviderPtr> t =
      Open("csv", "/data/x.csv", {{"HEADER", "true"}, {"inferschema", "TRUE"}});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->schema()->ToString(), "struct<id:int,name:string>");
  EXPECT_EQ(ReadAll(**t, {1}), Strings({"x", "y"}));
  t = Open("csv", "/data/x.csv");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->schema()->ToString(), "struct<_c0:string,_c1:string>");
  EXPECT_EQ(ReadAll(**t, {0}), Strings({"id", "1", "2"}));
}

TEST_F(FileTableTest, UserSchemaAndText) {
  Result<plan::TableProviderPtr> t =
      Open("json", "/data/logs", {}, Ddl("host STRING, bytes INT, _corrupt_record STRING"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(
      ReadAll(**t, {0, 1, 2}),
      Strings({"a | 1 | NULL", "a2 | NULL | {\"host\":\"a2\",\"bytes\":3.5}", "b | 2 | NULL"}));
  t = Open("text", "/data/x.csv");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ReadAll(**t, {0}), Strings({"id,name", "1,x", "2,y"}));
  EXPECT_FALSE(Open("text", "/data/x.csv", {}, Ddl("a STRING, b STRING")).ok());
}

TEST_F(FileTableTest, BadOptionsAndFormats) {
  Result<plan::TableProviderPtr> t = Open("json", "/data/logs", {{"mode", "FOO"}});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidOption);
  EXPECT_NE(t.status().message().find("'mode'"), std::string::npos);
  EXPECT_EQ(Open("csv", "/data/x.csv", {{"header", "yes"}}).status().code(),
            StatusCode::kInvalidOption);
  EXPECT_EQ(Open("json", "/data/logs", {{"multiLine", "true"}}).status().code(),
            StatusCode::kUnsupported);
  EXPECT_FALSE(Open("parquet", "/data/logs").ok());
  EXPECT_TRUE(IsFileFormat("Csv"));
  EXPECT_TRUE(IsFileFormat("TEXT"));
  EXPECT_FALSE(IsFileFormat("parquet"));
}

TEST_F(FileTableTest, EmptyDirectory) {
  ASSERT_TRUE(env_->CreateDirs("/empty").ok());
  Result<plan::TableProviderPtr> t = Open("json", "/empty");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("UNABLE_TO_INFER_SCHEMA"), std::string::npos);
  t = Open("json", "/empty", {}, Ddl("a INT"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ReadAll(**t, {0}), Strings{});
  Write("/empty/e.json", "");
  t = Open("json", "/empty", {}, Ddl("a INT"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ReadAll(**t, {0}), Strings{});
}

TEST_F(FileTableTest, FailFastNamesTheFile) {
  Write("/data/bad.json", "{\"a\":1}\n{oops\n");
  Result<plan::TableProviderPtr> t =
      Open("json", "/data/bad.json", {{"mode", "FAILFAST"}}, Ddl("a INT"));
  ASSERT_TRUE(t.ok());
  Result<plan::BatchReaderPtr> r = (*t)->Open(0, {0});
  ASSERT_TRUE(r.ok());
  Batch b;
  Result<bool> more = (*r)->Next(&b);
  ASSERT_FALSE(more.ok());
  EXPECT_NE(more.status().message().find("file /data/bad.json, line 2"), std::string::npos)
      << more.status();
}

TEST_F(FileTableTest, ManyRowsSpanBatches) {
  std::string data;
  for (int i = 0; i < 10000; ++i) data += "{\"i\":" + std::to_string(i) + "}\n";
  Write("/data/many.json", data);
  Result<plan::TableProviderPtr> t = Open("json", "/data/many.json");
  ASSERT_TRUE(t.ok());
  Strings rows = ReadAll(**t, {0});
  ASSERT_EQ(rows.size(), 10000u);
  EXPECT_EQ(rows[9999], "9999");
}

TEST(FileTablePosix, RealDirectory) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("weir_formats_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Env* env = Env::Default();
  ASSERT_TRUE(WriteStringToFileSync(env, "a,b\n1,2\n", (dir / "one.csv").string()).ok());
  ASSERT_TRUE(WriteStringToFileSync(env, "a,b\n3,4\n", (dir / "two.csv").string()).ok());
  ASSERT_TRUE(WriteStringToFileSync(env, "junk", (dir / "_SUCCESS").string()).ok());
  Result<plan::TableProviderPtr> t = OpenFileTable(
      "csv", dir.string(), {{"header", "true"}, {"inferSchema", "true"}}, nullptr, env);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->schema()->ToString(), "struct<a:int,b:int>");
  EXPECT_EQ((*t)->NumPartitions(), 2);
  Result<plan::BatchReaderPtr> r = (*t)->Open(1, {1, 0});
  ASSERT_TRUE(r.ok());
  Batch b;
  ASSERT_TRUE(*(*r)->Next(&b));
  EXPECT_EQ(Rows(b), Strings({"4 | 3"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace weir::formats
