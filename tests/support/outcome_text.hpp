#pragma once
// An agent's outcome as the tests compare it: its innermost error code ("" for a success) and a one-line summary.
#include <string>
#include <string_view>

#include "candar/agent/agent.hpp"

namespace candar::test {

inline std::string inner_code(outcome const& r) { return r ? std::string() : std::string(r.error().inner_code()); }
inline bool has_code(outcome const& r, std::string_view code) { return !r && r.error().has(code); }
inline std::string summary(outcome const& r) { return r ? "success" : r.error().summary(); }

}  // namespace candar::test
