// Content-Encoding decoding: the first byte picks the coding list, the rest is the body. The cap must hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "decompress.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  static char const* const codings[] = {"gzip",   "deflate",       "br",   "gzip, br", "identity",
                                        "x-gzip", "deflate, gzip", "bogus"};
  std::string const coding = codings[data[0] % 8];
  constexpr std::size_t cap = 256 * 1024;
  auto decoded = candar::decode_content(coding, std::string(reinterpret_cast<char const*>(data + 1), size - 1), cap);
  if (decoded && decoded->size() > cap) std::abort();  // the cap is a promise
  return 0;
}
