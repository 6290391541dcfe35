// [flat]mapGroupsWithState (Spark's FlatMapGroupsWithState): a user function called
// once per group of rows with the same key, with a state kept per key across the
// epochs of a streaming query, and timeouts. This header is what the engine and the
// C++ API share; include/weir/group_state.h re-exports the user-facing types and
// adds the typed GroupState<S> over GroupStateCore.
//
//  - GroupStateTimeout, GroupRow / GroupRows (one group's input rows),
//    GroupOutput (where a call writes its rows), GroupStateCore (one call's state,
//    as bytes, and its timeout: Spark's GroupStateImpl), GroupsFunction (the
//    type-erased user function);
//  - GroupsWithStateNode: the logical plan node. A batch query plans it with
//    MakeGroupsWithState (each group once, no prior state, no timeouts firing); the
//    streaming engine (src/weir/stream/groups_with_state_node.cc) replaces a
//    streaming one by its stateful node, planned each epoch with
//    MakeStatefulGroupsWithState.
//
// Semantics are Spark 3.5's (sql/core/.../streaming/FlatMapGroupsWithStateExec.scala,
// GroupStateImpl.scala, and the GroupState scaladoc): in each epoch the function is
// called once for every key with input rows, then once for every key whose timeout
// has passed (no rows, HasTimedOut() true): a processing-time timeout when its
// timestamp is before the epoch's batch timestamp, an event-time timeout when it is
// before the watermark. A call's timeout is unset unless the call sets it.
//
// Thread-safety: a GroupStateCore, GroupRows and GroupOutput belong to one call. A
// GroupsFunction is called concurrently for keys of different partitions, so its
// Call must be thread-safe; the node and the spec are immutable.

#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/check.h"
#include "weir/common/result.h"
#include "weir/exec/operator.h"
#include "weir/exec/stateful.h"
#include "weir/expr/expr.h"
#include "weir/plan/logical_plan.h"
#include "weir/types/batch.h"
#include "weir/types/builder.h"
#include "weir/types/string_ref.h"
#include "weir/types/value.h"

namespace weir::exec {

// Spark's GroupStateTimeout: which timeouts the keys may set.
enum class GroupStateTimeout : uint8_t {
  kNoTimeout,              // GroupStateTimeout.NoTimeout
  kProcessingTimeTimeout,  // ...ProcessingTimeTimeout: SetTimeoutDuration
  kEventTimeTimeout,       // ...EventTimeTimeout: SetTimeoutTimestamp; needs a watermark
};
std::string_view GroupStateTimeoutName(GroupStateTimeout timeout);  // "NoTimeout", ...

// Spark's GroupStateImpl.NO_TIMESTAMP: no timeout, or no watermark (batch queries).
inline constexpr int64_t kNoTimestamp = -1;

// One row of a group: typed reads of its columns.
// REQUIRES (typed getters): the column is not NULL and has the getter's type.
class GroupRow {
 public:
  GroupRow(const Batch* batch, int64_t row) : batch_(batch), row_(row) {}

  const SchemaPtr& schema() const { return batch_->schema(); }
  int num_columns() const { return batch_->num_columns(); }
  bool IsNull(int column) const { return col(column).IsNull(row_); }
  bool GetBoolean(int column) const { return col(column).Get<uint8_t>(row_) != 0; }
  // INT, and DATE (days since 1970-01-01).
  int32_t GetInt32(int column) const { return col(column).Get<int32_t>(row_); }
  // BIGINT, and TIMESTAMP / TIMESTAMP_NTZ (microseconds since 1970-01-01).
  int64_t GetInt64(int column) const { return col(column).Get<int64_t>(row_); }
  double GetDouble(int column) const { return col(column).Get<double>(row_); }
  // STRING and BINARY; the view lives as long as the call.
  std::string_view GetString(int column) const { return col(column).Get<StringRef>(row_).view(); }
  // Any type, NULL included (slower: builds a Value).
  Value Get(int column) const { return GetValue(col(column), row_); }

 private:
  const Column& col(int column) const {
    WEIR_DCHECK(column >= 0 && column < batch_->num_columns());
    return *batch_->column(column);
  }

