// An error message built from arbitrary bytes (a body, a header value) and written as JSON: valid UTF-8 of at
// most 512 bytes, which nlohmann's strict dump() takes, whatever the bytes were.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "candar/failure/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const bytes(reinterpret_cast<char const*>(data), size);
  auto const split = size / 3;
  candar::error e(bytes.substr(0, split), std::string(bytes.substr(split)));
  auto const wrapped = std::move(e).wrap(bytes.substr(split / 2, split));
  if (wrapped.message().size() > 512) std::abort();
  nlohmann::json const j = {
      {"message", wrapped.message()}, {"summary", wrapped.summary()}, {"code", wrapped.outer_code()}};
  auto const text = j.dump();  // strict: throws (and so fails the run) on invalid UTF-8
  (void)text;
  return 0;
}
