// formats::WriteCsv, the file sink's CSV writer, must write the bytes AppendCsv
// (types/render.h) writes for every batch: each test renders a batch both ways and
// compares, over the cells its fast paths handle differently (integers, booleans,
// dates and timestamps written digit by digit, the cached day and hour) and the
// quoting rules (separators, quotes, newlines, empty strings, quoteAll, nullValue).

#include "weir/formats/csv_writer.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/types/builder.h"
#include "weir/types/datetime.h"
#include "weir/types/render.h"

namespace weir {
namespace {

Batch MakeBatch(const SchemaPtr& schema, const std::vector<std::vector<Value>>& rows) {
  BatchBuilder b(schema);
  for (const auto& row : rows) EXPECT_TRUE(b.AppendRow(row).ok());
  Result<Batch> batch = b.Finish();
  EXPECT_TRUE(batch.ok()) << batch.status();
  return *std::move(batch);
}

// WriteCsv's text, checked against AppendCsv's, appended after some existing text.
std::string Both(const Batch& batch, const CsvOptions& options) {
  std::string want = "prefix\n", got = "prefix\n";
  Status a = AppendCsv(batch, options, &want);
  Status b = formats::WriteCsv(batch, options, &got);
  EXPECT_EQ(a.ToString(), b.ToString());
  EXPECT_EQ(want, got);
  return got;
}

SchemaPtr AllTypes() {
  return MakeSchema({{"b", DataType::Boolean()},
                     {"i", DataType::Int32()},
                     {"l", DataType::Int64()},
                     {"s", DataType::String()},
                     {"d", DataType::Date()},
                     {"t", DataType::Timestamp()},
                     {"x", DataType::Double()},
                     {"n", DataType::Null()}});
}

std::vector<std::vector<Value>> EdgeRows() {
  std::vector<std::vector<Value>> rows;
  const std::vector<int64_t> instants = {
      0,
      -1,
      1,
      999,
      -1000,
      TimestampFromCivilUtc(1969, 12, 31, 23, 59, 59, 999999),
      TimestampFromCivilUtc(1900, 3, 1, 0, 0, 0, 1500),
      TimestampFromCivilUtc(1800, 6, 1, 12, 34, 56),  // LMT: offsets with seconds
      TimestampFromCivilUtc(1, 1, 1, 0, 0, 0),
      TimestampFromCivilUtc(0, 2, 29, 12, 30, 0),
      TimestampFromCivilUtc(-44, 3, 15, 10, 0, 0),
      TimestampFromCivilUtc(9999, 12, 31, 23, 59, 59, 999999),
      TimestampFromCivilUtc(10000, 1, 1, 0, 0, 0),
      TimestampFromCivilUtc(2016, 3, 13, 9, 59, 59),  // US spring-forward (10:00 UTC)
      TimestampFromCivilUtc(2016, 3, 13, 10, 0, 0),
      TimestampFromCivilUtc(2016, 11, 6, 8, 30, 0),  // US fall-back (09:00 UTC)
      TimestampFromCivilUtc(2016, 11, 6, 9, 30, 0),
      TimestampFromCivilUtc(2016, 4, 8, 13, 5, 9, 123456),
      std::numeric_limits<int64_t>::max() / 4,
      std::numeric_limits<int64_t>::min() / 4,
  };
  const std::vector<std::string> strings = {
      "", "plain", "a,b", "say \"hi\"", "line\nbreak", "cr\r", "\xC3\xBC \xC3\xB1", "\"", ",",
      "  spaced  ",
      // Long values: a special character in the second word, the third, the tail, none.
      "sixteen bytes..,after", "twenty-four bytes long..\"x", "twenty-three bytes then\n",
      "a long value without any special character in it at all"};
  const std::vector<int32_t> days = {0, -1, 1, -719528, -719529, 2932896, 2932897, 19000, -100000};
  for (size_t k = 0; k < instants.size(); ++k) {
    rows.push_back({Value::Boolean(k % 2 == 0),
                    Value::Int32(k % 3 == 0 ? std::numeric_limits<int32_t>::min()
                                            : static_cast<int32_t>(k) * -7919),
                    Value::Int64(k % 4 == 0 ? std::numeric_limits<int64_t>::min()
                                            : static_cast<int64_t>(k) * 1000000007),
                    Value::String(strings[k % strings.size()]), Value::Date(days[k % days.size()]),
                    Value::Timestamp(instants[k]), Value::Double(k * 0.1 - 0.5),
                    Value::Null(DataType::Null())});
  }
  std::vector<Value> nulls;
  for (const Field& f : AllTypes()->fields()) nulls.push_back(Value::Null(f.type));
  rows.push_back(nulls);
  return rows;
}

TEST(CsvWriterTest, MatchesAppendCsvOnEdgeCells) {
  const Batch batch = MakeBatch(AllTypes(), EdgeRows());
  CsvOptions o;
  std::string text = Both(batch, o);
  // A few cells spelled out, so that both writers being wrong the same way shows.
  EXPECT_NE(std::string::npos, text.find("1969-12-31T23:59:59.999Z")) << text;
  EXPECT_NE(std::string::npos, text.find("+10000-01-01T00:00:00.000Z")) << text;
  EXPECT_NE(std::string::npos, text.find("-0044-03-15T10:00:00.000Z")) << text;
  EXPECT_NE(std::string::npos, text.find("\"say \\\"hi\\\"\"")) << text;
  EXPECT_NE(std::string::npos, text.find(",\"\",")) << text;  // the empty string
}

TEST(CsvWriterTest, MatchesAppendCsvWithOptions) {
  const Batch batch = MakeBatch(AllTypes(), EdgeRows());
  CsvOptions o;
  o.header = true;
  Both(batch, o);
  o.quote_all = true;
  Both(batch, o);
  o.quote_all = false;
  o.null_value = "\\N";
  o.empty_value = "<empty>";
  Both(batch, o);
  // Separators and quotes that occur inside numbers, dates and timestamps.
  for (char sep : {'-', ':', '.', '0', 'T', 'Z', 't', '\t', ';'}) {
    o.sep = sep;
    Both(batch, o);
  }
  o.sep = ',';
  for (char quote : {'1', '-', '\''}) {
    o.quote = quote;
    Both(batch, o);
  }
}

TEST(CsvWriterTest, MatchesAppendCsvInZones) {
  const Batch batch = MakeBatch(AllTypes(), EdgeRows());
  for (const char* name : {"America/Los_Angeles", "Asia/Kolkata", "+08:00", "-03:30",
                           "Australia/Lord_Howe", "Europe/Paris", "UTC"}) {
    Result<TimeZone> tz = TimeZone::Load(name);
    ASSERT_TRUE(tz.ok()) << name;
    CsvOptions o;
    o.time_zone = &*tz;
    std::string text = Both(batch, o);
    if (std::string(name) == "Asia/Kolkata") {
      EXPECT_NE(std::string::npos, text.find("2016-04-08T18:35:09.123+05:30")) << text;
    }
  }
}

// Many timestamps in order (the day and hour caches hit) and jumping around (they
// miss), in a zone with transitions, through a selection vector.
TEST(CsvWriterTest, MatchesAppendCsvOnManyRows) {
  SchemaPtr schema = MakeSchema({{"t", DataType::Timestamp()}, {"d", DataType::Date()}});
  std::mt19937_64 rng(42);
  std::vector<std::vector<Value>> rows;
  int64_t t = TimestampFromCivilUtc(2016, 3, 12, 0, 0, 0);
  for (int k = 0; k < 5000; ++k) {
    t += static_cast<int64_t>(rng() % (600 * kMicrosPerSecond));
    const int64_t v = k % 10 == 0 ? static_cast<int64_t>(rng() >> 4) - (int64_t{1} << 59) : t;
    rows.push_back(
        {Value::Timestamp(v), Value::Date(static_cast<int32_t>(rng() % 800000) - 400000)});
  }
  const Batch batch = MakeBatch(schema, rows);
  std::vector<uint32_t> picked;
  for (uint32_t i = 0; i < batch.num_rows(); i += 3) picked.push_back(i);
  const Batch selected = batch.Select(SelectionVector(picked));
  Result<TimeZone> la = TimeZone::Load("America/Los_Angeles");
  ASSERT_TRUE(la.ok());
  CsvOptions o;
  o.time_zone = &*la;
  Both(batch, o);
  Both(selected, o);
}

TEST(CsvWriterTest, RefusesTheTypesAppendCsvRefuses) {
  SchemaPtr schema = MakeSchema({{"a", DataType::Int32()}, {"bin", DataType::Binary()}});
  const Batch batch = MakeBatch(schema, {{Value::Int32(1), Value::Binary("x")}});
  std::string out = "kept";
  Status st = formats::WriteCsv(batch, CsvOptions(), &out);
  EXPECT_EQ(StatusCode::kUnsupported, st.code()) << st;
  EXPECT_NE(std::string::npos, st.ToString().find("column 'bin'")) << st;
  EXPECT_EQ("kept", out);
  Both(batch, CsvOptions());
}

}  // namespace
}  // namespace weir
