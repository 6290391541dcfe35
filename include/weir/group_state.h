// Arbitrary state in the C++ API: Spark's groupByKey(...).mapGroupsWithState and
// flatMapGroupsWithState with GroupState and GroupStateTimeout (docs/api.md,
// "Arbitrary state").
//
//   ASSIGN_OR_RAISE(KeyValueGroupedDataFrame by_user, events.GroupByKey({"user"}));
//   ASSIGN_OR_RAISE(DataFrame counts, by_user.FlatMapGroupsWithState<int64_t>(
//       OutputMode::kUpdate, GroupStateTimeout::kProcessingTimeTimeout,
//       "user STRING, events BIGINT",
//       [](const std::vector<Value>& key, const GroupRows& rows, GroupState<int64_t>& state,
//          GroupOutput& out) -> Status {
//         if (state.HasTimedOut()) {        // no rows: the key was idle for a minute
//           state.Remove();
//           return Status::OK();
//         }
//         const int64_t n = state.GetOption().value_or(0) + rows.size();
//         state.Update(n);
//         RETURN_NOT_OK(state.SetTimeoutDuration("1 minute"));
//         return out.Emit({key[0], Value::Int64(n)});
//       }));
//
// The function is called once per key with rows in an epoch, and once per key whose
// timeout passed (with no rows and HasTimedOut() true); on a batch DataFrame, once
// per key with no prior state. It may run concurrently for different keys on
// different threads. An error it returns (or an exception it throws) fails the query.
//
// The state S is kept between calls as bytes: StateCodec<S> says how. weir defines it
// for trivially copyable types (integers, doubles, plain structs of them: their
// bytes, so the layout is the type's), std::string, and std::vector<T> of those; a
// specialization of StateCodec makes any other type a state.
//
// Thread-safety: a GroupState, GroupRows and GroupOutput belong to one call. A
// KeyValueGroupedDataFrame is an immutable value, like DataFrame.

#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "weir/common/result.h"
#include "weir/dataframe.h"
#include "weir/exec/groups_with_state.h"
#include "weir/stream/sink.h"
#include "weir/types/schema.h"
#include "weir/types/value.h"

namespace weir {

// Spark's GroupStateTimeout: kNoTimeout, kProcessingTimeTimeout (keys call
// SetTimeoutDuration), kEventTimeTimeout (keys call SetTimeoutTimestamp; the input
// needs a watermark).
using GroupStateTimeout = exec::GroupStateTimeout;
// A streaming query's output mode (kAppend, kUpdate, kComplete); for
// flatMapGroupsWithState, what its output rows mean: kAppend or kUpdate.
using OutputMode = stream::OutputMode;
// One group's input rows (a view: iterate, or index with rows[i]), one row of them,
// and where a call writes output rows (out.Emit({...})). See exec/groups_with_state.h.
using GroupRows = exec::GroupRows;
using GroupRow = exec::GroupRow;
using GroupOutput = exec::GroupOutput;

// How a state value of type S is stored: Encode appends its bytes; Decode reads
// exactly those bytes back (Corruption otherwise).
template <typename S, typename Enable = void>
struct StateCodec;

// Trivially copyable types: their bytes.
template <typename S>
struct StateCodec<S, std::enable_if_t<std::is_trivially_copyable_v<S>>> {
  static void Encode(const S& value, std::string* out) {
    out->append(reinterpret_cast<const char*>(&value), sizeof(S));
  }
  static Result<S> Decode(std::string_view in) {
    if (in.size() != sizeof(S)) return Status::Corruption("group state: wrong size");
    S value;
    std::memcpy(static_cast<void*>(&value), in.data(), sizeof(S));
    return value;
  }
};

template <>
struct StateCodec<std::string> {
  static void Encode(const std::string& value, std::string* out) { out->append(value); }
  static Result<std::string> Decode(std::string_view in) { return std::string(in); }
};

// A count, then each element as a fixed32 length and its bytes.
template <typename T>
struct StateCodec<std::vector<T>> {
  static void Encode(const std::vector<T>& value, std::string* out) {
    PutFixed32(static_cast<uint32_t>(value.size()), out);
    std::string one;
    for (const T& element : value) {
      one.clear();
      StateCodec<T>::Encode(element, &one);
      PutFixed32(static_cast<uint32_t>(one.size()), out);
      out->append(one);
    }
  }
  static Result<std::vector<T>> Decode(std::string_view in) {
    uint32_t n = 0;
    if (!GetFixed32(&in, &n) || n > in.size()) return Status::Corruption("group state: bad list");
    std::vector<T> value;
    value.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t len = 0;
      if (!GetFixed32(&in, &len) || len > in.size()) {
        return Status::Corruption("group state: bad list element");
      }
      ASSIGN_OR_RAISE(T element, StateCodec<T>::Decode(in.substr(0, len)));
      value.push_back(std::move(element));
      in.remove_prefix(len);
    }
    if (!in.empty()) return Status::Corruption("group state: trailing bytes");
    return value;
  }

