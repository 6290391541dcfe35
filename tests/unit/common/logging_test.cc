#include "weir/common/logging.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace weir {
namespace {

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = GetLogLevel();
    SetLogSink([this](LogLevel level, std::string_view line) {
      levels_.push_back(level);
      lines_.emplace_back(line);
    });
  }
  void TearDown() override {
    SetLogSink(nullptr);
    SetLogLevel(saved_);
  }

  LogLevel saved_;
  std::vector<LogLevel> levels_;
  std::vector<std::string> lines_;
};

TEST_F(LoggingTest, FiltersBelowTheMinimumLevel) {
  SetLogLevel(LogLevel::kWarn);
  WEIR_LOG(INFO) << "hidden";
  WEIR_LOG(WARN) << "shown " << 42;
  WEIR_LOG(ERROR) << "also shown";
  ASSERT_EQ(2u, lines_.size());
  EXPECT_EQ(LogLevel::kWarn, levels_[0]);
  EXPECT_NE(std::string::npos, lines_[0].find("WARN logging_test.cc:"));
  EXPECT_NE(std::string::npos, lines_[0].find("] shown 42"));
  EXPECT_EQ(LogLevel::kError, levels_[1]);
}

TEST_F(LoggingTest, DisabledMessagesAreNotEvaluated) {
  SetLogLevel(LogLevel::kError);
  int evaluated = 0;
  auto touch = [&evaluated] { return ++evaluated; };
  WEIR_LOG(DEBUG) << touch();
  EXPECT_EQ(0, evaluated);
  WEIR_LOG(ERROR) << touch();
  EXPECT_EQ(1, evaluated);
}

TEST_F(LoggingTest, LinesStartWithAnIsoTimestamp) {
  SetLogLevel(LogLevel::kDebug);
  WEIR_LOG(DEBUG) << "x";
  ASSERT_EQ(1u, lines_.size());
  // 2026-11-21T10:00:00.123Z
  ASSERT_GE(lines_[0].size(), 24u);
  EXPECT_EQ('T', lines_[0][10]);
  EXPECT_EQ('Z', lines_[0][23]);
}

TEST(LogLevelTest, ParsesNamesCaseInsensitively) {
  LogLevel level = LogLevel::kInfo;
  EXPECT_TRUE(ParseLogLevel("DEBUG", &level));
  EXPECT_EQ(LogLevel::kDebug, level);
  EXPECT_TRUE(ParseLogLevel("warning", &level));
  EXPECT_EQ(LogLevel::kWarn, level);
  EXPECT_FALSE(ParseLogLevel("loud", &level));
  EXPECT_EQ(LogLevel::kWarn, level);
}

}  // namespace
}  // namespace weir
