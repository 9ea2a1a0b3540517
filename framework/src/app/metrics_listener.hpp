#pragma once
// --metrics-listen: a small HTTP/1.1 server on the supervisor's control thread answering GET /metrics with the
// run's figures in Prometheus' text format. Anything can connect, so each connection is bounded: a request head
// of 8 KiB sent within 2 seconds, 10 seconds in all, 16 connections at once, one answer each (then closed).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace candar::detail {

// HOST:PORT (an IPv4 or bracketed IPv6 address, or localhost; port 0 picks one) as an endpoint; throws
// std::invalid_argument naming what is wrong.
[[nodiscard]] boost::asio::ip::tcp::endpoint metrics_listen_endpoint(std::string_view address);

// The address is taken, or not this machine's.
struct metrics_listen_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class metrics_listener {
 public:
  struct page {
    std::string body;
    bool final = false;  // the run's last figures
  };
  using page_source = std::function<page()>;  // built at each scrape, on the io thread

  // Binds `address` (metrics_listen_endpoint) and starts accepting on `io`. Throws metrics_listen_error naming
  // the address when it cannot bind.
  metrics_listener(boost::asio::io_context& io, std::string_view address, page_source page);
  ~metrics_listener();
  metrics_listener(metrics_listener const&) = delete;
  metrics_listener& operator=(metrics_listener const&) = delete;

  [[nodiscard]] std::string const& url() const noexcept { return url_; }  // "http://127.0.0.1:PORT/metrics"
  // Answers to GET /metrics written so far (any thread).
  [[nodiscard]] std::uint64_t scrapes() const noexcept { return state_->scrapes.load(); }
  // Runs on the io thread after each /metrics answer is written, with its page's `final`.
  void on_scrape(std::function<void(bool)> f) { state_->scraped = std::move(f); }
  // Stops accepting and ends the connections (on the io thread).
  void close();

 private:
  struct state {
    boost::asio::ip::tcp::acceptor acceptor;
    page_source page;
    std::function<void(bool)> scraped;
    std::atomic<std::uint64_t> scrapes{0};
    int open_connections = 0;
    bool closed = false;
    explicit state(boost::asio::io_context& io) : acceptor(io) {}
  };
  static boost::asio::awaitable<void> accept_loop(std::shared_ptr<state> s);
  static boost::asio::awaitable<void> serve(std::shared_ptr<state> s, boost::asio::ip::tcp::socket peer);

  std::shared_ptr<state> state_;
  std::string url_;
};

}  // namespace candar::detail
