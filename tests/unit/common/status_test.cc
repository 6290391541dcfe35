#include "weir/common/status.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace weir {
namespace {

TEST(StatusTest, OkIsCheapAndEmpty) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(StatusCode::kOk, s.code());
  EXPECT_EQ("", s.message());
  EXPECT_EQ("OK", s.ToString());
  EXPECT_EQ(StatusCategory::kOk, s.category());
  EXPECT_EQ(Status::OK(), s);
}

TEST(StatusTest, CodesFallIntoCategories) {
  EXPECT_TRUE(Status::InvalidSql("x").IsUserError());
  EXPECT_TRUE(Status::InvalidOption("x").IsUserError());
  EXPECT_TRUE(Status::InvalidInput("x").IsUserError());
  EXPECT_TRUE(Status::InvalidArgument("x").IsUserError());
  EXPECT_TRUE(Status::NotFound("x").IsUserError());
  EXPECT_TRUE(Status::AlreadyExists("x").IsUserError());
  EXPECT_TRUE(Status::Unsupported("x").IsUserError());
  EXPECT_TRUE(Status::IoError("x").IsIoError());
  EXPECT_TRUE(Status::Corruption("x").IsIoError());
  EXPECT_TRUE(Status::Internal("x").IsInternal());
  EXPECT_TRUE(Status::NotImplemented("x").IsInternal());
  EXPECT_EQ(StatusCategory::kControl, Status::Cancelled("x").category());
  EXPECT_EQ(StatusCategory::kControl, Status::TimedOut("x").category());
  EXPECT_FALSE(Status::IoError("x").IsUserError());
  EXPECT_FALSE(Status::InvalidSql("x").IsInternal());
}

TEST(StatusTest, ToStringCarriesCodePositionAndHint) {
  Status s = Status::InvalidSql("column 'reqest' not found")
                 .WithPosition({3, 7})
                 .WithHint("did you mean 'request'?");
  EXPECT_EQ(StatusCode::kInvalidSql, s.code());
  EXPECT_EQ("column 'reqest' not found", s.message());
  EXPECT_EQ((SourcePosition{3, 7}), s.position());
  EXPECT_EQ("did you mean 'request'?", s.hint());
  EXPECT_EQ(
      "INVALID_SQL: column 'reqest' not found (line 3, column 7)\nhint: did you mean 'request'?",
      s.ToString());
}

TEST(StatusTest, CopyIsDeepAndMoveLeavesOk) {
  Status a = Status::NotFound("topic 'x'");
  Status b = a;
  EXPECT_EQ(a, b);
  b = b.WithContext("open");
  EXPECT_EQ("topic 'x'", a.message());
  EXPECT_EQ("open: topic 'x'", b.message());
  Status c = std::move(b);
  EXPECT_EQ("open: topic 'x'", c.message());
}

TEST(StatusTest, DecoratingOkStaysOk) {
  EXPECT_TRUE(Status::OK().WithHint("h").WithPosition({1, 1}).WithContext("c").ok());
}

TEST(StatusTest, IoErrorKeepsErrno) {
  Status s = IoErrorFromErrno("fsync /tmp/x", ENOSPC);
  EXPECT_EQ(StatusCode::kIoError, s.code());
  EXPECT_EQ(ENOSPC, s.sys_errno());
  EXPECT_NE(std::string::npos, s.message().find("fsync /tmp/x: "));
  EXPECT_NE(std::string::npos, s.message().find("space"));
}

Status FailsAt(int n, int* reached) {
  for (int i = 0; i < 3; ++i) {
    RETURN_NOT_OK(i == n ? Status::InvalidInput("at " + std::to_string(i)) : Status::OK());
    *reached = i;
  }
  return Status::OK();
}

TEST(StatusTest, ReturnNotOkPropagatesTheFirstError) {
  int reached = -1;
  Status s = FailsAt(1, &reached);
  EXPECT_EQ("at 1", s.message());
  EXPECT_EQ(0, reached);
  EXPECT_TRUE(FailsAt(5, &reached).ok());
  EXPECT_EQ(2, reached);
}

TEST(StatusDeathTest, CheckAbortsOnError) {
  EXPECT_DEATH(Status::Internal("boom").Check(), "INTERNAL: boom");
}

}  // namespace
}  // namespace weir
