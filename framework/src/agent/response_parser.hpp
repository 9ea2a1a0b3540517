#pragma once
// The agent's HTTP/1.1 response parser. Beast's parser with its field container cost more CPU per request
// than the rest of the agent together (callgrind, against nginx), and the agent needs less of it: one
// response at a time, its own limits, and the headers in the order received, written straight into a
// `response`.
//
// Bytes are fed as they arrive, cut anywhere; what must outlive a feed (a header block or a chunk-size line
// split between two reads) is copied, so the caller may reuse its read buffer after every feed.
//
// Lenient where browsers are (a bare LF ends a line, obsolete line folding is unfolded, interim 1xx
// responses are skipped), strict where a lenient reading would hide a broken server (a bad status line,
// header name or Content-Length, control characters in a value, a bad chunk size).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "candar/agent/response.hpp"

namespace candar::detail {

struct response_limits {
  std::size_t max_header_bytes = 64 * 1024;  // the status line and headers, each block (also the trailers)
  std::size_t max_header_count = 100;
  std::size_t max_body_bytes = 16 * 1024 * 1024;  // as received, before any Content-Encoding is undone
};

class response_parser {
 public:
  enum class failure : std::uint8_t {
    none,
    malformed,         // not HTTP/1.x
    header_too_large,  // over max_header_bytes
    too_many_headers,  // over max_header_count
    body_too_large,    // over max_body_bytes
    truncated,         // the connection ended before the response did
  };

  // `to` receives the status, headers and body. `head`: the request was HEAD, so no body follows.
  response_parser(response& to, response_limits limits, bool head) noexcept;

  // Takes bytes from the front of `in` and returns how many: all of them unless the response ended or broke
  // within them. Bytes after the end belong to no response the agent asked for.
  std::size_t feed(std::string_view in);
  // The connection ended: that completes a body that runs until the close, and breaks anything else.
  void end_of_stream();

  [[nodiscard]] bool done() const noexcept { return state_ == state::done; }
  [[nodiscard]] failure failed() const noexcept { return failure_; }
  [[nodiscard]] std::string const& failure_message() const noexcept { return message_; }
  // A byte of the response has come (a failure before one may be an idle connection the server closed).
  [[nodiscard]] bool started() const noexcept { return started_; }
  // Whether the connection may carry another request once this response is done.
  [[nodiscard]] bool keep_alive() const noexcept { return keep_alive_; }
  // Fields the agent acts on, seen while parsing: no lookup is needed when they are not there.
  [[nodiscard]] bool has_set_cookie() const noexcept { return has_set_cookie_; }
  [[nodiscard]] bool has_content_encoding() const noexcept { return has_content_encoding_; }

 private:
  enum class state : std::uint8_t {
    header,
    body_length,
    chunk_size,
    chunk_data,
    chunk_end,
    trailers,
    body_to_close,
    done,
    failed
  };

  std::size_t feed_header(std::string_view in);
  std::size_t quick_header(std::string_view in);
  void after_header();            // a header block was read: an interim one is skipped, else the body starts
  void reset_framing() noexcept;  // what a header block said, before the next one
  std::size_t feed_line_state(std::string_view in);
  // The whole header block, its blank line included. False when it broke (the failure is set).
  bool parse_header_block(std::string_view received);
  bool parse_status_line(std::string_view line);
  bool add_field(std::string_view line);
  // What a field says about the framing and the connection (Content-Length, Transfer-Encoding, Connection),
  // and whether it is one the agent acts on. False when it broke the response.
  bool note_field(std::string_view name, std::string_view value);
  void start_body();
  bool take_line(std::string_view in, std::size_t& used, std::string_view& line);
  void fail(failure why, std::string message);

  response& to_;
  response_limits limits_;
  bool head_;
  state state_ = state::header;
  failure failure_ = failure::none;
  bool started_ = false;
  bool keep_alive_ = false;
  bool http10_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool has_length_ = false;
  bool chunked_ = false;
  bool has_transfer_encoding_ = false;
  bool has_set_cookie_ = false;
  bool has_content_encoding_ = false;
  std::uint64_t length_ = 0;  // Content-Length, then what is left of it or of the current chunk
  std::size_t trailer_bytes_ = 0;
  std::string pending_;  // a header block or line cut between feeds
  std::string message_;
};

}  // namespace candar::detail
