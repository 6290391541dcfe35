// RowMerger: assembles one result column from several partial results, each valid
// for a disjoint set of rows — how CASE, IF and COALESCE combine the branches they
// evaluated lazily. Rows no part supplied are NULL.
//
// Fixed-width and string types are copied row by row (string bytes stay in the
// parts' buffers, which the result keeps); nested types take a slower path through
// Values.
//
// Thread-safety: one merger per evaluation.

#pragma once

#include <cstdint>
#include <vector>

#include "weir/expr/datum.h"
#include "weir/expr/row_set.h"

namespace weir {

class RowMerger {
 public:
  RowMerger(DataType type, int64_t physical_rows);

  // Takes the values of `part` at `rows`. REQUIRES: part has this merger's type, and
  // no row is put twice.
  void Put(const Datum& part, const RowSet& rows);
  Datum Finish();

 private:
  DataType type_;
  int64_t physical_rows_;
  int width_;
  BufferPtr values_;
  BufferPtr validity_;
  std::vector<BufferPtr> string_data_;
  // Nested types: which part supplies each row (-1: none).
  std::vector<int32_t> source_;
  std::vector<Datum> parts_;
};

}  // namespace weir
