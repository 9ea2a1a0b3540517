#include "http_server.hpp"

#include <strings.h>

#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace isuchair::webapp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::optional<std::string_view> http_request::header(std::string_view name) const {
  for (auto const& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return std::nullopt;
}

std::string_view http_request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

struct http_server::impl {
  // One io_context per thread, each connection's coroutine on one of them for its whole life: with clang a
  // coroutine that resumes on another thread may still use the first thread's thread_local data (the address
  // is kept across the suspension), which corrupted Asio's per-thread frame cache under one shared io_context.
  asio::io_context io{1};
  std::vector<std::unique_ptr<asio::io_context>> others;
  std::size_t next = 0;
  tcp::acceptor acceptor{io};
  http_handler handler;

  asio::io_context& next_context() {
    auto const i = next++ % (others.size() + 1);
    return i == 0 ? io : *others[i - 1];
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      stream.expires_after(std::chrono::seconds(60));  // an idle keep-alive connection is closed after a minute
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (ec) co_return;
      auto& req = parser.get();
      http_request r{.method = std::string(req.method_string()),
                     .target = std::string(req.target()),
                     .headers = {},
                     .body = std::move(req.body())};
      for (auto const& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));

      http_reply reply;
      try {
        reply = handler(r);
      } catch (std::exception const& e) {
        reply = {.status = 500, .body = nlohmann_free_error(e.what())};
      }
      if (reply.delay.count() > 0) {
        asio::steady_timer t(stream.get_executor(), reply.delay);
        co_await t.async_wait(use_tuple);
      }
      http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
      res.set(http::field::server, "isuchair");
      if (!reply.content_type.empty() && reply.status != 304) res.set(http::field::content_type, reply.content_type);
      for (auto const& [k, v] : reply.headers) res.insert(k, v);
      res.body() = std::move(reply.body);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      stream.expires_after(std::chrono::seconds(30));
      auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
      if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // A JSON error body without pulling nlohmann into this file.
  static std::string nlohmann_free_error(std::string_view what) {
    std::string out = R"({"error":"internal error: )";
    for (char c : what) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out + "\"}";
  }

  asio::awaitable<void> accept() {
    for (;;) {
      auto& home = next_context();
      auto [ec, socket] = co_await acceptor.async_accept(home, use_tuple);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. too many open files: keep serving those we have
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(home, serve(std::move(socket)), asio::detached);
    }
  }
};

http_server::http_server(std::string const& address, std::uint16_t port, http_handler handler)
    : impl_(std::make_unique<impl>()) {
  impl_->handler = std::move(handler);
  beast::error_code ec;
  auto const addr = asio::ip::make_address(address, ec);
  if (ec) throw std::runtime_error(fmt::format("'{}' is not an IP address", address));
  tcp::endpoint const ep(addr, port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", address, port, ec.message()));
}

http_server::~http_server() = default;

std::uint16_t http_server::port() const noexcept { return impl_->acceptor.local_endpoint().port(); }

void http_server::run(std::size_t threads) {
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code, int) { impl_->io.stop(); });
  using guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<guard> keep_running;
  for (std::size_t i = 1; i < threads; ++i) {
    impl_->others.push_back(std::make_unique<asio::io_context>(1));
    keep_running.emplace_back(impl_->others.back()->get_executor());
  }
  asio::co_spawn(impl_->io, impl_->accept(), asio::detached);
  std::vector<std::thread> pool;
  for (auto& other : impl_->others) pool.emplace_back([&ctx = *other] { ctx.run(); });
  impl_->io.run();
  impl_->io.stop();
  keep_running.clear();
  for (auto& other : impl_->others) other->stop();
  for (auto& t : pool) t.join();
}

}  // namespace isuchair::webapp
