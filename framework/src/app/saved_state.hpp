#pragma once
// The state file of the check after a restart: a contest's model as JSON, in an envelope that says whose it is.
//   {"candar_state": 1, "contest": "isuchair-bench", "seed": 7, "candar": "0.2.0", "saved_at": "...",
//    "state": <the contest's save_state()>}
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace candar::detail {

// Writes through a temporary file and a rename. Throws on failure.
void write_state_file(std::string const& path, std::string const& contest, std::uint64_t seed, nlohmann::json state);

// The contest's state from `path`, checked against this contest and `seed` (when given; else `seed` becomes the
// file's); throws usage_error naming what is wrong (unreadable, too large, not JSON, not a state file, another
// contest's, another seed's).
[[nodiscard]] nlohmann::json read_state_file(std::string const& path, std::string const& contest,
                                             std::optional<std::uint64_t>& seed);

}  // namespace candar::detail
