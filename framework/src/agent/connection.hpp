#pragma once
// One connection of an agent's pool: a TCP socket, TLS over it for an https origin, and the deadline of the
// request it carries.
//
// The deadline has one timer per connection, armed lazily: a request whose deadline is no earlier than the
// time the timer is already set for (the usual case: the same timeout, a later start) costs no timer
// operation at all. When the timer fires it moves itself on to the current request's deadline or, past it,
// cancels the socket's operations, which then end with operation_aborted and timed_out() true. Arming and
// cancelling a timer around every read and write, as Beast's tcp_stream does, cost more CPU per request than
// parsing the response. An idle connection's timer is left to run out, not cancelled: that is what saves the
// work, and it only keeps an event loop busy until then (loops are stopped, not drained, by the runtime).
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace candar::detail {

class connection : public std::enable_shared_from_this<connection> {
 public:
  using tcp = boost::asio::ip::tcp;
  using clock_type = std::chrono::steady_clock;
  using error_code = boost::system::error_code;
  using io_result = std::tuple<error_code, std::size_t>;

  explicit connection(boost::asio::any_io_executor const& ex);

  // The TCP layer, under TLS or not.
  tcp::socket& socket() noexcept { return tls_ ? tls_->next_layer() : plain_; }
  // Puts TLS over the connected socket (the TLS stream takes the socket over) and returns it for the handshake.
  boost::asio::ssl::stream<tcp::socket>& start_tls(boost::asio::ssl::context& context);
  // The socket is connected: Nagle off as browsers do, and non-blocking so that write_now never waits.
  void connected();

  // The request now carried must be done by `deadline`.
  void watch(clock_type::time_point deadline);
  // The request is over; the timer, if set, runs out by itself.
  void unwatch() noexcept { busy_ = false; }
  // The deadline passed: the operation that ended with operation_aborted was cut off by it.
  [[nodiscard]] bool timed_out() const noexcept { return timed_out_; }

  // Writes what the socket takes at once, without waiting (plain TCP; TLS takes nothing this way): a request
  // is small, so this is usually all of it and no asynchronous operation is needed. would_block is no error.
  io_result write_now(std::string_view bytes);
  // The rest, waiting as needed.
  boost::asio::awaitable<io_result> write(std::string_view bytes);
  boost::asio::awaitable<io_result> read_some(boost::asio::mutable_buffer into);

  // Closes the socket without a TLS close_notify (not worth a round trip) and stops the timer.
  void close() noexcept;

 private:
  void arm(clock_type::time_point at);
  void on_timer();

  tcp::socket plain_;  // moved into tls_ once TLS starts
  std::optional<boost::asio::ssl::stream<tcp::socket>> tls_;
  boost::asio::steady_timer timer_;
  clock_type::time_point armed_for_ = clock_type::time_point::max();  // max: no wait pending that matters
  clock_type::time_point deadline_{};
  bool busy_ = false;
  bool timed_out_ = false;
};

}  // namespace candar::detail
