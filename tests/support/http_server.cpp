#include "support/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace candar::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string seen_request::header(std::string_view name) const {
  for (auto const& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

struct http_server::impl {
  explicit impl(handler h) : on_request(std::move(h)), acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  handler on_request;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  std::uint16_t const port = acceptor.local_endpoint().port();  // read once: the acceptor is the loop's
  std::atomic<std::size_t> accepted{0};
  std::atomic<std::size_t> served{0};
  std::thread thread;

  asio::awaitable<void> serve(tcp::socket socket) {
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [rec, n] = co_await http::async_read(socket, buffer, req, tuple);
      if (rec) co_return;
      seen_request seen{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
      for (auto const& f : req) seen.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      reply r = on_request(seen);
      served.fetch_add(1);
      if (r.never_answer) {
        // Hold the connection open without answering until the client gives up and closes it.
        co_await http::async_read(socket, buffer, req, tuple);
        co_return;
      }
      if (r.delay.count() > 0) {
        asio::steady_timer t(socket.get_executor(), r.delay);
        co_await t.async_wait(tuple);
      }
      if (r.raw) {
        co_await asio::async_write(socket, asio::buffer(*r.raw), tuple);
      } else {
        http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
        for (auto const& [k, v] : r.headers) res.insert(k, v);  // insert: Set-Cookie may come twice
        res.body() = r.body;
        res.keep_alive(req.keep_alive() && !r.close_after);
        for (auto const& [k, v] : r.headers) {
          if (beast::iequals(k, "Connection")) res.set(k, v);  // a script may lie about keep-alive
        }
        if (req.method() == http::verb::head) {
          res.content_length(r.body.size());
          http::response_serializer<http::string_body> sr(res);
          sr.split(true);
          co_await http::async_write_header(socket, sr, tuple);
        } else {
          res.prepare_payload();
          co_await http::async_write(socket, res, tuple);
        }
        if (!res.keep_alive() && !r.close_after) {
          beast::error_code ignored;
          socket.shutdown(tcp::socket::shutdown_send, ignored);
          co_return;
        }
      }
      if (r.close_after || r.raw) {
        beast::error_code ignored;  // the point is to close; how it went does not matter to the test
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        co_return;
      }
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      accepted.fetch_add(1);
      asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
  }
};

http_server::http_server(handler h) : impl_(std::make_unique<impl>(std::move(h))) {
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

http_server::~http_server() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t http_server::port() const noexcept { return impl_->port; }

std::string http_server::url() const { return "http://127.0.0.1:" + std::to_string(port()); }

std::size_t http_server::connections_accepted() const noexcept { return impl_->accepted.load(); }

std::size_t http_server::requests_served() const noexcept { return impl_->served.load(); }

std::uint16_t closed_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

}  // namespace candar::test
