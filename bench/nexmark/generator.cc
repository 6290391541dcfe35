#include "nexmark/generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/check.h"

#include "nexmark/generator_internal.h"
#include "nexmark/random.h"

namespace weir::nexmark {

namespace {

constexpr std::array<std::string_view, 6> kUsStates = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::array<std::string_view, 10> kUsCities = {
    "Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
    "Bend",    "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
constexpr std::array<std::string_view, 11> kFirstNames = {
    "Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::array<std::string_view, 9> kLastNames = {
    "Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};
constexpr std::array<std::string_view, kNumHotChannels> kHotChannels = {"Google", "Facebook",
                                                                        "Baidu", "Apple"};

// Seeds of the channels' URL draws: apart from every event id (which stays below
// 2^62), so no channel shares an event's stream.
constexpr uint64_t kChannelSeed = uint64_t{1} << 63;
constexpr uint64_t kHotChannelSeed = kChannelSeed | (uint64_t{1} << 62);

// Java's Math.round(double) for the finite, in-range values used here.
int64_t JavaRound(double x) { return static_cast<int64_t>(std::floor(x + 0.5)); }

// nextString(max, special): 3 + rand(max - 3) characters, each `special` with
// probability 1/13 and a random letter otherwise, then trimmed as Java's
// String.trim() does (only a ' ' special can be trimmed). Returns the length.
size_t NextString(EventRandom* r, int64_t max, char special, char* out) {
  const int64_t len = 3 + r->Rand(max - 3);
  for (int64_t i = 0; i < len; ++i) {
    out[i] = r->Rand(13) == 0 ? special : static_cast<char>('a' + r->Rand(26));
  }
  int64_t begin = 0;
  int64_t end = len;
  while (begin < end && static_cast<unsigned char>(out[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(out[end - 1]) <= ' ') --end;
  if (begin > 0) std::memmove(out, out + begin, static_cast<size_t>(end - begin));
  return static_cast<size_t>(end - begin);
}

// nextExtra(current, avg)'s size: current + size is avg on average (avg - 0.5
// exactly). The letters are drawn by the caller (generator_internal.h).
int64_t NextExtraSize(EventRandom* r, int64_t current, int64_t avg) {
  if (current > avg) return 0;
  const int64_t d = avg - current;
  const int64_t delta = JavaRound(static_cast<double>(d) * 0.2);
  return (d - delta) + (delta == 0 ? 0 : r->Rand(2 * delta));
}

// nextPrice = round(10^(uniform01 * 6) * 100): log-uniform in [100, 1e8], so a third
// each below 1e4, below 1e6 and above. 10^x is computed as e^(x ln 10), which glibc
// evaluates in a third of pow's time; the two differ by at most an ulp, which moves
// the rounded price only when 10^x * 100 lies within an ulp of a half (p ~ 1e-13).
int64_t NextPrice(EventRandom* r) {
  constexpr double kLn10 = 2.302585092994045684;
  return JavaRound(std::exp(r->Uniform01() * 6.0 * kLn10) * 100.0);
}

int64_t NextBase0PersonId(int64_t event_id, EventRandom* r) {
  const int64_t n = LastBase0PersonId(event_id) + 1;
  const int64_t active = std::min(n, kNumActivePeople);
  return n - active + r->Rand(active + kPersonIdLead);
}

int64_t NextBase0AuctionId(int64_t event_id, EventRandom* r) {
  const int64_t hi = LastBase0AuctionId(event_id);
  const int64_t lo = std::max<int64_t>(hi - kNumInFlightAuctions, 0);
  return lo + r->Rand(hi - lo + 1 + kAuctionIdLead);
}

// Java's Math.abs(Integer.reverse(j)): Integer.MIN_VALUE stays negative (j = 1).
int64_t ChannelIdOf(int64_t j) {
  uint32_t v = static_cast<uint32_t>(j);
  uint32_t reversed = 0;
  for (int i = 0; i < 32; ++i, v >>= 1) reversed = (reversed << 1) | (v & 1);
  const int32_t r = static_cast<int32_t>(reversed);
  return r == std::numeric_limits<int32_t>::min() ? r : (r < 0 ? -int64_t{r} : int64_t{r});
}

// "https://www.nexmark.com/" + three nextString(5, '_') parts + "/item.htm?query=1".
std::string BaseUrl(EventRandom* r) {
  std::string url = "https://www.nexmark.com/";
  char part[8];
  for (int i = 0; i < 3; ++i) {
    if (i > 0) url += '/';
    url.append(part, NextString(r, 5, '_', part));
  }
  url += "/item.htm?query=1";
  return url;
}

}  // namespace

namespace internal {

const Channels& GetChannels() {
  static const Channels* channels = [] {
    std::vector<std::string> names, urls;
    for (int64_t j = 0; j < kChannelsNumber; ++j) {
      EventRandom r(kChannelSeed + static_cast<uint64_t>(j));
      names.push_back("channel-" + std::to_string(j));
      std::string url = BaseUrl(&r);
      if (r.Rand(10) > 0) url += "&channel_id=" + std::to_string(ChannelIdOf(j));
      urls.push_back(std::move(url));
    }
    for (int64_t i = 0; i < kNumHotChannels; ++i) {
      EventRandom r(kHotChannelSeed + static_cast<uint64_t>(i));
      names.emplace_back(kHotChannels[static_cast<size_t>(i)]);
      urls.push_back(BaseUrl(&r));
    }
    size_t total = 0;
    for (size_t i = 0; i < names.size(); ++i) total += names[i].size() + urls[i].size();
    auto* c = new Channels;
    c->bytes = AllocateBuffer(total);
    c->bytes->Resize(total);
    char* at = reinterpret_cast<char*>(c->bytes->data());
    auto keep = [&](const std::string& text) {
      std::memcpy(at, text.data(), text.size());
      StringRef ref(at, static_cast<uint32_t>(text.size()));
      at += text.size();
      return ref;
    };
    for (int64_t j = 0; j < kChannelsNumber; ++j) {
      const StringRef name = keep(names[static_cast<size_t>(j)]);
      c->entries.push_back(Channels::Entry{name, keep(urls[static_cast<size_t>(j)])});
    }
    for (size_t i = 0; i < kNumHotChannels; ++i) {
      c->hot_names[i] = keep(names[static_cast<size_t>(kChannelsNumber) + i]);
      c->hot_urls[i] = keep(urls[static_cast<size_t>(kChannelsNumber) + i]);
    }
    return c;
  }();
  return *channels;
}

void DrawPerson(const Generator& g, int64_t k, bool want_extra, EventRandom* rp, Scratch* s,
                PersonFields* out) {
  const int64_t n = k + 1;
  *rp = EventRandom(static_cast<uint64_t>(n));
  EventRandom& r = *rp;
  out->id = LastBase0PersonId(n) + kFirstPersonId;

  const std::string_view first = kFirstNames[static_cast<size_t>(r.Rand(11))];
  const std::string_view last = kLastNames[static_cast<size_t>(r.Rand(9))];
  std::memcpy(s->name, first.data(), first.size());
  s->name[first.size()] = ' ';
  std::memcpy(s->name + first.size() + 1, last.data(), last.size());
  out->name = {s->name, first.size() + 1 + last.size()};

  size_t len = NextString(&r, 7, ' ', s->email);
  s->email[len++] = '@';
  len += NextString(&r, 5, ' ', s->email + len);
  std::memcpy(s->email + len, ".com", 4);
  out->email_address = {s->email, len + 4};

  char* card = s->credit_card;
  for (int group = 0; group < 4; ++group) {
    if (group > 0) *card++ = ' ';
    int64_t v = r.Rand(10000);
    for (int d = 3; d >= 0; --d, v /= 10) card[d] = static_cast<char>('0' + v % 10);
    card += 4;
  }
  out->credit_card = {s->credit_card, 19};
  out->city = kUsCities[static_cast<size_t>(r.Rand(10))];
  out->state = kUsStates[static_cast<size_t>(r.Rand(6))];
  out->date_time = g.TimestampMs(n) * 1000;
  out->extra_size = 0;
  if (want_extra) {
    const int64_t current =
        8 + static_cast<int64_t>(out->name.size() + out->email_address.size() +
                                 out->credit_card.size() + out->city.size() + out->state.size());
    out->extra_size = NextExtraSize(&r, current, kAvgPersonBytes);
  }
}

void DrawAuction(const Generator& g, int64_t k, bool want_extra, EventRandom* rp, Scratch* s,
                 AuctionFields* out) {
  const int64_t n = k + 1;
  *rp = EventRandom(static_cast<uint64_t>(n));
  EventRandom& r = *rp;
  out->id = LastBase0AuctionId(n) + kFirstAuctionId;
  const int64_t seller = r.Rand(kHotSellersRatio) > 0
                             ? (LastBase0PersonId(n) / kHotGroupSize) * kHotGroupSize
                             : NextBase0PersonId(n, &r);
  out->seller = seller + kFirstPersonId;
  out->category = kFirstCategoryId + r.Rand(kNumCategories);
  out->initial_bid = NextPrice(&r);
  const int64_t ts = g.TimestampMs(n);
  const int64_t horizon = g.TimestampMs(n + kEventsForInFlightAuctions) - ts;
  out->date_time = ts * 1000;
  out->expires = (ts + 1 + r.Rand(std::max<int64_t>(2 * horizon, 1))) * 1000;
  out->item_name = {s->item_name, NextString(&r, 20, ' ', s->item_name)};
  out->description = {s->description, NextString(&r, 100, ' ', s->description)};
  out->reserve = out->initial_bid + NextPrice(&r);
  out->extra_size = 0;
  if (want_extra) {
    const int64_t current =
        8 + static_cast<int64_t>(out->item_name.size() + out->description.size()) + 40;
    out->extra_size = NextExtraSize(&r, current, kAvgAuctionBytes);
  }
}

void DrawBid(const Generator& g, const Channels& channels, int64_t k, bool want_extra,
             EventRandom* rp, BidFields* out) {
  const int64_t n = k + 1;
  *rp = EventRandom(static_cast<uint64_t>(n));
  EventRandom& r = *rp;
  const int64_t auction = r.Rand(kHotAuctionRatio) > 0
                              ? (LastBase0AuctionId(n) / kHotGroupSize) * kHotGroupSize
                              : NextBase0AuctionId(n, &r);
  out->auction = auction + kFirstAuctionId;
  // NEXMARK.md's second deviation: FIRST_PERSON_ID is added once (the Flink
  // repository adds it twice, so its bids never come from the hot persons).
  const int64_t bidder = r.Rand(kHotBiddersRatio) > 0
                             ? (LastBase0PersonId(n) / kHotGroupSize) * kHotGroupSize + 1
                             : NextBase0PersonId(n, &r);
  out->bidder = bidder + kFirstPersonId;
  out->price = NextPrice(&r);
  if (r.Rand(2) > 0) {
    const auto i = static_cast<size_t>(r.Rand(kNumHotChannels));
    out->channel = channels.hot_names[i];
    out->url = channels.hot_urls[i];
  } else {
    const auto j = static_cast<size_t>(r.Rand(kChannelsNumber));
    const Channels::Entry& e = channels.entries[j];
    out->channel = e.name;
    out->url = e.url;
  }
  out->date_time = g.TimestampMs(n) * 1000;
  out->extra_size = want_extra ? NextExtraSize(&r, 32, kAvgBidBytes) : 0;
}

}  // namespace internal

std::string_view KindName(EventKind kind) {
  switch (kind) {
    case EventKind::kPerson:
      return "person";
    case EventKind::kAuction:
      return "auction";
    case EventKind::kBid:
      return "bid";
  }
  return "bid";
}

const SchemaPtr& SchemaOf(EventKind kind) {
  static const std::array<SchemaPtr, 3> schemas = [] {
    const DataType big = DataType::Int64();
    const DataType str = DataType::String();
    const DataType ts = DataType::Timestamp();
    return std::array<SchemaPtr, 3>{
        MakeSchema({{"id", big},
                    {"name", str},
                    {"emailAddress", str},
                    {"creditCard", str},
                    {"city", str},
                    {"state", str},
                    {"dateTime", ts},
                    {"extra", str}}),
        MakeSchema({{"id", big},
                    {"itemName", str},
                    {"description", str},
                    {"initialBid", big},
                    {"reserve", big},
                    {"dateTime", ts},
                    {"expires", ts},
                    {"seller", big},
                    {"category", big},
                    {"extra", str}}),
        MakeSchema({{"auction", big},
                    {"bidder", big},
                    {"price", big},
                    {"channel", str},
                    {"url", str},
                    {"dateTime", ts},
                    {"extra", str}}),
    };
  }();
  return schemas[static_cast<size_t>(kind)];
}

int64_t NextEventOfKind(EventKind kind, int64_t k) {
  const int64_t n = k + 1;
  const int64_t off = n % kTotalProportion;
  int64_t next = n;
  switch (kind) {
    case EventKind::kPerson:
      if (off != 0) next = n + (kTotalProportion - off);
      break;
    case EventKind::kAuction:
      if (off == 0) {
        next = n + 1;
      } else if (off > kAuctionProportion) {
        next = n + (kTotalProportion - off) + 1;
      }
      break;
    case EventKind::kBid:
      if (off < kPersonProportion + kAuctionProportion) {
        next = n + (kPersonProportion + kAuctionProportion - off);
      }
      break;
  }
  return next - 1;
}

int64_t CountOfKind(EventKind kind, int64_t k) {
  // Events [0, k) have ids 1..k: k / 50 whole cycles, then ids with offsets 1..k % 50.
  const int64_t cycles = k / kTotalProportion;
  const int64_t rem = k % kTotalProportion;
  switch (kind) {
    case EventKind::kPerson:
      return cycles * kPersonProportion;
    case EventKind::kAuction:
      return cycles * kAuctionProportion + std::min(rem, kAuctionProportion);
    case EventKind::kBid:
      return cycles * kBidProportion +
             std::max<int64_t>(rem - kPersonProportion - kAuctionProportion + 1, 0);
  }
  return 0;
}

Result<Generator> Generator::Make(GeneratorConfig config) {
  if (config.base_time_ms < 0 || config.base_time_ms > kMaxBaseTimeMs) {
    return Status::InvalidArgument("Nexmark base time " + std::to_string(config.base_time_ms) +
                                   " ms is out of range: it must be between 0 and " +
                                   std::to_string(kMaxBaseTimeMs) + ".");
  }
  if (config.first_event_rate <= 0) {
    return Status::InvalidArgument("Nexmark first event rate " +
                                   std::to_string(config.first_event_rate) +
                                   " is out of range: it must be positive.");
  }
  return Generator(config);
}

Generator::Generator(GeneratorConfig config)
    : config_(config), inter_event_delay_us_(1e6 / static_cast<double>(config.first_event_rate)) {
  // Every timestamp the formulas take, up to an auction's expiry
  // (ts(n) + 2 * (ts(n + 1666) - ts(n)) + 1 <= base + 2 * (ts(n + 1666) - base) + 1),
  // stays at or below kMaxTimestampMs; a small margin absorbs the double rounding.
  const double span_ms = static_cast<double>(kMaxTimestampMs - config_.base_time_ms - 1) / 2.0;
  const double numbers = span_ms * 1000.0 / inter_event_delay_us_;
  constexpr double kCap = static_cast<double>(std::numeric_limits<int64_t>::max() / 4);
  const double usable = std::min(numbers, kCap);
  max_events_ = std::max<int64_t>(
      static_cast<int64_t>(usable - usable * 1e-12) - kEventsForInFlightAuctions - 4, 0);
}

int64_t Generator::TimestampMs(int64_t event_number) const {
  return config_.base_time_ms +
         static_cast<int64_t>(static_cast<double>(event_number) * inter_event_delay_us_) / 1000;
}

void Generator::Generate(int64_t k, Event* out) const {
  WEIR_DCHECK(k >= 0 && k < max_events_);
  internal::Scratch s;
  EventRandom r(0);
  // Sizes a string for `size` letters and draws them into it.
  auto letters = [&r](int64_t size, std::string* extra) {
    extra->resize(static_cast<size_t>(size));
    r.Letters(extra->data(), size);
  };
  out->kind = KindOfEventId(k + 1);
  switch (out->kind) {
    case EventKind::kPerson: {
      internal::PersonFields f;
      internal::DrawPerson(*this, k, /*want_extra=*/true, &r, &s, &f);
      Person& p = out->person;
      p.id = f.id;
      p.name.assign(f.name);
      p.email_address.assign(f.email_address);
      p.credit_card.assign(f.credit_card);
      p.city.assign(f.city);
      p.state.assign(f.state);
      p.date_time = f.date_time;
      letters(f.extra_size, &p.extra);
      break;
    }
    case EventKind::kAuction: {
      internal::AuctionFields f;
      internal::DrawAuction(*this, k, /*want_extra=*/true, &r, &s, &f);
      Auction& a = out->auction;
      a.id = f.id;
      a.item_name.assign(f.item_name);
      a.description.assign(f.description);
      a.initial_bid = f.initial_bid;
      a.reserve = f.reserve;
      a.date_time = f.date_time;
      a.expires = f.expires;
      a.seller = f.seller;
      a.category = f.category;
      letters(f.extra_size, &a.extra);
      break;
    }
    case EventKind::kBid: {
      internal::BidFields f;
      internal::DrawBid(*this, internal::GetChannels(), k, /*want_extra=*/true, &r, &f);
      Bid& b = out->bid;
      b.auction = f.auction;
      b.bidder = f.bidder;
      b.price = f.price;
      b.channel.assign(f.channel.view());
      b.url.assign(f.url.view());
      b.date_time = f.date_time;
      letters(f.extra_size, &b.extra);
      break;
    }
  }
}

Event Generator::Generate(int64_t k) const {
  Event e;
  Generate(k, &e);
  return e;
}

}  // namespace weir::nexmark
