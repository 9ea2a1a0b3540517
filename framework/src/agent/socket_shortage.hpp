#pragma once
// When a connect fails because the benchmarker could not even open a socket (out of file descriptors), Asio's
// range connect reports only "operation aborted" (it finds the socket closed). This finds the real cause, as
// the benchmarker's own failure (codes::benchmarker), never the webapp's: "the benchmarker could not open a
// socket: Too many open files (its limit is 20000 open files: raise `ulimit -n`, or hold fewer connections)".
#include <optional>

#include <boost/asio/ip/tcp.hpp>

#include "candar/failure/error.hpp"

namespace candar::detail {

// Opens and closes a socket of `protocol` on `ex`: nullopt when that works (the failure was something else).
[[nodiscard]] std::optional<error> socket_shortage(boost::asio::any_io_executor const& ex,
                                                   boost::asio::ip::tcp protocol);

}  // namespace candar::detail
