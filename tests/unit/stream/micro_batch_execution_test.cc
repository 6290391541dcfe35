// The micro-batch loop: epochs, triggers, progress, restart from the checkpoint and
// failures, with a memory source, a recording sink, a ManualClock and a MemEnv.

#include "weir/stream/micro_batch_execution.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

#include "weir/stream/stream_internal.h"

#include "stream_test_util.h"

namespace weir::stream {
namespace {

using testing::Rows;
using testing::StreamTest;
using testing::TestSource;

using MicroBatchTest = StreamTest;

TEST_F(MicroBatchTest, DefaultTriggerRunsOneEpochPerArrival) {
  auto q = Start(Spec("SELECT id, upper(name) AS n FROM events WHERE id > 1"));
  ASSERT_NE(q, nullptr);
  AddEvents({{1, "a"}, {2, "b"}, {3, "c"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  AddEvents({{4, "d"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  auto epochs = sink_->epochs();
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[0], (Rows{"2|B", "3|C"}));
  EXPECT_EQ(epochs[1], (Rows{"4|D"}));
  EXPECT_EQ(sink_->schema()->field(1).name, "n");
  EXPECT_EQ(events_source_->reads(), (std::vector<std::string>{"0-1", "1-2"}));
  EXPECT_EQ(events_source_->commits(), (std::vector<int64_t>{1, 2}));
  q->Stop();
  EXPECT_FALSE(q->is_active());
  EXPECT_TRUE(q->exception().ok());
  EXPECT_EQ(sink_->stops(), 1);
  EXPECT_EQ(events_source_->stops(), 1);
  EXPECT_EQ(q->status().message, "Stopped");
}

TEST_F(MicroBatchTest, NoEpochWithoutNewData) {
  auto q = Start(Spec("SELECT id FROM events"));
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_TRUE(sink_->calls().empty());
  EXPECT_FALSE(q->last_progress().has_value());
  EXPECT_EQ(q->status().message, "Waiting for data to arrive");
  AddEvents({{1, "a"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(sink_->calls(), std::vector<int64_t>{0});
  // The checkpoint holds exactly the one epoch.
  EXPECT_EQ(*env_->GetChildren("/checkpoints/q/offsets"), std::vector<std::string>{"0"});
  EXPECT_EQ(*env_->GetChildren("/checkpoints/q/commits"), std::vector<std::string>{"0"});
}

TEST_F(MicroBatchTest, ProgressReportsEveryField) {
  QuerySpec spec = Spec("SELECT id FROM events WHERE id % 2 = 0");
  spec.name = "evens";
  sink_->set_delivery(Delivery::kAtLeastOnce);
  auto q = Start(std::move(spec));
  events_source_->SetMetrics({5, 2});
  AddEvents({{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  auto p = q->last_progress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->id, q->id());
  EXPECT_EQ(p->run_id, q->run_id());
  EXPECT_EQ(p->name, "evens");
  EXPECT_EQ(p->batch_id, 0);
  EXPECT_EQ(p->num_input_rows, 4);
  EXPECT_EQ(p->input_rows_per_second, 0.0);         // first epoch: no previous trigger
  EXPECT_EQ(p->processed_rows_per_second, 4000.0);  // at least 1 ms of processing
  for (const char* key : {"addBatch", "commitOffsets", "getBatch", "latestOffset", "queryPlanning",
                          "triggerExecution", "walCommit"}) {
    EXPECT_EQ(p->duration_ms.count(key), 1u) << key;
  }
  ASSERT_EQ(p->sources.size(), 2u);
  EXPECT_EQ(p->sources[0].description, "MemoryStream[events]");
  EXPECT_EQ(p->sources[0].start_offset, "{\"batch\":0}");
  EXPECT_EQ(p->sources[0].end_offset, "{\"batch\":1}");
  EXPECT_EQ(p->sources[0].latest_offset, "{\"batch\":1}");
  EXPECT_EQ(p->sources[0].num_input_rows, 4);
  EXPECT_EQ(p->sources[0].num_malformed_records, 5);
  EXPECT_EQ(p->sources[0].num_dropped_records, 2);
  EXPECT_EQ(p->sources[1].num_input_rows, 0);  // clicks: not in the plan, nothing new
  EXPECT_EQ(p->sink.description, "RecordingSink");
  EXPECT_EQ(p->sink.num_output_rows, 2);
  EXPECT_FALSE(p->sink.exactly_once);
  EXPECT_GE(p->timestamp_micros, kStartMicros);  // idle polls move the manual clock

  // The second epoch: rates over the time since the first trigger; metrics per epoch.
  clock_.Advance(2'000'000);
  AddEvents({{6, "f"}, {8, "h"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  p = q->last_progress();
  ASSERT_EQ(p->batch_id, 1);
  EXPECT_GT(p->input_rows_per_second, 0.0);
  EXPECT_LE(p->input_rows_per_second, 1.0);
  EXPECT_EQ(p->sources[0].num_malformed_records, 0);
  EXPECT_EQ(q->recent_progress().size(), 2u);
  const std::string json = p->ToJson();
  EXPECT_NE(json.find("\"name\":\"evens\",\"timestamp\":\"2024-07-01T00:00:"), std::string::npos)
      << json;
  EXPECT_NE(json.find("\"deliveryGuarantee\":\"at-least-once\""), std::string::npos);
}

TEST_F(MicroBatchTest, CurrentTimestampIsTheEpochsBatchTimestamp) {
  auto q = Start(Spec("SELECT id, CAST(current_timestamp() AS STRING) AS ts FROM events"));
  clock_.Advance(1'500'000);
  AddEvents({{1, "a"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  const int64_t ts = q->last_progress()->timestamp_micros;
  EXPECT_EQ(sink_->epochs()[0], Rows{"1|" + FormatTimestamp(ts / 1000 * 1000, TimeZone())});
}

TEST_F(MicroBatchTest, OnceRunsOneEpochOverEverythingThenStops) {
  AddEvents({{1, "a"}});
  AddEvents({{2, "b"}});
  QuerySpec spec = Spec("SELECT id FROM events", /*max_per_trigger=*/1);
  spec.trigger = Trigger::Once();
  auto q = Start(std::move(spec));
  ASSERT_TRUE(Await(q).ok());
  EXPECT_EQ(sink_->epochs().size(), 1u);
  EXPECT_EQ(sink_->AllRows(), (Rows{"1", "2"}));
  EXPECT_TRUE(events_source_->all_available_seen());
  EXPECT_FALSE(q->is_active());
}

TEST_F(MicroBatchTest, OnceWithoutDataStopsWithoutAnEpoch) {
  QuerySpec spec = Spec("SELECT id FROM events");
  spec.trigger = Trigger::Once();
  auto q = Start(std::move(spec));
  ASSERT_TRUE(Await(q).ok());
  EXPECT_TRUE(sink_->calls().empty());
}

TEST_F(MicroBatchTest, AvailableNowSplitsByTheLimitAndStops) {
  for (int i = 0; i < 3; ++i) AddEvents({{i, "x"}});
  QuerySpec spec = Spec("SELECT id FROM events", /*max_per_trigger=*/1);
  spec.trigger = Trigger::AvailableNow();
  auto q = Start(std::move(spec));
  ASSERT_TRUE(Await(q).ok());
  auto epochs = sink_->epochs();
  ASSERT_EQ(epochs.size(), 3u);
  EXPECT_EQ(epochs[0], Rows{"0"});
  EXPECT_EQ(epochs[2], Rows{"2"});
  EXPECT_EQ(events_source_->prepare_calls(), 1);
  EXPECT_FALSE(events_source_->all_available_seen());
  // Data that arrives later is the next run's.
  AddEvents({{3, "y"}});
  QuerySpec again = Spec("SELECT id FROM events", 1);
  again.trigger = Trigger::AvailableNow();
  auto q2 = Start(std::move(again));
  ASSERT_TRUE(Await(q2).ok());
  EXPECT_EQ(sink_->epochs().begin()->first, 3);
  EXPECT_EQ(sink_->AllRows(), Rows{"3"});
}

TEST_F(MicroBatchTest, ProcessingTimeFiresOnIntervalsWithoutCatchingUp) {
  // The sink takes 25 s of the (manual) clock in epoch 0.
  QuerySpec spec = Spec("SELECT id FROM events", /*max_per_trigger=*/1);
  spec.trigger = Trigger::ProcessingTime(10'000'000);
  struct Slow final : Sink {
    Slow(ManualClock* c, std::shared_ptr<testing::RecordingSink> inner)
        : clock(c), rec(std::move(inner)) {}
    std::string Describe() const override { return "Slow"; }
    Status AddBatch(int64_t e, const SchemaPtr& s, const std::vector<Batch>& b,
                    OutputMode m) override {
      if (e == 0) clock->Advance(25'000'000);
      return rec->AddBatch(e, s, b, m);
    }
    ManualClock* clock;
    std::shared_ptr<testing::RecordingSink> rec;
  };
  spec.sink = std::make_shared<Slow>(&clock_, sink_);
  AddEvents({{1, "a"}});
  AddEvents({{2, "b"}});
  AddEvents({{3, "c"}});
  auto q = Start(std::move(spec));
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  auto progress = q->recent_progress();
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(progress[0].timestamp_micros, kStartMicros);
  // Epoch 0 overran its interval: epoch 1 starts at once, at +25 s, not at +30 s;
  // then, as Spark's ProcessingTimeExecutor, at the next multiple of the interval
  // (+30 s), not at +35 s.
  EXPECT_EQ(progress[1].timestamp_micros, kStartMicros + 25'000'000);
  EXPECT_EQ(progress[2].timestamp_micros, kStartMicros + 30'000'000);
  AddEvents({{4, "d"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ((q->last_progress()->timestamp_micros - kStartMicros) % 10'000'000, 0);
  q->Stop();
}

TEST_F(MicroBatchTest, WaitForClockLeavesTheManualClockToTheTest) {
  // Processing time: the query never moves the clock; it runs an epoch when the test
  // advances the clock to the next interval, and ProcessAllAvailable returns while it
  // is blocked on the clock.
  QuerySpec spec = Spec("SELECT id FROM events");
  spec.trigger = Trigger::ProcessingTime(10'000'000);
  spec.wait_for_clock = true;
  AddEvents({{1, "a"}});
  auto q = Start(std::move(spec));
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(sink_->calls(), std::vector<int64_t>{0});
  AddEvents({{2, "b"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(clock_.NowMicros(), kStartMicros);  // nothing moved it
  EXPECT_EQ(sink_->calls(), std::vector<int64_t>{0});
  clock_.Advance(9'999'999);
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(sink_->calls(), std::vector<int64_t>{0});
  clock_.Advance(1);
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(sink_->calls(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(q->last_progress()->timestamp_micros, kStartMicros + 10'000'000);
  q->Stop();

  // Default trigger: idle polls do not move the clock either.
  QuerySpec idle = Spec("SELECT id FROM events");
  idle.name = "idle";
  idle.checkpoint_location = "/checkpoints/idle";
  idle.wait_for_clock = true;
  auto q2 = Start(std::move(idle));
  ASSERT_NE(q2, nullptr);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(q2->ProcessAllAvailable().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(clock_.NowMicros(), kStartMicros + 10'000'000);
  q2->Stop();
}

TEST_F(MicroBatchTest, PurgeKeepsTheLast100EpochsAndProgressRingHolds100) {
  for (int i = 0; i < 105; ++i) AddEvents({{i, "x"}});
  QuerySpec spec = Spec("SELECT id FROM events", /*max_per_trigger=*/1);
  spec.trigger = Trigger::AvailableNow();
  auto q = Start(std::move(spec));
  ASSERT_TRUE(Await(q).ok());
  EXPECT_EQ(sink_->epochs().size(), 105u);
  EXPECT_EQ(q->recent_progress().size(), 100u);
  EXPECT_EQ(q->recent_progress().front().batch_id, 5);
  EXPECT_EQ(env_->GetChildren("/checkpoints/q/offsets")->size(), 100u);
  EXPECT_EQ(env_->GetChildren("/checkpoints/q/commits")->size(), 100u);
  EXPECT_FALSE(*env_->FileExists("/checkpoints/q/offsets/4"));
  EXPECT_TRUE(*env_->FileExists("/checkpoints/q/offsets/5"));
}

// The heart of exactly-once: an epoch planned but not committed is re-run on restart
// with exactly its offsets and batch timestamp, even if more data arrived since.
TEST_F(MicroBatchTest, RestartReRunsTheUncommittedEpochWithItsOffsets) {
  const char* sql = "SELECT id, CAST(current_timestamp() AS STRING) AS ts FROM events";
  auto q = Start(Spec(sql));
  const std::string id = q->id();
  const std::string run_id = q->run_id();
  AddEvents({{1, "a"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  clock_.Advance(5'000'000);
  sink_->FailEpochOnce(1);
  AddEvents({{2, "b"}});
  Status st = q->ProcessAllAvailable();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("injected sink failure in epoch 1"), std::string::npos);
  EXPECT_NE(st.message().find("terminated with exception"), std::string::npos);
  EXPECT_FALSE(q->is_active());
  EXPECT_EQ(q->exception(), st);
  auto awaited = q->AwaitTermination(0);
  EXPECT_FALSE(awaited.ok());
  ASSERT_EQ(sink_->epochs().count(1), 0u);
  // The batch timestamp the failed attempt planned epoch 1 with.
  auto cp = Checkpoint::Open(env_.get(), "/checkpoints/q",
                             CheckpointMetadata{"x", 0, 0, {}, {}, "memory"});
  ASSERT_TRUE(cp.ok());
  const int64_t planned_ms = (*(*cp)->ReadPlanned(1))->batch_timestamp_ms;
  cp->reset();

  // More data arrives, time passes, and the query restarts.
  AddEvents({{3, "c"}});
  clock_.Advance(60'000'000);
  auto recorder = std::make_shared<testing::RecordingListener>();
  manager_->AddListener(recorder);
  auto q2 = Start(Spec(sql));
  ASSERT_NE(q2, nullptr);
  EXPECT_EQ(q2->id(), id);
  EXPECT_NE(q2->run_id(), run_id);
  ASSERT_TRUE(q2->ProcessAllAvailable().ok());
  EXPECT_EQ(events_source_->reads(), (std::vector<std::string>{"1-2", "2-3"}));
  auto epochs = sink_->epochs();
  ASSERT_EQ(epochs.size(), 2u);  // a new sink: epochs 1 and 2
  // Epoch 1 again: only row 2, with the batch timestamp of the first attempt.
  EXPECT_EQ(epochs[1], Rows{"2|" + FormatTimestamp(planned_ms * 1000, TimeZone())});
  ASSERT_EQ(epochs[2].size(), 1u);
  EXPECT_EQ(epochs[2][0].substr(0, 2), "3|");
  EXPECT_GE(epochs[2][0], "3|" + FormatTimestamp(planned_ms * 1000 + 60'000'000, TimeZone()));
  EXPECT_EQ(recorder->started_id(), id);
  EXPECT_EQ(recorder->events(), (std::vector<std::string>{"started ", "progress 1", "progress 2"}));
}

TEST_F(MicroBatchTest, RestartAfterAStopContinuesAfterTheLastCommit) {
  auto q = Start(Spec("SELECT id FROM events"));
  AddEvents({{1, "a"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  q->Stop();
  AddEvents({{2, "b"}});
  auto q2 = Start(Spec("SELECT id FROM events"));
  ASSERT_TRUE(q2->ProcessAllAvailable().ok());
  // The restarted source hears about the last commit first, then reads what follows.
  EXPECT_EQ(events_source_->commits(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(events_source_->reads(), std::vector<std::string>{"1-2"});
  EXPECT_EQ(sink_->epochs().begin()->first, 1);
  EXPECT_EQ(sink_->AllRows(), Rows{"2"});
}

TEST_F(MicroBatchTest, RestartWithOtherSourcesIsRefused) {
  auto q = Start(Spec("SELECT id FROM events"));
  q->Stop();
  QuerySpec spec = Spec("SELECT id FROM events");
  spec.sources = {events_source_};
  auto r = manager_->Start(std::move(spec));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("do not match those recorded in its checkpoint"),
            std::string::npos)
      << r.status().ToString();
}

TEST_F(MicroBatchTest, CorruptPlannedRecordOfAnUncommittedEpochIsRefused) {
  auto q = Start(Spec("SELECT id FROM events"));
  sink_->FailEpochOnce(0);
  AddEvents({{1, "a"}});
  ASSERT_FALSE(q->ProcessAllAvailable().ok());
  {
    auto f = env_->NewWritableFile("/checkpoints/q/offsets/0").ValueOrDie();
    ASSERT_TRUE(f->Append("damaged").ok());
  }
  auto r = manager_->Start(Spec("SELECT id FROM events"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("/checkpoints/q/offsets/0"), std::string::npos)
      << r.status().ToString();
}

TEST_F(MicroBatchTest, CorruptLatestCommitFallsBackAndReRunsTheEpoch) {
  auto q = Start(Spec("SELECT id FROM events"));
  AddEvents({{1, "a"}});
  AddEvents({{2, "b"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  q->Stop();
  {
    auto f = env_->NewWritableFile("/checkpoints/q/commits/0").ValueOrDie();
    ASSERT_TRUE(f->Append("damaged").ok());
  }
  auto q2 = Start(Spec("SELECT id FROM events"));
  ASSERT_TRUE(q2->ProcessAllAvailable().ok());
  EXPECT_EQ(events_source_->reads(), std::vector<std::string>{"0-2"});
  EXPECT_EQ(sink_->AllRows(), (Rows{"1", "2"}));
}

TEST_F(MicroBatchTest, SourceFailureFailsTheQuery) {
  auto listener = std::make_shared<testing::RecordingListener>();
  manager_->AddListener(listener);
  auto q = Start(Spec("SELECT id FROM events"));
  events_source_->FailReads(1);
  AddEvents({{1, "a"}});
  Status st = q->ProcessAllAvailable();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.IsIoError());
  EXPECT_NE(st.message().find("injected read failure"), std::string::npos);
  auto events = listener->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], "started ");
  EXPECT_NE(events[1].find("terminated Query <unnamed>"), std::string::npos) << events[1];
  EXPECT_TRUE(sink_->calls().empty());
  // Stop after a failure is harmless.
  q->Stop();
  EXPECT_EQ(q->exception(), st);
}

TEST_F(MicroBatchTest, StreamStaticJoinAndUnionOfStreams) {
  auto q =
      Start(Spec("SELECT e.id, u.country FROM events e LEFT JOIN users u ON e.id = u.id "
                 "UNION ALL SELECT id, url FROM clicks"));
  AddEvents({{1, "a"}, {3, "c"}});
  AddClicks({{9, "/x"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  Rows rows = sink_->AllRows();
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (Rows{"1|de", "3|NULL", "9|/x"}));
  EXPECT_EQ(q->last_progress()->num_input_rows, 3);
}

TEST_F(MicroBatchTest, TemporaryCheckpointIsRemovedAfterAStop) {
  QuerySpec spec = Spec("SELECT id FROM events");
  spec.checkpoint_location.clear();
  auto q = Start(std::move(spec));
  AddEvents({{1, "a"}});
  ASSERT_TRUE(q->ProcessAllAvailable().ok());
  EXPECT_EQ(env_->GetChildren("/tmp/weir-temporary-checkpoints")->size(), 1u);
  q->Stop();
  EXPECT_TRUE(env_->GetChildren("/tmp/weir-temporary-checkpoints")->empty());
}

// Not a benchmark (bench/ has those): a rough per-epoch cost of the loop with
// 1-row epochs on an in-memory Env, printed for the record.
TEST_F(MicroBatchTest, PerEpochOverheadIsSmall) {
  constexpr int kEpochs = 2000;
  for (int i = 0; i < kEpochs; ++i) AddEvents({{i, "x"}});
  QuerySpec spec = Spec("SELECT id FROM events WHERE id >= 0", /*max_per_trigger=*/1);
  spec.trigger = Trigger::AvailableNow();
  const auto t0 = std::chrono::steady_clock::now();
  auto q = Start(std::move(spec));
  ASSERT_TRUE(Await(q).ok());
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
      kEpochs;
  EXPECT_EQ(sink_->epochs().size(), static_cast<size_t>(kEpochs));
  std::printf("per-epoch time (1-row epochs, MemEnv): %.1f us\nlast progress: %s\n", us,
              q->last_progress()->ToJson().c_str());
}

// The same on the POSIX Env (durable writes: two records per epoch, each fsynced with
// its directory). Slow on some disks, so it runs only when asked:
// WEIR_STREAM_DISK_OVERHEAD=/some/dir stream_micro_batch_execution_test.
TEST_F(MicroBatchTest, PerEpochOverheadOnDisk) {
  const char* dir = std::getenv("WEIR_STREAM_DISK_OVERHEAD");
  if (dir == nullptr) GTEST_SKIP() << "set WEIR_STREAM_DISK_OVERHEAD to a directory";
  constexpr int kEpochs = 300;
  for (int i = 0; i < kEpochs; ++i) AddEvents({{i, "x"}});
  StreamingQueryManager disk_manager(ManagerOptions{&pool_, Env::Default(), &clock_});
  QuerySpec spec = Spec("SELECT id FROM events WHERE id >= 0", /*max_per_trigger=*/1);
  spec.trigger = Trigger::AvailableNow();
  spec.checkpoint_location = std::string(dir) + "/weir-overhead-" + internal::RandomUuid();
  const auto t0 = std::chrono::steady_clock::now();
  auto q = disk_manager.Start(std::move(spec));
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(Await(*q).ok());
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
      kEpochs;
  std::printf("per-epoch time (1-row epochs, POSIX Env in %s): %.1f us\n", dir, us);
}

}  // namespace
}  // namespace weir::stream
