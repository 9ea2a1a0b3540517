#pragma once
// One connection of an agent's pool: a TCP socket, and TLS over it for an https origin. Kept small: a run
// may hold tens of thousands of idle ones. The deadline of the request it carries is kept by its event loop's
// deadline_watch; TLS state lives apart, only for https.
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
#include <boost/asio/use_awaitable.hpp>

namespace candar::detail {

class deadline_watch;

class connection {
 public:
  using tcp = boost::asio::ip::tcp;
  using clock_type = std::chrono::steady_clock;
  using error_code = boost::system::error_code;
  using io_result = std::tuple<error_code, std::size_t>;

  explicit connection(boost::asio::any_io_executor const& ex) : plain_(ex) {}
  ~connection();
  connection(connection const&) = delete;
  connection& operator=(connection const&) = delete;

  // The TCP layer, under TLS or not.
  tcp::socket& socket() noexcept { return tls_ ? tls_->next_layer() : plain_; }
  // Puts TLS over the connected socket (the TLS stream takes the socket over) and returns it for the handshake.
  boost::asio::ssl::stream<tcp::socket>& start_tls(boost::asio::ssl::context& context);
  [[nodiscard]] bool tls() const noexcept { return tls_ != nullptr; }
  // ALPN chose h2 in the handshake.
  [[nodiscard]] bool negotiated_h2() const noexcept { return negotiated_h2_; }
  void set_negotiated_h2() noexcept { negotiated_h2_ = true; }
  // The socket is connected: Nagle off as browsers do, and non-blocking so that write_now never waits.
  void connected();

  // The deadline of the request now carried passed and the socket was closed: whatever failed on it since
  // failed because of that (see deadline_watch). A connection cut off is never reused.
  [[nodiscard]] bool timed_out() const noexcept { return timed_out_; }

  // Writes what the socket takes at once, without waiting (plain TCP; TLS takes nothing this way): a request
  // is small, so this is usually all of it and no asynchronous operation is needed. would_block is no error.
  io_result write_now(std::string_view bytes);
  // The rest, waiting as needed.
  boost::asio::awaitable<io_result> write(std::string_view bytes);
  boost::asio::awaitable<io_result> read_some(boost::asio::mutable_buffer into);

  // Closes the socket without a TLS close_notify (not worth a round trip).
  void close() noexcept;

 private:
  friend class deadline_watch;
  void cut_off() noexcept;  // the deadline passed: closes the socket

  tcp::socket plain_;  // moved into tls_ once TLS starts
  std::unique_ptr<boost::asio::ssl::stream<tcp::socket>> tls_;
  deadline_watch* watch_ = nullptr;  // watching this connection's deadline, if any
  std::size_t watch_index_ = 0;      // where in it
  clock_type::time_point deadline_{};
  bool timed_out_ = false;
  bool negotiated_h2_ = false;
};

}  // namespace candar::detail
