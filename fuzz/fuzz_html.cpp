// Sub-resource extraction from arbitrary bytes as HTML.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "candar/agent/html.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  auto refs = candar::find_subresources(std::string_view(reinterpret_cast<char const*>(data), size));
  (void)refs;
  return 0;
}
