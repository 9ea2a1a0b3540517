#pragma once
// One c-ares channel (a server list) driven by an event loop: its sockets are watched with Asio descriptors it
// does not own (c-ares opens and closes them), its retries and timeouts run on one timer. Used from the loop's
// thread only (name_resolver keeps one per server list).
#include <ares.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace candar::detail {

class dns_channel {
 public:
  // An empty `servers`: the system's (resolv.conf).
  dns_channel(boost::asio::any_io_executor const& executor, std::vector<std::string> const& servers);
  ~dns_channel() { close(); }
  dns_channel(dns_channel const&) = delete;
  dns_channel& operator=(dns_channel const&) = delete;

  // Null when c-ares could not start (init_failure() says why) or once closed.
  [[nodiscard]] ares_channel handle() const noexcept { return handle_; }
  // c-ares could not start (a bad server list): every lookup fails with it.
  [[nodiscard]] std::string const& init_failure() const noexcept { return init_failure_; }
  // Set for c-ares' next retry or timeout, if it has a query in flight: call after sending a query.
  void arm_timer();
  // Ends every query (their callbacks see ARES_EDESTRUCTION) and lets go of the sockets.
  void close() noexcept;

 private:
  struct socket_watch {
    boost::asio::posix::stream_descriptor descriptor;
    bool want_read = false, want_write = false, reading = false, writing = false, open = true;
  };

  static void release(socket_watch& w) noexcept;
  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
  void watch(std::shared_ptr<socket_watch> const& w, ares_socket_t fd);

  ares_channel handle_ = nullptr;
  std::string init_failure_;
  boost::asio::any_io_executor ex_;
  boost::asio::steady_timer timer_;
  std::map<ares_socket_t, std::shared_ptr<socket_watch>> sockets_;
};

}  // namespace candar::detail
