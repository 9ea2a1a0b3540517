#include "support/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <mutex>

#include "support/self_signed.hpp"

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
  impl(handler h, transport t)
      : on_request(std::move(h)),
        tls(t == transport::tls),
        acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    if (tls) {
      auto const pem = make_self_signed();
      ssl.use_certificate_chain(asio::buffer(pem.certificate));
      ssl.use_private_key(asio::buffer(pem.private_key), asio::ssl::context::pem);
      // What SSL_CTX_set_tlsext_servername_{arg,callback} expand to, without their C casts.
      SSL_CTX_ctrl(ssl.native_handle(), SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, this);
      int (*on_sni)(SSL*, int*, void*) = [](SSL* s, int*, void* self) -> int {
        char const* name = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
        std::lock_guard lock(static_cast<impl*>(self)->sni_mutex);
        static_cast<impl*>(self)->sni = name != nullptr ? name : "";
        return SSL_TLSEXT_ERR_OK;
      };
      SSL_CTX_callback_ctrl(ssl.native_handle(), SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
                            reinterpret_cast<void (*)()>(on_sni));
    }
  }

  handler on_request;
  bool tls;
  asio::ssl::context ssl{asio::ssl::context::tls_server};
  std::mutex sni_mutex;
  std::string sni;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  std::uint16_t const port = acceptor.local_endpoint().port();  // read once: the acceptor is the loop's
  std::atomic<std::size_t> accepted{0};
  std::atomic<std::size_t> served{0};
  std::thread thread;

  template <class Stream>
  static void close(Stream& stream) {
    beast::error_code ignored;  // the point is to close; how it went does not matter to the test
    auto& sock = beast::get_lowest_layer(stream);
    sock.shutdown(tcp::socket::shutdown_both, ignored);
    sock.close(ignored);
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream socket) {
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
      if (r.raw && r.trickle_every.count() > 0) {
        asio::steady_timer t(socket.get_executor());
        for (char const& byte : *r.raw) {
          auto [wec, written] = co_await asio::async_write(socket, asio::buffer(&byte, 1), tuple);
          if (wec) co_return;  // the client gave up
          t.expires_after(r.trickle_every);
          co_await t.async_wait(tuple);
        }
      } else if (r.raw) {
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
          close(socket);
          co_return;
        }
      }
      if (r.close_after || (r.raw && !r.keep_open)) {
        close(socket);
        co_return;
      }
    }
  }

  asio::awaitable<void> serve_tls(tcp::socket socket) {
    beast::ssl_stream<tcp::socket> stream(std::move(socket), ssl);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    co_await serve(std::move(stream));
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      accepted.fetch_add(1);
      if (tls) {
        asio::co_spawn(io, serve_tls(std::move(socket)), asio::detached);
      } else {
        asio::co_spawn(io, serve(std::move(socket)), asio::detached);
      }
    }
  }
};

http_server::http_server(handler h, transport t) : impl_(std::make_unique<impl>(std::move(h), t)) {
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

http_server::~http_server() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t http_server::port() const noexcept { return impl_->port; }

std::string http_server::url() const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

std::string http_server::last_sni() const {
  std::lock_guard lock(impl_->sni_mutex);
  return impl_->sni;
}

std::size_t http_server::connections_accepted() const noexcept { return impl_->accepted.load(); }

std::size_t http_server::requests_served() const noexcept { return impl_->served.load(); }

std::uint16_t closed_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

}  // namespace candar::test
