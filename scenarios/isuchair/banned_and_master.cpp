// Banned users' logins, and master-version refreshes: requests the webapp must refuse as the rules change.
#include "flows.hpp"

#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>

#include "candar/context/spawn.hpp"
#include "client.hpp"
#include "codes.hpp"
#include "isuchair/contract.hpp"

namespace isuchair {

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;

asio::awaitable<void> banned_user_flow(candar::step& s, flow_env& env, std::mt19937_64& rng) {
  auto const* u = env.users.banned_user(rng);
  if (u == nullptr) co_return;
  candar::agent a(co_await asio::this_coro::executor, env.agent_options);
  client c(s, a, env.version, codes::banned_user);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!co_await c.start()) co_return;
    json const body = {{"user_id", u->id}, {"password", u->password}};
    auto login =
        co_await c.send("POST /api/login", "/api/login", &body,
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
                  {.status = contract::isuchair().refused_status(),
                   .values = &probe_expected,
                   .score = false,
                   .wrong_status_code = codes::master_version});
}

}  // namespace isuchair
