// An HTTP/2 server's bytes, whatever they are, as the agent's h2_session reads them (nghttp2 and candar's
// callbacks: frames, HPACK, flow control, the limits): a GET goes out on a fresh session over a loopback
// connection, the input comes back, then the server closes. The request must end (a response or an error),
// with no crash, leak or hang; what it read must fit the limits.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "connection.hpp"
#include "h2_session.hpp"
#include "request_wire.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  using namespace candar::detail;
  constexpr response_limits limits{.max_header_bytes = 4096, .max_header_count = 50, .max_body_bytes = 1 << 16};
  // One listener for the whole run. A listener per input leaves its port in TIME_WAIT (the server side closes
  // first), each such port is closed to connect()'s choice of a local port, and after about 76,000 inputs (three
  // minutes) connect() finds none left: EADDRNOTAVAIL.
  static asio::io_context listener_io;
  static tcp::acceptor listener(listener_io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::io_context io;
  auto client = std::make_unique<connection>(io.get_executor());
  boost::system::error_code ec;
  do {  // libFuzzer's timer signal may interrupt the harness's own blocking calls
    client->socket().close(ec);
    client->socket().connect(listener.local_endpoint(), ec);
  } while (ec == boost::system::errc::interrupted);
  if (ec) {
    std::fprintf(stderr, "fuzz_h2: connect: %s\n", ec.message().c_str());
    std::abort();
  }
  auto const client_end = client->socket().local_endpoint(ec);
  if (ec) std::abort();
  // The connection this input made: one an interrupted connect() left in the backlog is dropped.
  tcp::socket server(listener_io);
  for (;;) {
    listener.accept(server, ec);
    if (ec == boost::system::errc::interrupted) continue;
    if (ec) std::abort();
    if (server.remote_endpoint(ec) == client_end && !ec) break;
    server.close(ec);
  }
  client->connected();
  asio::write(server, asio::buffer(data, size), ec);  // an input fits the loopback socket's buffers
  server.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return 0;  // the harness's own socket broke (a port reused too soon): no input was read

  auto session = h2_session::start(std::move(client), limits.max_header_bytes);
  auto out = std::make_shared<outgoing>();
  out->wire = "GET / HTTP/1.1\r\nHost: fuzz\r\nUser-Agent: candar\r\n\r\n";
  candar::response res;
  std::optional<h2_outcome> ended;
  auto const now = std::chrono::steady_clock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        ended = co_await session->exchange(out, res, limits, now + std::chrono::seconds(5), now);
        session->close();  // as the agent's pool does when it goes; the reader then ends too
      },
      asio::detached);
  io.run();
  if (!ended) std::abort();  // the request never ended
  if (res.body.size() > limits.max_body_bytes) std::abort();
  if (!ended->failed && (res.status < 200 || res.status > 599)) std::abort();
  return 0;
}
