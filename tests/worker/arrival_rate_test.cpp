#include "candar/worker/arrival_rate.hpp"

// The open-model executor: when each arrival is due (exact figures from the integral of the rate), that every
// arrival starts once or is dropped and counted, that users run one iteration at a time on one loop, that a
// late start is measured from when it was due, and that the end of the context ends the schedule at once.
#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "arrival_schedule.hpp"
#include "candar/context/spawn.hpp"
#include "support/unexpected_exception.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using detail::arrival_schedule;

asio::awaitable<void> wait_until(clock_type::time_point t) {
  asio::steady_timer timer(co_await asio::this_coro::executor, t);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

TEST(arrival_schedule, a_constant_rate_spreads_arrivals_evenly_and_holds_exactly_rate_times_duration) {
  arrival_schedule const s(100, {{100, 500ms}});
  EXPECT_EQ(s.count(), 50);
  for (std::int64_t k = 0; k < 50; ++k) EXPECT_EQ(s.due(k), std::chrono::nanoseconds(k * 10'000'000)) << k;
  EXPECT_EQ(s.due(50), std::nullopt);  // due exactly at the end: not in the run
  EXPECT_EQ(s.due(-1), std::nullopt);
  EXPECT_EQ(s.due_by(0ns), 1);
  EXPECT_EQ(s.due_by(9'999'999ns), 1);
  EXPECT_EQ(s.due_by(10ms), 2);
  EXPECT_EQ(s.due_by(1h), 50);
  EXPECT_EQ(arrival_schedule(3, {{3, 1s}}).count(), 3);
  EXPECT_EQ(arrival_schedule(2.5, {{2.5, 1s}}).count(), 3);  // 0, 0.4 s, 0.8 s
}

TEST(arrival_schedule, a_ramp_follows_the_integral_of_the_rate) {
  // Up from 0 to 100/s over 1 s, 100/s for 1 s, down to 0 over 1 s: 50 + 100 + 50 arrivals.
  arrival_schedule const s(0, {{100, 1s}, {100, 1s}, {0, 1s}});
  EXPECT_EQ(s.count(), 200);
  // Up: N(t) = 50 t^2, so arrival k is due at sqrt(k / 50) s.
  for (std::int64_t k = 0; k < 50; ++k) {
    auto const expected = std::llround(std::sqrt(static_cast<double>(k) / 50.0) * 1e9);
    EXPECT_NEAR(static_cast<double>(s.due(k)->count()), static_cast<double>(expected), 2.0) << k;
  }
  EXPECT_EQ(s.due(50), std::chrono::nanoseconds(1s));
  EXPECT_EQ(s.due(51), std::chrono::nanoseconds(1010ms));
  EXPECT_EQ(s.due(150), std::chrono::nanoseconds(2s));
  // Down: N(t) = 100 t - 50 t^2 reaches 49 at t = 1 - sqrt(0.02).
  EXPECT_NEAR(static_cast<double>(s.due(199)->count()), (3.0 - std::sqrt(0.02)) * 1e9, 2.0);
  EXPECT_EQ(s.due(200), std::nullopt);
  EXPECT_EQ(s.due_by(1s), 51);
}

TEST(arrival_schedule, a_stage_at_rate_zero_holds_no_arrival_and_moves_the_next_ones_later) {
  arrival_schedule const s(10, {{10, 1s}, {0, 1s}, {0, 1s}, {10, 1s}});
  // 10 in the first second, 5 while it falls, none at zero, 5 while it rises (N = 5 t^2 there).
  EXPECT_EQ(s.count(), 20);
  EXPECT_EQ(s.due(10), std::chrono::nanoseconds(1s));
  EXPECT_NEAR(static_cast<double>(s.due(15)->count()), 3e9, 2.0);
  EXPECT_NEAR(static_cast<double>(s.due(16)->count()), (3.0 + std::sqrt(0.2)) * 1e9, 2.0);
}

TEST(arrival_schedule, how_many_are_due_by_a_time_agrees_with_when_each_is_due) {
  arrival_schedule const s(0, {{0, 10s}, {100, 10s}});  // nothing for 10 s, then up from zero
  EXPECT_EQ(s.due(0), std::chrono::nanoseconds(10s));
  EXPECT_EQ(s.due_by(5s), 0);  // nobody was due in the quiet stretch
  EXPECT_EQ(s.due_by(10s), 1);
  for (std::chrono::nanoseconds const t : {10'500ms, 12'000ms, 15'250ms, 19'999ms, 20'000ms, 3'600'000ms}) {
    auto const n = s.due_by(t);
    if (n > 0) EXPECT_LE(*s.due(n - 1), t);
    if (n < s.count()) EXPECT_GT(*s.due(n), t);
  }
}

TEST(arrival_schedule, rates_and_stages_that_make_no_sense_are_refused) {
  EXPECT_THROW(arrival_schedule(-1, {{1, 1s}}), std::invalid_argument);
  EXPECT_THROW(arrival_schedule(1, {{std::nan(""), 1s}}), std::invalid_argument);
  EXPECT_THROW(arrival_schedule(1, {{HUGE_VAL, 1s}}), std::invalid_argument);
  EXPECT_THROW(arrival_schedule(1, {}), std::invalid_argument);
  EXPECT_THROW(arrival_schedule(1, {{1, 0s}}), std::invalid_argument);
  EXPECT_THROW(arrival_schedule(1e12, {{1e12, 24h * 365}}), std::invalid_argument);
}

TEST(arrival_rate, every_arrival_starts_once_no_earlier_than_due_and_a_user_runs_one_at_a_time_on_one_loop) {
  runtime rt(2);
  std::mutex m;
  std::map<std::int64_t, arrival> seen;
  std::map<std::int64_t, std::size_t> loop_of_user;
  std::set<std::int64_t> busy;
  bool overlap = false, moved = false;
  arrival_rate rate(
      rt,
      [&](context const&, arrival const& a) -> asio::awaitable<void> {
        {
          std::lock_guard lock(m);
          seen.emplace(a.index, a);
          overlap = overlap || !busy.insert(a.user).second;
          auto const loop = runtime::current_loop().value_or(99);
          moved = moved || (!loop_of_user.emplace(a.user, loop).second && loop_of_user[a.user] != loop);
        }
        co_await wait_until(a.started + 20ms);  // the iteration's own work: a few are in flight at once
        std::lock_guard lock(m);
        busy.erase(a.user);
      },
      arrival_rate_options::constant(200, 250ms, 50));
  rt.run(rate.process(context(), test::unexpected_exception()));
  EXPECT_EQ(rate.scheduled(), 50);
  EXPECT_EQ(rate.started(), 50);
  EXPECT_EQ(rate.dropped(), 0);
  EXPECT_EQ(rate.finished(), 50);
  ASSERT_EQ(seen.size(), 50U);
  auto const first_due = seen.at(0).due;
  for (auto const& [k, a] : seen) {
    EXPECT_EQ(a.due - first_due, std::chrono::nanoseconds(k * 5'000'000)) << k;  // evenly spread: 5 ms apart
    EXPECT_GE(a.started, a.due) << k;
  }
  EXPECT_FALSE(overlap);
  EXPECT_FALSE(moved);
  EXPECT_LE(rate.users(), 50);
  EXPECT_EQ(rate.latency_from_due().count(), 50U);
  EXPECT_EQ(rate.latency_from_start().count(), 50U);
}

TEST(arrival_rate, an_arrival_that_finds_no_free_user_is_dropped_and_counted) {
  runtime rt(1);
  std::optional<arrival_rate> rate;
  rate.emplace(
      rt,
      [&](context const&, arrival const& a) -> asio::awaitable<void> {
        // The one user stays busy until every other arrival has been dropped.
        while (rate->dropped() < 99) co_await wait_until(clock_type::now() + 1ms);
        EXPECT_EQ(a.index, 0);
      },
      arrival_rate_options::constant(1000, 100ms, 1));
  rt.run(rate->process(context(), test::unexpected_exception()));
  EXPECT_EQ(rate->started(), 1);
  EXPECT_EQ(rate->dropped(), 99);
  EXPECT_EQ(rate->users(), 1);
}

TEST(arrival_rate, more_users_are_made_up_to_the_maximum_when_none_is_free) {
  runtime rt(1);
  std::optional<arrival_rate> rate;
  auto options = arrival_rate_options::constant(1000, 20ms, 2);
  options.max_users = 5;
  rate.emplace(
      rt,
      [&](context const&, arrival const&) -> asio::awaitable<void> {
        // Nobody finishes before the schedule is over: 5 users start, 15 arrivals are dropped.
        while (rate->started() + rate->dropped() < 20) co_await wait_until(clock_type::now() + 1ms);
      },
      options);
  rt.run(rate->process(context(), test::unexpected_exception()));
  EXPECT_EQ(rate->started(), 5);
  EXPECT_EQ(rate->dropped(), 15);
  EXPECT_EQ(rate->users(), 5);
}

TEST(arrival_rate, with_a_max_delay_a_late_arrival_waits_for_a_user_and_counts_its_latency_from_when_it_was_due) {
  runtime rt(1);
  std::vector<arrival> seen;
  clock_type::time_point first_end;
  auto options = arrival_rate_options::constant(1000, 20ms, 1);
  options.max_delay = 1h;
  arrival_rate rate(
      rt,
      [&](context const&, arrival const& a) -> asio::awaitable<void> {
        seen.push_back(a);
        if (a.index == 0) {
          co_await wait_until(a.due + 19ms);  // every other arrival is due by then
          first_end = clock_type::now();
        }
      },
      options);
  rt.run(rate.process(context(), test::unexpected_exception()));
  EXPECT_EQ(rate.started(), 20);
  EXPECT_EQ(rate.dropped(), 0);
  ASSERT_EQ(seen.size(), 20U);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].index, static_cast<std::int64_t>(i));  // in order
    EXPECT_GE(seen[i].started, first_end);                   // late: after the one user came back
    EXPECT_EQ(seen[i].due - seen[0].due, std::chrono::milliseconds(i));
  }
  // From when they were due, arrival k waited at least 19 - k ms; from when they started, nearly nothing.
  auto const from_due = rate.latency_from_due();
  EXPECT_EQ(from_due.count(), 20U);
  EXPECT_GE(from_due.percentile(50), 9ms);
  EXPECT_GE(from_due.max(), 19ms);
}

