#pragma once
// The user flows of the isuchair benchmarker, one function each, written as a user would play.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "candar/agent/agent.hpp"
#include "candar/agent/agent_options.hpp"
#include "candar/benchmark/step.hpp"
#include "master_version.hpp"
#include "model.hpp"

namespace isuchair {

// What every flow shares: the model, the master version, the options each new agent gets.
struct flow_env {
  model& users;
  master_version& version;
  candar::agent_options agent_options;  // base URL, the step timeout, metrics
  std::uint64_t seed = 1;
  std::atomic<std::int64_t> registered{0};  // numbers new users' names
  // Each existing user's browser, kept across their flows (cookies, cache), per loop (an agent lives on one):
  // a user whose flows land on two loops has two browsers, as a user with two devices. Sized to the runtime's
  // loops before the first flow; each loop's map is touched by that loop's thread only.
  std::vector<std::map<std::int64_t, std::unique_ptr<candar::agent>>> browsers;
};

// How a flow attempt ended.
enum class flow_end {
  done,
  failed,   // an error, but the model still knows the user's state (e.g. a refused request): back to the pool
  lost,     // the user's state is no longer known (no answer, a wrong body): the user leaves the pool
  restart,  // refused by a master refresh: start again
};

// Version, login, the home page with its sub-resources, home, the login reward, presents list and receive,
// then the gacha while coins last (at most 3 draws). Starts again from the version (at most 3 times) when a
// master refresh refuses it. A user whose state is no longer known leaves the pool.
boost::asio::awaitable<void> existing_user_flow(candar::step& s, flow_env& env, std::mt19937_64& rng);
// Registers a new user, checks their home and welcome presents, receives them, and adds them to the pool.
boost::asio::awaitable<void> new_user_flow(candar::step& s, flow_env& env);
// A banned user tries to log in and must get 403.
boost::asio::awaitable<void> banned_user_flow(candar::step& s, flow_env& env, std::mt19937_64& rng);
// Every refusal_period during the load: requests the contract refuses (no session, another user's session, a
// second reward, another's presents), as Prepare sends them; served ones are critical must-refuse errors.
inline constexpr std::chrono::seconds refusal_period{2};
boost::asio::awaitable<void> refusal_flow(candar::step& s, flow_env& env, candar::context const& ctx,
                                          std::mt19937_64& rng);
// Publishes `next` as the master version, then checks that a request with the old one is refused.
boost::asio::awaitable<void> refresh_master(candar::step& s, flow_env& env, std::string next);

// Prepare's one validation pass: a whole existing-user flow, a banned login, the static files' cache headers,
// and the master-version rule. Any error fails the run.
boost::asio::awaitable<void> validation_pass(candar::step& s, flow_env& env, std::mt19937_64& rng);
// Validate: each user's home and presents as the webapp has them against the model.
boost::asio::awaitable<void> compare_users(candar::step& s, flow_env& env, std::vector<model_user*> sample);

}  // namespace isuchair
