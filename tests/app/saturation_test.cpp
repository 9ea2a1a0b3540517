#include "saturation.hpp"

// The saturation check's rules, with exact numbers: a second is saturated by a loop lag over 500 ms or a CPU
// share of at least 97 % of the loops; a run is invalid from a quarter of its Load and about three seconds.
#include <gtest/gtest.h>

namespace candar::detail {
namespace {

TEST(saturation, a_fair_run_is_valid) {
  saturation_count s(2);
  for (int i = 0; i < 60; ++i) s.load_second(1.0, 40.0, 1.2);
  EXPECT_FALSE(s.invalid());
  EXPECT_EQ(s.saturated_seconds(), 0.0);
  EXPECT_EQ(s.load_seconds(), 60.0);
}

TEST(saturation, late_loops_or_full_cores_saturate_a_second) {
  saturation_count s(2);
  s.load_second(1.0, 501.0, 0.5);   // late
  s.load_second(1.0, 10.0, 1.94);   // 97 % of two loops
  s.load_second(1.0, 500.0, 1.93);  // neither
  EXPECT_EQ(s.saturated_seconds(), 2.0);
}

TEST(saturation, a_quarter_of_the_load_and_three_seconds_make_a_run_invalid) {
  saturation_count quarter(1);
  for (int i = 0; i < 15; ++i) quarter.load_second(1.0, 0.0, 0.1);
  for (int i = 0; i < 5; ++i) quarter.load_second(1.0, 900.0, 0.1);
  EXPECT_TRUE(quarter.invalid());  // 5 of 20 s
  EXPECT_EQ(
      quarter.sentence(),
      "the benchmarker was saturated for 25 % of the load (5 of 20 s; event loops late by up to 900 ms, CPU up to 0.10 "
      "of its 1 loops)");
  saturation_count less(1);
  for (int i = 0; i < 16; ++i) less.load_second(1.0, 0.0, 0.1);
  for (int i = 0; i < 5; ++i) less.load_second(1.0, 900.0, 0.1);
  EXPECT_FALSE(less.invalid());  // 5 of 21 s
  saturation_count short_run(1);
  short_run.load_second(1.0, 900.0, 0.1);
  short_run.load_second(1.0, 900.0, 0.1);
  EXPECT_FALSE(short_run.invalid());  // all of it, but two seconds are not enough to void a run
  short_run.load_second(1.0, 900.0, 0.1);
  EXPECT_TRUE(short_run.invalid());
}

// Neighbours that take its cores leave the benchmarker's CPU use and lag low: its threads' run-queue wait shows
// them. A second is starved when they waited for at least half the time they ran or were ready to run; a
// quarter of the load and three seconds starved are said, not a saturation (a webapp on the same machine does it).
TEST(saturation, waiting_for_a_cpu_is_said_not_counted_as_saturation) {
  saturation_count s(2);
  s.load_second(1.0, 20.0, 0.30, 0.30);  // half: starved
  s.load_second(1.0, 20.0, 0.30, 0.29);  // less than half
  s.load_second(1.0, 20.0, 0.01, 0.04);  // 80 %, but 40 ms a second: a nearly idle benchmarker's noise
  s.load_second(1.0, 20.0, 0.10, 0.90);  // 90 %
  EXPECT_EQ(s.starved_seconds(), 2.0);
  EXPECT_DOUBLE_EQ(s.worst_wait_fraction(), 0.9);
  EXPECT_FALSE(s.waited_for_cpu());  // 2 s are not enough
  s.load_second(1.0, 20.0, 0.25, 0.75);
  EXPECT_TRUE(s.waited_for_cpu());
  EXPECT_EQ(s.saturated_seconds(), 0.0);
  EXPECT_FALSE(s.invalid());
  EXPECT_EQ(s.wait_sentence(),
            "the benchmarker waited for a CPU for up to 90 % of the time it was ready to run, in 3 of 5 s of the load: "
            "other programs (the webapp, or neighbours) shared its cores, and its latencies include that wait");
}

// A webapp's page nested 100,000 deep costs the benchmarker CPU and stalls its loop while it is parsed: that is
// the webapp's choice, taken out before the second is judged.
TEST(saturation, reading_the_webapps_bytes_is_not_the_benchmarkers_saturation) {
  saturation_count s(2);
  s.load_second_with_webapp(1.0, 1135.0, 1.91, 0.0, 1.5);  // 1,135 ms late, 1.91 cores: 1.5 of them parsing
  EXPECT_EQ(s.saturated_seconds(), 0.0);
  s.load_second_with_webapp(1.0, 1135.0, 1.91, 0.0, 0.1);  // the benchmarker's own work
  EXPECT_EQ(s.saturated_seconds(), 1.0);
  s.load_second_with_webapp(1.0, 10.0, 0.5, 0.0, 3.0);  // never more than the CPU it used
  EXPECT_DOUBLE_EQ(s.webapp_cpu_seconds(), 1.5 + 0.1 + 0.5);
}

// Seen under a full test suite: a parse slowed by a busy machine took 1.8 s of its loop's time while the CPU
// gave the benchmarker 0.76 of a core. The lag is the parse's wall time; the CPU taken out is what it used.
TEST(saturation, a_parse_slowed_by_a_busy_machine_is_still_the_webapps_lag) {
  saturation_count s(2);
  s.load_second_with_webapp(1.0, 1847.0, 0.76, 0.0, 1.9);
  EXPECT_EQ(s.saturated_seconds(), 0.0);
  EXPECT_DOUBLE_EQ(s.webapp_cpu_seconds(), 0.76);
  // A stretch of two seconds holds two seconds' worth of the webapp's work.
  s.load_second_with_webapp(2.0, 1500.0, 1.0, 0.0, 0.75);
  EXPECT_EQ(s.saturated_seconds(), 0.0);
  // The loop late beyond the webapp's work is the benchmarker's.
  saturation_count busy(2);
  busy.load_second_with_webapp(1.0, 1847.0, 0.76, 0.0, 1.2);
  EXPECT_EQ(busy.saturated_seconds(), 1.0);
}

// Seen under a full test suite: a 100,000-deep page held its loop 2,050 ms. The loop's ticker fired only when the
// parse ended, so the whole lag came in that second, beside one second of the parse's work: it is the webapp's
// work of both seconds that explains it (three such parses made the run invalid, exit 5, before).
TEST(saturation, a_parse_longer_than_a_second_explains_the_lag_it_leaves_in_the_next) {
  saturation_count s(2);
  for (int page = 0; page < 3; ++page) {
    s.load_second_with_webapp(1.0, 20.0, 1.0, 0.0, 1.0);    // parsing; the ticker waits
    s.load_second_with_webapp(1.0, 2050.0, 1.0, 0.0, 1.0);  // the parse ends: the ticker fires 2,050 ms late
    s.load_second_with_webapp(1.0, 20.0, 0.3, 0.0, 0.0);
  }
  EXPECT_EQ(s.saturated_seconds(), 0.0) << s.sentence();
  EXPECT_FALSE(s.invalid());
  // The same lag with no parse before it is the benchmarker's.
  saturation_count own(2);
  own.load_second_with_webapp(1.0, 20.0, 1.0, 0.0, 0.0);
  own.load_second_with_webapp(1.0, 2050.0, 1.0, 0.0, 1.0);
  EXPECT_EQ(own.saturated_seconds(), 1.0);
  // A parse begun before the Load still explains a lag that ends in it.
  saturation_count straddling(2);
  straddling.other_stretch(1.0, 1.0);
  straddling.load_second_with_webapp(1.0, 1900.0, 1.0, 0.0, 1.0);
  EXPECT_EQ(straddling.saturated_seconds(), 0.0);
}

}  // namespace
}  // namespace candar::detail
