// Helpers shared by the collection functions and generators (internal to
// weir_functions).
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <vector>

#include "weir/expr/function.h"
#include "weir/expr/row_set.h"
#include "weir/types/builder.h"

namespace weir::collection_internal {

// array(element_at(x, i1), ..., element_at(x, in)) over one array x, every index a
// positive INT literal, is resolved as one function of x (collection_functions.cc):
// it picks the elements straight from x instead of building n columns and gathering
// them again, and prints as the calls it stands for. Its indices, or null when `fn`
// is not such a function (plan/top_k.cc reads them as element_at uses).
const std::vector<int32_t>* ArraySlotIndices(const ScalarFunction& fn);

// Appends row `row` of `col` to `builder`, whose type must equal col.type(). One
// switch per cell; nested values recurse into the child builders.
inline void AppendCell(ColumnBuilder* builder, const Column& col, int64_t row) {
  if (col.IsNull(row)) {
    builder->AppendNull();
    return;
  }
  switch (col.type().id()) {
    case TypeId::kNull:
      builder->AppendNull();
      return;
    case TypeId::kBoolean:
      static_cast<PrimitiveBuilder<uint8_t>*>(builder)->Append(col.Get<uint8_t>(row));
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      static_cast<PrimitiveBuilder<int32_t>*>(builder)->Append(col.Get<int32_t>(row));
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      static_cast<PrimitiveBuilder<int64_t>*>(builder)->Append(col.Get<int64_t>(row));
      return;
    case TypeId::kDouble:
      static_cast<PrimitiveBuilder<double>*>(builder)->Append(col.Get<double>(row));
      return;
    case TypeId::kDecimal:
      static_cast<PrimitiveBuilder<Int128>*>(builder)->Append(col.Get<Int128>(row));
      return;
    case TypeId::kInterval:
      static_cast<PrimitiveBuilder<Interval>*>(builder)->Append(col.Get<Interval>(row));
      return;
    case TypeId::kString:
    case TypeId::kBinary:
      static_cast<StringBuilder*>(builder)->Append(col.Get<StringRef>(row).view());
      return;
    case TypeId::kArray: {
      auto* b = static_cast<ArrayBuilder*>(builder);
      b->Append();
      for (int32_t k = col.offsets()[row]; k < col.offsets()[row + 1]; ++k) {
        AppendCell(b->element_builder(), *col.child(0), k);
      }
      return;
    }
    case TypeId::kMap: {
      auto* b = static_cast<MapBuilder*>(builder);
      b->Append();
      for (int32_t k = col.offsets()[row]; k < col.offsets()[row + 1]; ++k) {
        AppendCell(b->key_builder(), *col.child(0), k);
        AppendCell(b->value_builder(), *col.child(1), k);
      }
      return;
    }
    case TypeId::kStruct: {
      auto* b = static_cast<StructBuilder*>(builder);
      b->Append();
      for (int f = 0; f < b->num_fields(); ++f) AppendCell(b->field_builder(f), *col.child(f), row);
      return;
    }
  }
}

// Calls in_set(i) for every row of `rows` and gap(i) for every physical row outside
// it, in physical order — for kernels that build their result with a builder, which
// must receive every physical row.
template <typename InSet, typename Gap>
void ForEachPhysical(const RowSet& rows, InSet&& in_set, Gap&& gap) {
  int64_t next = 0;
  rows.ForEach([&](int64_t i) {
    for (; next < i; ++next) gap(next);
    in_set(i);
    next = i + 1;
  });
  for (; next < rows.physical_rows(); ++next) gap(next);
}

// One row of a Gather result: row `row` of source `source`, or NULL when source < 0.
struct Pick {
  int32_t source;
  uint32_t row;
};

// A column of `type` whose row k is picks[k] of `sources` (each of type `type`), as
// appending the cells with AppendCell would build it, but column by column: fixed
// width values are copied, strings keep pointing into the sources' buffers (shared,
// not copied), nested columns recurse with one pick list per level.
ColumnPtr Gather(const DataType& type, const std::vector<const Column*>& sources,
                 const std::vector<Pick>& picks);

// `col` with the rows listed in `null_rows` made NULL (buffers shared, not copied).
inline ColumnPtr WithNullRows(const ColumnPtr& col, const std::vector<uint32_t>& null_rows) {
  if (null_rows.empty()) return col;
  Column::Parts p;
  p.type = col->type();
  p.length = col->length();
  size_t words = BitmapWords(p.length);
  p.validity = AllocateBuffer(words * 8);
  p.validity->Resize(words * 8);
  auto* bits = p.validity->as<uint64_t>();
  for (size_t w = 0; w < words; ++w) bits[w] = ~uint64_t{0};
  if (col->validity_bits() != nullptr) {
    for (size_t w = 0; w < words; ++w) bits[w] = col->validity_bits()[w];
  }
  for (uint32_t r : null_rows) ClearBit(bits, r);
  p.values = col->values_buffer();
  p.string_data = col->string_data();
  p.children = col->children();
  return Column::Make(std::move(p));
}

}  // namespace weir::collection_internal
