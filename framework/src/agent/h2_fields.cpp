#include "h2_fields.hpp"

#include <utility>

#include "text.hpp"

namespace candar::detail {

namespace {

using namespace std::string_view_literals;

bool connection_specific(std::string_view name, std::string_view value) {
  for (auto const field : {"connection"sv, "keep-alive"sv, "proxy-connection"sv, "transfer-encoding"sv, "upgrade"sv}) {
    if (ascii_iequal(name, field)) return true;
  }
  return ascii_iequal(name, "te") && !ascii_iequal(value, "trailers");
}

std::string_view next_line(std::string_view& rest) {
  auto const end = rest.find("\r\n"sv);
  auto const line = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 2);
  return line;
}

}  // namespace

h2_request_fields h2_fields_of(std::string_view wire, bool https) {
  h2_request_fields out;
  auto const head_end = wire.find("\r\n\r\n"sv);
  std::string_view rest = wire.substr(0, head_end == std::string_view::npos ? wire.size() : head_end + 2);
  out.body = head_end == std::string_view::npos ? std::string_view() : wire.substr(head_end + 4);

  auto const request_line = next_line(rest);
  auto const method_end = request_line.find(' ');
  auto const target_end = request_line.rfind(' ');
  std::string_view const method = request_line.substr(0, method_end);
  std::string_view const path = request_line.substr(method_end + 1, target_end - method_end - 1);

  // Offsets first, pointers once the text stops growing.
  struct span {
    std::size_t name_at, name_size, value_at, value_size;
  };
  std::vector<span> spans;
  out.text.reserve(wire.size() - out.body.size() + 32);
  auto const add = [&](std::string_view name, std::string_view value, bool lower) {
    span s{out.text.size(), name.size(), 0, value.size()};
    out.text.append(name);
    if (lower) {
      for (auto i = s.name_at; i < out.text.size(); ++i) {
        if (out.text[i] >= 'A' && out.text[i] <= 'Z') out.text[i] = static_cast<char>(out.text[i] - 'A' + 'a');
      }
    }
    s.value_at = out.text.size();
    out.text.append(value);
    spans.push_back(s);
  };
  std::string_view authority;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  while (!rest.empty()) {
    auto const line = next_line(rest);
    if (line.empty()) break;
    auto const colon = line.find(':');
    auto const name = line.substr(0, colon);
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (ascii_iequal(name, "host")) {
      authority = value;
    } else if (!connection_specific(name, value)) {
      fields.emplace_back(name, value);
    }
  }
  add(":method", method, false);
  add(":scheme", https ? "https"sv : "http"sv, false);
  add(":authority", authority, false);
  add(":path", path, false);
  for (auto const& [name, value] : fields) add(name, value, true);

  out.nv.reserve(spans.size());
  auto* const base = reinterpret_cast<std::uint8_t*>(out.text.data());
  for (auto const& s : spans) {
    out.nv.push_back(nghttp2_nv{base + s.name_at, base + s.value_at, s.name_size, s.value_size, NGHTTP2_NV_FLAG_NONE});
  }
  return out;
}

}  // namespace candar::detail
