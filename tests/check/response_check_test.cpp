#include "candar/check/response_check.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "candar/agent/agent.hpp"
#include "candar/check/asset_table.hpp"
#include "candar/check/json_difference.hpp"
#include "support/http_server.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using test::http_server;
using test::reply;
using test::seen_request;

std::string summary(std::optional<error> const& e) { return e ? e->summary() : "ok"; }

// Responses from a real server, so that URLs, headers and bodies are what the agent makes of them.
class response_check_test : public ::testing::Test {
 protected:
  http_server server{[](seen_request const& r) {
    if (r.target == "/api/me") {
      return reply{.headers = {{"Content-Type", "Application/JSON; charset=utf-8"}, {"ETag", "\"v1\""}},
                   .body = R"({"user":{"id":7,"name":"isu","chairs":20},"items":[1,2]})"};
    }
    if (r.target == "/login") return reply{.status = 302, .headers = {{"Location", "./home?x=1"}}};
    if (r.target == "/posts") return reply{.status = 303, .headers = {{"Location", "/posts/42?new=1"}}};
    if (r.target == "/posts/named") return reply{.status = 302, .headers = {{"Location", "posts/caf%C3%A9"}}};
    if (r.target == "/posts/elsewhere")
      return reply{.status = 302, .headers = {{"Location", "http://127.0.0.2:1/posts/7"}}};
    if (r.target == "/logout") return reply{.status = 303, .headers = {{"Location", "/"}}};
    if (r.target == "/posts/huge")
      return reply{.status = 302, .headers = {{"Location", "/posts/99999999999999999999"}}};
    if (r.target == "/static/app.css") return reply{.headers = {{"Content-Type", "text/css"}}, .body = "body{}"};
    if (r.target == "/static/cheat.css") return reply{.body = "x"};
    return reply{.status = 500, .body = "<html>oops</html>"};
  }};

  std::vector<outcome> fetch_all(std::vector<std::string> const& targets) {
    std::vector<outcome> out;
    test::with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
      for (auto const& t : targets) out.push_back(co_await a.get(t).send());
    });
    return out;
  }
};

TEST_F(response_check_test, status_headers_and_content_type) {
  auto const r = fetch_all({"/api/me", "/broken"});
  EXPECT_EQ(summary(check(r[0], "GET /api/me", expect::status(200), expect::content_type("application/json"),
                          expect::header("ETag"), expect::header("ETag", "\"v1\""))),
            "ok");
  EXPECT_EQ(summary(check(r[1], "GET /broken", expect::status(200))),
            "status: GET /broken: expected status 200, got 500");
  EXPECT_EQ(summary(check(r[1], "GET /broken", expect::status({200, 201}))),
            "status: GET /broken: expected status 200 or 201, got 500");
  EXPECT_EQ(summary(check(r[0], "GET /api/me", expect::header("Cache-Control"))),
            "header: GET /api/me: no Cache-Control header");
  EXPECT_EQ(summary(check(r[0], "GET /api/me", expect::header("ETag", "\"v2\""))),
            "header: GET /api/me: ETag: expected '\"v2\"', got '\"v1\"'");
  EXPECT_EQ(summary(check(r[1], "GET /broken", expect::content_type("application/json"))),
            "content-type: GET /broken: no Content-Type (expected application/json)");
}

TEST_F(response_check_test, json_into_shape_and_values) {
  auto const r = fetch_all({"/api/me", "/broken"});
  nlohmann::json body;
  EXPECT_FALSE(check(r[0], "GET /api/me", expect::status(200), expect::json_into(body)));
  EXPECT_EQ(body["user"]["name"], "isu");
  nlohmann::json const shape = {{"user", {{"id", "integer"}, {"name", "string"}}},
                                {"items", nlohmann::json::array({"integer"})}};
  EXPECT_EQ(summary(check(r[0], "GET /api/me", expect::json_shape(shape))), "ok");
  nlohmann::json const wrong_shape = {{"user", {{"name", "integer"}}}};
  EXPECT_EQ(summary(check(r[0], "GET /api/me", expect::json_shape(wrong_shape))),
            "json: GET /api/me: $.user.name: expected integer, got string");
  nlohmann::json const model = {{"user", {{"chairs", 19}}}};
  EXPECT_EQ(summary(check(r[0], "GET /api/users/:id/home", expect::json_values(model))),
            "json: GET /api/users/:id/home: $.user.chairs: expected 19, got 20");
  EXPECT_EQ(summary(check(r[1], "GET /broken", expect::json_into(body))),
            "json: GET /broken: the body is not JSON (17 bytes: '<html>oops</html>')");
  // The first failing check decides, in the order written.
  EXPECT_EQ(summary(check(r[1], "GET /broken", expect::status(200), expect::json_into(body))),
            "status: GET /broken: expected status 200, got 500");
}

