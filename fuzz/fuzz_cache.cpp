// Cache-Control, Expires, Age, Vary, validators: response headers from "Name: value" lines; store, look up at
// several times, and revalidate with a 304 carrying the same headers.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "candar/agent/http_cache.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view in(reinterpret_cast<char const*>(data), size);
  candar::response res;
  res.status = size > 0 ? (data[0] % 2 == 0 ? 200 : 404) : 200;
  res.body = "body";
  res.url = "http://h/x";
  while (!in.empty()) {
    auto const nl = in.find('\n');
    auto const line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    auto const colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    res.headers.add(line.substr(0, colon), line.substr(colon + 1));
  }
  candar::http_cache cache(4096);
  auto const t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  candar::http_cache::header_list const request{{"Accept-Language", "ja"}};
  cache.store(res.url, request, res, t0, t0);
  for (auto dt : {0, 1, 60, 3600, 86400 * 365}) (void)cache.lookup(res.url, request, t0 + std::chrono::seconds(dt));
  candar::response not_modified = res;
  not_modified.status = 304;
  (void)cache.revalidated(res.url, not_modified, t0, t0 + std::chrono::seconds(5));
  return 0;
}
