#pragma once
// Text from a webapp (a body, a header value, a URL) on its way into an error message, a log line or a JSON
// result: valid UTF-8 and bounded, whatever bytes the webapp sent. nlohmann's strict dump() throws on one bad
// byte, so a Latin-1 header quoted in a message would otherwise lose the whole result.
#include <cstddef>
#include <string>
#include <string_view>

namespace candar::detail {

// `text` with each byte that does not start or continue a valid UTF-8 sequence (overlong forms, surrogates and
// code points above U+10FFFF included) replaced by U+FFFD, as a browser's decoder does.
[[nodiscard]] std::string valid_utf8(std::string_view text);

// At most `max_bytes` of valid UTF-8 `text`, cut on a character boundary, ending with "…" when cut.
[[nodiscard]] std::string utf8_prefix(std::string_view text, std::size_t max_bytes);

// Both: raw bytes made valid and bounded for a message ("…" when cut).
[[nodiscard]] std::string message_text(std::string_view raw, std::size_t max_bytes);

}  // namespace candar::detail
