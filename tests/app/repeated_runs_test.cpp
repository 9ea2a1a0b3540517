#include "repeated_runs.hpp"

// --repeat's arithmetic and the arguments each run gets; the runs themselves are in tests/isuchair/ci_run_test.
#include <gtest/gtest.h>

#include "baseline_gate.hpp"

namespace candar::detail {
namespace {

TEST(repeated_runs, median_min_max_and_spread) {
  auto const s = summarize({50304, 59473, 55727});
  EXPECT_EQ(s.median, 55727);
  EXPECT_EQ(s.min, 50304);
  EXPECT_EQ(s.max, 59473);
  EXPECT_NEAR(s.spread_percent, 16.45, 0.01);  // the naive runs: about 17 %
  EXPECT_EQ(summarize({10, 20, 30, 40}).median, 25);
  EXPECT_EQ(summarize({}).median, 0);
}

TEST(repeated_runs, each_run_gets_the_flags_but_the_parents_own) {
  std::vector<std::string> const args = {"--target", "http://x",          "--repeat",   "3",      "--result",
                                         "r.json",   "--baseline=b.json", "--max-drop", "5",      "--gate-p99",
                                         "GET /",    "--report-fd",       "3",          "--seed", "7"};
  EXPECT_EQ(child_arguments(args, "/tmp/run1.json"),
            (std::vector<std::string>{"--target", "http://x", "--seed", "7", "--result", "/tmp/run1.json"}));
}

TEST(repeated_runs, a_fall_inside_the_spread_is_inconclusive_not_a_regression) {
  baseline const b{"b.json", 100'000, {}};
  auto const inside = compare_with(b, {{"score", 85'000}}, 10, {}, 17.0);
  EXPECT_FALSE(inside.regressed);
  EXPECT_EQ(inside.lines.at(0),
            "inconclusive: score 85,000 is 15 % below the baseline's 100,000, inside these runs' spread of 17 %");
  auto const beyond = compare_with(b, {{"score", 80'000}}, 10, {}, 17.0);
  EXPECT_TRUE(beyond.regressed);
  EXPECT_EQ(beyond.lines.at(0), "regression: score 80,000 is 20 % below the baseline's 100,000 (allowed: 10 %)");
  EXPECT_FALSE(compare_with(b, {{"score", 95'000}}, 10, {}).regressed);
}

TEST(repeated_runs, a_gated_endpoint_that_got_no_answer_is_a_regression_not_a_p99_of_zero) {
  baseline const b{"b.json", 1000, {{"GET /api", 20.0}}};
  nlohmann::json const result = {{"score", 1000},
                                 {"endpoints", {{"GET /api", {{"requests", 0}, {"latency_ms", {{"p99", 0.0}}}}}}}};
  auto const v = compare_with(b, result, 10, {"GET /api"});
  EXPECT_TRUE(v.regressed);
  EXPECT_EQ(v.lines.at(1), "regression: GET /api got no answer at all (the baseline's p99 was 20.0 ms)");
}

TEST(repeated_runs, gate_p99_labels_each_go_to_the_parent) {
  EXPECT_EQ(child_arguments({"--gate-p99", "GET /a", "--gate-p99", "GET /b", "--threads", "2"}, "r.json"),
            (std::vector<std::string>{"--threads", "2", "--result", "r.json"}));
}

}  // namespace
}  // namespace candar::detail
