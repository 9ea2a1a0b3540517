#include "isuchair/codes.hpp"

#include <gtest/gtest.h>

namespace isuchair {
namespace {

TEST(score_table, weights_and_one_deduction_per_error) {
  candar::score s;
  set_score_table(s);
  s.add("gacha", 3);
  s.add("login", 2);
  s.add("static", 10);
  EXPECT_EQ(s.sum(), 3 * 5 + 2 * 2);
  candar::error_collection errors;
  errors.add(candar::error(codes::status, "POST /api/users/:id/reward: expected status 200, got 500")
                 .wrap(codes::existing_user));
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
