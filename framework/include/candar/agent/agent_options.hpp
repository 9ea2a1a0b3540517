#pragma once
// How an agent behaves: its timeouts, name resolution, connection pool, headers, cache, cookies and limits.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <functional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "candar/agent/name_resolution.hpp"
#include "candar/version.hpp"

namespace candar {

class endpoint_metrics;

struct agent_limits {
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_header_count = 100;
  std::size_t max_body_bytes = 16 * 1024 * 1024;     // as received
  std::size_t max_decoded_bytes = 64 * 1024 * 1024;  // after Content-Encoding is undone
};

// When the agent speaks HTTP/2 (RFC 9113): one connection per origin carries all of a user's requests at once.
enum class http2_use : std::uint8_t {
  never,     // HTTP/1.1 only
  over_tls,  // offered with ALPN on https (HTTP/1.1 when the server declines), HTTP/1.1 on http: as browsers
  always,    // also on http, with prior knowledge (h2c, RFC 9113 3.3): for a server that speaks h2 in the clear
};

// W3C Trace Context (a `traceparent` header on every request): a trace per visit (user_pool starts one at each
// take(); agent::new_trace() otherwise), a span per request. Responses and errors carry their ids, so a failed
// request can be found in the webapp's own access log.
enum class trace_use : std::uint8_t {
  as_run,  // on when the run asked for it (the ready main's --trace: trace_this_run()), else off
  on,
  off,
};

// Turns trace_use::as_run on for every agent made from now on in this process, its ids drawn from `seed` (the
// run's --seed): each agent a stream of its own, numbered in the order agents are made (so one loop, made in the
// same order, draws the same ids again). A request or default header `traceparent` of the scenario's own is sent
// instead of one of ours.
void trace_this_run(std::uint64_t seed);

// The ready main's --har: every agent made from now on in this process keeps its current flow's exchanges
// (the last 16, bodies up to 16 KiB: candar/failure/exchange_log.hpp), and each response and error carries
// them (trace_ids::exchanges), so that the run can write the flows that led to its first errors.
void record_exchanges_this_run();

struct agent_options {
  std::string base_url{};                                                 // relative targets resolve against it
  std::chrono::steady_clock::duration timeout = std::chrono::seconds(1);  // per request: connect + write + read
  // Bounds opening a connection (TCP and TLS) alone; zero: only the request's timeout does. A connect that
  // times out says so ("the connection did not open within ..."), whichever bound it was.
  std::chrono::steady_clock::duration connect_timeout{};
  name_resolution names{};  // how host names become addresses (DNS under the deadline, fixed answers, your own)
  // How a connection opens, when trying each address in turn is not what you need (Go's DialContext): a
  // source address of your own (bind before connecting), a socket option, a proxy. Given the socket, not yet
  // open, and the addresses the names resolved to, connect it or return why not. Bounded by the connect
  // timeout / the request's deadline whatever it waits on: past it the socket is closed under the dialer and
  // the request times out. Unset: each address in turn.
  std::function<boost::asio::awaitable<boost::system::error_code>(
      boost::asio::ip::tcp::socket& socket, std::vector<boost::asio::ip::tcp::endpoint> const& addresses)>
      dial{};
  bool keep_alive = true;  // off: one connection per request, "Connection: close", as users who don't reuse
  http2_use http2 = http2_use::over_tls;       // keep_alive off: HTTP/1.1 only
  std::size_t max_connections_per_origin = 6;  // as a browser
  std::string user_agent = std::string("candar/").append(version);
  bool decompress = true;  // send Accept-Encoding: gzip, deflate, br and decode what comes back
  bool cookies = true;     // keep a cookie jar: store Set-Cookie, send Cookie
  bool cache = true;       // a private HTTP cache (GET): fresh hits need no request, stale entries revalidate
  std::size_t cache_max_bytes = 32 * 1024 * 1024;
  bool tls_verify = false;  // contest targets use self-signed certificates; on for real hosts (CI)
  int max_redirects = 0;    // 0: a 3xx comes back to the scenario, as in isucandar; N: follow up to N
  std::vector<std::pair<std::string, std::string>> default_headers{};  // sent with every request
  trace_use trace = trace_use::as_run;
  std::uint64_t trace_seed = 1;  // trace_use::on: the ids' seed (as_run takes the run's)
  // Keep the current flow's exchanges (record_exchanges_this_run() turns it on for every agent).
  bool record_exchanges = false;
  agent_limits limits{};
  // Where every request is recorded (status, latency, bytes; errors by code) under its label; none: nowhere.
  // Must outlive the agent; a benchmark's result().metrics() is the usual place.
  endpoint_metrics* metrics = nullptr;
};

}  // namespace candar
