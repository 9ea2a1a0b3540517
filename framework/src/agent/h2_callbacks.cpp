#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>

#include "candar/failure/codes.hpp"
#include "h2_stream.hpp"

namespace candar::detail {

using namespace std::string_view_literals;
using clock_type = h2_session::clock_type;

// The callbacks themselves: members of a class the session befriends, so that they reach its streams.
struct h2_session::callback_bodies {
  static h2_session& of(void* user_data) { return *static_cast<h2_session*>(user_data); }

  static int on_begin_headers(nghttp2_session*, nghttp2_frame const* frame, void* user_data) {
    auto* s = of(user_data).stream(frame->hd.stream_id);
    if (s == nullptr || s->to == nullptr) return 0;
    s->reading = h2_stream::block::unknown;
    if (s->to->time.first_byte == clock_type::duration::zero()) s->to->time.first_byte = clock_type::now() - s->start;
    return 0;
  }

  static int on_header(nghttp2_session*, nghttp2_frame const* frame, std::uint8_t const* name_bytes,
                       std::size_t name_size, std::uint8_t const* value_bytes, std::size_t value_size, std::uint8_t,
                       void* user_data) {
    auto& session = of(user_data);
    auto* s = session.stream(frame->hd.stream_id);
    if (s == nullptr || s->to == nullptr) return 0;
    std::string_view const name(reinterpret_cast<char const*>(name_bytes), name_size);
    std::string_view const value(reinterpret_cast<char const*>(value_bytes), value_size);
    // The decoded list is what is bounded: a few bytes of HPACK can name a large table entry many times.
    s->header_bytes += name.size() + value.size() + 4;
    if (s->header_bytes > s->limits.max_header_bytes) {
      session.end_stream(*s, error(codes::too_large, "the response's header fields are over " +
                                                         std::to_string(s->limits.max_header_bytes) + " bytes"));
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets the stream
    }
    if (name == ":status"sv) {
      int status = 0;
      std::from_chars(value.data(), value.data() + value.size(), status);  // nghttp2 checked: three digits
      if (status < 100 || status > 599) {  // RFC 9110 15: what HTTP/1.1's parser refuses too
        session.end_stream(*s, error(codes::http2, "a bad :status '" + std::string(value) + "'"));
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
      }
      if (status < 200) {
        s->reading = h2_stream::block::interim;  // 103 Early Hints and the like: skipped, as over HTTP/1.1
      } else {
        s->reading = h2_stream::block::final_fields;
        s->final_response = true;
        s->to->status = status;
      }
      return 0;
    }
    if (s->reading == h2_stream::block::unknown) s->reading = h2_stream::block::trailers;  // no :status: trailers
    if (s->reading != h2_stream::block::final_fields) return 0;
    if (++s->header_count > s->limits.max_header_count) {
      session.end_stream(
          *s, error(codes::too_large,
                    "the response has over " + std::to_string(s->limits.max_header_count) + " header fields"));
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    if (name == "set-cookie"sv) s->set_cookie = true;
    if (name == "content-encoding"sv) s->content_encoding = true;
    s->to->headers.add(name, value);
    return 0;
  }

  static int on_data(nghttp2_session* ng, std::uint8_t, std::int32_t id, std::uint8_t const* data, std::size_t size,
                     void* user_data) {
    auto& session = of(user_data);
    auto* s = session.stream(id);
    if (s == nullptr || s->to == nullptr) return 0;
    if (s->to->body.size() + size > s->limits.max_body_bytes) {
      session.end_stream(*s, error(codes::too_large, "the response's body is over " +
                                                         std::to_string(s->limits.max_body_bytes) + " bytes"));
      nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
      return 0;
    }
    s->to->body.append(reinterpret_cast<char const*>(data), size);
    return 0;
  }

  static int on_stream_close(nghttp2_session* ng, std::int32_t id, std::uint32_t code, void* user_data) {
    auto& session = of(user_data);
    auto* s = session.stream(id);
    if (s == nullptr) return 0;
    if (!s->done) {
      if (code == NGHTTP2_NO_ERROR && s->final_response && s->end_stream_seen) {
        session.end_stream(*s, std::nullopt);
      } else if (code == NGHTTP2_REFUSED_STREAM) {
        // Among more streams sent before the server's SETTINGS than the limit they then told: over it, and sent
        // again here now that nghttp2 knows it. Else the server is going away (nginx refuses past
        // keepalive_requests before its GOAWAY comes), and the request goes again on a new connection.
        bool const over_its_limit = id <= session.sent_before_settings_ &&
                                    session.streams_before_settings_ > nghttp2_session_get_remote_settings(
                                                                           ng, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
        if (!over_its_limit) session.usable_ = false;
        session.end_stream(*s, error(codes::http2, "the server refused the stream (REFUSED_STREAM)"), true);
      } else if (code == NGHTTP2_NO_ERROR) {
        session.end_stream(*s, error(codes::http2, s->final_response ? "the stream was reset before its response ended"
                                                                     : "the stream ended without a response"));
      } else {
        session.end_stream(
            *s, error(codes::http2, std::string("the stream was reset (") + nghttp2_http2_strerror(code) + ")"));
      }
    }
    session.streams_.erase(id);
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, nghttp2_frame const* frame, void* user_data) {
    auto& session = of(user_data);
    if (frame->hd.type == NGHTTP2_SETTINGS && (frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) session.settings_came_ = true;
    if ((frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
      if (auto* s = session.stream(frame->hd.stream_id)) s->end_stream_seen = true;
      return 0;
    }
    if (frame->hd.type != NGHTTP2_GOAWAY) return 0;
    session.usable_ = false;  // the streams it names go on
    session.goaway_came_ = true;
    if (frame->goaway.error_code != NGHTTP2_NO_ERROR && session.last_problem_.empty()) {
      session.last_problem_ =
          std::string("the server sent GOAWAY with ") + nghttp2_http2_strerror(frame->goaway.error_code);
    }
    return 0;
  }

  // nghttp2 ends a connection the server broke with a GOAWAY of ours, whose debug data says why.
  static int on_frame_send(nghttp2_session*, nghttp2_frame const* frame, void* user_data) {
    auto& session = of(user_data);
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      if (auto* s = session.stream(frame->hd.stream_id)) s->headers_sent = true;
      if (!session.settings_came_) {
        session.sent_before_settings_ = std::max(session.sent_before_settings_, frame->hd.stream_id);
        ++session.streams_before_settings_;
      }
    }
    if (frame->hd.type != NGHTTP2_GOAWAY || frame->goaway.error_code == NGHTTP2_NO_ERROR) return 0;
    std::string why = std::string("the server broke HTTP/2: ") + nghttp2_http2_strerror(frame->goaway.error_code);
    if (frame->goaway.opaque_data_len > 0) {
      why += " (";
      why.append(reinterpret_cast<char const*>(frame->goaway.opaque_data),
                 std::min<std::size_t>(frame->goaway.opaque_data_len, 200));
      why += ")";
    }
    session.last_problem_ = std::move(why);
    return 0;
  }

  // A request that never left: the server had sent GOAWAY, or the connection was going.
  static int on_frame_not_send(nghttp2_session*, nghttp2_frame const* frame, int lib_error, void* user_data) {
    auto& session = of(user_data);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    auto* s = session.stream(frame->hd.stream_id);
    // Not allowed: the server had sent GOAWAY, and another connection takes it. Anything else (a header block
    // nghttp2 cannot send) would fail there too.
    bool const going_away = lib_error == NGHTTP2_ERR_START_STREAM_NOT_ALLOWED;
    if (going_away) session.usable_ = false;
    if (s != nullptr && !s->done) {
      session.end_stream(
          *s, error(codes::http2, std::string("the request could not be sent: ") + nghttp2_strerror(lib_error)),
          going_away);
    }
    session.streams_.erase(frame->hd.stream_id);
    return 0;
  }

  // Looked up by id, not through the data source: a stream whose request stopped waiting is gone from the
  // session, and its reset follows.
  static ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source*, void* user_data) {
    auto* s = of(user_data).stream(id);
    if (s == nullptr) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    auto const n = std::min(length, s->body.size() - s->body_sent);
    std::memcpy(buf, s->body.data() + s->body_sent, n);
    s->body_sent += n;
    if (s->body_sent == s->body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static int on_error(nghttp2_session*, int, char const* message, std::size_t size, void* user_data) {
    auto& problem = of(user_data).last_problem_;
    if (problem.empty()) problem.assign(message, std::min<std::size_t>(size, 200));
    return 0;
  }
};

namespace {
// No exception may cross nghttp2's C frames (a std::bad_alloc building a message): it fails the session instead.
template <auto Callback, class Result, class... Args>
Result guarded(Args... args) noexcept {
  try {
    return Callback(args...);
  } catch (...) {
    return NGHTTP2_ERR_CALLBACK_FAILURE;
  }
}
template <auto Callback, class Result, class... Args>
constexpr auto guard(Result (*)(Args...)) {
  return &guarded<Callback, Result, Args...>;
}
}  // namespace

void h2_session::callbacks::install(nghttp2_session_callbacks* cbs) {
  using b = callback_bodies;
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, guard<b::on_begin_headers>(b::on_begin_headers));
  nghttp2_session_callbacks_set_on_header_callback(cbs, guard<b::on_header>(b::on_header));
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, guard<b::on_data>(b::on_data));
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, guard<b::on_stream_close>(b::on_stream_close));
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, guard<b::on_frame_recv>(b::on_frame_recv));
  nghttp2_session_callbacks_set_on_frame_send_callback(cbs, guard<b::on_frame_send>(b::on_frame_send));
  nghttp2_session_callbacks_set_on_frame_not_send_callback(cbs, guard<b::on_frame_not_send>(b::on_frame_not_send));
  nghttp2_session_callbacks_set_error_callback2(cbs, guard<b::on_error>(b::on_error));
}

ssize_t h2_session::callbacks::read_body(nghttp2_session* ng, std::int32_t id, std::uint8_t* buf, std::size_t length,
                                         std::uint32_t* flags, nghttp2_data_source* source, void* user_data) {
  return guarded<callback_bodies::read_body, ssize_t>(ng, id, buf, length, flags, source, user_data);
}

}  // namespace candar::detail
