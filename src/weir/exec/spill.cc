#include "weir/exec/spill.h"

#include <atomic>
#include <cstring>

#include <unistd.h>

#include "weir/exec/exec_internal.h"
#include "weir/functions/value_codec_internal.h"

namespace weir::exec {

std::string NewSpillPath(const ExecContext& ctx, const std::string& what) {
  static std::atomic<uint64_t> counter{0};
  return ctx.spill_dir + "/weir-" + what + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + ".spill";
}

Status WriteSpillFile(Env* env, const std::string& path, const std::vector<Batch>& batches) {
  ASSIGN_OR_RAISE(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  std::string block;
  Status st;
  for (const Batch& b : batches) {
    block.assign(4, '\0');
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      const int64_t i = b.RowIndex(r);
      for (const ColumnPtr& c : b.columns()) {
        if (c->IsNull(i)) {
          block.push_back(0);
        } else {
          block.push_back(1);
          codec::EncodeValue(*c, i, &block);
        }
      }
    }
    auto len = static_cast<uint32_t>(block.size() - 4);
    std::memcpy(block.data(), &len, 4);
    st = file->Append(block);
    if (!st.ok()) break;
  }
  Status closed = file->Close();
  if (st.ok()) st = closed;
  if (!st.ok()) (void)env->DeleteFile(path);
  return st;
}

Result<std::unique_ptr<SpillReader>> SpillReader::Open(Env* env, std::string path,
                                                       SchemaPtr schema) {
  auto file = env->NewSequentialFile(path);
  if (!file.ok()) {
    (void)env->DeleteFile(path);
    return file.status();
  }
  return std::unique_ptr<SpillReader>(
      new SpillReader(env, std::move(path), std::move(schema), std::move(file).ValueOrDie()));
}

SpillReader::~SpillReader() {
  file_.reset();
  (void)env_->DeleteFile(path_);
}

Result<bool> SpillReader::Next(Batch* out) {
  RETURN_NOT_OK(file_->Read(4, &buf_));
  if (buf_.empty()) return false;
  if (buf_.size() != 4) return Status::Corruption("spill file " + path_ + " is truncated");
  uint32_t len;
  std::memcpy(&len, buf_.data(), 4);
  RETURN_NOT_OK(file_->Read(len, &buf_));
  if (buf_.size() != len) return Status::Corruption("spill file " + path_ + " is truncated");
  std::vector<std::unique_ptr<ColumnBuilder>> builders;
  for (const Field& f : schema_->fields()) builders.push_back(MakeBuilder(f.type));
  std::string_view in = buf_;
  int64_t rows = 0;
  while (!in.empty()) {
    for (size_t c = 0; c < builders.size(); ++c) {
      RETURN_NOT_OK(
          codec::DecodeNullable(&in, schema_->field(static_cast<int>(c)).type, builders[c].get()));
    }
    ++rows;
    if (builders.empty()) break;
  }
  std::vector<ColumnPtr> cols;
  for (auto& b : builders) cols.push_back(b->Finish());
  if (cols.empty()) {
    *out = Batch::MakeRowsOnly(rows);
    return true;
  }
  ASSIGN_OR_RAISE(*out, Batch::Make(schema_, std::move(cols)));
  return true;
}

}  // namespace weir::exec
