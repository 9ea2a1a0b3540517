#include "candar/load/ticker.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "candar/runtime/runtime.hpp"

namespace candar {
namespace {

using namespace std::chrono_literals;

TEST(difference, counts_only_what_changed) {
  score::table const before{{"a", 5}, {"b", 1}};
  score::table const now{{"a", 8}, {"b", 1}, {"c", 2}};
  std::map<std::string, std::int64_t, std::less<>> const e_before{{"timeout", 1}};
  std::map<std::string, std::int64_t, std::less<>> const e_now{{"timeout", 4}, {"status", 1}};
  tick const t = difference(before, now, e_before, e_now, 1, 5);
  EXPECT_EQ(t.successes, 5);
  EXPECT_EQ(t.score_delta.at("a"), 3);
  EXPECT_FALSE(t.score_delta.contains("b"));
  EXPECT_EQ(t.score_delta.at("c"), 2);
  EXPECT_EQ(t.error_delta.at("timeout"), 3);
  EXPECT_EQ(t.error_delta.at("status"), 1);
  EXPECT_EQ(t.errors, 4);
  EXPECT_EQ(t.errors_total, 5);
}

TEST(ticker, hands_each_tick_the_changes_since_the_previous_one) {
  runtime rt(1);
  score s;
  error_collection errors;
  context ctx = context().with_timeout(rt.executor(0), 60s);
  std::vector<tick> ticks;
  ticker t(1ms, [&](tick const& now) {
    ticks.push_back(now);
    // What the callback adds now is what the next tick reports.
    if (now.number == 1) s.add("login", 3);
    if (now.number == 2) {
      errors.add(error("timeout", ""));
      errors.add(error("timeout", ""));
    }
    if (now.number == 3) ctx.cancel();
  });
  rt.run(t.run(ctx, s, errors));
  ASSERT_EQ(ticks.size(), 3U);
  EXPECT_EQ(ticks[0].number, 1);
  EXPECT_EQ(ticks[0].successes, 0);
  EXPECT_EQ(ticks[1].successes, 3);
  EXPECT_EQ(ticks[1].score_delta.at("login"), 3);
  EXPECT_EQ(ticks[1].errors, 0);
  EXPECT_EQ(ticks[2].successes, 0);
  EXPECT_EQ(ticks[2].errors, 2);
  EXPECT_EQ(ticks[2].error_delta.at("timeout"), 2);
  EXPECT_LE(ticks[0].elapsed, ticks[1].elapsed);
}

TEST(ticker, a_period_of_zero_is_refused) {
  EXPECT_THROW(ticker(0s, [](tick const&) {}), std::invalid_argument);
}

}  // namespace
}  // namespace candar
