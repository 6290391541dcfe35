// Hash functions: hash, xxhash64, md5, sha1 (sha), sha2, crc32, as Spark 3.5 defines
// them (sql/catalyst/.../expressions/hash.scala).
//
// hash and xxhash64 take any number of arguments of any type but MAP, are never NULL
// and fold their arguments into seed 42 with the kernels of spark_hash.h. md5, sha1,
// sha2 and crc32 take BINARY; a STRING argument is cast to its UTF-8 bytes, as
// Spark's implicit cast does. The digests come from OpenSSL's EVP interface, crc32
// from zlib.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>
#include <zlib.h>

#include "weir/expr/cast.h"
#include "weir/functions/builtins.h"
#include "weir/functions/kernel_util.h"
#include "weir/functions/registry.h"
#include "weir/functions/spark_hash.h"

namespace weir {

namespace {

// ---- hash, xxhash64 ---------------------------------------------------------------

bool ContainsMap(const DataType& t) {
  switch (t.id()) {
    case TypeId::kMap:
      return true;
    case TypeId::kArray:
      return ContainsMap(t.element_type());
    case TypeId::kStruct:
      for (const Field& f : t.fields()) {
        if (ContainsMap(f.type)) return true;
      }
      return false;
    default:
      return false;
  }
}

// Spark folds a hash whose arguments are all foldable with the interpreted
// evaluator and computes every other one with generated code; the two disagree on
// INTERVAL (see spark_hash::IntervalHashing). Constant arguments here are exactly
// Spark's foldable ones.
spark_hash::IntervalHashing IntervalHashingFor(const std::vector<Datum>& args) {
  for (const Datum& d : args) {
    if (!d.is_constant()) return spark_hash::IntervalHashing::kMicrosMonths;
  }
  return spark_hash::IntervalHashing::kMicrosDaysMonths;
}

Result<Datum> EvalMurmur3(const std::vector<Datum>& args, const RowSet& rows) {
  FixedResult<int32_t> out(DataType::Int32(), rows);
  out.validity().InitFromRows(rows);
  spark_hash::SparkMurmur3Hash(args.data(), static_cast<int>(args.size()), rows,
                               spark_hash::kSparkMurmur3Seed, out.values(),
                               IntervalHashingFor(args));
  return out.Finish();
}

Result<Datum> EvalXxHash64(const std::vector<Datum>& args, const RowSet& rows) {
  FixedResult<int64_t> out(DataType::Int64(), rows);
  out.validity().InitFromRows(rows);
  spark_hash::SparkXxHash64(args.data(), static_cast<int>(args.size()), rows,
                            spark_hash::kSparkXxHash64Seed, out.values(), IntervalHashingFor(args));
  return out.Finish();
}

Result<ExprPtr> ResolveRowHash(std::string_view name, std::vector<ExprPtr> args) {
  for (const ExprPtr& a : args) {
    if (ContainsMap(a->type())) {
      // Equal maps may list their entries in different orders, so Spark refuses
      // to hash them (unless spark.sql.legacy.allowHashOnMapType, not supported).
      return DataTypeMismatch(
          "HASH_MAP_TYPE", DescribeCall(name, args),
          "Input to the function `" + std::string(name) +
              "` cannot contain elements of the \"MAP\" type. In Spark, same maps may have "
              "different hashcode, thus hash expressions are prohibited on \"MAP\" elements. To "
              "restore previous behavior set \"spark.sql.legacy.allowHashOnMapType\" to "
              "\"true\".");
    }
  }
  const bool xx = name == "xxhash64";
  auto fn = std::make_shared<kernels::LambdaFunction>(
      std::string(name), xx ? DataType::Int64() : DataType::Int32(),
      [xx](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
        return xx ? EvalXxHash64(in, rows) : EvalMurmur3(in, rows);
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), /*nullable=*/false));
}

// ---- md5, sha1, sha2 ----------------------------------------------------------------

enum class DigestKind : uint8_t { kMd5, kSha1, kSha224, kSha256, kSha384, kSha512 };
constexpr size_t kNumDigestKinds = 6;

const char* OpenSslName(DigestKind kind) {
  switch (kind) {
    case DigestKind::kMd5:
      return "MD5";
    case DigestKind::kSha1:
      return "SHA1";
    case DigestKind::kSha224:
      return "SHA2-224";
    case DigestKind::kSha256:
      return "SHA2-256";
    case DigestKind::kSha384:
      return "SHA2-384";
    case DigestKind::kSha512:
      return "SHA2-512";
  }
  return "";
}

// Lower-case hex digests, as commons-codec's DigestUtils.*Hex return them. One
// Digester serves one kernel invocation: the algorithms are fetched once and one
// context is reused for every row, so a row costs no allocation.
class Digester {
 public:
  Digester() : ctx_(EVP_MD_CTX_new()) {}

