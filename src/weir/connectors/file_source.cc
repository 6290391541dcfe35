// The streaming `file` source (Spark 3.5's FileStreamSource): watches a directory or
// a glob and turns each new file into input, exactly once.
//
// Each LatestOffset lists the path (formats::ListInputFiles, so a file sink's output
// directory yields only its committed files), leaves out hidden and in-progress
// names, and puts the files it has not seen — up to maxFilesPerTrigger, oldest or
// (latestFirst) newest first — into a new log batch N, durably recorded in the
// seen-files log (file_source_internal.h) before {"logOffset":N} is returned. Read
// (start, end) reads the files of batches (start, end], one partition per file.
//
// A file's timestamp is when the source first listed it (the Clock), not its
// modification time: weir's Env has no modification times. Ordering (latestFirst) and
// maxFileAge use it; see docs/connectors.md for what that changes against Spark.
//
// Thread-safety: the engine calls one source from one thread (stream/source.h); the
// tables Read returns are immutable and their readers update atomic counters.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"
#include "weir/connectors/file_source_internal.h"
#include "weir/formats/file_table.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "file source";
constexpr int64_t kDefaultMaxFileAgeUs = int64_t{7} * 86400 * 1000 * 1000;
constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Files still being written under a temporary name, to be renamed into place.
bool InProgress(std::string_view name) {
  return EndsWith(name, ".tmp") || EndsWith(name, "._COPYING_") || EndsWith(name, ".inprogress");
}

bool IsGlob(std::string_view path) {
  return BaseName(path).find_first_of("*?[") != std::string_view::npos;
}

// Decoder counters shared by a source and the tables it hands out.
struct ReadCounters {
  std::atomic<int64_t> malformed{0};
  std::atomic<int64_t> dropped{0};
};

// Reads one file, up to kDefaultBatchRows rows per batch, adding the decoder's
// malformed and dropped counts to `counters` as it goes.
class FileReader final : public plan::BatchReader {
 public:
  FileReader(formats::RecordDecoderPtr decoder, formats::FileContents contents, std::string path,
             std::shared_ptr<ReadCounters> counters)
      : decoder_(std::move(decoder)),
        contents_(std::move(contents)),
        counters_(std::move(counters)) {
    pos_.file = std::move(path);
  }

  Result<bool> Next(Batch* out) override {
    if (done_) return false;
    const std::string_view data = contents_.view();
    while (true) {
      Result<size_t> used =
          decoder_->DecodeSome(data.substr(offset_), /*padded=*/true, kDefaultBatchRows, &pos_);
      Publish();
      if (!used.ok()) return used.status();
      offset_ += *used;
      const bool end = *used == 0 || offset_ >= data.size();
      if (end || decoder_->buffered_rows() >= kDefaultBatchRows) {
        ASSIGN_OR_RAISE(*out, decoder_->Flush());
        done_ = end;
        return true;
      }
    }
  }

 private:
  void Publish() {
    const formats::ParseStats& s = decoder_->stats();
    counters_->malformed.fetch_add(s.malformed - published_.malformed, std::memory_order_relaxed);
    counters_->dropped.fetch_add(s.dropped - published_.dropped, std::memory_order_relaxed);
    published_ = s;
  }

  formats::RecordDecoderPtr decoder_;
  formats::FileContents contents_;
  std::shared_ptr<ReadCounters> counters_;
  formats::ParseStats published_;
  formats::InputPosition pos_;
  size_t offset_ = 0;
  bool done_ = false;
};

