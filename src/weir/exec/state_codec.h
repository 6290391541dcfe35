// Encodings shared by the stateful operators' StateStore keys and values (internal
// to weir_exec; the layouts are part of the checkpoint format once state is
// durable, see docs/checkpoint_format.md).
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/exec/aggregate_states.h"
#include "weir/functions/aggregate.h"

namespace weir::exec {

inline constexpr size_t kEventTimePrefixBytes = 8;

// An event time (µs) as 8 bytes whose unsigned byte order is the numeric order:
// big-endian with the sign bit flipped; NULL sorts last (all 0xff).
inline void AppendEventTimePrefix(std::optional<int64_t> micros, std::string* out) {
  uint64_t v =
      micros.has_value() ? static_cast<uint64_t>(*micros) ^ (uint64_t{1} << 63) : ~uint64_t{0};
  char bytes[8];
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(bytes, 8);
}

// The inverse; unset for NULL or a key shorter than the prefix.
inline std::optional<int64_t> DecodeEventTimePrefix(std::string_view key) {
  if (key.size() < kEventTimePrefixBytes) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(key[i]);
  if (v == ~uint64_t{0}) return std::nullopt;
  return static_cast<int64_t>(v ^ (uint64_t{1} << 63));
}

// Every aggregate's state of row `row`: a fixed32 length, then Serialize's bytes.
inline void SerializeStates(const std::vector<AggregateCall>& calls, const AggregateStates& states,
                            uint32_t row, std::string* out) {
  std::string one;
  for (size_t a = 0; a < calls.size(); ++a) {
    one.clear();
    calls[a].function->Serialize(states.state(row, a), &one);
    const auto len = static_cast<uint32_t>(one.size());
    char b[4];
    std::memcpy(b, &len, 4);
    out->append(b, 4);
    out->append(one);
  }
}

// SerializeStates' bytes for the state row at `row` (laid out as `layout`'s rows),
// written straight into `out`.
inline void SerializeStateRow(const std::vector<AggregateCall>& calls,
                              const AggregateStates& layout, const uint8_t* row, std::string* out) {
  for (size_t a = 0; a < calls.size(); ++a) {
    const size_t at = out->size();
    out->append(4, '\0');
    calls[a].function->Serialize(row + layout.offset(a), out);
    const auto len = static_cast<uint32_t>(out->size() - at - 4);
    std::memcpy(out->data() + at, &len, 4);
  }
}

// Reads SerializeStates' bytes into row `row` (Init'ed) of `states`.
inline Status DeserializeStates(const std::vector<AggregateCall>& calls, std::string_view in,
                                AggregateStates& states, uint32_t row) {
  for (size_t a = 0; a < calls.size(); ++a) {
    uint32_t len;
    if (in.size() < 4) return Status::Corruption("aggregate state: truncated");
    std::memcpy(&len, in.data(), 4);
    in.remove_prefix(4);
    if (in.size() < len) return Status::Corruption("aggregate state: truncated");
    RETURN_NOT_OK(calls[a].function->Deserialize(in.substr(0, len), states.state(row, a)));
    in.remove_prefix(len);
  }
  if (!in.empty()) return Status::Corruption("aggregate state: trailing bytes");
  return Status::OK();
}

}  // namespace weir::exec