  const Batch* batch_;
  int64_t row_;  // physical
};

// The input rows of one group (all rows of the key in this epoch; none for a
// timed-out key), in the order they arrived; Spark guarantees no order either. A
// view: valid during the call.
class GroupRows {
 public:
  class Iterator {
   public:
    Iterator(const GroupRows* rows, int64_t i) : rows_(rows), i_(i) {}
    GroupRow operator*() const { return (*rows_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return i_ == other.i_; }
    bool operator!=(const Iterator& other) const { return i_ != other.i_; }

   private:
    const GroupRows* rows_;
    int64_t i_;
  };

  // Rows [begin, end) of `batch`, which has no selection vector.
  GroupRows(const Batch* batch, int64_t begin, int64_t end)
      : batch_(batch), begin_(begin), end_(end) {}

  // The input's columns (the DataFrame's that GroupByKey was called on).
  const SchemaPtr& schema() const { return batch_->schema(); }
  int64_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  GroupRow operator[](int64_t i) const { return GroupRow(batch_, begin_ + i); }
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, size()); }

  // Columnar access: the group is rows [first_row(), first_row() + size()) of batch().
  const Batch& batch() const { return *batch_; }
  int64_t first_row() const { return begin_; }

 private:
  const Batch* batch_;
  int64_t begin_;
  int64_t end_;
};

// Where a call writes its output rows.
class GroupOutput {
 public:
  explicit GroupOutput(SchemaPtr schema) : builder_(std::move(schema)) {}

  // The columns rows must have (the schema given to [flat]mapGroupsWithState).
  const SchemaPtr& schema() const { return builder_.schema(); }
  // Appends one row: a Value per column, of the column's type, or NULL.
  // InvalidArgument (nothing appended) when the arity or a type does not match.
  Status Emit(const std::vector<Value>& row) { return builder_.AppendRow(row); }
  int64_t num_rows() const { return builder_.num_rows(); }

  // Engine: moves the rows so far into `out` as a batch.
  Status Flush(std::vector<Batch>* out);

 private:
  BatchBuilder builder_;
};

// What the calls of one epoch (or of one batch query) share.
struct GroupStateEnv {
  GroupStateTimeout timeout = GroupStateTimeout::kNoTimeout;
  // Processing time (ms): the epoch's batch timestamp; the query's start in batch.
  int64_t batch_timestamp_ms = 0;
  // The event-time watermark (ms) state is evicted and timeouts fire by;
  // kNoTimestamp in a batch query.
  int64_t watermark_ms = kNoTimestamp;
  // Whether the input has an event-time (watermarked) column.
  bool watermark_present = false;
};

// The state of one key during one call, as Spark's GroupStateImpl: the value (bytes;
// the C++ API's GroupState<S> encodes and decodes them), whether it exists, was
// updated or removed, and the timeout the call set.
class GroupStateCore {
 public:
  explicit GroupStateCore(const GroupStateEnv* env) : env_(env) {}

  // Engine: starts a call with the key's stored state (nullopt: none).
  void Begin(std::optional<std::string_view> state, bool has_timed_out);

  bool exists() const { return defined_; }
  // The value. REQUIRES: exists().
  const std::string& bytes() const { return value_; }
  // NotFound, Spark's "State is either not defined or has already been removed".
  static Status NotDefinedError();
  void Update(std::string bytes);
  void Remove();
  bool has_timed_out() const { return has_timed_out_; }

  // Processing-time timeouts: the key times out once processing time passes the
  // batch timestamp + `duration_ms`. Unsupported without ProcessingTimeTimeout;
  // InvalidArgument unless duration_ms > 0.
  Status SetTimeoutDuration(int64_t duration_ms);
  // The same with an interval string ("1 hour", "10 minutes 30 seconds"; a month
  // counts 31 days, as Spark's).
  Status SetTimeoutDuration(std::string_view duration);
  // Event-time timeouts: the key times out once the watermark passes
  // `timestamp_ms`. Unsupported without EventTimeTimeout; InvalidArgument unless
  // timestamp_ms > 0 and it is not before the current watermark.
  Status SetTimeoutTimestamp(int64_t timestamp_ms);
  Status SetTimeoutTimestamp(int64_t timestamp_ms, std::string_view additional_duration);
  // Unsupported when the input has no watermark; -1 in a batch query.
  Result<int64_t> GetCurrentWatermarkMs() const;
  int64_t GetCurrentProcessingTimeMs() const { return env_->batch_timestamp_ms; }

