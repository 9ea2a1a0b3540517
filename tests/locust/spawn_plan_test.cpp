// How a spawn message of the master is shared out on this worker under worker_config::max_users.
#include "spawn_plan.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <set>

namespace candar::locust {
namespace {

using counts = std::map<std::string, std::int64_t>;

auto known(std::set<std::string> names) {
  return [names = std::move(names)](std::string const& name) { return names.contains(name); };
}

TEST(spawn_plan, under_the_cap_every_class_gets_what_the_master_asked) {
  auto const plan = plan_spawn({{"Reader", 3}, {"Writer", 1}}, 10, known({"Reader", "Writer"}));
  EXPECT_EQ(plan.counts, (counts{{"Reader", 3}, {"Writer", 1}}));
  EXPECT_EQ(plan.asked, 4);
  EXPECT_FALSE(plan.capped);
}

TEST(spawn_plan, over_the_cap_the_classes_get_what_is_left_in_the_masters_order) {
  // Writer comes first in the message: it is served first, Reader gets the rest, Admin nothing.
  auto const plan = plan_spawn({{"Writer", 4}, {"Reader", 5}, {"Admin", 2}}, 6, known({"Reader", "Writer", "Admin"}));
  EXPECT_EQ(plan.counts, (counts{{"Writer", 4}, {"Reader", 2}, {"Admin", 0}}));
  EXPECT_EQ(plan.asked, 11);
  EXPECT_TRUE(plan.capped);
}

TEST(spawn_plan, a_class_without_a_flow_is_kept_to_be_named_and_takes_none_of_the_cap) {
  auto const plan = plan_spawn({{"Ghost", 50}, {"Reader", 3}}, 3, known({"Reader"}));
  EXPECT_EQ(plan.counts, (counts{{"Ghost", 50}, {"Reader", 3}}));
  EXPECT_EQ(plan.asked, 3);
  EXPECT_FALSE(plan.capped);
}

TEST(spawn_plan, a_hostile_masters_counts_do_not_overflow_the_sum) {
  auto const huge = std::numeric_limits<std::int64_t>::max();
  auto const plan = plan_spawn({{"A", huge}, {"B", huge}}, 100, known({"A", "B"}));
  EXPECT_EQ(plan.counts, (counts{{"A", 100}, {"B", 0}}));
  EXPECT_EQ(plan.asked, huge);
  EXPECT_TRUE(plan.capped);
}

TEST(spawn_plan, a_cap_of_zero_runs_no_user) {
  auto const plan = plan_spawn({{"Reader", 1}}, 0, known({"Reader"}));
  EXPECT_EQ(plan.counts, (counts{{"Reader", 0}}));
  EXPECT_TRUE(plan.capped);
}

}  // namespace
}  // namespace candar::locust
