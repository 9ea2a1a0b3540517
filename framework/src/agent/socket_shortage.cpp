#include "socket_shortage.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "candar/failure/codes.hpp"

namespace candar::detail {

std::optional<error> socket_shortage(boost::asio::any_io_executor const& ex, boost::asio::ip::tcp protocol) {
  boost::asio::ip::tcp::socket probe(ex);
  boost::system::error_code ec;
  probe.open(protocol, ec);
  if (!ec) {
    probe.close(ec);
    return std::nullopt;
  }
  std::string hint;
  if (ec.value() == EMFILE) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      hint = " (its limit is " + std::to_string(limit.rlim_cur) +
             " open files: raise `ulimit -n`, or hold fewer connections)";
    }
  } else if (ec.value() == ENFILE) {
    hint = " (the system's limit of open files: fs.file-max)";
  }
  // strerror, not ec.message(), and no fmt (its buffer is virtual): with no descriptor free, a sanitizer's
  // check of a virtual call cannot read memory and fails.
  return error(codes::benchmarker,
               std::string("the benchmarker could not open a socket: ") + std::strerror(ec.value()) + hint);
}

}  // namespace candar::detail
