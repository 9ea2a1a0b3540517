#pragma once
// How an agent turns a host name into the addresses it connects to. Whatever the way, the lookup runs under
// the request's deadline: a slow or silent DNS server costs a request its timeout ("the name ... was not
// resolved within the request's timeout"), never more, and never holds a phase past its end.
//
// Asked of DNS, answers are kept per event loop for their records' TTL, and the agents of a loop asking for
// the same name at once share one query (ten thousand users starting together send one, not ten thousand).
// IP literals (127.0.0.1, [::1]) are never looked up.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include "candar/failure/expected.hpp"

namespace candar {

struct name_resolution {
  using addresses = std::vector<boost::asio::ip::address>;

  // Fixed answers, as curl's --resolve or a line of /etc/hosts: {"isuchair.example", "127.0.0.1"}. Checked
  // first; the host name is matched without regard to case.
  std::vector<std::pair<std::string, std::string>> hosts{};
  // The DNS servers to ask, "ADDRESS" or "ADDRESS:PORT" ("127.0.0.1:1053", "[::1]:53"), as a contest whose
  // webapp runs its own DNS server needs. Empty: the system's (/etc/resolv.conf, and /etc/hosts first).
  std::vector<std::string> servers{};
  // Resolves it all yourself, as Go's DialContext lets you: given a host name, the addresses to try in order,
  // or an error. Still bounded by the request's deadline (a lookup left behind is abandoned, not waited for).
  // Set, it replaces the DNS lookup; `hosts` still comes first.
  std::function<boost::asio::awaitable<expected<addresses>>(std::string host)> custom{};
};

}  // namespace candar
