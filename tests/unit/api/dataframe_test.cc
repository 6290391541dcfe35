// The public C++ API over batch data (include/weir/session.h, dataframe.h,
// dataframe_reader.h): Sql, Read, every DataFrame operation, and errors positioned in
// the user's expression text.

#include <gtest/gtest.h>

#include "weir/weir.h"

namespace weir {
namespace {

class DataFrameTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv(&clock_);
    SessionOptions options;
    options.data_dir = "/data";
    options.threads = 2;
    options.env = env_.get();
    options.clock = &clock_;
    session_ = std::make_unique<Session>(Session::Open(std::move(options)).ValueOrDie());
  }

  DataFrame Sql(std::string_view text) { return session_->Sql(text).ValueOrDie(); }

  // The rows as "v1|v2" strings, in order.
  static std::vector<std::string> Rows(const DataFrame& df) {
    std::vector<std::string> out;
    for (const auto& row : df.CollectRows().ValueOrDie()) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i > 0 ? "|" : "") + row[i].ToString();
      out.push_back(std::move(line));
    }
    return out;
  }

  static std::vector<std::string> Names(const DataFrame& df) {
    std::vector<std::string> out;
    for (const Field& f : df.Schema()->fields()) out.push_back(f.name);
    return out;
  }

  // A DataFrame of (id INT, name STRING).
  DataFrame People() {
    return Sql("SELECT * FROM VALUES (1, 'ann'), (2, 'bob'), (3, 'cy') AS t(id, name)");
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Env> env_;
  std::unique_ptr<Session> session_;
};

TEST_F(DataFrameTest, OpenChecksOptions) {
  SessionOptions options;
  options.threads = -1;
  EXPECT_EQ(Session::Open(options).status().code(), StatusCode::kInvalidArgument);
  options.threads = 1;
  options.data_dir = "";
  EXPECT_EQ(Session::Open(options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(DataFrameTest, SqlQueryIsADataFrame) {
  DataFrame df = Sql("SELECT id * 10 AS x FROM VALUES (1), (2) AS t(id)");
  EXPECT_FALSE(df.IsStreaming());
  EXPECT_EQ(Names(df), std::vector<std::string>{"x"});
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"10", "20"}));
  EXPECT_EQ(df.Collect()->size(), 1u);
  EXPECT_NE(df.Explain().find("Project"), std::string::npos);
}

TEST_F(DataFrameTest, SqlStatementRunsNow) {
  DataFrame set = Sql("SET spark.sql.session.timeZone = 'America/New_York'");
  EXPECT_EQ(Rows(set), std::vector<std::string>{"spark.sql.session.timeZone|America/New_York"});
  DataFrame created = Sql("CREATE VIEW v AS SELECT 7 AS seven");
  EXPECT_EQ(created.Schema()->num_fields(), 0);
  EXPECT_EQ(Rows(Sql("SELECT seven FROM v")), std::vector<std::string>{"7"});
}

TEST_F(DataFrameTest, SqlErrorsArePositioned) {
  Result<DataFrame> r = session_->Sql("SELECT\n  nosuch FROM VALUES (1) AS t(a)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().position(), (SourcePosition{2, 3}));
}

TEST_F(DataFrameTest, Show) {
  std::string table = People().Show(2).ValueOrDie();
  EXPECT_EQ(table,
            "+---+----+\n"
            "| id|name|\n"
            "+---+----+\n"
            "|  1| ann|\n"
            "|  2| bob|\n"
            "+---+----+\n"
            "only showing top 2 rows\n");
  EXPECT_EQ(Sql("SELECT 1 AS a WHERE false").Show().ValueOrDie(), "+---+\n|  a|\n+---+\n+---+\n");
}

TEST_F(DataFrameTest, SelectExpressions) {
  DataFrame df = People().Select("name", "id * 2 AS twice", "upper(name)").ValueOrDie();
  EXPECT_EQ(Names(df), (std::vector<std::string>{"name", "twice", "upper(name)"}));
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"ann|2|ANN", "bob|4|BOB", "cy|6|CY"}));
  DataFrame star = People().Select("*", "id + 1 AS next").ValueOrDie();
  EXPECT_EQ(Names(star), (std::vector<std::string>{"id", "name", "next"}));
  DataFrame agg = People().Select("count(*) AS n", "max(id) AS top").ValueOrDie();
  EXPECT_EQ(Rows(agg), std::vector<std::string>{"3|3"});
  DataFrame exploded = Sql("SELECT array(1, 2) AS xs").Select("explode(xs) AS x").ValueOrDie();
  EXPECT_EQ(Rows(exploded), (std::vector<std::string>{"1", "2"}));
}

TEST_F(DataFrameTest, FilterAndWhere) {
  EXPECT_EQ(Rows(People().Filter("id >= 2 AND name <> 'cy'").ValueOrDie()),
            std::vector<std::string>{"2|bob"});
  EXPECT_EQ(Rows(People().Where("name LIKE 'a%'").ValueOrDie()), std::vector<std::string>{"1|ann"});
}

