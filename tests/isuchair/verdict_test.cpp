#include "isuchair/verdict.hpp"

#include <gtest/gtest.h>

#include "isuchair/codes.hpp"

namespace isuchair {
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

TEST(score_table, weights_and_one_deduction_per_error) {
  candar::score s;
  set_score_table(s);
  s.add("gacha", 3);
  s.add("login", 2);
  s.add("static", 10);
  EXPECT_EQ(s.sum(), 3 * 5 + 2 * 2);
  candar::error_collection errors;
  errors.add(candar::error(codes::status, "POST /api/users/:id/reward: expected status 200, got 500").wrap(codes::existing_user));
  errors.add(candar::error("timeout", "GET /api/users/:id/home: late").wrap(codes::gave_up).wrap(codes::new_user));
  EXPECT_EQ(s.deduction(errors), 2 * deduction_per_error);
  EXPECT_EQ(s.total(errors), 19 - 2 * deduction_per_error);
}

TEST(error_table, sorts_codes_into_the_contestants_categories) {
  auto const t = error_table();
  auto const cat = [&](candar::error const& e) { return candar::to_string(t.classify(e)); };
  EXPECT_EQ(cat(candar::error(codes::response, "x").wrap(codes::existing_user)), "validation");
  EXPECT_EQ(cat(candar::error(codes::master_version, "x").wrap(codes::version_probe)), "validation");
  EXPECT_EQ(cat(candar::error("timeout", "x").wrap(codes::gave_up).wrap(codes::existing_user)), "scenario");
  EXPECT_EQ(cat(candar::error("connection", "x").wrap(codes::initialize)), "initialize");
  EXPECT_EQ(cat(candar::error(codes::banned, "x").wrap(codes::banned_user)), "validation");
}

}  // namespace
}  // namespace isuchair
