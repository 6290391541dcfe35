// Spill files: batches written to disk through an Env and read back in order, for
// operators that exceed ExecContext::memory_budget (the external sort) (internal to
// weir_exec).
//
// Format: a sequence of blocks, each a fixed32 byte length and then the rows of one
// batch, row-major: per column a flag byte (0 NULL, 1 value) and the value in the
// compact value encoding of functions/value_codec_internal.h. Files are temporary:
// written and read by the same process, deleted when read or on error.
//
// Thread-safety: a writer or reader is used by one thread.

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/exec/operator.h"
#include "weir/types/batch.h"

namespace weir::exec {

// A unique path for a new spill file under ctx.spill_dir.
std::string NewSpillPath(const ExecContext& ctx, const std::string& what);

// Writes `batches` (any selection) to a new file at `path`.
Status WriteSpillFile(Env* env, const std::string& path, const std::vector<Batch>& batches);

// Reads a spill file's batches back (each as written, dense). Deletes the file when
// destroyed.
class SpillReader final : public BatchStream {
 public:
  static Result<std::unique_ptr<SpillReader>> Open(Env* env, std::string path, SchemaPtr schema);
  ~SpillReader() override;
  Result<bool> Next(Batch* out) override;

 private:
  SpillReader(Env* env, std::string path, SchemaPtr schema, std::unique_ptr<SequentialFile> file)
      : env_(env), path_(std::move(path)), schema_(std::move(schema)), file_(std::move(file)) {}

  Env* env_;
  std::string path_;
  SchemaPtr schema_;
  std::unique_ptr<SequentialFile> file_;
  std::string buf_;
};

}  // namespace weir::exec
