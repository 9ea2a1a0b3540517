#include "candar/context/stop_error.hpp"

#include <boost/asio/error.hpp>

namespace candar {

error stop_error(context const& ctx, std::error_code ec, source_location where) {
  auto const reason = ctx.reason();
  if (reason != stop_reason::none && ec == make_error_code(boost::asio::error::operation_aborted)) {
    return error(to_code(reason), reason == stop_reason::timeout ? "the deadline passed" : "canceled", where);
  }
  return error::from(ec, where);
}

}  // namespace candar
