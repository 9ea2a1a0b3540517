#pragma once
// A browser's private HTTP cache for one agent (RFC 9111): GET only; not for requests carrying Authorization;
// any understood status with explicit freshness, the heuristically cacheable ones without; Cache-Control
// (max-age, no-store, no-cache, must-revalidate, must-understand, stale-while-revalidate; the request's max-age
// and no-cache too), Expires, Date and Age (strict HTTP-dates and delta-seconds); heuristic freshness from
// Last-Modified as browsers do (a tenth of the age); ETag / Last-Modified validators for conditional
// revalidation; Vary (of two request fields of one name, the later, as the agent sends it); hop-by-hop fields
// not stored; invalidation after an unsafe request (the agent calls invalidate()). Pure: times are passed in,
// so the rules are tested with exact clocks. Not implemented: ranges, stale-if-error.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "candar/agent/response.hpp"

namespace candar {

class http_cache {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using header_list = std::vector<std::pair<std::string, std::string>>;

  explicit http_cache(std::size_t max_bytes = 32 * 1024 * 1024) : max_bytes_(max_bytes) {}

  struct lookup_result {
    enum class kind { miss, fresh, stale };
    kind what = kind::miss;
    std::optional<response> stored{};   // fresh: the response to serve
    header_list conditional_headers{};  // stale (or fresh to revalidate): If-None-Match / If-Modified-Since to send
    // fresh, but only by stale-while-revalidate: serve it, and revalidate in the background.
    bool revalidate_in_background = false;
  };

  // What the cache can do for a GET of `url` with `request_headers`.
  [[nodiscard]] lookup_result lookup(std::string const& url, header_list const& request_headers, time_point now);

  // Stores `res` if the rules allow; `requested`/`received` bracket the exchange (for the age calculation).
  bool store(std::string const& url, header_list const& request_headers, response const& res, time_point requested,
             time_point received);

  // A 304 for a stale entry: refreshes the stored headers and returns the stored response (its status and body).
  [[nodiscard]] std::optional<response> revalidated(std::string const& url, response const& not_modified,
                                                    time_point requested, time_point received);

  // RFC 9111 4.4: a successful unsafe request (POST, PUT, DELETE, ...) to `url` makes what is stored for it
  // unusable; the agent calls this for the target and for its Location and Content-Location (same origin).
  void invalidate(std::string const& url);

  void clear() noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

 private:
  // The stored form of a response: every header in one length-prefixed string, the URL only as the key.
  // Ten thousand agents each holding a few entries made per-header strings the largest part of their memory;
  // then the bodies and headers themselves, identical across agents: both are shared (immutable) texts.
  struct packed_response {
    int status = 0;
    http_protocol protocol = http_protocol::http1_1;
    std::shared_ptr<std::string const> headers{};
    std::shared_ptr<std::string const> body{};
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
    [[nodiscard]] std::vector<std::string_view> headers_named(std::string_view name) const;
    [[nodiscard]] header_fields unpacked_headers() const;
    static packed_response pack(response const& r);
    [[nodiscard]] response unpack(std::string const& url) const;
  };
  struct entry {
    packed_response res{};
    header_list vary{};  // request header values the response varies on
    time_point requested{};
    time_point received{};
    std::list<std::string const*>::iterator lru{};
  };
  static std::size_t size_of(packed_response const& r);
  void erase(std::map<std::string, entry>::iterator it);

  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::map<std::string, entry> entries_;
  std::list<std::string const*> lru_;  // the entries' keys (map nodes do not move); front: most recently used
};

}  // namespace candar
