#pragma once
// The deadlines of the requests in flight on one event loop, kept by one timer for all the agents on it
// (an Asio service of the loop's execution context, so it lives exactly as long as the loop).
//
// The timer is armed lazily: a request whose deadline is no earlier than the time the timer is already set
// for (the usual case: the same timeout, a later start) costs no timer operation at all. When the timer
// fires it cuts off the connections past their deadline (their socket is closed, so the operation pending
// and any one after it fail, and timed_out() is true) and sets itself for the earliest deadline still to come.
// Arming and cancelling a timer around every read and write, as Beast's tcp_stream does, cost more CPU per
// request than parsing the response; a timer per agent or per connection cost memory ten thousand idle
// agents should not hold. A timer left set after the last request runs out by itself and only keeps the
// loop busy until then (the runtime stops its loops, it does not drain them).
//
// Like everything of an agent, it is used from the loop's one thread.
#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace candar::detail {

class connection;

class deadline_watch : public boost::asio::execution_context::service {
 public:
  using key_type = deadline_watch;
  using clock_type = std::chrono::steady_clock;
  static boost::asio::execution_context::id id;

  explicit deadline_watch(boost::asio::execution_context& context) : service(context) {}
  // The one of the loop `ex` belongs to.
  static deadline_watch& of(boost::asio::any_io_executor const& ex);

  // `c`, on the loop `ex`, must be done by `deadline` (watching it again moves its deadline).
  void watch(connection& c, clock_type::time_point deadline, boost::asio::any_io_executor const& ex);
  void unwatch(connection& c) noexcept;
  [[nodiscard]] std::size_t watched() const noexcept { return in_flight_.size(); }

 private:
  void shutdown() override;
  void arm(clock_type::time_point at);
  void on_timer();

  std::optional<boost::asio::steady_timer> timer_;                    // made with the first request's executor
  clock_type::time_point armed_for_ = clock_type::time_point::max();  // max: no wait pending that matters
  std::vector<connection*> in_flight_;
  bool shut_down_ = false;
};

}  // namespace candar::detail