// The files of some log batches, one partition per file (one empty partition when
// there are none).
class FileListTable final : public plan::TableProvider {
 public:
  FileListTable(std::shared_ptr<const formats::FileFormat> format, SchemaPtr schema,
                std::vector<std::string> files, std::string description, Env* env,
                std::shared_ptr<ReadCounters> counters)
      : format_(std::move(format)),
        schema_(std::move(schema)),
        files_(std::move(files)),
        description_(std::move(description)),
        env_(env),
        counters_(std::move(counters)) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override { return description_; }
  int NumPartitions() const override {
    return files_.empty() ? 1 : static_cast<int>(files_.size());
  }

  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    if (partition < 0 || partition >= NumPartitions()) {
      return Status::InvalidArgument("partition " + std::to_string(partition) +
                                     " out of range for " + description_);
    }
    ASSIGN_OR_RAISE(formats::RecordDecoderPtr decoder, format_->MakeDecoder(schema_, columns));
    formats::FileContents contents;
    std::string path;
    if (!files_.empty()) {
      path = files_[static_cast<size_t>(partition)];
      ASSIGN_OR_RAISE(contents, formats::ReadFilePadded(env_, path));
    }
    return plan::BatchReaderPtr(std::make_unique<FileReader>(
        std::move(decoder), std::move(contents), std::move(path), counters_));
  }

 private:
  std::shared_ptr<const formats::FileFormat> format_;
  SchemaPtr schema_;
  std::vector<std::string> files_;
  std::string description_;
  Env* env_;
  std::shared_ptr<ReadCounters> counters_;
};

struct FileSourceOptions {
  std::string path;
  int64_t max_files_per_trigger = kNoLimit;
  bool latest_first = false;
  int64_t max_file_age_us = kDefaultMaxFileAgeUs;  // kNoLimit: never purge
  bool file_name_only = false;
};

class FileSource final : public stream::Source {
 public:
  FileSource(const stream::ConnectorContext& ctx, FileSourceOptions options,
             std::shared_ptr<const formats::FileFormat> format, SchemaPtr schema,
             std::unique_ptr<SeenFilesLog> log)
      : name_(ctx.name),
        env_(ctx.env),
        clock_(ctx.clock != nullptr ? ctx.clock : ctx.env->clock()),
        options_(std::move(options)),
        format_(std::move(format)),
        schema_(std::move(schema)),
        log_(std::move(log)) {
    for (const SeenBatch& batch : log_->recovered()) {
      for (const SeenFile& f : batch.files) {
        seen_[Key(f.path)] = f.timestamp_us;
        latest_ts_ = std::max(latest_ts_, f.timestamp_us);
      }
      batches_[batch.id] = batch.files;
      latest_batch_ = batch.id;
    }
  }

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override {
    const std::string& p = options_.path;
    return "FileStreamSource[" + (p.rfind("file:", 0) == 0 ? p : "file:" + p) + "]";
  }

  Result<stream::Offset> InitialOffset() override { return OffsetOf(-1); }

  Result<stream::Offset> LatestOffset(const stream::Offset& start,
                                      const stream::ReadLimit& limit) override {
    RETURN_NOT_OK(ParseOffset(start).status());
    ASSIGN_OR_RAISE(std::vector<std::string> listed, FetchAllFiles());
    const int64_t now = clock_->NowMicros();
    struct Candidate {
      int64_t ts;
      std::string path;
    };
    std::vector<Candidate> fresh;
    std::map<std::string, int64_t> pending;
    std::set<std::string> listed_keys;
    for (std::string& path : listed) {
      const std::string key = Key(path);
      listed_keys.insert(key);
      if (seen_.count(key) > 0) continue;
      auto p = pending_.find(path);
      const int64_t ts = p == pending_.end() ? now : p->second;
      pending[path] = ts;
      // Spark's SeenFilesMap.isNewFile: not seen, and not older than the last purge.
      if (ts >= last_purge_ts_) fresh.push_back({ts, std::move(path)});
    }
    pending_ = std::move(pending);  // forgets files that disappeared unread
    std::sort(fresh.begin(), fresh.end(), [&](const Candidate& a, const Candidate& b) {
      if (a.ts != b.ts) return options_.latest_first ? a.ts > b.ts : a.ts < b.ts;
      return options_.latest_first ? a.path > b.path : a.path < b.path;
    });
    const int64_t cap = limit.all_available ? kNoLimit : options_.max_files_per_trigger;
    SeenBatch batch;
    std::set<std::string> batch_keys;  // with fileNameOnly, two paths may be one file
    for (Candidate& c : fresh) {
      if (static_cast<int64_t>(batch.files.size()) >= cap) break;
      if (batch_keys.insert(Key(c.path)).second) batch.files.push_back({std::move(c.path), c.ts});
    }
    if (!batch.files.empty()) {
      batch.id = latest_batch_ + 1;
      RETURN_NOT_OK(log_->Append(batch));
      for (const SeenFile& f : batch.files) {
        seen_[Key(f.path)] = f.timestamp_us;
        latest_ts_ = std::max(latest_ts_, f.timestamp_us);
        pending_.erase(f.path);
      }
      batches_[batch.id] = std::move(batch.files);
      latest_batch_ = batch.id;
    }
    Purge(listed_keys);
    return OffsetOf(latest_batch_);
  }

