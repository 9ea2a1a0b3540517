#include "connection.hpp"

#include <boost/asio/write.hpp>

namespace candar::detail {

namespace asio = boost::asio;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

connection::connection(asio::any_io_executor const& ex) : plain_(ex), timer_(ex) {}

asio::ssl::stream<connection::tcp::socket>& connection::start_tls(asio::ssl::context& context) {
  tls_.emplace(std::move(plain_), context);
  return *tls_;
}

void connection::connected() {
  error_code ignored;  // a failure here only costs latency (Nagle) or an asynchronous write (non-blocking)
  socket().set_option(tcp::no_delay(true), ignored);
  socket().non_blocking(true, ignored);
}

void connection::watch(clock_type::time_point deadline) {
  deadline_ = deadline;
  busy_ = true;
  timed_out_ = false;
  if (armed_for_ <= deadline) return;  // the timer fires first and then moves on to this deadline
  arm(deadline);
}

void connection::arm(clock_type::time_point at) {
  armed_for_ = at;
  timer_.expires_at(at);  // a wait already pending ends with operation_aborted
  timer_.async_wait([self = weak_from_this()](error_code ec) {
    if (ec) return;  // moved, or the connection closed
    if (auto c = self.lock()) c->on_timer();
  });
}

void connection::on_timer() {
  armed_for_ = clock_type::time_point::max();
  if (!busy_) return;
  if (clock_type::now() < deadline_) {
    arm(deadline_);
    return;
  }
  timed_out_ = true;
  error_code ignored;  // nothing to learn: the operations end with operation_aborted either way
  socket().cancel(ignored);
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
  timer_.cancel();
  armed_for_ = clock_type::time_point::max();
  busy_ = false;
}

}  // namespace candar::detail
