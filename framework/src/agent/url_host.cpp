#include "url_host.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include <boost/asio/ip/address_v6.hpp>

#include "candar/failure/codes.hpp"
#include "text.hpp"

namespace candar::detail {

namespace {

constexpr auto npos = std::string_view::npos;

// An IPv4 part as the standard reads it: 0x.. hexadecimal, 0.. octal, else decimal. A number too large for
// any address still is a number (the host is then no IPv4 address, and no domain either): too_large.
constexpr std::uint64_t too_large = 0x10000000000ULL;
std::optional<std::uint64_t> ipv4_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  unsigned radix = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    radix = 16;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0') {
    radix = 8;
    s.remove_prefix(1);
  }
  std::uint64_t value = 0;
  for (char c : s) {
    int const d = hex_digit_value(c);
    if (d < 0 || static_cast<unsigned>(d) >= radix) return std::nullopt;
    if (value < too_large) value = value * radix + static_cast<unsigned>(d);  // past it, stays past it: no overflow
    value = std::min(value, too_large);
  }
  return value;
}

std::vector<std::string_view> dot_parts(std::string_view host) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    auto const dot = host.find('.', start);
    parts.push_back(host.substr(start, dot == npos ? npos : dot - start));
    if (dot == npos) break;
    start = dot + 1;
  }
  if (parts.size() > 1 && parts.back().empty()) parts.pop_back();  // "127.0.0.1." is 127.0.0.1
  return parts;
}

// A host whose last label is a number is an IPv4 address, or no host at all.
bool ends_in_number(std::string_view host) {
  auto const parts = dot_parts(host);
  auto const last = parts.back();
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), is_ascii_digit)) return true;
  return ipv4_number(last).has_value();
}

std::optional<std::string> parse_ipv4(std::string_view host) {
  auto const parts = dot_parts(host);
  if (parts.size() > 4) return std::nullopt;
  std::vector<std::uint64_t> numbers;
  for (auto p : parts) {
    auto n = ipv4_number(p);
    if (!n) return std::nullopt;
    numbers.push_back(*n);
  }
  for (std::size_t i = 0; i + 1 < numbers.size(); ++i) {
    if (numbers[i] > 255) return std::nullopt;
  }
  if (numbers.back() >= (1ULL << (8 * (5 - numbers.size())))) return std::nullopt;
  std::uint64_t address = numbers.back();
  for (std::size_t i = 0; i + 1 < numbers.size(); ++i) address += numbers[i] << (8 * (3 - i));
  return std::to_string((address >> 24) & 255) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

// The standard's IPv6 serializer: eight lowercase hex pieces, the first longest run of two or more zero pieces
// written "::" (never dotted IPv4, as inet_ntop writes ::ffff:1.2.3.4).
std::string ipv6_text(std::array<unsigned char, 16> const& b) {
  std::array<unsigned, 8> piece{};
  for (std::size_t i = 0; i < 8; ++i) piece[i] = (static_cast<unsigned>(b[2 * i]) << 8) | b[2 * i + 1];
  std::size_t best_at = 8, best_len = 0;
  for (std::size_t i = 0; i < 8;) {
    if (piece[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && piece[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_at = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  static constexpr char digits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_at) {
      out += i == 0 ? "::" : ":";
      i += best_len - 1;
      continue;
    }
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned const d = (piece[i] >> shift) & 15;
      if (d != 0 || started || shift == 0) {
        out += digits[d];
        started = true;
      }
    }
    if (i != 7) out += ':';
  }
  return out;
}

std::string percent_decoded(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && hex_digit_value(in[i + 1]) >= 0 && hex_digit_value(in[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit_value(in[i + 1]) * 16 + hex_digit_value(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

bool forbidden_in_domain(unsigned char c) {
  return c <= 0x20 || c == 0x7f || c == '#' || c == '%' || c == '/' || c == ':' || c == '<' || c == '>' || c == '?' ||
         c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '|';
}

}  // namespace

expected<std::string> parse_url_host(std::string_view in) {
  auto bad = [&](std::string_view why) {
    return error(codes::url, "bad host '" + std::string(in) + "': " + std::string(why));
  };
  if (in.starts_with('[')) {
    if (!in.ends_with(']')) return bad("an IPv6 address without its ']'");
    auto const inner = in.substr(1, in.size() - 2);
    bool const plain = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
      return hex_digit_value(c) >= 0 || c == ':' || c == '.';
    });
    boost::system::error_code ec;
    auto const a = plain ? boost::asio::ip::make_address_v6(std::string(inner), ec) : boost::asio::ip::address_v6();
    if (!plain || ec) return bad("not an IPv6 address");
    std::string bracketed = "[";  // appended, not "[" + string&&: g++ 12 warns falsely (-Wstringop-overflow) there
    bracketed += ipv6_text(a.to_bytes());
    bracketed += ']';
    return bracketed;
  }
  std::string domain = percent_decoded(in);
  if (domain.empty()) return bad("empty");
  for (char& c : domain) {
    auto const u = static_cast<unsigned char>(c);
    if (u >= 0x80) return bad("an internationalized domain name (not supported)");
    if (forbidden_in_domain(u)) return bad("a character a host cannot have");
    c = ascii_lower(c);
  }
  for (auto label : dot_parts(domain)) {
    if (label.starts_with("xn--")) return bad("a punycode label (internationalized domain names are not supported)");
  }
  if (ends_in_number(domain)) {
    auto v4 = parse_ipv4(domain);
    if (!v4) return bad("not an IPv4 address");
    return std::move(*v4);
  }
  return domain;
}

}  // namespace candar::detail
