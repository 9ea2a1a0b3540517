#pragma once
// The exchanges that led to a request, kept with --har (candar::record_exchanges_this_run): each request and
// response of a user's flow as it went over the wire, bounded, so that an error can show the whole flow that
// led to it. A flow's history is shared, not copied: each response and error holds the newest node, which
// points to those before it.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candar {

struct recorded_exchange {
  // What one may keep of a body (request or response): past it, the rest is only counted.
  static constexpr std::size_t max_body_bytes = 16 * 1024;

  std::string started;  // RFC 3339 UTC with milliseconds
  std::string method;
  std::string url;                                                   // at most max_body_bytes
  std::string http_version;                                          // "HTTP/1.1", "HTTP/2"
  std::vector<std::pair<std::string, std::string>> request_headers;  // as sent, up to max_body_bytes of them
  bool request_headers_cut = false;
  std::string request_body;  // at most max_body_bytes
  std::size_t request_body_size = 0;
  int status = 0;                                                     // 0: no response (the error says why)
  std::vector<std::pair<std::string, std::string>> response_headers;  // up to max_body_bytes of them
  bool response_headers_cut = false;
  std::string response_body;  // decoded, at most max_body_bytes
  std::size_t response_body_size = 0;
  double connect_ms = -1;  // -1: a reused connection
  double wait_ms = 0;      // until the first byte of the response
  double receive_ms = 0;   // from the first byte to the last
  std::string connection;  // which connection carried it (an id, the same for each request on it)
  std::string cache;       // "" from the network, "hit" served by the agent's cache, "revalidated" after a 304
  std::string error;       // the error's summary when this exchange ended in one
};

class exchange_history {
 public:
  // A flow keeps at most this many of its latest exchanges (an agent holds at most half as many again: about
  // 1.2 MB for 24 exchanges of 16 KiB bodies and headers each way).
  static constexpr std::size_t kept = 16;

  // The history after `e`, the newest: `before` may be null (the flow's first).
  [[nodiscard]] static std::shared_ptr<exchange_history const> after(std::shared_ptr<exchange_history const> before,
                                                                     recorded_exchange e);
  // Oldest first, at most `kept`.
  [[nodiscard]] std::vector<std::shared_ptr<recorded_exchange const>> in_order() const;
  [[nodiscard]] recorded_exchange const& newest() const noexcept { return *exchange_; }

  exchange_history(std::shared_ptr<recorded_exchange const> e, std::shared_ptr<exchange_history const> previous,
                   std::size_t depth)
      : exchange_(std::move(e)), previous_(std::move(previous)), depth_(depth) {}

 private:
  std::shared_ptr<recorded_exchange const> exchange_;
  std::shared_ptr<exchange_history const> previous_;
  std::size_t depth_;  // how many nodes this chain has, up to here
};

// A body as kept in an exchange: at most max_body_bytes, not cut inside a UTF-8 character.
[[nodiscard]] std::string kept_body(std::string_view body);

}  // namespace candar