TEST(arrival_rate, an_arrival_later_than_the_max_delay_is_dropped) {
  runtime rt(1);
  std::vector<arrival> ran;
  auto options = arrival_rate_options::constant(1000, 20ms, 1);
  options.max_delay = 5ms;
  arrival_rate rate(
      rt,
      [&](context const&, arrival const& a) -> asio::awaitable<void> {
        ran.push_back(a);
        if (ran.size() == 1) co_await wait_until(a.due + 19ms + 500us);
      },
      options);
  rt.run(rate.process(context(), test::unexpected_exception()));
  // When the user comes back (19.5 ms after the first arrival it took was due, or later), the 14 after that one
  // are more than 5 ms late: dropped. (The first one it takes is arrival 0 unless the loop started over 5 ms late.)
  EXPECT_EQ(rate.dropped() + rate.started(), 20);
  EXPECT_EQ(static_cast<std::size_t>(rate.started()), ran.size());
  ASSERT_GE(ran.size(), 1U);
  if (ran.size() > 1) EXPECT_GE(ran[1].index, ran[0].index + 15);
  for (auto const& a : ran) EXPECT_LE(a.started - a.due, 5ms) << a.index;  // none ran later than allowed
}

TEST(arrival_rate, the_end_of_the_context_ends_the_schedule_and_counts_what_was_due_as_dropped) {
  runtime rt(2);
  std::optional<arrival_rate> rate;
  // An hour at 1000/s, one user that never finishes, and a context of 50 ms: process() returns then.
  rate.emplace(
      rt, [&](context const& ctx, arrival const&) -> asio::awaitable<void> { co_await wait(ctx); },
      arrival_rate_options::constant(1000, 1h, 1));
  rt.run([&]() -> asio::awaitable<void> {
    auto ctx = context().with_timeout(co_await asio::this_coro::executor, 50ms);
    co_await rate->process(ctx, test::unexpected_exception());
  }());
  EXPECT_EQ(rate->started(), 1);
  EXPECT_GE(rate->dropped(), 1);  // the ones due before the end (how many depends on when the end was seen)
  EXPECT_EQ(rate->finished(), 1);
  EXPECT_EQ(rate->latency_from_due().count(), 0U);  // cut off by the end: no latency of its own

  // A slow rate too: the next arrival is an hour away, and the end of the context does not wait for it.
  arrival_rate slow(
      rt, [](context const&, arrival const&) -> asio::awaitable<void> { co_return; },
      arrival_rate_options::constant(1.0 / 3600, 10h, 1));
  rt.run([&]() -> asio::awaitable<void> {
    auto ctx = context().with_timeout(co_await asio::this_coro::executor, 20ms);
    co_await slow.process(ctx, test::unexpected_exception());
  }());
  EXPECT_EQ(slow.started(), 1);
  EXPECT_EQ(slow.dropped(), 0);
}

