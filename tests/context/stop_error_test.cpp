#include "candar/context/stop_error.hpp"

#include <gtest/gtest.h>

#include <future>
#include <optional>

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
  // spawn() does not start work whose context has already ended: on a loaded machine a short deadline can pass
  // before the work starts, so the deadline doubles until the work was awaiting when it passed.
  std::optional<error> seen;
  for (auto deadline = 5ms; !seen && deadline < 60s; deadline *= 2) {
    context ctx = context().with_timeout(rt.executor(0), deadline);
    auto out = std::make_shared<std::promise<std::optional<error>>>();  // the done callback may outlive this turn
    // A timer that knows nothing of the context, ended by the context's cancellation through spawn().
    spawn(rt.executor(0), ctx,
          [](context c, std::shared_ptr<std::promise<std::optional<error>>> o) -> asio::awaitable<void> {
            asio::steady_timer t(co_await asio::this_coro::executor, 1h);
            auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
            o->set_value(stop_error(c, ec));
          }(ctx, out),
          [out](std::exception_ptr) {
            // Runs after the work, or instead of it: only the latter leaves the promise unset.
            try {
              out->set_value(std::nullopt);
            } catch (std::future_error const&) {
            }
          });
    seen = out->get_future().get();
  }
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->inner_code(), codes::timeout);
  EXPECT_EQ(seen->message(), "the deadline passed");
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
