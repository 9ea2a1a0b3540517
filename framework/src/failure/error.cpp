#include "candar/failure/error.hpp"

#include <algorithm>
#include <boost/asio/error.hpp>

#include "candar/failure/codes.hpp"
#include "utf8_text.hpp"

namespace candar {

namespace {
// Messages quote what webapps send: at most this many bytes of valid UTF-8 reach a result, a log or a report.
constexpr std::size_t max_message_bytes = 512;
constexpr std::size_t max_code_bytes = 128;
}  // namespace

error::error(std::string_view code, std::string_view message, source_location where)
    : chain_{frame{detail::message_text(code, max_code_bytes), where}},
      message_(detail::message_text(message, max_message_bytes)) {}

std::string_view error::code_of(std::error_code ec) noexcept {
  namespace ae = boost::asio::error;
  if (ec == std::errc::timed_out || ec == make_error_code(ae::timed_out)) return codes::timeout;
  if (ec == std::errc::operation_canceled || ec == make_error_code(ae::operation_aborted)) return codes::canceled;
  if (ec == std::errc::connection_refused || ec == std::errc::connection_reset || ec == std::errc::connection_aborted ||
      ec == std::errc::not_connected || ec == std::errc::broken_pipe || ec == std::errc::host_unreachable ||
      ec == std::errc::network_unreachable || ec == make_error_code(ae::eof) ||
      ec == make_error_code(ae::connection_refused) || ec == make_error_code(ae::connection_reset) ||
      ec == make_error_code(ae::connection_aborted) || ec == make_error_code(ae::broken_pipe) ||
      ec == make_error_code(ae::host_not_found)) {
    return codes::connection;
  }
  return codes::io;
}

error error::from(std::error_code ec, source_location where) { return error(code_of(ec), ec.message(), where); }

error error::wrap(std::string_view code, source_location where) && {
  chain_.insert(chain_.begin(), frame{detail::message_text(code, max_code_bytes), where});
  return std::move(*this);
}

error error::wrap(std::string_view code, source_location where) const& {
  error copy = *this;
  return std::move(copy).wrap(code, where);
}

bool error::has(std::string_view code) const noexcept {
  return std::any_of(chain_.begin(), chain_.end(), [&](frame const& f) { return f.code == code; });
}

std::string error::summary() const {
  std::string out;
  for (auto const& f : chain_) {
    if (!out.empty()) out += " > ";
    out += f.code;
  }
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  if (!trace_.empty()) {
    out += " (trace ";
    out += trace_.trace_id;
    if (!trace_.span_id.empty()) {
      out += " span ";
      out += trace_.span_id;
    }
    out += ')';
  }
  return out;
}

std::string error::trace() const {
  std::string out = summary();
  for (auto const& f : chain_) {
    out += "\n  ";
    out += f.code;
    out += " at ";
    out += f.where.file_name();
    out += ':';
    out += std::to_string(f.where.line());
    out += " (";
    out += f.where.function_name();
    out += ')';
  }
  return out;
}

}  // namespace candar
