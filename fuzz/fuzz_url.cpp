// URL parsing and spelling (web_url) on arbitrary bytes, read alone and against a base. Beyond not crashing,
// what comes out must be a fixed point: read again, a URL spells itself the same way (a browser's href does),
// and it is wire-ready: nothing in it a request line cannot carry, a target that starts with '/'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "web_url.hpp"

namespace {

void check(candar::detail::web_url const& u) {
  auto again = candar::detail::web_url::parse(u.href());
  if (!again || again->href() != u.href()) std::abort();
  if (u.target().empty() || u.target().front() != '/' || u.host().empty()) std::abort();
  for (char c : u.href()) {
    auto const b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f || c == '#') std::abort();
  }
  if (u.path().find('\\') != std::string_view::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const input(reinterpret_cast<char const*>(data), size);
  static auto const base = *candar::detail::web_url::parse("http://127.0.0.1:8080/dir/page.html?q=1");
  if (auto alone = candar::detail::web_url::parse(input)) check(*alone);
  if (auto relative = candar::detail::web_url::parse(input, &base)) check(*relative);
  return 0;
}
