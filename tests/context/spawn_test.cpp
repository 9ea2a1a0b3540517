#include "candar/context/spawn.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include <future>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/runtime/runtime.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Awaits a timer that never expires and knows nothing of any context: only cancellation can end it.
asio::awaitable<void> forever(std::promise<void>* started) {
  asio::steady_timer t(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
  if (started) started->set_value();
  co_await t.async_wait(asio::use_awaitable);
}

TEST(spawn, ending_the_context_cancels_what_the_work_awaits) {
  runtime rt(2);
  context ctx;
  std::promise<void> started;
  std::promise<std::exception_ptr> finished;
  spawn(rt.executor(1), ctx, forever(&started), [&](std::exception_ptr e) { finished.set_value(e); });
  started.get_future().wait();
  ctx.cancel();  // from a thread that is not the work's loop
  auto const e = finished.get_future().get();
  EXPECT_TRUE(is_cancellation(e));
}

TEST(spawn, an_exceptions_message_is_its_what_or_says_it_is_unknown) {
  EXPECT_EQ(exception_message(std::make_exception_ptr(std::runtime_error("disk full"))), "disk full");
  EXPECT_EQ(exception_message(std::make_exception_ptr(42)), "unknown exception");
}

TEST(spawn, work_is_not_started_under_an_ended_context) {
  runtime rt(1);
  context ctx;
  ctx.cancel();
  bool ran = false;
  std::promise<std::exception_ptr> finished;
  auto work = [](bool& r) -> asio::awaitable<void> {
    r = true;
    co_return;
  };
  spawn(rt.executor(0), ctx, work(ran), [&](std::exception_ptr e) { finished.set_value(e); });
  EXPECT_EQ(finished.get_future().get(), nullptr);
  EXPECT_FALSE(ran);
}

TEST(spawn, after_cancellation_every_later_co_await_throws) {
  runtime rt(1);
  context ctx;
  std::promise<int> awaits_after;
  auto work = [](context c, std::promise<int>& out) -> asio::awaitable<void> {
    int n = 0;
    try {
      c.cancel();
      asio::steady_timer t(co_await asio::this_coro::executor, 1h);
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));  // aborted
      ++n;
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));  // throws before starting
      ++n;
    } catch (boost::system::system_error const&) {
    }
    out.set_value(n);
  };
  spawn(rt.executor(0), ctx, work(ctx, awaits_after), [](std::exception_ptr) {});
  EXPECT_EQ(awaits_after.get_future().get(), 1);
}

TEST(sleep, runs_the_whole_duration_when_nothing_ends) {
  runtime rt(1);
  bool full = false;
  rt.run([](bool& out) -> asio::awaitable<void> { out = co_await sleep(context(), 1ms); }(full));
  EXPECT_TRUE(full);
}

TEST(sleep, returns_false_when_the_context_is_canceled_meanwhile) {
  runtime rt(2);
  context ctx;
  bool full = true;
  std::thread canceler;
  rt.run([](context c, bool& out, std::thread& other) -> asio::awaitable<void> {
    other = std::thread([c] { c.cancel(); });
    out = co_await sleep(c, 1h);
  }(ctx, full, canceler));
  canceler.join();
  EXPECT_FALSE(full);
}

TEST(sleep, stops_at_the_context_deadline) {
  runtime rt(1);
  context ctx = context().with_timeout(rt.executor(0), 5ms);
  bool full = true;
  rt.run([](context c, bool& out) -> asio::awaitable<void> { out = co_await sleep(c, 1h); }(ctx, full));
  EXPECT_FALSE(full);
  EXPECT_EQ(ctx.reason(), stop_reason::timeout);
}

}  // namespace
}  // namespace candar