  // Writes the hex digest of `data` to `hex` (room for EVP_MAX_MD_SIZE * 2 chars)
  // and returns its length.
  Result<size_t> Hex(DigestKind kind, std::string_view data, char* hex) {
    ASSIGN_OR_RAISE(const EVP_MD* md, Algorithm(kind));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx_.get(), digest, &n) != 1) {
      return Status::Internal(std::string("OpenSSL failed to compute ") + OpenSslName(kind));
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    for (unsigned int i = 0; i < n; ++i) {
      hex[2 * i] = kDigits[digest[i] >> 4];
      hex[2 * i + 1] = kDigits[digest[i] & 0xf];
    }
    return static_cast<size_t>(n) * 2;
  }

 private:
  struct MdFree {
    void operator()(EVP_MD* md) const { EVP_MD_free(md); }
  };
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };

  Result<const EVP_MD*> Algorithm(DigestKind kind) {
    std::unique_ptr<EVP_MD, MdFree>& slot = mds_[static_cast<size_t>(kind)];
    if (slot == nullptr) {
      slot.reset(EVP_MD_fetch(nullptr, OpenSslName(kind), nullptr));
      if (slot == nullptr) {
        return Status::Internal(std::string("OpenSSL does not provide ") + OpenSslName(kind) +
                                " (is a FIPS-only provider configured?)");
      }
    }
    return slot.get();
  }

  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx_;
  // Fetched on first use, indexed by DigestKind.
  std::array<std::unique_ptr<EVP_MD, MdFree>, kNumDigestKinds> mds_;
};

// sha2's bit length: 224, 256 (or 0), 384, 512; anything else has no digest (NULL).
std::optional<DigestKind> Sha2Kind(int32_t bits) {
  switch (bits) {
    case 224:
      return DigestKind::kSha224;
    case 0:
    case 256:
      return DigestKind::kSha256;
    case 384:
      return DigestKind::kSha384;
    case 512:
      return DigestKind::kSha512;
    default:
      return std::nullopt;
  }
}

Result<Datum> EvalDigest(DigestKind kind, const Datum& input, const RowSet& rows) {
  StringResult out(DataType::String(), rows);
  out.validity().InitFromArgs(&input, 1, rows);
  Digester digester;
  char hex[EVP_MAX_MD_SIZE * 2];
  Status st;
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || !out.validity().IsValid(i)) return;
    Result<size_t> n = digester.Hex(kind, input.Get<StringRef>(i).view(), hex);
    if (!n.ok()) {
      st = n.status();
      return;
    }
    out.Set(i, std::string_view(hex, *n));
  });
  RETURN_NOT_OK(st);
  return out.Finish();
}

Result<Datum> EvalSha2(const Datum& input, const Datum& bits, const RowSet& rows) {
  StringResult out(DataType::String(), rows);
  const Datum args[2] = {input, bits};
  out.validity().InitFromArgs(args, 2, rows);
  Digester digester;
  char hex[EVP_MAX_MD_SIZE * 2];
  Status st;
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || !out.validity().IsValid(i)) return;
    std::optional<DigestKind> kind = Sha2Kind(bits.Get<int32_t>(i));
    if (!kind) {
      out.SetNull(i);
      return;
    }
    Result<size_t> n = digester.Hex(*kind, input.Get<StringRef>(i).view(), hex);
    if (!n.ok()) {
      st = n.status();
      return;
    }
    out.Set(i, std::string_view(hex, *n));
  });
  RETURN_NOT_OK(st);
  return out.Finish();
}

// ---- crc32 --------------------------------------------------------------------------

