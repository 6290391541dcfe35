// Helpers shared by the log tests.

#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/status.h"
#include "weir/log/record_batch.h"

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    ASSERT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)

#define EXPECT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    EXPECT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)

namespace weir::log::testing {

inline Record MakeRecord(std::string key, std::string value, int64_t ts) {
  Record r;
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp = ts;
  return r;
}

// A record with random key (sometimes null), value (sometimes null), headers and
// timestamp near `base_ts`.
inline Record RandomRecord(std::mt19937_64& rng, int64_t base_ts, size_t max_value = 100) {
  auto bytes = [&rng](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xff);
    return s;
  };
  Record r;
  if (rng() % 5 != 0) r.key = bytes(rng() % 16);
  if (rng() % 7 != 0) r.value = bytes(rng() % (max_value + 1));
  const int headers = static_cast<int>(rng() % 3);
  for (int i = 0; i < headers; ++i) {
    std::optional<std::string> v;
    if (rng() % 2 == 0) v = bytes(rng() % 8);
    r.headers.emplace_back(bytes(rng() % 6), std::move(v));
  }
  r.timestamp = base_ts + static_cast<int64_t>(rng() % 1000) - 500;
  return r;
}

inline std::vector<Record> RandomRecords(std::mt19937_64& rng, size_t n, int64_t base_ts,
                                         size_t max_value = 100) {
  std::vector<Record> out;
  for (size_t i = 0; i < n; ++i) out.push_back(RandomRecord(rng, base_ts, max_value));
  return out;
}

}  // namespace weir::log::testing
