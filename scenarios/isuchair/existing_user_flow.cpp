// The existing user's flow: the page with its static files, home, reward, presents, gacha; and what
// Validate's pass and the refusal probes share with it (flow_parts.hpp).
#include "flows.hpp"

#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>

#include "candar/check/asset_table.hpp"
#include "candar/check/response_check.hpp"
#include "candar/html/document.hpp"
#include "client.hpp"
#include "codes.hpp"
#include "flow_parts.hpp"
#include "isuchair/rules.hpp"
#include "isuchair/static_assets.hpp"

namespace isuchair {

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

flow_end end_of(call const& c) {
  if (c.what == call::kind::restart) return flow_end::restart;
  return c.state_known ? flow_end::failed : flow_end::lost;
}

// The static files as the contest has them (webapp-contract/static/): every body served is compared with them.
candar::asset_table const& expected_assets() {
  static candar::asset_table const table = [] {
    candar::asset_table t;
    for (auto const& a : static_assets()) t.add(std::string(a.path), a.body);
    return t;
  }();
  return table;
}

// What the flows and the page's script need of the page: without them a browser shows nothing.
constexpr std::string_view page_needs[] = {R"(link[rel=stylesheet][href="/static/app.css"])",
                                           R"(script[src="/static/app.js"])", "main#app"};

// The page and what a browser loads with it: each static body must be the contest's file, and only a verified
// one scores. Every answer must carry the contract's cache headers (`strict`, in Prepare: also a cached copy).
asio::awaitable<flow_end> load_home_page(client& c, bool strict) {
  expectation const expect{.status = 200};
  auto page = co_await c.send("GET /", "/", nullptr, expect);
  if (!page.ok()) co_return end_of(page);
  auto const document = candar::html::document::of(page.response);
  for (auto const needed : page_needs) {
    if (!document.first(needed)) {
      auto const why = document.cut() ? " (the page was cut where it passed the parser's bounds)" : "";
      c.fail(candar::error(codes::page, fmt::format("GET /: the page has no {}{}", needed, why))
                 .with_trace(page.response.trace));
      co_return flow_end::failed;
    }
  }
  auto const resources = co_await c.agent().load_resources(page.response, "GET /static/*");
  bool ok = true;
  for (auto const& r : resources.items) {
    if (!r.result) {
      c.fail(candar::error(std::string(r.result.error().inner_code()),
                           fmt::format("GET {}: {}", r.url, r.result.error().message()))
                 .with_trace(r.result.error().trace_context())
                 .wrap(codes::resource));
      ok = false;
      continue;
    }
    if (r.result->status != 200) {
      c.fail(candar::error(codes::resource, fmt::format("GET {}: expected status 200, got {}", r.url, r.result->status))
                 .with_trace(r.result->trace));
      ok = false;
      continue;
    }
    if (auto e = candar::check(r.result, "GET " + r.ref.target, candar::expect::asset(expected_assets()))) {
      c.fail(std::move(*e));  // code asset: the contest's file, or a critical error
      ok = false;
      continue;
    }
    // The contract's cache headers, on every answer the webapp gave (a cached copy keeps the ones it came with).
    if (strict || r.result->cache != candar::cache_use::hit) {
      for (std::string_view const h : {"ETag", "Last-Modified", "Cache-Control"}) {
        if (!r.result->header(h)) {
          c.fail(candar::error(codes::cache_headers, fmt::format("GET /static/*: {} has no {} header", r.url, h))
                     .with_trace(r.result->trace));
          ok = false;
        }
      }
    }
    // A fresh copy from the cache cost the webapp nothing: counted only when it answered (200 or 304).
    if (!c.phase_over() && r.result->cache != candar::cache_use::hit) c.score("static");
  }
  co_return ok ? flow_end::done : flow_end::failed;
}

asio::awaitable<flow_end> play_existing_user(client& c, flow_env& env, model_user& u, bool strict) {
  if (!co_await c.start()) co_return flow_end::failed;

  json const login_body = {{"user_id", u.id}, {"password", u.password}};
  json const login_expected = {{"user", u.to_json()}};
  auto login =
      co_await c.send("POST /api/login", "/api/login", &login_body, {.status = 200, .values = &login_expected});
  if (!login.ok()) co_return end_of(login);

  if (auto const page = co_await load_home_page(c, strict); page != flow_end::done) co_return page;

  auto const base = fmt::format("/api/users/{}", u.id);
  // Named, not built inside co_await: g++ 12 mishandles such temporaries there.
  auto const home_target = base + "/home";
  auto const reward_target = base + "/reward";
  auto const presents_target = base + "/presents";
  auto const presents_receive_target = base + "/presents/receive";
  auto const gacha_target = base + "/gacha";
  json const home_expected = {
      {"user", u.to_json()}, {"unreceived_presents", u.unreceived.size()}, {"reward_available", true}};
  auto home =
      co_await c.send("GET /api/users/:id/home", home_target, nullptr, {.status = 200, .values = &home_expected});
  if (!home.ok()) co_return end_of(home);

  json const reward_expected = {{"coins", u.coins + rules::reward_coins}, {"chairs", u.chairs + rules::reward_chairs}};
  auto reward = co_await c.send("POST /api/users/:id/reward", reward_target, nullptr,
                                {.status = 200, .values = &reward_expected});
  if (!reward.ok()) co_return end_of(reward);
  u.coins += rules::reward_coins;
  u.chairs += rules::reward_chairs;
  env.users.wrote(u);

  json const presents_expected = env.users.presents_page(u);
  auto presents = co_await c.send("GET /api/users/:id/presents", presents_target, nullptr,
                                  {.status = 200, .values = &presents_expected});
  if (!presents.ok()) co_return end_of(presents);
  std::size_t const listed = presents.body.at("presents").size();
  if (listed > 0) {
    json ids = json::array();
    std::int64_t gained = 0;
    for (std::size_t i = 0; i < listed; ++i) {
      ids.push_back(u.unreceived[i].id);
      gained += env.users.item_by_id(u.unreceived[i].item_id).chairs;
    }
    json const receive_body = {{"present_ids", ids}};
    json const receive_expected = {{"received", listed}, {"chairs", u.chairs + gained}};
    auto receive = co_await c.send("POST /api/users/:id/presents/receive", presents_receive_target, &receive_body,
                                   {.status = 200, .values = &receive_expected});
    if (!receive.ok()) co_return end_of(receive);
    u.unreceived.erase(u.unreceived.begin(), u.unreceived.begin() + static_cast<std::ptrdiff_t>(listed));
    u.chairs += gained;
    env.users.wrote(u);
  }

  for (int draw = 0; draw < 3 && u.coins >= rules::gacha_cost; ++draw) {
    auto const& drawn =
        env.users.item_by_id(rules::gacha_item(u.id, u.draws, static_cast<std::int64_t>(env.users.items().size())));
    json const gacha_expected = {{"item", {{"id", drawn.id}, {"name", drawn.name}, {"chairs", drawn.chairs}}},
                                 {"coins", u.coins - rules::gacha_cost},
                                 {"chairs", u.chairs + drawn.chairs}};
    auto gacha =
        co_await c.send("POST /api/users/:id/gacha", gacha_target, nullptr, {.status = 200, .values = &gacha_expected});
    if (!gacha.ok()) co_return end_of(gacha);
    u.coins -= rules::gacha_cost;
    u.chairs += drawn.chairs;
    ++u.draws;
    env.users.wrote(u);
  }
  co_return flow_end::done;
}

}  // namespace

