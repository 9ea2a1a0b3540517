#include "candar/context/spawn.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace candar {

namespace asio = boost::asio;

namespace {
asio::awaitable<void> unless_done(context ctx, asio::awaitable<void> work) {
  if (ctx.done()) co_return;
  co_await std::move(work);
}
}  // namespace

void spawn(asio::any_io_executor const& ex, context const& ctx, asio::awaitable<void> work,
           std::function<void(std::exception_ptr)> done) {
  auto signal = std::make_shared<asio::cancellation_signal>();
  // The emit is posted to the loop that runs `work`: a cancellation signal is not thread-safe. An emit that
  // runs before `work` has started finds no handler; unless_done() then sees the ended context instead.
  auto stop = std::make_shared<context::subscription>(ctx.on_done(
      [ex, signal](stop_reason) { asio::post(ex, [signal] { signal->emit(asio::cancellation_type::terminal); }); }));
  // Posted, never run inline: callers may hold locks that the work itself takes.
  asio::post(ex, [ex, signal, stop, work = unless_done(ctx, std::move(work)), done = std::move(done)]() mutable {
    asio::co_spawn(ex, std::move(work),
                   asio::bind_cancellation_slot(signal->slot(),
                                                [signal, stop, done = std::move(done)](std::exception_ptr const& e) {
                                                  stop->reset();
                                                  signal->slot().clear();
                                                  done(e);
                                                }));
  });
}

bool is_cancellation(std::exception_ptr const& e) noexcept {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (boost::system::system_error const& se) {
    return se.code() == asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

std::string exception_message(std::exception_ptr const& e) {
  try {
    std::rethrow_exception(e);
  } catch (std::exception const& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

asio::awaitable<bool> sleep(context const& ctx, std::chrono::steady_clock::duration duration) {
  auto const now = std::chrono::steady_clock::now();
  auto until = (duration >= std::chrono::steady_clock::time_point::max() - now)
                   ? std::chrono::steady_clock::time_point::max()
                   : now + duration;
  bool const cut_by_deadline = ctx.deadline() && *ctx.deadline() < until;
  if (cut_by_deadline) until = *ctx.deadline();
  auto ex = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(ex, until);
  auto stop = ctx.on_done([ex, timer](stop_reason) { asio::post(ex, [timer] { timer->cancel(); }); });
  auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec && !cut_by_deadline && !ctx.done();
}

asio::awaitable<void> wait(context const& ctx) { co_await sleep(ctx, std::chrono::steady_clock::duration::max()); }

}  // namespace candar
