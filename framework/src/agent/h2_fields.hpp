#pragma once
// A request's HTTP/2 header list (RFC 9113 8.3), read back from the HTTP/1.1 form the request writer built: one
// place decides what a request sends (the agent's own fields, the caller's, cookies, the length), whichever
// protocol carries it. Names are lowercased; Host becomes :authority; the fields that are about an HTTP/1.1
// connection (Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade; TE other than "trailers")
// are left out, as 8.2.2 requires.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nghttp2/nghttp2.h>

namespace candar::detail {

struct h2_request_fields {
  std::string text;            // every name and value, back to back: the nv entries point into it
  std::vector<nghttp2_nv> nv;  // :method, :scheme, :authority, :path, then the fields in the wire's order
  std::string_view body;       // within the wire the fields were read from
};

// `wire` is a request the writer built (a request line, fields, a blank line, the body): well formed.
[[nodiscard]] h2_request_fields h2_fields_of(std::string_view wire, bool https);

}  // namespace candar::detail
