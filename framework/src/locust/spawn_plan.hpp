#pragma once
// What a spawn message of the master becomes on this worker: at most worker_config::max_users in all, given
// to the classes in the master's order; a class with no flow here is kept (the session names it back to the
// master as unknown) and takes none of the users.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace candar::locust {

struct spawn_plan {
  std::map<std::string, std::int64_t> counts;  // users per class, as user_classes::set takes them
  std::int64_t asked = 0;                      // what the master asked for the classes with a flow, in all
  bool capped = false;                         // asked > max_users: some classes got fewer
};

// `asked`: the classes and counts of the message, in its order (negative counts already dropped).
spawn_plan plan_spawn(std::vector<std::pair<std::string, std::int64_t>> const& asked, std::int64_t max_users,
                      std::function<bool(std::string const&)> const& has_flow);

}  // namespace candar::locust
