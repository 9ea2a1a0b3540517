#include "connection.hpp"

#include <boost/asio/write.hpp>

#include "deadline_watch.hpp"

namespace candar::detail {

namespace asio = boost::asio;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

connection::~connection() {
  if (watch_ != nullptr) watch_->unwatch(*this);
}

asio::ssl::stream<connection::tcp::socket>& connection::start_tls(asio::ssl::context& context) {
  tls_ = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(plain_), context);
  return *tls_;
}

void connection::connected() {
  error_code ignored;  // a failure here only costs latency (Nagle) or an asynchronous write (non-blocking)
  socket().set_option(tcp::no_delay(true), ignored);
  socket().non_blocking(true, ignored);
}

void connection::cut_off() noexcept {
  timed_out_ = true;
  // Closed, not cancelled: a cancel reaches only an operation waiting in the reactor. A read whose completion
  // is already queued (data came as the deadline passed, or a fast sender keeps the socket always readable)
  // would escape it, and the reads after it would run with no deadline at all; async_connect would go on to
  // the next address. On a closed socket every operation, pending or next, ends at once.
  error_code ignored;  // nothing to learn: the operations end with an error either way
  socket().close(ignored);
}

connection::io_result connection::write_now(std::string_view bytes) {
  if (tls_) return {error_code{}, 0};
  error_code ec;
  auto const n = plain_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return {error_code{}, 0};
  return {ec, n};
}

asio::awaitable<connection::io_result> connection::write(std::string_view bytes) {
  auto const buffer = asio::buffer(bytes.data(), bytes.size());
  if (tls_) return asio::async_write(*tls_, buffer, use_tuple);
  return asio::async_write(plain_, buffer, use_tuple);
}

asio::awaitable<connection::io_result> connection::read_some(asio::mutable_buffer into) {
  if (tls_) return tls_->async_read_some(into, use_tuple);
  return plain_.async_read_some(into, use_tuple);
}

void connection::close() noexcept {
  error_code ignored;  // closing a socket that may have failed already: nothing to learn from its error
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
  if (watch_ != nullptr) watch_->unwatch(*this);
}

}  // namespace candar::detail
