// The generator's draws, shared by its two forms (Generator::Generate's structs and
// BatchWriter's columns); not part of the library's interface.
//
// Each Draw* function seeds *r with the event id and makes every draw of the event in
// NEXMARK.md's order except the letters of `extra`, which come last: it sets
// extra_size and leaves *r where those letters start, so that the caller writes them
// wherever the string lives (r->Letters(dst, extra_size)). With want_extra = false
// nothing of `extra` is drawn (extra_size = 0) and no other field changes.
//
// Thread-safety: free functions over caller-owned state; GetChannels() is
// initialized once, thread-safely, and immutable afterwards.

#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "weir/types/buffer.h"
#include "weir/types/string_ref.h"

#include "nexmark/generator.h"
#include "nexmark/random.h"

namespace weir::nexmark::internal {

// The channels and their URLs. The Flink repository draws a channel's URL when the
// channel first appears and caches it; here channel j's URL is drawn from a stream
// seeded with j, so it is the same in every run, whichever event meets it first.
// The refs point into `bytes` (or are inline), so a column can share them.
struct Channels {
  BufferPtr bytes;  // every long name and URL, back to back
  // Channel j's name ("channel-<j>") and url_j side by side: a bid draws j at
  // random from 10000, and reads both in one cache line.
  struct Entry {
    StringRef name;
    StringRef url;
  };
  std::vector<Entry> entries;
  std::array<StringRef, kNumHotChannels> hot_names;
  std::array<StringRef, kNumHotChannels> hot_urls;
};
const Channels& GetChannels();

// Where an event's short strings are built: fixed buffers, so drawing allocates nothing.
struct Scratch {
  char name[32];
  char email[32];
  char credit_card[24];
  char item_name[32];
  char description[128];
};

// An event's fields; strings point into a Scratch, constant tables or Channels.
struct PersonFields {
  int64_t id;
  std::string_view name, email_address, credit_card, city, state;
  int64_t date_time;
  int64_t extra_size;
};
struct AuctionFields {
  int64_t id;
  std::string_view item_name, description;
  int64_t initial_bid, reserve, date_time, expires, seller, category;
  int64_t extra_size;
};
struct BidFields {
  int64_t auction, bidder, price;
  StringRef channel, url;
  int64_t date_time;
  int64_t extra_size;
};

void DrawPerson(const Generator& g, int64_t k, bool want_extra, EventRandom* r, Scratch* s,
                PersonFields* out);
void DrawAuction(const Generator& g, int64_t k, bool want_extra, EventRandom* r, Scratch* s,
                 AuctionFields* out);
void DrawBid(const Generator& g, const Channels& channels, int64_t k, bool want_extra,
             EventRandom* r, BidFields* out);

}  // namespace weir::nexmark::internal
