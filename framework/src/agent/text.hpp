#pragma once
// Small ASCII text helpers the agent's parsers share (header names and tokens are case-insensitive ASCII).
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace candar::detail {

// ASCII only, and inline: std::tolower is a call into libc per character, and depends on the locale.
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// The value of a hexadecimal digit, -1 for any other character.
constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// Without the spaces and tabs HTTP calls optional whitespace at either end.
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// RFC 9110 5.6.2 token characters: a method, a header name.
inline constexpr auto token_chars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

inline bool is_token_char(char c) noexcept { return token_chars[static_cast<unsigned char>(c)]; }

inline bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

// What a header value may hold: anything but control characters, horizontal tab excepted (RFC 9110 5.5).
inline bool is_value_char(char c) noexcept {
  auto const u = static_cast<unsigned char>(c);
  return (u >= 0x20 && u != 0x7f) || c == '\t';
}

// Every character of `s` may be in a header value. Eight bytes at a time (this runs over every header of
// every response): a word with no byte below 0x20 and none equal to 0x7f is fine as it is; a word that may
// have one (the test can report a byte that is not, never miss one that is) is looked at byte by byte. The
// last few bytes are the last eight again, overlapping what was checked already.
inline bool all_value_chars(std::string_view s) noexcept {
  auto const bytes_fine = [](char const* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_value_char(p[i])) return false;
    }
    return true;
  };
  if (s.size() < 8) return bytes_fine(s.data(), s.size());
  auto const word_fine = [&bytes_fine](char const* p) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::uint64_t x = 0;
    std::memcpy(&x, p, 8);
    std::uint64_t const below_space = (x - ones * 0x20) & ~x & highs;
    std::uint64_t const y = x ^ (ones * 0x7f);
    std::uint64_t const del = (y - ones) & ~y & highs;
    return (below_space | del) == 0 || bytes_fine(p, 8);
  };
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    if (!word_fine(s.data() + i)) return false;
  }
  return i == s.size() || word_fine(s.data() + s.size() - 8);
}

// `token` (a header name, made of token characters) equals `lower`, a lowercase literal of letters, digits and
// dashes, ignoring case. OR-ing 0x20 lowercases a letter and leaves a digit or a dash as it is; the only other
// byte it turns into one of those is a control character, which no token holds. Eight bytes at a time: this
// runs for the framing fields of every response.
inline bool token_iequals(std::string_view token, std::string_view lower) noexcept {
  if (token.size() != lower.size()) return false;
  constexpr std::uint64_t case_bits = 0x2020202020202020ULL;
  std::size_t const n = token.size();
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if ((token[i] | 0x20) != lower[i]) return false;
    }
    return true;
  }
  auto const word = [](char const* at) {
    std::uint64_t x = 0;
    std::memcpy(&x, at, 8);
    return x;
  };
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    if ((word(token.data() + i) | case_bits) != word(lower.data() + i)) return false;
  }
  // The last eight bytes (overlapping the words already compared).
  return (word(token.data() + n - 8) | case_bits) == word(lower.data() + n - 8);
}

// A line as a message can quote it: at most 60 characters, control characters shown as '?'.
inline std::string quoted_line(std::string_view line) {
  std::string out(line.substr(0, 60));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (line.size() > 60) out += "...";
  return "'" + out + "'";
}

}  // namespace candar::detail
