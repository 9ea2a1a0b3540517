#include "flows.hpp"

#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include "candar/check/asset_table.hpp"
#include "candar/check/response_check.hpp"
#include "candar/context/spawn.hpp"
#include "candar/worker/parallel.hpp"
#include "candar/html/document.hpp"
#include "client.hpp"
#include "codes.hpp"
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
      c.fail(candar::error(codes::page, fmt::format("GET /: the page has no {}", needed)));
      co_return flow_end::failed;
    }
  }
  auto const resources = co_await c.agent().load_resources(page.response, "GET /static/*");
  bool ok = true;
  for (auto const& r : resources.items) {
    if (!r.result) {
      c.fail(candar::error(std::string(r.result.error().inner_code()), fmt::format("GET {}: {}", r.url, r.result.error().message()))
                 .wrap(codes::resource));
      ok = false;
      continue;
    }
    if (r.result->status != 200) {
      c.fail(candar::error(codes::resource, fmt::format("GET {}: expected status 200, got {}", r.url, r.result->status)));
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
          c.fail(candar::error(codes::cache_headers, fmt::format("GET /static/*: {} has no {} header", r.url, h)));
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
  auto login = co_await c.send("POST /api/login", "/api/login", &login_body, {.status = 200, .values = &login_expected});
  if (!login.ok()) co_return end_of(login);

  if (auto const page = co_await load_home_page(c, strict); page != flow_end::done) co_return page;

  auto const base = fmt::format("/api/users/{}", u.id);
  // Named, not built inside co_await: g++ 12 mishandles such temporaries there.
  auto const home_target = base + "/home";
  auto const reward_target = base + "/reward";
  auto const presents_target = base + "/presents";
  auto const presents_receive_target = base + "/presents/receive";
  auto const gacha_target = base + "/gacha";
  json const home_expected = {{"user", u.to_json()},
                              {"unreceived_presents", u.unreceived.size()},
                              {"reward_available", true}};
  auto home = co_await c.send("GET /api/users/:id/home", home_target, nullptr, {.status = 200, .values = &home_expected});
  if (!home.ok()) co_return end_of(home);

  json const reward_expected = {{"coins", u.coins + rules::reward_coins}, {"chairs", u.chairs + rules::reward_chairs}};
  auto reward = co_await c.send("POST /api/users/:id/reward", reward_target, nullptr,
                                {.status = 200, .values = &reward_expected});
  if (!reward.ok()) co_return end_of(reward);
  u.coins += rules::reward_coins;
  u.chairs += rules::reward_chairs;

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
  }

  for (int draw = 0; draw < 3 && u.coins >= rules::gacha_cost; ++draw) {
    auto const& drawn = env.users.item_by_id(
        rules::gacha_item(u.id, u.draws, static_cast<std::int64_t>(env.users.items().size())));
    json const gacha_expected = {{"item", {{"id", drawn.id}, {"name", drawn.name}, {"chairs", drawn.chairs}}},
                                 {"coins", u.coins - rules::gacha_cost},
                                 {"chairs", u.chairs + drawn.chairs}};
    auto gacha = co_await c.send("POST /api/users/:id/gacha", gacha_target, nullptr,
                                 {.status = 200, .values = &gacha_expected});
    if (!gacha.ok()) co_return end_of(gacha);
    u.coins -= rules::gacha_cost;
    u.chairs += drawn.chairs;
    ++u.draws;
  }
  co_return flow_end::done;
}

// The user's browser on this loop: the same one as on their last visit here, so that the static files come
// from its cache (fresh) or are revalidated (304), as a returning visitor's are.
candar::agent& browser_of(flow_env& env, model_user const& u) {
  auto& slot = env.browsers.at(candar::runtime::current_loop().value_or(0))[u.id];
  if (!slot) slot = std::make_unique<candar::agent>(env.agent_options);
  return *slot;
}

// A user who left the pool: their browser on this loop goes too.
void forget_browser(flow_env& env, model_user const& u) {
  env.browsers.at(candar::runtime::current_loop().value_or(0)).erase(u.id);
}

// Runs an existing user's flow, again from the start when a refresh refuses it; the user goes back to the
// pool or leaves it.
asio::awaitable<flow_end> existing_user_with_restarts(candar::step& s, flow_env& env, model_user& u, bool strict) {
  for (int attempt = 0;; ++attempt) {
    client c(s, browser_of(env, u), env.version, codes::existing_user);
    // The model changes only after a success, so a user refused by the refresh is still known.
    auto const end = co_await play_existing_user(c, env, u, strict);
    if (end != flow_end::restart || attempt == 2) co_return end;
  }
}

}  // namespace

