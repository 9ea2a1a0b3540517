// The ready main when the run will not end cleanly: the result is written before the event loops are stopped,
// the watchdog stays armed until they are joined, and std::terminate writes what is known. Exit 3 each time.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"

namespace candar {
namespace {

struct outcome {
  int exit_code = -1;
  std::string out;
  nlohmann::json result;
};

outcome run_stuck(std::string const& mode, std::string const& name) {
  auto const file = ::testing::TempDir() + "stuck-" + std::to_string(getpid()) + "-" + name + ".json";
  std::remove(file.c_str());
  test::child_process bench({STUCK_BENCH_BIN, "--target", "http://127.0.0.1:9", "--result", file, "--progress", "plain",
                             "--threads", "2", "--duration", "1", mode});
  outcome o;
  o.exit_code = bench.wait();
  o.out = bench.output();
  std::ifstream in(file);
  if (in) o.result = nlohmann::json::parse(in, nullptr, false);
  return o;
}

TEST(benchmarker_app, a_loop_stuck_after_load_ends_in_exit_3_with_the_whole_result_written) {
  auto const r = run_stuck("--stuck-loop", "loop");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_EQ(r.result.at("exit_code"), 3);
  EXPECT_EQ(r.result.at("verdict"), "internal-error");
  EXPECT_NE(r.result.at("internal_error").get<std::string>().find("did not stop after the run"), std::string::npos)
      << r.result.dump(2).substr(0, 2000);
  EXPECT_TRUE(r.result.contains("timeline"));  // the whole result, written before the loops were joined
  EXPECT_EQ(r.result.at("breakdown").at("tick").at("count"), 1);
}

TEST(benchmarker_app, an_error_hook_throwing_on_a_loop_ends_in_exit_3_naming_it) {
  auto const r = run_stuck("--throw-in-hook", "hook");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_EQ(r.result.at("exit_code"), 3);
  EXPECT_NE(r.result.at("internal_error").get<std::string>().find("terminate: hook exploded"), std::string::npos)
      << r.result.dump(2).substr(0, 2000);
}

}  // namespace
}  // namespace candar
