// The streaming `file` sink (Spark 3.5's FileStreamSink with its
// ManifestFileCommitProtocol): each epoch's rows become part files in the output
// directory, and the epoch commits when its manifest entry _weir_metadata/<epoch>
// (formats/sink_manifest.h, docs/file_sink_format.md) is durably in place. Readers
// list files from the manifest, so:
//  - a replayed epoch whose entry exists is skipped: its rows never show twice;
//  - part files of an epoch that crashed before its entry are invisible, and are
//    deleted when the epoch is written again.
//
// AddBatch(epoch): write each part file to a hidden temp name, sync, close, rename
// into place; sync the directory; then write the entry (temp, sync, rename, sync
// _weir_metadata). The manifest directory is created before any part file, so a
// reader never mistakes the directory for a plain one holding orphans.
//
// Thread-safety: the engine calls one sink from one thread (stream/sink.h).

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <random>

#include "weir/connectors/connector_util.h"
#include "weir/connectors/file_source_internal.h"
#include "weir/formats/csv_writer.h"
#include "weir/formats/sink_manifest.h"
#include "weir/types/datetime.h"
#include "weir/types/render.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "file sink";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A random RFC 4122 version-4 UUID, as Spark names its write jobs.
std::string RandomUuid() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  const uint64_t hi = (rng() & ~uint64_t{0xf000}) | 0x4000;
  const uint64_t lo = (rng() & ~(uint64_t{0xc} << 60)) | (uint64_t{0x8} << 60);
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

// "part-00007-" : the prefix of epoch 7's part files.
std::string PartPrefix(int64_t epoch) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "part-%05lld-", static_cast<long long>(epoch));
  return buf;
}

struct FileSinkOptions {
  std::string path;
  bool csv = false;                  // json otherwise
  int64_t max_records_per_file = 0;  // 0: one file per epoch
  CsvOptions csv_options;
  JsonOptions json_options;
};

class FileSink final : public stream::Sink {
 public:
  FileSink(Env* env, FileSinkOptions options, std::unique_ptr<TimeZone> zone)
      : env_(env), options_(std::move(options)), zone_(std::move(zone)) {
    options_.csv_options.time_zone = zone_.get();
    options_.json_options.time_zone = zone_.get();
  }

  std::string Describe() const override { return "FileSink[" + options_.path + "]"; }

  // `schema` is each batch's own (AppendJsonLines/WriteCsv read it from the batch).
  Status AddBatch(int64_t epoch, const SchemaPtr& /*schema*/, const std::vector<Batch>& batches,
                  stream::OutputMode mode) override {
    if (mode != stream::OutputMode::kAppend) return UnsupportedMode(mode);
    const std::string entry_path = formats::SinkManifestEntryPath(options_.path, epoch);
    ASSIGN_OR_RAISE(bool exists, env_->FileExists(entry_path));
    if (exists) {
      ASSIGN_OR_RAISE(std::string text, ReadFileToString(env_, entry_path));
      // Committed: a replay of the epoch is ignored. A damaged entry is rewritten.
      if (formats::DecodeSinkManifest(text, epoch, entry_path).ok()) return Status::OK();
    }
    RETURN_NOT_OK(DeleteDebris(epoch));
    formats::SinkManifestEntry entry;
    entry.epoch = epoch;
    RETURN_NOT_OK(WriteParts(epoch, batches, &entry));
    if (!entry.files.empty()) RETURN_NOT_OK(env_->SyncDir(options_.path));
    return WriteStringToFileSync(env_, formats::EncodeSinkManifest(entry), entry_path);
  }

 private:
  Status UnsupportedMode(stream::OutputMode mode) const {
    return Status::InvalidOption("Data source file (" + std::string(options_.csv ? "csv" : "json") +
                                 ") does not support " + std::string(stream::OutputModeName(mode)) +
                                 " output mode")
        .WithHint("the file sink supports only the append output mode");
  }

