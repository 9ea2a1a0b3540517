// The careful reading of a response's status line and of a field line the quick path did not take: a malformed
// line explained, a folded line unfolded, a line with no colon skipped as browsers skip it, and the header count
// held to its limit. The header block's reading, and what a field says about the framing, is response_head.cpp.
#include <algorithm>

#include "response_parser.hpp"
#include "text.hpp"

namespace candar::detail {

namespace {

constexpr auto npos = std::string_view::npos;

}  // namespace

bool response_parser::parse_status_line(std::string_view line) {
  // HTTP/1.1 200 OK   (the reason phrase may be empty or missing)
  bool const shape = line.size() >= 12 && line.substr(0, 5) == "HTTP/" && is_ascii_digit(line[5]) && line[6] == '.' &&
                     is_ascii_digit(line[7]) && line[8] == ' ' && is_ascii_digit(line[9]) && is_ascii_digit(line[10]) &&
                     is_ascii_digit(line[11]) && (line.size() == 12 || line[12] == ' ');
  if (!shape) {
    fail(failure::malformed, "bad status line " + quoted_line(line));
    return false;
  }
  if (line[5] != '1') {
    fail(failure::malformed, "not HTTP/1.x: " + quoted_line(line));
    return false;
  }
  auto const reason = line.substr(std::min<std::size_t>(line.size(), 13));
  if (!all_value_chars(reason)) {
    fail(failure::malformed, "control character in the status line " + quoted_line(line));
    return false;
  }
  to_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (to_.status < 100) {
    fail(failure::malformed, "bad status code in " + quoted_line(line));
    return false;
  }
  http10_ = line[7] == '0';
  return true;
}

bool response_parser::add_field(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    // Obsolete line folding: the line continues the previous value (RFC 9112 5.2 says to unfold it).
    if (to_.headers.empty()) {
      fail(failure::malformed, "the first header line starts with whitespace");
      return false;
    }
    auto const more = trim_ows(line);
    if (!all_value_chars(more)) {
      fail(failure::malformed,
           "control character in the value of " + std::string(to_.headers[to_.headers.size() - 1].first));
      return false;
    }
    if (!more.empty()) to_.headers.extend_last(more);
    return true;
  }
  // A line with no colon at all is skipped, as browsers skip it (Chromium's header parser drops such lines);
  // a line with one and no valid name before it is still an error.
  if (line.find(':') == npos) return true;
  // One pass over the name, one over the value: this runs for every header of every response.
  std::size_t colon = 0;
  while (colon < line.size() && is_token_char(line[colon])) ++colon;
  if (colon == line.size() || line[colon] != ':' || colon == 0) {
    if (colon == 0) {
      fail(failure::malformed, "bad header line " + quoted_line(line));
    } else {
      fail(failure::malformed, "bad header name " + quoted_line(line.substr(0, line.find(':'))));
    }
    return false;
  }
  auto const name = line.substr(0, colon);
  auto const value = trim_ows(line.substr(colon + 1));
  if (!all_value_chars(value)) {
    fail(failure::malformed, "control character in the value of " + std::string(name));
    return false;
  }
  if (to_.headers.size() >= limits_.max_header_count) {
    fail(failure::too_many_headers, "more than " + std::to_string(limits_.max_header_count) + " response headers");
    return false;
  }
  to_.headers.add_held(name, value);
  return true;
}

}  // namespace candar::detail
