#pragma once
// Every error code candar gives, in one place. A contest defines its own codes as plain strings beside these.
#include <string_view>

namespace candar::codes {

// The run itself.
inline constexpr std::string_view timeout = "timeout";        // a deadline passed (phase, request, context)
inline constexpr std::string_view canceled = "canceled";      // someone stopped the work (step.cancel(), SIGINT)
inline constexpr std::string_view connection = "connection";  // refused, reset, unreachable, closed early
inline constexpr std::string_view panic = "panic";            // an exception escaped a step or an iteration
inline constexpr std::string_view io = "io";                  // any other system error
// The benchmarker itself ran out of something (file descriptors): never the webapp's doing. Such an error is
// counted under this code alone, deducts nothing, and makes the run invalid.
inline constexpr std::string_view benchmarker = "benchmarker";

// The agent: what went wrong getting a response.
inline constexpr std::string_view http_parse = "http-parse";  // the response was not valid HTTP/1.1
inline constexpr std::string_view too_large = "too-large";    // a header or body limit was passed
inline constexpr std::string_view url = "url";                // the target could not be made into a URL
inline constexpr std::string_view tls = "tls";
inline constexpr std::string_view redirect = "redirect";      // more redirects than max_redirects; a check's
                                                              // expect::redirect_to() that failed
inline constexpr std::string_view decompress = "decompress";  // a Content-Encoding the agent could not undo
inline constexpr std::string_view http2 = "http2";            // the server broke HTTP/2, or reset or refused the stream

// The response checks (candar/check/response_check.hpp): what a response had wrong.
inline constexpr std::string_view status = "status";
inline constexpr std::string_view header = "header";
inline constexpr std::string_view content_type = "content-type";
inline constexpr std::string_view json = "json";
inline constexpr std::string_view body = "body";
inline constexpr std::string_view asset = "asset";

}  // namespace candar::codes
