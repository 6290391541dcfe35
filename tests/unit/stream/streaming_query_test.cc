// StreamingQuery and StreamingQueryManager: start checks, names and ids, listeners,
// Stop, AwaitTermination, AwaitAnyTermination.

#include "weir/stream/streaming_query.h"

#include <gtest/gtest.h>

#include "stream_test_util.h"

namespace weir::stream {
namespace {

using testing::RecordingListener;
using testing::Rows;
using testing::StreamTest;

using StreamingQueryTest = StreamTest;

TEST_F(StreamingQueryTest, IdsAndNames) {
  QuerySpec spec = Spec("SELECT id FROM events");
  spec.name = "Counts";
  auto q = Start(std::move(spec));
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->name(), "Counts");
  EXPECT_EQ(q->id().size(), 36u);
  EXPECT_EQ(q->id()[14], '4');  // UUID version 4
  EXPECT_NE(q->id(), q->run_id());
  EXPECT_TRUE(q->is_active());
  EXPECT_EQ(manager_->Get("counts"), q);
  EXPECT_EQ(manager_->Get(q->id()), q);
  EXPECT_EQ(manager_->Get("other"), nullptr);
  EXPECT_EQ(manager_->active().size(), 1u);
  q->Stop();
  EXPECT_TRUE(manager_->active().empty());
  EXPECT_EQ(manager_->Get("counts"), nullptr);
}

TEST_F(StreamingQueryTest, NamesAndCheckpointsAreUniqueAmongActiveQueries) {
  QuerySpec a = Spec("SELECT id FROM events");
  a.name = "q";
  a.checkpoint_location = "/checkpoints/a";
  auto qa = Start(std::move(a));
  QuerySpec b = Spec("SELECT id FROM events");
  b.name = "Q";
  b.checkpoint_location = "/checkpoints/b";
  auto rb = manager_->Start(std::move(b));
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(rb.status().message().find("with name Q"), std::string::npos);
  QuerySpec c = Spec("SELECT id FROM events");
  c.checkpoint_location = "/checkpoints/a";
  auto rc = manager_->Start(std::move(c));
  ASSERT_FALSE(rc.ok());
  EXPECT_NE(rc.status().message().find("another query with same id is already active"),
            std::string::npos);
  qa->Stop();
  QuerySpec d = Spec("SELECT id FROM events");
  d.name = "q";
  d.checkpoint_location = "/checkpoints/a";
  auto qd = Start(std::move(d));
  ASSERT_NE(qd, nullptr);
  EXPECT_EQ(qd->id(), qa->id());
}

TEST_F(StreamingQueryTest, UnsupportedPlansAreRefusedBeforeAnythingRuns) {
  auto r = manager_->Start(Spec("SELECT * FROM events ORDER BY id"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("Sorting is not supported"), std::string::npos);
  EXPECT_FALSE(*env_->FileExists("/checkpoints/q"));
  EXPECT_TRUE(manager_->active().empty());
}

TEST_F(StreamingQueryTest, BadSpecsAreRefused) {
  QuerySpec no_sink = Spec("SELECT id FROM events");
  no_sink.sink = nullptr;
  EXPECT_EQ(manager_->Start(std::move(no_sink)).status().code(), StatusCode::kInvalidArgument);
  QuerySpec missing_source = Spec("SELECT id FROM clicks");
  missing_source.sources.resize(1);
  auto r = manager_->Start(std::move(missing_source));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("stream input `clicks` has index 1"), std::string::npos);
}

TEST_F(StreamingQueryTest, ListenersHearEveryEventInOrder) {
  auto listener = std::make_shared<RecordingListener>();
  manager_->AddListener(listener);
  QuerySpec spec = Spec("SELECT id FROM events");
  spec.name = "q";
  auto q = Start(std::move(spec));
  // OnQueryStarted has been delivered when Start returns.
  EXPECT_EQ(listener->events(), std::vector<std::string>{"started q"});
  EXPECT_EQ(listener->started_id(), q->id());
  EXPECT_EQ(listener->started_run_id(), q->run_id());
  AddEvents({{1, "a"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  AddEvents({{2, "b"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  q->Stop();
  EXPECT_EQ(listener->events(),
            (std::vector<std::string>{"started q", "progress 0", "progress 1", "terminated OK"}));
  manager_->RemoveListener(listener);
  auto q2 = Start(Spec("SELECT id FROM events"));
  q2->Stop();
  EXPECT_EQ(listener->events().size(), 4u);
}

TEST_F(StreamingQueryTest, IdleEventsAreThrottledToOncePer10Seconds) {
  auto listener = std::make_shared<RecordingListener>();
  manager_->AddListener(listener);
  QuerySpec spec = Spec("SELECT id FROM events");
  spec.idle_poll_micros = 1'000'000;  // each idle poll moves the manual clock by 1 s
  auto q = Start(std::move(spec));
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(q->ProcessAllAvailable().ok());
  q->Stop();
  const int64_t elapsed = clock_.NowMicros() - kStartMicros;
  EXPECT_GE(listener->idle_count(), 1);
  EXPECT_LE(listener->idle_count(), 1 + elapsed / 10'000'000);
}

TEST_F(StreamingQueryTest, StopIsIdempotentAndWorksFromAListener) {
  struct StopOnProgress final : StreamingQueryListener {
    void OnQueryProgress(const QueryProgress&) override {
      if (query) query->Stop();
    }
    StreamingQueryPtr query;
  };
  auto stopper = std::make_shared<StopOnProgress>();
  manager_->AddListener(stopper);
  auto q = Start(Spec("SELECT id FROM events"));
  stopper->query = q;
  AddEvents({{1, "a"}});
  ASSERT_TRUE(Await(q).ok());
  EXPECT_EQ(sink_->calls(), std::vector<int64_t>{0});
  q->Stop();
  q->Stop();
  EXPECT_FALSE(q->is_active());
  stopper->query = nullptr;
}

TEST_F(StreamingQueryTest, AwaitTerminationTimesOutWhileRunning) {
  auto q = Start(Spec("SELECT id FROM events"));
  auto r = q->AwaitTermination(1'000);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_FALSE(manager_->AwaitAnyTermination(1'000));
  std::thread stopper([&] { q->Stop(); });
  r = q->AwaitTermination();
  stopper.join();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_TRUE(manager_->AwaitAnyTermination(0));
  manager_->ResetTerminated();
  EXPECT_FALSE(manager_->AwaitAnyTermination(0));
}

TEST_F(StreamingQueryTest, ProcessAllAvailableAfterTheEndReturnsTheOutcome) {
  QuerySpec spec = Spec("SELECT id FROM events");
  spec.trigger = Trigger::AvailableNow();
  AddEvents({{1, "a"}});
  auto q = Start(std::move(spec));
  ASSERT_TRUE(Await(q).ok());
  EXPECT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(sink_->AllRows(), Rows{"1"});
}

TEST_F(StreamingQueryTest, AQueryThatEndedIsNotActiveOnceAwaitReturns) {
  // As Spark's StreamExecution (notifyQueryTermination before the termination latch):
  // when AwaitTermination returns, the manager no longer lists the query.
  for (int i = 0; i < 200; ++i) {
    QuerySpec spec = Spec("SELECT id FROM events");
    spec.name = "once";
    spec.trigger = Trigger::Once();
    spec.checkpoint_location = "/checkpoints/once" + std::to_string(i);
    auto q = Start(std::move(spec));
    ASSERT_NE(q, nullptr);
    ASSERT_TRUE(Await(q).ok());
    ASSERT_TRUE(manager_->active().empty()) << "iteration " << i;
    ASSERT_EQ(manager_->Get("once"), nullptr) << "iteration " << i;
  }
}

TEST_F(StreamingQueryTest, ManagerDestructorStopsItsQueries) {
  auto q = Start(Spec("SELECT id FROM events"));
  NewManager();
  EXPECT_FALSE(q->is_active());
  EXPECT_EQ(sink_->stops(), 1);
}

TEST_F(StreamingQueryTest, StreamInputTableCannotBeReadDirectly) {
  StreamInputTable table(0, "events", catalog_.events_schema);
  auto r = table.Open(0, {0});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("`events` is a stream"), std::string::npos);
}

}  // namespace
}  // namespace weir::stream