 private:
  static void PutFixed32(uint32_t v, std::string* out) {
    char b[4];
    std::memcpy(b, &v, 4);
    out->append(b, 4);
  }
  static bool GetFixed32(std::string_view* in, uint32_t* v) {
    if (in->size() < 4) return false;
    std::memcpy(v, in->data(), 4);
    in->remove_prefix(4);
    return true;
  }
};

// Spark's GroupState[S]: the state of the key a call is for. Methods follow Spark's
// (exists, get, getOption, update, remove, hasTimedOut, setTimeoutDuration,
// setTimeoutTimestamp, getCurrentWatermarkMs, getCurrentProcessingTimeMs), in weir's
// PascalCase; what throws in Spark returns an error here.
//
// Timeouts are reset by every call: a key that should time out again must set its
// timeout again (in a call for a timeout too).
template <typename S>
class GroupState {
 public:
  // Made by the engine for one call.
  explicit GroupState(exec::GroupStateCore* core) : core_(core) {}

  bool Exists() const { return core_->exists(); }
  // The state; NotFound ("State is either not defined or has already been removed")
  // when there is none.
  Result<S> Get() const {
    if (!core_->exists()) return exec::GroupStateCore::NotDefinedError();
    if (!cache_.has_value()) {
      ASSIGN_OR_RAISE(S value, StateCodec<S>::Decode(core_->bytes()));
      cache_ = std::move(value);
    }
    return *cache_;
  }
  // The state, or nullopt when there is none (or it cannot be decoded).
  std::optional<S> GetOption() const {
    Result<S> value = Get();
    if (!value.ok()) return std::nullopt;
    return std::move(value).ValueOrDie();
  }
  // Sets the state (kept when the call returns).
  void Update(S value) {
    std::string bytes;
    StateCodec<S>::Encode(value, &bytes);
    core_->Update(std::move(bytes));
    cache_ = std::move(value);
  }
  // Removes the state: Exists() is false afterwards, until Update.
  void Remove() {
    core_->Remove();
    cache_.reset();
  }
  // Whether this call is for a key whose timeout passed (it has no rows then).
  bool HasTimedOut() const { return core_->has_timed_out(); }

  // ProcessingTimeTimeout: time out when processing time passes this epoch's batch
  // timestamp + the duration (Unsupported under another timeout; InvalidArgument
  // unless positive). No effect in a batch query.
  Status SetTimeoutDuration(int64_t duration_ms) { return core_->SetTimeoutDuration(duration_ms); }
  // The same with an interval string: "1 hour", "10 minutes 30 seconds".
  Status SetTimeoutDuration(std::string_view duration) {
    return core_->SetTimeoutDuration(duration);
  }
  // EventTimeTimeout: time out when the watermark passes `timestamp_ms` (ms since
  // 1970-01-01 UTC). Unsupported under another timeout; InvalidArgument unless
  // positive and not before GetCurrentWatermarkMs(). No effect in a batch query.
  Status SetTimeoutTimestamp(int64_t timestamp_ms) {
    return core_->SetTimeoutTimestamp(timestamp_ms);
  }
  // The same, `additional_duration` ("10 minutes") later.
  Status SetTimeoutTimestamp(int64_t timestamp_ms, std::string_view additional_duration) {
    return core_->SetTimeoutTimestamp(timestamp_ms, additional_duration);
  }
  // The event-time watermark (ms) of this epoch (0 until the first watermark; -1 in a
  // batch query). Unsupported when the input has no watermark.
  Result<int64_t> GetCurrentWatermarkMs() const { return core_->GetCurrentWatermarkMs(); }
  // The epoch's batch timestamp (ms): the same for every call of an epoch, also when
  // the epoch is run again.
  int64_t GetCurrentProcessingTimeMs() const { return core_->GetCurrentProcessingTimeMs(); }

 private:
  exec::GroupStateCore* core_;
  mutable std::optional<S> cache_;  // the decoded state, when read or updated
};

// flatMapGroupsWithState's function: any number of output rows, written to `out`.
// `key` has one value per GroupByKey expression.
template <typename S>
using FlatMapGroupsWithStateFunction = std::function<Status(
    const std::vector<Value>& key, const GroupRows& rows, GroupState<S>& state, GroupOutput& out)>;
