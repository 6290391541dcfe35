// Status: the outcome of a fallible operation, carried across every module boundary
// and I/O path in weir. Exceptions never cross those boundaries; a Status does.
//
// A Status is either OK (no allocation) or an error with a code, a message and,
// optionally, a position in SQL text, a hint for the user, and the errno of the
// system call that failed. Codes fall into three categories so that callers can tell
// a user's mistake (report it and carry on) from an I/O failure (retry or stop) from
// a bug in weir (stop loudly).
//
// Thread-safety: a Status is a value; distinct objects may be used concurrently.

#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace weir {

enum class StatusCode : uint8_t {
  kOk = 0,
  // User errors: the request or the data is wrong, not weir.
  kInvalidSql = 1,       // syntax, unknown name, type mismatch in SQL text
  kInvalidOption = 2,    // a bad WITH option, SET value, or CLI flag
  kInvalidInput = 3,     // bad data: a malformed record, ANSI-mode arithmetic error
  kInvalidArgument = 4,  // a bad argument to an API call
  kNotFound = 5,         // a named thing (source, file, query) does not exist
  kAlreadyExists = 6,    // a named thing already exists
  kUnsupported = 7,      // a valid request weir refuses (e.g. a streaming rule)
  // I/O errors: the environment failed.
  kIoError = 20,     // a system call failed; sys_errno() says why
  kCorruption = 21,  // data on disk or on the wire fails its checksum or format
  // Control flow.
  kCancelled = 30,  // the operation was stopped on request
  kTimedOut = 31,   // a deadline passed
  // Internal errors: a bug in weir.
  kInternal = 40,
  kNotImplemented = 41,
};

enum class StatusCategory : uint8_t { kOk, kUser, kIo, kControl, kInternal };

// Returns the category a code belongs to.
StatusCategory CategoryOf(StatusCode code);

// Returns the stable upper-case name of a code, e.g. "INVALID_SQL".
std::string_view StatusCodeName(StatusCode code);

// A 1-based line and column in SQL text. Line 0 means "no position".
struct SourcePosition {
  int line = 0;
  int column = 0;
  bool valid() const { return line > 0; }
  bool operator==(const SourcePosition&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&& other) noexcept = default;
  Status& operator=(Status&& other) noexcept = default;
  ~Status() = default;

  static Status OK() { return Status(); }

  static Status InvalidSql(std::string msg) { return {StatusCode::kInvalidSql, std::move(msg)}; }
  static Status InvalidOption(std::string msg) {
    return {StatusCode::kInvalidOption, std::move(msg)};
  }
  static Status InvalidInput(std::string msg) {
    return {StatusCode::kInvalidInput, std::move(msg)};
  }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status IoError(std::string msg, int sys_errno = 0);
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status TimedOut(std::string msg) { return {StatusCode::kTimedOut, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  static Status NotImplemented(std::string msg) {
    return {StatusCode::kNotImplemented, std::move(msg)};
  }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return ok() ? StatusCode::kOk : state_->code; }
  StatusCategory category() const { return CategoryOf(code()); }
  bool IsUserError() const { return category() == StatusCategory::kUser; }
  bool IsIoError() const { return category() == StatusCategory::kIo; }
  bool IsInternal() const { return category() == StatusCategory::kInternal; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }

  // The message alone, without code, position or hint. Empty when ok().
  const std::string& message() const;
  // Where in SQL text the error is; !valid() when not known.
  SourcePosition position() const { return ok() ? SourcePosition{} : state_->position; }
  // A suggestion for the user ("did you mean 'request'?"); empty when none.
  const std::string& hint() const;
  // The errno of the failed system call for I/O errors; 0 when none.
  int sys_errno() const { return ok() ? 0 : state_->sys_errno; }

  // Return a copy with the position or hint set. No effect on an OK status.
  Status WithPosition(SourcePosition pos) const;
  Status WithHint(std::string hint) const;
  // Return a copy whose message is "context: message". No effect on an OK status.
  Status WithContext(std::string_view context) const;

  // "INVALID_SQL: message (line 3, column 7)\nhint: ..." or "OK".
  std::string ToString() const;

  // Aborts the process with the status printed if it is not OK. For tests, tools and
  // places where an error is a bug in weir; never for user input.
  void Check() const;

  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

 private:
  struct State {
    StatusCode code;
    int sys_errno = 0;
    SourcePosition position;
    std::string message;
    std::string hint;
  };
  // nullptr means OK, so that returning OK costs nothing.
  std::unique_ptr<State> state_;
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

std::ostream& operator<<(std::ostream& os, const Status& s);

// Returns an I/O error built from errno: "context: strerror(errno)".
Status IoErrorFromErrno(std::string_view context, int err);

}  // namespace weir

#define WEIR_CONCAT_IMPL(a, b) a##b
#define WEIR_CONCAT(a, b) WEIR_CONCAT_IMPL(a, b)

// Evaluates an expression returning Status (or Result<T>); returns the error from the
// enclosing function if it is not OK.
#define RETURN_NOT_OK(expr)                                       \
  do {                                                            \
    ::weir::Status _weir_st = ::weir::internal::ToStatus((expr)); \
    if (__builtin_expect(!_weir_st.ok(), 0)) return _weir_st;     \
  } while (false)

namespace weir::internal {
inline const Status& ToStatus(const Status& s) { return s; }
inline Status ToStatus(Status&& s) { return std::move(s); }
}  // namespace weir::internal
