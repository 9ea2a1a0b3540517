#pragma once
// The model after a run, as the check after a restart needs it (--save-state, --validate-only --state): the
// users whose data the load changed, as the webapp acknowledged it, and the master version it confirmed.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace isuchair {

// {"master_version": "...", "users": [{"id", "name", "password", "coins", "chairs", "draws",
//  "unreceived": [[present id, item id, message], ...]}, ...]}: only users who differ from the initial data
// (or registered during the run), so the file holds what a restart must keep.
[[nodiscard]] nlohmann::json save_model(model const& m, std::string const& master_version);

struct restored_model {
  std::unique_ptr<model> users;  // the initial data with the saved users over it
  std::string master_version;
  std::vector<std::int64_t> changed;  // the saved users' ids: what the check compares
};

// Throws candar::bad_usage for a state that does not fit the contest's data (an unknown item), and nlohmann's
// exceptions for one of the wrong shape: both mean a broken file.
[[nodiscard]] restored_model load_model(nlohmann::json const& state);

}  // namespace isuchair
