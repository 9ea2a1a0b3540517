// The guide's contest (benchmarker/tinysns, docs/writing-a-benchmarker.md) run as a contestant runs it: the
// built tinysns-bench against a local tinysns webapp, honest and cheating; and the guide's code excerpts
// checked against the source, so that the guide cannot drift from what is compiled and run here.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/tinysns_server.hpp"
#include "tinysns_files.hpp"

namespace candar::test {
namespace {

using json = nlohmann::json;

std::string const& assets = tinysns_assets;

struct bench_run {
  int exit_code = -1;
  std::string out;
  json result;
};

// tinysns-bench against `app`, its JSON result read back.
bench_run run_bench(tinysns_server const& app, std::vector<std::string> const& extra) {
  auto const file = ::testing::TempDir() + "tinysns-" + std::to_string(::getpid()) + ".json";
  std::remove(file.c_str());
  std::vector<std::string> argv{TINYSNS_BENCH_BIN, "--target", app.url(),    "--threads", "2", "--assets", assets,
                                "--result",        file,       "--progress", "none"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  child_process bench(argv);
  bench_run r;
  r.exit_code = bench.wait();
  r.out = bench.output();
  std::ifstream in(file);
  if (in) r.result = json::parse(in, nullptr, false);
  return r;
}

bench_run run_against(tinysns_server::cheat c) {
  tinysns_server app(read_file(assets + "/style.css"), c);
  return run_bench(app, {"--duration", "2"});
}

TEST(guide_tinysns, an_honest_webapp_passes_with_logins_posts_and_timelines_scored) {
  auto const r = run_against(tinysns_server::cheat::none);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_TRUE(r.result.at("pass").get<bool>());
  auto const& b = r.result.at("breakdown");
  EXPECT_GT(b.at("login").at("count").get<int>(), 0) << r.out;
  EXPECT_GT(b.at("post").at("count").get<int>(), 0) << r.out;
  EXPECT_GT(b.at("timeline").at("count").get<int>(), 0) << r.out;
  EXPECT_EQ(r.result.at("errors").at("total").get<int>(), 0) << r.out;
  // Returning users: fewer logins than visits (their session cookie came back).
  EXPECT_LT(b.at("login").at("count").get<int>(), b.at("post").at("count").get<int>()) << r.out;
  // One row per endpoint: the images' ids are not in the labels.
  EXPECT_TRUE(r.result.at("endpoints").contains("GET /image/:id")) << r.result.at("endpoints").dump();
  EXPECT_TRUE(r.result.at("endpoints").contains("GET (page resources)")) << r.result.at("endpoints").dump();
}

TEST(guide_tinysns, placeholder_images_are_caught_by_their_bytes) {
  auto const r = run_against(tinysns_server::cheat::placeholder_images);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_GT(r.result.at("errors").at("by_code").value("body", 0), 0) << r.out;
  EXPECT_GT(r.result.at("errors").at("by_category").value("validation", 0), 0) << r.out;
  EXPECT_NE(r.out.find("GET /image/:id: the body differs"), std::string::npos) << r.out;
}

TEST(guide_tinysns, a_timeline_served_from_a_stale_copy_is_caught) {
  auto const r = run_against(tinysns_server::cheat::stale_timeline);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("the new post is not on the timeline"), std::string::npos) << r.out;
}

TEST(guide_tinysns, a_wrong_stylesheet_fails_prepare) {
  tinysns_server app("body{}", tinysns_server::cheat::none);
  child_process bench(
      {TINYSNS_BENCH_BIN, "--target", app.url(), "--duration", "1", "--assets", assets, "--progress", "none"});
  EXPECT_EQ(bench.wait(), 1) << bench.output();
  EXPECT_NE(bench.output().find("GET /static/style.css: the body differs from the expected asset"), std::string::npos)
      << bench.output();
}

TEST(guide_tinysns, a_login_that_accepts_a_forged_csrf_token_fails) {
  auto const r = run_against(tinysns_server::cheat::no_csrf_check);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("POST /login with a forged csrf_token: expected status 400 or 403 or 422, got 302"),
            std::string::npos)
      << r.out;
}

// The check after a restart, as the guide shows it: a run saves its users and their confirmed posts, the
// webapp restarts on the same database, and Validate alone checks those posts there.
struct restart_runs {
  bench_run run;
  bench_run check;
};

restart_runs run_restart_and_check(tinysns_server::cheat c) {
  auto const db = std::make_shared<tinysns_server::database>();
  auto const state = ::testing::TempDir() + "tinysns-state-" + std::to_string(::getpid()) + ".json";
  restart_runs r;
  {
    tinysns_server before(read_file(assets + "/style.css"), c, db);
    r.run = run_bench(before, {"--duration", "2", "--save-state", state});
  }
  tinysns_server after(read_file(assets + "/style.css"), c, db);  // the restart: the same database
  r.check = run_bench(after, {"--validate-only", "--state", state});
  return r;
}

TEST(guide_tinysns, posts_survive_a_restart_of_an_honest_webapp) {
  auto const r = run_restart_and_check(tinysns_server::cheat::none);
  ASSERT_EQ(r.run.exit_code, 0) << r.run.out;
  EXPECT_EQ(r.check.exit_code, 0) << r.check.out;
  ASSERT_TRUE(r.check.result.is_object()) << r.check.out;
  EXPECT_EQ(r.check.result.at("post_restart_check"), true);
  // Validate read posts back by the ids the webapp redirected to.
  EXPECT_GT(r.check.result.at("endpoints").at("GET /posts/:id").at("requests").get<int>(), 0)
      << r.check.result.at("endpoints").dump();
}

TEST(guide_tinysns, posts_kept_in_memory_are_lost_by_a_restart_and_caught) {
  auto const r = run_restart_and_check(tinysns_server::cheat::memory_only);
  ASSERT_EQ(r.run.exit_code, 0) << r.run.out;  // nothing shows before the restart
  EXPECT_EQ(r.check.exit_code, 1) << r.check.out;
  EXPECT_NE(r.check.out.find("validate > status: GET /posts/:id: expected status 200, got 404"), std::string::npos)
      << r.check.out;
}

TEST(guide_tinysns, a_missing_assets_folder_is_bad_usage) {
  child_process bench({TINYSNS_BENCH_BIN, "--target", "http://127.0.0.1:1", "--assets", "/nonexistent-assets"});
  EXPECT_EQ(bench.wait(), 2) << bench.output();
  EXPECT_NE(bench.output().find("--assets: no folder /nonexistent-assets"), std::string::npos) << bench.output();
}

// Every ```cpp block of the guide is a [guide:NAME] excerpt of the contest's source, word for word.
TEST(guide_tinysns, the_guide_quotes_the_source_it_runs) {
  auto const guide = read_file(std::string(CANDAR_SOURCE_DIR) + "/docs/writing-a-benchmarker.md");
  auto const source = read_file(std::string(CANDAR_SOURCE_DIR) + "/benchmarker/tinysns/main.cpp");
  ASSERT_FALSE(guide.empty());
  std::regex const block("```cpp\n([\\s\\S]*?)```");
  int blocks = 0;
  for (std::sregex_iterator it(guide.begin(), guide.end(), block), end; it != end; ++it, ++blocks) {
    auto const code = (*it)[1].str();
    EXPECT_NE(source.find(code), std::string::npos) << "this block of the guide is not in main.cpp:\n" << code;
  }
  EXPECT_GE(blocks, 5);
}

// Every ```cpp block of the README is compiled against <candar/candar.hpp> alone: the guide's contest's, or
// tests/docs/readme_snippets.cpp's, word for word.
TEST(guide_tinysns, the_readme_quotes_code_that_compiles_against_the_one_include) {
  auto const readme = read_file(std::string(CANDAR_SOURCE_DIR) + "/README.md");
  auto const source = read_file(std::string(CANDAR_SOURCE_DIR) + "/benchmarker/tinysns/main.cpp");
  auto const snippets = read_file(std::string(CANDAR_SOURCE_DIR) + "/tests/docs/readme_snippets.cpp");
  ASSERT_FALSE(readme.empty());
  for (auto const* file : {&source, &snippets}) {
    auto const includes = std::regex("#include [<\"]candar/[^>\"]*[>\"]");
    std::vector<std::string> found;
    for (std::sregex_iterator it(file->begin(), file->end(), includes), end; it != end; ++it)
      found.push_back(it->str());
    EXPECT_EQ(found, std::vector<std::string>{"#include <candar/candar.hpp>"});
  }
  std::regex const block("```cpp\n([\\s\\S]*?)```");
  int blocks = 0;
  for (std::sregex_iterator it(readme.begin(), readme.end(), block), end; it != end; ++it, ++blocks) {
    auto const code = (*it)[1].str();
    EXPECT_TRUE(source.find(code) != std::string::npos || snippets.find(code) != std::string::npos)
        << "this block of the README is compiled nowhere:\n"
        << code;
  }
  EXPECT_GE(blocks, 2);
}

}  // namespace
}  // namespace candar::test