candar::agent& browser_of(flow_env& env, model_user const& u) {
  auto& slot = env.browsers.at(candar::runtime::current_loop().value_or(0))[u.id];
  if (!slot) slot = std::make_unique<candar::agent>(env.agent_options);
  return *slot;
}

void forget_browser(flow_env& env, model_user const& u) {
  env.browsers.at(candar::runtime::current_loop().value_or(0)).erase(u.id);
}

asio::awaitable<flow_end> existing_user_with_restarts(candar::step& s, flow_env& env, model_user& u, bool strict) {
  for (int attempt = 0;; ++attempt) {
    client c(s, browser_of(env, u), env.version, codes::existing_user);
    // The model changes only after a success, so a user refused by the refresh is still known.
    auto const end = co_await play_existing_user(c, env, u, strict);
    if (end != flow_end::restart || attempt == 2) co_return end;
  }
}

asio::awaitable<void> existing_user_flow(candar::step& s, flow_env& env, std::mt19937_64& rng) {
  auto* u = env.users.take(rng);
  if (u == nullptr) {  // every user is busy or gone: wait a little rather than spin
    co_await candar::sleep(s.context(), 100ms);
    co_return;
  }
  browser_of(env, *u).new_trace();  // each visit its own trace (--trace), as user_pool's leases
  auto const end = co_await existing_user_with_restarts(s, env, *u, false);
  // After a timeout or a wrong answer the model no longer knows the user's state: they leave.
  if (end == flow_end::lost) {
    forget_browser(env, *u);
  } else {
    // Between visits a user holds no connection (as candar::user_pool does): the thousands of users a run
    // visits would otherwise keep thousands of idle keep-alive connections and run out of descriptors.
    browser_of(env, *u).close_idle();
  }
  end == flow_end::lost ? env.users.retire(u) : env.users.give_back(u);
}

}  // namespace isuchair
