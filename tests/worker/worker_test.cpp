#include "candar/worker/worker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/context/spawn.hpp"
#include "support/concurrency_probe.hpp"
#include "support/unexpected_exception.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Every test runs under a generous deadline: a broken worker fails the test instead of hanging it.
context bounded(runtime& rt) { return context().with_timeout(rt.executor(0), 60s); }

TEST(worker, a_counted_worker_runs_each_index_exactly_once) {
  runtime rt(2);
  std::mutex m;
  std::multiset<std::int64_t> seen;
  worker w(rt,
           [&](context const&, std::int64_t i) -> asio::awaitable<void> {
             std::lock_guard lock(m);
             seen.insert(i);
             co_return;
           },
           {.count = 1000, .parallelism = 7});
  auto ctx = bounded(rt);
  rt.run(w.process(ctx, test::unexpected_exception()));
  EXPECT_FALSE(ctx.done());
  ASSERT_EQ(seen.size(), 1000U);
  for (std::int64_t i = 0; i < 1000; ++i) EXPECT_EQ(seen.count(i), 1U) << i;
  EXPECT_EQ(w.started(), 1000);
  EXPECT_EQ(w.finished(), 1000);
  EXPECT_EQ(w.running(), 0);
}

TEST(worker, a_count_of_zero_runs_nothing) {
  runtime rt(1);
  int runs = 0;
  worker w(rt,
           [&](context const&, std::int64_t) -> asio::awaitable<void> {
             ++runs;
             co_return;
           },
           {.count = 0});
  rt.run(w.process(bounded(rt), test::unexpected_exception()));
  EXPECT_EQ(runs, 0);
}

TEST(worker, observed_concurrency_equals_the_limit_before_and_after_changes) {
  runtime rt(2);
  test::concurrency_probe probe(3);
  context ctx = bounded(rt);
  std::atomic<std::int64_t> done{0};
  worker* self = nullptr;
  // Each change is made while every running iteration is parked in the probe, so that no iteration is between
  // the worker's limit check and the probe: every iteration of a measurement started under its limit.
  probe.on_full([&]() -> std::optional<std::int64_t> {
    auto const n = done.load();
    if (n >= 30 && self->parallelism() == 3) {  // raise: new iterations start at once
      self->set_parallelism(5);
      return 5;
    }
    if (n >= 80 && self->parallelism() == 5) {  // lower: no new iteration until fewer than 2 run
      self->add_parallelism(-3);
      return 2;
    }
    if (n >= 130) ctx.cancel();
    return std::nullopt;
  });
  worker w(rt,
           [&](context const&, std::int64_t index) -> asio::awaitable<void> {
             EXPECT_EQ(index, -1);
             co_await probe.enter();
             done.fetch_add(1);
           },
           {.parallelism = 3});
  self = &w;
  rt.run(w.process(ctx, test::unexpected_exception()));
  EXPECT_EQ(ctx.reason(), stop_reason::canceled) << "the worker stalled below its limit";
  auto const maxima = probe.maxima();
  ASSERT_EQ(maxima.size(), 3U);
  EXPECT_EQ(maxima[0], 3);
  EXPECT_EQ(maxima[1], 5);
  EXPECT_EQ(maxima[2], 2);
  EXPECT_EQ(w.parallelism(), 2);
  EXPECT_EQ(w.running(), 0);
  EXPECT_EQ(w.started(), w.finished());
}

TEST(worker, unlimited_parallelism_runs_the_whole_count_at_once) {
  runtime rt(2);
  test::concurrency_probe probe(40);
  worker w(rt, [&](context const&, std::int64_t) -> asio::awaitable<void> { co_await probe.enter(); },
           {.count = 40, .parallelism = worker_options::unlimited});
  auto ctx = bounded(rt);
  rt.run(w.process(ctx, test::unexpected_exception()));
  EXPECT_FALSE(ctx.done());
  EXPECT_EQ(probe.maxima()[0], 40);
}