TEST(arrival_rate, fewer_users_than_loops_schedule_on_the_loops_that_have_users) {
  // One user on four loops: every arrival goes to the user's loop, none is dropped for want of a user there.
  runtime rt(4);
  arrival_rate rate(
      rt, [](context const&, arrival const&) -> asio::awaitable<void> { co_return; },
      arrival_rate_options::constant(200, 250ms, 1));
  rt.run(rate.process(context(), test::unexpected_exception()));
  EXPECT_EQ(rate.started() + rate.dropped(), 50);
  EXPECT_EQ(rate.users(), 1);

  // With a max_delay too, a loop whose users are all elsewhere must not wait for one forever.
  auto options = arrival_rate_options::constant(100, 300ms, 2);
  options.max_delay = 10ms;
  arrival_rate waiting(
      rt, [](context const&, arrival const&) -> asio::awaitable<void> { co_return; }, options);
  rt.run(waiting.process(context(), test::unexpected_exception()));
  EXPECT_EQ(waiting.started() + waiting.dropped(), 30);
}

TEST(arrival_rate, options_that_make_no_sense_are_refused) {
  runtime rt(1);
  auto const noop = [](context const&, arrival const&) -> asio::awaitable<void> { co_return; };
  auto bad_users = arrival_rate_options::constant(10, 1s, 0);
  EXPECT_THROW(arrival_rate(rt, noop, bad_users), std::invalid_argument);
  auto bad_max = arrival_rate_options::constant(10, 1s, 5);
  bad_max.max_users = 2;
  EXPECT_THROW(arrival_rate(rt, noop, bad_max), std::invalid_argument);
  auto bad_delay = arrival_rate_options::constant(10, 1s, 1);
  bad_delay.max_delay = -1s;
  EXPECT_THROW(arrival_rate(rt, noop, bad_delay), std::invalid_argument);
  EXPECT_THROW(arrival_rate(rt, noop, arrival_rate_options::constant(-5, 1s, 1)), std::invalid_argument);
  EXPECT_THROW(arrival_rate(rt, {}, arrival_rate_options::constant(5, 1s, 1)), std::invalid_argument);
}

