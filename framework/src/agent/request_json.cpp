// request::json with a JSON value: serialized here, once, rather than in every scenario file that sends JSON.
#include <nlohmann/json.hpp>

#include "candar/agent/agent.hpp"

namespace candar {

request& request::json_value(nlohmann::json const& value) {
  return json(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace candar
