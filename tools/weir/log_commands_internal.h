// Helpers shared by the log commands (log_commands.cc, produce.cc, consume.cc).

#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "weir/common/result.h"
#include "weir/common/status.h"

#include "tools/weir/cli.h"

namespace weir::cli {

struct ProduceOptions {
  std::string topic;
  std::optional<std::string> key;
  std::optional<std::string> key_field;
  std::optional<int32_t> partition;
  // Print "<partition> <offset>" on stdout for each record once its batch is appended.
  bool acks = false;
  // Write idempotent batches as producer `producer_id`; the first line of stdin has
  // sequence `first_sequence` (docs/log.md, "weir produce --idempotent").
  bool idempotent = false;
  std::optional<int64_t> producer_id;
  int64_t first_sequence = 0;
};

struct ConsumeOptions {
  std::string topic;
  bool from_beginning = false;
  std::optional<int64_t> offset;
  std::optional<int32_t> partition;
  std::optional<int64_t> max;
  bool follow = false;
  std::string format = "value";
};

void AddProduceCommand(CLI::App& app, CLI::App** cmd, ProduceOptions* o);
void AddConsumeCommand(CLI::App& app, CLI::App** cmd, ConsumeOptions* o);
// Reads the records from file descriptor `in_fd`; acknowledgements go to `out`.
int RunProduce(const GlobalOptions& g, const ProduceOptions& o, int in_fd, std::ostream& out,
               std::ostream& err);
int RunConsume(const GlobalOptions& g, const ConsumeOptions& o, std::ostream& out,
               std::ostream& err);

// Prints "weir: <message>" on one line and returns the exit code: kExitUsage for a
// bad argument (InvalidArgument, InvalidOption), kExitFailure otherwise.
int ReportError(std::ostream& err, const Status& s);

// "500ms", "30s", "15m", "12h", "60d", a bare number of ms, or "-1" (forever).
Result<int64_t> ParseDurationMs(std::string_view text);
// The inverse, choosing the largest unit that divides: 5184000000 -> "60d".
std::string FormatDurationMs(int64_t ms);

}  // namespace weir::cli
