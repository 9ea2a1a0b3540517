// Runs the built `candar` executable as a user would, against the scripted test server.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/version.hpp"
#include "support/http_server.hpp"
#include "support/nginx_server.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

struct run_result {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

run_result run(std::string const& args) {
  std::string const command = std::string(CANDAR_BIN) + " " + args + " 2>&1";
  run_result r;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  while (auto n = fread(buf, 1, sizeof buf, pipe)) r.out.append(buf, n);
  int const status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string temp_path(std::string const& name) { return ::testing::TempDir() + name; }

TEST(candar_cli, bad_usage_is_one_line_and_exit_2) {
  for (std::string const args : {"",
                                 "frobnicate",
                                 "load",
                                 "load http://127.0.0.1:1/ --bogus",
                                 "load http://127.0.0.1:1/ --connections 0",
                                 "load http://127.0.0.1:1/ --duration -1",
                                 "fetch",
                                 "fetch http://x --header nocolon",
                                 "load http://",
                                 "load ftp://h/",
                                 "fetch notaurl",
                                 "load http://127.0.0.1:1/ --rate 0",
                                 "load http://127.0.0.1:1/ --rate fast",
                                 "load http://127.0.0.1:1/ --stages 10",
                                 "load http://127.0.0.1:1/ --stages 10:0",
                                 "load http://127.0.0.1:1/ --stages 10:1,",
                                 "load http://127.0.0.1:1/ --stages 10:5 --duration 3",
                                 "load http://127.0.0.1:1/ --rate 5 --connections 5 --max-users 2",
                                 "load http://127.0.0.1:1/ --max-delay 1",
                                 "load http://127.0.0.1:1/ --streams 4",
                                 "load http://127.0.0.1:1/ --http2 --no-keepalive",
                                 "load http://127.0.0.1:1/ --http2 --streams 2 --rate 5",
                                 "worker",
                                 "worker --target http://127.0.0.1:1/",
                                 "worker --master 127.0.0.1:5557",
                                 "worker --master 127.0.0.1 --target http://127.0.0.1:1/",
                                 "worker --master 127.0.0.1:0 --target http://127.0.0.1:1/",
                                 "worker --master 127.0.0.1:70000 --target http://127.0.0.1:1/",
                                 "worker --master :5557 --target http://127.0.0.1:1/",
                                 "worker --master 'bad host:5557' --target http://127.0.0.1:1/",
                                 "worker --master 127.0.0.1:5557 --target ftp://x/",
                                 "worker --master 127.0.0.1:5557 --target http://127.0.0.1:1/ --master-timeout 0",
                                 "worker --master 127.0.0.1:5557 --target http://127.0.0.1:1/ extra"}) {
    auto const r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    if (!args.empty()) {
      EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << args << "\n" << r.out;
    }
  }
}

TEST(candar_cli, help_exits_0) {
  EXPECT_EQ(run("--help").exit_code, 0);
  auto const load = run("load --help");
  EXPECT_EQ(load.exit_code, 0);
  EXPECT_NE(load.out.find("--connections"), std::string::npos);
  EXPECT_EQ(run("fetch --help").exit_code, 0);
}

TEST(candar_cli, version_is_the_projects) {
  auto const r = run("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "candar " + std::string(version) + "\n");
}

std::string read_file(std::filesystem::path const& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(candar_cli, new_writes_a_starter_with_every_placeholder_filled) {
  auto const dir = std::filesystem::path(temp_path("candar-new-starter")) / "my-contest";
  std::filesystem::remove_all(dir.parent_path());
  auto const r = run("new " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (auto const* name : {"CMakeLists.txt", "CMakePresets.json", "README.md", ".gitignore", "contest.hpp", "main.cpp",
                           "prepare.cpp", "load.cpp", "validate.cpp"}) {
    auto const text = read_file(dir / name);
    EXPECT_FALSE(text.empty()) << name;
    EXPECT_EQ(text.find("@NAME"), std::string::npos) << name;
    EXPECT_EQ(text.find("@VERSION"), std::string::npos) << name;
    EXPECT_EQ(text.find("@PREFIX"), std::string::npos) << name;
    EXPECT_EQ(text.find("@NAMESPACE"), std::string::npos) << name;
  }
  auto const cmake = read_file(dir / "CMakeLists.txt");
  EXPECT_NE(cmake.find("project(my-contest LANGUAGES CXX)"), std::string::npos) << cmake;
  EXPECT_NE(cmake.find(fmt::format("find_package(candar {}.{} CONFIG REQUIRED HINTS $ENV{{CANDAR_PREFIX}})",
                                   version_major, version_minor)),
            std::string::npos)
      << cmake;
  EXPECT_NE(cmake.find("candar_add_benchmarker(my-contest-bench "), std::string::npos) << cmake;
  // The namespace is the name's, never one libc or C++ has (poll, time, ...): my_contest_bench.
  EXPECT_NE(read_file(dir / "contest.hpp").find("namespace my_contest_bench {"), std::string::npos);
  EXPECT_NE(read_file(dir / "main.cpp").find("\"Benchmarks the my-contest webapp.\""), std::string::npos);
  EXPECT_NE(read_file(dir / "README.md").find("5 invalid"), std::string::npos);
  // Nothing machine-specific in what the author commits: the prefix comes from the environment.
  EXPECT_EQ(read_file(dir / "CMakePresets.json").find("CMAKE_PREFIX_PATH"), std::string::npos);
  EXPECT_NE(read_file(dir / ".gitignore").find("build/"), std::string::npos);
  // Run from the build tree, not an installed prefix: the command says so.
  EXPECT_NE(r.out.find("not an installed one"), std::string::npos) << r.out;
}

TEST(candar_cli, new_refuses_a_folder_in_use_and_names_that_cannot_be_a_program) {
  auto const base = std::filesystem::path(temp_path("candar-new-refusals"));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base / "used");
  std::ofstream(base / "used" / "notes.txt") << "mine";
  auto const used = run("new " + (base / "used").string());
  EXPECT_EQ(used.exit_code, 2) << used.out;
  EXPECT_NE(used.out.find("not an empty folder"), std::string::npos) << used.out;
  EXPECT_EQ(read_file(base / "used" / "notes.txt"), "mine");
  for (std::string const name : {"My Contest", "9lives", "a/b", "-x", "caf\u00e9"}) {
    auto const r = run("new " + (base / "fresh").string() + " --name '" + name + "'");
    EXPECT_EQ(r.exit_code, 2) << name << "\n" << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    EXPECT_FALSE(std::filesystem::exists(base / "fresh")) << name;
  }
  auto const empty = run("new " + (base / "empty").string() + "/ --name tinysns2");  // a trailing '/' is fine
  EXPECT_EQ(empty.exit_code, 0) << empty.out;
  EXPECT_TRUE(std::filesystem::exists(base / "empty" / "contest.hpp"));
  // The namespace and the program come from --name, not from the folder.
  EXPECT_NE(read_file(base / "empty" / "contest.hpp").find("namespace tinysns2_bench {"), std::string::npos);
  EXPECT_NE(read_file(base / "empty" / "CMakeLists.txt").find("candar_add_benchmarker(tinysns2-bench "),
            std::string::npos);
  EXPECT_EQ(read_file(base / "empty" / "contest.hpp").find("empty"), std::string::npos);
}

TEST(candar_cli, load_reports_what_it_measured) {
  test::http_server server(
      [](test::seen_request const& r) { return test::reply{.status = r.target == "/" ? 200 : 404, .body = "hello"}; });
  auto const json_file = temp_path("candar_load.json");
  auto const r = run("load " + server.url() + "/ --duration 0.5 --connections 3 --threads 1 --json " + json_file);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Status:    200: "), std::string::npos) << r.out;
  std::ifstream in(json_file);
  auto const j = nlohmann::json::parse(in);
  auto const requests = j.at("requests").get<std::uint64_t>();
  EXPECT_GT(requests, 0U);
  EXPECT_EQ(j.at("status").at("200").get<std::uint64_t>(), requests);
  EXPECT_EQ(j.at("body_bytes").get<std::uint64_t>(), requests * 5);
  EXPECT_EQ(j.at("connections"), 3);
  EXPECT_TRUE(j.at("errors").empty());
  // Keep-alive: three users, at most three connections, however many requests.
  EXPECT_LE(server.connections_accepted(), 3U);
  EXPECT_GT(requests, 3U);
  EXPECT_GE(server.requests_served(), requests);
}

TEST(candar_cli, load_at_a_rate_sends_every_due_request_or_counts_it_dropped) {
  test::http_server server([](test::seen_request const&) { return test::reply{.body = "hi"}; });
  auto const json_file = temp_path("candar_rate.json");
  auto const r =
      run("load " + server.url() + "/ --rate 200 --duration 0.5 --connections 4 --threads 1 --json " + json_file);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Rate:      100 due"), std::string::npos) << r.out;
  std::ifstream in(json_file);
  auto const j = nlohmann::json::parse(in);
  auto const& rate = j.at("rate");
  EXPECT_EQ(rate.at("due"), 100);  // 200/s for 0.5 s, whatever the machine did meanwhile
  EXPECT_EQ(rate.at("started").get<std::int64_t>() + rate.at("dropped_iterations").get<std::int64_t>(), 100);
  EXPECT_LE(j.at("requests").get<std::int64_t>(), rate.at("started").get<std::int64_t>());
  EXPECT_LE(server.requests_served(), 100U);
  EXPECT_GT(j.at("latency_from_due_us").at("max").get<std::int64_t>(), 0);
}

TEST(candar_cli, a_server_that_stalls_shows_in_the_latency_from_when_requests_were_due_and_not_in_the_other) {
  // The server holds everything it gets in its first second, then answers at once: four users are stuck in
  // that second while the requests due meanwhile wait for them (--max-delay) and go out late.
  std::mutex m;
  std::optional<std::chrono::steady_clock::time_point> first;
  test::http_server server([&](test::seen_request const&) {
    std::lock_guard lock(m);
    auto const now = std::chrono::steady_clock::now();
    if (!first) first = now;
    auto const held = *first + std::chrono::seconds(1) - now;
    return test::reply{
        .body = "ok",
        .delay = std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(held))};
  });
  auto const json_file = temp_path("candar_stall.json");
  auto const r =
      run("load " + server.url() +
          "/ --rate 200 --duration 3 --connections 4 --max-delay 3 --timeout 5 --threads 1 --json " + json_file);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(json_file);
  auto const j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("rate").at("due"), 600);
  // About a third of the requests were due in the stalled second: from when they were due, the upper tenth
  // waited most of it. From when they were sent, only the four stuck ones did: not even 1 %.
  EXPECT_GE(j.at("latency_from_due_us").at("p90").get<std::int64_t>(), 500'000) << r.out;
  EXPECT_LT(j.at("latency_us").at("p99").get<std::int64_t>(), 500'000) << r.out;
  EXPECT_GE(j.at("latency_us").at("max").get<std::int64_t>(), 500'000) << r.out;  // the stuck ones are there
}

TEST(candar_cli, load_over_h2c_sends_several_streams_on_each_users_connection) {
  // keepalive_requests: nginx ends a connection with GOAWAY after that many requests (1,000 by default).
  test::nginx_server nginx("keepalive_requests 1000000; location = /status { stub_status; }", {.http2 = true});
  nginx.write_file("index.html", "hello");
  auto const json_file = temp_path("candar_h2.json");
  auto const r = run("load " + nginx.url() +
                     "/index.html --http2 --streams 4 --connections 2 --duration 0.5 --threads 1 --json " + json_file);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2 connections, 1 threads, keep-alive on, HTTP/2, 4 streams each"), std::string::npos) << r.out;
  std::ifstream in(json_file);
  auto const j = nlohmann::json::parse(in);
  auto const requests = j.at("requests").get<std::uint64_t>();
  EXPECT_GT(requests, 8U);
  EXPECT_EQ(j.at("h2_responses").get<std::uint64_t>(), requests);
  EXPECT_EQ(j.at("status").at("200").get<std::uint64_t>(), requests);
  // nginx counted the connections it accepted: its start-up probe's, the load's two, and this one.
  std::string status;
  test::with_agent({.base_url = nginx.url(), .http2 = http2_use::always},
                   [&](agent& a) -> boost::asio::awaitable<void> {
                     auto res = co_await a.get("/status").send();
                     if (res) status = res->body;
                   });
  EXPECT_NE(status.find("server accepts handled requests\n 4 4 "), std::string::npos) << status;
  // candar fetch says which protocol answered.
  auto const fetched = run("fetch " + nginx.url() + "/index.html --http2 --json");
  ASSERT_EQ(fetched.exit_code, 0) << fetched.out;
  EXPECT_EQ(nlohmann::json::parse(fetched.out).at("protocol"), "h2") << fetched.out;
  auto const text = run("fetch " + nginx.url() + "/index.html --http2");
  EXPECT_NE(text.out.find("\nprotocol: HTTP/2\n"), std::string::npos) << text.out;
}

TEST(candar_cli, load_without_keepalive_opens_a_connection_per_request) {
  test::http_server server([](test::seen_request const&) { return test::reply{}; });
  auto const r = run("load " + server.url() + "/ --duration 0.3 --connections 2 --threads 1 --no-keepalive");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // One connection per request; the load may end between a connection's accept and its request.
  EXPECT_GE(server.connections_accepted(), server.requests_served());
  EXPECT_LE(server.connections_accepted(), server.requests_served() + 2);
  EXPECT_GT(server.requests_served(), 2U);
}

TEST(candar_cli, load_against_nothing_exits_1_with_connection_errors) {
  auto const r =
      run("load http://127.0.0.1:" + std::to_string(test::closed_port()) + "/ --duration 0.2 --connections 1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("connection: "), std::string::npos) << r.out;
}

TEST(candar_cli, fetch_shows_status_and_headers) {
  test::http_server server([](test::seen_request const&) {
    return test::reply{.status = 418, .headers = {{"X-Kind", "teapot"}, {"X-Tea", "green"}}, .body = "short and stout"};
  });
  auto const text = run("fetch " + server.url() + "/pot");
  EXPECT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("418 " + server.url() + "/pot"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("X-Kind: teapot"), std::string::npos) << text.out;
  auto const json = run("fetch " + server.url() + "/pot --json --header 'X-A: 1'");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  auto const j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j.at("status"), 418);
  EXPECT_EQ(j.at("body_bytes"), 15);
}

TEST(candar_cli, fetch_with_resources_lists_what_the_page_loads) {
  test::http_server server([](test::seen_request const& r) {
    if (r.target == "/") {
      return test::reply{.headers = {{"Set-Cookie", "sid=1; Path=/"}},
                         .body = "<html><link rel=stylesheet href=/a.css><img src=/b.png></html>"};
    }
    return test::reply{.status = r.target == "/b.png" ? 404 : 200, .body = "x"};
  });
  auto const text = run("fetch " + server.url() + "/ --resources");
  EXPECT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("resources: 2"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("stylesheet 200 " + server.url() + "/a.css"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("image      404 " + server.url() + "/b.png"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("sid (domain 127.0.0.1, host only, path /)"), std::string::npos) << text.out;
  auto const json = run("fetch " + server.url() + "/ --resources --json");
  auto const j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j.at("resources").size(), 2U);
  EXPECT_EQ(j.at("cookies").at(0).at("name"), "sid");
}

// A Latin-1 header value and a body that is not UTF-8: the JSON is written, with U+FFFD for the bad bytes.
TEST(candar_cli, fetch_json_of_bytes_that_are_not_utf8_is_valid_json) {
  test::http_server server([](test::seen_request const&) {
    return test::reply{.headers = {{"X-Note", "caf\xe9"}}, .body = "\xff\xfe\x82\xa0"};
  });
  auto const json = run("fetch " + server.url() + "/ --json");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  auto const j = nlohmann::json::parse(json.out);
  EXPECT_NE(j.dump().find("caf\xEF\xBF\xBD"), std::string::npos) << json.out;
}

// A page nested 100,000 deep loads its resources, the one at the bottom too.
TEST(candar_cli, fetch_resources_of_a_page_nested_100000_deep) {
  std::string page = "<html><body>";
  for (int i = 0; i < 100'000; ++i) page += "<div>";
  page += "<img src=/deep.png>";
  test::http_server server(
      [&](test::seen_request const& r) { return test::reply{.body = r.target == "/" ? page : "x"}; });
  auto const text = run("fetch " + server.url() + "/ --resources");
  EXPECT_EQ(text.exit_code, 0) << text.out.substr(0, 2000);
  EXPECT_NE(text.out.find("image      200 " + server.url() + "/deep.png"), std::string::npos)
      << text.out.substr(0, 2000);
}

TEST(candar_cli, fetch_of_a_dead_target_exits_1) {
  auto const r = run("fetch http://127.0.0.1:" + std::to_string(test::closed_port()) + "/");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("connection"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace candar
