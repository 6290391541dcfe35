// hash, xxhash64, md5, sha1, sha2 and crc32 against values produced by Spark.
//
// Where each expected value comes from (cited per table):
//  [docs]    Spark 3.5 SQL function reference examples (hash.scala ExpressionDescription).
//  [pydocs]  PySpark's functions docstrings (python/pyspark/sql/functions/builtin.py).
//  [HES]     Spark's HashExpressionsSuite.scala (sql/catalyst/src/test).
//  [M3S]     Spark's Murmur3_x86_32Suite.java (common/unsafe/src/test).
//  [XXS]     Spark's XXH64Suite.java (sql/catalyst/src/test/java).
//  [velox]   Velox velox/functions/sparksql/tests/{HashTest,XxHash64Test}.cpp, whose
//            values were taken from spark-sql (`SELECT hash(...)`).
//  [cudf]    cudf cpp/tests/hashing/spark_murmurhash3_x86_32_test.cpp and
//            hash_test.cpp, values printed by the Spark shell snippets quoted there.
//  [rapids]  spark-rapids-jni HashTest.java, values derived from Apache Spark.
//  [comet]   DataFusion Comet spark_hash.rs tests, "generated with
//            Murmur3Hash(Seq(Literal(...)), 42).eval()" / XxHash64(...).eval().

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/functions/spark_hash.h"

#include "tests/unit/functions/function_test_util.h"

namespace weir {
namespace {

using spark_hash::IntervalHashing;
using testing::EvalColumns;
using testing::EvalLiterals;

Value B(bool v) { return Value::Boolean(v); }
Value I(int32_t v) { return Value::Int32(v); }
Value L(int64_t v) { return Value::Int64(v); }
Value D(double v) { return Value::Double(v); }
Value S(std::string v) { return Value::String(std::move(v)); }
Value Bin(std::string v) { return Value::Binary(std::move(v)); }
Value Dec(Int128 unscaled, int p, int s) { return Value::Decimal(unscaled, p, s); }
Value Null(DataType t) { return Value::Null(std::move(t)); }
Value Arr(DataType element, std::vector<Value> v) {
  return Value::Array(std::move(element), std::move(v));
}
// 10^n - 1 as an Int128 (n nines).
Int128 Nines(int n) { return PowerOfTen(n) - 1; }
// The signed int of a hash printed as unsigned 32 bits.
int32_t U32(uint32_t v) { return static_cast<int32_t>(v); }
int64_t U64(uint64_t v) { return static_cast<int64_t>(v); }

DataType ArrayOf(DataType t) { return DataType::Array(std::move(t)); }
DataType StructOf(std::vector<std::pair<std::string, DataType>> fields) {
  std::vector<Field> f;
  for (auto& [name, type] : fields) f.push_back({name, type, true});
  return DataType::Struct(std::move(f));
}

// hash(args...) / xxhash64(args...) over literals (the constant-folded path).
int32_t Murmur3(const std::vector<Value>& args) {
  Result<Value> r = EvalLiterals("hash", args);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->int32() : 0;
}
int64_t Xx64(const std::vector<Value>& args) {
  Result<Value> r = EvalLiterals("xxhash64", args);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->int64() : 0;
}

struct Case {
  const char* source;
  std::vector<Value> args;
  int64_t expected;
};

// Checks every case through literals and, one column per argument, through the
// column kernels (all rows and a selection; see EvalColumns).
void CheckCases(const char* function, const std::vector<Case>& cases) {
  const bool xx = std::strcmp(function, "xxhash64") == 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.source) + ": " + function + " of " +
                 (c.args.empty() ? "" : c.args[0].ToString()));
    int64_t got = xx ? Xx64(c.args) : Murmur3(c.args);
    EXPECT_EQ(c.expected, got);
    std::vector<std::pair<DataType, std::vector<Value>>> columns;
    for (const Value& v : c.args) columns.push_back({v.type(), {v, v}});
    Result<std::vector<Value>> r = EvalColumns(function, columns);
    ASSERT_TRUE(r.ok()) << r.status();
    Value want = xx ? L(c.expected) : I(static_cast<int32_t>(c.expected));
    EXPECT_EQ((std::vector<Value>{want, want}), *r);
  }
}

// ---- primitives ------------------------------------------------------------------

TEST(SparkHashPrimitivesTest, Murmur3KnownIntsAndLongs) {
  // [M3S] testKnownIntegerInputs / testKnownLongInputs, seed 0.
  EXPECT_EQ(593689054, spark_hash::Murmur3HashInt(0, 0));
  EXPECT_EQ(-189366624, spark_hash::Murmur3HashInt(-42, 0));
  EXPECT_EQ(-1134849565, spark_hash::Murmur3HashInt(42, 0));
  EXPECT_EQ(-1718298732, spark_hash::Murmur3HashInt(std::numeric_limits<int32_t>::min(), 0));
  EXPECT_EQ(-1653689534, spark_hash::Murmur3HashInt(std::numeric_limits<int32_t>::max(), 0));
  EXPECT_EQ(1669671676, spark_hash::Murmur3HashLong(0, 0));
  EXPECT_EQ(-846261623, spark_hash::Murmur3HashLong(-42, 0));
  EXPECT_EQ(1871679806, spark_hash::Murmur3HashLong(42, 0));
  EXPECT_EQ(1366273829, spark_hash::Murmur3HashLong(std::numeric_limits<int64_t>::min(), 0));
  EXPECT_EQ(-2106506049, spark_hash::Murmur3HashLong(std::numeric_limits<int64_t>::max(), 0));
  // [HES] SPARK-35113: a day-time interval (a long of micros) and a year-month
  // interval (an int of months) with seed 10.
  EXPECT_EQ(-428664612, spark_hash::Murmur3HashLong(1237123123LL * 1000000, 10));
  EXPECT_EQ(-686520021, spark_hash::Murmur3HashInt(1234, 10));
  EXPECT_EQ(8228802290839366895LL, spark_hash::XxHash64Long(1237123123LL * 1000000, 10));
  EXPECT_EQ(-1774215319882784110LL, spark_hash::XxHash64Int(1234, 10));
  // [HES] "Support TimeType": 23:50:59.123456 as nanoseconds of the day, seed 10.
  const int64_t time_nanos = ((23 * 3600 + 50 * 60 + 59) * 1000000LL + 123456) * 1000;
  EXPECT_EQ(545499634, spark_hash::Murmur3HashLong(time_nanos, 10));
  EXPECT_EQ(-3550518982366774761LL, spark_hash::XxHash64Long(time_nanos, 10));
}