  Status PrepareForAvailableNow() override {
    ASSIGN_OR_RAISE(std::vector<std::string> files, FetchAllFiles());
    available_now_ = std::move(files);
    return Status::OK();
  }

  Result<plan::TableProviderPtr> Read(const stream::Offset& start,
                                      const stream::Offset& end) override {
    ASSIGN_OR_RAISE(int64_t from, ParseOffset(start));
    ASSIGN_OR_RAISE(int64_t to, ParseOffset(end));
    if (to < from) {
      return Status::InvalidArgument("The " + std::string(kWhat) + " `" + name_ +
                                     "` cannot read from " + start + " back to " + end + ".");
    }
    std::vector<std::string> files;
    for (int64_t id = from + 1; id <= to; ++id) {
      auto it = batches_.find(id);
      if (it == batches_.end()) {
        return Status::Corruption("The " + std::string(kWhat) + " `" + name_ +
                                  "` has no log batch " + std::to_string(id) +
                                  " in its seen-files log " + log_->path() +
                                  "; its checkpoint's sources directory was changed or lost.");
      }
      for (const SeenFile& f : it->second) files.push_back(f.path);
    }
    return plan::TableProviderPtr(std::make_shared<FileListTable>(
        format_, schema_, std::move(files), std::string(format_->name()) + " " + options_.path,
        env_, counters_));
  }

  Status Commit(const stream::Offset& end) override {
    ASSIGN_OR_RAISE(int64_t to, ParseOffset(end));
    // Read never goes back before a committed end: the files' lists can go (the
    // seen_ entries stay, to keep the files from being read again).
    batches_.erase(batches_.begin(), batches_.upper_bound(to));
    return Status::OK();
  }

  stream::SourceMetrics metrics() const override {
    stream::SourceMetrics m;
    m.malformed_records = counters_->malformed.load(std::memory_order_relaxed);
    m.dropped_records = counters_->dropped.load(std::memory_order_relaxed);
    return m;
  }

 private:
  std::string Key(const std::string& path) const {
    return options_.file_name_only ? std::string(BaseName(path)) : path;
  }

  static stream::Offset OffsetOf(int64_t batch) { return OffsetJson({{"logOffset", batch}}); }

  Result<int64_t> ParseOffset(const stream::Offset& offset) const {
    ASSIGN_OR_RAISE(int64_t n,
                    OffsetField(offset, "logOffset", std::string(kWhat) + " `" + name_ + "`"));
    if (n < -1 || n > latest_batch_) {
      return Status::InvalidArgument("The " + std::string(kWhat) + " `" + name_ +
                                     "` has no offset " + offset + " (its latest is " +
                                     std::to_string(latest_batch_) + ").");
    }
    return n;
  }

