#include "weir/connectors/socket_source.h"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"
#include "weir/connectors/socket_wal.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "socket source";
constexpr int kPollMillis = 100;
constexpr size_t kRecvBytes = 64 << 10;

// Splits a byte stream into lines as Java's BufferedReader.readLine does ("\n",
// "\r\n" or "\r"; a last line without a terminator at the end of the stream), cutting
// lines longer than `max_bytes` at a UTF-8 character boundary.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_bytes) : max_bytes_(std::max<size_t>(max_bytes, 4)) {}

  void Feed(const char* p, size_t n, std::vector<std::string>* out) {
    size_t i = 0;
    if (pending_cr_ && n > 0) {
      if (p[0] == '\n') i = 1;  // the "\n" of a "\r\n" split across reads
      pending_cr_ = false;
    }
    while (i < n) {
      size_t j = i;
      while (j < n && p[j] != '\n' && p[j] != '\r') ++j;
      Add(p + i, j - i, out);
      if (j == n) return;
      out->push_back(std::move(line_));
      line_.clear();
      if (p[j] == '\r') {
        if (j + 1 == n) {
          pending_cr_ = true;
        } else if (p[j + 1] == '\n') {
          ++j;
        }
      }
      i = j + 1;
    }
  }

  // The end of the stream: an unterminated last line is a line.
  void Finish(std::vector<std::string>* out) {
    if (!line_.empty()) out->push_back(std::move(line_));
    line_.clear();
  }

  int64_t split_lines() const { return split_lines_; }

 private:
  void Add(const char* p, size_t n, std::vector<std::string>* out) {
    while (n > 0) {
      const size_t room = max_bytes_ - line_.size();
      if (n <= room) {
        line_.append(p, n);
        return;
      }
      line_.append(p, room);
      p += room;
      n -= room;
      // The line is full and goes on: emit it up to its last whole character.
      const size_t cut = CharBoundary(line_);
      std::string rest = line_.substr(cut);
      line_.resize(cut);
      out->push_back(std::move(line_));
      line_ = std::move(rest);
      ++split_lines_;
    }
  }

  // The largest prefix length of `s` that does not end inside a UTF-8 sequence.
  static size_t CharBoundary(const std::string& s) {
    const size_t size = s.size();
    for (size_t back = 1; back <= 4 && back <= size; ++back) {
      const auto b = static_cast<unsigned char>(s[size - back]);
      if ((b & 0xC0) == 0x80) continue;  // a continuation byte
      const size_t len = b < 0x80         ? 1
                         : (b >> 5) == 6  ? 2
                         : (b >> 4) == 14 ? 3
                         : (b >> 3) == 30 ? 4
                                          : 1;
      return len > back && size - back > 0 ? size - back : size;
    }
    return size;
  }

  size_t max_bytes_;
  std::string line_;
  bool pending_cr_ = false;
  int64_t split_lines_ = 0;
};

std::string Endpoint(const std::string& host, int port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

// A connected, non-blocking TCP socket, or an error. Gives up early when *stop is set.
Result<int> ConnectTcp(const std::string& host, int port, int64_t timeout_ms,
                       const std::atomic<bool>& stop) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    return Status::IoError("cannot resolve host '" + host + "': " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  int err = ECONNREFUSED;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd =
        socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) return fd;
    err = errno;
    if (err == EINPROGRESS) {
      err = ETIMEDOUT;
      for (int64_t waited = 0; waited < timeout_ms && !stop.load();) {
        pollfd pfd{fd, POLLOUT, 0};
        const int r = poll(&pfd, 1, kPollMillis);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
          err = errno;
          break;
        }
        if (r == 0) {
          waited += kPollMillis;
          continue;
        }
        int so_error = 0;
        socklen_t len = sizeof(so_error);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) so_error = errno;
        if (so_error == 0) return fd;
        err = so_error;
        break;
      }
    }
    close(fd);
    if (stop.load()) return Status::Cancelled("stopped while connecting");
  }
  return Status::IoError(std::strerror(err), err);
}

