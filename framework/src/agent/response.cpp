#include "candar/agent/response.hpp"

namespace candar {

std::optional<std::string_view> response::header(std::string_view name) const { return headers.get(name); }

std::vector<std::string_view> response::headers_named(std::string_view name) const { return headers.get_all(name); }

}  // namespace candar
