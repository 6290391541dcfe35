// The Nexmark event generator of NEXMARK.md (../shared/NEXMARK.md in the workspace;
// summarized with its deviations in bench/nexmark/README.md).
//
// One logical stream of events numbered k = 0, 1, 2, ...: event k has event number
// and id n = k + 1, its kind follows from n % 50 (1 person, 3 auctions, 46 bids), its
// event time from n, and its fields from the formulas of NEXMARK.md with draws from
// an EventRandom seeded with n (random.h). So an event is a pure function of k and
// the GeneratorConfig: ranges can be generated independently, in parallel, in any
// order, and always give the same values.
//
// Two forms:
//  - structs (Person, Auction, Bid) for hand-written baselines and tests:
//    Generator::Generate(k, &event) reuses the strings' capacity;
//  - columnar weir Batches per kind, with NEXMARK.md's column names and types
//    (TIMESTAMP is microseconds since the epoch): BatchWriter appends the events of
//    one kind from a range, producing only the requested columns, without any
//    per-event heap allocation: `extra`'s letters are drawn straight into the
//    column's chunks, other strings are built in fixed scratch buffers and copied
//    once, and channels' names and URLs are shared from one table, not copied.
//
// Thread-safety: Generator is immutable and may be shared; a BatchWriter is used by
// one thread at a time.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/batch.h"
#include "weir/types/schema.h"

namespace weir::nexmark {

namespace internal {
class Int64ColumnWriter;
class StringColumnWriter;
struct Channels;
}  // namespace internal

// NEXMARK.md's constants.
inline constexpr int64_t kPersonProportion = 1;
inline constexpr int64_t kAuctionProportion = 3;
inline constexpr int64_t kBidProportion = 46;
inline constexpr int64_t kTotalProportion = 50;
inline constexpr int64_t kFirstPersonId = 1000;
inline constexpr int64_t kFirstAuctionId = 1000;
inline constexpr int64_t kFirstCategoryId = 10;
inline constexpr int64_t kNumCategories = 5;
inline constexpr int64_t kNumInFlightAuctions = 100;
inline constexpr int64_t kNumActivePeople = 1000;
inline constexpr int64_t kPersonIdLead = 10;
inline constexpr int64_t kAuctionIdLead = 10;
// 1 in hotXRatio picks a random id; the others the hot one (configuration values).
inline constexpr int64_t kHotAuctionRatio = 2;
inline constexpr int64_t kHotSellersRatio = 4;
inline constexpr int64_t kHotBiddersRatio = 4;
// The hot seller, auction and bidder are the first (bidder: second) of the current
// group of this many ids (the Flink code's HOT_*_RATIO = 100).
inline constexpr int64_t kHotGroupSize = 100;
inline constexpr int64_t kAvgPersonBytes = 200;
inline constexpr int64_t kAvgAuctionBytes = 500;
inline constexpr int64_t kAvgBidBytes = 100;
inline constexpr int64_t kChannelsNumber = 10000;
inline constexpr int64_t kNumHotChannels = 4;
// The number of events until numInFlightAuctions more auctions exist: the auction
// length horizon (100 * 50 / 3).
inline constexpr int64_t kEventsForInFlightAuctions =
    kNumInFlightAuctions * kTotalProportion / kAuctionProportion;

inline constexpr int64_t kDefaultBaseTimeMs = 1436918400000;  // 2015-07-15T00:00:00Z
inline constexpr int64_t kDefaultFirstEventRate = 10000;      // events per second of event time

struct GeneratorConfig {
  // Event time of event number 0, in epoch milliseconds. Between 0 and kMaxBaseTimeMs.
  int64_t base_time_ms = kDefaultBaseTimeMs;
  // Events per second of event time (not of generation). Positive.
  int64_t first_event_rate = kDefaultFirstEventRate;
};

// 9999-12-31T23:59:59.999Z: the last event time weir's TIMESTAMP renders.
inline constexpr int64_t kMaxTimestampMs = 253402300799999;
inline constexpr int64_t kMaxBaseTimeMs = kMaxTimestampMs / 2;

enum class EventKind : uint8_t { kPerson = 0, kAuction = 1, kBid = 2 };

// "person", "auction", "bid".
std::string_view KindName(EventKind kind);

// Column indices of the kinds' schemas, in NEXMARK.md's order.
enum PersonColumn : int {
  kPersonId,
  kPersonName,
  kPersonEmailAddress,
  kPersonCreditCard,
  kPersonCity,
  kPersonState,
  kPersonDateTime,
  kPersonExtra,
  kPersonNumColumns
};
enum AuctionColumn : int {
  kAuctionId,
  kAuctionItemName,
  kAuctionDescription,
  kAuctionInitialBid,
  kAuctionReserve,
  kAuctionDateTime,
  kAuctionExpires,
  kAuctionSeller,
  kAuctionCategory,
  kAuctionExtra,
  kAuctionNumColumns
};
enum BidColumn : int {
  kBidAuction,
  kBidBidder,
  kBidPrice,
  kBidChannel,
  kBidUrl,
  kBidDateTime,
  kBidExtra,
  kBidNumColumns
};

// person: id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING,
//         state STRING, dateTime TIMESTAMP, extra STRING
// auction: id BIGINT, itemName STRING, description STRING, initialBid BIGINT,
//          reserve BIGINT, dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT,
//          category BIGINT, extra STRING
// bid: auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING,
//      dateTime TIMESTAMP, extra STRING
// Every column is nullable in the schema (weir's default) and never NULL.
const SchemaPtr& SchemaOf(EventKind kind);

// The formulas' id arithmetic, for an event id (= event number) n >= 1.
inline EventKind KindOfEventId(int64_t event_id) {
  const int64_t off = event_id % kTotalProportion;
  if (off < kPersonProportion) return EventKind::kPerson;
  if (off < kPersonProportion + kAuctionProportion) return EventKind::kAuction;
  return EventKind::kBid;
}
// The last person id (base 0) generated by event `event_id`, inclusive.
inline int64_t LastBase0PersonId(int64_t event_id) {
  const int64_t epoch = event_id / kTotalProportion;
  int64_t off = event_id % kTotalProportion;
  if (off >= kPersonProportion) off = kPersonProportion - 1;
  return epoch * kPersonProportion + off;
}
// The last auction id (base 0) generated by event `event_id`, inclusive.
inline int64_t LastBase0AuctionId(int64_t event_id) {
  int64_t epoch = event_id / kTotalProportion;
  int64_t off = event_id % kTotalProportion;
  if (off < kPersonProportion) {
    epoch -= 1;
    off = kAuctionProportion - 1;
  } else if (off >= kPersonProportion + kAuctionProportion) {
    off = kAuctionProportion - 1;
  } else {
    off -= kPersonProportion;
  }
  return epoch * kAuctionProportion + off;
}
// The smallest k' >= k whose event is of `kind`. REQUIRES: 0 <= k < INT64_MAX - 50.
int64_t NextEventOfKind(EventKind kind, int64_t k);
// How many of the events [0, k) are of `kind`. REQUIRES: k >= 0.
int64_t CountOfKind(EventKind kind, int64_t k);

// Timestamps are microseconds since the epoch (weir's TIMESTAMP).
struct Person {
  int64_t id = 0;
  std::string name;
  std::string email_address;
  std::string credit_card;
  std::string city;
  std::string state;
  int64_t date_time = 0;
  std::string extra;
};

struct Auction {
  int64_t id = 0;
  std::string item_name;
  std::string description;
  int64_t initial_bid = 0;
  int64_t reserve = 0;
  int64_t date_time = 0;
  int64_t expires = 0;
  int64_t seller = 0;
  int64_t category = 0;
  std::string extra;
};

struct Bid {
  int64_t auction = 0;
  int64_t bidder = 0;
  int64_t price = 0;
  std::string channel;
  std::string url;
  int64_t date_time = 0;
  std::string extra;
};

// One event: only the member of `kind` is set.
struct Event {
  EventKind kind = EventKind::kBid;
  Person person;
  Auction auction;
  Bid bid;
};

class Generator {
 public:
  // InvalidArgument naming the field when the configuration is out of range.
  static Result<Generator> Make(GeneratorConfig config);

