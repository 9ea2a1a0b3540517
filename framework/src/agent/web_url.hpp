#pragma once
// A URL as a browser reads and spells it: the WHATWG URL standard's parser for http and https (what an agent
// can fetch), with Chromium's percent-encode sets, so that a page's references and a scenario's targets go
// on the wire as Chromium would send them (scripts/compare-chromium.sh, scripts/chromium-pages/urls.html).
//
// What that means, unlike an RFC 3986 parser (Boost.URL's resolve() decodes %41 to A and even %2F to /):
//   - escapes already in the input are kept as written (%2f stays %2f, %c3%A9 keeps its case, a stray % too);
//   - what may not appear raw is percent-encoded as UTF-8: in a path C0 controls, space " # < > ? ` { } ^ |
//     DEL and non-ASCII; in a query C0 controls, space " # < > ' DEL and non-ASCII;
//   - tabs and newlines anywhere are removed, leading and trailing spaces and controls trimmed;
//   - backslashes are slashes (outside the query), the scheme and host are lowercased, the scheme's default
//     port dropped, "." and ".." segments (also spelled %2e) resolved, IPv4 in any form a browser accepts
//     (127.1, 0x7f.0.0.1) written dotted, IPv6 compressed;
//   - the fragment is not kept: it never goes on the wire.
// Left out: internationalized domain names (a non-ASCII host is refused, not converted to punycode), URLs
// with credentials (refused, as Chromium blocks them for sub-resources), and schemes other than http(s).
#include <cstdint>
#include <string>
#include <string_view>

#include "candar/failure/expected.hpp"

namespace candar::detail {

class web_url {
 public:
  // `input` read against `base` (null: `input` must be absolute), as a browser resolves an href. The error
  // (code url) says why it is not a URL the agent can fetch.
  static expected<web_url> parse(std::string_view input, web_url const* base = nullptr);

  [[nodiscard]] std::string const& href() const noexcept { return href_; }  // the whole URL, no fragment
  [[nodiscard]] std::string_view scheme() const noexcept { return std::string_view(href_).substr(0, scheme_end_); }
  [[nodiscard]] bool https() const noexcept { return scheme() == "https"; }
  // As written in the URL: "example.com", "127.0.0.1", "[::1]".
  [[nodiscard]] std::string_view host() const noexcept {
    return std::string_view(href_).substr(host_at_, host_end_ - host_at_);
  }
  // "" when it is the scheme's default.
  [[nodiscard]] std::string_view port() const noexcept;
  [[nodiscard]] std::uint16_t port_number() const noexcept;
  // Path and query: the request-target of an HTTP/1.1 request.
  [[nodiscard]] std::string_view target() const noexcept { return std::string_view(href_).substr(path_at_); }
  [[nodiscard]] std::string_view path() const noexcept {
    return std::string_view(href_).substr(path_at_, query_at_ - path_at_);
  }
  [[nodiscard]] bool same_origin(web_url const& other) const noexcept {
    return std::string_view(href_).substr(0, path_at_) == std::string_view(other.href_).substr(0, other.path_at_);
  }

 private:
  std::string href_;
  std::size_t scheme_end_ = 0;  // "http"
  std::size_t host_at_ = 0, host_end_ = 0;
  std::size_t path_at_ = 0;   // the path's "/"
  std::size_t query_at_ = 0;  // its "?", or the end
};

}  // namespace candar::detail
