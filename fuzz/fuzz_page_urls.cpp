// A page's sub-resource URLs, end to end: arbitrary bytes as HTML (gumbo), the references a browser would
// fetch, each resolved as the agent resolves it (against <base href> or the document). Every resolved URL
// must be a fixed point of the parser, as in fuzz_url.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "candar/agent/html.hpp"
#include "web_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  using candar::detail::web_url;
  static auto const document = *web_url::parse("http://127.0.0.1:8080/dir/page.html");
  auto const refs = candar::find_subresources(std::string_view(reinterpret_cast<char const*>(data), size));
  auto base = document;
  if (!refs.base.empty()) {
    if (auto b = web_url::parse(refs.base, &document)) base = *b;
  }
  for (auto const& r : refs.resources) {
    auto u = web_url::parse(r.target, r.before_base ? &document : &base);
    if (!u) continue;
    auto again = web_url::parse(u->href());
    if (!again || again->href() != u->href()) std::abort();
  }
  return 0;
}
