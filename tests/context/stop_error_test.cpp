#include "candar/context/stop_error.hpp"

#include <gtest/gtest.h>

#include <future>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/context/spawn.hpp"
#include "candar/failure/codes.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(stop_error, an_await_cut_by_the_deadline_reads_as_timeout) {
  runtime rt(1);
  context ctx = context().with_timeout(rt.executor(0), 500ms);  // see the note: a deadline passing before the wait starts is not yet handled by spawn
  std::promise<error> out;
  // A timer that knows nothing of the context, ended by the context's cancellation through spawn().
  spawn(rt.executor(0), ctx,
        [](context c, std::promise<error>& o) -> asio::awaitable<void> {
          asio::steady_timer t(co_await asio::this_coro::executor, 1h);
          auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
          o.set_value(stop_error(c, ec));
        }(ctx, out),
        [](std::exception_ptr) {});
  error const e = out.get_future().get();
  EXPECT_EQ(e.inner_code(), codes::timeout);
  EXPECT_EQ(e.message(), "the deadline passed");
}

TEST(stop_error, an_await_cut_by_cancel_reads_as_canceled) {
  context ctx;
  ctx.cancel();
  EXPECT_EQ(stop_error(ctx, make_error_code(asio::error::operation_aborted)).inner_code(), codes::canceled);
}

TEST(stop_error, other_failures_keep_their_own_code) {
  context ctx;
  ctx.cancel();
  EXPECT_EQ(stop_error(ctx, make_error_code(asio::error::connection_refused)).inner_code(), codes::connection);
  EXPECT_EQ(stop_error(context(), make_error_code(asio::error::operation_aborted)).inner_code(), codes::canceled);
}

}  // namespace
}  // namespace candar
