#pragma once
// Content-Encoding decoding for the agent: gzip, deflate (zlib-wrapped, or raw as some servers send it, as
// browsers accept), br, and lists of them ("gzip, br" was applied in that order, so it is undone backwards).
// A cap on the decoded size turns a compression bomb into a `too-large` error instead of an out-of-memory.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "candar/failure/expected.hpp"

namespace candar {

// What the agent sends as Accept-Encoding by default.
inline constexpr std::string_view supported_encodings = "gzip, deflate, br";

using decode_deadline = std::chrono::steady_clock::time_point;

// `body` decoded per `content_encoding` (identity or empty: unchanged). Errors: `decompress` for bad data or an
// unknown coding, `too-large` past `max_decoded` bytes, `timeout` when decoding is still going at `deadline`.
// Every coding of the list is one decode_content knows (gzip, x-gzip, deflate, br, identity). Otherwise the
// agent leaves the body encoded, as browsers do (Chromium passes an unknown coding through).
[[nodiscard]] bool decodable(std::string_view content_encoding);

[[nodiscard]] expected<std::string> decode_content(std::string_view content_encoding, std::string body,
                                                   std::size_t max_decoded,
                                                   decode_deadline deadline = decode_deadline::max());

}  // namespace candar
