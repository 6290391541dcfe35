#include "weir/common/result.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace weir {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RAISE(int h, Half(x));
  ASSIGN_OR_RAISE(h, Half(h));
  return h;
}

Status QuarterInto(int x, int* out) {
  ASSIGN_OR_RAISE(*out, Quarter(x));
  return Status::OK();
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(4, *ok);
  EXPECT_TRUE(ok.status().ok());
  Result<int> err = Half(3);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, err.status().code());
  EXPECT_EQ("3 is odd", err.status().message());
  EXPECT_EQ(-1, err.ValueOr(-1));
}

TEST(ResultTest, AssignOrRaisePropagates) {
  EXPECT_EQ(2, *Quarter(8));
  EXPECT_EQ("3 is odd", Quarter(6).status().message());
  int out = 0;
  EXPECT_TRUE(QuarterInto(12, &out).ok());
  EXPECT_EQ(3, out);
  EXPECT_FALSE(QuarterInto(2, &out).ok());
  EXPECT_EQ(3, out);
}

TEST(ResultTest, MoveOnlyValues) {
  auto make = []() -> Result<std::unique_ptr<std::string>> {
    return std::make_unique<std::string>("weir");
  };
  Result<std::unique_ptr<std::string>> r = make();
  ASSERT_TRUE(r.ok());
  std::unique_ptr<std::string> p = std::move(r).ValueOrDie();
  EXPECT_EQ("weir", *p);
}

TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> r(Status::OK());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInternal());
}

TEST(ResultTest, ConvertingConstructor) {
  Result<std::string> r("literal");
  EXPECT_EQ("literal", *r);
  Result<int64_t> wide(int32_t{7});
  EXPECT_EQ(7, *wide);
}

TEST(ResultDeathTest, ValueOrDieOnErrorAborts) {
  Result<int> r = Half(1);
  EXPECT_DEATH((void)r.ValueOrDie(), "1 is odd");
}

}  // namespace
}  // namespace weir
