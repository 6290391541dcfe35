// base64, unbase64, hex, unhex, bin, encode, decode (both forms), uuid. Cases cite
// the Spark 3.5 SQL function reference example ("docs: SELECT ...") or the Java
// behaviour Spark inherits (java.util.Base64 MIME coder, Long.toHexString,
// String.getBytes / new String(bytes, charset)).

#include <set>

#include <gtest/gtest.h>

#include "tests/unit/functions/string_test_util.h"

namespace weir {
namespace {

using namespace weir::testing;  // NOLINT: test helpers

const std::string kE = "\xC3\xA9";
const std::string kSmile = "\xF0\x9F\x98\x80";

TEST(EncodingFunctionsTest, Base64) {
  const std::string sixty(60, 'a');
  std::string chunked;
  for (int k = 0; k < 20; ++k) chunked += "YWFh";
  chunked = chunked.substr(0, 76) + "\r\n" + chunked.substr(76);
  RunCases({
      {"docs: SELECT base64('Spark SQL') -> U3BhcmsgU1FM",
       "base64",
       {S("Spark SQL")},
       S("U3BhcmsgU1FM")},
      {"docs: SELECT base64(x'537061726b2053514c') -> U3BhcmsgU1FM",
       "base64",
       {Bin("Spark SQL")},
       S("U3BhcmsgU1FM")},
      {"Base64: padding", "base64", {S("ab")}, S("YWI=")},
      {"Base64: ''", "base64", {S("")}, S("")},
      {"Base64: MIME lines of 76 characters joined by CRLF (Spark 3.5 default)",
       "base64",
       {S(sixty)},
       S(chunked)},
      {"Base64: NULL", "base64", {NullBin()}, NullStr()},
      {"docs: SELECT unbase64('U3BhcmsgU1FM') -> Spark SQL",
       "unbase64",
       {S("U3BhcmsgU1FM")},
       Bin("Spark SQL")},
      {"MIME decoder: line breaks and other non-alphabet characters are skipped",
       "unbase64",
       {S("U3Bh\r\ncmsg*U1FM")},
       Bin("Spark SQL")},
      {"MIME decoder: padding", "unbase64", {S("YWI=")}, Bin("ab")},
      {"MIME decoder: missing padding is fine", "unbase64", {S("YWI")}, Bin("ab")},
      {"unbase64: a chunked base64 round-trips", "unbase64", {S(chunked)}, Bin(sixty)},
      {"unbase64: NULL", "unbase64", {NullStr()}, NullBin()},
  });
  RunErrorCase({"MIME decoder: a dangling character is an error (Java throws)",
                "unbase64",
                {S("YWJjZ")},
                StatusCode::kInvalidInput,
                {"Last unit does not have enough valid bits", "'YWJjZ'"}});
  RunErrorCase({"MIME decoder: data after the padding",
                "unbase64",
                {S("YQ==YQ")},
                StatusCode::kInvalidInput,
                {"incorrect ending byte"}});
}

TEST(EncodingFunctionsTest, HexUnhexBin) {
  RunCases({
      {"docs: SELECT hex(17) -> 11", "hex", {I(17)}, S("11")},
      {"docs: SELECT hex('Spark SQL') -> 537061726B2053514C",
       "hex",
       {S("Spark SQL")},
       S("537061726B2053514C")},
      {"Hex: Long.toHexString of a negative BIGINT", "hex", {L(-1)}, S("FFFFFFFFFFFFFFFF")},
      {"Hex: 0", "hex", {L(0)}, S("0")},
      {"Hex: BINARY", "hex", {Bin("\x01\xab")}, S("01AB")},
      {"Hex: a DOUBLE is cast to BIGINT", "hex", {D(17.9)}, S("11")},
      {"Hex: BOOLEAN is cast to STRING", "hex", {Value::Boolean(true)}, S("74727565")},
      {"Hex: UTF-8 bytes of a string", "hex", {S(kE)}, S("C3A9")},
      {"Hex: NULL", "hex", {Value()}, NullStr()},
      {"docs: SELECT decode(unhex('537061726B2053514C'), 'UTF-8') -> Spark SQL (unhex part)",
       "unhex",
       {S("537061726B2053514C")},
       Bin("Spark SQL")},
      {"Unhex: lower-case digits", "unhex", {S("c3a9")}, Bin(kE)},
      {"Unhex: an odd length reads a leading 0", "unhex", {S("123")}, Bin("\x01\x23")},
      {"Unhex: a non-hex character -> NULL", "unhex", {S("12G4")}, NullBin()},
      {"Unhex: ''", "unhex", {S("")}, Bin("")},
      {"docs: SELECT bin(13) -> 1101", "bin", {I(13)}, S("1101")},
      {"docs: SELECT bin(-13) -> 64-bit two's complement",
       "bin",
       {I(-13)},
       S("1111111111111111111111111111111111111111111111111111111111110011")},
      {"docs: SELECT bin(13.3) -> 1101", "bin", {D(13.3)}, S("1101")},
      {"Bin: 0", "bin", {I(0)}, S("0")},
      {"Bin: a STRING is cast to BIGINT", "bin", {S("5")}, S("101")},
  });
}

TEST(EncodingFunctionsTest, EncodeDecode) {
  RunCases({
      {"docs: SELECT encode('abc', 'utf-8') -> abc", "encode", {S("abc"), S("utf-8")}, Bin("abc")},
      {"docs: SELECT decode(encode('abc', 'utf-8'), 'utf-8') -> abc",
       "decode",
       {Bin("abc"), S("utf-8")},
       S("abc")},
      {"Encode: charset names are case-insensitive", "encode", {S(kE), S("UTF-8")}, Bin(kE)},
      {"Encode: the Java alias 'utf8'", "encode", {S(kE), S("utf8")}, Bin(kE)},
      {"Encode: ISO-8859-1", "encode", {S("caf" + kE), S("ISO-8859-1")}, Bin("caf\xE9")},
      {"Encode: unmappable characters become '?'",
       "encode",
       {S("a" + kSmile + kE), S("US-ASCII")},
       Bin("a??")},
      {"Encode: UTF-16 writes a big-endian BOM",
       "encode",
       {S("A"), S("UTF-16")},
       Bin(std::string("\xFE\xFF\x00\x41", 4))},
      {"Encode: UTF-16LE surrogate pair",
       "encode",
       {S(kSmile), S("UTF-16LE")},
       Bin(std::string("\x3D\xD8\x00\xDE", 4))},
      {"Encode: UTF-16BE", "encode", {S(kE), S("utf-16be")}, Bin(std::string("\x00\xE9", 2))},
      {"Encode: NULL charset", "encode", {S("a"), NullStr()}, NullBin()},
      {"Decode: ISO-8859-1 bytes", "decode", {Bin("caf\xE9"), S("latin1")}, S("caf" + kE)},
      {"Decode: malformed UTF-8 becomes U+FFFD",
       "decode",
       {Bin("a\xFF"
            "b"),
        S("UTF-8")},
       S("a\xEF\xBF\xBD"
         "b")},
      {"Decode: bytes above 0x7F in US-ASCII become U+FFFD",
       "decode",
       {Bin("a\xE9"), S("US-ASCII")},
       S("a\xEF\xBF\xBD")},
      {"Decode: UTF-16 honours a little-endian BOM",
       "decode",
       {Bin(std::string("\xFF\xFE\x41\x00", 4)), S("UTF-16")},
       S("A")},
      {"Decode: UTF-16 without a BOM is big-endian",
       "decode",
       {Bin(std::string("\x00\x41\xD8\x3D\xDE\x00", 6)), S("UTF-16")},
       S("A" + kSmile)},
      {"Decode: a STRING argument is cast to BINARY", "decode", {S("abc"), S("UTF-8")}, S("abc")},
      {"docs: SELECT decode(2, 1, 'Southlake', 2, 'San Francisco', 3, 'New Jersey', 4, "
       "'Seattle', 'Non domestic') -> San Francisco",
       "decode",
       {I(2), I(1), S("Southlake"), I(2), S("San Francisco"), I(3), S("New Jersey"), I(4),
        S("Seattle"), S("Non domestic")},
       S("San Francisco")},
      {"docs: SELECT decode(6, 1, 'Southlake', ..., 'Non domestic') -> Non domestic",
       "decode",
       {I(6), I(1), S("Southlake"), I(2), S("San Francisco"), I(3), S("New Jersey"), I(4),
        S("Seattle"), S("Non domestic")},
       S("Non domestic")},
      {"docs: SELECT decode(6, 1, 'Southlake', ..., 4, 'Seattle') -> NULL",
       "decode",
       {I(6), I(1), S("Southlake"), I(2), S("San Francisco"), I(3), S("New Jersey"), I(4),
        S("Seattle")},
       NullStr()},
      {"docs: SELECT decode(null, 6, 'Spark', NULL, 'SQL', 4, 'rocks') -> SQL",
       "decode",
       {Value(), I(6), S("Spark"), Value(), S("SQL"), I(4), S("rocks")},
       S("SQL")},
      {"Decode.createExpr: the omitted default is a STRING NULL, so INT results widen to STRING",
       "decode",
       {I(1), I(1), I(10)},
       S("10")},
  });
  RunErrorCase({"an unknown charset is an error naming it",
                "encode",
                {S("a"), S("WINDOWS-9999")},
                StatusCode::kInvalidInput,
                {"[INVALID_PARAMETER_VALUE.CHARSET]", "`encode`", "WINDOWS-9999"}});
  RunErrorCase({"an unknown charset in decode",
                "decode",
                {Bin("a"), S("klingon")},
                StatusCode::kInvalidInput,
                {"[INVALID_PARAMETER_VALUE.CHARSET]", "`decode`"}});
}

TEST(EncodingFunctionsTest, Uuid) {
  // Random version-4 UUIDs: distinct per row, never constant-folded.
  std::vector<ExprPtr> none;
  Result<ExprPtr> call = FunctionRegistry::Builtins().Resolve("uuid", none);
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_FALSE((*call)->deterministic());
  EvalOptions options;
  EvalContext ctx(options);
  Batch batch = Batch::MakeRowsOnly(100);
  Result<ColumnPtr> col = EvaluateColumn(**call, ctx, batch);
  ASSERT_TRUE(col.ok()) << col.status();
  std::set<std::string> seen;
  for (int64_t i = 0; i < 100; ++i) {
    const std::string u = GetValue(**col, i).str();
    ASSERT_EQ(36u, u.size()) << u;
    EXPECT_EQ('-', u[8]);
    EXPECT_EQ('-', u[13]);
    EXPECT_EQ('4', u[14]) << u;
    EXPECT_NE(std::string::npos, std::string("89ab").find(u[19])) << u;
    seen.insert(u);
  }
  EXPECT_EQ(100u, seen.size());
}

}  // namespace
}  // namespace weir
