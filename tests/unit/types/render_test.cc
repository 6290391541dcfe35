#include "weir/types/render.h"

#include <limits>

#include <gtest/gtest.h>

#include "types_test_util.h"

namespace weir {
namespace {

using testing::I32;
using testing::I64;
using testing::MakeBatch;
using testing::NullOf;
using testing::Str;

SchemaPtr IdName() { return MakeSchema({{"id", DataType::Int64()}, {"name", DataType::String()}}); }

Batch AliceAndNull() {
  return MakeBatch(IdName(), {{I64(1), Str("alice")}, {I64(2), NullOf(DataType::String())}});
}

std::string Csv(const Batch& b, const CsvOptions& options = {}) {
  std::string out;
  Status st = AppendCsv(b, options, &out);
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

std::string Json(const Batch& b, const JsonOptions& options = {}) {
  std::string out;
  AppendJsonLines(b, options, &out);
  return out;
}

std::string Escaped(std::string_view s) {
  std::string out;
  AppendJsonEscaped(s, &out);
  return out;
}

// ---------------------------------------------------------------------------------
// ShowString: Spark 3.5 Dataset.showString(numRows, truncate, vertical = false).

TEST(ShowStringTest, Basic) {
  // spark.sql("SELECT * FROM VALUES (1L, 'alice'), (2L, NULL) AS t(id, name)").show()
  EXPECT_EQ(
      "+---+-----+\n"
      "| id| name|\n"
      "+---+-----+\n"
      "|  1|alice|\n"
      "|  2| NULL|\n"
      "+---+-----+\n",
      ShowString(AliceAndNull()));
}

TEST(ShowStringTest, MinimumColumnWidthIsThree) {
  Batch b = MakeBatch(MakeSchema({{"a", DataType::Int32()}}), {{I32(1)}});
  EXPECT_EQ(
      "+---+\n"
      "|  a|\n"
      "+---+\n"
      "|  1|\n"
      "+---+\n",
      ShowString(b));
}

TEST(ShowStringTest, TruncatesLongCellsTo17CharsPlusEllipsis) {
  std::string s25 = "abcdefghijklmnopqrstuvwxy";
  ASSERT_EQ(25u, s25.size());
  std::string s20(20, 'z');
  Batch b = MakeBatch(MakeSchema({{"s", DataType::String()}}), {{Str(s25)}, {Str(s20)}});
  // Spark: str.substring(0, truncate - 3) + "..."; exactly `truncate` chars are kept.
  EXPECT_EQ(
      "+--------------------+\n"
      "|                   s|\n"
      "+--------------------+\n"
      "|abcdefghijklmnopq...|\n"
      "|zzzzzzzzzzzzzzzzzzzz|\n"
      "+--------------------+\n",
      ShowString(b));
  // A custom width, and Spark's rule of no ellipsis below 4.
  ShowOptions opts;
  opts.truncate = 5;
  EXPECT_EQ(
      "+-----+\n"
      "|    s|\n"
      "+-----+\n"
      "|ab...|\n"
      "|zz...|\n"
      "+-----+\n",
      ShowString(b, opts));
  opts.truncate = 3;
  EXPECT_EQ(
      "+---+\n"
      "|  s|\n"
      "+---+\n"
      "|abc|\n"
      "|zzz|\n"
      "+---+\n",
      ShowString(b, opts));
}

TEST(ShowStringTest, HeaderIsNeverTruncated) {
  Batch b =
      MakeBatch(MakeSchema({{"a_very_long_column_name_indeed", DataType::Int32()}}), {{I32(1)}});
  ShowOptions opts;
  opts.truncate = 5;
  EXPECT_EQ(
      "+------------------------------+\n"
      "|a_very_long_column_name_indeed|\n"
      "+------------------------------+\n"
      "|                             1|\n"
      "+------------------------------+\n",
      ShowString(b, opts));
}

TEST(ShowStringTest, TruncateZeroLeftAlignsAndKeepsEverything) {
  std::string s25 = "abcdefghijklmnopqrstuvwxy";
  Batch b = MakeBatch(IdName(), {{I64(1), Str(s25)}, {I64(22), NullOf(DataType::String())}});
  ShowOptions opts;
  opts.truncate = 0;
  EXPECT_EQ(
      "+---+-------------------------+\n"
      "|id |name                     |\n"
      "+---+-------------------------+\n"
      "|1  |abcdefghijklmnopqrstuvwxy|\n"
      "|22 |NULL                     |\n"
      "+---+-------------------------+\n",
      ShowString(b, opts));
}

TEST(ShowStringTest, NumRowsFooter) {
  Batch b = MakeBatch(IdName(), {{I64(1), Str("a")}, {I64(2), Str("b")}, {I64(3), Str("c")}});
  ShowOptions opts;
  opts.num_rows = 1;
  EXPECT_EQ(
      "+---+----+\n"
      "| id|name|\n"
      "+---+----+\n"
      "|  1|   a|\n"
      "+---+----+\n"
      "only showing top 1 row\n",
      ShowString(b, opts));
  opts.num_rows = 2;
  EXPECT_EQ(
      "+---+----+\n"
      "| id|name|\n"
      "+---+----+\n"
      "|  1|   a|\n"
      "|  2|   b|\n"
      "+---+----+\n"
      "only showing top 2 rows\n",
      ShowString(b, opts));
  // Exactly as many rows as there are: no footer.
  opts.num_rows = 3;
  EXPECT_EQ(std::string::npos, ShowString(b, opts).find("only showing"));
  opts.num_rows = 100;
  EXPECT_EQ(std::string::npos, ShowString(b, opts).find("only showing"));
  // numRows = 0 (and negative, which Spark clamps to 0).
  opts.num_rows = 0;
  EXPECT_EQ(
      "+---+----+\n"
      "| id|name|\n"
      "+---+----+\n"
      "+---+----+\n"
      "only showing top 0 rows\n",
      ShowString(b, opts));
  opts.num_rows = -5;
  EXPECT_EQ(ShowString(b, ShowOptions{0, 20, nullptr}), ShowString(b, opts));
}

TEST(ShowStringTest, WidthsOnlyCountShownRows) {
  Batch b = MakeBatch(MakeSchema({{"s", DataType::String()}}),
                      {{Str("ab")}, {Str("a much longer value")}});
  ShowOptions opts;
  opts.num_rows = 1;
  EXPECT_EQ(
      "+---+\n"
      "|  s|\n"
      "+---+\n"
      "| ab|\n"
      "+---+\n"
      "only showing top 1 row\n",
      ShowString(b, opts));
}

TEST(ShowStringTest, ZeroRows) {
  EXPECT_EQ(
      "+---+----+\n"
      "| id|name|\n"
      "+---+----+\n"
      "+---+----+\n",
      ShowString(Batch::MakeEmpty(IdName())));
  EXPECT_EQ(ShowString(Batch::MakeEmpty(IdName())),
            ShowString(std::vector<Batch>{Batch::MakeEmpty(IdName()), Batch::MakeEmpty(IdName())}));
}

// spark.emptyDataFrame.show() and spark.range(2).select().show(): Seq.addString
// still writes the start and end delimiters.
TEST(ShowStringTest, NoColumns) {
  EXPECT_EQ(
      "++\n"
      "||\n"
      "++\n"
      "++\n",
      ShowString(Batch()));
  EXPECT_EQ(
      "++\n"
      "||\n"
      "++\n"
      "||\n"
      "||\n"
      "++\n",
      ShowString(Batch::MakeRowsOnly(2)));
}

// SchemaUtils.escapeMetaCharacters, applied to cells and to column names.
TEST(ShowStringTest, MetaCharactersAreEscaped) {
  Batch b = MakeBatch(MakeSchema({{"a\nb", DataType::String()}}),
                      {{Str("x\ny")}, {Str("t\tr\rf\fb\bv\va\a")}});
  EXPECT_EQ(
      "+------------------+\n"
      "|              a\\nb|\n"
      "+------------------+\n"
      "|              x\\ny|\n"
      "|t\\tr\\rf\\fb\\bv\\va\\a|\n"
      "+------------------+\n",
      ShowString(b));
  // Truncation counts the escaped form (Spark escapes first, then truncates).
  Batch nl = MakeBatch(MakeSchema({{"s", DataType::String()}}), {{Str(std::string(10, '\n'))}});
  ShowOptions opts;
  opts.truncate = 10;
  EXPECT_EQ(
      "+----------+\n"
      "|         s|\n"
      "+----------+\n"
      "|\\n\\n\\n\\...|\n"
      "+----------+\n",
      ShowString(nl, opts));
}

// Utils.stringHalfWidth: East Asian full-width characters take two columns.
TEST(ShowStringTest, FullWidthCharactersCountTwice) {
  Batch b = MakeBatch(IdName(), {{I64(1), Str("你好")}, {I64(2), Str("ab")}});
  EXPECT_EQ(
      "+---+----+\n"
      "| id|name|\n"
      "+---+----+\n"
      "|  1|你好|\n"
      "|  2|  ab|\n"
      "+---+----+\n",
      ShowString(b));
  Batch c = MakeBatch(IdName(), {{I64(1), Str("日本語テキスト")}, {I64(2), Str("é")}});
  EXPECT_EQ(
      "+---+--------------+\n"
      "| id|          name|\n"
      "+---+--------------+\n"
      "|  1|日本語テキスト|\n"
      "|  2|             é|\n"
      "+---+--------------+\n",
      ShowString(c));
  // Truncation counts characters, not bytes or columns.
  std::string cjk25;
  for (int i = 0; i < 25; ++i) cjk25 += "字";
  Batch t = MakeBatch(MakeSchema({{"s", DataType::String()}}), {{Str(cjk25)}});
  std::string cjk17;
  for (int i = 0; i < 17; ++i) cjk17 += "字";
  EXPECT_EQ(
      "+-------------------------------------+\n"
      "|                                    s|\n"
      "+-------------------------------------+\n"
      "|" +
          cjk17 +
          "...|\n"
          "+-------------------------------------+\n",
      ShowString(t));
}

TEST(ShowStringTest, NestedAndSpecialValues) {
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  SchemaPtr schema = MakeSchema({{"arr", DataType::Array(DataType::Int32())},
                                 {"s", st},
                                 {"bin", DataType::Binary()},
                                 {"d", DataType::Double()}});
  Batch b =
      MakeBatch(schema, {{Value::Array(DataType::Int32(), {I32(1), NullOf(DataType::Int32())}),
                          Value::Struct(st, {I32(1), NullOf(DataType::String())}),
                          Value::Binary("\x01\xab"), Value::Double(1e7)}});
  EXPECT_EQ(
      "+---------+---------+-------+-----+\n"
      "|      arr|        s|    bin|    d|\n"
      "+---------+---------+-------+-----+\n"
      "|[1, NULL]|{1, NULL}|[01 AB]|1.0E7|\n"
      "+---------+---------+-------+-----+\n",
      ShowString(b));
}

TEST(ShowStringTest, TimestampsInSessionZone) {
  SchemaPtr schema = MakeSchema({{"ts", DataType::Timestamp()}});
  Batch b = MakeBatch(schema, {{Value::Timestamp(TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0))}});
  Result<TimeZone> tz = TimeZone::Load("+08:00");
  ASSERT_TRUE(tz.ok());
  ShowOptions opts;
  opts.time_zone = &*tz;
  EXPECT_EQ(
      "+-------------------+\n"
      "|                 ts|\n"
      "+-------------------+\n"
      "|2024-03-05 18:00:00|\n"
      "+-------------------+\n",
      ShowString(b, opts));
}

TEST(ShowStringTest, MultipleBatchesAndSelection) {
  Batch first = MakeBatch(IdName(), {{I64(1), Str("a")}, {I64(2), Str("b")}});
  Batch second = MakeBatch(IdName(), {{I64(3), Str("c")},
                                      {I64(4), Str("dropped")},
                                      {I64(5), NullOf(DataType::String())}})
                     .Select(SelectionVector({2, 0}));
  Batch third = MakeBatch(IdName(), {{I64(100), Str("e")}});
  std::vector<Batch> batches = {first, Batch::MakeEmpty(IdName()), second, third};
  EXPECT_EQ(
      "+---+----+\n"
      "| id|name|\n"
      "+---+----+\n"
      "|  1|   a|\n"
      "|  2|   b|\n"
      "|  5|NULL|\n"
      "|  3|   c|\n"
      "|100|   e|\n"
      "+---+----+\n",
      ShowString(batches));
  // The row limit spans batches, and the footer counts every logical row.
  ShowOptions opts;
  opts.num_rows = 3;
  EXPECT_EQ(
      "+---+----+\n"
      "| id|name|\n"
      "+---+----+\n"
      "|  1|   a|\n"
      "|  2|   b|\n"
      "|  5|NULL|\n"
      "+---+----+\n"
      "only showing top 3 rows\n",
      ShowString(batches, opts));
  // Exactly the logical rows: no footer even though "dropped" is a physical row.
  opts.num_rows = 5;
  EXPECT_EQ(std::string::npos, ShowString(batches, opts).find("only showing"));
}

// ---------------------------------------------------------------------------------
// CSV: Spark's CSV writer defaults (univocity): quote '"', escape '\', quoteAll false,
// nullValue "", emptyValue "\"\"", timestampFormat yyyy-MM-dd'T'HH:mm:ss.SSSXXX.

TEST(CsvTest, Basic) {
  EXPECT_EQ("1,alice\n2,\n", Csv(AliceAndNull()));
  CsvOptions opts;
  opts.header = true;
  EXPECT_EQ("id,name\n1,alice\n2,\n", Csv(AliceAndNull(), opts));
}

TEST(CsvTest, Appends) {
  std::string out = "existing\n";
  ASSERT_TRUE(AppendCsv(AliceAndNull(), {}, &out).ok());
  EXPECT_EQ("existing\n1,alice\n2,\n", out);
}

// Not pinned here: Spark's writer also trims leading and trailing whitespace by
// default (ignoreLeadingWhiteSpace / ignoreTrailingWhiteSpace default to true for
// writes), which AppendCsv does not do.
TEST(CsvTest, QuotingAndEscaping) {
  SchemaPtr schema = MakeSchema({{"s", DataType::String()}});
  Batch b = MakeBatch(schema, {{Str("plain")},
                               {Str("a,b")},
                               {Str("a\"b")},
                               {Str("line1\nline2")},
                               {Str("cr\rhere")},
                               {Str("")},
                               {NullOf(DataType::String())},
                               {Str("back\\slash")},
                               {Str("\"")}});
  EXPECT_EQ(
      "plain\n"
      "\"a,b\"\n"
      "\"a\\\"b\"\n"
      "\"line1\nline2\"\n"
      "\"cr\rhere\"\n"
      "\"\"\n"
      "\n"
      "back\\slash\n"
      "\"\\\"\"\n",
      Csv(b));
}

TEST(CsvTest, CustomOptions) {
  SchemaPtr schema = MakeSchema({{"a;b", DataType::String()}, {"n", DataType::Int32()}});
  Batch b = MakeBatch(schema, {{Str("x;y"), I32(1)},
                               {Str("it's"), NullOf(DataType::Int32())},
                               {Str(""), I32(2)},
                               {Str("a,b"), I32(3)}});
  CsvOptions opts;
  opts.sep = ';';
  opts.quote = '\'';
  opts.escape = '\'';
  opts.header = true;
  opts.null_value = "NA";
  opts.empty_value = "EMPTY";
  EXPECT_EQ(
      "'a;b';n\n"
      "'x;y';1\n"
      "'it''s';NA\n"
      "EMPTY;2\n"
      "a,b;3\n",
      Csv(b, opts));
}

TEST(CsvTest, QuoteAll) {
  CsvOptions opts;
  opts.quote_all = true;
  opts.header = true;
  Batch b = MakeBatch(
      IdName(), {{I64(1), Str("alice")}, {I64(2), NullOf(DataType::String())}, {I64(3), Str("")}});
  EXPECT_EQ(
      "\"id\",\"name\"\n"
      "\"1\",\"alice\"\n"
      "\"2\",\n"
      "\"3\",\"\"\n",
      Csv(b, opts));
}

TEST(CsvTest, EveryWritableType) {
  SchemaPtr schema = MakeSchema({{"b", DataType::Boolean()},
                                 {"i", DataType::Int32()},
                                 {"l", DataType::Int64()},
                                 {"d", DataType::Double()},
                                 {"dec", DataType::DecimalUnchecked(5, 2)},
                                 {"date", DataType::Date()},
                                 {"ts", DataType::Timestamp()},
                                 {"n", DataType::Null()}});
  int64_t ts = TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0, 123456);
  Batch b = MakeBatch(
      schema, {{Value::Boolean(true), I32(-1), I64(INT64_MAX), Value::Double(1e7),
                Value::Decimal(-150, 5, 2), Value::Date(19787), Value::Timestamp(ts), Value()}});
  EXPECT_EQ("true,-1,9223372036854775807,1.0E7,-1.50,2024-03-05,2024-03-05T10:00:00.123Z,\n",
            Csv(b));
  Result<TimeZone> tz = TimeZone::Load("+08:00");
  ASSERT_TRUE(tz.ok());
  CsvOptions opts;
  opts.time_zone = &*tz;
  EXPECT_EQ("true,-1,9223372036854775807,1.0E7,-1.50,2024-03-05,2024-03-05T18:00:00.123+08:00,\n",
            Csv(b, opts));
}

TEST(CsvTest, UnsupportedTypesAppendNothing) {
  std::vector<DataType> unsupported = {
      DataType::Array(DataType::Int32()),
      DataType::Map(DataType::String(), DataType::Int32()),
      DataType::Struct({{"a", DataType::Int32()}}),
      DataType::Binary(),
      DataType::Interval(),
  };
  for (const DataType& t : unsupported) {
    SchemaPtr schema = MakeSchema({{"id", DataType::Int64()}, {"bad", t}});
    Batch b = MakeBatch(schema, {{I64(1), Value::Null(t)}});
    std::string out = "keep";
    CsvOptions opts;
    opts.header = true;
    Status st = AppendCsv(b, opts, &out);
    EXPECT_EQ(StatusCode::kUnsupported, st.code()) << t;
    EXPECT_EQ("keep", out) << t;
  }
  SchemaPtr schema = MakeSchema({{"arr", DataType::Array(DataType::Int32())}});
  std::string out;
  Status st = AppendCsv(Batch::MakeEmpty(schema), {}, &out);
  EXPECT_EQ("CSV data source does not support array<int> data type (column 'arr')", st.message());
}

TEST(CsvTest, RespectsSelection) {
  Batch b = MakeBatch(IdName(), {{I64(1), Str("a")}, {I64(2), Str("b")}, {I64(3), Str("c")}})
                .Select(SelectionVector({2, 0}));
  EXPECT_EQ("3,c\n1,a\n", Csv(b));
  EXPECT_EQ("", Csv(Batch::MakeEmpty(IdName())));
}

// ---------------------------------------------------------------------------------
// JSON lines: Spark's JSON writer (JacksonGenerator) defaults, ignoreNullFields=true.

TEST(JsonTest, NullFieldsAreOmitted) {
  EXPECT_EQ("{\"id\":1,\"name\":\"alice\"}\n{\"id\":2}\n", Json(AliceAndNull()));
  JsonOptions keep;
  keep.ignore_null_fields = false;
  EXPECT_EQ("{\"id\":1,\"name\":\"alice\"}\n{\"id\":2,\"name\":null}\n",
            Json(AliceAndNull(), keep));
  Batch all_null = MakeBatch(IdName(), {{NullOf(DataType::Int64()), NullOf(DataType::String())}});
  EXPECT_EQ("{}\n", Json(all_null));
  EXPECT_EQ("", Json(Batch::MakeEmpty(IdName())));
}

TEST(JsonTest, Scalars) {
  SchemaPtr schema = MakeSchema({{"b", DataType::Boolean()},
                                 {"i", DataType::Int32()},
                                 {"l", DataType::Int64()},
                                 {"d", DataType::Double()},
                                 {"dec", DataType::DecimalUnchecked(5, 2)},
                                 {"date", DataType::Date()},
                                 {"ts", DataType::Timestamp()},
                                 {"iv", DataType::Interval()},
                                 {"bin", DataType::Binary()}});
  Batch b = MakeBatch(schema, {{Value::Boolean(false), I32(-7), I64(INT64_MIN), Value::Double(0.1),
                                Value::Decimal(-150, 5, 2), Value::Date(19787),
                                Value::Timestamp(TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0)),
                                Value::IntervalValue({14, 3, 500000}), Value::Binary("\x01\xab")}});
  EXPECT_EQ(
      "{\"b\":false,\"i\":-7,\"l\":-9223372036854775808,\"d\":0.1,\"dec\":-1.50,"
      "\"date\":\"2024-03-05\",\"ts\":\"2024-03-05T10:00:00.000Z\","
      "\"iv\":\"1 years 2 months 3 days 0.5 seconds\",\"bin\":\"Aas=\"}\n",
      Json(b));
  Result<TimeZone> la = TimeZone::Load("America/Los_Angeles");
  ASSERT_TRUE(la.ok());
  JsonOptions opts;
  opts.time_zone = &*la;
  EXPECT_NE(std::string::npos, Json(b, opts).find("\"ts\":\"2024-03-05T02:00:00.000-08:00\""));
}

