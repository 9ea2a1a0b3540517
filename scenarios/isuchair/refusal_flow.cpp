// The refusal probes: requests a correct webapp refuses, in Prepare and every refusal_period of the load.
#include "flows.hpp"

#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>

#include "candar/context/spawn.hpp"
#include "client.hpp"
#include "codes.hpp"
#include "flow_parts.hpp"
#include "isuchair/rules.hpp"

namespace isuchair {

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;

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
    if (!(co_await c.send("POST /api/users/:id/gacha", other_gacha, nullptr, refused(409))).ok())
      co_return give_back(false);
  }
  // A read, then a write, then the read again must show the write (a webapp caching per-user reads fails).
  auto const other_home = fmt::format("/api/users/{}/home", other->id);
  json const home_before = {{"user", other->to_json()}};
  if (!(co_await c.send("GET /api/users/:id/home", other_home, nullptr,
                        {.status = 200, .values = &home_before, .score = false}))
           .ok()) {
    co_return give_back(false);
  }
  // One reward per login: the second claim is refused.
  json const reward_expected = {{"coins", other->coins + rules::reward_coins},
                                {"chairs", other->chairs + rules::reward_chairs}};
  auto reward = co_await c.send("POST /api/users/:id/reward", other_reward, nullptr,
                                {.status = 200, .values = &reward_expected, .score = false});
  if (!reward.ok()) co_return give_back(false);
  other->coins += rules::reward_coins;
  other->chairs += rules::reward_chairs;
  json const home_after = {{"user", other->to_json()}, {"reward_available", false}};
  if (!(co_await c.send("GET /api/users/:id/home", other_home, nullptr,
                        {.status = 200, .values = &home_after, .score = false}))
           .ok()) {
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

}  // namespace isuchair