  const GeneratorConfig& config() const { return config_; }
  // 1e6 / first_event_rate.
  double inter_event_delay_us() const { return inter_event_delay_us_; }
  // One past the last event k this configuration can generate: the events whose
  // auctions still expire by kMaxTimestampMs.
  int64_t max_events() const { return max_events_; }

  // NEXMARK.md's timestamp(n), in epoch milliseconds.
  // REQUIRES: 0 <= n <= max_events() + kEventsForInFlightAuctions + 1.
  int64_t TimestampMs(int64_t event_number) const;

  // Event k (0-based). REQUIRES: 0 <= k < max_events().
  void Generate(int64_t k, Event* out) const;
  Event Generate(int64_t k) const;

 private:
  explicit Generator(GeneratorConfig config);

  GeneratorConfig config_;
  double inter_event_delay_us_ = 0;
  int64_t max_events_ = 0;
};

// Builds columnar batches of one kind's events.
class BatchWriter {
 public:
  // `columns`: indices into SchemaOf(kind), in output order; repeats allowed; empty
  // gives batches that only count rows. InvalidArgument on an index out of range.
  static Result<std::unique_ptr<BatchWriter>> Make(const Generator& generator, EventKind kind,
                                                   std::vector<int> columns);
  ~BatchWriter();

  EventKind kind() const { return kind_; }
  // The schema of the batches Finish returns.
  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return rows_; }

  // Appends the events of this writer's kind among the events [*k, end), stopping
  // once max_rows rows have been appended, and sets *k to the first event not
  // looked at. Returns the rows appended. REQUIRES: 0 <= *k, end <= max_events().
  int64_t Append(int64_t* k, int64_t end, int64_t max_rows);
  // The rows appended since the last Finish; resets the writer.
  Result<Batch> Finish();

 private:
  BatchWriter(const Generator& generator, EventKind kind, std::vector<int> columns);
  void AppendPerson(int64_t k);
  void AppendAuction(int64_t k);
  void AppendBid(int64_t k);

  Generator generator_;
  const internal::Channels* channels_;
  EventKind kind_;
  std::vector<int> columns_;
  SchemaPtr schema_;
  int64_t rows_ = 0;
  // By column of the kind's schema, for the wanted ones: the builder of a BIGINT or
  // TIMESTAMP column, or the writer of a STRING column.
  std::vector<std::unique_ptr<internal::Int64ColumnWriter>> ints_;
  std::vector<std::unique_ptr<internal::StringColumnWriter>> strings_;
  bool want_extra_ = false;
};

// Every column of the events of `kind` among [k0, k1), as one batch.
// REQUIRES: 0 <= k0 <= k1 <= generator.max_events().
Result<Batch> GenerateBatch(const Generator& generator, EventKind kind, int64_t k0, int64_t k1);

// Events [k0, k1) split by kind, every column. Same REQUIRES.
struct EventBatches {
  Batch person;
  Batch auction;
  Batch bid;
};
Result<EventBatches> GenerateBatches(const Generator& generator, int64_t k0, int64_t k1);

}  // namespace weir::nexmark
