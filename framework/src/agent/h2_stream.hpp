#pragma once
// A request's stream on an h2_session: what nghttp2's callbacks fill in, and what the request waits on.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include <nghttp2/nghttp2.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "h2_session.hpp"

namespace candar::detail {

struct h2_stream {
  h2_stream(boost::asio::any_io_executor const& ex, h2_session::clock_type::time_point deadline) : wake(ex, deadline) {}
  boost::asio::steady_timer wake;       // expires at the request's deadline; canceled when the stream ends
  std::shared_ptr<outgoing const> out;  // holds the body being sent
  std::string_view body;
  std::size_t body_sent = 0;
  response* to = nullptr;  // null once the stream ended: nothing more goes into the response
  response_limits limits;
  h2_session::clock_type::time_point start;
  std::size_t header_bytes = 0;
  std::size_t header_count = 0;
  enum class block : std::uint8_t { unknown, interim, final_fields, trailers } reading = block::unknown;
  bool final_response = false;   // a non-1xx status came
  bool end_stream_seen = false;  // its last frame came: the response is whole (a reset is no end)
  bool headers_sent = false;     // handed to the connection: the server may have seen the request
  bool nothing_came = false;
  bool done = false;
  bool unprocessed = false;
  bool set_cookie = false;
  bool content_encoding = false;
  std::optional<error> failed;
};

// nghttp2's callbacks, with the session's private state at hand.
struct h2_session::callbacks {
  static void install(nghttp2_session_callbacks* cbs);
  // The request's body, as the stream's window allows.
  static ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source*, void* user_data);
};

}  // namespace candar::detail