TEST(worker, parallelism_zero_waits_until_raised) {
  runtime rt(2);
  std::atomic<int> runs{0};
  worker w(rt,
           [&](context const&, std::int64_t) -> asio::awaitable<void> {
             runs.fetch_add(1);
             co_return;
           },
           {.count = 10, .parallelism = 0});
  context ctx = bounded(rt);
  rt.run([](worker& wk, context c) -> asio::awaitable<void> {
    // Posted: it runs once process() below has suspended, waiting with nothing to run.
    asio::post(co_await asio::this_coro::executor, [&wk] {
      EXPECT_EQ(wk.started(), 0);
      wk.set_parallelism(2);
    });
    co_await wk.process(c, test::unexpected_exception());
  }(w, ctx));
  EXPECT_EQ(runs.load(), 10);
}

TEST(worker, parallelism_zero_returns_when_the_context_ends) {
  runtime rt(1);
  worker w(rt, [](context const&, std::int64_t) -> asio::awaitable<void> { co_return; }, {.parallelism = 0});
  context ctx;
  ctx.cancel();
  rt.run(w.process(ctx, test::unexpected_exception()));
  EXPECT_EQ(w.started(), 0);
}

TEST(worker, cancellation_ends_iterations_that_never_finish) {
  runtime rt(2);
  test::concurrency_probe probe(4);
  context ctx = bounded(rt);
  worker w(rt,
           [&](context const&, std::int64_t) -> asio::awaitable<void> {
             co_await probe.enter();  // once all four are in, cancel; then wait on a timer nothing else ends
             ctx.cancel();
             asio::steady_timer t(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
             co_await t.async_wait(asio::use_awaitable);
           },
           {.parallelism = 4});
  rt.run(w.process(ctx, test::unexpected_exception()));
  EXPECT_EQ(ctx.reason(), stop_reason::canceled);
  EXPECT_EQ(w.started(), 4);
  EXPECT_EQ(w.finished(), 4);
}

TEST(worker, an_escaping_exception_goes_to_the_handler_and_the_loop_goes_on) {
  runtime rt(2);
  std::atomic<int> handled{0};
  worker w(rt,
           [](context const&, std::int64_t i) -> asio::awaitable<void> {
             if (i % 10 == 0) throw std::runtime_error("boom");
             co_return;
           },
           {.count = 100, .parallelism = 3});
  rt.run(w.process(bounded(rt), [&](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (std::runtime_error const& ex) {
      EXPECT_STREQ(ex.what(), "boom");
      handled.fetch_add(1);
    }
  }));
  EXPECT_EQ(handled.load(), 10);
  EXPECT_EQ(w.finished(), 100);
}

TEST(worker, bad_options_are_refused) {
  runtime rt(1);
  auto fn = [](context const&, std::int64_t) -> asio::awaitable<void> { co_return; };
  EXPECT_THROW(worker(rt, fn, {.count = -5}), std::invalid_argument);
  EXPECT_THROW(worker(rt, fn, {.parallelism = -1}), std::invalid_argument);
  EXPECT_THROW(worker(rt, fn, {.parallelism = worker_options::unlimited}), std::invalid_argument);
  worker w(rt, fn, {.parallelism = 2});
  EXPECT_THROW(w.set_parallelism(-1), std::invalid_argument);
  w.add_parallelism(-10);
  EXPECT_EQ(w.parallelism(), 0);
}

// A passed deadline is noticed by done() itself, which then runs the context's callbacks on that thread: one
// that calls the worker back must not find the worker's mutex held (it deadlocked when done() ran under it).
TEST(worker, a_context_ending_inside_process_may_call_the_worker_back) {
  runtime rt(1);
  asio::io_context idle;  // never run: only a done() check notices the deadline
  auto ctx = context().with_deadline(idle.get_executor(), context::clock::now() - 1ms);
  worker w(rt, [](context const&, std::int64_t) -> asio::awaitable<void> { co_return; }, {.parallelism = 0});
  std::atomic<int> calls{0};
  auto sub = ctx.on_done([&](stop_reason) {
    w.set_parallelism(2);
    ++calls;
  });
  rt.run(w.process(ctx, test::unexpected_exception()));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(ctx.reason(), stop_reason::timeout);
}

}  // namespace
}  // namespace candar