// Jackson writes non-finite doubles as quoted strings (QUOTE_NON_NUMERIC_NUMBERS).
TEST(JsonTest, NonFiniteDoublesAreQuoted) {
  SchemaPtr schema = MakeSchema({{"d", DataType::Double()}});
  Batch b = MakeBatch(schema, {{Value::Double(std::numeric_limits<double>::quiet_NaN())},
                               {Value::Double(std::numeric_limits<double>::infinity())},
                               {Value::Double(-std::numeric_limits<double>::infinity())},
                               {Value::Double(1e7)},
                               {Value::Double(-0.0)}});
  EXPECT_EQ(
      "{\"d\":\"NaN\"}\n"
      "{\"d\":\"Infinity\"}\n"
      "{\"d\":\"-Infinity\"}\n"
      "{\"d\":1.0E7}\n"
      "{\"d\":-0.0}\n",
      Json(b));
}

TEST(JsonTest, Base64) {
  SchemaPtr schema = MakeSchema({{"b", DataType::Binary()}});
  Batch b = MakeBatch(schema, {{Value::Binary("")},
                               {Value::Binary("M")},
                               {Value::Binary("Ma")},
                               {Value::Binary("Man")},
                               {Value::Binary("Many")},
                               {Value::Binary(std::string("\xff\xfe\xfd\x00", 4))}});
  EXPECT_EQ(
      "{\"b\":\"\"}\n"
      "{\"b\":\"TQ==\"}\n"
      "{\"b\":\"TWE=\"}\n"
      "{\"b\":\"TWFu\"}\n"
      "{\"b\":\"TWFueQ==\"}\n"
      "{\"b\":\"//79AA==\"}\n",
      Json(b));
}

