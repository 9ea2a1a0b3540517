// Set-Cookie parsing and matching: "host\npath\nheader" (missing parts default), then a Cookie header built
// for the same and another host.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "candar/agent/cookie_jar.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view in(reinterpret_cast<char const*>(data), size);
  auto take_line = [&in]() {
    auto const nl = in.find('\n');
    auto const line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    return line;
  };
  std::string_view host = take_line();
  std::string_view path = take_line();
  if (host.empty()) host = "isu.example";
  candar::cookie_jar jar;
  auto const now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  while (!in.empty()) jar.store(take_line(), host, path, (size & 1) != 0, now);
  (void)jar.header_for(host, path, true, now);
  (void)jar.header_for("other.example", "/", false, now + std::chrono::hours(24));
  (void)candar::parse_cookie_date(std::string_view(reinterpret_cast<char const*>(data), size));
  return 0;
}
