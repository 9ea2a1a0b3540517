#pragma once
// Text from a run (a contestant's error messages among it) inside HTML or XML: the five markup characters
// escaped, and the control characters XML 1.0 cannot hold dropped (tab, newline and carriage return stay).
#include <string>
#include <string_view>

namespace candar::detail {

[[nodiscard]] inline std::string markup_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char const c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace candar::detail
