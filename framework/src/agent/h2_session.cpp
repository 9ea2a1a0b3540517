#include "h2_session.hpp"

#include <algorithm>
#include <new>
#include <tuple>

#include <nghttp2/nghttp2.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/failure/codes.hpp"
#include "h2_fields.hpp"
#include "h2_stream.hpp"
#include "read_buffer.hpp"
#include "request_wire.hpp"
#include "transport_errors.hpp"

namespace candar::detail {

namespace asio = boost::asio;
using namespace std::string_view_literals;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Chromium's windows: large enough that flow control never throttles a page or a load loop.
constexpr std::int32_t stream_window = 6 * 1024 * 1024;
constexpr std::int32_t connection_window = 15 * 1024 * 1024;
// A request on a connection quiet for this long carries a PING along, as Chromium's: a live server answers it
// at once, so a stream that then times out on a connection that said nothing since tells a dead connection
// from a slow answer.
constexpr auto quiet_before_ping = std::chrono::seconds(1);
// Frames nghttp2 may queue for a server that takes nothing (resets, replies), beyond a request's HEADERS each
// (those wait for a free stream there too): then the connection fails.
constexpr std::size_t max_outbound_frames = 1024;
// How long a PING has at least before its silence closes the connection: a request's short timeout is no
// measure of a round trip.
constexpr auto least_ping_wait = std::chrono::seconds(1);
// How long the last frames (a GOAWAY) have to leave before the connection closes anyway.
constexpr auto linger_for_last_frames = std::chrono::seconds(1);
}  // namespace

h2_session::h2_session(std::unique_ptr<connection> c) : conn_(std::move(c)), linger_(conn_->socket().get_executor()) {}

h2_session::~h2_session() { nghttp2_session_del(session_); }

std::shared_ptr<h2_session> h2_session::start(std::unique_ptr<connection> c, std::size_t max_header_bytes) {
  std::shared_ptr<h2_session> self(new h2_session(std::move(c)));
  nghttp2_session_callbacks* cbs = nullptr;
  nghttp2_session_callbacks_new(&cbs);
  callbacks::install(cbs);
  nghttp2_option* options = nullptr;
  nghttp2_option_new(&options);
  nghttp2_option_set_peer_max_concurrent_streams(options, 100);  // until the server's SETTINGS say, as Chromium
  int const made = nghttp2_session_client_new2(&self->session_, cbs, self.get(), options);
  nghttp2_option_del(options);
  nghttp2_session_callbacks_del(cbs);
  if (made != 0) throw std::bad_alloc();  // nghttp2's only failure here

  nghttp2_settings_entry const settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, stream_window},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
       static_cast<std::uint32_t>(std::min<std::size_t>(max_header_bytes, UINT32_MAX))},
  };
  nghttp2_submit_settings(self->session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(self->session_, NGHTTP2_FLAG_NONE, 0, connection_window);
  asio::co_spawn(
      self->conn_->socket().get_executor(), [self]() { return self->read_loop(); }, asio::detached);
  self->flush();
  return self;
}

h2_stream* h2_session::stream(std::int32_t id) {
  auto const found = streams_.find(id);
  return found == streams_.end() ? nullptr : found->second.get();
}

void h2_session::end_stream(h2_stream& s, std::optional<error> failed, bool unprocessed) {
  if (s.done) return;
  s.done = true;
  if (!failed && s.to != nullptr) s.to->time.total = clock_type::now() - s.start;
  s.failed = std::move(failed);
  s.unprocessed = unprocessed;
  s.to = nullptr;
  s.wake.cancel();
}

void h2_session::fail(error const& why) {
  usable_ = false;
  for (auto& [id, s] : streams_) {
    // Nothing of its response came: the server may not have seen it (a connection that closed as it sat idle).
    bool const nothing_came = s->to != nullptr && s->to->time.first_byte == clock_type::duration::zero();
    s->nothing_came = nothing_came;
    // One whose HEADERS never left (behind a busy writer, or waiting for a stream) was not seen by the server:
    // it may go again on another connection, as one nghttp2 itself refused to send.
    end_stream(*s, why, !s->headers_sent);
  }
  streams_.clear();
}

void h2_session::close() noexcept { close("the HTTP/2 connection was closed"); }

void h2_session::close(std::string_view why) noexcept {
  if (closed_) return;
  closed_ = true;
  fail(error(codes::connection, std::string(why)));
  conn_->close();
  linger_.cancel();
}

void h2_session::close_when_written() noexcept {
  usable_ = false;
  if (closed_ || closing_) return;
  if (!writing_) {
    close();
    return;
  }
  closing_ = true;  // the writer closes it when it is done
  linger_.expires_after(linger_for_last_frames);
  linger_.async_wait([self = shared_from_this()](boost::system::error_code) { self->close(); });
}

void h2_session::retire_if_done() noexcept {
  if (!usable_ && streams_.empty()) close_when_written();
}

