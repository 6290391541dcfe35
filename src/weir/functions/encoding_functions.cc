// Encoding functions: base64, unbase64, hex, unhex, bin, uuid (encode and decode are
// in charset_functions.cc).
//
// base64 chunks its output into lines of 76 characters joined by CRLF, as Spark
// 3.5's default does (java.util.Base64's MIME encoder,
// spark.sql.chunkBase64String.enabled = true). unbase64 decodes as the MIME decoder:
// characters outside the alphabet are skipped, and a malformed ending is an error.

#include <cstring>
#include <random>

#include "weir/functions/registry.h"
#include "weir/functions/string_internal.h"

namespace weir {

namespace {

using strings::ArgView;
using strings::EmitExact;
using strings::Expect;
using strings::ForEachValid;
using strings::ForEachValidUntilError;
using strings::StrArg;
using strings::SubRef;

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// ---- base64 / unbase64 ----------------------------------------------------------------------

constexpr size_t kMimeLine = 76;

size_t Base64Size(size_t n) {
  const size_t chars = (n + 2) / 3 * 4;
  return chars == 0 ? 0 : chars + (chars - 1) / kMimeLine * 2;
}

void Base64Encode(std::string_view in, char* dst) {
  size_t col = 0;
  auto put = [&](char c) {
    if (col == kMimeLine) {
      *dst++ = '\r';
      *dst++ = '\n';
      col = 0;
    }
    *dst++ = c;
    ++col;
  };
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    put(kBase64Alphabet[v >> 18]);
    put(kBase64Alphabet[(v >> 12) & 63]);
    put(kBase64Alphabet[(v >> 6) & 63]);
    put(kBase64Alphabet[v & 63]);
  }
  if (i < in.size()) {
    const bool two = i + 1 < in.size();
    const uint32_t v = (uint32_t{p[i]} << 16) | (two ? uint32_t{p[i + 1]} << 8 : 0);
    put(kBase64Alphabet[v >> 18]);
    put(kBase64Alphabet[(v >> 12) & 63]);
    put(two ? kBase64Alphabet[(v >> 6) & 63] : '=');
    put('=');
  }
}

int Base64Value(uint8_t c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return c == '=' ? -2 : -1;
}

// java.util.Base64.getMimeDecoder().decode: returns false with *error set for the
// endings Java rejects.
bool MimeDecode(std::string_view s, std::string* out, const char** error) {
  uint32_t bits = 0;
  int shift = 18;
  size_t sp = 0;
  while (sp < s.size()) {
    const int b = Base64Value(static_cast<uint8_t>(s[sp++]));
    if (b == -1) continue;  // MIME skips everything outside the alphabet
    if (b == -2) {
      if ((shift == 6 && (sp == s.size() || s[sp++] != '=')) || shift == 18) {
        *error = "Input byte array has wrong 4-byte ending unit";
        return false;
      }
      break;
    }
    bits |= static_cast<uint32_t>(b) << shift;
    shift -= 6;
    if (shift < 0) {
      out->push_back(static_cast<char>(bits >> 16));
      out->push_back(static_cast<char>(bits >> 8));
      out->push_back(static_cast<char>(bits));
      shift = 18;
      bits = 0;
    }
  }
  if (shift == 6) {
    out->push_back(static_cast<char>(bits >> 16));
  } else if (shift == 0) {
    out->push_back(static_cast<char>(bits >> 16));
    out->push_back(static_cast<char>(bits >> 8));
  } else if (shift == 12) {
    *error = "Last unit does not have enough valid bits";
    return false;
  }
  for (; sp < s.size(); ++sp) {
    if (Base64Value(static_cast<uint8_t>(s[sp])) >= 0) {
      *error = "Input byte array has incorrect ending byte";
      return false;
    }
  }
  return true;
}

Result<ExprPtr> ResolveBase64(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(strings::CoerceAll("base64", &args, {Expect::kBinary}));
  return strings::MakeCall(
      "base64", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);
        const StrArg bin(in[0]);
        ForEachValid(out.validity(), rows, [&](int64_t i) {
          const std::string_view b = bin[i].view();
          EmitExact(out, i, Base64Size(b.size()), [&](char* dst) { Base64Encode(b, dst); });
        });
        return out.Finish();
      },
      std::move(args));
}