TEST(JsonTest, NestedValues) {
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  SchemaPtr schema = MakeSchema({{"s", st},
                                 {"arr", DataType::Array(DataType::Int32())},
                                 {"m", DataType::Map(DataType::String(), DataType::Int64())},
                                 {"as", DataType::Array(st)}});
  Batch b = MakeBatch(
      schema,
      {{Value::Struct(st, {I32(1), NullOf(DataType::String())}),
        Value::Array(DataType::Int32(), {I32(1), NullOf(DataType::Int32()), I32(3)}),
        Value::Map(DataType::String(), DataType::Int64(),
                   {{Str("x"), I64(1)}, {Str("q\"k"), NullOf(DataType::Int64())}}),
        Value::Array(st,
                     {Value::Struct(st, {I32(2), Str("two")}), NullOf(st),
                      Value::Struct(st, {NullOf(DataType::Int32()), NullOf(DataType::String())})})},
       {NullOf(st), Value::Array(DataType::Int32(), {}),
        Value::Map(DataType::String(), DataType::Int64(), {}), NullOf(DataType::Array(st))}});
  // Null struct fields are left out (also nested); null array elements and map
  // values are written as null.
  EXPECT_EQ(
      "{\"s\":{\"a\":1},\"arr\":[1,null,3],\"m\":{\"x\":1,\"q\\\"k\":null},"
      "\"as\":[{\"a\":2,\"b\":\"two\"},null,{}]}\n"
      "{\"arr\":[],\"m\":{}}\n",
      Json(b));
  JsonOptions keep;
  keep.ignore_null_fields = false;
  EXPECT_EQ(
      "{\"s\":{\"a\":1,\"b\":null},\"arr\":[1,null,3],\"m\":{\"x\":1,\"q\\\"k\":null},"
      "\"as\":[{\"a\":2,\"b\":\"two\"},null,{\"a\":null,\"b\":null}]}\n"
      "{\"s\":null,\"arr\":[],\"m\":{},\"as\":null}\n",
      Json(b, keep));
}

