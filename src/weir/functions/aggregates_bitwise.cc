// bit_and, bit_or, bit_xor (Spark's BitAndAgg, BitOrAgg, BitXorAgg): the bitwise
// AND / OR / XOR of the non-NULL values of an INT or BIGINT column, of the column's
// type; NULL when there are none. A NULL argument becomes INT (IntegralType's default);
// IntegralType is not a NumericType, so nothing else is cast to it.

#include <cstring>

#include "weir/expr/cast.h"
#include "weir/functions/aggregate_registry.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

enum class BitAggOp : uint8_t { kAnd, kOr, kXor };

// State: int64_t value, then one byte "a non-NULL value was seen". INT inputs are
// widened to int64 in the state; AND/OR/XOR commute with sign extension, so the low
// 32 bits are the INT result.
class BitAggregate final : public AggregateFunction {
 public:
  BitAggregate(std::string name, DataType type, BitAggOp op)
      : AggregateFunction(std::move(name), {type}, type), op_(op) {}

  size_t state_size() const override { return 16; }
  size_t state_align() const override { return alignof(int64_t); }
  void Init(uint8_t* s) const override {
    const int64_t v = op_ == BitAggOp::kAnd ? ~int64_t{0} : 0;
    std::memcpy(s, &v, sizeof(v));
    s[8] = 0;
  }
  Status Update(EvalContext&, uint8_t* const* states, const std::vector<Datum>& args,
                const RowSet& rows) const override {
    const Datum& a = args[0];
    const bool is_int = result_type().id() == TypeId::kInt32;
    rows.ForEach([&](int64_t i) {
      if (a.IsNull(i)) return;
      const int64_t x = is_int ? int64_t{a.Get<int32_t>(i)} : a.Get<int64_t>(i);
      Combine(states[i], x);
    });
    return Status::OK();
  }
  Status Merge(EvalContext&, uint8_t* s, const uint8_t* o) const override {
    if (o[8] == 0) return Status::OK();
    int64_t x;
    std::memcpy(&x, o, sizeof(x));
    Combine(s, x);
    return Status::OK();
  }
  Status Finalize(EvalContext&, const uint8_t* const* states, int64_t n,
                  ColumnBuilder* out) const override {
    for (int64_t k = 0; k < n; ++k) {
      if (states[k][8] == 0) {
        out->AppendNull();
        continue;
      }
      int64_t v;
      std::memcpy(&v, states[k], sizeof(v));
      if (result_type().id() == TypeId::kInt32) {
        static_cast<Int32Builder*>(out)->Append(static_cast<int32_t>(v));
      } else {
        static_cast<Int64Builder*>(out)->Append(v);
      }
    }
    return Status::OK();
  }
  void Serialize(const uint8_t* s, std::string* out) const override {
    out->append(reinterpret_cast<const char*>(s), 9);
  }
  Status Deserialize(std::string_view in, uint8_t* s) const override {
    if (in.size() != 9 || static_cast<uint8_t>(in[8]) > 1) {
      return Status::Corruption(name() + " state is malformed");
    }
    std::memcpy(s, in.data(), 9);
    return Status::OK();
  }

 private:
  void Combine(uint8_t* s, int64_t x) const {
    int64_t v;
    std::memcpy(&v, s, sizeof(v));
    switch (op_) {
      case BitAggOp::kAnd:
        v &= x;
        break;
      case BitAggOp::kOr:
        v |= x;
        break;
      case BitAggOp::kXor:
        v ^= x;
        break;
    }
    std::memcpy(s, &v, sizeof(v));
    s[8] = 1;
  }

  BitAggOp op_;
};

Result<AggregateFunctionPtr> ResolveBitAgg(const std::string& name, BitAggOp op,
                                           std::vector<ExprPtr>* args) {
  ExprPtr& a = (*args)[0];
  if (a->type().is_null()) {
    ASSIGN_OR_RAISE(a, Cast(a, DataType::Int32()));
  }
  const TypeId id = a->type().id();
  if (id != TypeId::kInt32 && id != TypeId::kInt64) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, *args),
                            "Parameter 1 requires the \"INTEGRAL\" type, however \"" +
                                a->ToString() + "\" has the type " + QuoteType(a->type()) + ".");
  }
  return AggregateFunctionPtr(std::make_shared<BitAggregate>(name, a->type(), op));
}

}  // namespace

void RegisterBitwiseAggregates(AggregateRegistry* r) {
  r->Register(
      {"bit_and", 1, 1,
       "bit_and(expr) - Returns the bitwise AND of all non-null input "
       "values, or null if none.",
       [](std::vector<ExprPtr>* args) { return ResolveBitAgg("bit_and", BitAggOp::kAnd, args); }});
  r->Register(
      {"bit_or", 1, 1,
       "bit_or(expr) - Returns the bitwise OR of all non-null input "
       "values, or null if none.",
       [](std::vector<ExprPtr>* args) { return ResolveBitAgg("bit_or", BitAggOp::kOr, args); }});
  r->Register(
      {"bit_xor", 1, 1,
       "bit_xor(expr) - Returns the bitwise XOR of all non-null input "
       "values, or null if none.",
       [](std::vector<ExprPtr>* args) { return ResolveBitAgg("bit_xor", BitAggOp::kXor, args); }});
}

}  // namespace weir