TEST(SparkHashPrimitivesTest, Xxh64KnownVectors) {
  // [XXS] The xxHash sanity buffer: byte i is the top byte of PRIME^(2^i).
  constexpr int kSize = 101;
  constexpr uint64_t kPrime = 2654435761u;
  unsigned char buffer[kSize];
  uint64_t seed = kPrime;
  for (int i = 0; i < kSize; ++i) {
    buffer[i] = static_cast<unsigned char>(seed >> 24);
    seed *= seed;
  }
  const auto p = static_cast<int64_t>(kPrime);
  EXPECT_EQ(U64(0x9256E58AA397AEF1ull), spark_hash::XxHash64Int(0x4B1FFF9E, 0));
  EXPECT_EQ(U64(0x09D5FFDFB928AB4Bull), spark_hash::XxHash64Int(0x4B1FFF9E, p));
  EXPECT_EQ(U64(0xF74CB1451B32B8CFull), spark_hash::XxHash64Long(U64(0xDD2F535E4B1FFF9Eull), 0));
  EXPECT_EQ(U64(0x9C44B77FBCC302C5ull), spark_hash::XxHash64Long(U64(0xDD2F535E4B1FFF9Eull), p));
  struct {
    size_t length;
    uint64_t seed0, seed_prime;
  } cases[] = {{0, 0xEF46DB3751D8E999ull, 0xAC75FDA2929B17EFull},
               {1, 0x4FCE394CC88952D8ull, 0x739840CB819FA723ull},
               {4, 0x9256E58AA397AEF1ull, 0x09D5FFDFB928AB4Bull},
               {8, 0xF74CB1451B32B8CFull, 0x9C44B77FBCC302C5ull},
               {14, 0xCFFA8DB881BC3A3Dull, 0x5B9611585EFCC9CBull},
               {kSize, 0x0EAB543384F878ADull, 0xCAA65939306F1E21ull}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.length);
    EXPECT_EQ(U64(c.seed0), spark_hash::XxHash64Bytes(buffer, c.length, 0));
    EXPECT_EQ(U64(c.seed_prime), spark_hash::XxHash64Bytes(buffer, c.length, p));
  }
}

