#include "weir/stream/local_tables.h"

#include "weir/functions/registry.h"

namespace weir::stream {

Result<int64_t> MemoryStreamBuffer::Append(Batch batch) {
  if (!(*batch.schema() == *schema_)) {
    return Status::InvalidArgument("rows of " + batch.schema()->ToString() +
                                   " cannot be added to a memory stream of " + schema_->ToString());
  }
  std::lock_guard<std::mutex> lock(mu_);
  batches_.push_back(std::move(batch));
  return static_cast<int64_t>(batches_.size());
}

int64_t MemoryStreamBuffer::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(batches_.size());
}

Result<std::vector<Batch>> MemoryStreamBuffer::Slice(int64_t start, int64_t end) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (start < 0 || end < start || end > static_cast<int64_t>(batches_.size())) {
    return Status::InvalidArgument("memory stream offsets [" + std::to_string(start) + ", " +
                                   std::to_string(end) + ") out of range [0, " +
                                   std::to_string(batches_.size()) + "]");
  }
  return std::vector<Batch>(batches_.begin() + start, batches_.begin() + end);
}

void LocalTables::PutResult(std::string_view name, plan::TableProviderPtr table) {
  std::lock_guard<std::mutex> lock(mu_);
  results_[AsciiLower(name)] = std::move(table);
}

plan::TableProviderPtr LocalTables::GetResult(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = results_.find(AsciiLower(name));
  return it == results_.end() ? nullptr : it->second;
}

std::vector<std::string> LocalTables::ResultNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, table] : results_) names.push_back(name);
  return names;
}

Result<std::shared_ptr<MemoryStreamBuffer>> LocalTables::Input(std::string_view name,
                                                               SchemaPtr schema) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = inputs_[AsciiLower(name)];
  if (slot == nullptr) {
    slot = std::make_shared<MemoryStreamBuffer>(std::move(schema));
  } else if (!(*slot->schema() == *schema)) {
    return Status::InvalidArgument("memory stream `" + std::string(name) + "` already has schema " +
                                   slot->schema()->ToString());
  }
  return slot;
}

std::shared_ptr<MemoryStreamBuffer> LocalTables::FindInput(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = inputs_.find(AsciiLower(name));
  return it == inputs_.end() ? nullptr : it->second;
}

}  // namespace weir::stream
