#pragma once
// Error codes the agent gives, beside the framework's timeout / canceled / connection.
#include <string_view>

namespace candar::codes {
inline constexpr std::string_view http_parse = "http-parse";  // the response was not valid HTTP/1.1
inline constexpr std::string_view too_large = "too-large";    // a header or body limit was passed
inline constexpr std::string_view url = "url";                // the target could not be made into a URL
inline constexpr std::string_view tls = "tls";
inline constexpr std::string_view redirect = "redirect";  // more redirects than max_redirects
inline constexpr std::string_view decompress = "decompress";  // a Content-Encoding the agent could not undo
inline constexpr std::string_view http2 = "http2";  // the server broke HTTP/2, or reset or refused the stream
}  // namespace candar::codes
