#include "candar/metrics/histogram.hpp"

#include <gtest/gtest.h>

namespace candar {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(histogram, empty_reads_zero) {
  histogram h;
  EXPECT_EQ(h.count(), 0U);
  EXPECT_EQ(h.percentile(99).count(), 0);
  EXPECT_EQ(h.min().count(), 0);
  EXPECT_EQ(h.mean().count(), 0);
}

TEST(histogram, small_values_are_exact) {
  histogram h;
  for (int us = 1; us <= 50; ++us) h.record(microseconds(us));
  EXPECT_EQ(h.count(), 50U);
  EXPECT_EQ(h.min().count(), 1);
  EXPECT_EQ(h.max().count(), 50);
  EXPECT_EQ(h.percentile(50).count(), 25);
  EXPECT_EQ(h.percentile(90).count(), 45);
  EXPECT_EQ(h.percentile(100).count(), 50);
  EXPECT_EQ(h.mean().count(), 25);  // 1275 / 50, rounded down
}

TEST(histogram, large_values_are_within_two_percent) {
  histogram h;
  for (int i = 1; i <= 1000; ++i) h.record(milliseconds(i));
  for (double p : {50.0, 90.0, 99.0}) {
    auto const want = p * 10.0 * 1000.0;  // µs
    auto const got = static_cast<double>(h.percentile(p).count());
    EXPECT_NEAR(got, want, want * 0.02) << "p" << p;
  }
  EXPECT_EQ(h.max().count(), 1'000'000);
  EXPECT_EQ(h.percentile(100).count(), 1'000'000);
}

TEST(histogram, merging_is_the_same_as_recording_together) {
  histogram a, b, both;
  for (int i = 0; i < 100; ++i) {
    a.record(microseconds(i * 7));
    both.record(microseconds(i * 7));
    b.record(microseconds(i * 1300));
    both.record(microseconds(i * 1300));
  }
  a.merge(b);
  EXPECT_EQ(a.count(), both.count());
  for (double p : {1.0, 50.0, 99.0}) EXPECT_EQ(a.percentile(p), both.percentile(p));
  EXPECT_EQ(a.max(), both.max());
  EXPECT_EQ(a.min(), both.min());
}

TEST(histogram, since_is_what_was_recorded_after_a_copy) {
  histogram h;
  for (int i = 1; i <= 100; ++i) h.record(std::chrono::milliseconds(i));  // the first second: 1..100 ms
  auto const earlier = h;
  for (int i = 0; i < 10; ++i) h.record(std::chrono::seconds(2));  // the next: a stall
  auto const second = h.since(earlier);
  EXPECT_EQ(second.count(), 10U);
  EXPECT_NEAR(static_cast<double>(second.percentile(50).count()), 2e6, 2e6 * 0.02);
  EXPECT_NEAR(static_cast<double>(second.min().count()), 2e6, 2e6 * 0.02);
  EXPECT_EQ(second.max(), std::chrono::microseconds(2'000'000));
  EXPECT_EQ(second.mean(), std::chrono::microseconds(2'000'000));
  EXPECT_EQ(h.since(h).count(), 0U);
  EXPECT_EQ(h.since(h).percentile(99), std::chrono::microseconds(0));
}

TEST(histogram, count_at_most_counts_the_values_under_a_bound_to_its_precision) {
  histogram h;
  for (int i = 1; i <= 100; ++i) h.record(std::chrono::milliseconds(i));
  EXPECT_EQ(h.count_at_most(std::chrono::microseconds(-1)), 0U);
  EXPECT_EQ(h.count_at_most(std::chrono::microseconds(999)), 0U);
  // 1..50 ms are at most 50 ms; 50 ms itself may sit in a bucket that straddles the bound (1.6 %).
  auto const under_50 = h.count_at_most(std::chrono::milliseconds(50));
  EXPECT_GE(under_50, 49U);
  EXPECT_LE(under_50, 50U);
  EXPECT_EQ(h.count_at_most(std::chrono::milliseconds(102)), 100U);
  EXPECT_EQ(h.count_at_most(std::chrono::hours(1)), 100U);
  EXPECT_EQ(h.sum(), std::chrono::microseconds(5050 * 1000));
}

}  // namespace
}  // namespace candar