Result<ExprPtr> ResolveUnbase64(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(strings::CoerceAll("unbase64", &args, {Expect::kString}));
  return strings::MakeCall(
      "unbase64", DataType::Binary(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::Binary(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);
        const StrArg str(in[0]);
        std::string scratch;
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          scratch.clear();
          const char* error = nullptr;
          if (!MimeDecode(str[i].view(), &scratch, &error)) {
            return Status::InvalidInput("`unbase64` cannot decode '" + str[i].str() +
                                        "': java.lang.IllegalArgumentException: " + error);
          }
          out.Set(i, scratch);
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

// ---- hex / unhex / bin ---------------------------------------------------------------------

// Digits of v in base 2^bits_per_digit, as Long.toHexString / toBinaryString (two's
// complement for negative values, no leading zeros).
size_t UnsignedDigits(uint64_t v, int bits_per_digit, char* buf) {
  char tmp[64];
  size_t n = 0;
  const uint64_t mask = (uint64_t{1} << bits_per_digit) - 1;
  do {
    tmp[n++] = kHexUpper[v & mask];
    v >>= bits_per_digit;
  } while (v != 0);
  for (size_t k = 0; k < n; ++k) buf[k] = tmp[n - 1 - k];
  return n;
}

Result<ExprPtr> ResolveHex(std::vector<ExprPtr> args, const ResolveOptions&) {
  // TypeCollection(BIGINT, BINARY, STRING): numbers become BIGINT, other atomic types
  // STRING.
  const DataType& t = args[0]->type();
  Expect expect = Expect::kStringOrBinary;
  if (t.is_null() || t.is_numeric()) expect = Expect::kLong;
  RETURN_NOT_OK(strings::CoerceAll("hex", &args, {expect}));
  const bool number = expect == Expect::kLong;
  return strings::MakeCall(
      "hex", DataType::String(),
      [number](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);
        if (number) {
          const ArgView<int64_t> v(in[0]);
          ForEachValid(out.validity(), rows, [&](int64_t i) {
            char buf[16];
            const size_t n = UnsignedDigits(static_cast<uint64_t>(v[i]), 4, buf);
            out.SetRef(i, StringRef(buf, static_cast<uint32_t>(n)));
          });
        } else {
          const StrArg bytes(in[0]);
          ForEachValid(out.validity(), rows, [&](int64_t i) {
            const std::string_view b = bytes[i].view();
            EmitExact(out, i, b.size() * 2, [&](char* dst) {
              for (const char c : b) {
                *dst++ = kHexUpper[static_cast<uint8_t>(c) >> 4];
                *dst++ = kHexUpper[static_cast<uint8_t>(c) & 15];
              }
            });
          });
        }
        return out.Finish();
      },
      std::move(args));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<ExprPtr> ResolveUnhex(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(strings::CoerceAll("unhex", &args, {Expect::kString}));
  return strings::MakeCall(
      "unhex", DataType::Binary(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // An odd number of digits reads as if led by '0'; a non-digit gives NULL.
        StringResult out(DataType::Binary(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);
        const StrArg str(in[0]);
        ForEachValid(out.validity(), rows, [&](int64_t i) {
          const std::string_view s = str[i].view();
          for (const char c : s) {
            if (HexValue(c) < 0) {
              out.SetNull(i);
              return;
            }
          }
          EmitExact(out, i, (s.size() + 1) / 2, [&](char* dst) {
            size_t k = 0;
            if (s.size() % 2 == 1) *dst++ = static_cast<char>(HexValue(s[k++]));
            for (; k < s.size(); k += 2) {
              *dst++ = static_cast<char>(HexValue(s[k]) << 4 | HexValue(s[k + 1]));
            }
          });
        });
        return out.Finish();
      },
      std::move(args));
}

Result<ExprPtr> ResolveBin(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(strings::CoerceAll("bin", &args, {Expect::kLong}));
  return strings::MakeCall(
      "bin", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);
        const ArgView<int64_t> v(in[0]);
        ForEachValid(out.validity(), rows, [&](int64_t i) {
          char buf[64];
          const size_t n = UnsignedDigits(static_cast<uint64_t>(v[i]), 1, buf);
          EmitExact(out, i, n, [&](char* dst) { std::memcpy(dst, buf, n); });
        });
        return out.Finish();
      },
      std::move(args));
}

// ---- uuid ------------------------------------------------------------------------------------

Result<ExprPtr> ResolveUuid(std::vector<ExprPtr> args, const ResolveOptions&) {
  return strings::MakeCall(
      "uuid", DataType::String(),
      [](EvalContext&, const std::vector<Datum>&, const RowSet& rows) -> Result<Datum> {
        // A random (version 4, IETF variant) UUID per row, lower-case 8-4-4-4-12.
        thread_local std::mt19937_64 rng{std::random_device{}()};
        StringResult out(DataType::String(), rows);
        out.validity().InitFromRows(rows);
        rows.ForEach([&](int64_t i) {
          const uint64_t hi = (rng() & ~uint64_t{0xF000}) | 0x4000;
          const uint64_t lo = (rng() & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);
          EmitExact(out, i, 36, [&](char* dst) {
            constexpr char kHex[] = "0123456789abcdef";
            int k = 0;
            for (int nibble = 0; nibble < 32; ++nibble) {
              if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20) dst[k++] = '-';
              const uint64_t word = nibble < 16 ? hi : lo;
              dst[k++] = kHex[(word >> (60 - 4 * (nibble % 16))) & 15];
            }
          });
        });
        return out.Finish();
      },
      std::move(args), /*deterministic=*/false);
}

}  // namespace

void RegisterEncodingFunctions(FunctionRegistry* registry) {
  registry->Register({"base64", 1, 1,
                      "base64(bin) - Converts the argument from a binary `bin` to a base 64 "
                      "string.",
                      ResolveBase64});
  registry->Register({"unbase64", 1, 1,
                      "unbase64(str) - Converts the argument from a base 64 string `str` to a "
                      "binary.",
                      ResolveUnbase64});
  registry->Register({"hex", 1, 1, "hex(expr) - Converts `expr` to hexadecimal.", ResolveHex});
  registry->Register(
      {"unhex", 1, 1, "unhex(expr) - Converts hexadecimal `expr` to binary.", ResolveUnhex});
  registry->Register({"bin", 1, 1,
                      "bin(expr) - Returns the string representation of the long value `expr` "
                      "represented in binary.",
                      ResolveBin});
  registry->Register({"uuid", 0, 0,
                      "uuid() - Returns an universally unique identifier (UUID) string.",
                      ResolveUuid});
}

}  // namespace weir
