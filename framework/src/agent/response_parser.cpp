#include "response_parser.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "text.hpp"

namespace candar::detail {

response_parser::response_parser(response& to, response_limits limits, bool head) noexcept
    : to_(to), limits_(limits), head_(head) {}

void response_parser::fail(failure why, std::string message) {
  state_ = state::failed;
  failure_ = why;
  message_ = std::move(message);
}

std::size_t response_parser::feed(std::string_view in) {
  if (!in.empty()) started_ = true;
  std::size_t used = 0;
  while (used < in.size() && state_ != state::done && state_ != state::failed) {
    auto const rest = in.substr(used);
    switch (state_) {
      case state::header:
        used += feed_header(rest);
        break;
      case state::body_length:
      case state::chunk_data: {
        auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(length_, rest.size()));
        to_.body.append(rest.data(), n);
        length_ -= n;
        used += n;
        if (length_ == 0) state_ = state_ == state::body_length ? state::done : state::chunk_end;
        break;
      }
      case state::body_to_close:
        if (to_.body.size() + rest.size() > limits_.max_body_bytes) {
          fail(failure::body_too_large,
               "response body over the limit of " + std::to_string(limits_.max_body_bytes) + " bytes");
          return in.size();
        }
        to_.body.append(rest);
        used = in.size();
        break;
      case state::chunk_size:
      case state::chunk_end:
      case state::trailers:
        used += feed_line_state(rest);
        break;
      case state::done:
      case state::failed:
        break;
    }
  }
  return used;
}

void response_parser::reset_framing() noexcept {
  has_length_ = chunked_ = has_transfer_encoding_ = connection_close_ = connection_keep_alive_ = false;
  has_set_cookie_ = has_content_encoding_ = false;
  length_ = 0;
}

void response_parser::after_header() {
  if (to_.status >= 100 && to_.status < 200 && to_.status != 101) {
    to_.headers.clear();  // an interim response (100 Continue, 103 Early Hints): the real one follows
  } else {
    start_body();
  }
}

void response_parser::start_body() {
  keep_alive_ = http10_ ? connection_keep_alive_ && !connection_close_ : !connection_close_;
  if (to_.status == 101) {  // Switching Protocols: what follows is no longer HTTP
    keep_alive_ = false;
    state_ = state::done;
    return;
  }
  if (head_ || to_.status == 204 || to_.status == 304) {
    state_ = state::done;
    return;
  }
  if (has_transfer_encoding_) {
    if (has_length_) keep_alive_ = false;  // RFC 9112 6.3: Transfer-Encoding wins, and the connection must close
    if (chunked_) {
      state_ = state::chunk_size;
    } else {
      keep_alive_ = false;
      state_ = state::body_to_close;
    }
    return;
  }
  if (has_length_) {
    if (length_ > limits_.max_body_bytes) {
      fail(failure::body_too_large, "response body of " + std::to_string(length_) + " bytes, over the limit of " +
                                        std::to_string(limits_.max_body_bytes));
      return;
    }
    // Up to 1 MiB up front: the declared length is the server's word, and a server that declares a large body
    // and sends none would otherwise make every request hold (and, under a sanitizer, touch) that much memory.
    to_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(length_, 1U << 20)));
    state_ = length_ == 0 ? state::done : state::body_length;
    return;
  }
  keep_alive_ = false;  // no length: the body runs until the server closes
  state_ = state::body_to_close;
}

bool response_parser::take_line(std::string_view in, std::size_t& used, std::string_view& line) {
  auto const* nl = static_cast<char const*>(std::memchr(in.data(), '\n', in.size()));
  auto const length = nl == nullptr ? in.size() : static_cast<std::size_t>(nl - in.data());
  if (pending_.size() + length > limits_.max_header_bytes) {
    used = in.size();
    fail(failure::malformed,
         "a chunk-size or trailer line longer than " + std::to_string(limits_.max_header_bytes) + " bytes");
    return false;
  }
  if (nl == nullptr) {
    used = in.size();
    pending_.append(in);
    return false;
  }
  used = length + 1;
  if (pending_.empty()) {
    line = in.substr(0, length);
  } else {
    pending_.append(in.data(), length);
    line = pending_;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

std::size_t response_parser::feed_line_state(std::string_view in) {
  std::size_t used = 0;
  std::string_view line;
  if (!take_line(in, used, line)) return used;
  switch (state_) {
    case state::chunk_size: {
      std::uint64_t size = 0;
      std::size_t i = 0;
      for (; i < line.size() && hex_digit_value(line[i]) >= 0; ++i) {
        if (i == 15) {
          fail(failure::malformed, "chunk size too large " + quoted_line(line));
          return used;
        }
        size = size * 16 + static_cast<std::uint64_t>(hex_digit_value(line[i]));
      }
      auto const rest = trim_ows(line.substr(i));
      if (i == 0 || (!rest.empty() && rest.front() != ';')) {  // after ';' come chunk extensions, ignored
        fail(failure::malformed, "bad chunk size " + quoted_line(line));
        return used;
      }
      if (size == 0) {
        state_ = state::trailers;
        trailer_bytes_ = 0;
      } else if (to_.body.size() + size > limits_.max_body_bytes) {
        fail(failure::body_too_large,
             "response body over the limit of " + std::to_string(limits_.max_body_bytes) + " bytes");
        return used;
      } else {
        length_ = size;
        state_ = state::chunk_data;
      }
      break;
    }
    case state::chunk_end:
      if (!line.empty()) {
        fail(failure::malformed, "chunk data longer than its chunk size");
        return used;
      }
      state_ = state::chunk_size;
      break;
    case state::trailers:  // trailer fields are read past, not kept: nothing the agent uses may come late
      trailer_bytes_ += line.size() + 2;
      if (trailer_bytes_ > limits_.max_header_bytes) {
        fail(failure::header_too_large,
             "response trailers over the limit of " + std::to_string(limits_.max_header_bytes) + " bytes");
        return used;
      }
      if (line.empty()) state_ = state::done;
      break;
    default:
      break;
  }
  pending_.clear();
  return used;
}

void response_parser::end_of_stream() {
  if (state_ == state::body_to_close) {
    state_ = state::done;
    return;
  }
  if (state_ == state::done || state_ == state::failed) return;
  fail(failure::truncated, started_ ? "the server closed the connection in the middle of the response"
                                    : "the server closed the connection without a response");
}

}  // namespace candar::detail
