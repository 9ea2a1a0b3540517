#include "metrics_listener.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "prometheus_text.hpp"

namespace candar::detail {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

constexpr std::size_t max_head_bytes = 8 * 1024;
constexpr auto head_time = std::chrono::seconds(2);
constexpr auto exchange_time = std::chrono::seconds(10);
// After an accept that failed for want of descriptors: a pause, not a loop spinning on the same failure.
constexpr auto accept_pause = std::chrono::milliseconds(100);
constexpr int max_connections = 16;

}  // namespace

tcp::endpoint metrics_listen_endpoint(std::string_view address) {
  auto const colon = address.rfind(':');
  if (colon == std::string_view::npos)
    throw std::invalid_argument(fmt::format("--metrics-listen {}: not HOST:PORT", address));
  auto host = address.substr(0, colon);
  auto const port_text = address.substr(colon + 1);
  unsigned port = 0;
  auto const [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 || port_text.empty()) {
    throw std::invalid_argument(fmt::format("--metrics-listen {}: the port is not a number up to 65535", address));
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code bad;
  auto const ip = asio::ip::make_address(host.empty() ? std::string_view("0.0.0.0") : host, bad);
  if (bad) throw std::invalid_argument(fmt::format("--metrics-listen {}: '{}' is not an IP address", address, host));
  return {ip, static_cast<unsigned short>(port)};
}

namespace {

std::string response(int status, std::string_view reason, std::string_view type, std::string_view body) {
  return fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", status,
                     reason, type, body.size(), body);
}

}  // namespace

metrics_listener::metrics_listener(asio::io_context& io, std::string_view address, page_source page)
    : state_(std::make_shared<state>(io)) {
  state_->page = std::move(page);
  auto const at = metrics_listen_endpoint(address);
  boost::system::error_code ec;
  state_->acceptor.open(at.protocol(), ec);
  if (!ec) state_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) state_->acceptor.bind(at, ec);
  if (!ec) state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw metrics_listen_error(fmt::format("--metrics-listen {}: cannot listen there ({})", address, ec.message()));
  auto const bound = state_->acceptor.local_endpoint();
  auto const host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string();
  url_ = fmt::format("http://{}:{}/metrics", host, bound.port());
  asio::co_spawn(io, accept_loop(state_), asio::detached);
}

metrics_listener::~metrics_listener() { close(); }

void metrics_listener::close() {
  asio::post(state_->acceptor.get_executor(), [s = state_] {
    s->closed = true;
    boost::system::error_code ignored;
    s->acceptor.close(ignored);
  });
}

asio::awaitable<void> metrics_listener::accept_loop(std::shared_ptr<state> s) {
  for (;;) {
    auto [ec, socket] = co_await s->acceptor.async_accept(use_tuple);
    if (s->closed || ec == asio::error::operation_aborted) co_return;
    if (ec) {  // a connection reset before it was accepted, or out of descriptors: the next one may do
      asio::steady_timer pause(s->acceptor.get_executor(), accept_pause);
      co_await pause.async_wait(use_tuple);
      continue;
    }
    if (s->open_connections >= max_connections) continue;  // closed at once
    asio::co_spawn(s->acceptor.get_executor(), serve(s, std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> metrics_listener::serve(std::shared_ptr<state> s, tcp::socket peer) {
  ++s->open_connections;
  struct leave {
    state& s;
    ~leave() { --s.open_connections; }
  } const on_exit{*s};
  // A client that sends its head or reads the answer too slowly, or never, is cut off. The deadline's handler
  // may already be queued when the exchange ends: the socket it closes outlives this frame.
  auto const connection = std::make_shared<tcp::socket>(std::move(peer));
  auto& socket = *connection;
  auto const cut_off = [connection](boost::system::error_code ec) {
    if (ec) return;
    boost::system::error_code ignored;
    connection->close(ignored);
  };
  asio::steady_timer head_deadline(socket.get_executor(), head_time);
  head_deadline.async_wait(cut_off);
  asio::steady_timer deadline(socket.get_executor(), exchange_time);
  deadline.async_wait(cut_off);
  asio::streambuf head(max_head_bytes);
  auto [ec, n] = co_await asio::async_read_until(socket, head, "\r\n\r\n", use_tuple);
  head_deadline.cancel();
  if (ec || s->closed) co_return;
  std::string_view const text(static_cast<char const*>(head.data().data()), n);
  auto const line = text.substr(0, text.find("\r\n"));
  auto const sp1 = line.find(' ');
  auto const sp2 = line.find(' ', sp1 == std::string_view::npos ? line.size() : sp1 + 1);
  std::string reply;
  bool scrape = false;
  bool final = false;
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
    reply = response(400, "Bad Request", "text/plain", "bad request\n");
  } else {
    auto const method = line.substr(0, sp1);
    auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    target = target.substr(0, target.find('?'));
    if (target != "/metrics") {
      reply = response(404, "Not Found", "text/plain", "not found: the figures are at /metrics\n");
    } else if (method != "GET") {
      reply = response(405, "Method Not Allowed", "text/plain", "GET only\n");
    } else {
      auto const page = s->page();
      final = page.final;
      reply = response(200, "OK", prometheus_content_type, page.body);
      scrape = true;
    }
  }
  auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(reply), use_tuple);
  (void)written;
  deadline.cancel();
  if (write_ec || !scrape) co_return;
  s->scrapes.fetch_add(1);
  if (s->scraped) s->scraped(final);
}

}  // namespace candar::detail