// mapGroupsWithState's function: exactly one output row per call.
template <typename S>
using MapGroupsWithStateFunction = std::function<Result<std::vector<Value>>(
    const std::vector<Value>& key, const GroupRows& rows, GroupState<S>& state)>;

namespace api {

template <typename S>
class FlatMapGroupsAdapter final : public exec::GroupsFunction {
 public:
  explicit FlatMapGroupsAdapter(FlatMapGroupsWithStateFunction<S> fn) : fn_(std::move(fn)) {}
  Status Call(const std::vector<Value>& key, const GroupRows& rows, exec::GroupStateCore& core,
              GroupOutput& out) const override {
    GroupState<S> state(&core);
    return fn_(key, rows, state, out);
  }

 private:
  FlatMapGroupsWithStateFunction<S> fn_;
};

template <typename S>
class MapGroupsAdapter final : public exec::GroupsFunction {
 public:
  explicit MapGroupsAdapter(MapGroupsWithStateFunction<S> fn) : fn_(std::move(fn)) {}
  Status Call(const std::vector<Value>& key, const GroupRows& rows, exec::GroupStateCore& core,
              GroupOutput& out) const override {
    GroupState<S> state(&core);
    ASSIGN_OR_RAISE(std::vector<Value> row, fn_(key, rows, state));
    return out.Emit(row);
  }

 private:
  MapGroupsWithStateFunction<S> fn_;
};

}  // namespace api

// Spark's KeyValueGroupedDataset: a DataFrame grouped by key expressions
// (DataFrame::GroupByKey), whose groups a function with state maps.
//
// The output columns are declared (a SchemaPtr, or DDL text "user STRING, n
// BIGINT"); an emitted row whose arity or types do not match fails the query.
// On a stream, the query's output mode must fit (docs/streaming.md, "Arbitrary
// state"): mapGroupsWithState runs in Update mode only; flatMapGroupsWithState's
// mode (kAppend or kUpdate) must be the query's.
class KeyValueGroupedDataFrame {
 public:
  // Spark's flatMapGroupsWithState(outputMode, timeoutConf)(func).
  template <typename S>
  Result<DataFrame> FlatMapGroupsWithState(OutputMode mode, GroupStateTimeout timeout,
                                           SchemaPtr output,
                                           FlatMapGroupsWithStateFunction<S> fn) const {
    return Make(false, mode, timeout, std::move(output),
                std::make_shared<api::FlatMapGroupsAdapter<S>>(std::move(fn)));
  }
  template <typename S>
  Result<DataFrame> FlatMapGroupsWithState(OutputMode mode, GroupStateTimeout timeout,
                                           std::string_view output_ddl,
                                           FlatMapGroupsWithStateFunction<S> fn) const {
    ASSIGN_OR_RAISE(SchemaPtr output, ParseOutput(output_ddl));
    return FlatMapGroupsWithState<S>(mode, timeout, std::move(output), std::move(fn));
  }
  // Spark's mapGroupsWithState(timeoutConf)(func).
  template <typename S>
  Result<DataFrame> MapGroupsWithState(GroupStateTimeout timeout, SchemaPtr output,
                                       MapGroupsWithStateFunction<S> fn) const {
    return Make(true, OutputMode::kUpdate, timeout, std::move(output),
                std::make_shared<api::MapGroupsAdapter<S>>(std::move(fn)));
  }
  template <typename S>
  Result<DataFrame> MapGroupsWithState(GroupStateTimeout timeout, std::string_view output_ddl,
                                       MapGroupsWithStateFunction<S> fn) const {
    ASSIGN_OR_RAISE(SchemaPtr output, ParseOutput(output_ddl));
    return MapGroupsWithState<S>(timeout, std::move(output), std::move(fn));
  }

  // The key columns: one per GroupByKey expression, named as SELECT would name it.
  const SchemaPtr& KeySchema() const { return key_schema_; }

 private:
  friend class DataFrame;
  KeyValueGroupedDataFrame(DataFrame frame, std::vector<ExprPtr> keys,
                           std::vector<std::string> key_names, SchemaPtr key_schema)
      : frame_(std::move(frame)),
        keys_(std::move(keys)),
        key_names_(std::move(key_names)),
        key_schema_(std::move(key_schema)) {}

  static Result<SchemaPtr> ParseOutput(std::string_view ddl);
  Result<DataFrame> Make(bool is_map, OutputMode mode, GroupStateTimeout timeout, SchemaPtr output,
                         std::shared_ptr<const exec::GroupsFunction> fn) const;

  DataFrame frame_;
  std::vector<ExprPtr> keys_;  // bound over frame_'s columns
  std::vector<std::string> key_names_;
  SchemaPtr key_schema_;
};

}  // namespace weir
