#include "exit_policy.hpp"

#include <gtest/gtest.h>

namespace candar::detail {
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

struct row {
  run_outcome outcome;
  int code;
  std::string_view verdict;
};

// The whole policy, one run or --repeat alike.
TEST(exit_policy, decides_the_code_from_who_failed) {
  row const table[] = {
      {{}, 0, "pass"},
      {{.regressed = true}, 4, "regression"},
      {{.passed = false}, 1, "fail"},
      {{.passed = false, .regressed = true}, 1, "fail"},
      {{.valid = false}, 5, "invalid"},
      // A low score on a saturated benchmarker says nothing of the webapp.
      {{.passed = false, .valid = false}, 5, "invalid"},
      // Wrong answers fail whatever the benchmarker's state: saturating it must not turn a FAIL into a retry.
      {{.webapp_failed = true, .passed = false, .valid = false}, 1, "fail"},
      {{.webapp_failed = true, .passed = false}, 1, "fail"},
      {{.interrupted = true}, 1, "fail"},
      {{.interrupted = true, .valid = false}, 1, "fail"},
      {{.interrupted = true, .regressed = true}, 1, "fail"},
      {{.internal_error = true}, 3, "internal-error"},
      {{.internal_error = true, .webapp_failed = true, .interrupted = true, .passed = false, .valid = false},
       3,
       "internal-error"},
  };
  for (auto const& r : table) {
    auto const d = decide(r.outcome);
    EXPECT_EQ(d.code, r.code) << r.verdict;
    EXPECT_EQ(d.verdict, r.verdict);
  }
}

}  // namespace
}  // namespace candar::detail