  // What the path names now (or what it named when AvailableNow started), without
  // files still being written. A glob that matches nothing yet is no files.
  Result<std::vector<std::string>> FetchAllFiles() {
    if (available_now_.has_value()) return *available_now_;
    Result<std::vector<std::string>> listed = formats::ListInputFiles(options_.path, env_);
    if (!listed.ok()) {
      if (listed.status().IsNotFound() && IsGlob(options_.path)) return std::vector<std::string>();
      return listed.status();
    }
    std::vector<std::string> files;
    for (std::string& f : *listed) {
      if (!InProgress(BaseName(f))) files.push_back(std::move(f));
    }
    return files;
  }

  // Spark's SeenFilesMap.purge: forgets files older than maxFileAge before the newest
  // one. Timestamps are first-listed times, so a forgotten file still listed would
  // look new again; only files gone from the listing are forgotten (one that comes
  // back later is new, as in Spark with its new modification time).
  void Purge(const std::set<std::string>& listed_keys) {
    if (options_.max_file_age_us == kNoLimit || latest_ts_ == std::numeric_limits<int64_t>::min()) {
      return;
    }
    const int64_t threshold = latest_ts_ - options_.max_file_age_us;
    last_purge_ts_ = std::max(last_purge_ts_, threshold);
    for (auto it = seen_.begin(); it != seen_.end();) {
      if (it->second < threshold && listed_keys.count(it->first) == 0) {
        it = seen_.erase(it);
      } else {
        ++it;
      }
    }
  }

  const std::string name_;
  Env* const env_;
  Clock* const clock_;
  const FileSourceOptions options_;
  const std::shared_ptr<const formats::FileFormat> format_;
  const SchemaPtr schema_;
  std::unique_ptr<SeenFilesLog> log_;
  std::shared_ptr<ReadCounters> counters_ = std::make_shared<ReadCounters>();

  // Seen file key (path, or name with fileNameOnly) -> timestamp.
  std::map<std::string, int64_t> seen_;
  // Listed but not yet in a batch (maxFilesPerTrigger): path -> first-listed time.
  std::map<std::string, int64_t> pending_;
  // Uncommitted log batches' files.
  std::map<int64_t, std::vector<SeenFile>> batches_;
  int64_t latest_batch_ = -1;
  int64_t latest_ts_ = std::numeric_limits<int64_t>::min();
  int64_t last_purge_ts_ = std::numeric_limits<int64_t>::min();
  std::optional<std::vector<std::string>> available_now_;
};

Result<FileSourceOptions> ParseSourceOptions(const stream::ConnectorContext& ctx) {
  const stream::Options& o = ctx.options;
  FileSourceOptions out;
  out.path = o.Get("path");
  if (out.path.empty()) {
    return MissingOption(kWhat, ctx.name, "path", "the directory (or glob) to watch");
  }
  if (o.Has("maxfilespertrigger")) {
    Result<int64_t> n = o.GetInt("maxfilespertrigger", 0);
    if (!n.ok() || *n <= 0) {
      return BadOption(kWhat, ctx.name, "maxFilesPerTrigger", o.Get("maxfilespertrigger"),
                       "it must be a positive integer");
    }
    out.max_files_per_trigger = *n;
  }
  Result<bool> latest_first = o.GetBool("latestfirst", false);
  if (!latest_first.ok()) return NameOptionError(latest_first.status(), kWhat, ctx.name);
  out.latest_first = *latest_first;
  Result<bool> name_only = o.GetBool("filenameonly", false);
  if (!name_only.ok()) return NameOptionError(name_only.status(), kWhat, ctx.name);
  out.file_name_only = *name_only;
  if (o.Has("maxfileage")) {
    std::optional<int64_t> age = ParseSparkTimeMicros(o.Get("maxfileage"));
    if (!age.has_value()) {
      return BadOption(kWhat, ctx.name, "maxFileAge", o.Get("maxfileage"),
                       "it must be a time like '7d', '12h', '30m', '10s' or '500ms'");
    }
    out.max_file_age_us = *age;
  }
  // Spark (SPARK-19813): with latestFirst and maxFilesPerTrigger, maxFileAge would
  // drop older files that are still to be read, so it is ignored.
  if (out.latest_first && out.max_files_per_trigger != kNoLimit) out.max_file_age_us = kNoLimit;
  if (o.Has("cleansource")) {
    std::string v = o.Get("cleansource");
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v != "off") {
      return BadOption(kWhat, ctx.name, "cleanSource", o.Get("cleansource"),
                       "weir's file source does not archive or delete files; only 'off' is "
                       "supported");
    }
  }
  return out;
}

