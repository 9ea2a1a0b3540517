#pragma once
// What a request brought back: status, headers, the body, and when each part arrived.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "candar/agent/header_fields.hpp"
#include "candar/failure/trace_ids.hpp"

namespace candar {

struct timings {
  std::chrono::steady_clock::duration connect{};     // zero on a reused connection
  std::chrono::steady_clock::duration first_byte{};  // from the start until the response's first bytes came
  std::chrono::steady_clock::duration total{};       // until its last bytes came (a cache hit: until served)
};

// Where a response came from.
enum class cache_use : std::uint8_t {
  network,      // a full response from the server
  hit,          // served from the agent's cache with no request at all
  revalidated,  // the server answered 304 to a conditional request; the body is the cached one
};

// Which protocol carried a response.
enum class http_protocol : std::uint8_t { http1_1, h2 };

struct response {
  int status = 0;
  header_fields headers{};  // in the order received
  std::string body{};
  timings time{};
  bool reused_connection = false;
  http_protocol protocol = http_protocol::http1_1;  // a cache hit: that of the response stored
  cache_use cache = cache_use::network;
  std::string url{};  // the absolute URL that was requested
  trace_ids trace{};  // the traceparent it went out with (agent_options::trace); empty when untraced

  // The first header of that name, matched case-insensitively.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  // Every header of that name (e.g. Set-Cookie).
  [[nodiscard]] std::vector<std::string_view> headers_named(std::string_view name) const;
};

}  // namespace candar
