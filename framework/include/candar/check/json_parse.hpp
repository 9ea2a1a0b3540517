#pragma once
// A response body as JSON, parsed in the library: a scenario file that calls nlohmann::json::parse generates
// the whole parser again (about a second of compile time per file).
//
//   auto body = parse_json(res->body);
//   if (body.is_discarded()) ...   // not JSON
#include <string_view>

#include <nlohmann/json.hpp>

namespace candar {

// The text as JSON; a discarded value (is_discarded()) when it is not JSON. Never throws for bad text.
[[nodiscard]] nlohmann::json parse_json(std::string_view text);

}  // namespace candar