asio::awaitable<void> existing_user_flow(candar::step& s, flow_env& env, std::mt19937_64& rng) {
  auto* u = env.users.take(rng);
  if (u == nullptr) {  // every user is busy or gone: wait a little rather than spin
    co_await candar::sleep(s.context(), 100ms);
    co_return;
  }
  auto const end = co_await existing_user_with_restarts(s, env, *u, false);
  // After a timeout or a wrong answer the model no longer knows the user's state: they leave.
  if (end == flow_end::lost) forget_browser(env, *u);
  end == flow_end::lost ? env.users.retire(u) : env.users.give_back(u);
}

asio::awaitable<void> new_user_flow(candar::step& s, flow_env& env) {
  auto const ex = co_await asio::this_coro::executor;
  auto const n = env.registered.fetch_add(1, std::memory_order_relaxed);
  auto u = std::make_unique<model_user>();
  u->name = fmt::format("newcomer-{}-{}", env.seed, n);
  u->password = fmt::format("pw-{}-{}", env.seed % 9973, n);
  u->coins = rules::starting_coins;
  for (auto const item_id : rules::welcome_items) u->unreceived.push_back({.id = 0, .item_id = item_id, .message = rules::welcome_message});

  for (int attempt = 0; attempt < 3; ++attempt) {
    candar::agent a(ex, env.agent_options);
    client c(s, a, env.version, codes::new_user);
    if (!co_await c.start()) co_return;
    if (u->id == 0) {
      json const body = {{"name", u->name}, {"password", u->password}};
      json const expected = {{"user", {{"name", u->name}, {"chairs", 0}, {"coins", rules::starting_coins}}},
                             {"presents", rules::welcome_items.size()}};
      auto reg = co_await c.send("POST /api/register", "/api/register", &body, {.status = 201, .values = &expected});
      if (reg.what == call::kind::restart) continue;
      if (!reg.ok()) co_return;
      u->id = reg.body.at("user").at("id").get<std::int64_t>();
    } else {  // registered before a refresh: log in again
      json const body = {{"user_id", u->id}, {"password", u->password}};
      json const expected = {{"user", u->to_json()}};
      auto login = co_await c.send("POST /api/login", "/api/login", &body, {.status = 200, .values = &expected});
      if (login.what == call::kind::restart) continue;
      if (!login.ok()) co_return;
    }
    auto const base = fmt::format("/api/users/{}", u->id);
    auto const home_target = base + "/home";
    auto const presents_target = base + "/presents";
    auto const presents_receive_target = base + "/presents/receive";
    json const home_expected = {{"user", u->to_json()}, {"unreceived_presents", u->unreceived.size()}};
    auto home = co_await c.send("GET /api/users/:id/home", home_target, nullptr, {.status = 200, .values = &home_expected});
    if (home.what == call::kind::restart) continue;
    if (!home.ok()) co_return;

    json const presents_expected = env.users.presents_page(*u);
    auto presents = co_await c.send("GET /api/users/:id/presents", presents_target, nullptr,
                                    {.status = 200, .values = &presents_expected});
    if (presents.what == call::kind::restart) continue;
    if (!presents.ok()) co_return;
    json ids = json::array();
    std::int64_t gained = 0;
    auto const& listed = presents.body.at("presents");
    for (std::size_t i = 0; i < listed.size(); ++i) {
      u->unreceived[i].id = listed[i].at("id").get<std::int64_t>();
      ids.push_back(u->unreceived[i].id);
      gained += env.users.item_by_id(u->unreceived[i].item_id).chairs;
    }
    json const receive_body = {{"present_ids", ids}};
    json const receive_expected = {{"received", listed.size()}, {"chairs", u->chairs + gained}};
    auto receive = co_await c.send("POST /api/users/:id/presents/receive", presents_receive_target, &receive_body,
                                   {.status = 200, .values = &receive_expected});
    if (receive.what == call::kind::restart) continue;
    if (!receive.ok()) co_return;
    u->unreceived.clear();
    u->chairs += gained;
    break;
  }
  if (u->id != 0 && !s.context().done()) env.users.add(std::move(u));
  co_await candar::sleep(s.context(), 50ms);  // a newcomer arrives now and then, not in a burst
}

