#include "candar/detail/async_signal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace candar::detail {

namespace asio = boost::asio;

struct async_signal::state {
  explicit state(asio::any_io_executor e) : ex(std::move(e)), timer(ex, asio::steady_timer::time_point::max()) {}
  asio::any_io_executor ex;
  asio::steady_timer timer;  // never expires: a wake-up is a cancel
};

async_signal::async_signal(asio::any_io_executor ex) : state_(std::make_shared<state>(std::move(ex))) {}

void async_signal::notify() {
  // The posted cancel holds the state, so it is safe even if the waiter has returned and gone by then. The
  // waiter's check-then-wait runs without yielding to its loop, so a cancel can never fall between them.
  asio::post(state_->ex, [s = state_] { s->timer.cancel(); });
}

asio::awaitable<void> async_signal::wait_until(std::function<bool()> ready) {
  // After a terminal cancellation Asio throws at each co_await; this wait must go on regardless.
  bool const throwing = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  while (!ready()) {
    co_await state_->timer.async_wait(
        asio::bind_cancellation_slot(asio::cancellation_slot(), asio::as_tuple(asio::use_awaitable)));
  }
  co_await asio::this_coro::throw_if_cancelled(throwing);
}

}  // namespace candar::detail