TEST(SparkHashPrimitivesTest, XxHash64Seeds) {
  // [velox] xxhash64_with_seed(seed, 42L): hashLong(42) under different seeds, as
  // [HES] SPARK-30633 exercises.
  EXPECT_EQ(-5379971487550586029LL, spark_hash::XxHash64Long(42, 0));
  EXPECT_EQ(-6671470883434376173LL,
            spark_hash::XxHash64Long(42, std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(4605443450566835086LL,
            spark_hash::XxHash64Long(42, std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(8765374525824963196LL, spark_hash::XxHash64Long(42, -2147483648LL - 1));
  EXPECT_EQ(8810073187160811495LL, spark_hash::XxHash64Long(42, 2147483647LL + 1));
}

TEST(SparkHashPrimitivesTest, JavaBigIntegerBytes) {
  auto bytes = [](Int128 v) {
    unsigned char out[16];
    int n = spark_hash::JavaBigIntegerBytes(v, out);
    return std::vector<int>(out, out + n);
  };
  EXPECT_EQ((std::vector<int>{0x00}), bytes(0));
  EXPECT_EQ((std::vector<int>{0x7f}), bytes(127));
  EXPECT_EQ((std::vector<int>{0x00, 0x80}), bytes(128));
  EXPECT_EQ((std::vector<int>{0xff}), bytes(-1));
  EXPECT_EQ((std::vector<int>{0x80}), bytes(-128));
  EXPECT_EQ((std::vector<int>{0xff, 0x7f}), bytes(-129));
  EXPECT_EQ(16u, bytes(Nines(38)).size());
  EXPECT_EQ(16u, bytes(-Nines(38)).size());
  EXPECT_EQ((std::vector<int>{0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
            bytes(static_cast<Int128>(static_cast<unsigned __int128>(1) << 127)));
}

// ---- hash() ----------------------------------------------------------------------

TEST(HashTest, DocumentedExamples) {
  CheckCases("hash",
             {
                 // [docs] SELECT hash('Spark', array(123), 2);
                 {"docs", {S("Spark"), Arr(DataType::Int32(), {I(123)}), I(2)}, -1321691492},
                 // [pydocs] hash('ABC'), hash('ABC', 'DEF').
                 {"pydocs", {S("ABC")}, -757602832},
                 {"pydocs", {S("ABC"), S("DEF")}, 599895104},
             });
}

TEST(HashTest, Strings) {
  const std::string hangul = "\xED\x9C\xA0\xED\x9C\xA1";  // U+D720 U+D721
  CheckCases(
      "hash",
      {
          // [HES] SPARK-52828, UTF8_BINARY rows (plain byte hashing).
          {"HES", {S("AAA")}, 22125783},
          {"HES", {S("AAA  ")}, 399014599},
          {"HES", {S("aaa")}, -1689629761},
          {"HES", {S("aaa   ")}, -1721438718},
          // [velox]
          {"velox", {S("Spark")}, 228093765},
          {"velox", {S("")}, 142593372},
          {"velox", {S("abcdefghijklmnopqrstuvwxyz")}, -1990933474},
          {"velox", {S("12345678")}, 2036199019},
          // [comet] lengths 1..5, and multi-byte UTF-8 whose tail bytes are negative.
          {"comet", {S("a")}, 1485273170},
          {"comet", {S("ab")}, U32(0xfa37157b)},
          {"comet", {S("abc")}, 1322437556},
          {"comet", {S("abcd")}, U32(0xe860e5cc)},
          {"comet", {S("abcde")}, 814637928},
          {"comet", {S("hello")}, U32(3286402344u)},
          {"comet", {S("bar")}, U32(2486176763u)},
          {"comet", {S("\xF0\x9F\x98\x81")}, 885025535},  // U+1F601
          {"comet",
           {S("\xE5\xA4\xA9\xE5\x9C\xB0")},
           U32(2395000894u)},  // 天地
                               // [cudf] MultiValueWithSeeds, strings column (up to 42 bytes).
          {"cudf", {S("The quick brown fox")}, 1217302703},
          {"cudf", {S("jumps over the lazy dog.")}, -715697185},
          {"cudf", {S("All work and no play makes Jack a dull boy")}, -2061143941},
          {"cudf", {S("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" + hangul)}, -111635966},
          // [rapids] testSpark32BitMurmur3HashStrings.
          {"rapids", {S("B\nc")}, 1709559900},
          {"rapids", {S("dE\"\xC4\x80\t\xC4\x81 " + hangul + "\\Fg2'")}, 1423943036},
          {"rapids",
           {S("A very long (greater than 128 bytes/char string) to test a multi hash-step data "
              "point "
              "in the MD5 hash function. This string needed to be longer.A 60 character string to "
              "test MD5's message padding algorithm")},
           176121990},
          {"rapids", {S("hiJ" + hangul + hangul)}, 1199621434},
          // BINARY hashes its bytes exactly like STRING.
          {"velox", {Bin("Spark")}, 228093765},
      });
}

TEST(HashTest, IntegersBooleansDatesTimestamps) {
  const int32_t imin = std::numeric_limits<int32_t>::min(),
                imax = std::numeric_limits<int32_t>::max();
  const int64_t lmin = std::numeric_limits<int64_t>::min(),
                lmax = std::numeric_limits<int64_t>::max();
  CheckCases(
      "hash",
      {
          // [velox] HashTest.Int32 / Int64 / Bool.
          {"velox", {I(U32(0xdeadbeef))}, 141248195},
          {"velox", {I(U32(0xcafecafe))}, 638354558},
          {"velox", {I(1)}, -559580957},
          {"velox", {I(0)}, 933211791},
          {"velox", {I(-1)}, -1604776387},
          {"velox", {L(U64(0xcafecafedeadbeefull))}, -256235155},
          {"velox", {L(U64(0xdeadbeefcafecafeull))}, 673261790},
          {"velox", {L(lmax)}, -1604625029},
          {"velox", {L(lmin)}, -853646085},
          {"velox", {L(1)}, -1712319331},
          {"velox", {L(0)}, -1670924195},
          {"velox", {L(-1)}, -939490007},
          {"velox", {B(false)}, 933211791},
          {"velox", {B(true)}, -559580957},
          // [cudf] ints / longs columns.
          {"cudf", {I(100)}, 751823303},
          {"cudf", {I(-100)}, -1080202046},
          {"cudf", {I(imin)}, 723455942},
          {"cudf", {I(imax)}, 133916647},
          {"cudf", {L(100)}, 1114849490},
          {"cudf", {L(-100)}, 904948192},
          // [cudf] dates are ints of days; [rapids] dates ±0x12345678.
          {"cudf", {Value::Date(0)}, 933211791},
          {"cudf", {Value::Date(100)}, 751823303},
          {"cudf", {Value::Date(imin / 100)}, -1906567553},
          {"cudf", {Value::Date(imax / 100)}, -1503850410},
          {"rapids", {Value::Date(0x12345678)}, -1721170160},
          {"rapids", {Value::Date(-0x12345678)}, 1852996993},
          // [velox] timestamp_micros(12345678); [cudf]/[rapids] timestamps are longs of micros.
          {"velox", {Value::Timestamp(12345678)}, 1402875301},
          {"cudf", {Value::Timestamp(-100)}, 904948192},
          {"cudf", {Value::Timestamp(lmin / 1000000)}, -1832979433},
          {"cudf", {Value::Timestamp(lmax / 1000000)}, 1752430209},
          {"rapids", {Value::Timestamp(0x123456789abcdefLL)}, 657182333},
          {"rapids", {Value::Timestamp(-0x123456789abcdefLL)}, -57193045},
      });
}

TEST(HashTest, Doubles) {
  const double inf = std::numeric_limits<double>::infinity();
  CheckCases(
      "hash",
      {
          // [velox] HashTest.Double: -0.0 hashes as 0.0 (SPARK-35207), NaN as the canonical NaN.
          {"velox", {D(-0.0)}, -1670924195},
          {"velox", {D(0.0)}, -1670924195},
          {"velox", {D(1.0)}, -460888942},
          {"velox", {D(std::numeric_limits<double>::quiet_NaN())}, -1281358385},
          {"velox", {D(inf)}, 833680482},
          {"velox", {D(-inf)}, 461104036},
          // [comet] test_f64.
          {"comet", {D(-1.0)}, U32(0x13d81357)},
          {"comet", {D(99999999999.99999999999)}, U32(0xb87e1595)},
          {"comet", {D(-99999999999.99999999999)}, U32(0xa0eef9f9)},
          // [cudf] doubles column: -NaN, lowest, max.
          {"cudf", {D(-std::numeric_limits<double>::quiet_NaN())}, -1281358385},
          {"cudf", {D(std::numeric_limits<double>::lowest())}, 1897734433},
          {"cudf", {D(std::numeric_limits<double>::max())}, -508695674},
      });
  // [rapids] every NaN bit pattern hashes as the canonical NaN.
  for (uint64_t bits : {0x7ff0000000000001ull, 0x7fffffffffffffffull, 0xfff0000000000001ull,
                        0xffffffffffffffffull}) {
    double nan;
    std::memcpy(&nan, &bits, sizeof(nan));
    EXPECT_EQ(-1281358385, Murmur3({D(nan)})) << std::hex << bits;
  }
}

TEST(HashTest, Decimals) {
  CheckCases("hash",
             {
                 // [cudf] decimal32 DECIMAL(9,3) and decimal64 DECIMAL(18,7): hashLong(unscaled).
                 {"cudf", {Dec(0, 9, 3)}, -1670924195},
                 {"cudf", {Dec(100, 9, 3)}, 1114849490},
                 {"cudf", {Dec(-999999999, 9, 3)}, -1454351396},
                 {"cudf", {Dec(999999999, 9, 3)}, -193774131},
                 {"rapids", {Dec(0x12345678, 9, 3)}, -958054811},
                 {"cudf", {Dec(-100, 18, 7)}, 904948192},
                 {"cudf", {Dec(-Nines(18), 18, 7)}, 1962370902},
                 {"cudf", {Dec(Nines(18), 18, 7)}, -1795328666},
                 // [cudf] decimal128 DECIMAL(38,11): hashUnsafeBytes of BigInteger.toByteArray.
                 {"cudf", {Dec(0, 38, 11)}, -783713497},
                 {"cudf", {Dec(100, 38, 11)}, -295670906},
                 {"cudf", {Dec(-1, 38, 11)}, 1398487324},
                 {"cudf", {Dec(-Nines(27), 38, 11)}, -52622807},
                 {"cudf", {Dec(Nines(37), 38, 11)}, -1359749815},
                 // [velox] HashTest.longDecimal, DECIMAL(38,0).
                 {"velox", {Dec(12345678, 38, 0)}, -277285195},
                 {"velox", {Dec(-12345678, 38, 0)}, -1198355617},
                 {"velox", {Dec(-Nines(38), 38, 0)}, 1400911110},
                 {"velox", {Dec(Nines(38), 38, 0)}, -817514053},
             });
}

TEST(HashTest, NullsLeaveTheRunningHash) {
  CheckCases(
      "hash",
      {
          // [velox] HashTest.StringInt32: NULL arguments are skipped.
          {"velox", {Null(DataType::String()), Null(DataType::Int32())}, 42},
          {"velox", {S(""), Null(DataType::Int32())}, 142593372},
          {"velox", {Null(DataType::String()), I(0)}, 933211791},
          {"velox", {S(""), I(0)}, 1143746540},
          // [rapids] testSpark32BitMurmur3HashInts: two INT columns.
          {"rapids", {I(0), I(0)}, 59727262},
          {"rapids", {I(100), Null(DataType::Int32())}, 751823303},
          {"rapids", {Null(DataType::Int32()), I(-100)}, -1080202046},
          {"rapids", {I(std::numeric_limits<int32_t>::min()), Null(DataType::Int32())}, 723455942},
          {"rapids", {Null(DataType::Int32()), I(std::numeric_limits<int32_t>::max())}, 133916647},
      });
  // hash(NULL) is the seed and never NULL.
  EXPECT_EQ(I(42), *EvalLiterals("hash", {Value()}));
  EXPECT_EQ(I(42), *EvalLiterals("hash", {Value(), Null(DataType::Double())}));
}

TEST(HashTest, Arrays) {
  const DataType ints = ArrayOf(DataType::Int32());
  const DataType longs = ArrayOf(DataType::Int64());
  const DataType nested = ArrayOf(ints);
  const Value ni = Null(DataType::Int32());
  const Value nl = Null(DataType::Int64());
  CheckCases(
      "hash",
      {
          // [velox] HashTest.array.
          {"velox", {Arr(DataType::Int64(), {L(1), L(2), L(3), L(4), L(5)})}, 2101165938},
          {"velox", {Arr(DataType::Int64(), {})}, 42},
          {"velox", {Arr(DataType::Int64(), {L(1), L(2), L(3)})}, 1045631400},
          {"velox", {Arr(DataType::Int32(), {I(1), ni})}, -559580957},
          {"velox", {Arr(DataType::Int32(), {ni, I(2)})}, 1765031574},
          {"velox", {Arr(DataType::Int32(), {ni})}, 42},
          {"velox",
           {Arr(longs, {Arr(DataType::Int64(), {L(1), nl, L(2), L(3)}),
                        Arr(DataType::Int64(), {L(4), L(5)})})},
           2101165938},
          {"velox",
           {Arr(longs, {Arr(DataType::Int64(), {L(1), nl, L(2), L(3)}),
                        Arr(DataType::Int64(), {L(6), L(7), L(8)})})},
           -992561130},
          {"velox", {Arr(longs, {Arr(DataType::Int64(), {})})}, 42},
          {"velox", {Arr(longs, {Arr(DataType::Int64(), {nl})})}, 42},
          {"velox", {Arr(longs, {Null(longs)})}, 42},
          // [cudf] ListValues: ARRAY<ARRAY<INT>>.
          {"cudf", {Null(nested)}, 42},
          {"cudf", {Arr(ints, {Null(ints)})}, 42},
          {"cudf", {Arr(ints, {Arr(DataType::Int32(), {I(1)})})}, -559580957},
          {"cudf", {Arr(ints, {Arr(DataType::Int32(), {I(1), I(2)})})}, -222940379},
          {"cudf", {Arr(ints, {Arr(DataType::Int32(), {I(1), I(2), I(3)})})}, -912918097},
          {"cudf",
           {Arr(ints, {Arr(DataType::Int32(), {I(1)}), Arr(DataType::Int32(), {ni, I(2), I(3)})})},
           -912918097},
          {"cudf",
           {Arr(ints, {Arr(DataType::Int32(), {I(1), I(2)}), Null(ints),
                       Arr(DataType::Int32(), {I(3)})})},
           -912918097},
          {"cudf",
           {Arr(ints, {Arr(DataType::Int32(), {I(1), I(2)}), Arr(DataType::Int32(), {I(3)}),
                       Arr(DataType::Int32(), {ni})})},
           -912918097},
      });
}

TEST(HashTest, Structs) {
  const DataType ll = StructOf({{"a", DataType::Int64()}, {"b", DataType::Int64()}});
  const DataType ii = StructOf({{"a", DataType::Int32()}, {"b", DataType::Int32()}});
  const DataType is = StructOf({{"a", DataType::Int32()}, {"b", DataType::String()}});
  const DataType arrays =
      StructOf({{"a", ArrayOf(DataType::Int32())}, {"b", ArrayOf(DataType::Int32())}});
  const Value nl = Null(DataType::Int64());
  const Value ni = Null(DataType::Int32());
  auto st = [](const DataType& t, std::vector<Value> v) { return Value::Struct(t, std::move(v)); };
  auto ia = [](std::vector<Value> v) { return Arr(DataType::Int32(), std::move(v)); };
  const Value null_ints = Null(ArrayOf(DataType::Int32()));
  CheckCases("hash",
             {
                 // [velox] HashTest.row.
                 {"velox", {st(ll, {L(1), L(2)})}, -1181176833},
                 {"velox", {st(ll, {L(3), L(4)})}, 1717636039},
                 {"velox", {st(ll, {L(1), nl})}, -1712319331},
                 {"velox", {st(ll, {nl, L(4)})}, 1344313940},
                 {"velox", {Null(ll)}, 42},
                 // [velox] array of rows.
                 {"velox",
                  {Arr(is, {st(is, {I(1), S("red")}), st(is, {I(2), S("blue")}),
                            st(is, {I(3), S("green")})})},
                  -1458343314},
                 {"velox",
                  {Arr(is, {st(is, {I(1), S("red")}), Null(is), st(is, {I(3), S("green")})})},
                  551500425},
                 {"velox", {Arr(is, {Null(is)})}, 42},
                 // [cudf] StructOfListValues.
                 {"cudf", {st(arrays, {ia({}), ia({})})}, 42},
                 {"cudf", {st(arrays, {ia({I(0)}), ia({I(0)})})}, 59727262},
                 {"cudf", {st(arrays, {ia({I(1), ni}), null_ints})}, -559580957},
                 {"cudf", {st(arrays, {ia({I(1), ni}), ia({})})}, -559580957},
                 {"cudf", {st(arrays, {ia({}), ia({ni, I(1)})})}, -559580957},
                 {"cudf", {st(arrays, {null_ints, ia({I(1)})})}, -559580957},
                 {"cudf", {st(arrays, {ia({I(2), I(3)}), ia({I(4), I(5)})})}, 170038658},
                 // [cudf] ListOfStructValues (values printed by Spark; cudf itself skips them).
                 {"cudf", {Arr(ii, {st(ii, {I(0), I(0)})})}, 59727262},
                 {"cudf", {Arr(ii, {Null(ii)})}, 42},
                 {"cudf", {Arr(ii, {st(ii, {ni, ni})})}, 42},
                 {"cudf", {Arr(ii, {st(ii, {I(1), ni})})}, -559580957},
                 {"cudf", {Arr(ii, {st(ii, {ni, I(1)}), st(ii, {I(2), I(3)})})}, -912918097},
                 {"cudf", {Arr(ii, {st(ii, {I(2), I(3)}), Null(ii)})}, 1092624418},
                 {"cudf", {Arr(ii, {st(ii, {I(2), I(3)}), st(ii, {I(4), I(5)})})}, 170038658},
             });
}

TEST(HashTest, MapArgumentsAreRefused) {
  // Spark 3.5 without spark.sql.legacy.allowHashOnMapType.
  Value m = Value::Map(DataType::Int64(), DataType::Double(), {{L(1), D(17.0)}});
  for (const char* fn : {"hash", "xxhash64"}) {
    auto r = EvalLiterals(fn, {I(1), Arr(m.type(), {m})});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
    EXPECT_NE(std::string::npos, r.status().message().find("DATATYPE_MISMATCH.HASH_MAP_TYPE"));
    EXPECT_NE(std::string::npos,
              r.status().message().find("cannot contain elements of the \"MAP\""));
  }
  auto none = FunctionRegistry::Builtins().Resolve("hash", {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(std::string::npos, none.status().message().find("WRONG_NUM_ARGS"));
}

// The kernels still hash maps (keys and values alternately), for callers that
// partition by them; checked directly against [velox]'s map cases.
TEST(HashTest, KernelsHashMaps) {
  auto hash_column = [](const DataType& type, const std::vector<Value>& values) {
    auto b = MakeBuilder(type);
    for (const Value& v : values) EXPECT_TRUE(b->AppendValue(v).ok());
    Datum d = Datum::Flat(b->Finish());
    RowSet rows(static_cast<int64_t>(values.size()));
    std::vector<int32_t> m(values.size());
    std::vector<int64_t> x(values.size());
    spark_hash::SparkMurmur3Hash(&d, 1, rows, 42, m.data());
    spark_hash::SparkXxHash64(&d, 1, rows, 42, x.data());
    return std::make_pair(m, x);
  };
  const DataType ld = DataType::Map(DataType::Int64(), DataType::Double());
  std::vector<std::pair<Value, Value>> entries;
  const std::pair<int64_t, double> kv[] = {{1, 17.0}, {2, 36.0}, {3, 8.0},
                                           {4, 28.0}, {5, 24.0}, {6, 32.0}};
  for (const auto& [k, v] : kv) entries.push_back({L(k), D(v)});
  auto [m1, x1] = hash_column(ld, {Value::Map(DataType::Int64(), DataType::Double(), entries)});
  EXPECT_EQ(std::vector<int32_t>{1263683448}, m1);
  EXPECT_EQ(std::vector<int64_t>{-6303587702533348160LL}, x1);

  const DataType ia = ArrayOf(DataType::Int32());
  auto im = [&](int k, std::vector<Value> v) {
    return Value::Map(DataType::Int32(), ia, {{I(k), Arr(DataType::Int32(), std::move(v))}});
  };
  auto [m2, x2] = hash_column(
      DataType::Map(DataType::Int32(), ia),
      {im(1, {I(1), I(2), I(3)}), im(2, {I(4), I(5), I(6)}), im(3, {I(7), I(8), I(9)})});
  EXPECT_EQ((std::vector<int32_t>{-1818148947, 529298908, 825098912}), m2);
  EXPECT_EQ(
      (std::vector<int64_t>{-2103781794412908874LL, 1112887818746642853LL, 5787852566364222439LL}),
      x2);

  const DataType la = ArrayOf(DataType::Int64());
  auto lm = [&](int64_t k, Value v) { return Value::Map(DataType::Int64(), la, {{L(k), v}}); };
  auto [m3, x3] = hash_column(
      DataType::Map(DataType::Int64(), la),
      {lm(1, Null(la)), lm(2, Arr(DataType::Int64(), {L(4), L(5), Null(DataType::Int64())})),
       lm(3, Arr(DataType::Int64(), {}))});
  EXPECT_EQ((std::vector<int32_t>{-1712319331, 2060637564, 519220707}), m3);
  EXPECT_EQ(
      (std::vector<int64_t>{-7001672635703045582LL, 7217681953522744649LL, 3188756510806108107LL}),
      x3);

  // [velox] array of maps: [{1: 'a', 2: NULL}, {3: 'c'}].
  const DataType ls = DataType::Map(DataType::Int64(), DataType::String());
  auto [m4, x4] =
      hash_column(ArrayOf(ls),
                  {Arr(ls, {Value::Map(DataType::Int64(), DataType::String(),
                                       {{L(1), S("a")}, {L(2), Null(DataType::String())}}),
                            Value::Map(DataType::Int64(), DataType::String(), {{L(3), S("c")}})})});
  EXPECT_EQ(std::vector<int32_t>{-718462205}, m4);
  EXPECT_EQ(std::vector<int64_t>{2880747995994395223LL}, x4);
}

TEST(HashTest, KernelSeedsAndSelections) {
  // [cudf] StringsWithSeed: the same strings under seed 314.
  const std::string hangul = "\xED\x9C\xA0\xED\x9C\xA1";
  auto sb = MakeBuilder(DataType::String());
  for (const char* s : {"", "The quick brown fox", "jumps over the lazy dog.",
                        "All work and no play makes Jack a dull boy"}) {
    ASSERT_TRUE(sb->AppendValue(S(s)).ok());
  }
  ASSERT_TRUE(sb->AppendValue(S("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" + hangul)).ok());
  Datum strings = Datum::Flat(sb->Finish());
  std::vector<int32_t> out(5, 0);
  spark_hash::SparkMurmur3Hash(&strings, 1, RowSet(5), 314, out.data());
  EXPECT_EQ((std::vector<int32_t>{1467149710, 723257560, -1620282500, -2001858707, 1588473657}),
            out);
  // Rows outside the set are left alone.
  std::vector<uint32_t> some = {1, 3};
  std::vector<int32_t> partial(5, 7);
  spark_hash::SparkMurmur3Hash(&strings, 1, RowSet(5, some), 314, partial.data());
  EXPECT_EQ((std::vector<int32_t>{7, 723257560, 7, -2001858707, 7}), partial);

  // [rapids] testSpark32BitMurmur3HashBools: two BOOLEAN columns, seed 0; and
  // testXXHash64Bools with seed 42.
  auto bools = [](std::vector<Value> v) {
    auto b = MakeBuilder(DataType::Boolean());
    for (const Value& x : v) EXPECT_TRUE(b->AppendValue(x).ok());
    return Datum::Flat(b->Finish());
  };
  const Value nb = Null(DataType::Boolean());
  Datum cols[2] = {bools({nb, B(true), B(false), B(true), nb, B(false)}),
                   bools({nb, B(true), B(false), nb, B(false), B(true)})};
  std::vector<int32_t> m(6);
  spark_hash::SparkMurmur3Hash(cols, 2, RowSet(6), 0, m.data());
  EXPECT_EQ((std::vector<int32_t>{0, -1589400010, -239939054, -68075478, 593689054, -1194558265}),
            m);
  std::vector<int64_t> x(6);
  spark_hash::SparkXxHash64(cols, 2, RowSet(6), 42, x.data());
  EXPECT_EQ(
      (std::vector<int64_t>{42, 9083826852238114423LL, 1151812168208346021LL,
                            -6698625589789238999LL, 3614696996920510707LL, 7945966957015589024LL}),
      x);
}

TEST(HashTest, ColumnsWithNullsAndConstants) {
  // hash(c0, 'x', c1) and xxhash64(c0, 'x', c1) over 300 rows with NULLs in both
  // columns and a literal in the middle (a constant datum): every row equals the
  // hash of its own literals.
  std::vector<Value> c0, c1;
  for (int i = 0; i < 300; ++i) {
    c0.push_back(i % 7 == 0 ? Null(DataType::Int64()) : L(i * 1000003LL - 5));
    c1.push_back(i % 5 == 0 ? Null(DataType::String())
                            : S(std::string(static_cast<size_t>(i % 19), 'q')));
  }
  std::vector<ColumnPtr> cols;
  for (const auto& [type, values] :
       {std::pair{DataType::Int64(), c0}, std::pair{DataType::String(), c1}}) {
    auto b = MakeBuilder(type);
    for (const Value& v : values) ASSERT_TRUE(b->AppendValue(v).ok());
    cols.push_back(b->Finish());
  }
  SchemaPtr schema =
      MakeSchema({{"c0", DataType::Int64(), true}, {"c1", DataType::String(), true}});
  Result<Batch> batch = Batch::Make(schema, cols);
  ASSERT_TRUE(batch.ok()) << batch.status();
  for (const char* fn : {"hash", "xxhash64"}) {
    auto call = FunctionRegistry::Builtins().Resolve(
        fn, {ColumnRef(*schema, 0), Literal(S("x")), ColumnRef(*schema, 1)});
    ASSERT_TRUE(call.ok()) << call.status();
    EXPECT_FALSE((*call)->nullable());
    EvalOptions options;
    EvalContext ctx(options);
    Result<ColumnPtr> out = EvaluateColumn(**call, ctx, *batch);
    ASSERT_TRUE(out.ok()) << out.status();
    for (size_t i = 0; i < c0.size(); ++i) {
      Value want = std::strcmp(fn, "hash") == 0 ? I(Murmur3({c0[i], S("x"), c1[i]}))
                                                : L(Xx64({c0[i], S("x"), c1[i]}));
      EXPECT_EQ(want, GetValue(**out, static_cast<int64_t>(i))) << fn << " row " << i;
    }
  }
}

TEST(HashTest, IntervalsFollowSparkCodegenOverColumnsAndInterpretedWhenFolded) {
  // Spark 3.5 hashes a CalendarInterval as hashInt(months, hashLong(micros)) in
  // generated code (columns), but interpreted evaluation (constant folding) also
  // folds in days. See spark_hash::IntervalHashing.
  const Interval iv{14, 3, 7200000000LL};
  const Value v = Value::IntervalValue(iv);
  const int32_t codegen =
      spark_hash::Murmur3HashInt(iv.months, spark_hash::Murmur3HashLong(iv.micros, 42));
  const int32_t interpreted = spark_hash::Murmur3HashInt(
      iv.months, spark_hash::Murmur3HashInt(iv.days, spark_hash::Murmur3HashLong(iv.micros, 42)));
  EXPECT_EQ(interpreted, Murmur3({v}));
  auto r = EvalColumns("hash", {{DataType::Interval(), {v}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(I(codegen), (*r)[0]);
  const int64_t xx_codegen =
      spark_hash::XxHash64Int(iv.months, spark_hash::XxHash64Long(iv.micros, 42));
  auto rx = EvalColumns("xxhash64", {{DataType::Interval(), {v}}});
  ASSERT_TRUE(rx.ok()) << rx.status();
  EXPECT_EQ(L(xx_codegen), (*rx)[0]);
}

// ---- xxhash64() --------------------------------------------------------------------

TEST(XxHash64Test, DocumentedExamples) {
  CheckCases(
      "xxhash64",
      {
          // [docs] SELECT xxhash64('Spark', array(123), 2);
          {"docs", {S("Spark"), Arr(DataType::Int32(), {I(123)}), I(2)}, 5602566077635097486LL},
          // [pydocs] xxhash64('ABC'), xxhash64('ABC', 'DEF').
          {"pydocs", {S("ABC")}, 4105715581806190027LL},
          {"pydocs", {S("ABC"), S("DEF")}, 3233247871021311208LL},
      });
}

TEST(XxHash64Test, Strings) {
  const std::string hangul = "\xED\x9C\xA0\xED\x9C\xA1";
  CheckCases(
      "xxhash64",
      {
          // [HES] SPARK-52828, UTF8_BINARY rows.
          {"HES", {S("AAA")}, 3965631622972380050LL},
          {"HES", {S("AAA  ")}, 196039582279068044LL},
          {"HES", {S("aaa")}, 2465751751477118478LL},
          {"HES", {S("aaa   ")}, -2249763606958050730LL},
          // [velox] "obtained by running SELECT xxhash64(...) using spark-sql CLI".
          {"velox", {S("Spark")}, -4294468057691064905LL},
          {"velox", {S("")}, -7444071767201028348LL},
          {"velox", {S("abcdefghijklmnopqrstuvwxyz")}, -3265757659154784300LL},
          {"velox", {S("12345678")}, 6863040065134489090LL},
          {"velox", {S("12345678djdejidecjjeijcneknceincne")}, -633855189410948723LL},
          {"velox", {S("hello"), S("world")}, 7824066149349576922LL},
          {"velox", {S("hello"), Null(DataType::String())}, -4367754540140381902LL},
          {"velox", {S("hello"), S("")}, -5179011742163812830LL},
          // [comet] test_str.
          {"comet", {S("bar")}, U64(0xe7097b6a54378d8aull)},
          {"comet", {S("\xF0\x9F\x98\x81")}, U64(0xa80d9d5a6a523bd5ull)},
          {"comet", {S("\xE5\xA4\xA9\xE5\x9C\xB0")}, U64(0xfcba5f61ac666c61ull)},
          {"comet", {S("a")}, U64(0x88e4fe59adf7b0ccull)},
          {"comet", {S("ab")}, U64(0x259dd873209a3fe3ull)},
          {"comet", {S("abc")}, U64(0x13c1d910702770e6ull)},
          {"comet", {S("abcd")}, U64(0xa17b5eb5dc364dffull)},
          {"comet", {S("abcde")}, U64(0xf241303e4a90f299ull)},
          // [rapids] testXXHash64Strings.
          {"rapids", {S("B\nc")}, 2221214721321197934LL},
          {"rapids", {S("dE\"\xC4\x80\t\xC4\x81 " + hangul + "\\Fg2'")}, 5798966295358745941LL},
          {"rapids",
           {S("A very long (greater than 128 bytes/char string) to test a multi hash-step data "
              "point "
              "in the MD5 hash function. This string needed to be longer.A 60 character string to "
              "test MD5's message padding algorithm")},
           -4834097201550955483LL},
          {"rapids", {S("hiJ" + hangul + hangul)}, -3782648123388245694LL},
          {"velox", {Bin("Spark")}, -4294468057691064905LL},
      });
}

TEST(XxHash64Test, NumbersDatesTimestamps) {
  const double inf = std::numeric_limits<double>::infinity();
  const int64_t lmin = std::numeric_limits<int64_t>::min(),
                lmax = std::numeric_limits<int64_t>::max();
  CheckCases("xxhash64",
             {
                 // [velox] XxHash64Test.int64 / int32 / bool / double.
                 {"velox", {L(U64(0xcafecafedeadbeefull))}, -6259772178006417012LL},
                 {"velox", {L(U64(0xdeadbeefcafecafeull))}, -1700188678616701932LL},
                 {"velox", {L(lmax)}, -3246596055638297850LL},
                 {"velox", {L(lmin)}, -8619748838626508300LL},
                 {"velox", {L(1)}, -7001672635703045582LL},
                 {"velox", {L(0)}, -5252525462095825812LL},
                 {"velox", {L(-1)}, 3858142552250413010LL},
                 {"velox", {I(U32(0xdeadbeef))}, -8041005359684616715LL},
                 {"velox", {I(U32(0xcafecafe))}, 3599843564351570672LL},
                 {"velox", {I(1)}, -6698625589789238999LL},
                 {"velox", {I(0)}, 3614696996920510707LL},
                 {"velox", {I(-1)}, 2017008487422258757LL},
                 {"velox", {B(false)}, 3614696996920510707LL},
                 {"velox", {B(true)}, -6698625589789238999LL},
                 {"velox", {D(-0.0)}, -5252525462095825812LL},
                 {"velox", {D(1.0)}, -2162451265447482029LL},
                 {"velox", {D(std::numeric_limits<double>::quiet_NaN())}, -3127944061524951246LL},
                 {"velox", {D(inf)}, 5810986238603807492LL},
                 {"velox", {D(-inf)}, 5326262080505358431LL},
                 {"velox", {Value::Timestamp(12345678)}, 782671362992292307LL},
                 // [rapids] doubles, timestamps and dates.
                 {"rapids", {D(100.0)}, -7996023612001835843LL},
                 {"rapids", {D(-100.0)}, 5695175288042369293LL},
                 {"rapids", {D(std::numeric_limits<double>::min())}, 6181148431538304986LL},
                 {"rapids", {D(std::numeric_limits<double>::max())}, -4222314252576420879LL},
                 {"rapids", {Value::Timestamp(100)}, 8713583529807266080LL},
                 {"rapids", {Value::Timestamp(-0x123456789abcdefLL)}, -1318946533059658749LL},
                 {"rapids", {Value::Date(0x12345678)}, 6954428822481665164LL},
                 {"rapids", {Value::Date(-0x12345678)}, -4294222333805341278LL},
                 // [comet] test_f64.
                 {"comet", {D(-1.0)}, U64(0x8cdde022746f8f1full)},
                 {"comet", {D(99999999999.99999999999)}, U64(0x793c5c88d313eac7ull)},
                 // [rapids] testXXHash64Ints: two INT columns with NULLs.
                 {"rapids", {I(0), I(0)}, 1151812168208346021LL},
                 {"rapids", {I(100), Null(DataType::Int32())}, -7987742665087449293LL},
                 {"rapids", {Null(DataType::Int32()), I(-100)}, 8990748234399402673LL},
                 {"rapids", {Null(DataType::Int32()), Null(DataType::Int32())}, 42},
                 {"rapids",
                  {I(std::numeric_limits<int32_t>::min()), Null(DataType::Int32())},
                  2073849959933241805LL},
                 {"rapids",
                  {Null(DataType::Int32()), I(std::numeric_limits<int32_t>::max())},
                  1508894993788531228LL},
                 // [velox] varcharInt32.
                 {"velox", {S(""), I(0)}, 5333022629466737987LL},
                 // [rapids] testXXHash64Decimal64: DECIMAL(p <= 18) is hashLong(unscaled).
                 {"rapids", {Dec(100, 18, 7)}, 8713583529807266080LL},
                 {"rapids", {Dec(-0x123456789abcdefLL, 18, 7)}, -1318946533059658749LL},
                 // [velox] XxHash64Test.longDecimal, DECIMAL(38,0).
                 {"velox", {Dec(12345678, 38, 0)}, 4541350547708072824LL},
                 {"velox", {Dec(0, 38, 0)}, -8959994473701255385LL},
                 {"velox", {Dec(-Nines(38), 38, 0)}, -2254039905620870768LL},
                 {"velox", {Dec(Nines(38), 38, 0)}, -47190729175993179LL},
                 {"velox", {Dec(-12345678, 38, 0)}, -7692719129258511951LL},
             });
}

TEST(XxHash64Test, NestedTypes) {
  const DataType longs = ArrayOf(DataType::Int64());
  const DataType ll = StructOf({{"a", DataType::Int64()}, {"b", DataType::Int64()}});
  const DataType is = StructOf({{"a", DataType::Int32()}, {"b", DataType::String()}});
  const Value nl = Null(DataType::Int64());
  const Value ni = Null(DataType::Int32());
  auto st = [](const DataType& t, std::vector<Value> v) { return Value::Struct(t, std::move(v)); };
  CheckCases("xxhash64",
             {
                 // [velox] XxHash64Test.array / row.
                 {"velox",
                  {Arr(DataType::Int64(), {L(1), L(2), L(3), L(4), L(5)})},
                  -6041664978295882827LL},
                 {"velox", {Arr(DataType::Int64(), {})}, 42},
                 {"velox", {Arr(DataType::Int64(), {L(1), L(2), L(3)})}, 4904562767517797033LL},
                 {"velox", {Arr(DataType::Int32(), {I(1), ni})}, -6698625589789238999LL},
                 {"velox", {Arr(DataType::Int32(), {ni, I(2)})}, 8420071140774656230LL},
                 {"velox",
                  {Arr(longs, {Arr(DataType::Int64(), {L(1), nl, L(2), L(3)}),
                               Arr(DataType::Int64(), {L(6), L(7), L(8)})})},
                  -1052942565807509112LL},
                 {"velox", {Arr(longs, {Null(longs)})}, 42},
                 {"velox",
                  {Arr(is, {st(is, {I(1), S("red")}), st(is, {I(2), S("blue")}),
                            st(is, {I(3), S("green")})})},
                  -4096178443626566478LL},
                 {"velox",
                  {Arr(is, {st(is, {I(1), S("red")}), Null(is), st(is, {I(3), S("green")})})},
                  -8973283971856715104LL},
                 {"velox", {st(ll, {L(1), L(2)})}, -8198029865082835910LL},
                 {"velox", {st(ll, {L(3), L(4)})}, 351067884137457704LL},
                 {"velox", {st(ll, {nl, L(4)})}, 404280023041566627LL},
                 {"velox", {Null(ll)}, 42},
             });
}

// ---- md5, sha1, sha2, crc32 --------------------------------------------------------------

TEST(DigestTest, Md5Sha1) {
  const std::string bytes6 = std::string("\x01\x02\x03\x04\x05\x06", 6);
  // [docs] md5('Spark'), sha1('Spark'); [HES] "ABC", bytes 1..6, "".
  EXPECT_EQ(S("8cde774d6f7333752ed72cacddb05126"), *EvalLiterals("md5", {S("Spark")}));
  EXPECT_EQ(S("902fbdd2b1df0c4f70b4a5d23525e932"), *EvalLiterals("md5", {Bin("ABC")}));
  EXPECT_EQ(S("6ac1e56bc78f031059be7be854522c4c"), *EvalLiterals("md5", {Bin(bytes6)}));
  EXPECT_EQ(Null(DataType::String()), *EvalLiterals("md5", {Null(DataType::Binary())}));
  EXPECT_EQ(S("85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c"), *EvalLiterals("sha1", {S("Spark")}));
  EXPECT_EQ(S("3c01bdbb26f358bab27f267924aa2c9a03fcfdb8"), *EvalLiterals("sha1", {Bin("ABC")}));
  EXPECT_EQ(S("5d211bad8f4ee70e16c7d343a838fc344a1ed961"), *EvalLiterals("sha1", {Bin(bytes6)}));
  EXPECT_EQ(S("da39a3ee5e6b4b0d3255bfef95601890afd80709"), *EvalLiterals("sha", {Bin("")}));
  EXPECT_EQ(Null(DataType::String()), *EvalLiterals("sha1", {Value()}));
}

TEST(DigestTest, Sha2) {
  const std::string bytes6 = std::string("\x01\x02\x03\x04\x05\x06", 6);
  // [docs] sha2('Spark', 256).
  EXPECT_EQ(S("529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b"),
            *EvalLiterals("sha2", {S("Spark"), I(256)}));
  // [HES] "sha2".
  EXPECT_EQ(S("107c5072b799c4771f328304cfe1ebb375eb6ea7f35a3aa753836fad"),
            *EvalLiterals("sha2", {Bin("ABC"), I(224)}));
  EXPECT_EQ(S("b5d4045c3f466fa91fe2cc6abe79232a1a57cdf104f7a26e716e0a1e2789df78"),
            *EvalLiterals("sha2", {Bin("ABC"), I(0)}));
  EXPECT_EQ(S("b5d4045c3f466fa91fe2cc6abe79232a1a57cdf104f7a26e716e0a1e2789df78"),
            *EvalLiterals("sha2", {Bin("ABC"), I(256)}));
  EXPECT_EQ(S("557cfe660c753b830efa61528fc350ef384a7a4b9d3467c6230049bc59548eb8"
              "a404874baff89cb0f9bd18400829fdc2"),
            *EvalLiterals("sha2", {Bin(bytes6), I(384)}));
  EXPECT_EQ(S("397118fdac8d83ad98813c50759c85b8c47565d8268bf10da483153b747a7474"
              "3a58a90e85aa9f705ce6984ffc128db567489817e4092d050d8a1cc596ddc119"),
            *EvalLiterals("sha2", {Bin("ABC"), I(512)}));
  EXPECT_EQ(Null(DataType::String()), *EvalLiterals("sha2", {Bin("ABC"), I(1024)}));
  EXPECT_EQ(Null(DataType::String()), *EvalLiterals("sha2", {Null(DataType::Binary()), I(512)}));
  EXPECT_EQ(Null(DataType::String()), *EvalLiterals("sha2", {Bin("ABC"), Null(DataType::Int32())}));
  // [pydocs] sha2(name, 256) over a column, with a bit length per row.
  auto r = EvalColumns(
      "sha2", {{DataType::String(), {S("Alice"), S("Bob"), S("Bob"), Null(DataType::String())}},
               {DataType::Int32(), {I(256), I(256), I(100), I(256)}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(
      (std::vector<Value>{S("3bc51062973c458d5a6f2d8d64a023246354ad7e064b1e4e009ec8a0699a3043"),
                          S("cd9fb1e148ccd8442e5aa74904cc73bf6fb54d1d54d333bd596aa9bb4bb4e961"),
                          Null(DataType::String()), Null(DataType::String())}),
      *r);
}

TEST(DigestTest, Crc32) {
  // [docs] crc32('Spark'); [HES] "ABC" and bytes 1..6.
  EXPECT_EQ(L(1557323817), *EvalLiterals("crc32", {S("Spark")}));
  EXPECT_EQ(L(2743272264LL), *EvalLiterals("crc32", {Bin("ABC")}));
  EXPECT_EQ(L(2180413220LL),
            *EvalLiterals("crc32", {Bin(std::string("\x01\x02\x03\x04\x05\x06", 6))}));
  EXPECT_EQ(L(0), *EvalLiterals("crc32", {S("")}));
  EXPECT_EQ(Null(DataType::Int64()), *EvalLiterals("crc32", {Null(DataType::Binary())}));
  auto r = EvalColumns("crc32",
                       {{DataType::String(), {S("Spark"), Null(DataType::String()), S("ABC")}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{L(1557323817), Null(DataType::Int64()), L(2743272264LL)}), *r);
}

TEST(DigestTest, DigestsOverColumnsWithLongValues) {
  std::vector<Value> in, md5s;
  for (int i = 0; i < 40; ++i) {
    in.push_back(i % 9 == 0 ? Null(DataType::String())
                            : S(std::string(static_cast<size_t>(i * 7), 'z')));
  }
  auto r = EvalColumns("md5", {{DataType::String(), in}});
  ASSERT_TRUE(r.ok()) << r.status();
  for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(*EvalLiterals("md5", {in[i]}), (*r)[i]) << i;
}

TEST(DigestTest, OnlyStringsAndBinariesAreAccepted) {
  // Spark: ImplicitCastInputTypes casts STRING (not INT) to BINARY.
  auto r = EvalLiterals("md5", {I(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
  EXPECT_NE(std::string::npos,
            r.status().message().find("Parameter 1 requires the \"BINARY\" type, however \"1\" "
                                      "has the type \"INT\""));
  auto r2 = EvalLiterals("sha2", {S("x"), Arr(DataType::Int32(), {})});
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(std::string::npos, r2.status().message().find("Parameter 2 requires the \"INT\" type"));
  // A BIGINT bit length is cast to INT, as Spark's implicit cast does.
  EXPECT_EQ(S("529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b"),
            *EvalLiterals("sha2", {S("Spark"), L(256)}));
}

}  // namespace
}  // namespace weir
