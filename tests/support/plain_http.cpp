#include "support/plain_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>

#include <fmt/format.h>

namespace candar::test {

plain_answer plain_exchange(std::uint16_t port, std::string const& request, std::chrono::milliseconds patience) {
  plain_answer out;
  int const fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return out;
  timeval tv{.tv_sec = static_cast<time_t>(patience.count() / 1000),
             .tv_usec = static_cast<suseconds_t>((patience.count() % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(port);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw;
  if (connect(fd, reinterpret_cast<sockaddr const*>(&at), sizeof at) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buf[16384];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) raw.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  auto const end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.") || end == std::string::npos || raw.size() < 12) return out;
  out.status = std::stoi(raw.substr(9, 3));
  out.head = raw.substr(0, end);
  out.body = raw.substr(end + 4);
  return out;
}

plain_answer plain_get(std::uint16_t port, std::string const& target, std::chrono::milliseconds patience) {
  return plain_exchange(
      port, fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", target, port), patience);
}

std::string query_encoded(std::string const& text) {
  std::string out;
  for (char const ch : text) {
    auto const c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned>(c));
    }
  }
  return out;
}

}  // namespace candar::test
