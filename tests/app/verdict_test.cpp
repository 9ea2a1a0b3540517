#include "candar/app/verdict.hpp"

#include <gtest/gtest.h>


namespace candar {
namespace {

run_facts clean() { return {.errors = 0, .error_limit = 10, .score = 100}; }

TEST(verdict, a_clean_run_with_a_positive_score_passes) {
  auto const v = judge(clean());
  EXPECT_TRUE(v.pass);
  EXPECT_TRUE(v.reasons.empty());
}

TEST(verdict, each_rule_fails_the_run_with_its_reason) {
  auto f = clean();
  f.prepare_failed = true;
  EXPECT_FALSE(judge(f).pass);
  f = clean();
  f.validate_failed = true;
  EXPECT_FALSE(judge(f).pass);
  f = clean();
  f.critical_errors = 1;
  f.errors = 1;
  auto const v = judge(f);
  EXPECT_FALSE(v.pass);
  ASSERT_EQ(v.reasons.size(), 1U);
  EXPECT_EQ(v.reasons[0], "1 critical (validation) error(s)");
  f = clean();
  f.errors = 10;  // at the limit: still a pass
  EXPECT_TRUE(judge(f).pass);
  f.errors = 11;
  EXPECT_EQ(judge(f).reasons.at(0), "11 errors, more than the limit of 10");
  f = clean();
  f.score = 0;
  EXPECT_EQ(judge(f).reasons.at(0), "a score of 0: it must be above zero");
}

}  // namespace
}  // namespace candar
