#include "candar/score/score.hpp"

#include <gtest/gtest.h>

#include "support/threads.hpp"

namespace candar {
namespace {

TEST(score, sum_is_count_times_weight) {
  score s;
  s.set_weight("login", 1).set_weight("gacha", 5);
  s.add("login");
  s.add("login");
  s.add("gacha", 3);
  EXPECT_EQ(s.count("login"), 2);
  EXPECT_EQ(s.count("gacha"), 3);
  EXPECT_EQ(s.sum(), 2 * 1 + 3 * 5);
}

TEST(score, breakdown_lists_defined_tags_never_scored_with_zero) {
  score s;
  s.set_weight("login", 1).set_weight("never", 10);
  s.add("login");
  s.add("undefined");
  auto const b = s.breakdown();
  EXPECT_EQ(b.at("login"), 1);
  EXPECT_EQ(b.at("never"), 0);
  EXPECT_EQ(b.at("undefined"), 1);
  EXPECT_EQ(b.size(), 3U);
}

TEST(score, undefined_tags_count_with_the_default_weight) {
  score s;
  s.add("undefined", 4);
  EXPECT_EQ(s.sum(), 0);
  s.set_default_weight(2);
  EXPECT_EQ(s.weight("undefined"), 2);
  EXPECT_EQ(s.sum(), 8);
}

TEST(score, deductions_per_error_code) {
  score s;
  s.set_weight("ok", 10).set_deduction("timeout", 3).set_deduction("status", 7);
  s.add("ok", 10);
  error_collection errors;
  errors.add(error("timeout", "").wrap("login"));
  errors.add(error("timeout", ""));
  errors.add(error("status", ""));
  errors.add(error("unpriced", ""));
  auto const d = s.deductions(errors);
  EXPECT_EQ(d.at("timeout"), 6);
  EXPECT_EQ(d.at("status"), 7);
  EXPECT_EQ(s.deduction(errors), 13);
  EXPECT_EQ(s.total(errors), 100 - 13);
}

TEST(score, a_million_adds_from_all_threads_are_all_counted) {
  score s;
  s.set_weight("a", 1).set_weight("b", 2);
  constexpr std::int64_t total = 1'000'000;
  auto const n = test::thread_count();
  auto const per_thread = total / static_cast<std::int64_t>(n);
  test::on_threads(n, [&](std::size_t) {
    for (std::int64_t i = 0; i < per_thread; ++i) s.add(i % 4 == 0 ? "b" : "a");
  });
  auto const added = per_thread * static_cast<std::int64_t>(n);
  EXPECT_EQ(s.count("a") + s.count("b"), added);
  EXPECT_EQ(s.count("b"), static_cast<std::int64_t>(n) * ((per_thread + 3) / 4));
  EXPECT_EQ(s.sum(), s.count("a") + 2 * s.count("b"));
}

TEST(score, reading_while_others_add_sees_a_consistent_growing_total) {
  score s;
  std::atomic<bool> stop{false};
  std::int64_t last = 0;
  bool monotonic = true;
  std::thread reader([&] {
    while (!stop.load()) {
      auto const now = s.count("x");
      if (now < last) monotonic = false;
      last = now;
    }
  });
  test::on_threads(2, [&](std::size_t) {
    for (int i = 0; i < 100'000; ++i) s.add("x");
  });
  stop = true;
  reader.join();
  EXPECT_TRUE(monotonic);
  EXPECT_EQ(s.count("x"), 200'000);
}

}  // namespace
}  // namespace candar