class SocketSource final : public stream::Source {
 public:
  SocketSource(const stream::ConnectorContext& ctx, std::string host, int port,
               bool include_timestamp, const SocketSourceLimits& limits)
      : name_(ctx.name),
        env_(ctx.env != nullptr ? ctx.env : Env::Default()),
        clock_(ctx.clock != nullptr ? ctx.clock : SystemClock()),
        wal_dir_(ctx.metadata_dir.empty() ? "" : ctx.metadata_dir + "/wal"),
        host_(std::move(host)),
        port_(port),
        include_timestamp_(include_timestamp),
        limits_(limits) {
    std::vector<Field> fields{Field{"value", DataType::String()}};
    if (include_timestamp_) fields.push_back(Field{"timestamp", DataType::Timestamp()});
    schema_ = MakeSchema(std::move(fields));
  }

  ~SocketSource() override { Stop(); }

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override {
    return "TextSocketV2[host: " + host_ + ", port: " + std::to_string(port_) + "]";
  }

  Result<stream::Offset> InitialOffset() override {
    RETURN_NOT_OK(StartReading());
    // Lines kept from a run that stopped before its first epoch are read too.
    return MakeOffset(wal_->first_line());
  }

  Result<stream::Offset> LatestOffset(const stream::Offset& start,
                                      const stream::ReadLimit& /*limit*/) override {
    ASSIGN_OR_RAISE(int64_t s, Parse(start));
    RETURN_NOT_OK(StartReading());
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(limits_.connect_timeout_ms + 1000),
                   [&] { return connect_done_ || stop_.load(); });
      if (!error_.ok()) return error_;
    }
    const int64_t logged = wal_->lines();
    if (s > logged) {
      return Status::InvalidArgument("The socket source `" + name_ + "` is asked for lines after " +
                                     std::to_string(s) + " but its write-ahead log in " + wal_dir_ +
                                     " holds only " + std::to_string(logged) +
                                     "; was the checkpoint's sources directory deleted?");
    }
    int64_t latest = logged;
    if (available_now_ >= 0) latest = std::min(latest, available_now_);
    return MakeOffset(std::max(s, latest));
  }

  Status PrepareForAvailableNow() override {
    RETURN_NOT_OK(OpenWal());
    available_now_ = wal_->lines();
    return Status::OK();
  }

  Result<plan::TableProviderPtr> Read(const stream::Offset& start,
                                      const stream::Offset& end) override {
    ASSIGN_OR_RAISE(int64_t s, Parse(start));
    ASSIGN_OR_RAISE(int64_t e, Parse(end));
    RETURN_NOT_OK(OpenWal());
    Result<plan::TableProviderPtr> table = wal_->ReadRange(s, e, schema_, include_timestamp_);
    if (!table.ok()) return table.status().WithContext("socket source `" + name_ + "`");
    return table;
  }

  Status Commit(const stream::Offset& end) override {
    ASSIGN_OR_RAISE(int64_t e, Parse(end));
    RETURN_NOT_OK(OpenWal());
    return wal_->DeleteBefore(e);
  }

  void Stop() override {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
  }

  stream::SourceMetrics metrics() const override {
    stream::SourceMetrics m;
    m.malformed_records = split_lines_.load();
    return m;
  }

 private:
  static stream::Offset MakeOffset(int64_t lines) { return OffsetJson({{"lines", lines}}); }

  Result<int64_t> Parse(const stream::Offset& offset) const {
    const std::string what = "socket source `" + name_ + "`";
    ASSIGN_OR_RAISE(int64_t n, OffsetField(offset, "lines", what));
    if (n < 0) {
      return Status::InvalidArgument("The " + what + " cannot read the offset '" + offset +
                                     "': negative line count.");
    }
    return n;
  }

  Status OpenWal() {
    if (wal_ != nullptr) return Status::OK();
    if (wal_dir_.empty()) {
      return Status::InvalidArgument("The socket source `" + name_ +
                                     "` needs the query's checkpoint directory for its "
                                     "write-ahead log.");
    }
    Result<std::unique_ptr<SocketWal>> wal = SocketWal::Open(env_, wal_dir_, limits_.segment_bytes);
    if (!wal.ok()) return wal.status().WithContext("socket source `" + name_ + "` write-ahead log");
    wal_ = std::move(*wal);
    return Status::OK();
  }

  Status StartReading() {
    RETURN_NOT_OK(OpenWal());
    if (!thread_.joinable() && !stop_.load()) thread_ = std::thread([this] { Run(); });
    return Status::OK();
  }

  void SetError(Status st) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) error_ = std::move(st);
  }

  // The reader thread: connects, then logs every line until the end of the stream, an
  // error or Stop().
  void Run() {
    Result<int> fd = ConnectTcp(host_, port_, limits_.connect_timeout_ms, stop_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      connect_done_ = true;
      if (fd.ok()) {
        fd_ = *fd;
      } else if (!stop_.load()) {
        error_ = Status(fd.status().code(), "[SOCKET] The socket source `" + name_ +
                                                "` cannot connect to " + Endpoint(host_, port_) +
                                                ": " + fd.status().message())
                     .WithHint("start a server there first (e.g. `nc -lk " + std::to_string(port_) +
                               "`), or fix the host and port options");
      }
    }
    cv_.notify_all();
    if (!fd.ok()) return;

    std::vector<char> buf(kRecvBytes);
    LineSplitter splitter(static_cast<size_t>(limits_.max_line_bytes));
    std::vector<std::string> lines;
    while (!stop_.load()) {
      pollfd pfd{*fd, POLLIN, 0};
      const int r = poll(&pfd, 1, kPollMillis);
      if (r == 0 || (r < 0 && errno == EINTR)) continue;
      ssize_t n = r < 0 ? -1 : recv(*fd, buf.data(), buf.size(), 0);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        SetError(Status::IoError("[SOCKET] The socket source `" + name_ + "` lost " +
                                     Endpoint(host_, port_) + ": " + std::strerror(errno),
                                 errno));
        return;
      }
      if (n == 0) {
        splitter.Finish(&lines);
      } else {
        splitter.Feed(buf.data(), static_cast<size_t>(n), &lines);
      }
      split_lines_.store(splitter.split_lines());
      if (!lines.empty()) {
        // Spark stamps lines with millisecond precision.
        const int64_t now_ms = clock_->NowMicros() / 1000;
        Status st = wal_->Append(now_ms * 1000, lines);
        lines.clear();
        if (!st.ok()) {
          SetError(st.WithContext("socket source `" + name_ + "` write-ahead log"));
          return;
        }
      }
      if (n == 0) return;  // the server closed the connection: no more lines
    }
  }

  std::string name_;
  Env* env_;
  Clock* clock_;
  std::string wal_dir_;
  std::string host_;
  int port_;
  bool include_timestamp_;
  SocketSourceLimits limits_;
  SchemaPtr schema_;
  std::unique_ptr<SocketWal> wal_;  // opened on first use; then only read by both threads
  int64_t available_now_ = -1;

  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> split_lines_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool connect_done_ = false;  // guarded by mu_
  Status error_;               // guarded by mu_; the first failure, reported by LatestOffset
  int fd_ = -1;                // set under mu_ by the reader; closed by Stop after the join
};

}  // namespace