  // Removes the part files (and their temps) an earlier, uncommitted attempt at
  // `epoch` left.
  Status DeleteDebris(int64_t epoch) {
    const std::string prefix = PartPrefix(epoch);
    ASSIGN_OR_RAISE(std::vector<std::string> children, env_->GetChildren(options_.path));
    for (const std::string& c : children) {
      if (c.rfind(prefix, 0) == 0 || c.rfind("." + prefix, 0) == 0) {
        Status s = env_->DeleteFile(options_.path + "/" + c);
        if (!s.ok() && !s.IsNotFound()) return s;
      }
    }
    return Status::OK();
  }

  // One part file being written.
  struct Part {
    std::unique_ptr<WritableFile> file;
    std::string name;
    std::string tmp;
    int64_t rows = 0;
  };

  Status WriteParts(int64_t epoch, const std::vector<Batch>& batches,
                    formats::SinkManifestEntry* entry) {
    const std::string uuid = RandomUuid();
    const std::string ext = options_.csv ? ".csv" : ".json";
    const int64_t max_rows =
        options_.max_records_per_file > 0 ? options_.max_records_per_file : INT64_MAX;
    Part part;
    std::string text;
    for (const Batch& batch : batches) {
      int64_t row = 0;
      while (row < batch.num_rows()) {
        if (part.file == nullptr) {
          char num[16];
          std::snprintf(num, sizeof(num), "%05d", static_cast<int>(entry->files.size()));
          part.name = PartPrefix(epoch) + num + "-" + uuid + ext;
          part.tmp = options_.path + "/." + part.name + ".tmp";
          part.rows = 0;
          ASSIGN_OR_RAISE(part.file, env_->NewWritableFile(part.tmp));
        }
        const int64_t n = std::min(batch.num_rows() - row, max_rows - part.rows);
        text.clear();
        RETURN_NOT_OK(Render(Slice(batch, row, n), part.rows == 0, &text));
        RETURN_NOT_OK(part.file->Append(text));
        part.rows += n;
        row += n;
        if (part.rows == max_rows) RETURN_NOT_OK(FinishPart(&part, entry));
      }
    }
    if (part.file != nullptr) RETURN_NOT_OK(FinishPart(&part, entry));
    return Status::OK();
  }

  static Batch Slice(const Batch& batch, int64_t start, int64_t n) {
    if (start == 0 && n == batch.num_rows()) return batch;
    std::vector<uint32_t> rows(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) rows[static_cast<size_t>(i)] = static_cast<uint32_t>(start + i);
    return batch.Select(SelectionVector(std::move(rows)));
  }

  Status Render(const Batch& batch, bool first, std::string* out) const {
    if (!options_.csv) {
      AppendJsonLines(batch, options_.json_options, out);
      return Status::OK();
    }
    CsvOptions o = options_.csv_options;
    o.header = o.header && first;  // a header starts every part file, as in Spark
    return formats::WriteCsv(batch, o, out);
  }

  Status FinishPart(Part* part, formats::SinkManifestEntry* entry) {
    const uint64_t size = part->file->Size();
    RETURN_NOT_OK(part->file->Sync());
    RETURN_NOT_OK(part->file->Close());
    part->file.reset();
    RETURN_NOT_OK(env_->RenameFile(part->tmp, options_.path + "/" + part->name));
    entry->files.push_back({part->name, size});
    return Status::OK();
  }

  Env* const env_;
  FileSinkOptions options_;
  std::unique_ptr<TimeZone> zone_;
};

Result<char> OneChar(const stream::ConnectorContext& ctx, std::string_view key, char fallback) {
  if (!ctx.options.Has(key)) return fallback;
  const std::string v = ctx.options.Get(key);
  if (v.size() == 1) return v[0];
  if (v == "\\t") return '\t';
  return BadOption(kWhat, ctx.name, key, v, "it must be a single character");
}

