// The socket source against a real TCP server on 127.0.0.1: Java readLine's line
// ends, the write-ahead log that makes epochs replayable after a restart, commit
// cleanup, oversized lines, and connection errors as Status.

#include "weir/connectors/socket_source.h"

#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weir/connectors/socket_wal.h"

#include "tests/unit/connectors/basic_connectors_test_util.h"

namespace weir::connectors {
namespace {

using testing::Context;
using testing::ReadAll;
using testing::Strings;

// A one-client TCP server on 127.0.0.1 and a free port.
class TestServer {
 public:
  TestServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listen_fd_, 4), 0);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~TestServer() {
    CloseClient();
    close(listen_fd_);
  }
  int port() const { return port_; }

  // Waits up to 10 s for the source to connect.
  bool Accept() {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (poll(&pfd, 1, 10000) != 1) return false;
    client_fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    return client_fd_ >= 0;
  }
  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = send(client_fd_, data.data(), data.size(), MSG_NOSIGNAL);
      ASSERT_GT(n, 0);
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
  void CloseClient() {
    if (client_fd_ >= 0) close(client_fd_);
    client_fd_ = -1;
  }

 private:
  int listen_fd_ = -1;
  int client_fd_ = -1;
  int port_ = 0;
};

stream::Offset Lines(int64_t n) { return "{\"lines\":" + std::to_string(n) + "}"; }

