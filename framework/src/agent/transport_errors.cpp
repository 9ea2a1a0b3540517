#include "transport_errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "candar/failure/codes.hpp"
#include "connection.hpp"
#include "response_parser.hpp"

namespace candar::detail {

namespace asio = boost::asio;

namespace {

bool tls_failure(boost::system::error_code ec) {
  return ec.category() == asio::error::get_ssl_category() || ec.category() == asio::ssl::error::get_stream_category();
}

}  // namespace

error failure_of(connection const& c, boost::system::error_code ec) {
  if (c.timed_out()) return error(codes::timeout, "no complete response within the timeout");
  if (tls_failure(ec)) return error(codes::tls, ec.message());
  return error::from(ec);
}

error failure_of(response_parser const& p) {
  using failure = response_parser::failure;
  switch (p.failed()) {
    case failure::header_too_large:
    case failure::too_many_headers:
    case failure::body_too_large:
      return error(codes::too_large, p.failure_message());
    case failure::truncated:
      return error(codes::connection, p.failure_message());
    default:
      return error(codes::http_parse, p.failure_message());
  }
}

bool end_of_stream(boost::system::error_code ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

bool stale_connection(boost::system::error_code ec) {
  return end_of_stream(ec) || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

}  // namespace candar::detail
