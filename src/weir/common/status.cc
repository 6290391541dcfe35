#include "weir/common/status.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace weir {

StatusCategory CategoryOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return StatusCategory::kOk;
    case StatusCode::kInvalidSql:
    case StatusCode::kInvalidOption:
    case StatusCode::kInvalidInput:
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kUnsupported:
      return StatusCategory::kUser;
    case StatusCode::kIoError:
    case StatusCode::kCorruption:
      return StatusCategory::kIo;
    case StatusCode::kCancelled:
    case StatusCode::kTimedOut:
      return StatusCategory::kControl;
    case StatusCode::kInternal:
    case StatusCode::kNotImplemented:
      return StatusCategory::kInternal;
  }
  return StatusCategory::kInternal;
}

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidSql:
      return "INVALID_SQL";
    case StatusCode::kInvalidOption:
      return "INVALID_OPTION";
    case StatusCode::kInvalidInput:
      return "INVALID_INPUT";
    case StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case StatusCode::kUnsupported:
      return "UNSUPPORTED";
    case StatusCode::kIoError:
      return "IO_ERROR";
    case StatusCode::kCorruption:
      return "CORRUPTION";
    case StatusCode::kCancelled:
      return "CANCELLED";
    case StatusCode::kTimedOut:
      return "TIMED_OUT";
    case StatusCode::kInternal:
      return "INTERNAL";
    case StatusCode::kNotImplemented:
      return "NOT_IMPLEMENTED";
  }
  return "UNKNOWN";
}

Status::Status(StatusCode code, std::string message) {
  if (code == StatusCode::kOk) return;
  state_ = std::make_unique<State>();
  state_->code = code;
  state_->message = std::move(message);
}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  return *this;
}

Status Status::IoError(std::string msg, int sys_errno) {
  Status s(StatusCode::kIoError, std::move(msg));
  s.state_->sys_errno = sys_errno;
  return s;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return ok() ? kEmpty : state_->message;
}

const std::string& Status::hint() const {
  static const std::string kEmpty;
  return ok() ? kEmpty : state_->hint;
}

Status Status::WithPosition(SourcePosition pos) const {
  Status s(*this);
  if (!s.ok()) s.state_->position = pos;
  return s;
}

Status Status::WithHint(std::string hint) const {
  Status s(*this);
  if (!s.ok()) s.state_->hint = std::move(hint);
  return s;
}

Status Status::WithContext(std::string_view context) const {
  Status s(*this);
  if (!s.ok()) s.state_->message = std::string(context) + ": " + s.state_->message;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(state_->code));
  out += ": ";
  out += state_->message;
  if (state_->position.valid()) {
    out += " (line " + std::to_string(state_->position.line) + ", column " +
           std::to_string(state_->position.column) + ")";
  }
  if (!state_->hint.empty()) {
    out += "\nhint: ";
    out += state_->hint;
  }
  return out;
}

void Status::Check() const {
  if (ok()) return;
  std::fprintf(stderr, "weir: fatal: %s\n", ToString().c_str());
  std::abort();
}

std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.ToString(); }

Status IoErrorFromErrno(std::string_view context, int err) {
  std::string msg(context);
  msg += ": ";
  msg += std::strerror(err);
  return Status::IoError(std::move(msg), err);
}

}  // namespace weir
