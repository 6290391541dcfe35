#include "nexmark/baseline.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <memory>

#include <absl/container/flat_hash_map.h>

#include "weir/types/string_ref.h"

namespace weir::nexmark {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

// Bid batches of the events [0, events) with at least `columns`; `index[c]` is the
// batch column holding bid column c (valid for the requested columns). Used by one
// thread.
class BidBatches {
 public:
  BidBatches(const Generator& generator, int64_t events, const PregeneratedEvents* pregenerated,
             std::vector<int> columns)
      : generator_(generator),
        events_(events),
        pregenerated_(pregenerated),
        columns_(std::move(columns)) {
    index_.fill(-1);
    if (pregenerated_ != nullptr) {
      for (int c = 0; c < kBidNumColumns; ++c) index_[static_cast<size_t>(c)] = c;
    } else {
      for (size_t i = 0; i < columns_.size(); ++i) {
        index_[static_cast<size_t>(columns_[i])] = static_cast<int>(i);
      }
    }
  }

  const std::array<int, kBidNumColumns>& index() const { return index_; }

  // Calls fn(batch) for every batch, in event order.
  template <typename Fn>
  Status ForEach(Fn&& fn) const {
    if (pregenerated_ != nullptr) {
      for (const Batch& b : pregenerated_->Slice(EventKind::kBid, 0, events_)) fn(b);
      return Status::OK();
    }
    ASSIGN_OR_RAISE(std::unique_ptr<BatchWriter> writer,
                    BatchWriter::Make(generator_, EventKind::kBid, columns_));
    int64_t k = 0;
    while (k < events_) {
      writer->Append(&k, events_, kDefaultBatchRows);
      ASSIGN_OR_RAISE(Batch b, writer->Finish());
      fn(b);
    }
    return Status::OK();
  }

 private:
  const Generator& generator_;
  int64_t events_;
  const PregeneratedEvents* pregenerated_;
  std::vector<int> columns_;
  std::array<int, kBidNumColumns> index_;
};

// What output rows become (each used by one thread). Checksum folds each value;
// Collect renders the row.
struct ChecksumOut {
  uint64_t h = 0;
  int64_t rows = 0;
  void Int(int64_t v) { h = (h ^ static_cast<uint64_t>(v)) * 0x100000001b3ULL; }
  void Str(std::string_view s) {
    h = (h ^ s.size()) * 0x100000001b3ULL;
    if (!s.empty()) h = (h ^ static_cast<unsigned char>(s.front())) * 0x100000001b3ULL;
  }
  void Decimal3(int64_t unscaled) { Int(unscaled); }
  void EndRow() { ++rows; }
};

class CollectOut {
 public:
  explicit CollectOut(std::vector<std::string>* out) : out_(out) {}
  int64_t rows = 0;

  void Sep() {
    if (cells_ > 0) row_ += '\t';
    ++cells_;
  }
  void Int(int64_t v) {
    Sep();
    row_ += std::to_string(v);
  }
  void Str(std::string_view s) {
    Sep();
    row_ += s;
  }
  // A DECIMAL with 3 digits after the point, from its unscaled value.
  void Decimal3(int64_t unscaled) {
    Sep();
    char buf[48];
    const uint64_t mag = unscaled < 0 ? 0 - static_cast<uint64_t>(unscaled) : unscaled;
    std::snprintf(buf, sizeof(buf), "%s%" PRIu64 ".%03" PRIu64, unscaled < 0 ? "-" : "", mag / 1000,
                  mag % 1000);
    row_ += buf;
  }
  void EndRow() {
    out_->push_back(std::move(row_));
    row_.clear();
    cells_ = 0;
    ++rows;
  }

