#pragma once
// The deadlines of an agent's requests in flight, kept by one timer per agent.
//
// The timer is armed lazily: a request whose deadline is no earlier than the time the timer is already set
// for (the usual case: the same timeout, a later start) costs no timer operation at all. When the timer
// fires it cuts off the connections past their deadline (their socket's operations end with
// operation_aborted and timed_out() is true) and sets itself for the earliest deadline still to come.
// Arming and cancelling a timer around every read and write, as Beast's tcp_stream does, cost more CPU per
// request than parsing the response; one timer per connection cost memory an idle agent should not hold.
// A timer left set after the last request runs out by itself, and only keeps an event loop busy until then
// (the runtime stops its loops, it does not drain them).
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace candar::detail {

class connection;

class deadline_watch : public std::enable_shared_from_this<deadline_watch> {
 public:
  using clock_type = std::chrono::steady_clock;

  explicit deadline_watch(boost::asio::any_io_executor const& ex) : timer_(ex) {}
  deadline_watch(deadline_watch const&) = delete;
  deadline_watch& operator=(deadline_watch const&) = delete;

  // `c` must be done by `deadline` (watching it again moves its deadline).
  void watch(connection& c, clock_type::time_point deadline);
  void unwatch(connection& c) noexcept;
  [[nodiscard]] std::size_t watched() const noexcept { return in_flight_.size(); }

 private:
  void arm(clock_type::time_point at);
  void on_timer();

  boost::asio::steady_timer timer_;
  clock_type::time_point armed_for_ = clock_type::time_point::max();  // max: no wait pending that matters
  std::vector<connection*> in_flight_;
};

}  // namespace candar::detail
