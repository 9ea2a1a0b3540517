#include "candar/context/context.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include <atomic>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "candar/context/spawn.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar {
namespace {

using namespace std::chrono_literals;

TEST(context, starts_running_and_ends_once_with_canceled) {
  context ctx;
  EXPECT_FALSE(ctx.done());
  EXPECT_EQ(ctx.reason(), stop_reason::none);
  int calls = 0;
  auto sub = ctx.on_done([&](stop_reason r) {
    ++calls;
    EXPECT_EQ(r, stop_reason::canceled);
  });
  ctx.cancel();
  ctx.cancel();
  EXPECT_TRUE(ctx.done());
  EXPECT_EQ(ctx.reason(), stop_reason::canceled);
  EXPECT_EQ(calls, 1);
}

TEST(context, cancel_reaches_children_not_parents) {
  context root;
  context child = root.with_cancel();
  context grandchild = child.with_cancel();
  context sibling = root.with_cancel();
  child.cancel();
  EXPECT_TRUE(child.done());
  EXPECT_TRUE(grandchild.done());
  EXPECT_FALSE(root.done());
  EXPECT_FALSE(sibling.done());
  root.cancel();
  EXPECT_TRUE(sibling.done());
}

TEST(context, a_child_of_an_ended_context_is_born_ended) {
  context root;
  root.cancel();
  EXPECT_EQ(root.with_cancel().reason(), stop_reason::canceled);
}

TEST(context, subscribing_to_an_ended_context_calls_at_once) {
  context ctx;
  ctx.cancel();
  bool called = false;
  auto sub = ctx.on_done([&](stop_reason) { called = true; });
  EXPECT_TRUE(called);
}

TEST(context, a_dropped_subscription_is_never_called) {
  context ctx;
  bool called = false;
  {
    auto sub = ctx.on_done([&](stop_reason) { called = true; });
  }
  auto kept = ctx.on_done([](stop_reason) {});
  kept.reset();
  ctx.cancel();
  EXPECT_FALSE(called);
}

TEST(context, deadline_ends_it_with_timeout_and_wakes_waiters) {
  runtime rt(1);
  context ctx = context().with_timeout(rt.executor(0), 20ms);
  ASSERT_TRUE(ctx.deadline().has_value());
  std::atomic<int> fired{0};
  auto sub = ctx.on_done([&](stop_reason r) {
    if (r == stop_reason::timeout) fired.fetch_add(1);
  });
  rt.run([](context c) -> boost::asio::awaitable<void> { co_await wait(c); }(ctx));
  EXPECT_EQ(ctx.reason(), stop_reason::timeout);
  EXPECT_EQ(fired.load(), 1);
  EXPECT_EQ(ctx.remaining(), std::chrono::steady_clock::duration::zero());
}

TEST(context, a_passed_deadline_reads_as_timeout_before_its_timer_fires) {
  runtime rt(1);
  context ctx = context().with_deadline(rt.executor(0), std::chrono::steady_clock::now() - 1s);
  EXPECT_EQ(ctx.reason(), stop_reason::timeout);
}

TEST(context, the_earlier_deadline_wins) {
  runtime rt(1);
  auto const soon = std::chrono::steady_clock::now() + 1h;
  context parent = context().with_deadline(rt.executor(0), soon);
  context child = parent.with_deadline(rt.executor(0), soon + 1h);
  EXPECT_EQ(child.deadline(), soon);
  parent.cancel();
  EXPECT_EQ(child.reason(), stop_reason::canceled);
}

TEST(context, cancel_from_many_threads_calls_each_subscriber_once) {
  context ctx;
  std::atomic<int> calls{0};
  std::vector<context::subscription> subs;
  for (int i = 0; i < 100; ++i) subs.push_back(ctx.on_done([&](stop_reason) { calls.fetch_add(1); }));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ctx.cancel(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 100);
}

TEST(context, dropping_a_subscription_waits_for_its_callback_running_on_another_thread) {
  // As std::stop_callback: once reset() returns, the callback is not running, so it may capture `this` of the
  // subscription's owner. The callback gives reset() up to two seconds to (wrongly) return under it.
  context ctx;
  std::mutex m;
  std::condition_variable changed;
  bool callback_started = false, reset_returned = false, reset_returned_under_callback = false;
  auto sub = ctx.on_done([&](stop_reason) {
    std::unique_lock lock(m);
    callback_started = true;
    changed.notify_all();
    changed.wait_for(lock, std::chrono::seconds(2), [&] { return reset_returned; });
    reset_returned_under_callback = reset_returned;
  });
  std::thread canceler([&] { ctx.cancel(); });
  {
    std::unique_lock lock(m);
    changed.wait(lock, [&] { return callback_started; });
  }
  sub.reset();
  {
    std::lock_guard lock(m);
    reset_returned = true;
    changed.notify_all();
  }
  canceler.join();
  EXPECT_FALSE(reset_returned_under_callback);
}

TEST(context, a_callback_may_drop_its_own_subscription) {
  context ctx;
  context::subscription sub;
  int calls = 0;
  sub = ctx.on_done([&](stop_reason) {
    ++calls;
    sub.reset();  // on the thread calling it: must not wait for itself
  });
  std::thread([&] { ctx.cancel(); }).join();
  EXPECT_EQ(calls, 1);
}

// Whoever waits for a context may destroy the loop its deadline timer waits on as soon as it sees the end (the
// run's owner destroys the runtime): ending it must have released the timer before anyone could see that.
TEST(context, the_loop_of_a_deadline_may_go_as_soon_as_its_context_is_seen_ending) {
  auto loop = std::make_unique<boost::asio::io_context>(1);
  context parent;
  auto child = parent.with_timeout(loop->get_executor(), 1h);
  auto grandchild = child.with_timeout(loop->get_executor(), 30min);
  auto sub = child.on_done([&](stop_reason) { loop.reset(); });
  std::thread([&] { parent.cancel(); }).join();
  EXPECT_EQ(loop, nullptr);
  EXPECT_EQ(child.reason(), stop_reason::canceled);
  EXPECT_EQ(grandchild.reason(), stop_reason::canceled);
}

TEST(context, a_context_ended_after_its_loop_is_gone_does_not_touch_the_loop) {
  auto loop = std::make_unique<boost::asio::io_context>(1);
  context parent;
  auto child = parent.with_timeout(loop->get_executor(), 1h);
  loop.reset();
  parent.cancel();
  EXPECT_EQ(child.reason(), stop_reason::canceled);
}

}  // namespace
}  // namespace candar
