// Helpers shared by the rate, memory, socket and console connectors: option errors
// worded one way, and the flat JSON objects of integers their offsets are
// ({"lines":42}, {"seconds":3,"startMs":1700000000000}).
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "weir/common/result.h"
#include "weir/stream/connector_registry.h"
#include "weir/stream/source.h"

namespace weir::connectors {

// "[INVALID_OPTION] Invalid value '0' for option 'rowsPerSecond' of the rate source
// `clicks`: it must be positive." with `hint`. `what` names the connector and role
// ("rate source"), `name` the object.
Status BadOption(std::string_view what, std::string_view name, std::string_view key,
                 std::string_view value, std::string_view requirement, std::string hint = "");

// "[INVALID_OPTION] The socket source `s` needs the option 'host'." with `hint`.
Status MissingOption(std::string_view what, std::string_view name, std::string_view key,
                     std::string hint = "");

// Re-words an error of Options' typed getters so it names the connector and object.
Status NameOptionError(const Status& status, std::string_view what, std::string_view name);

// {"a":1,"b":2} from the fields in order.
stream::Offset OffsetJson(std::initializer_list<std::pair<std::string_view, int64_t>> fields);

// The integer field `key` of a flat JSON object of integers; InvalidArgument naming
// `what` (e.g. "socket source `s`") when the text is not such an object or lacks the
// key. Never crashes on any input.
Result<int64_t> OffsetField(const stream::Offset& offset, std::string_view key,
                            std::string_view what);

}  // namespace weir::connectors
