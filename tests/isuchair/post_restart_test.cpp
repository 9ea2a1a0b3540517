// The check after a restart (isucon14's --only-post-validation): a run saves its model (--save-state), the
// webapp and its database restart, and --validate-only --state compares what the webapp acknowledged with what
// it holds now. The reference webapp keeps its data across a restart; its memory-only fault does not.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "bench_process.hpp"

namespace isuchair::test {
namespace {

json read_json(std::string const& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, false);
}

void write_text(std::string const& path, std::string const& text) { std::ofstream(path, std::ios::binary) << text; }

// A run with --save-state on a webapp started on `db` with `faults`, then that webapp restarted on the same
// database, and the check after the restart against it.
struct restart_outcome {
  bench_run run;
  bench_run check;
  json state;
};

restart_outcome run_restart_and_check(std::vector<std::string> const& faults,
                                      std::vector<std::string> const& run_args = short_run) {
  auto const db = temp_path("restart.sqlite");
  auto const state_file = temp_path("state.json");
  restart_outcome o;
  {
    webapp before(faults, db);
    auto args = run_args;
    args.insert(args.end(), {"--save-state", state_file});
    o.run = run_bench(before.url(), args);
    before.stop();
  }
  o.state = read_json(state_file);
  webapp after(faults, db);
  o.check = run_bench(after.url(), {"--validate-only", "--state", state_file});  // the file's --seed
  return o;
}

TEST(isuchair_post_restart, an_honest_webapp_keeps_what_it_acknowledged) {
  auto const o = run_restart_and_check({});
  ASSERT_EQ(o.run.exit_code, 0) << o.run.out;
  EXPECT_NE(o.run.out.find("state: "), std::string::npos) << o.run.out;
  ASSERT_TRUE(o.state.is_object()) << o.run.out;
  EXPECT_EQ(o.state.at("contest"), "isuchair-bench");
  EXPECT_EQ(o.state.at("seed"), 1);
  EXPECT_GT(o.state.at("state").at("users").size(), 0U);  // the load changed users: there is something to keep
  // A refresh happened in the run: the version to keep is the new one.
  EXPECT_EQ(o.state.at("state").at("master_version"), "v2-1");

  EXPECT_EQ(o.check.exit_code, 0) << o.check.out;
  ASSERT_TRUE(o.check.result.is_object()) << o.check.out;
  EXPECT_EQ(o.check.result.at("post_restart_check"), true);
  EXPECT_EQ(o.check.result.at("verdict"), "pass");
  EXPECT_NE(o.check.out.find("PASS: the check after a restart"), std::string::npos) << o.check.out;
  EXPECT_NE(o.check.out.find("validate after a restart: comparing"), std::string::npos) << o.check.out;
  // Only Validate ran: no load, no initialize (which would have erased what is checked).
  EXPECT_FALSE(o.check.result.at("endpoints").contains("POST /initialize")) << o.check.result.at("endpoints").dump();
  EXPECT_TRUE(o.check.result.at("endpoints").contains("GET /api/users/:id/home"))
      << o.check.result.at("endpoints").dump();
}

TEST(isuchair_post_restart, a_webapp_that_keeps_writes_in_memory_loses_them_and_fails) {
  auto const o = run_restart_and_check({"--fault", "memory-only"});
  ASSERT_EQ(o.run.exit_code, 0) << o.run.out;  // while it runs, nothing shows
  EXPECT_EQ(o.check.exit_code, 1) << o.check.out;
  ASSERT_TRUE(o.check.result.is_object()) << o.check.out;
  EXPECT_EQ(o.check.result.at("post_restart_check"), true);
  EXPECT_EQ(o.check.result.at("verdict"), "fail");
  EXPECT_NE(o.check.out.find("FAIL: the check after a restart"), std::string::npos) << o.check.out;
  // The lost data is named: the master version the webapp had confirmed (the refresh) is gone.
  EXPECT_TRUE(some_message_holds(o.check.result.at("errors"), "after the restart; it had confirmed v2-1 before it"))
      << o.check.result.at("errors").dump(2).substr(0, 3000);
}

TEST(isuchair_post_restart, users_whose_writes_were_kept_in_memory_are_named) {
  // No refresh in the run: the master version is the initial one on both sides, and the users' figures differ.
  auto const o = run_restart_and_check({"--fault", "memory-only"},
                                       {"--duration", "4", "--refresh-after", "100", "--adjust-every", "1"});
  ASSERT_EQ(o.run.exit_code, 0) << o.run.out;
  EXPECT_EQ(o.check.exit_code, 1) << o.check.out;
  ASSERT_TRUE(o.check.result.is_object()) << o.check.out;
  auto const& errors = o.check.result.at("errors");
  EXPECT_TRUE(some_message_holds(errors, "$.user.coins: expected") ||
              some_message_holds(errors, "$.user.chairs: expected"))
      << errors.dump(2).substr(0, 3000);
}

TEST(isuchair_post_restart, a_state_file_of_another_contest_seed_or_shape_is_bad_usage_before_any_request) {
  auto const file = temp_path("crafted-state.json");
  // A saved user whose unreceived items are `unreceived`.
  auto const saved_user = [](json unreceived) {
    return json{{"id", 5},
                {"name", "u"},
                {"password", "p"},
                {"coins", 1},
                {"chairs", 0},
                {"draws", 0},
                {"unreceived", std::move(unreceived)}};
  };
  json const good_state = {{"master_version", "v1"}, {"users", json::array({saved_user(json::array())})}};
  auto const envelope = [&](json contest, json seed, json state) {
    return json{{"candar_state", 1}, {"contest", contest}, {"seed", seed}, {"state", state}}.dump();
  };
  struct bad_case {
    std::string name;
    std::string text;
    std::string says;
  };
  auto const deep = std::string(100'000, '[') + std::string(100'000, ']');  // deeper than a stack's recursion
  std::vector<bad_case> const cases = {
      {"contest not a string", R"({"candar_state": 1, "contest": 1, "seed": 1, "state": {}})", "saved by 1"},
      {"a deep format", R"({"candar_state": )" + deep + R"(, "contest": "isuchair-bench", "state": {}})",
       "state format a value of type array"},
      {"a deep seed", envelope("isuchair-bench", json::array({json::array({json::array()})}), good_state),
       "its seed is a value of type array"},
      {"a user twice",
       envelope("isuchair-bench", 1,
                {{"master_version", "v1"}, {"users", json::array({good_state["users"][0], good_state["users"][0]})}}),
       "user 5 twice"},
      {"another contest", envelope("tinysns-bench", 1, good_state), "saved by 'tinysns-bench'"},
      {"another seed", envelope("isuchair-bench", 7, good_state), "--seed 7, this run has --seed 1"},
      {"broken", envelope("isuchair-bench", 1, good_state).substr(0, 40), "not JSON"},
      {"not a state file", R"({"pass": true, "score": 3})", "not a state file"},
      {"users not a list", envelope("isuchair-bench", 1, {{"master_version", "v1"}, {"users", 3}}),
       "the contest cannot read its state"},
      {"an unknown item",
       envelope(
           "isuchair-bench", 1,
           {{"master_version", "v1"}, {"users", json::array({saved_user(json::array({json::array({1, 999, "x"})}))})}}),
       "item 999, which does not exist"},
  };
  for (auto const& c : cases) {
    write_text(file, c.text);
    // Nothing listens at the target: had a request gone out, the check would fail (exit 1), not exit 2.
    auto const r = run_bench("http://127.0.0.1:9", {"--validate-only", "--state", file, "--seed", "1"});
    EXPECT_EQ(r.exit_code, 2) << c.name << "\n" << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.name << "\n" << r.out;
  }
  // Without --seed, the check takes the file's: it goes on to its requests (which find nothing listening).
  write_text(file, envelope("isuchair-bench", 7, good_state));
  auto const adopted = run_bench("http://127.0.0.1:9", {"--validate-only", "--state", file});
  EXPECT_EQ(adopted.exit_code, 1) << adopted.out;
  ASSERT_TRUE(adopted.result.is_object()) << adopted.out;
  EXPECT_EQ(adopted.result.at("seed"), 7);
  auto const missing = run_bench("http://127.0.0.1:9", {"--validate-only", "--state", temp_path("none.json")});
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  auto const no_state = run_bench("http://127.0.0.1:9", {"--validate-only"});
  EXPECT_EQ(no_state.exit_code, 2) << no_state.out;
  EXPECT_NE(no_state.out.find("--validate-only needs --state FILE"), std::string::npos) << no_state.out;
  auto const stray = run_bench("http://127.0.0.1:9", {"--state", file});
  EXPECT_EQ(stray.exit_code, 2) << stray.out;
}

}  // namespace
}  // namespace isuchair::test
