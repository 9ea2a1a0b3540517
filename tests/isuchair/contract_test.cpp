#include "isuchair/contract.hpp"

#include <gtest/gtest.h>

#include "isuchair/initial_data.hpp"
#include "isuchair/rules.hpp"

namespace isuchair {
namespace {

using nlohmann::json;

TEST(contract, the_built_in_contract_parses_and_names_endpoints) {
  auto const& c = contract::isuchair();
  EXPECT_EQ(c.version_header(), "X-Master-Version");
  EXPECT_EQ(c.refused_status(), 422);
  EXPECT_EQ(c.at("GET /api/users/:id/home").tag, "home");
  EXPECT_TRUE(c.at("POST /api/login").versioned);
  EXPECT_FALSE(c.at("GET /api/version").versioned);
  EXPECT_THROW((void)c.at("GET /nope"), std::out_of_range);
}

TEST(contract, routes_with_parameters_and_wildcards) {
  auto const& c = contract::isuchair();
  auto m = c.match("GET", "/api/users/42/home");
  ASSERT_NE(m.which, nullptr);
  EXPECT_EQ(m.which->name, "GET /api/users/:id/home");
  EXPECT_EQ(m.params.at(":id"), "42");
  EXPECT_EQ(c.match("POST", "/api/users/42/home").which, nullptr);
  EXPECT_EQ(c.match("GET", "/api/users//home").which, nullptr);
  EXPECT_EQ(c.match("GET", "/api/users/42/home/x").which, nullptr);
  ASSERT_NE(c.match("GET", "/").which, nullptr);
  EXPECT_EQ(c.match("GET", "/").which->tag, "page");
  ASSERT_NE(c.match("GET", "/static/app.css").which, nullptr);
  EXPECT_EQ(c.match("GET", "/static").which, nullptr);
  EXPECT_EQ(c.match("POST", "/api/users/7/presents/receive").which->tag, "receive");
}

TEST(contract, a_response_of_the_wrong_shape_names_the_json_path) {
  auto const& c = contract::isuchair();
  auto const& home = c.at("GET /api/users/:id/home");
  json good = {{"user", {{"id", 1}, {"name", "a"}, {"chairs", 3}, {"coins", 0}}},
               {"unreceived_presents", 2},
               {"reward_available", true},
               {"extra", "allowed"}};
  EXPECT_EQ(c.check_response(home, 200, good), std::nullopt);

  auto bad = good;
  bad["user"]["chairs"] = "3";
  EXPECT_EQ(c.check_response(home, 200, bad), "$.user.chairs: expected integer, got string");
  bad = good;
  bad["user"].erase("coins");
  EXPECT_EQ(c.check_response(home, 200, bad), "$.user.coins: missing");
  EXPECT_EQ(c.check_response(home, 500, good), "status 500 is not in the contract");
  EXPECT_EQ(c.check_response(home, 401, json{{"error", 1}}), "$.error: expected string, got integer");

  auto const& presents = c.at("GET /api/users/:id/presents");
  json list = {
      {"presents", json::array({{{"id", 1}, {"item_id", 2}, {"item_name", "x"}, {"chairs", 1}, {"message", "m"}},
                                {{"id", 2}, {"item_id", 2}, {"item_name", "x"}, {"chairs", 1}}})}};
  EXPECT_EQ(c.check_response(presents, 200, list), "$.presents[1].message: missing");
  EXPECT_EQ(c.check_response(presents, 200, json{{"presents", 3}}), "$.presents: expected array, got integer");
}

TEST(contract, request_bodies_are_checked_too) {
  auto const& c = contract::isuchair();
  auto const& login = c.at("POST /api/login");
  EXPECT_EQ(c.check_request(login, json{{"user_id", 1}, {"password", "p"}}), std::nullopt);
  EXPECT_EQ(c.check_request(login, json{{"user_id", "1"}, {"password", "p"}}),
            "$.user_id: expected integer, got string");
  EXPECT_EQ(c.check_request(c.at("POST /api/users/:id/presents/receive"), json{{"present_ids", {1, "2"}}}),
            "$.present_ids[1]: expected integer, got string");
}

TEST(contract, a_broken_contract_is_a_clear_error) {
  EXPECT_THROW((void)contract::parse("{"), std::runtime_error);
  EXPECT_THROW((void)contract::parse(R"({"types": {}})"), std::runtime_error);
}

TEST(first_difference, compares_only_what_is_expected_and_names_the_path) {
  json const actual = {{"user", {{"id", 1}, {"chairs", 41}}}, {"list", {1, 2, 3}}};
  EXPECT_EQ(first_difference(json{{"user", {{"id", 1}}}}, actual), std::nullopt);
  EXPECT_EQ(first_difference(json{{"user", {{"chairs", 42}}}}, actual), "$.user.chairs: expected 42, got 41");
  EXPECT_EQ(first_difference(json{{"list", {1, 2}}}, actual), "$.list: expected 2 elements, got 3");
  EXPECT_EQ(first_difference(json{{"list", {1, 2, 4}}}, actual), "$.list[2]: expected 4, got 3");
  EXPECT_EQ(first_difference(json{{"name", "x"}}, actual), "$.name: missing");
}

TEST(initial_data, is_the_same_for_the_same_seed_and_consistent) {
  auto const a = generate_initial_data(7);
  auto const b = generate_initial_data(7);
  auto const c = generate_initial_data(8);
  ASSERT_EQ(a.users.size(), 1000U);
  EXPECT_EQ(a.users[10].password, b.users[10].password);
  EXPECT_EQ(a.presents.size(), b.presents.size());
  EXPECT_NE(a.users[10].password, c.users[10].password);
  std::size_t banned = 0;
  for (auto const& u : a.users) {
    banned += u.banned ? 1 : 0;
    std::int64_t chairs = 0;
    for (auto const id : u.owned_items) chairs += a.items[static_cast<std::size_t>(id - 1)].chairs;
    EXPECT_EQ(chairs, u.chairs);
  }
  EXPECT_GT(banned, 10U);
  EXPECT_LT(banned, 200U);
  for (std::size_t i = 0; i < a.presents.size(); ++i) EXPECT_EQ(a.presents[i].id, static_cast<std::int64_t>(i + 1));
  ASSERT_FALSE(a.master_versions.empty());
  EXPECT_EQ(a.master_versions.back(), rules::initial_master_version);
}

TEST(rules, gacha_items_are_deterministic_and_in_range) {
  std::set<std::int64_t> seen;
  for (std::int64_t draw = 0; draw < 200; ++draw) {
    auto const item = rules::gacha_item(5, draw, 24);
    EXPECT_GE(item, 1);
    EXPECT_LE(item, 24);
    EXPECT_EQ(item, rules::gacha_item(5, draw, 24));
    seen.insert(item);
  }
  EXPECT_GT(seen.size(), 15U);  // spread over the items, not stuck on one
  EXPECT_EQ(rules::gacha_item(5, 0, 0), 0);
}

}  // namespace
}  // namespace isuchair

namespace isuchair {
namespace {
TEST(contract, the_master_version_refusal_is_part_of_every_versioned_endpoint) {
  auto const& c = contract::isuchair();
  nlohmann::json const refused = {{"error", "old"}, {"master_version", "v2"}};
  EXPECT_EQ(c.check_response(c.at("POST /api/login"), 422, refused), std::nullopt);
  EXPECT_EQ(c.check_response(c.at("POST /api/login"), 422, nlohmann::json{{"error", "old"}}),
            "$.master_version: missing");
  EXPECT_EQ(c.check_response(c.at("GET /api/version"), 422, refused), "status 422 is not in the contract");
}
}  // namespace
}  // namespace isuchair