TEST_F(response_check_test, redirects_bodies_and_failures_to_get_a_response) {
  auto const r = fetch_all({"/login", "/api/me"});
  EXPECT_EQ(summary(check(r[0], "POST /login", expect::redirect_to("/home?x=1"))), "ok");
  EXPECT_EQ(summary(check(r[0], "POST /login", expect::redirect_to(server.url() + "/home?x=1"))), "ok");
  EXPECT_EQ(summary(check(r[0], "POST /login", expect::redirect_to("/"))),
            "redirect: POST /login: expected a redirect to /, got one to ./home?x=1");
  EXPECT_EQ(summary(check(r[1], "GET /api/me", expect::redirect_to("/"))),
            "redirect: GET /api/me: expected a redirect to /, got status 200");
  EXPECT_EQ(
      summary(check(r[1], "GET /api/me", expect::body_matches([](std::string_view b) -> std::optional<std::string> {
                      if (b.find("isu") != std::string_view::npos) return std::nullopt;
                      return "no user name";
                    }))),
      "ok");
  outcome const failed = error("timeout", "no response in 1s");
  EXPECT_EQ(summary(check(failed, "GET /slow", expect::status(200))), "timeout: GET /slow: no response in 1s");
}

// The id the webapp chose, read back from where it sends the browser (a new post's page).
TEST_F(response_check_test, a_redirect_matching_a_pattern_gives_its_id) {
  auto const r =
      fetch_all({"/posts", "/posts/named", "/posts/elsewhere", "/posts/huge", "/login", "/api/me", "/logout"});
  std::int64_t id = 0;
  EXPECT_EQ(summary(check(r[0], "POST /posts", expect::redirect_matching("/posts/:id", &id))), "ok");
  EXPECT_EQ(id, 42);
  std::string name;
  EXPECT_EQ(summary(check(r[1], "POST /posts", expect::redirect_matching("/posts/posts/:name", &name))), "ok");
  EXPECT_EQ(name, "caf\xC3\xA9");  // decoded
  EXPECT_EQ(summary(check(r[1], "POST /posts", expect::redirect_matching("/posts/posts/:id", &id))),
            "redirect: POST /posts: expected a redirect to /posts/posts/:id with a number for :id, got 'caf\xC3\xA9'");
  EXPECT_EQ(summary(check(r[2], "POST /posts", expect::redirect_matching("/posts/:id", &id))),
            "redirect: POST /posts: expected a redirect to /posts/:id, got one to http://127.0.0.2:1/posts/7");
  EXPECT_EQ(
      summary(check(r[3], "POST /posts", expect::redirect_matching("/posts/:id", &id))),
      "redirect: POST /posts: expected a redirect to /posts/:id with a number for :id, got '99999999999999999999'");
  EXPECT_EQ(summary(check(r[4], "POST /login", expect::redirect_matching("/posts/:id", &id))),
            "redirect: POST /login: expected a redirect to /posts/:id, got one to ./home?x=1");
  EXPECT_EQ(summary(check(r[5], "GET /api/me", expect::redirect_matching("/posts/:id", &id))),
            "redirect: GET /api/me: expected a redirect to /posts/:id, got status 200");
  EXPECT_EQ(summary(check(r[4], "POST /login", expect::redirect_matching("/home"))), "ok");
  int small = 0;
  EXPECT_EQ(summary(check(r[0], "POST /posts", expect::redirect_matching("/posts/:id", &small))), "ok");
  EXPECT_EQ(small, 42);
  EXPECT_EQ(summary(check(r[6], "POST /logout", expect::redirect_matching("/"))), "ok");
  EXPECT_EQ(id, 42);  // untouched by the failures
  EXPECT_THROW((void)expect::redirect_matching("posts/:id"), std::invalid_argument);
  EXPECT_THROW((void)expect::redirect_matching("/a/:x/:y"), std::invalid_argument);
  EXPECT_THROW((void)expect::redirect_matching("/posts", &id), std::invalid_argument);
}

TEST_F(response_check_test, assets_are_verified_by_hash) {
  asset_table assets;
  assets.add("/static/app.css", "body{}").add("/static/cheat.css", "the real stylesheet");
  auto const r = fetch_all({"/static/app.css", "/static/cheat.css", "/api/me"});
  EXPECT_EQ(summary(check(r[0], "GET /static/*", expect::status(200), expect::asset(assets))), "ok");
  auto const cheat = summary(check(r[1], "GET /static/*", expect::asset(assets)));
  EXPECT_EQ(cheat.substr(0, 74), "asset: GET /static/*: the body differs from the expected asset: 1 bytes, s");
  EXPECT_NE(cheat.find("expected 19 bytes"), std::string::npos) << cheat;
  EXPECT_EQ(summary(check(r[2], "GET /api/me", expect::asset(assets))),
            "asset: GET /api/me: no asset is expected at /api/me");
}