TEST(JsonTest, MapWithNonStringKeys) {
  DataType mt = DataType::Map(DataType::Int32(), DataType::Array(DataType::String()));
  Batch b = MakeBatch(MakeSchema({{"m", mt}}),
                      {{Value::Map(DataType::Int32(), DataType::Array(DataType::String()),
                                   {{I32(1), Value::Array(DataType::String(), {Str("a")})},
                                    {I32(-2), NullOf(DataType::Array(DataType::String()))}})}});
  EXPECT_EQ("{\"m\":{\"1\":[\"a\"],\"-2\":null}}\n", Json(b));
}

// Jackson's escaping: \" \\ and the short forms \b \t \n \f \r; other control
// characters as \u00XX with upper-case hex; '/', DEL and non-ASCII as they are.
TEST(JsonTest, Escaping) {
  EXPECT_EQ("plain", Escaped("plain"));
  EXPECT_EQ("a\\\"b", Escaped("a\"b"));
  EXPECT_EQ("back\\\\slash", Escaped("back\\slash"));
  EXPECT_EQ("\\n\\r\\t\\b\\f", Escaped("\n\r\t\b\f"));
  EXPECT_EQ("\\u0000\\u0001\\u000B\\u001F", Escaped(std::string("\0\x01\x0b\x1f", 4)));
  EXPECT_EQ("/\x7f", Escaped("/\x7f"));
  EXPECT_EQ("héllo 你好", Escaped("héllo 你好"));
  EXPECT_EQ(" ", Escaped(" "));

  SchemaPtr schema = MakeSchema({{"we\"ird\n", DataType::String()}});
  Batch b = MakeBatch(schema, {{Str("line\none \"q\" \\ \x01")}});
  EXPECT_EQ("{\"we\\\"ird\\n\":\"line\\none \\\"q\\\" \\\\ \\u0001\"}\n", Json(b));
}

TEST(JsonTest, RespectsSelectionAndAppends) {
  Batch b = MakeBatch(IdName(), {{I64(1), Str("a")}, {I64(2), Str("b")}, {I64(3), Str("c")}})
                .Select(SelectionVector({1}));
  std::string out = "{}\n";
  AppendJsonLines(b, {}, &out);
  EXPECT_EQ("{}\n{\"id\":2,\"name\":\"b\"}\n", out);
}

}  // namespace
}  // namespace weir
