#pragma once
// What a failed socket operation or a refused response is, as the agent's error codes say it, and which
// failures mean a pooled connection had gone stale.
#include <boost/system/error_code.hpp>

#include "candar/failure/error.hpp"

namespace candar::detail {

class connection;
class response_parser;

// A socket operation failed on `c`: after its deadline passed (the socket closed under it), that is the timeout.
[[nodiscard]] error failure_of(connection const& c, boost::system::error_code ec);
// The parser refused the response: too large, cut short, or not HTTP.
[[nodiscard]] error failure_of(response_parser const& p);
// The connection ended: a plain close, or over TLS a close without close_notify, which most servers do.
[[nodiscard]] bool end_of_stream(boost::system::error_code ec);
// A failure on a connection taken from the pool before any response byte came: the server had closed it
// while it sat idle (keep-alive timeout). Safe to send again when the method is idempotent.
[[nodiscard]] bool stale_connection(boost::system::error_code ec);

}  // namespace candar::detail
