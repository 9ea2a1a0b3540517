#include "candar/context/parallel.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/context/spawn.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A job that yields to its loop a few times, so that jobs overlap.
asio::awaitable<void> yielding_job(int& inside, int& max_inside, std::vector<int>& order, int id) {
  ++inside;
  max_inside = std::max(max_inside, inside);
  order.push_back(id);
  for (int i = 0; i < 3; ++i) co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  --inside;
}

TEST(parallel, runs_every_job_at_most_limit_at_once_in_order) {
  runtime rt(1);
  int inside = 0, max_inside = 0;
  std::vector<int> order;
  rt.run([](int& in, int& mx, std::vector<int>& ord) -> asio::awaitable<void> {
    parallel p(co_await asio::this_coro::executor, 3);
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(p.spawn([&, i] { return yielding_job(in, mx, ord, i); }));
    EXPECT_EQ(p.running(), 3);
    EXPECT_EQ(p.queued(), 17);
    co_await p.wait();
    EXPECT_EQ(p.finished(), 20);
  }(inside, max_inside, order));
  EXPECT_EQ(max_inside, 3);
  ASSERT_EQ(order.size(), 20U);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(parallel, raising_the_limit_starts_queued_jobs_at_once) {
  runtime rt(1);
  int inside = 0, max_inside = 0;
  std::vector<int> order;
  rt.run([](int& in, int& mx, std::vector<int>& ord) -> asio::awaitable<void> {
    parallel p(co_await asio::this_coro::executor, 1);
    for (int i = 0; i < 10; ++i) p.spawn([&, i] { return yielding_job(in, mx, ord, i); });
    EXPECT_EQ(p.running(), 1);
    p.set_limit(4);
    EXPECT_EQ(p.running(), 4);
    co_await p.wait();
  }(inside, max_inside, order));
  EXPECT_EQ(max_inside, 4);
  EXPECT_EQ(order.size(), 10U);
}

TEST(parallel, a_closed_runner_refuses_new_jobs) {
  runtime rt(1);
  rt.run([]() -> asio::awaitable<void> {
    parallel p(co_await asio::this_coro::executor);
    int ran = 0;
    p.spawn([&]() -> asio::awaitable<void> {
      ++ran;
      co_return;
    });
    p.close();
    EXPECT_TRUE(p.closed());
    EXPECT_FALSE(p.spawn([&]() -> asio::awaitable<void> {
      ++ran;
      co_return;
    }));
    co_await p.wait();
    EXPECT_EQ(ran, 1);
  }());
}

TEST(parallel, wait_rethrows_the_first_escaping_exception_after_all_finished) {
  runtime rt(1);
  int completed = 0;
  EXPECT_THROW(rt.run([](int& done) -> asio::awaitable<void> {
    parallel p(co_await asio::this_coro::executor, 2);
    p.spawn([]() -> asio::awaitable<void> {
      throw std::runtime_error("job failed");
      co_return;
    });
    for (int i = 0; i < 3; ++i) {
      p.spawn([&]() -> asio::awaitable<void> {
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        ++done;
      });
    }
    co_await p.wait();
  }(completed)),
               std::runtime_error);
  EXPECT_EQ(completed, 3);
}

TEST(parallel, canceling_the_waiter_cancels_running_jobs_and_drops_queued_ones) {
  runtime rt(1);
  int started = 0;
  bool threw = false;
  rt.run([](int& st, bool& thrown) -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    parallel p(co_await asio::this_coro::executor, 2);
    for (int i = 0; i < 5; ++i) {
      p.spawn([&]() -> asio::awaitable<void> {
        ++st;
        asio::steady_timer t(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
        co_await t.async_wait(asio::use_awaitable);
      });
    }
    asio::steady_timer soon(co_await asio::this_coro::executor, 1ms);
    // The timer wins the race and cancels wait(), which must then cancel its jobs and still wait for them.
    try {
      co_await (p.wait() || soon.async_wait(asio::use_awaitable));
    } catch (boost::system::system_error const&) {
      thrown = true;
    }
    EXPECT_EQ(p.running(), 0);
    EXPECT_EQ(p.queued(), 0);
  }(started, threw));
  EXPECT_EQ(started, 2);
}

TEST(parallel, a_limit_below_one_is_refused) {
  runtime rt(1);
  EXPECT_THROW(parallel(rt.executor(0), 0), std::invalid_argument);
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

// A job that yields until `flag` is set by another job: it can finish only if both run at once.
asio::awaitable<void> wait_for(bool const& flag, int& yields) {
  while (!flag && yields < 1000) {
    ++yields;
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  }
}

TEST(together, runs_every_job_at_once_and_returns_when_all_have_finished) {
  runtime rt(1);
  bool a_ran = false, b_ran = false, lambda_coroutine_done = false;
  int yields = 0;
  rt.run([](bool& a, bool& b, bool& done, int& y) -> asio::awaitable<void> {
    // A lambda coroutine's captures live in the lambda object: together() keeps it until the job has finished.
    std::string const captured = "kept";
    auto third = [&done, captured]() -> asio::awaitable<void> {
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
      done = captured == "kept";
    };
    co_await together([&] { return wait_for(b, y); },
                      [&]() -> asio::awaitable<void> {
                        a = true;
                        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
                        b = true;
                      },
                      third);
  }(a_ran, b_ran, lambda_coroutine_done, yields));
  EXPECT_TRUE(a_ran);
  EXPECT_TRUE(b_ran);
  EXPECT_TRUE(lambda_coroutine_done);
  EXPECT_LT(yields, 1000);  // the first job saw the second one's flag: they ran side by side
}

TEST(together, rethrows_the_first_exception_after_every_job_finished) {
  runtime rt(1);
  bool other_finished = false;
  bool threw = false;
  rt.run([](bool& other, bool& caught) -> asio::awaitable<void> {
    try {
      co_await together(
          []() -> asio::awaitable<void> {
            throw std::runtime_error("broken flow");
            co_return;
          },
          [&]() -> asio::awaitable<void> {
            for (int i = 0; i < 5; ++i) co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
            other = true;
          });
    } catch (std::runtime_error const& e) {
      caught = std::string(e.what()) == "broken flow";
    }
  }(other_finished, threw));
  EXPECT_TRUE(threw);
  EXPECT_TRUE(other_finished);
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

// A Load step's jobs end when its phase does: together() then returns normally (as `a && b` does), so that
// what the step does after it (keeping the load level's timeline) still runs.
TEST(together, returns_normally_when_the_caller_is_canceled_and_the_jobs_end) {
  runtime rt(1);
  bool after = false;
  int jobs_ended = 0;
  rt.run([](bool& reached, int& ended) -> asio::awaitable<void> {
    auto const ex = co_await asio::this_coro::executor;
    context phase = context::background().with_cancel();
    auto waiting_job = [&ended, ex]() -> asio::awaitable<void> {
      asio::steady_timer never(ex, asio::steady_timer::time_point::max());
      auto [ec] = co_await never.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted) ++ended;
    };
    auto step = [&]() -> asio::awaitable<void> {
      co_await together(waiting_job, waiting_job);
      reached = true;
    };
    bool finished = false;
    std::exception_ptr escaped;
    spawn(ex, phase, step(), [&](std::exception_ptr e) {
      finished = true;
      escaped = e;
    });
    co_await asio::post(ex, asio::use_awaitable);
    phase.cancel();
    for (int i = 0; i < 1000 && !finished; ++i) co_await asio::post(ex, asio::use_awaitable);
    EXPECT_TRUE(finished);
    EXPECT_FALSE(escaped);
  }(after, jobs_ended));
  EXPECT_EQ(jobs_ended, 2);
  EXPECT_TRUE(after);
}

}  // namespace
}  // namespace candar
