#include "support/multipart.hpp"

namespace candar::test {

std::map<std::string, form_part> parse_multipart(seen_request const& r) {
  std::map<std::string, form_part> parts;
  auto const ct = r.header("Content-Type");
  auto const at = ct.find("boundary=");
  if (at == std::string::npos) return parts;
  auto const delimiter = "--" + ct.substr(at + 9);
  std::size_t pos = r.body.find(delimiter);
  while (pos != std::string::npos) {
    pos += delimiter.size();
    if (r.body.compare(pos, 2, "--") == 0) break;
    pos += 2;  // CRLF
    auto const head_end = r.body.find("\r\n\r\n", pos);
    if (head_end == std::string::npos) break;
    auto const head = r.body.substr(pos, head_end - pos);
    auto const next = r.body.find("\r\n" + delimiter, head_end);
    if (next == std::string::npos) break;
    auto const value = r.body.substr(head_end + 4, next - head_end - 4);
    auto quoted_after = [&](std::string const& key) {
      auto const k = head.find(key + "=\"");
      if (k == std::string::npos) return std::string();
      auto const start = k + key.size() + 2;
      return head.substr(start, head.find('"', start) - start);
    };
    auto const type_at = head.find("Content-Type: ");
    parts[quoted_after("name")] = {quoted_after("filename"),
                                   type_at == std::string::npos ? "" : head.substr(type_at + 14), value};
    pos = next + 2;
  }
  return parts;
}

std::map<std::string, std::string> parse_urlencoded(std::string const& body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= body.size() && !body.empty()) {
    auto end = body.find('&', pos);
    if (end == std::string::npos) end = body.size();
    auto const pair = std::string_view(body).substr(pos, end - pos);
    auto const eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    pos = end + 1;
  }
  return out;
}

}  // namespace candar::test
