// A page from a webapp, parsed and queried as a contest does: any bytes as HTML (up to 1 MiB: scripts/fuzz.sh
// gives this target -max_len=1048576), the first line as a CSS selector. Bounded, no recursion on the page.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "candar/html/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const bytes(reinterpret_cast<char const*>(data), size);
  auto const newline = bytes.find('\n');
  auto const selector =
      newline == std::string_view::npos ? std::string_view("a") : bytes.substr(0, std::min<std::size_t>(newline, 256));
  auto const html = newline == std::string_view::npos ? bytes : bytes.substr(newline + 1);
  candar::html::document const doc(html, "http://example.test/dir/page");
  try {
    auto const found = doc.select(selector);
    std::size_t shown = 0;
    for (auto const& e : found) {
      if (++shown > 8) break;
      (void)e.text();
      (void)e.url_attr("href");
      (void)e.children();
      (void)e.parent();
    }
  } catch (std::invalid_argument const&) {
    // a selector the grammar does not take: said, not a crash
  }
  (void)doc.title();
  (void)doc.root().text();
  return 0;
}