Result<stream::SourcePtr> MakeSocketSource(const stream::ConnectorContext& ctx,
                                           const SocketSourceLimits& limits) {
  const stream::Options& o = ctx.options;
  const std::string hint = "e.g. WITH (connector = 'socket', host = 'localhost', port = '9999')";
  if (!o.Has("host") || o.Get("host").empty()) return MissingOption(kWhat, ctx.name, "host", hint);
  if (!o.Has("port")) return MissingOption(kWhat, ctx.name, "port", hint);
  Result<int64_t> port = o.GetInt("port", 0);
  if (!port.ok()) return NameOptionError(port.status(), kWhat, ctx.name);
  if (*port < 1 || *port > 65535) {
    return BadOption(kWhat, ctx.name, "port", o.Get("port"),
                     "it must be a TCP port between 1 and 65535", hint);
  }
  Result<bool> include_timestamp = o.GetBool("includeTimestamp", false);
  if (!include_timestamp.ok()) return NameOptionError(include_timestamp.status(), kWhat, ctx.name);
  if (limits.max_line_bytes < 4 || limits.max_line_bytes > kMaxWalRecordBytes ||
      limits.segment_bytes < 1) {
    return Status::InvalidArgument("socket source limits out of range");
  }
  return std::make_shared<SocketSource>(ctx, o.Get("host"), static_cast<int>(*port),
                                        *include_timestamp, limits);
}

void RegisterSocketSource(stream::ConnectorRegistry* registry) {
  registry->RegisterSource("socket", [](const stream::ConnectorContext& ctx) {
    return MakeSocketSource(ctx, SocketSourceLimits{});
  });
}

}  // namespace weir::connectors
