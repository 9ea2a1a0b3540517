#pragma once
// A small authoritative DNS server for tests, on UDP 127.0.0.1 and a free port, on its own thread: it answers
// A queries for the names it was given (with their TTL), AAAA queries with no record, anything else with
// NXDOMAIN; or, made silent, never answers at all. It counts the queries it gets.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace candar::test {

class dns_server {
 public:
  struct record {
    std::string ipv4;        // "127.0.0.1"
    std::uint32_t ttl = 60;  // seconds
  };
  enum class behaviour { answer, silent };

  explicit dns_server(std::map<std::string, record> names, behaviour b = behaviour::answer);
  ~dns_server();
  dns_server(dns_server const&) = delete;
  dns_server& operator=(dns_server const&) = delete;

  [[nodiscard]] std::string address() const;             // "127.0.0.1:PORT", as name_resolution::servers takes it
  [[nodiscard]] std::size_t queries() const noexcept;    // every query received
  [[nodiscard]] std::size_t a_queries() const noexcept;  // the A (IPv4) ones

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace candar::test