TEST_F(DataFrameTest, WithColumnAddsOrReplaces) {
  DataFrame added = People().WithColumn("shout", "upper(name)").ValueOrDie();
  EXPECT_EQ(Names(added), (std::vector<std::string>{"id", "name", "shout"}));
  EXPECT_EQ(Rows(added)[0], "1|ann|ANN");
  DataFrame replaced = People().WithColumn("ID", "id * 100").ValueOrDie();
  EXPECT_EQ(Names(replaced), (std::vector<std::string>{"ID", "name"}));
  EXPECT_EQ(Rows(replaced)[2], "300|cy");
}

TEST_F(DataFrameTest, UnionWidensByPosition) {
  DataFrame a = Sql("SELECT 1 AS x");
  DataFrame b = Sql("SELECT 2.5 AS y");
  DataFrame u = a.Union(b).ValueOrDie();
  EXPECT_EQ(Names(u), std::vector<std::string>{"x"});
  EXPECT_EQ(u.Schema()->field(0).type.ToDdl(), "DECIMAL(11,1)");
  EXPECT_EQ(Rows(u), (std::vector<std::string>{"1.0", "2.5"}));
  Result<DataFrame> bad = a.Union(People());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidSql);
}

TEST_F(DataFrameTest, Joins) {
  DataFrame orders = Sql("SELECT * FROM VALUES (1, 10), (1, 11), (4, 12) AS o(id, amount)");
  DataFrame inner = People().As("p").Join(orders.As("o"), "p.id = o.id", "inner").ValueOrDie();
  EXPECT_EQ(Names(inner), (std::vector<std::string>{"id", "name", "id", "amount"}));
  EXPECT_EQ(Rows(inner), (std::vector<std::string>{"1|ann|1|10", "1|ann|1|11"}));
  DataFrame left = People().As("p").Join(orders.As("o"), "p.id = o.id", "left_outer").ValueOrDie();
  EXPECT_EQ(Rows(left).size(), 4u);
  DataFrame anti = People().As("p").Join(orders.As("o"), "p.id = o.id", "anti").ValueOrDie();
  EXPECT_EQ(Rows(anti), (std::vector<std::string>{"2|bob", "3|cy"}));
  DataFrame using_id = People().Join(orders, std::vector<std::string>{"id"}).ValueOrDie();
  EXPECT_EQ(Names(using_id), (std::vector<std::string>{"id", "name", "amount"}));
  Result<DataFrame> bad = People().Join(orders, "true", "sideways");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Unsupported join type 'sideways'"), std::string::npos);
}

TEST_F(DataFrameTest, ErrorsPointIntoTheExpressionText) {
  Result<DataFrame> r = People().Filter("reqest = 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidSql);
  EXPECT_NE(r.status().message().find("[UNRESOLVED_COLUMN.WITH_SUGGESTION]"), std::string::npos);
  EXPECT_EQ(r.status().position(), (SourcePosition{1, 1}));

  r = People().Filter("id >");  // a syntax error at the end of the text
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().position().line, 1);
  EXPECT_EQ(r.status().position().column, 5);

  r = People().Select("id + nmae AS x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().position(), (SourcePosition{1, 6}));
  EXPECT_EQ(r.status().hint(), "did you mean 'name'?");

  r = People().Select("id", "name", "\n  upper(nmae)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().position(), (SourcePosition{2, 9}));
  EXPECT_NE(r.status().message().find("Select expression 3"), std::string::npos);

  r = People().Select("id +* 2");  // SQL reports "SELECT id +* 2" at '2' too
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().position(), (SourcePosition{1, 7}));

  r = People().Select("id FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().position(), (SourcePosition{1, 1}));

  r = People().WithColumn("x", "lower(nam)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().position(), (SourcePosition{1, 7}));

  r = People().As("p").Join(People().As("q"), "p.id = q.idd");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().position(), (SourcePosition{1, 8}));
}

TEST_F(DataFrameTest, ReadFiles) {
  ASSERT_TRUE(env_->CreateDirIfMissing("/in").ok());
  ASSERT_TRUE(WriteStringToFileSync(env_.get(),
                                    "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": \"y\"}\n",
                                    "/in/part-0.json")
                  .ok());
  DataFrame df = session_->Read().format("json").schema("a INT, b STRING").load("/in").ValueOrDie();
  EXPECT_EQ(Rows(df.Filter("a > 1").ValueOrDie()), std::vector<std::string>{"2|y"});
  DataFrame inferred = session_->Read().format("json").load("/in/part-0.json").ValueOrDie();
  EXPECT_EQ(Names(inferred), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(session_->Read().format("parquet").load("/in").ok());
  EXPECT_EQ(session_->Read().format("json").schema("a INT,").load("/in").status().code(),
            StatusCode::kInvalidSql);
}

TEST_F(DataFrameTest, StreamingDataFrameCannotBeCollected) {
  MemoryStream events = session_->NewMemoryStream("events", "id BIGINT").ValueOrDie();
  DataFrame df = events.ToDF();
  EXPECT_TRUE(df.IsStreaming());
  Result<std::vector<Batch>> r = df.Collect();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Queries with streaming sources must be executed with writeStream.start()");
  Result<StreamingQueryPtr> q = People().WriteStream().format("memory").queryName("x").start();
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(),
            "'writeStream' can be called only on streaming Dataset/DataFrame");
}

}  // namespace
}  // namespace weir
