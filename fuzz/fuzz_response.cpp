// Response parsing as the agent does it (Beast's parser with the agent's limits), then Content-Encoding.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "candar/agent/decompress.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  http::response_parser<http::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::string_view const bytes(reinterpret_cast<char const*>(data), size);
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (!ec && parser.is_done()) {
    auto& msg = parser.get();
    if (auto it = msg.find(http::field::content_encoding); it != msg.end()) {
      auto decoded = candar::decode_content(it->value(), std::move(msg.body()), 1024 * 1024);
      (void)decoded;
    }
  }
  return 0;
}
