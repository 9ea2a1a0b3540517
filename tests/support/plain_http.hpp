#pragma once
// One HTTP/1.1 exchange over a fresh connection to 127.0.0.1, blocking, each read bounded by `patience`: how a
// test asks a local server (a Prometheus, a /metrics page) without an agent. The answer is read to the close.
#include <chrono>
#include <cstdint>
#include <string>

namespace candar::test {

struct plain_answer {
  int status = 0;  // 0: no answer (refused, reset, timed out)
  std::string head;
  std::string body;
};

plain_answer plain_exchange(std::uint16_t port, std::string const& request,
                            std::chrono::milliseconds patience = std::chrono::seconds(10));
// GET `target` with Connection: close.
plain_answer plain_get(std::uint16_t port, std::string const& target,
                       std::chrono::milliseconds patience = std::chrono::seconds(10));
// `text` percent-encoded for a query string.
std::string query_encoded(std::string const& text);

}  // namespace candar::test