asio::awaitable<h2_outcome> h2_session::exchange(std::shared_ptr<outgoing const> out, response& to,
                                                 response_limits limits, clock_type::time_point deadline,
                                                 clock_type::time_point start) {
  auto const self = shared_from_this();  // the pool may forget the session while a request waits on it
  if (!usable_) co_return h2_outcome{error(codes::connection, "the HTTP/2 connection is going away"), true};
  if (nghttp2_session_get_outbound_queue_size(session_) > max_outbound_frames + streams_.size()) {
    usable_ = false;
    close("the server took none of the frames queued for it");
    co_return h2_outcome{error(codes::http2, "the server took none of the frames queued for it"), true};
  }
  if (!out->h2_fields) out->h2_fields = std::make_shared<h2_request_fields const>(h2_fields_of(out->wire, out->https));
  auto const& fields = *out->h2_fields;
  auto s = std::make_shared<h2_stream>(conn_->socket().get_executor(), deadline);
  s->body = fields.body;
  s->out = std::move(out);
  s->to = &to;
  s->limits = limits;
  s->start = start;
  nghttp2_data_provider provider{};
  provider.read_callback = callbacks::read_body;
  auto const id = nghttp2_submit_request(session_, nullptr, fields.nv.data(), fields.nv.size(),
                                         s->body.empty() ? nullptr : &provider, nullptr);
  if (id < 0) {
    usable_ = false;  // out of stream ids, or broken: the next request opens another connection
    co_return h2_outcome{error(codes::http2, std::string("cannot start a stream: ") + nghttp2_strerror(id)), true};
  }
  streams_.emplace(id, s);
  auto const submitted = clock_type::now();
  if (submitted - last_read_ > quiet_before_ping && ping_sent_ < last_read_) {
    nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr);
    ping_sent_ = submitted;
  }
  flush_soon();
  boost::system::error_code ec;
  if (!s->done) std::tie(ec) = co_await s->wake.async_wait(use_tuple);
  if (!s->done) {
    // The deadline passed, or the request was canceled: the stream is reset and the connection goes on. One
    // that said nothing since the request went is asked with a PING; one that left a PING sent before the
    // request unanswered all through it is presumed dead and closed, as HTTP/1.1's connection is at a deadline.
    s->to = nullptr;
    streams_.erase(id);
    bool const canceled = ec == asio::error::operation_aborted;
    bool const silent = !closed_ && !canceled && last_read_ < submitted;
    if (silent && ping_sent_ > last_read_ && ping_sent_ <= submitted &&
        clock_type::now() - ping_sent_ >= least_ping_wait) {
      usable_ = false;
      close("the server answered nothing on the HTTP/2 connection, not even a PING, within a request's timeout");
    } else if (!closed_) {
      if (silent && ping_sent_ <= last_read_) {  // else the PING out already is left to a later timeout to judge
        nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr);
        ping_sent_ = clock_type::now();
      }
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
      flush();
      retire_if_done();
    }
    if (canceled) co_return h2_outcome{error(codes::canceled, "canceled while waiting for the response")};
    co_return h2_outcome{error(codes::timeout, "no complete response within the timeout")};
  }
  if (!s->failed) carried_a_response_ = true;
  retire_if_done();
  co_return h2_outcome{std::move(s->failed), s->unprocessed, s->nothing_came, s->set_cookie, s->content_encoding};
}

bool h2_session::ending() const noexcept {
  // Requests are not allowed once nghttp2 ends the session, after the server's GOAWAY, or with the stream ids
  // spent; the last two leave the streams in flight to go on.
  return nghttp2_session_check_request_allowed(session_) == 0 && !goaway_came_ &&
         nghttp2_session_get_next_stream_id(session_) <= INT32_MAX;
}

std::string h2_session::why_broken(long used) const {
  if (used >= 0 && last_problem_.starts_with("the server broke")) return last_problem_;  // its GOAWAY left
  std::string why = "the server broke HTTP/2";
  if (used < 0) why += std::string(": ") + nghttp2_strerror(static_cast<int>(used));
  if (!last_problem_.empty() && !last_problem_.starts_with("the server broke")) why += " (" + last_problem_ + ")";
  return why;
}

bool h2_session::end_if_spent() {
  if (closed_ || nghttp2_session_want_read(session_) != 0 || nghttp2_session_want_write(session_) != 0) return false;
  // After a GOAWAY, either way: with no stream left nothing waits on this, else the streams say why.
  fail(error(codes::http2, last_problem_.empty() ? std::string("the HTTP/2 connection ended") : last_problem_));
  close_when_written();
  return true;
}

asio::awaitable<void> h2_session::read_loop() {
  auto const self = shared_from_this();  // lives while its connection is read
  try {
    co_await read_until_closed();
  } catch (std::exception const& e) {  // no reader is left: nothing may wait on the session
    close(std::string("the HTTP/2 connection failed: ") + e.what());
  }
}

asio::awaitable<void> h2_session::read_until_closed() {
  read_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await conn_->read_some(asio::buffer(buffer.data(), read_buffer::size));
    if (closed_) co_return;
    if (n > 0) {
      last_read_ = clock_type::now();
      auto const used = nghttp2_session_mem_recv(session_, reinterpret_cast<std::uint8_t const*>(buffer.data()), n);
      flush();  // the replies, or the GOAWAY that tells a server that broke the protocol why the agent leaves
      if (closed_) co_return;
      if (used < 0 || ending()) {
        fail(error(codes::http2, why_broken(static_cast<long>(used))));
        close_when_written();
        co_return;
      }
      retire_if_done();
      if (closed_) co_return;
    }
    if (ec) {
      fail(end_of_stream(ec) ? error(codes::connection, "the server closed the HTTP/2 connection")
                             : failure_of(*conn_, ec));
      close();
      co_return;
    }
    if (end_if_spent()) co_return;
  }
}

}  // namespace candar::detail
