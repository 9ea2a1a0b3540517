#pragma once
// RFC 9110 5.6.7 HTTP-date, as a cache reads Date, Expires and Last-Modified: IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT") and the two obsolete forms a recipient must accept, rfc850
// ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994"). Anything else is not a date:
// the cache then treats an Expires as already past (RFC 9111 5.3). Cookies have their own, lenient, parser.
#include <chrono>
#include <optional>
#include <string_view>

namespace candar::detail {

// `now` is for rfc850's two-digit year: one that looks more than 50 years in the future is in the past.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_http_date(
    std::string_view text, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace candar::detail
