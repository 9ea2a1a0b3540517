// A newcomer: registration, home, welcome presents received, then into the pool.
#include "flows.hpp"

#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>

#include "candar/context/spawn.hpp"
#include "client.hpp"
#include "codes.hpp"
#include "isuchair/rules.hpp"

namespace isuchair {

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;

asio::awaitable<void> new_user_flow(candar::step& s, flow_env& env) {
  auto const ex = co_await asio::this_coro::executor;
  auto const n = env.registered.fetch_add(1, std::memory_order_relaxed);
  auto u = std::make_unique<model_user>();
  u->name = fmt::format("newcomer-{}-{}", env.seed, n);
  u->password = fmt::format("pw-{}-{}", env.seed % 9973, n);
  u->coins = rules::starting_coins;
  for (auto const item_id : rules::welcome_items)
    u->unreceived.push_back({.id = 0, .item_id = item_id, .message = rules::welcome_message});

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
    auto home =
        co_await c.send("GET /api/users/:id/home", home_target, nullptr, {.status = 200, .values = &home_expected});
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
  if (u->id != 0 && !s.context().done()) {
    env.users.wrote(*u);
    env.users.add(std::move(u));
  }
  co_await candar::sleep(s.context(), 50ms);  // a newcomer arrives now and then, not in a burst
}

}  // namespace isuchair