asio::awaitable<void> banned_user_flow(candar::step& s, flow_env& env, std::mt19937_64& rng) {
  auto const* u = env.users.banned_user(rng);
  if (u == nullptr) co_return;
  candar::agent a(co_await asio::this_coro::executor, env.agent_options);
  client c(s, a, env.version, codes::banned_user);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!co_await c.start()) co_return;
    json const body = {{"user_id", u->id}, {"password", u->password}};
    auto login = co_await c.send("POST /api/login", "/api/login", &body,
                                 {.status = 403, .values = nullptr, .score = false, .wrong_status_code = codes::banned});
    if (login.what == call::kind::restart) continue;
    if (login.ok()) c.score("banned-refused");
    break;
  }
  co_await candar::sleep(s.context(), 200ms);  // banned users try now and then
}

asio::awaitable<void> refresh_master(candar::step& s, flow_env& env, std::string next) {
  candar::agent a(co_await asio::this_coro::executor, env.agent_options);
  client c(s, a, env.version, codes::refresh);
  auto const old = env.version.current();
  env.version.announce(next);
  json const body = {{"master_version", next}};
  json const expected = {{"master_version", next}};
  auto published = co_await c.send("POST /admin/master", "/admin/master", &body, {.status = 200, .values = &expected});
  if (!published.ok()) co_return;
  env.version.confirm();

  // The rule itself: a request with the old version is refused with the new one, whoever sends it.
  c.set_version(old);
  json const probe_body = {{"user_id", 0}, {"password", "probe"}};
  json const probe_expected = {{"master_version", next}};
  co_await c.send("POST /api/login", "/api/login", &probe_body,
                  {.status = contract::isuchair().refused_status(), .values = &probe_expected, .score = false,
                   .wrong_status_code = codes::master_version});
}

// Requests a correct webapp refuses (contract.json's 401, 403 and 409): without them a webapp that skips the
// session check, lets one user act on another's data, or grants the login reward twice would score as much for
// less work. Each served one is a critical must-refuse error naming the endpoint and the status expected.
asio::awaitable<void> refusal_probes(candar::step& s, flow_env& env, std::mt19937_64& rng) {
  auto* owner = env.users.take(rng);
  // Preferably a user who cannot afford a draw yet: their gacha must be refused.
  auto* other = env.users.take_if(rng, [](model_user const& u) { return u.coins < rules::gacha_cost; });
  if (other == nullptr) other = env.users.take(rng);
  auto give_back = [&](bool known) {
    for (auto* u : {owner, other}) {
      if (u != nullptr) known ? env.users.give_back(u) : env.users.retire(u);
    }
  };
  if (owner == nullptr || other == nullptr) co_return give_back(true);
  candar::agent a(co_await asio::this_coro::executor, env.agent_options);
  client c(s, a, env.version, codes::refusal_probe);
  if (!co_await c.start()) co_return give_back(true);
  auto refused = [](int status) {
    return expectation{.status = status, .values = nullptr, .score = false, .wrong_status_code = codes::must_refuse};
  };
  auto const owner_home = fmt::format("/api/users/{}/home", owner->id);
  auto const other_reward = fmt::format("/api/users/{}/reward", other->id);

  // No session at all.
  if (!(co_await c.send("GET /api/users/:id/home", owner_home, nullptr, refused(401))).ok()) co_return give_back(true);
  // Logged in as `other`: the owner's data is not theirs.
  json const login_body = {{"user_id", other->id}, {"password", other->password}};
  json const login_expected = {{"user", other->to_json()}};
  auto login = co_await c.send("POST /api/login", "/api/login", &login_body,
                               {.status = 200, .values = &login_expected, .score = false});
  if (!login.ok()) co_return give_back(login.state_known);
  if (!(co_await c.send("GET /api/users/:id/home", owner_home, nullptr, refused(403))).ok()) co_return give_back(false);
  // No draw without the coins for it.
  if (other->coins < rules::gacha_cost) {
    auto const other_gacha = fmt::format("/api/users/{}/gacha", other->id);
    if (!(co_await c.send("POST /api/users/:id/gacha", other_gacha, nullptr, refused(409))).ok()) co_return give_back(false);
  }
  // A read, then a write, then the read again must show the write (a webapp caching per-user reads fails).
  auto const other_home = fmt::format("/api/users/{}/home", other->id);
  json const home_before = {{"user", other->to_json()}};
  if (!(co_await c.send("GET /api/users/:id/home", other_home, nullptr,
                        {.status = 200, .values = &home_before, .score = false})).ok()) {
    co_return give_back(false);
  }
  // One reward per login: the second claim is refused.
  json const reward_expected = {{"coins", other->coins + rules::reward_coins}, {"chairs", other->chairs + rules::reward_chairs}};
  auto reward = co_await c.send("POST /api/users/:id/reward", other_reward, nullptr,
                                {.status = 200, .values = &reward_expected, .score = false});
  if (!reward.ok()) co_return give_back(false);
  other->coins += rules::reward_coins;
  other->chairs += rules::reward_chairs;
  json const home_after = {{"user", other->to_json()}, {"reward_available", false}};
  if (!(co_await c.send("GET /api/users/:id/home", other_home, nullptr,
                        {.status = 200, .values = &home_after, .score = false})).ok()) {
    co_return give_back(false);
  }
  auto again = co_await c.send("POST /api/users/:id/reward", other_reward, nullptr, refused(409));
  if (!again.ok()) co_return give_back(false);  // a second reward granted changed the user unseen by the model
  // Presents are received only by their owner: another's present ids are ignored (received 0, no chairs).
  if (!owner->unreceived.empty()) {
    auto const receive_target = fmt::format("/api/users/{}/presents/receive", other->id);
    json const receive_body = {{"present_ids", {owner->unreceived.front().id}}};
    json const nothing = {{"received", 0}, {"chairs", other->chairs}};
    auto receive = co_await c.send("POST /api/users/:id/presents/receive", receive_target, &receive_body,
                                   {.status = 200, .values = &nothing, .score = false});
    if (!receive.ok()) co_return give_back(false);
  }
  give_back(true);
}

