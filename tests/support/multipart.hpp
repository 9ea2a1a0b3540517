#pragma once
// A multipart/form-data body read back by a parser written apart from candar's encoder, for test servers.
#include <map>
#include <string>

#include "support/http_server.hpp"

namespace candar::test {

struct form_part {
  std::string filename;
  std::string type;
  std::string bytes;
};

// Name -> part (the last of a repeated name); empty when the request is not multipart.
std::map<std::string, form_part> parse_multipart(seen_request const& r);

// An application/x-www-form-urlencoded body: name -> value, decoded ('+' and %XX).
std::map<std::string, std::string> parse_urlencoded(std::string const& body);

}  // namespace candar::test