  // Engine, after the call.
  bool updated() const { return updated_; }
  bool removed() const { return removed_; }
  // The timeout the call set, or kNoTimestamp.
  int64_t timeout_timestamp_ms() const { return timeout_ms_; }

 private:
  const GroupStateEnv* env_;
  std::string value_;
  bool defined_ = false;
  bool updated_ = false;
  bool removed_ = false;
  bool has_timed_out_ = false;
  int64_t timeout_ms_ = kNoTimestamp;
};

// The user function, type-erased (the C++ API's adapters implement it).
class GroupsFunction {
 public:
  virtual ~GroupsFunction() = default;
  // One call for one key: `key` has one value per key expression; `rows` are the
  // key's rows (empty when it timed out); writes output rows to `out`. An error
  // fails the query.
  virtual Status Call(const std::vector<Value>& key, const GroupRows& rows, GroupStateCore& state,
                      GroupOutput& out) const = 0;
};

// What a [flat]mapGroupsWithState does.
struct GroupsWithStateSpec {
  std::vector<ExprPtr> keys;           // over the child's columns
  std::vector<std::string> key_names;  // for EXPLAIN
  std::shared_ptr<const GroupsFunction> function;
  bool is_map = false;  // mapGroupsWithState: one row per call, Update mode
  // flatMapGroupsWithState's output mode: kAppend or kUpdate (what the output rows
  // mean; Spark checks it against the query's output mode).
  StatefulOutputMode output_mode = StatefulOutputMode::kUpdate;
  GroupStateTimeout timeout = GroupStateTimeout::kNoTimeout;
};

// The logical node: output = the function's rows (schema given by the user). An
// ExtensionNode, so the rewrites leave it (and its key expressions) alone.
class GroupsWithStateNode final : public plan::ExtensionNode {
 public:
  GroupsWithStateNode(plan::LogicalPlanPtr child, std::shared_ptr<const GroupsWithStateSpec> spec,
                      SchemaPtr output)
      : plan::ExtensionNode(std::move(output), {std::move(child)}), spec_(std::move(spec)) {}

  const GroupsWithStateSpec& spec() const { return *spec_; }
  // Shared by every copy WithChildren makes: identifies the operation in a plan.
  const std::shared_ptr<const GroupsWithStateSpec>& shared_spec() const { return spec_; }

  // "FlatMapGroupsWithState [user], Append, ProcessingTimeTimeout"
  std::string Describe() const override;
  plan::LogicalPlanPtr WithChildren(std::vector<plan::LogicalPlanPtr> children) const override;

 private:
  std::shared_ptr<const GroupsWithStateSpec> spec_;
};

// Batch: the rows are split by a hash of the keys into `partitions`, and each group
// is passed to the function once, with no prior state, the query's start as
// processing time and no watermark (Spark's MapGroupsExec); state changes and
// timeouts have no effect.
PhysicalOperatorPtr MakeGroupsWithState(PhysicalOperatorPtr child,
                                        std::shared_ptr<const GroupsWithStateSpec> spec,
                                        SchemaPtr schema, int partitions);

// One epoch of a streaming [flat]mapGroupsWithState.
struct GroupsWithStateContext {
  // Stores (one per state partition), epoch, watermarks (late_watermark_ms for late
  // rows, eviction_watermark_ms for event-time timeouts) and metrics.
  StatefulContext stateful;
  int64_t batch_timestamp_ms = 0;
  bool watermark_present = false;
  // The input's event-time column: with EventTimeTimeout, rows at or before the
  // late watermark are dropped (and counted), as Spark's.
  EventTimeKey late_column;
  // Out, with ProcessingTimeTimeout: the earliest timeout (ms) in state after the
  // epoch, the minimum over partitions (INT64_MAX: none). May be null.
  std::shared_ptr<std::atomic<int64_t>> next_timeout_ms;
};

// The stateful operator of one epoch: rows are split into the state partitions by
// a hash of the keys; per partition (in parallel) every key with rows is called,
// then every key whose timeout passed; the store is committed before Prepare
// returns. State layout: see stateful_groups.cc.
PhysicalOperatorPtr MakeStatefulGroupsWithState(PhysicalOperatorPtr child,
                                                std::shared_ptr<const GroupsWithStateSpec> spec,
                                                SchemaPtr schema, GroupsWithStateContext context);

}  // namespace weir::exec
