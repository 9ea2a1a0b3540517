#pragma once
// One HTTP/2 connection of an agent (RFC 9113), shared by every request of the agent to its origin, each on a
// stream. nghttp2 is the protocol engine (framing, HPACK, flow control, SETTINGS, GOAWAY, PING replies); the
// bytes go through the connection on its event loop, as HTTP/1.1's do. A request waits for its stream's end or
// its own deadline, whichever comes first; past it the stream is reset and the connection goes on.
//
// What a server sends is bounded as over HTTP/1.1: the decoded header list by max_header_bytes and
// max_header_count, a body by max_body_bytes (the stream is reset), the frames nghttp2 queues in reply (SETTINGS
// and PING floods) by its limits, after which the connection fails.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "candar/agent/response.hpp"
#include "candar/failure/error.hpp"
#include "connection.hpp"
#include "response_parser.hpp"

struct nghttp2_session;

namespace candar::detail {

struct outgoing;
struct h2_stream;

// How a request's stream ended, beside the response it filled.
struct h2_outcome {
  std::optional<error> failed;
  bool unprocessed = false;   // refused or beyond a GOAWAY: the server did nothing with it, it may go again
  bool nothing_came = false;  // the connection was lost before any of the response: as a stale HTTP/1.1 one
  bool has_set_cookie = false;
  bool has_content_encoding = false;
};

class h2_session : public std::enable_shared_from_this<h2_session> {
 public:
  using clock_type = std::chrono::steady_clock;

  // Takes a connection that negotiated h2 (ALPN, or prior knowledge on a plain one), sends the preface and
  // starts reading. `max_header_bytes` is announced as SETTINGS_MAX_HEADER_LIST_SIZE.
  static std::shared_ptr<h2_session> start(std::unique_ptr<connection> c, std::size_t max_header_bytes);
  ~h2_session();
  h2_session(h2_session const&) = delete;
  h2_session& operator=(h2_session const&) = delete;

  // A new request may go on it: open, no GOAWAY came, nothing broke.
  [[nodiscard]] bool usable() const noexcept { return usable_; }
  // Closes it when it takes no new request and carries none: a forgotten session holds no socket.
  void retire_if_done() noexcept;
  [[nodiscard]] std::size_t streams() const noexcept { return streams_.size(); }
  // A response came whole on it: a request now is on a reused connection (retried once if it is lost).
  [[nodiscard]] bool carried_a_response() const noexcept { return carried_a_response_; }

  // Sends `out` on a new stream and fills `to` with the response until `deadline`. `start` is when the request
  // began (the response's timings count from it).
  boost::asio::awaitable<h2_outcome> exchange(std::shared_ptr<outgoing const> out, response& to, response_limits limits,
                                              clock_type::time_point deadline, clock_type::time_point start);
  // Closes the connection; the requests on it fail.
  void close() noexcept;

 private:
  struct callbacks;
  struct callback_bodies;
  explicit h2_session(std::unique_ptr<connection> c);

  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> read_until_closed();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> write_until_drained();
  // Sends what nghttp2 has queued: at once when the socket takes it, else on a writer of its own. A failure
  // (memory for the batch included) closes the session.
  void flush() noexcept;
  void flush_queued();
  // A flush after the handlers ready now have run: the requests their users send next share one write.
  void flush_soon();
  void fail(error const& why);
  void close(std::string_view why) noexcept;
  // Closes once what nghttp2 queued last is written (the GOAWAY saying why the agent leaves, a reset), or after
  // a short linger when the server takes nothing: bytes the socket did not take at once (TLS's, or a full
  // socket's) are on the writer, which a close would cut.
  void close_when_written() noexcept;
  void end_stream(h2_stream& s, std::optional<error> failed, bool unprocessed = false);
  // nghttp2 decided to end the connection (the server broke the protocol): its GOAWAY is queued and nothing more
  // is read. Known at once, not when that GOAWAY leaves: a writer held by a full socket, or busy with the frames
  // before it, would leave the requests waiting until their deadlines.
  [[nodiscard]] bool ending() const noexcept;
  // Why the connection ends: `used` is what reading returned (below 0: nghttp2's error).
  [[nodiscard]] std::string why_broken(long used) const;
  // When nghttp2 wants neither to read nor to write (the GOAWAY that ends it left, or a GOAWAY's last stream
  // ended), the streams left fail and the connection closes once its last bytes are written. Checked wherever
  // that can become so: after a read, and once the writer has handed out all nghttp2 had queued.
  bool end_if_spent();
  h2_stream* stream(std::int32_t id);

  std::unique_ptr<connection> conn_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<std::int32_t, std::shared_ptr<h2_stream>> streams_;
  std::string pending_;  // bytes nghttp2 gave that the socket has not taken yet
  std::size_t pending_at_ = 0;
  bool writing_ = false;  // a write_loop runs
  bool flush_posted_ = false;
  bool carried_a_response_ = false;
  bool settings_came_ = false;             // the server's SETTINGS: its stream limit is known
  std::int32_t sent_before_settings_ = 0;  // the last stream sent before then (the limit assumed: 100)
  std::uint32_t streams_before_settings_ = 0;
  clock_type::time_point last_read_ = clock_type::now();  // when the server last sent anything
  clock_type::time_point ping_sent_{};
  bool usable_ = true;
  bool goaway_came_ = false;  // the server's GOAWAY: the streams it names go on
  bool closed_ = false;
  bool closing_ = false;  // close_when_written waits for the writer
  boost::asio::steady_timer linger_;
  std::string last_problem_;  // why the connection is ending, in nghttp2's words: the first reason given
};

}  // namespace candar::detail
