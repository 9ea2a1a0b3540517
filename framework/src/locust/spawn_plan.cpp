#include "spawn_plan.hpp"

#include <algorithm>
#include <limits>

namespace candar::locust {

spawn_plan plan_spawn(std::vector<std::pair<std::string, std::int64_t>> const& asked, std::int64_t max_users,
                      std::function<bool(std::string const&)> const& has_flow) {
  spawn_plan plan;
  std::int64_t left = max_users;
  for (auto const& [name, n] : asked) {
    if (!has_flow(name)) {
      plan.counts[name] = n;
      continue;
    }
    plan.asked += std::min(n, std::numeric_limits<std::int64_t>::max() - plan.asked);  // a hostile master's sum
    auto const given = std::min(n, left);
    plan.counts[name] = given;
    left -= given;
  }
  plan.capped = plan.asked > max_users;
  return plan;
}

}  // namespace candar::locust