Result<FileSinkOptions> ParseSinkOptions(const stream::ConnectorContext& ctx) {
  const stream::Options& o = ctx.options;
  FileSinkOptions out;
  out.path = o.Get("path");
  if (out.path.empty()) return MissingOption(kWhat, ctx.name, "path", "the output directory");
  while (out.path.size() > 1 && out.path.back() == '/') out.path.pop_back();
  if (out.path.rfind("file:", 0) == 0)
    out.path = out.path.substr(out.path.rfind("file://", 0) == 0 ? 7 : 5);
  const std::string format = Lower(o.Get("format", "json"));
  if (format != "json" && format != "csv") {
    return BadOption(kWhat, ctx.name, "format", o.Get("format"), "it must be json or csv");
  }
  out.csv = format == "csv";
  for (std::string_view key : {"output_mode", "outputmode"}) {
    if (!o.Has(key)) continue;
    Result<stream::OutputMode> mode = stream::ParseOutputMode(o.Get(key));
    if (!mode.ok()) return NameOptionError(mode.status(), kWhat, ctx.name);
    if (*mode != stream::OutputMode::kAppend) {
      return Status::InvalidOption("Data source file (" + format + ") does not support " +
                                   std::string(stream::OutputModeName(*mode)) + " output mode")
          .WithHint("the file sink supports only the append output mode");
    }
  }
  if (o.Has("compression")) {
    const std::string c = Lower(o.Get("compression"));
    if (c != "none" && c != "uncompressed") {
      return BadOption(kWhat, ctx.name, "compression", o.Get("compression"),
                       "weir writes uncompressed files only ('none')");
    }
  }
  Result<int64_t> max_records = o.GetInt("maxrecordsperfile", 0);
  if (!max_records.ok()) return NameOptionError(max_records.status(), kWhat, ctx.name);
  out.max_records_per_file = *max_records;
  Result<bool> header = o.GetBool("header", false);
  Result<bool> quote_all = o.GetBool("quoteall", false);
  Result<bool> ignore_nulls = o.GetBool("ignorenullfields", true);
  for (const Result<bool>* r : {&header, &quote_all, &ignore_nulls}) {
    if (!r->ok()) return NameOptionError(r->status(), kWhat, ctx.name);
  }
  CsvOptions& csv = out.csv_options;
  csv.header = *header;
  csv.quote_all = *quote_all;
  ASSIGN_OR_RAISE(csv.sep, OneChar(ctx, o.Has("sep") ? "sep" : "delimiter", ','));
  ASSIGN_OR_RAISE(csv.quote, OneChar(ctx, "quote", '"'));
  ASSIGN_OR_RAISE(csv.escape, OneChar(ctx, "escape", '\\'));
  if (o.Has("nullvalue")) csv.null_value = o.Get("nullvalue");
  if (o.Has("emptyvalue")) csv.empty_value = o.Get("emptyvalue");
  out.json_options.ignore_null_fields = *ignore_nulls;
  return out;
}

}  // namespace

Result<stream::SinkPtr> MakeFileSink(const stream::ConnectorContext& ctx) {
  if (ctx.env == nullptr) return Status::InvalidArgument("the file sink needs an Env");
  ASSIGN_OR_RAISE(FileSinkOptions options, ParseSinkOptions(ctx));
  auto zone = std::make_unique<TimeZone>();
  if (ctx.options.Has("timezone")) {
    Result<TimeZone> z = TimeZone::Load(ctx.options.Get("timezone"));
    if (!z.ok()) {
      return BadOption(kWhat, ctx.name, "timeZone", ctx.options.Get("timezone"),
                       "it must be a time zone name or offset");
    }
    *zone = std::move(*z);
  }
  // The manifest directory exists before any part file (see the file comment).
  RETURN_NOT_OK(ctx.env->CreateDirs(formats::SinkManifestDir(options.path)));
  RETURN_NOT_OK(ctx.env->SyncDir(options.path));
  RETURN_NOT_OK(ctx.env->SyncDir(DirName(options.path)));
  return stream::SinkPtr(std::make_shared<FileSink>(ctx.env, std::move(options), std::move(zone)));
}

}  // namespace weir::connectors