class SocketTest : public ::testing::Test {
 protected:
  Result<stream::SourcePtr> Make(int port, testing::OptionList extra = {},
                                 SocketSourceLimits limits = {}) {
    extra.emplace_back("connector", "socket");
    extra.emplace_back("host", "127.0.0.1");
    extra.emplace_back("port", std::to_string(port));
    stream::ConnectorContext ctx = Context("lines", extra, env_.get(), &clock_);
    ctx.metadata_dir = "/ckpt/sources/0";
    limits.connect_timeout_ms = 5000;
    return MakeSocketSource(ctx, limits);
  }
  stream::SourcePtr MakeOk(int port, testing::OptionList extra = {},
                           SocketSourceLimits limits = {}) {
    Result<stream::SourcePtr> s = Make(port, std::move(extra), limits);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : nullptr;
  }
  // Polls LatestOffset until it reaches `lines` (10 s at most).
  static void WaitFor(const stream::SourcePtr& s, const stream::Offset& start, int64_t lines) {
    Result<stream::Offset> latest = start;
    for (int i = 0; i < 1000; ++i) {
      latest = s->LatestOffset(start, {});
      ASSERT_TRUE(latest.ok()) << latest.status();
      if (*latest == Lines(lines)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "stuck at " << *latest << ", waiting for " << lines << " lines";
  }
  Strings Read(const stream::SourcePtr& s, int64_t from, int64_t to) {
    Result<plan::TableProviderPtr> t = s->Read(Lines(from), Lines(to));
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? ReadAll(**t) : Strings{};
  }
  std::vector<std::string> WalFiles() {
    Result<std::vector<std::string>> names = env_->GetChildren("/ckpt/sources/0/wal");
    return names.ok() ? *names : std::vector<std::string>{};
  }

  ManualClock clock_{1700000000123456};
  std::unique_ptr<Env> env_ = NewMemEnv(&clock_);
};

TEST_F(SocketTest, OptionsAreChecked) {
  stream::ConnectorRegistry r = testing::Registry();
  struct Case {
    testing::OptionList options;
    std::string needle;
  };
  for (const Case& c : std::vector<Case>{
           {{{"port", "9999"}}, "'host'"},
           {{{"host", "localhost"}}, "'port'"},
           {{{"host", "localhost"}, {"port", "http"}}, "'http'"},
           {{{"host", "localhost"}, {"port", "70000"}}, "'70000'"},
           {{{"host", "localhost"}, {"port", "0"}}, "'0'"},
           {{{"host", "localhost"}, {"port", "1"}, {"includeTimestamp", "maybe"}}, "'maybe'"}}) {
    Result<stream::SourcePtr> s = r.MakeSource("socket", Context("lines", c.options));
    ASSERT_FALSE(s.ok()) << c.needle;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidOption);
    EXPECT_NE(s.status().message().find(c.needle), std::string::npos) << s.status().message();
    EXPECT_NE(s.status().message().find("socket source `lines`"), std::string::npos)
        << s.status().message();
  }
  // Creating a source (as CREATE SOURCE does to learn its columns) neither connects
  // nor writes anything.
  Result<stream::SourcePtr> probe =
      r.MakeSource("socket", Context("lines", {{"host", "localhost"}, {"port", "1"}}));
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ((*probe)->schema()->ToString(), "struct<value:string>");
  EXPECT_EQ((*probe)->Describe(), "TextSocketV2[host: localhost, port: 1]");
  (*probe)->Stop();
  (*probe)->Stop();
  // Without a checkpoint directory there is nowhere to log: an error, not a crash.
  EXPECT_EQ((*probe)->InitialOffset().status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SocketTest, ReadsLinesAsJavaReadLineSplitsThem) {
  TestServer server;
  stream::SourcePtr s = MakeOk(server.port(), {{"includeTimestamp", "true"}});
  EXPECT_EQ(s->schema()->ToString(), "struct<value:string,timestamp:timestamp>");
  ASSERT_EQ(*s->InitialOffset(), Lines(0));
  ASSERT_TRUE(server.Accept());
  server.Send("hello\nw\xC3\xB6rld\r\n\nx\r");
  WaitFor(s, Lines(0), 4);
  server.Send("\ny");    // "\r\n" split over two reads is one line end
  server.CloseClient();  // at the end of the stream, "y" is a line
  WaitFor(s, Lines(4), 5);
  EXPECT_EQ(Read(s, 0, 5),
            Strings({"hello | 2023-11-14 22:13:20.123", "w\xC3\xB6rld | 2023-11-14 22:13:20.123",
                     " | 2023-11-14 22:13:20.123", "x | 2023-11-14 22:13:20.123",
                     "y | 2023-11-14 22:13:20.123"}));
  EXPECT_EQ(Read(s, 3, 4), Strings({"x | 2023-11-14 22:13:20.123"}));
  // The server is gone: no error, no new lines (Spark stops reading too).
  EXPECT_EQ(*s->LatestOffset(Lines(5), {}), Lines(5));
  EXPECT_EQ(s->metrics().malformed_records, 0);
}

TEST_F(SocketTest, WriteAheadLogReplaysAfterRestart) {
  Strings first_read;
  {
    TestServer server;
    stream::SourcePtr s = MakeOk(server.port());
    ASSERT_TRUE(s->InitialOffset().ok());
    ASSERT_TRUE(server.Accept());
    server.Send("a\nb\nc\nd\n");
    WaitFor(s, Lines(0), 4);
    first_read = Read(s, 1, 3);
    EXPECT_EQ(first_read, Strings({"b", "c"}));
    s->Stop();
  }  // the source and the server are gone; the log stays in the checkpoint
  TestServer server;
  stream::SourcePtr again = MakeOk(server.port());
  // Replaying a recorded epoch needs no connection.
  EXPECT_EQ(Read(again, 1, 3), first_read);
  EXPECT_EQ(Read(again, 0, 4), Strings({"a", "b", "c", "d"}));
  // New lines continue the numbering.
  EXPECT_EQ(*again->InitialOffset(), Lines(0));
  ASSERT_TRUE(server.Accept());
  server.Send("e\n");
  WaitFor(again, Lines(4), 5);
  EXPECT_EQ(Read(again, 4, 5), Strings({"e"}));
  // Offsets beyond the log are refused.
  EXPECT_FALSE(again->Read(Lines(4), Lines(9)).ok());
  EXPECT_FALSE(again->LatestOffset(Lines(9), {}).ok());
  EXPECT_FALSE(again->LatestOffset("{\"line\":1}", {}).ok());
}

TEST_F(SocketTest, CommitDeletesWholeSegments) {
  TestServer server;
  SocketSourceLimits limits;
  limits.segment_bytes = 1;  // a segment per append
  stream::SourcePtr s = MakeOk(server.port(), {}, limits);
  ASSERT_TRUE(s->InitialOffset().ok());
  ASSERT_TRUE(server.Accept());
  for (int i = 0; i < 5; ++i) {
    server.Send("line" + std::to_string(i) + "\n");
    WaitFor(s, Lines(i), i + 1);
  }
  EXPECT_EQ(WalFiles().size(), 5u);
  ASSERT_TRUE(s->Commit(Lines(3)).ok());
  EXPECT_EQ(WalFiles(), std::vector<std::string>({WalSegmentName(3), WalSegmentName(4)}));
  EXPECT_EQ(Read(s, 3, 5), Strings({"line3", "line4"}));
  Result<plan::TableProviderPtr> gone = s->Read(Lines(2), Lines(5));
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("[3, 5)"), std::string::npos) << gone.status();
  // Committing the last segment's lines keeps it (it is still appended to).
  ASSERT_TRUE(s->Commit(Lines(5)).ok());
  EXPECT_EQ(WalFiles(), std::vector<std::string>({WalSegmentName(4)}));
  s->Stop();
  // A restarted source starts at the first line kept.
  stream::SourcePtr restarted = MakeOk(server.port());
  EXPECT_EQ(Read(restarted, 4, 5), Strings({"line4"}));
  EXPECT_EQ(*restarted->InitialOffset(), Lines(4));
}

TEST_F(SocketTest, OversizedLinesAreSplitAtCharacterBoundaries) {
  TestServer server;
  SocketSourceLimits limits;
  limits.max_line_bytes = 10;
  stream::SourcePtr s = MakeOk(server.port(), {}, limits);
  ASSERT_TRUE(s->InitialOffset().ok());
  ASSERT_TRUE(server.Accept());
  // 25 bytes -> 10 + 10 + 5; "a" + six 2-byte "é" (13 bytes) is cut before byte 10,
  // which would split an "é".
  const std::string e = "\xC3\xA9";
  server.Send("abcdefghijklmnopqrstuvwxy\nok\na" + e + e + e + e + e + e + "\n0123456789\n");
  WaitFor(s, Lines(0), 7);
  EXPECT_EQ(Read(s, 0, 7), Strings({"abcdefghij", "klmnopqrst", "uvwxy", "ok", "a" + e + e + e + e,
                                    e + e, "0123456789"}));
  EXPECT_EQ(s->metrics().malformed_records, 3);
}

TEST_F(SocketTest, ConnectionRefusedIsReportedByLatestOffset) {
  int port = 0;
  {
    TestServer closed;  // bound, then closed: nothing listens there
    port = closed.port();
  }
  stream::SourcePtr s = MakeOk(port);
  ASSERT_TRUE(s->InitialOffset().ok());
  Result<stream::Offset> latest = s->LatestOffset(Lines(0), {});
  ASSERT_FALSE(latest.ok());
  EXPECT_TRUE(latest.status().IsIoError()) << latest.status();
  EXPECT_NE(latest.status().message().find("cannot connect to 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << latest.status();
  EXPECT_NE(latest.status().hint().find("nc -lk"), std::string::npos);
  // It stays failed; the log is still readable.
  EXPECT_FALSE(s->LatestOffset(Lines(0), {}).ok());
  EXPECT_TRUE(s->Read(Lines(0), Lines(0)).ok());
}

TEST(SocketWal, TornTailIsCutOffAndCorruptionDetected) {
  std::unique_ptr<Env> env = NewMemEnv();
  SchemaPtr schema = MakeSchema({Field{"value", DataType::String()}});
  const std::string dir = "/wal";
  uint64_t size = 0;
  {
    auto wal = SocketWal::Open(env.get(), dir, 1 << 20);
    ASSERT_TRUE(wal.ok()) << wal.status();
    ASSERT_TRUE((*wal)->Append(5, {"a", "b"}).ok());
    EXPECT_EQ((*wal)->lines(), 2);
    size = *env->GetFileSize(dir + "/" + WalSegmentName(0));
  }
  // A crash in the middle of an append leaves a partial record behind.
  for (const std::string& tail :
       {std::string("\x05\x00\x00", 3), std::string(20, '\x01'),
        std::string("\x02\x00\x00\x00\x00\x00\x00\x00", 8) + std::string(8, '\0') + "zz"}) {
    {
      auto f = env->NewAppendableFile(dir + "/" + WalSegmentName(0));
      ASSERT_TRUE(f.ok());
      ASSERT_TRUE((*f)->Append(tail).ok());
      ASSERT_TRUE((*f)->Close().ok());
    }
    auto wal = SocketWal::Open(env.get(), dir, 1 << 20);
    ASSERT_TRUE(wal.ok()) << wal.status();
    EXPECT_EQ((*wal)->lines(), 2);
    EXPECT_EQ(*env->GetFileSize(dir + "/" + WalSegmentName(0)), size);
  }
  {
    auto wal = SocketWal::Open(env.get(), dir, 1);  // roll at every append from now on
    ASSERT_TRUE(wal.ok());
    ASSERT_TRUE((*wal)->Append(6, {"c"}).ok());
    auto t = (*wal)->ReadRange(0, 3, schema, false);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(ReadAll(**t), Strings({"a", "b", "c"}));
  }
  // A flipped bit in a complete segment is Corruption when read, never a crash.
  const std::string path = dir + "/" + WalSegmentName(0);
  std::string bytes = *ReadFileToString(env.get(), path);
  bytes[bytes.size() - 1] ^= 0x20;
  ASSERT_TRUE(WriteStringToFileSync(env.get(), bytes, path).ok());
  auto wal = SocketWal::Open(env.get(), dir, 1);
  ASSERT_TRUE(wal.ok());
  EXPECT_EQ((*wal)->lines(), 3);
  auto t = (*wal)->ReadRange(0, 3, schema, false);
  ASSERT_TRUE(t.ok());
  Status st = testing::ReadError(**t);
  EXPECT_TRUE(st.IsCorruption()) << st;
  // Lines past the flipped one, in the next segment, still read.
  t = (*wal)->ReadRange(2, 3, schema, false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ReadAll(**t), Strings({"c"}));
}

}  // namespace
}  // namespace weir::connectors
