#include "candar/benchmark/benchmark.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/failure/codes.hpp"
#include "candar/worker/arrival_rate.hpp"
#include "candar/worker/worker.hpp"
#include "support/concurrency_probe.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Awaits a timer nothing ends: only the benchmark's cancellation can stop it.
asio::awaitable<void> never_finish() {
  asio::steady_timer t(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
  co_await t.async_wait(asio::use_awaitable);
}

benchmark_options quick() { return {.prepare_timeout = 30s, .load_timeout = 30s, .validate_timeout = 30s}; }

TEST(benchmark, runs_prepare_load_validate_in_order_and_records_their_times) {
  runtime rt(2);
  benchmark b(quick());
  std::vector<std::string> seen;
  std::mutex m;
  auto note = [&](std::string what) {
    std::lock_guard lock(m);
    seen.push_back(std::move(what));
  };
  b.add({.name = "a",
         .prepare = [&](step& s) -> asio::awaitable<void> {
           note("prepare a " + std::string(to_string(s.current_phase())));
           co_return;
         },
         .load = [&](step& s) -> asio::awaitable<void> {
           s.add_score("x");
           note("load a");
           co_return;
         },
         .validate = [&](step&) -> asio::awaitable<void> {
           note("validate a");
           co_return;
         }});
  b.add({.name = "b", .prepare = [&](step&) -> asio::awaitable<void> {
           note("prepare b");
           co_return;
         }});
  b.result().score().set_weight("x", 7);
  auto const& r = b.run(rt);
  ASSERT_EQ(seen.size(), 4U);
  EXPECT_EQ(seen[0], "prepare a prepare");
  EXPECT_EQ(seen[1], "prepare b");
  EXPECT_EQ(seen[2], "load a");
  EXPECT_EQ(seen[3], "validate a");
  EXPECT_EQ(r.score().sum(), 7);
  EXPECT_FALSE(r.prepare_failed());
  EXPECT_EQ(r.interrupted(), stop_reason::none);
  for (auto p : {phase::prepare, phase::load, phase::validate}) EXPECT_TRUE(r.record(p).ran);
  EXPECT_LE(r.record(phase::prepare).end, r.record(phase::load).start);
  EXPECT_LE(r.record(phase::load).end, r.record(phase::validate).start);
}

TEST(benchmark, a_failed_prepare_skips_load_and_validate) {
  runtime rt(2);
  benchmark b(quick());
  bool loaded = false, validated = false;
  b.add({.name = "init",
         .prepare = [](step& s) -> asio::awaitable<void> {
           s.add_error(error("initialize", "POST /initialize: 500"));
           co_return;
         },
         .load = [&](step&) -> asio::awaitable<void> {
           loaded = true;
           co_return;
         },
         .validate = [&](step&) -> asio::awaitable<void> {
           validated = true;
           co_return;
         }});
  auto const& r = b.run(rt);
  EXPECT_TRUE(r.prepare_failed());
  EXPECT_FALSE(loaded);
  EXPECT_FALSE(validated);
  EXPECT_FALSE(r.record(phase::load).ran);
  EXPECT_EQ(r.errors().count("initialize"), 1);
}

TEST(benchmark, a_prepare_that_runs_out_of_time_fails_with_timeout) {
  runtime rt(2);
  benchmark b({.prepare_timeout = 10ms});
  bool loaded = false;
  b.add({.name = "slow",
         .prepare = [](step&) -> asio::awaitable<void> { co_await never_finish(); },
         .load = [&](step&) -> asio::awaitable<void> {
           loaded = true;
           co_return;
         }});
  auto const& r = b.run(rt);
  EXPECT_TRUE(r.prepare_failed());
  EXPECT_FALSE(loaded);
  auto const msgs = r.errors().messages("prepare");
  ASSERT_EQ(msgs.size(), 1U);
  // The step was cut off while awaiting, or (on a loaded machine) the 10 ms passed before it started at all.
  EXPECT_TRUE(msgs[0] == "prepare > timeout: did not finish before the phase ended" ||
              msgs[0] == "prepare > timeout: the phase did not finish in time")
      << msgs[0];
}

TEST(benchmark, a_throwing_load_step_becomes_a_panic_and_the_run_still_finishes) {
  runtime rt(2);
  benchmark b(quick());
  bool validated = false;
  b.add({.name = "buggy",
         .load = [](step&) -> asio::awaitable<void> {
           throw std::runtime_error("index out of range");
           co_return;
         },
         .validate = [&](step&) -> asio::awaitable<void> {
           validated = true;
           co_return;
         }});
  auto const& r = b.run(rt);
  EXPECT_TRUE(validated);
  EXPECT_EQ(r.errors().count(codes::panic), 1);
  auto const msgs = r.errors().messages(codes::panic);
  ASSERT_EQ(msgs.size(), 1U);
  EXPECT_EQ(msgs[0], "load > panic: buggy: index out of range");
}

TEST(benchmark, with_catch_panics_off_the_exception_reaches_the_caller) {
  runtime rt(2);
  benchmark b({.catch_panics = false});
  b.add({.name = "buggy", .prepare = [](step&) -> asio::awaitable<void> {
           throw std::logic_error("debug me");
           co_return;
         }});
  EXPECT_THROW(b.run(rt), std::logic_error);
}

TEST(benchmark, the_load_timeout_ends_a_never_finishing_step_without_an_error) {
  runtime rt(2);
  benchmark b({.load_timeout = 20ms});
  bool validated = false;
  b.add({.name = "stuck",
         .load = [](step&) -> asio::awaitable<void> { co_await never_finish(); },
         .validate = [&](step&) -> asio::awaitable<void> {
           validated = true;
           co_return;
         }});
  // A generous bound: the run must end by itself long before it.
  auto finished = std::async(std::launch::async, [&] { return b.run(rt).errors().count(); });
  ASSERT_EQ(finished.wait_for(60s), std::future_status::ready) << "the load timeout did not end the step";
  EXPECT_EQ(finished.get(), 0);
  EXPECT_TRUE(validated);
}

TEST(benchmark, load_steps_run_concurrently) {
  runtime rt(2);
  benchmark b(quick());
  // Each step waits until both are inside: steps run one after the other would never get there.
  test::concurrency_probe probe(2);
  auto meet = [&](step& s) -> asio::awaitable<void> {
    co_await probe.enter();
    s.add_score("met");
  };
  b.add({.name = "one", .load = meet});
  b.add({.name = "two", .load = meet});
  auto const& r = b.run(rt);
  EXPECT_EQ(r.score().count("met"), 2);
}

TEST(benchmark, a_hook_sees_each_error_once_and_can_cancel_the_run) {
  runtime rt(2);
  benchmark b(quick());
  std::atomic<int> hooked{0};
  b.on_error([&](error const& e, step& s) {
    hooked.fetch_add(1);
    if (e.has("critical")) s.cancel();
  });
  bool validated = false;
  b.add({.name = "flow",
         .load = [](step& s) -> asio::awaitable<void> {
           worker w(s.runtime(),
                    [&s](context const&, std::int64_t i) -> asio::awaitable<void> {
                      s.add_error(error(i == 499 ? "critical" : "status", "m"));
                      co_return;
                    },
                    {.count = 500, .parallelism = 4});
           co_await w.process(s);
           co_await never_finish();  // ended by the hook's cancel
         },
         .validate = [&](step&) -> asio::awaitable<void> {
           validated = true;
           co_return;
         }});
  auto const& r = b.run(rt);
  // Iterations still running when the hook canceled the run report after the window: not counted.
  EXPECT_EQ(r.errors().count() + r.errors_after_window().count(), 500);
  EXPECT_EQ(hooked.load(), r.errors().count());
  EXPECT_EQ(r.errors().count("critical"), 1);
  EXPECT_EQ(r.interrupted(), stop_reason::canceled);
  EXPECT_FALSE(validated);
}

TEST(benchmark, ignored_codes_are_not_counted_or_hooked) {
  runtime rt(1);
  benchmark b({.ignore_codes = {"canceled"}});
  int hooked = 0;
  b.on_error([&](error const&, step&) { ++hooked; });
  b.add({.name = "x", .load = [](step& s) -> asio::awaitable<void> {
           s.add_error(error("canceled", "").wrap("login"));
           s.add_error(error("status", ""));
           co_return;
         }});
  auto const& r = b.run(rt);
  EXPECT_EQ(r.errors().count(), 1);
  EXPECT_EQ(hooked, 1);
}

TEST(benchmark, score_added_after_the_phase_ended_does_not_count) {
  runtime rt(2);
  benchmark b({.load_timeout = 60s});
  b.add({.name = "late", .load = [](step& s) -> asio::awaitable<void> {
           s.add_score("in-time");
           s.cancel();  // ends the window now, as its timeout would (a short timeout could pass before the start)
           try {
             co_await never_finish();
           } catch (...) {
           }
           s.add_score("late");  // the phase has ended: a response completing now does not score
         }});
  auto const& r = b.run(rt);
  EXPECT_EQ(r.score().count("in-time"), 1);
  EXPECT_EQ(r.score().count("late"), 0);
}

TEST(benchmark, ending_the_parent_context_interrupts_the_run) {
  runtime rt(2);
  benchmark b(quick());
  context parent;
  bool validated = false;
  b.add({.name = "x",
         .load = [&](step&) -> asio::awaitable<void> {
           parent.cancel();  // as SIGINT would
           co_await never_finish();
         },
         .validate = [&](step&) -> asio::awaitable<void> {
           validated = true;
           co_return;
         }});
  auto const& r = b.run(rt, parent);
  EXPECT_EQ(r.interrupted(), stop_reason::canceled);
  EXPECT_FALSE(validated);
}

// A Load step that runs its worker under a narrower context (one an adjustor may end) still gets every
// exception escaping an iteration, as a panic error of the step: none is dropped.
TEST(benchmark, a_worker_under_a_narrower_context_reports_escaping_exceptions_to_the_step) {
  runtime rt(2);
  benchmark b(quick());
  b.add({.name = "flow", .load = [](step& s) -> asio::awaitable<void> {
           worker w(s.runtime(),
                    [](context const&, std::int64_t i) -> asio::awaitable<void> {
                      if (i % 2 == 0) throw std::runtime_error("flow bug");
                      co_return;
                    },
                    {.count = 10, .parallelism = 2});
           context load = s.context().with_cancel();
           co_await w.process(s, load);
         }});
  auto const& r = b.run(rt);
  EXPECT_EQ(r.errors().count("panic"), 5);
}

TEST(benchmark, a_worker_without_an_exception_handler_is_refused) {
  runtime rt(1);
  worker w(rt, [](context const&, std::int64_t) -> asio::awaitable<void> { co_return; }, {.count = 1});
  EXPECT_THROW(rt.run(w.process(context(), {})), std::invalid_argument);
  arrival_rate a(
      rt, [](context const&, arrival const&) -> asio::awaitable<void> { co_return; },
      arrival_rate_options::constant(10, 100ms, 1));
  EXPECT_THROW(rt.run(a.process(context(), {})), std::invalid_argument);
}

TEST(benchmark, an_arrival_rate_reports_escaping_exceptions_to_the_step) {
  runtime rt(2);
  benchmark b({.load_timeout = 30s});
  b.add({.name = "bursts", .load = [&](step& s) -> asio::awaitable<void> {
           arrival_rate a(s.runtime(),
                          [](context const&, arrival const& at) -> asio::awaitable<void> {
                            if (at.index % 2 == 0) throw std::runtime_error("flow bug");
                            co_return;
                          },
                          {.start_rate = 40, .stages = {{40, 250ms}}, .pre_allocated_users = 4, .max_delay = 1s});
           co_await a.process(s);
         }});
  auto const& r = b.run(rt);
  // Every even arrival threw: each is a panic of the step, none is lost and the run goes on.
  EXPECT_GT(r.errors().count("panic"), 0);
  EXPECT_EQ(r.errors().count(), r.errors().count("panic"));
  auto const messages = r.errors().messages("panic", 1);
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_NE(messages.front().find("flow bug"), std::string::npos) << messages.front();
}

}  // namespace
}  // namespace candar