Datum EvalCrc32(const Datum& input, const RowSet& rows) {
  FixedResult<int64_t> out(DataType::Int64(), rows);
  out.validity().InitFromArgs(&input, 1, rows);
  rows.ForEach([&](int64_t i) {
    if (!out.validity().IsValid(i)) return;
    const StringRef& s = input.Get<StringRef>(i);
    const auto* bytes = reinterpret_cast<const Bytef*>(s.data());
    // java.util.zip.CRC32.getValue: the unsigned 32-bit CRC as a long.
    out.Set(i, static_cast<int64_t>(crc32_z(crc32_z(0L, Z_NULL, 0), bytes, s.size())));
  });
  return out.Finish();
}

// ---- resolution ---------------------------------------------------------------------

Status UnexpectedInputType(std::string_view name, const std::vector<ExprPtr>& args, size_t k,
                           std::string_view expected) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
                          "Parameter " + std::to_string(k + 1) + " requires the \"" +
                              std::string(expected) + "\" type, however \"" + args[k]->ToString() +
                              "\" has the type " + QuoteType(args[k]->type()) + ".");
}

// Spark's ImplicitCastInputTypes towards BINARY: only STRING (and NULL) convert.
Result<ExprPtr> BinaryArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  const DataType& t = args[k]->type();
  if (t.id() == TypeId::kBinary) return args[k];
  if (t.id() == TypeId::kString || t.is_null()) return Cast(args[k], DataType::Binary());
  return UnexpectedInputType(name, args, k, "BINARY");
}

// Towards INT: numbers and strings convert (implicitCast to IntegerType).
Result<ExprPtr> IntArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  const DataType& t = args[k]->type();
  if (t.id() == TypeId::kInt32) return args[k];
  if (t.is_null() || t.is_numeric() || t.id() == TypeId::kString) {
    return Cast(args[k], DataType::Int32());
  }
  return UnexpectedInputType(name, args, k, "INT");
}

Result<ExprPtr> ResolveDigest(std::string_view name, DigestKind kind, std::vector<ExprPtr> args) {
  ASSIGN_OR_RAISE(args[0], BinaryArg(name, args, 0));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      std::string(name), DataType::String(),
      [kind](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
        return EvalDigest(kind, in[0], rows);
      });
  return Call(std::move(fn), std::move(args));
}

Result<ExprPtr> ResolveSha2(std::vector<ExprPtr> args) {
  ASSIGN_OR_RAISE(args[0], BinaryArg("sha2", args, 0));
  ASSIGN_OR_RAISE(args[1], IntArg("sha2", args, 1));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "sha2", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
        return EvalSha2(in[0], in[1], rows);
      });
  return Call(std::move(fn), std::move(args));
}

Result<ExprPtr> ResolveCrc32(std::vector<ExprPtr> args) {
  ASSIGN_OR_RAISE(args[0], BinaryArg("crc32", args, 0));
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "crc32", DataType::Int64(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        return EvalCrc32(in[0], rows);
      });
  return Call(std::move(fn), std::move(args));
}

}  // namespace

void RegisterHashFunctions(FunctionRegistry* registry) {
  registry->Register({"hash", 1, -1,
                      "hash(expr1, expr2, ...) - Returns a hash value of the arguments.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveRowHash("hash", std::move(args));
                      }});
  registry->Register({"xxhash64", 1, -1,
                      "xxhash64(expr1, expr2, ...) - Returns a 64-bit hash value of the "
                      "arguments. Hash seed is 42.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveRowHash("xxhash64", std::move(args));
                      }});
  registry->Register({"md5", 1, 1,
                      "md5(expr) - Returns an MD5 128-bit checksum as a hex string of `expr`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveDigest("md5", DigestKind::kMd5, std::move(args));
                      }});
  registry->Register({"sha1", 1, 1,
                      "sha1(expr) - Returns a sha1 hash value as a hex string of the `expr`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveDigest("sha1", DigestKind::kSha1, std::move(args));
                      }});
  registry->Alias("sha", "sha1");
  registry->Register({"sha2", 2, 2,
                      "sha2(expr, bitLength) - Returns a checksum of SHA-2 family as a hex string "
                      "of `expr`. SHA-224, SHA-256, SHA-384, and SHA-512 are supported. Bit "
                      "length of 0 is equivalent to 256.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveSha2(std::move(args));
                      }});
  registry->Register({"crc32", 1, 1,
                      "crc32(expr) - Returns a cyclic redundancy check value of the `expr` as a "
                      "bigint.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveCrc32(std::move(args));
                      }});
}

}  // namespace weir
