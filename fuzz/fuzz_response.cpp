// Response parsing as the agent does it (its own parser with its limits), then Content-Encoding. The input is
// parsed twice, whole and cut into pieces whose size the first byte picks; both readings must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../framework/src/agent/response_parser.hpp"
#include "decompress.hpp"

namespace {

struct reading {
  candar::response res;
  bool done = false;
  candar::detail::response_parser::failure why{};
};

reading parse(std::string_view bytes, std::size_t piece) {
  reading out;
  candar::detail::response_parser p(
      out.res, {.max_header_bytes = 4096, .max_header_count = 50, .max_body_bytes = 1 << 20}, false);
  for (std::size_t at = 0;
       at < bytes.size() && !p.done() && p.failed() == candar::detail::response_parser::failure::none;) {
    std::string const part(bytes.substr(at, piece));  // its own buffer: the parser must not keep pointers into it
    auto const used = p.feed(part);
    if (used == 0 || used > part.size()) std::abort();  // a feed that takes nothing would hang the agent
    at += used;
  }
  p.end_of_stream();
  out.done = p.done();
  out.why = p.failed();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t const piece = 1 + data[0] % 16;
  std::string_view const bytes(reinterpret_cast<char const*>(data) + 1, size - 1);
  auto const whole = parse(bytes, bytes.size() + 1);
  auto const cut = parse(bytes, piece);
  if (whole.done != cut.done || whole.why != cut.why) std::abort();
  if (whole.done &&
      (whole.res.status != cut.res.status || whole.res.headers != cut.res.headers || whole.res.body != cut.res.body)) {
    std::abort();
  }
  if (whole.done) {
    if (auto coding = whole.res.header("Content-Encoding")) {
      auto decoded = candar::decode_content(*coding, std::string(whole.res.body), 1024 * 1024);
      (void)decoded;
    }
  }
  return 0;
}
