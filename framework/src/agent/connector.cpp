#include "connector.hpp"

#include <charconv>
#include <tuple>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/failure/codes.hpp"
#include "deadline_watch.hpp"
#include "name_resolver.hpp"
#include "socket_shortage.hpp"
#include "tls_context.hpp"
#include "transport_errors.hpp"

namespace candar::detail {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using error_code = boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The port of a URL, which the URL parser has checked to be digits; 0 if it is out of range.
std::uint16_t port_number(std::string_view port) {
  unsigned value = 0;
  auto const [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && value <= 65535 ? static_cast<std::uint16_t>(value) : 0;
}

struct dialed {
  std::unique_ptr<connection> conn;  // null: given up (the dialer still holds it until it returns)
  error_code result;
  bool canceled = false;
};

// The scenario's dialer, bounded by `deadline` whatever it waits on: it runs on its own, holding the
// connection, and the request waits for it or for the deadline. Given up on, the dialer's socket is closed
// under it and the connection goes when it returns.
asio::awaitable<dialed> dial(asio::any_io_executor ex, decltype(agent_options::dial) const& dialer,
                             std::unique_ptr<connection> c, std::vector<tcp::endpoint> const& addresses,
                             clock_type::time_point deadline) {
  struct shared {
    std::unique_ptr<connection> conn;
    bool done = false;
    error_code result;
    std::shared_ptr<asio::steady_timer> waiter;
  };
  auto st = std::make_shared<shared>();
  st->conn = std::move(c);
  st->waiter = std::make_shared<asio::steady_timer>(ex, deadline);
  asio::co_spawn(
      ex,
      [](std::shared_ptr<shared> state, decltype(agent_options::dial) dial_with,
         std::vector<tcp::endpoint> eps) -> asio::awaitable<void> {
        error_code ec;
        try {
          ec = co_await dial_with(state->conn->socket(), eps);
        } catch (std::exception const&) {
          ec = asio::error::fault;  // a dialer that throws failed to connect
        }
        state->done = true;
        state->result = ec;
        state->waiter->cancel();
      }(st, dialer, addresses),
      asio::detached);
  error_code wec;
  // A dialer that finished before this wait began (co_spawn may start it at once) has nothing to wake.
  if (!st->done) std::tie(wec) = co_await st->waiter->async_wait(use_tuple);
  if (st->done) co_return dialed{std::move(st->conn), st->result, false};
  st->conn->close();  // the dialer's operations on it end; it returns when it will
  co_return dialed{nullptr, {}, wec == asio::error::operation_aborted};
}

}  // namespace

asio::awaitable<expected<std::unique_ptr<connection>>> open_connection(
    asio::any_io_executor ex, deadline_watch& deadlines, agent_options const& options, std::string const& host,
    std::string const& port, bool tls, bool h2, clock_type::time_point deadline) {
  // Under the request's deadline; the loop's resolver keeps DNS answers for their TTL.
  auto addresses = co_await name_resolver::of(ex).resolve(host, port_number(port), options.names, deadline);
  if (!addresses) co_return std::move(addresses).error();
  auto c = std::make_unique<connection>(ex);
  // The connect timeout, when set, bounds the connection's opening alone; unset, the request's deadline does.
  auto const dialing = clock_type::now();
  bool const own_connect_limit =
      options.connect_timeout > clock_type::duration::zero() && dialing + options.connect_timeout < deadline;
  auto const connect_deadline = own_connect_limit ? dialing + options.connect_timeout : deadline;
  char const* const late = own_connect_limit ? "the connection did not open within the connect timeout"
                                             : "the connection did not open within the request's timeout";
  deadlines.watch(*c, connect_deadline, ex);
  error_code cec;
  if (options.dial) {
    auto by_dialer = co_await dial(ex, options.dial, std::move(c), *addresses, connect_deadline);
    if (!by_dialer.conn) {  // the dialer overran the deadline, or the request was canceled
      co_return error(
          by_dialer.canceled ? codes::canceled : codes::timeout,
          "connect to " + host + ":" + port + ": " + (by_dialer.canceled ? "canceled while the dialer ran" : late));
    }
    c = std::move(by_dialer.conn);
    cec = by_dialer.result;
  } else {
    auto [connect_ec, ep] = co_await asio::async_connect(c->socket(), *addresses, use_tuple);
    cec = connect_ec;
  }
  if (cec == asio::error::operation_aborted && !c->timed_out() && !c->socket().is_open() && !addresses->empty()) {
    // Not canceled: Asio says "aborted" for a socket it could not open. The benchmarker's failure, named.
    if (auto shortage = socket_shortage(ex, addresses->front().protocol())) {
      c->close();
      co_return std::move(*shortage);
    }
  }
  if (cec) {
    // Named for what it is: the connection did not open (a full listen backlog drops the SYN), not "no
    // complete response".
    auto e = c->timed_out() ? error(codes::timeout, late) : failure_of(*c, cec);
    c->close();
    co_return error(e.inner_code(), "connect to " + host + ":" + port + ": " + e.message());
  }
  c->connected();
  if (tls) {
    auto& stream = c->start_tls(tls_context(options.tls_verify));
    name_tls_peer(stream, host, options.tls_verify);
    if (h2) offer_h2(stream);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) {
      // Cut off at the deadline, or canceled with the request: named so; any other failure is TLS's.
      auto e = c->timed_out() || hec == asio::error::operation_aborted ? failure_of(*c, hec)
                                                                       : error(codes::tls, hec.message());
      c->close();
      co_return error(e.inner_code(), "TLS handshake with " + host + ":" + port + ": " + e.message());
    }
    if (h2 && chose_h2(stream)) c->set_negotiated_h2();
  }
  co_return std::move(c);
}

}  // namespace candar::detail
