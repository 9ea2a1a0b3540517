#pragma once
// Lets one coroutine wait, on its own loop, until a condition over shared state holds; notify() from any thread
// makes it look again. Changes to the state must happen before notify() (under the state's own lock).
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace candar::detail {

class async_signal {
 public:
  // `ex` is the executor of the coroutine that will wait.
  explicit async_signal(boost::asio::any_io_executor ex);

  void notify();

  // Waits until `ready()` is true. Cancellation of the waiting coroutine does not cut this wait short: it is
  // used where a parent must not return before its children (structured concurrency).
  boost::asio::awaitable<void> wait_until(std::function<bool()> ready);

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace candar::detail
