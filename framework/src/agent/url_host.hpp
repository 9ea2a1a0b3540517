#pragma once
// The host of an http(s) URL as the WHATWG URL standard reads it (web_url.cpp's parser hands it the authority's
// host part): an IPv6 literal compressed and bracketed, an IPv4 address in any form a browser accepts (127.1,
// 0x7f.0.0.1) written dotted, a domain percent-decoded and lowercased. Internationalized and punycode names
// are refused, not converted.
#include <string>
#include <string_view>

#include "candar/failure/expected.hpp"

namespace candar::detail {

expected<std::string> parse_url_host(std::string_view in);

}  // namespace candar::detail
