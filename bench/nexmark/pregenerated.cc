#include "nexmark/pregenerated.h"

#include <algorithm>
#include <string>
#include <thread>

#include "weir/common/check.h"

namespace weir::nexmark {

namespace {

// The event k whose row of `kind` is row `row` (0-based among that kind's rows): the
// smallest k with CountOfKind(kind, k + 1) > row. REQUIRES: row < CountOfKind(kind, limit).
int64_t EventOfRow(EventKind kind, int64_t row, int64_t limit) {
  int64_t lo = 0;
  int64_t hi = limit - 1;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (CountOfKind(kind, mid + 1) > row) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// Fills out[b0, b1) with the batches of `kind`: batch b holds rows
// [b * kDefaultBatchRows, (b + 1) * kDefaultBatchRows) of the kind, clipped to `events`.
Status GenerateRange(const Generator& generator, EventKind kind, int64_t events, size_t b0,
                     size_t b1, std::vector<Batch>* out) {
  if (b0 >= b1) return Status::OK();
  ASSIGN_OR_RAISE(std::unique_ptr<BatchWriter> writer,
                  BatchWriter::Make(generator, kind, AllFieldIndices(*SchemaOf(kind))));
  int64_t k = EventOfRow(kind, static_cast<int64_t>(b0) * kDefaultBatchRows, events);
  for (size_t b = b0; b < b1; ++b) {
    writer->Append(&k, events, kDefaultBatchRows);
    ASSIGN_OR_RAISE((*out)[b], writer->Finish());
  }
  return Status::OK();
}

}  // namespace

Result<std::shared_ptr<const PregeneratedEvents>> PregeneratedEvents::Make(
    const Generator& generator, int64_t events, const std::vector<EventKind>& kinds, int threads) {
  if (events < 0 || events > generator.max_events()) {
    return Status::InvalidArgument("cannot pregenerate " + std::to_string(events) +
                                   " events: between 0 and " +
                                   std::to_string(generator.max_events()) + " can be generated");
  }
  threads = std::max(threads, 1);
  std::shared_ptr<PregeneratedEvents> out(new PregeneratedEvents());
  out->config_ = generator.config();
  out->events_ = events;
  for (EventKind kind : kinds) {
    const size_t index = Index(kind);
    if (out->has_[index]) continue;
    out->has_[index] = true;
    const int64_t rows = CountOfKind(kind, events);
    const auto num_batches =
        static_cast<size_t>((rows + kDefaultBatchRows - 1) / kDefaultBatchRows);
    std::vector<Batch>& batches = out->batches_[index];
    batches.resize(num_batches);
    // Contiguous runs of batches per thread; each thread has its own writer.
    std::vector<Status> statuses(static_cast<size_t>(threads));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      const size_t b0 = num_batches * static_cast<size_t>(t) / static_cast<size_t>(threads);
      const size_t b1 = num_batches * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
      workers.emplace_back([&, t, b0, b1] {
        statuses[static_cast<size_t>(t)] = GenerateRange(generator, kind, events, b0, b1, &batches);
      });
    }
    for (std::thread& w : workers) w.join();
    for (const Status& st : statuses) RETURN_NOT_OK(st);
  }
  return std::shared_ptr<const PregeneratedEvents>(std::move(out));
}

std::vector<Batch> PregeneratedEvents::Slice(EventKind kind, int64_t k0, int64_t k1) const {
  WEIR_CHECK(Has(kind));
  WEIR_CHECK(0 <= k0 && k0 <= k1 && k1 <= events_);
  const std::vector<Batch>& batches = batches_[Index(kind)];
  const int64_t r0 = CountOfKind(kind, k0);
  const int64_t r1 = CountOfKind(kind, k1);
  std::vector<Batch> out;
  for (int64_t r = r0; r < r1;) {
    const int64_t b = r / kDefaultBatchRows;
    const int64_t first = b * kDefaultBatchRows;
    const Batch& batch = batches[static_cast<size_t>(b)];
    const int64_t from = r - first;
    const int64_t to = std::min(r1 - first, batch.num_rows());
    if (from == 0 && to == batch.num_rows()) {
      out.push_back(batch);
    } else {
      std::vector<uint32_t> rows;
      rows.reserve(static_cast<size_t>(to - from));
      for (int64_t i = from; i < to; ++i) rows.push_back(static_cast<uint32_t>(i));
      out.push_back(batch.Select(SelectionVector(std::move(rows))));
    }
    r = first + to;
  }
  return out;
}

int64_t PregeneratedEvents::MemoryUsage() const {
  int64_t bytes = 0;
  for (const std::vector<Batch>& batches : batches_) {
    for (const Batch& b : batches) bytes += b.MemoryUsage();
  }
  return bytes;
}

}  // namespace weir::nexmark