TEST(asset_table, reads_a_folder_and_hashes_with_sha256) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto const dir = std::filesystem::temp_directory_path() / ("candar-assets-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "css");
  { std::ofstream(dir / "css" / "a.css", std::ios::binary) << "a{}"; }
  { std::ofstream(dir / "logo.png", std::ios::binary) << std::string("\x89PNG\0\x01", 6); }
  auto const t = asset_table::from_directory(dir, "/static");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(t.size(), 2U);
  ASSERT_TRUE(t.find("/static/css/a.css").has_value());
  for (auto const* const root : {"/", ""}) {
    std::filesystem::create_directories(dir / "css");
    { std::ofstream(dir / "css" / "a.css", std::ios::binary) << "a{}"; }
    auto const at_root = asset_table::from_directory(dir, root);
    std::filesystem::remove_all(dir);
    EXPECT_TRUE(at_root.find("/css/a.css").has_value()) << "prefix '" << root << "'";
  }
  EXPECT_EQ(t.find("/static/logo.png")->size, 6U);
  EXPECT_FALSE(t.verify("/static/logo.png", std::string("\x89PNG\0\x01", 6)).has_value());
  EXPECT_THROW(asset_table::from_directory(dir, "/static"), std::runtime_error);
}

// The prefix rules asset_table.hpp states: a '/' after the prefix when missing, nothing else added; hidden files
// count; a link to a file is followed, a link to a folder is not.
TEST(asset_table, the_url_prefix_and_the_files_it_takes) {
  auto const dir = std::filesystem::temp_directory_path() / ("candar-asset-rules-" + std::to_string(::getpid()));
  auto const outside = std::filesystem::temp_directory_path() / ("candar-asset-outside-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(outside);
  std::filesystem::create_directories(dir / "css");
  std::filesystem::create_directories(outside / "more");
  { std::ofstream(dir / "css" / "a.css", std::ios::binary) << "a{}"; }
  { std::ofstream(dir / ".well-known", std::ios::binary) << "hidden"; }
  { std::ofstream(outside / "real.js", std::ios::binary) << "js()"; }
  { std::ofstream(outside / "more" / "b.js", std::ios::binary) << "b()"; }
  std::filesystem::create_symlink(outside / "real.js", dir / "linked.js");
  std::filesystem::create_directory_symlink(outside / "more", dir / "more");
  auto const slash = asset_table::from_directory(dir, "/static/");
  auto const bare = asset_table::from_directory(dir.string() + "/", "static");  // the folder with a '/' too
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(outside);
  EXPECT_TRUE(slash.find("/static/css/a.css").has_value());  // no doubled '/'
  EXPECT_FALSE(slash.find("/static//css/a.css").has_value());
  EXPECT_TRUE(bare.find("static/css/a.css").has_value());  // no leading '/' added
  EXPECT_FALSE(bare.find("/static/css/a.css").has_value());
  EXPECT_TRUE(slash.find("/static/.well-known").has_value());
  ASSERT_TRUE(slash.find("/static/linked.js").has_value());
  EXPECT_EQ(slash.find("/static/linked.js")->size, 4U);  // the file linked to
  EXPECT_FALSE(slash.find("/static/more/b.js").has_value());
  EXPECT_EQ(slash.size(), 3U);
}

TEST(json_difference, shapes_with_named_types_and_values) {
  nlohmann::json const types = {{"user", {{"id", "integer"}}}};
  EXPECT_FALSE(json_shape_difference({{"u", "#user"}, {"n", "number"}}, {{"u", {{"id", 1}}}, {"n", 2}}, &types));
  EXPECT_EQ(json_shape_difference({{"u", "#user"}}, {{"u", {{"id", "1"}}}}, &types),
            "$.u.id: expected integer, got string");
  EXPECT_EQ(json_shape_difference({{"u", "#nobody"}}, {{"u", 1}}, &types), "$.u: no type named '#nobody'");
  EXPECT_EQ(json_shape_difference(nlohmann::json::array({"string"}), {"a", 3}), "$[1]: expected string, got integer");
  EXPECT_EQ(json_value_difference({1, 2}, {1, 2, 3}), "$: expected 2 elements, got 3");
  EXPECT_EQ(json_value_difference({{"a", {{"b", "x"}}}}, {{"a", {}}}), "$.a: expected an object, got null");
}

}  // namespace
}  // namespace candar
