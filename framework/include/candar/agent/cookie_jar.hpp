#pragma once
// An RFC 6265 cookie jar for one agent: domain and path matching, host-only cookies, Secure, Expires and
// Max-Age, deletion by expiry. A cookie whose Domain is another site or a public suffix (".com", ".co.jp",
// by the Public Suffix List through libpsl) is never stored. From RFC 6265bis, as browsers behave today:
// nameless cookies ("Set-Cookie: token"), name + value at most 4096 bytes, attribute values at most 1024, and
// limits on how many cookies one domain and the jar hold (Chromium's: 180 and 3300; the oldest go first).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace candar {

struct cookie {
  std::string name{};
  std::string value{};
  std::string domain{};  // lowercase, no leading dot
  std::string path{};
  bool host_only = true;
  bool secure = false;
  bool http_only = false;
  std::optional<std::chrono::system_clock::time_point> expires{};  // none: a session cookie
  std::chrono::system_clock::time_point created{};
};

class cookie_jar {
 public:
  using time_point = std::chrono::system_clock::time_point;
  static constexpr std::size_t max_name_value_bytes = 4096;
  static constexpr std::size_t max_attribute_value_bytes = 1024;
  static constexpr std::size_t max_cookies_per_domain = 180;
  static constexpr std::size_t max_cookies = 3300;

  // Takes one Set-Cookie header value received from `host` for `request_path`. False when it was ignored
  // (malformed, another site's or a public suffix's domain) or when it only deleted a cookie.
  bool store(std::string_view set_cookie, std::string_view host, std::string_view request_path, bool over_https,
             time_point now = std::chrono::system_clock::now());

  // The Cookie header value for a request, "" when no cookie applies: longer paths first, then older.
  [[nodiscard]] std::string header_for(std::string_view host, std::string_view path, bool over_https,
                                       time_point now = std::chrono::system_clock::now());

  [[nodiscard]] std::vector<cookie> const& all() const noexcept { return cookies_; }
  [[nodiscard]] std::size_t size() const noexcept { return cookies_.size(); }
  void clear() noexcept { cookies_.clear(); }

 private:
  void drop_expired(time_point now);
  void enforce_limits(std::string const& domain, time_point now);
  std::vector<cookie> cookies_;
};

// Parses an RFC 6265 cookie date ("Wed, 21 Oct 2015 07:28:00 GMT" and the variants section 5.1.1 accepts).
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_cookie_date(std::string_view text);

}  // namespace candar
