#pragma once
// Opening a connection to an origin: its name through the loop's resolver (DNS answers kept for their TTL), a
// connect (or the scenario's dialer, bounded by the deadline whatever it waits on), a socket shortage named as
// the benchmarker's own failure, then TLS with SNI for https (and ALPN offering h2 when asked). Under the request's
// deadline, and the connect timeout when one is set.
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "candar/agent/agent_options.hpp"
#include "candar/failure/expected.hpp"
#include "connection.hpp"

namespace candar::detail {

class deadline_watch;

// The connection opened and connected, watched by `deadlines` until the caller watches it again for its
// request; or why it did not open ("connect to host:port: ..." / "TLS handshake with host:port: ...").
boost::asio::awaitable<expected<std::unique_ptr<connection>>> open_connection(
    boost::asio::any_io_executor ex, deadline_watch& deadlines, agent_options const& options, std::string const& host,
    std::string const& port, bool tls, bool offer_h2, std::chrono::steady_clock::time_point deadline);

}  // namespace candar::detail