// The handler runs before the loop says it is idle: once it says so, process() may return and its owner destroy
// the arrival_rate (and the step the handler reports to) while the handler would still run.
TEST(arrival_rate, the_exception_handler_runs_before_process_can_return) {
  runtime rt(2);
  arrival_rate rate(
      rt,
      [](context const&, arrival const&) -> asio::awaitable<void> {
        throw std::runtime_error("boom");
        co_return;
      },
      arrival_rate_options::constant(1000, 1ms, 1));
  std::mutex m;
  std::condition_variable cv;
  bool returned = false;
  bool returned_while_handling = false;
  int handled = 0;
  auto const handler = [&](std::exception_ptr) {
    std::unique_lock lock(m);
    ++handled;
    // Were process() free to return now, it would within this wait; it must not.
    returned_while_handling = cv.wait_for(lock, 2s, [&] { return returned; });
  };
  rt.run([&]() -> asio::awaitable<void> {
    co_await asio::co_spawn(  // on the other loop than the one arrival's, which the handler holds
        rt.executor(1),
        [&]() -> asio::awaitable<void> {
          co_await rate.process(context(), handler);
          std::lock_guard lock(m);
          returned = true;
          cv.notify_all();
        },
        asio::use_awaitable);
  }());
  EXPECT_EQ(handled, 1);
  EXPECT_FALSE(returned_while_handling);
}

}  // namespace
}  // namespace candar
