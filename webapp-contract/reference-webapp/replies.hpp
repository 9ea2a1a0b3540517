#pragma once
// The webapp's JSON answers (its own text made valid UTF-8 on the way out).
#include <string_view>

#include <nlohmann/json.hpp>

#include "http_server.hpp"

namespace isuchair::webapp {

inline http_reply json_reply(int status, nlohmann::json const& body) {
  return {.status = status, .body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}
inline http_reply error_reply(int status, std::string_view message) { return json_reply(status, {{"error", message}}); }

}  // namespace isuchair::webapp
