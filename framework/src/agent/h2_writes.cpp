// The session's write side: the frames nghttp2 queued, taken in batches of up to 64 KiB and written at once
// while the socket takes them, the rest by a writer coroutine of its own (a full socket, or TLS). One write is
// under way at a time; a failure ends the session with the connection's error.
#include <string>

#include <nghttp2/nghttp2.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "candar/failure/codes.hpp"
#include "h2_session.hpp"
#include "transport_errors.hpp"

namespace candar::detail {

namespace asio = boost::asio;

namespace {
constexpr std::size_t write_batch = 64 * 1024;
}  // namespace

void h2_session::flush_soon() {
  if (flush_posted_ || writing_ || closed_) return;
  flush_posted_ = true;
  asio::post(conn_->socket().get_executor(), [self = shared_from_this()]() noexcept {
    self->flush_posted_ = false;
    self->flush();
  });
}

void h2_session::flush() noexcept {
  try {
    flush_queued();
  } catch (std::exception const& e) {  // no memory for the batch
    close(std::string("the HTTP/2 connection failed: ") + e.what());
  }
}

void h2_session::flush_queued() {
  if (writing_ || closed_) return;
  for (;;) {
    if (pending_at_ == pending_.size()) {
      pending_.clear();
      pending_at_ = 0;
      while (pending_.size() < write_batch) {
        std::uint8_t const* data = nullptr;
        auto const n = nghttp2_session_mem_send(session_, &data);
        if (n < 0) {
          fail(error(codes::http2, std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n))));
          close();
          return;
        }
        if (n == 0) break;
        pending_.append(reinterpret_cast<char const*>(data), static_cast<std::size_t>(n));
      }
      if (pending_.empty()) {
        // A reset sent here may have ended the last stream of a forgotten session, a GOAWAY the session.
        if (!end_if_spent()) retire_if_done();
        return;
      }
    }
    auto [ec, sent] = conn_->write_now(std::string_view(pending_).substr(pending_at_));
    if (ec) {
      fail(failure_of(*conn_, ec));
      close();
      return;
    }
    pending_at_ += sent;
    if (pending_at_ < pending_.size()) {  // the socket is full, or TLS: the rest on a writer of its own
      writing_ = true;
      asio::co_spawn(
          conn_->socket().get_executor(), [self = shared_from_this()]() { return self->write_loop(); }, asio::detached);
      return;
    }
  }
}

asio::awaitable<void> h2_session::write_loop() {
  auto const self = shared_from_this();
  try {
    co_await write_until_drained();
  } catch (std::exception const& e) {
    writing_ = false;
    close(std::string("the HTTP/2 connection failed: ") + e.what());
  }
  if (closing_) {
    close();
  } else if (!end_if_spent()) {  // the GOAWAY that ends the session may have been the last frame written
    retire_if_done();
  }
}

asio::awaitable<void> h2_session::write_until_drained() {
  while (!closed_) {
    if (pending_at_ == pending_.size()) {
      pending_.clear();
      pending_at_ = 0;
      std::uint8_t const* data = nullptr;
      for (auto n = nghttp2_session_mem_send(session_, &data); n != 0; n = nghttp2_session_mem_send(session_, &data)) {
        if (n < 0) {
          writing_ = false;
          fail(error(codes::http2, std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n))));
          close();
          co_return;
        }
        pending_.append(reinterpret_cast<char const*>(data), static_cast<std::size_t>(n));
        if (pending_.size() >= write_batch) break;
      }
      if (pending_.empty()) break;
    }
    auto [ec, n] = co_await conn_->write(std::string_view(pending_).substr(pending_at_));
    if (ec) {
      writing_ = false;
      fail(failure_of(*conn_, ec));
      close();
      co_return;
    }
    pending_at_ += n;
  }
  writing_ = false;
}

}  // namespace candar::detail