 private:
  std::vector<std::string>* out_;
  std::string row_;
  int cells_ = 0;
};

const int64_t* Ints(const Batch& b, int column) { return b.column(column)->values<int64_t>(); }
const StringRef* Strings(const Batch& b, int column) {
  return b.column(column)->values<StringRef>();
}

// q0: SELECT auction, bidder, price, dateTime, extra FROM bid.
// q1: the same with 0.908 * price (DECIMAL(24,3): price * 908 thousandths).
template <typename Out>
Status PassThrough(const BidBatches& in, bool convert, Out* out) {
  const auto& ix = in.index();
  return in.ForEach([&](const Batch& b) {
    const int64_t* auction = Ints(b, ix[kBidAuction]);
    const int64_t* bidder = Ints(b, ix[kBidBidder]);
    const int64_t* price = Ints(b, ix[kBidPrice]);
    const int64_t* time = Ints(b, ix[kBidDateTime]);
    const StringRef* extra = Strings(b, ix[kBidExtra]);
    const int64_t n = b.num_rows();
    for (int64_t r = 0; r < n; ++r) {
      const int64_t i = b.RowIndex(r);
      out->Int(auction[i]);
      out->Int(bidder[i]);
      if (convert) {
        out->Decimal3(price[i] * 908);
      } else {
        out->Int(price[i]);
      }
      out->Int(time[i]);
      out->Str(extra[i].view());
      out->EndRow();
    }
  });
}

// q2: SELECT auction, price FROM bid WHERE auction % 123 = 0.
template <typename Out>
Status Selection(const BidBatches& in, Out* out) {
  const auto& ix = in.index();
  return in.ForEach([&](const Batch& b) {
    const int64_t* auction = Ints(b, ix[kBidAuction]);
    const int64_t* price = Ints(b, ix[kBidPrice]);
    const int64_t n = b.num_rows();
    for (int64_t r = 0; r < n; ++r) {
      const int64_t i = b.RowIndex(r);
      if (auction[i] % 123 != 0) continue;
      out->Int(auction[i]);
      out->Int(price[i]);
      out->EndRow();
    }
  });
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// q5: per window of 10 s sliding by 2 s, the auctions with the most bids, as
// (auction, num). Bids come in event-time order, so each 2 s pane's counts are built
// once; a window is the sum of its five panes, output once its last pane is complete.
template <typename Out>
Status HotItems(const BidBatches& in, Out* out) {
  constexpr int64_t kSlide = 2 * kMicrosPerSecond;
  constexpr int kPanesPerWindow = 5;
  using Counts = absl::flat_hash_map<int64_t, int64_t>;
  std::deque<std::pair<int64_t, Counts>> panes;  // the last five panes with bids
  Counts window;
  bool any = false;
  int64_t current = 0;  // the pane being filled
  // Outputs the window whose last pane is `last` (panes last-4 .. last).
  auto emit_window = [&](int64_t last) {
    window.clear();
    for (const auto& [pane, counts] : panes) {
      if (pane < last - (kPanesPerWindow - 1) || pane > last) continue;
      for (const auto& [auction, n] : counts) window[auction] += n;
    }
    int64_t max = 0;
    for (const auto& [auction, n] : window) max = std::max(max, n);
    for (const auto& [auction, n] : window) {
      if (n < max) continue;
      out->Int(auction);
      out->Int(n);
      out->EndRow();
    }
  };
  // Outputs every window ending in panes [from, to) that has a bid.
  auto emit_windows = [&](int64_t from, int64_t to) {
    for (int64_t last = from; last < to; ++last) {
      // Skip windows without bids (a gap of five or more empty panes).
      if (panes.empty() || panes.back().first < last - (kPanesPerWindow - 1)) break;
      emit_window(last);
    }
  };
  const auto& ix = in.index();
  RETURN_NOT_OK(in.ForEach([&](const Batch& b) {
    const int64_t* auction = Ints(b, ix[kBidAuction]);
    const int64_t* time = Ints(b, ix[kBidDateTime]);
    const int64_t n = b.num_rows();
    for (int64_t r = 0; r < n; ++r) {
      const int64_t i = b.RowIndex(r);
      const int64_t pane = FloorDiv(time[i], kSlide);
      if (!any || pane != current) {
        if (any) {
          emit_windows(current, pane);
          while (!panes.empty() && panes.front().first <= pane - kPanesPerWindow) {
            panes.pop_front();
          }
        }
        any = true;
        current = pane;
        panes.emplace_back(pane, Counts());
      }
      ++panes.back().second[auction[i]];
    }
  }));
  if (any) emit_windows(current, current + kPanesPerWindow);
  return Status::OK();
}

// q7: per 10 s tumbling window, the bids whose price is the window's maximum and whose
// time lies in [window start, window end] (the query's BETWEEN includes the end, so a
// bid at exactly the end, which belongs to the next window, also matches).
template <typename Out>
Status HighestBid(const BidBatches& in, Out* out) {
  constexpr int64_t kSize = 10 * kMicrosPerSecond;
  struct Candidate {
    int64_t auction, price, bidder, time;
    std::string extra;
  };
  std::vector<Candidate> candidates;  // the current window's bids at its running maximum
  bool any = false;
  int64_t current = 0;  // the current window
  int64_t max = 0;
  bool have_previous = false;
  int64_t previous_end = 0;  // the end of the window before, and its maximum
  int64_t previous_max = 0;
  auto emit = [&](int64_t auction, int64_t price, int64_t bidder, int64_t time,
                  std::string_view extra) {
    out->Int(auction);
    out->Int(price);
    out->Int(bidder);
    out->Int(time);
    out->Str(extra);
    out->EndRow();
  };
  auto close = [&] {
    for (const Candidate& c : candidates) emit(c.auction, c.price, c.bidder, c.time, c.extra);
    candidates.clear();
    have_previous = true;
    previous_end = (current + 1) * kSize;
    previous_max = max;
  };
  const auto& ix = in.index();
  RETURN_NOT_OK(in.ForEach([&](const Batch& b) {
    const int64_t* auction = Ints(b, ix[kBidAuction]);
    const int64_t* price = Ints(b, ix[kBidPrice]);
    const int64_t* bidder = Ints(b, ix[kBidBidder]);
    const int64_t* time = Ints(b, ix[kBidDateTime]);
    const StringRef* extra = Strings(b, ix[kBidExtra]);
    const int64_t n = b.num_rows();
    for (int64_t r = 0; r < n; ++r) {
      const int64_t i = b.RowIndex(r);
      const int64_t w = FloorDiv(time[i], kSize);
      if (!any || w != current) {
        if (any) close();
        any = true;
        current = w;
        max = price[i];
      }
      if (have_previous && time[i] == previous_end && price[i] == previous_max) {
        emit(auction[i], price[i], bidder[i], time[i], extra[i].view());
      }
      if (price[i] > max) {
        max = price[i];
        candidates.clear();
      }
      if (price[i] == max) {
        candidates.push_back({auction[i], price[i], bidder[i], time[i], extra[i].str()});
      }
    }
  }));
  if (any) close();
  return Status::OK();
}

template <typename Out>
Status Run(std::string_view query, const Generator& generator, int64_t events,
           const PregeneratedEvents* pregenerated, Out* out) {
  auto input = [&](std::vector<int> columns) {
    return BidBatches(generator, events, pregenerated, std::move(columns));
  };
  if (query == "q0" || query == "q1") {
    return PassThrough(input({kBidAuction, kBidBidder, kBidPrice, kBidDateTime, kBidExtra}),
                       query == "q1", out);
  }
  if (query == "q2") return Selection(input({kBidAuction, kBidPrice}), out);
  if (query == "q5") return HotItems(input({kBidAuction, kBidDateTime}), out);
  if (query == "q7") {
    return HighestBid(input({kBidAuction, kBidPrice, kBidBidder, kBidDateTime, kBidExtra}), out);
  }
  return Status::InvalidArgument("no hand-written baseline for " + std::string(query));
}

}  // namespace

bool HasBaseline(std::string_view query) {
  return query == "q0" || query == "q1" || query == "q2" || query == "q5" || query == "q7";
}

Result<BaselineResult> RunBaseline(std::string_view query, const Generator& generator,
                                   int64_t events, const PregeneratedEvents* pregenerated,
                                   std::vector<std::string>* rows) {
  if (!HasBaseline(query)) {
    return Status::InvalidArgument("no hand-written baseline for " + std::string(query));
  }
  if (events < 0 || events > generator.max_events()) {
    return Status::InvalidArgument("baseline: events out of range");
  }
  if (pregenerated != nullptr &&
      (!pregenerated->Has(EventKind::kBid) || pregenerated->events() < events)) {
    return Status::InvalidArgument("baseline: the pregenerated events hold fewer bids than asked");
  }
  BaselineResult result;
  if (rows != nullptr) {
    CollectOut out(rows);
    RETURN_NOT_OK(Run(query, generator, events, pregenerated, &out));
    result.output_rows = out.rows;
  } else {
    ChecksumOut out;
    RETURN_NOT_OK(Run(query, generator, events, pregenerated, &out));
    result.output_rows = out.rows;
    result.checksum = out.h;
  }
  return result;
}

}  // namespace weir::nexmark
