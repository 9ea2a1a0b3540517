#include "web_url.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include "candar/failure/codes.hpp"
#include "text.hpp"
#include "url_host.hpp"

namespace candar::detail {

namespace {

constexpr auto npos = std::string_view::npos;

bool is_slash(char c) { return c == '/' || c == '\\'; }  // a backslash is a slash in an http(s) URL
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Chromium's percent-encode sets, as scripts/chromium-pages/urls.html shows them (the WHATWG path set plus
// ^ and |; the query set for special schemes). '%' is never encoded: escapes stay as written.
bool encode_in_path(unsigned char c) {
  return c <= 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' || c == '?' || c == '`' || c == '{' ||
         c == '}' || c == '^' || c == '|';
}
bool encode_in_query(unsigned char c) {
  return c <= 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' || c == '\'';
}

// The length of the valid UTF-8 sequence at the start of `s` (its first byte is 0x80 or above), 0 if invalid.
std::size_t utf8_sequence(std::string_view s) {
  auto const b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto const lead = b(0);
  std::size_t const n = lead >= 0xC2 && lead <= 0xDF   ? 2
                        : lead >= 0xE0 && lead <= 0xEF ? 3
                        : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                       : 0;
  if (n == 0 || s.size() < n) return 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range (RFC 3629: no overlongs, surrogates or > U+10FFFF)
  if (lead == 0xE0) lo = 0xA0;
  if (lead == 0xED) hi = 0x9F;
  if (lead == 0xF0) lo = 0x90;
  if (lead == 0xF4) hi = 0x8F;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

// Percent-encodes what `encode` says, as UTF-8; a byte that is not part of valid UTF-8 is U+FFFD (EF BF BD),
// as a browser that decoded the text first would have it.
void append_encoded(std::string& out, std::string_view in, bool (*encode)(unsigned char)) {
  static constexpr char digits[] = "0123456789ABCDEF";
  auto const put = [&](unsigned char c) {
    out += '%';
    out += digits[c >> 4];
    out += digits[c & 15];
  };
  for (std::size_t i = 0; i < in.size();) {
    auto const c = static_cast<unsigned char>(in[i]);
    if (c >= 0x80) {
      std::size_t const n = utf8_sequence(in.substr(i));
      if (n == 0) {
        put(0xEF), put(0xBF), put(0xBD);
        ++i;
      } else {
        for (std::size_t k = 0; k < n; ++k) put(static_cast<unsigned char>(in[i + k]));
        i += n;
      }
    } else if (encode(c)) {
      put(c);
      ++i;
    } else {
      out += in[i++];
    }
  }
}

// What the parser reads: no tab or newline anywhere, no C0 control or space at either end, no fragment.
std::string cleaned(std::string_view in) {
  while (!in.empty() && static_cast<unsigned char>(in.front()) <= 0x20) in.remove_prefix(1);
  while (!in.empty() && static_cast<unsigned char>(in.back()) <= 0x20) in.remove_suffix(1);
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    if (c == '#') break;  // the fragment: never sent, not kept
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

bool single_dot(std::string_view s) { return s == "." || ascii_iequal(s, "%2e"); }
bool double_dot(std::string_view s) {
  return s == ".." || ascii_iequal(s, ".%2e") || ascii_iequal(s, "%2e.") || ascii_iequal(s, "%2e%2e");
}

// The standard's path state: the segments of `in` (a path without its leading slash, ending where the query
// starts) added to `segments`, dot segments resolved.
void parse_path(std::string_view in, std::vector<std::string>& segments) {
  std::size_t start = 0;
  for (;;) {
    auto const end = in.find_first_of("/\\", start);
    bool const last = end == npos;
    auto const raw = in.substr(start, last ? npos : end - start);
    if (double_dot(raw)) {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (single_dot(raw)) {
      if (last) segments.emplace_back();
    } else {
      std::string segment;
      append_encoded(segment, raw, encode_in_path);
      segments.push_back(std::move(segment));
    }
    if (last) return;
    start = end + 1;
  }
}

struct parts {
  std::string scheme;
  std::string host;
  std::string port;  // "" for the default
  std::vector<std::string> segments;
  std::optional<std::string> query;

  // After "scheme:" (and any slashes): host, port, then the path and query.
  expected<bool> authority_and_rest(std::string_view r) {
    while (!r.empty() && is_slash(r.front())) r.remove_prefix(1);
    auto const end = r.find_first_of("/\\?");
    auto authority = r.substr(0, end);
    if (auto const at = authority.rfind('@'); at != npos) {
      // "@host" and ":@host" carry no credentials; anything else before the last '@' does.
      auto const credentials = authority.substr(0, at);
      if (!credentials.empty() && credentials != ":")
        return error(codes::url, "a URL with credentials (user:password@) is not fetched");
      authority = authority.substr(at + 1);
    }
    std::string_view host_part = authority, port_part;
    bool has_port = false;
    if (authority.starts_with('[')) {
      auto const close = authority.find(']');
      if (close == npos)
        return error(codes::url, "bad host '" + std::string(authority) + "': an IPv6 address without its ']'");
      host_part = authority.substr(0, close + 1);
      auto const after = authority.substr(close + 1);
      if (!after.empty() && after.front() != ':') return error(codes::url, "bad host '" + std::string(authority) + "'");
      if (!after.empty()) {
        has_port = true;
        port_part = after.substr(1);
      }
    } else if (auto const colon = authority.find(':'); colon != npos) {
      host_part = authority.substr(0, colon);
      port_part = authority.substr(colon + 1);
      has_port = true;
    }
    auto h = parse_url_host(host_part);
    if (!h) return std::move(h).error();
    host = std::move(*h);
    if (has_port && !port_part.empty()) {
      unsigned value = 0;
      auto const [p, ec] = std::from_chars(port_part.data(), port_part.data() + port_part.size(), value);
      if (ec != std::errc() || p != port_part.data() + port_part.size() || value > 65535) {
        return error(codes::url, "bad port '" + std::string(port_part) + "'");
      }
      bool const is_default = (scheme == "http" && value == 80) || (scheme == "https" && value == 443);
      port = is_default ? std::string() : std::to_string(value);
    }
    path_and_query(end == npos ? std::string_view() : r.substr(end), true);
    return true;
  }

  // The path (its leading slash skipped when `from_slash`) and the query after it.
  void path_and_query(std::string_view r, bool from_slash) {
    auto const q = r.find('?');
    auto path = r.substr(0, q);
    if (from_slash && !path.empty() && is_slash(path.front())) path.remove_prefix(1);
    parse_path(path, segments);
    if (q != npos) {
      query.emplace();
      append_encoded(*query, r.substr(q + 1), encode_in_query);
    }
  }

  void from_base(web_url const& base) {
    host = std::string(base.host());
    port = std::string(base.port());
    auto const p = base.path();  // "/a/b": segments a, b
    std::size_t start = 1;
    for (;;) {
      auto const slash = p.find('/', start);
      segments.emplace_back(p.substr(start, slash == npos ? npos : slash - start));
      if (slash == npos) break;
      start = slash + 1;
    }
    if (auto const t = base.target(); t.size() > p.size()) query = std::string(t.substr(p.size() + 1));
  }

  // The standard's relative state: `r` against `base`.
  expected<bool> relative(std::string_view r, web_url const& base) {
    if (!r.empty() && is_slash(r.front())) {
      if (r.size() >= 2 && is_slash(r[1])) return authority_and_rest(r);  // //host/path: the base's scheme
      host = std::string(base.host());
      port = std::string(base.port());
      path_and_query(r, true);
      return true;
    }
    from_base(base);
    if (r.empty()) return true;  // the base itself (a "#fragment" comes here too)
    if (r.front() == '?') {
      query.emplace();
      append_encoded(*query, r.substr(1), encode_in_query);
      return true;
    }
    query.reset();
    if (!segments.empty()) segments.pop_back();
    path_and_query(r, false);
    return true;
  }
};

}  // namespace

std::string_view web_url::port() const noexcept {
  if (host_end_ >= path_at_) return {};
  return std::string_view(href_).substr(host_end_ + 1, path_at_ - host_end_ - 1);
}

std::uint16_t web_url::port_number() const noexcept {
  auto const p = port();
  if (p.empty()) return https() ? 443 : 80;
  unsigned value = 0;
  std::from_chars(p.data(), p.data() + p.size(), value);
  return static_cast<std::uint16_t>(value);
}

expected<web_url> web_url::parse(std::string_view input, web_url const* base) {
  std::string const in = cleaned(input);
  std::string_view s = in;
  parts u;
  std::string_view rest = s;
  if (!s.empty() && is_alpha(s.front())) {
    std::size_t i = 1;
    while (i < s.size() && (is_alpha(s[i]) || is_ascii_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
    if (i < s.size() && s[i] == ':') {
      u.scheme = ascii_lower(s.substr(0, i));
      rest = s.substr(i + 1);
    }
  }
  expected<bool> parsed = true;
  if (!u.scheme.empty()) {
    if (u.scheme != "http" && u.scheme != "https")
      return error(codes::url, "'" + u.scheme + ":' is not a scheme the agent fetches");
    // "http:x" against an http base is relative; otherwise what follows the scheme is the authority.
    if (base != nullptr && base->scheme() == u.scheme && !rest.starts_with("//")) {
      parsed = u.relative(rest, *base);
    } else {
      parsed = u.authority_and_rest(rest);
    }
  } else {
    if (base == nullptr) return error(codes::url, "'" + std::string(input) + "' is relative and there is no base URL");
    u.scheme = std::string(base->scheme());
    parsed = u.relative(rest, *base);
  }
  if (!parsed) return std::move(parsed).error();

  web_url out;
  auto& h = out.href_;
  h.reserve(u.scheme.size() + 3 + u.host.size() + u.port.size() + 1 + in.size() + 8);
  h.append(u.scheme).append("://");
  out.scheme_end_ = u.scheme.size();
  out.host_at_ = h.size();
  h.append(u.host);
  out.host_end_ = h.size();
  if (!u.port.empty()) h.append(":").append(u.port);
  out.path_at_ = h.size();
  for (auto const& segment : u.segments) h.append("/").append(segment);
  if (u.segments.empty()) h.append("/");
  out.query_at_ = h.size();
  if (u.query) h.append("?").append(*u.query);
  return out;
}

}  // namespace candar::detail
