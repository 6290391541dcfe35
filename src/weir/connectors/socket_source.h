// The `socket` source (Spark 3.5's TextSocketSourceProvider /
// TextSocketMicroBatchStream): reads UTF-8 lines from a TCP server, one row per line
// (`value STRING`, plus `timestamp TIMESTAMP` with includeTimestamp).
//
// Unlike Spark's, it is replayable: a reader thread writes each line to a write-ahead
// log in the query's source metadata directory (socket_wal.h) and syncs it before the
// line counts as available, so Read(start, end) returns the same lines after a
// restart. Offsets are {"lines":N}, the first N lines ever received.
//
// Lines end at "\n", "\r\n" or "\r" (Java's readLine). A line longer than the limit
// (1 MiB) is split into rows of at most that many bytes, cut at a UTF-8 character
// boundary, and counted in metrics().malformed_records. Connection errors surface as
// the Status of the next LatestOffset call; when the server closes the connection the
// source keeps serving what it received (no reconnect, as in Spark).
//
// Thread-safety: the Source contract (one engine thread) plus the internal reader
// thread, which Stop() joins.

#pragma once

#include <cstdint>

#include "weir/stream/connector_registry.h"

namespace weir::connectors {

struct SocketSourceLimits {
  int64_t max_line_bytes = 1 << 20;    // longer lines are split
  int64_t segment_bytes = 64 << 20;    // write-ahead log segment size before rolling
  int64_t connect_timeout_ms = 10000;  // how long LatestOffset waits for the connection
};

// The socket source with non-default limits (tests use small ones).
Result<stream::SourcePtr> MakeSocketSource(const stream::ConnectorContext& ctx,
                                           const SocketSourceLimits& limits);

}  // namespace weir::connectors
