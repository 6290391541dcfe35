// Building a kernel's result column. A kernel computes values for the rows of a
// RowSet and writes them at those physical positions of a column as long as the
// batch; the builders make rows outside the set NULL (callers never read them).
//
// Validity first: IntersectValidity gives "valid where every argument is valid" —
// the usual rule for functions that return NULL on any NULL input — word by word,
// sharing an argument's bitmap when it can. Kernels then write values for every row
// of the set (values at NULL rows are ignored) and call SetNull for extra NULLs
// (e.g. x / 0 outside ANSI mode).
//
// Thread-safety: one builder per kernel invocation.

#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "weir/expr/datum.h"
#include "weir/expr/row_set.h"

namespace weir {

// The validity bitmap of rows in `rows` where every datum of `args` is non-NULL;
// rows outside `rows` are invalid. Returns nullptr when every row is valid (and
// `rows` is all rows). *shared is set when the returned buffer belongs to an
// argument and must be copied before it is modified.
BufferPtr IntersectValidity(const Datum* args, size_t num_args, const RowSet& rows, bool* shared);

// Validity bits management common to the result builders.
class ResultValidity {
 public:
  explicit ResultValidity(int64_t physical_rows) : physical_rows_(physical_rows) {}

  // Starts from "valid where all of `args` are valid" (see IntersectValidity).
  void InitFromArgs(const Datum* args, size_t num_args, const RowSet& rows) {
    bits_ = IntersectValidity(args, num_args, rows, &shared_);
  }
  // Starts from "valid exactly at the rows of `rows`".
  void InitFromRows(const RowSet& rows);

  void SetNull(int64_t i) { ClearBit(MutableBits(), i); }
  void SetValid(int64_t i) { SetBit(MutableBits(), i); }
  bool IsValid(int64_t i) const { return bits_ == nullptr || GetBit(bits_->as<uint64_t>(), i); }
  BufferPtr Take() { return std::move(bits_); }

 private:
  uint64_t* MutableBits();

  int64_t physical_rows_;
  BufferPtr bits_;
  bool shared_ = false;
};

// Result of a kernel whose output type is stored as T (see data_type.h).
template <typename T>
class FixedResult {
 public:
  FixedResult(DataType type, const RowSet& rows)
      : type_(std::move(type)), rows_(rows), validity_(rows.physical_rows()) {
    size_t bytes = static_cast<size_t>(rows.physical_rows()) * sizeof(T);
    values_ = AllocateBuffer(bytes);
    values_->Resize(bytes);
  }

  ResultValidity& validity() { return validity_; }
  T* values() { return values_->as<T>(); }
  void Set(int64_t i, T v) { values()[i] = v; }
  void SetNull(int64_t i) { validity_.SetNull(i); }

  Datum Finish() {
    Column::Parts p;
    p.type = std::move(type_);
    p.length = rows_.physical_rows();
    p.validity = validity_.Take();
    p.values = std::move(values_);
    return Datum::Flat(Column::Make(std::move(p)));
  }

 private:
  DataType type_;
  RowSet rows_;
  ResultValidity validity_;
  BufferPtr values_;
};

// Result of a STRING or BINARY kernel. Set copies long values into buffers the
// result owns; SetRef stores a ref into an input column whose buffers were passed
// to KeepBuffersOf (substring, trim and the like copy nothing).
class StringResult {
 public:
  static constexpr size_t kChunkBytes = size_t{64} * 1024;

  StringResult(DataType type, const RowSet& rows);

  ResultValidity& validity() { return validity_; }
  void Set(int64_t i, std::string_view s);
  void SetRef(int64_t i, StringRef ref) { values_->as<StringRef>()[i] = ref; }
  void SetNull(int64_t i) { validity_.SetNull(i); }
  void KeepBuffersOf(const Column& input);
  // Room for `n` bytes written by the caller, then CommitBytes(n) and Set the view.
  char* ReserveBytes(size_t n);

  Datum Finish();

 private:
  DataType type_;
  RowSet rows_;
  ResultValidity validity_;
  BufferPtr values_;
  std::vector<BufferPtr> chunks_;  // written by this result
  std::vector<BufferPtr> kept_;    // inputs' buffers, read-only
};

}  // namespace weir