asio::awaitable<void> refusal_flow(candar::step& s, flow_env& env, candar::context const& ctx, std::mt19937_64& rng) {
  if (co_await candar::sleep(ctx, refusal_period)) co_await refusal_probes(s, env, rng);
}

asio::awaitable<void> validation_pass(candar::step& s, flow_env& env, std::mt19937_64& rng) {
  auto* u = env.users.take(rng);
  if (u == nullptr) co_return;
  auto const end = co_await existing_user_with_restarts(s, env, *u, true);
  if (end != flow_end::done) forget_browser(env, *u);
  end == flow_end::done ? env.users.give_back(u) : env.users.retire(u);

  co_await banned_user_flow(s, env, rng);
  co_await refusal_probes(s, env, rng);

  candar::agent a(co_await asio::this_coro::executor, env.agent_options);
  client c(s, a, env.version, codes::version_probe);
  c.set_version("no-such-version");
  json const probe_body = {{"user_id", 0}, {"password", "probe"}};
  json const probe_expected = {{"master_version", env.version.current()}};
  co_await c.send("POST /api/login", "/api/login", &probe_body,
                  {.status = contract::isuchair().refused_status(), .values = &probe_expected, .score = false,
                   .wrong_status_code = codes::master_version});
}

// One user of Validate's sample: log in, then their home and presents against the model.
asio::awaitable<void> compare_user(candar::step& s, flow_env& env, model_user* u) {
  auto const ex = co_await asio::this_coro::executor;
  {
    candar::agent a(ex, env.agent_options);
    client c(s, a, env.version, codes::validate);
    if (!co_await c.start()) co_return;
    json const login_body = {{"user_id", u->id}, {"password", u->password}};
    json const login_expected = {{"user", u->to_json()}};
    auto login = co_await c.send("POST /api/login", "/api/login", &login_body,
                                 {.status = 200, .values = &login_expected, .score = false});
    if (!login.ok()) co_return;
    auto const base = fmt::format("/api/users/{}", u->id);
    auto const home_target = base + "/home";
    auto const presents_target = base + "/presents";
    json const home_expected = {{"user", u->to_json()}, {"unreceived_presents", u->unreceived.size()}};
    co_await c.send("GET /api/users/:id/home", home_target, nullptr,
                    {.status = 200, .values = &home_expected, .score = false});
    json const presents_expected = env.users.presents_page(*u);
    co_await c.send("GET /api/users/:id/presents", presents_target, nullptr,
                    {.status = 200, .values = &presents_expected, .score = false});
  }
}

asio::awaitable<void> compare_users(candar::step& s, flow_env& env, std::vector<model_user*> sample) {
  // The users in parallel, each with the agent's own deadline per request: one slow user does not use up the
  // phase for the others, and a timeout is reported as a timeout (gave-up), not as data that differs.
  candar::parallel users(co_await asio::this_coro::executor, 8);
  for (auto* u : sample) users.spawn([&s, &env, u] { return compare_user(s, env, u); });
  co_await users.wait();
}

}  // namespace isuchair
