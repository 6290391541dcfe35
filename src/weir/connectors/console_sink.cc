#include "weir/connectors/console_sink.h"

#include <iostream>
#include <optional>

#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"
#include "weir/types/render.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "console sink";

class ConsoleSink final : public stream::Sink {
 public:
  ConsoleSink(std::ostream* out, int64_t num_rows, bool truncate, std::optional<TimeZone> time_zone)
      : out_(out), num_rows_(num_rows), truncate_(truncate), time_zone_(std::move(time_zone)) {}

  std::string Describe() const override {
    return std::string("ConsoleWriter[numRows=") + std::to_string(num_rows_) +
           ", truncate=" + (truncate_ ? "true" : "false") + "]";
  }
  stream::Delivery delivery() const override { return stream::Delivery::kAtLeastOnce; }

  Status AddBatch(int64_t epoch, const SchemaPtr& schema, const std::vector<Batch>& batches,
                  stream::OutputMode /*mode*/) override {
    ShowOptions show;
    show.num_rows = num_rows_;
    show.truncate = truncate_ ? 20 : 0;
    show.time_zone = time_zone_ ? &*time_zone_ : nullptr;
    std::string text =
        "-------------------------------------------\nBatch: " + std::to_string(epoch) +
        "\n-------------------------------------------\n";
    // show() prints the table with println, hence the empty line after it.
    if (batches.empty()) {
      text += ShowString(Batch::MakeEmpty(schema != nullptr ? schema : MakeSchema({})), show);
    } else {
      text += ShowString(batches, show);
    }
    text += "\n";
    *out_ << text << std::flush;
    if (!*out_)
      return Status::IoError("console sink: cannot write the output of epoch " +
                             std::to_string(epoch));
    return Status::OK();
  }

 private:
  std::ostream* out_;
  int64_t num_rows_;
  bool truncate_;
  std::optional<TimeZone> time_zone_;
};

}  // namespace

Result<stream::SinkPtr> MakeConsoleSink(const stream::ConnectorContext& ctx, std::ostream* out) {
  Result<int64_t> num_rows = ctx.options.GetInt("numRows", 20);
  if (!num_rows.ok()) return NameOptionError(num_rows.status(), kWhat, ctx.name);
  if (*num_rows < 0) {
    return BadOption(kWhat, ctx.name, "numRows", ctx.options.Get("numRows"),
                     "it must not be negative", "e.g. numRows = '20'");
  }
  Result<bool> truncate = ctx.options.GetBool("truncate", true);
  if (!truncate.ok()) return NameOptionError(truncate.status(), kWhat, ctx.name);
  std::optional<TimeZone> zone;
  if (ctx.options.Has("timeZone")) {
    const std::string name = ctx.options.Get("timeZone");
    Result<TimeZone> tz = TimeZone::Load(name);
    if (!tz.ok()) {
      return BadOption(kWhat, ctx.name, "timeZone", name, "it is not a known time zone",
                       "use a region id like 'America/Los_Angeles' or an offset like '+02:00'");
    }
    zone = std::move(*tz);
  }
  return std::make_shared<ConsoleSink>(out != nullptr ? out : &std::cout, *num_rows, *truncate,
                                       std::move(zone));
}

void RegisterConsoleSink(stream::ConnectorRegistry* registry) {
  registry->RegisterSink("console", [](const stream::ConnectorContext& ctx) {
    return MakeConsoleSink(ctx, &std::cout);
  });
}

}  // namespace weir::connectors