// The rows' schema: the declared one; text's `value STRING`; or, with schemaInference,
// inferred from the files present now (Spark's spark.sql.streaming.schemaInference).
Result<SchemaPtr> ResolveSourceSchema(const stream::ConnectorContext& ctx,
                                      const formats::FileFormat& format, const std::string& path) {
  if (ctx.schema != nullptr || format.kind() == formats::FileFormat::Kind::kText) {
    return format.ResolveSchema({}, ctx.schema, ctx.env);
  }
  bool infer = false;
  for (std::string_view key : {"schemainference", "spark.sql.streaming.schemainference"}) {
    Result<bool> v = ctx.options.GetBool(key, false);
    if (!v.ok()) return NameOptionError(v.status(), kWhat, ctx.name);
    infer = infer || *v;
  }
  if (!infer) {
    return Status::InvalidOption(
               "Schema must be specified when creating a streaming source DataFrame. If some "
               "files already exist in the directory, then depending on the file format you may "
               "be able to create a static DataFrame on that directory with "
               "'spark.read.load(directory)' and infer schema from it.")
        .WithHint("declare the columns of the file source `" + ctx.name +
                  "`, or set schemaInference = 'true' to infer them from the files present "
                  "when it starts");
  }
  Result<std::vector<std::string>> files = formats::ListInputFiles(path, ctx.env);
  if (!files.ok() && !(files.status().IsNotFound() && IsGlob(path))) return files.status();
  std::vector<std::string> present;
  if (files.ok()) {
    for (std::string& f : *files) {
      if (!InProgress(BaseName(f))) present.push_back(std::move(f));
    }
  }
  return format.ResolveSchema(present, nullptr, ctx.env);
}

}  // namespace

Result<stream::SourcePtr> MakeFileSource(const stream::ConnectorContext& ctx) {
  if (ctx.env == nullptr) return Status::InvalidArgument("the file source needs an Env");
  ASSIGN_OR_RAISE(FileSourceOptions options, ParseSourceOptions(ctx));
  const std::string format_name = ctx.options.Get("format", "json");
  Result<std::shared_ptr<const formats::FileFormat>> format =
      formats::FileFormat::Make(format_name, ctx.options.all());
  if (!format.ok()) return NameOptionError(format.status(), kWhat, ctx.name);
  // The directory must exist (Spark's dataPathNotExistError); a glob may match later.
  if (!IsGlob(options.path)) RETURN_NOT_OK(formats::ListInputFiles(options.path, ctx.env).status());
  ASSIGN_OR_RAISE(SchemaPtr schema, ResolveSourceSchema(ctx, **format, options.path));
  ASSIGN_OR_RAISE(std::unique_ptr<SeenFilesLog> log, SeenFilesLog::Open(ctx.env, ctx.metadata_dir));
  return stream::SourcePtr(std::make_shared<FileSource>(ctx, std::move(options), std::move(*format),
                                                        std::move(schema), std::move(log)));
}

void RegisterFileConnectors(stream::ConnectorRegistry* registry) {
  registry->RegisterSource("file", MakeFileSource);
  registry->RegisterSink("file", MakeFileSink);
}

}  // namespace weir::connectors
