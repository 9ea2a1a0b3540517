#include "utf8_text.hpp"

namespace candar::detail {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view ellipsis = "\xE2\x80\xA6";     // U+2026

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the valid UTF-8 sequence at the start of `s`, 0 if it does not start with one.
std::size_t sequence_length(std::string_view s) {
  auto const b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char const c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range (RFC 3629's table)
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) low = 0xA0;   // no overlong forms
    if (c == 0xED) high = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < low || b(1) > high) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (!continuation(b(i))) return 0;
  }
  return n;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    auto const n = sequence_length(text);
    if (n == 0) {
      out += replacement;
      text.remove_prefix(1);
    } else {
      out += text.substr(0, n);
      text.remove_prefix(n);
    }
  }
  return out;
}

std::string utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  if (max_bytes < ellipsis.size()) return std::string();
  std::size_t end = max_bytes - ellipsis.size();
  while (end > 0 && continuation(static_cast<unsigned char>(text[end]))) --end;
  std::string out(text.substr(0, end));
  out += ellipsis;
  return out;
}

std::string message_text(std::string_view raw, std::size_t max_bytes) {
  // A bad byte grows into 3: four bytes per byte kept are enough to fill max_bytes.
  auto const head = raw.substr(0, max_bytes * 4);
  return utf8_prefix(valid_utf8(head), max_bytes);
}

}  // namespace candar::detail
