// Prepare's validation pass and Validate's comparison of users with the model.
#include "flows.hpp"

#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>

#include "candar/context/parallel.hpp"
#include "client.hpp"
#include "codes.hpp"
#include "flow_parts.hpp"
#include "isuchair/contract.hpp"

namespace isuchair {

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;

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
                  {.status = contract::isuchair().refused_status(),
                   .values = &probe_expected,
                   .score = false,
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
