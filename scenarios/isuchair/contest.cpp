#include "contest.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>

#include "candar/context/parallel.hpp"
#include "candar/context/spawn.hpp"
#include "candar/worker/worker.hpp"
#include "client.hpp"
#include "codes.hpp"
#include "flows.hpp"
#include "isuchair/initial_data.hpp"
#include "isuchair/rules.hpp"
#include "saved_model.hpp"

namespace isuchair {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// One generator per loop thread: flows on a loop draw users without a lock on the generator.
std::mt19937_64& loop_rng(std::uint64_t seed) {
  thread_local std::mt19937_64 rng(seed * 1'000'003 + candar::runtime::current_loop().value_or(0));
  return rng;
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

contest::contest(contest_settings settings, candar::logs& log) : settings_(std::move(settings)), log_(log) {}

contest::~contest() = default;

void contest::add_to(candar::benchmark& b) {
  result_ = &b.result();
  set_score_table(b.result().score());
  b.result().errors().set_classifier(error_table().classifier());
  b.add(
      {.name = "isuchair",
       .prepare = [this](candar::step& s) { return prepare(s); },
       .load = settings_.prepare_only ? candar::scenario::step_function() : [this](candar::step& s) { return load(s); },
       .validate = settings_.prepare_only ? candar::scenario::step_function()
                                          : [this](candar::step& s) { return validate(s); }});
}

std::string contest::implementation() const {
  std::lock_guard lock(mutex_);
  return implementation_;
}

std::vector<contest::level_change> contest::timeline() const {
  std::lock_guard lock(mutex_);
  return timeline_;
}

asio::awaitable<void> contest::prepare(candar::step& s) {
  auto data = generate_initial_data();  // what /initialize restores: the same generator, the same seed
  model_ = std::make_unique<model>(data);
  make_env(data.master_versions.back());

  candar::agent_options init_options = env_->agent_options;
  init_options.timeout = settings_.prepare_timeout;
  candar::agent init(co_await asio::this_coro::executor, init_options);
  client c(s, init, *version_, codes::initialize);
  nlohmann::json const restored = {{"master_version", data.master_versions.back()}};
  expectation const expect{.status = 200, .values = &restored, .score = false};
  auto const started = std::chrono::steady_clock::now();
  auto const answer = co_await c.send("POST /initialize", "/initialize", nullptr, expect);
  if (!answer.ok()) co_return;
  {
    std::lock_guard lock(mutex_);
    implementation_ = answer.body.at("implementation").get<std::string>();
  }
  log_.contestant(fmt::format("initialize: {} answered in {:.2f}s", implementation(),
                              seconds(std::chrono::steady_clock::now() - started)));

  env_->browsers.resize(s.runtime().size());
  co_await validation_pass(s, *env_, loop_rng(settings_.seed));
  if (s.result().errors().count() == 0) log_.contestant("prepare: the validation pass succeeded");
}

asio::awaitable<void> contest::load(candar::step& s) {
  if (!env_) co_return;
  auto& env = *env_;
  auto const seed = settings_.seed;

  candar::worker existing(
      s.runtime(),
      [&s, &env, seed](candar::context const&, std::int64_t) { return existing_user_flow(s, env, loop_rng(seed)); },
      {.parallelism = settings_.initial_level});
  candar::worker newcomers(s.runtime(),
                           [&s, &env](candar::context const&, std::int64_t) { return new_user_flow(s, env); },
                           {.parallelism = 1});
  candar::worker banned(
      s.runtime(),
      [&s, &env, seed](candar::context const&, std::int64_t) { return banned_user_flow(s, env, loop_rng(seed)); },
      {.parallelism = 1});
  candar::worker refusals(
      s.runtime(),
      [&s, &env, seed](candar::context const& ctx, std::int64_t) { return refusal_flow(s, env, ctx, loop_rng(seed)); },
      {.parallelism = 1});
  candar::load_adjustor adjust({.successes_to_raise = settings_.successes_to_raise,
                                .new_errors_allowed = 3,
                                .raise_by = 1,
                                .max_level = 256,
                                .abort_at_errors = error_limit},
                               {&existing, &newcomers}, log_, settings_.initial_level);
  level_ = settings_.initial_level;

  candar::context load = s.context().with_cancel();
  auto refresher = [&]() -> asio::awaitable<void> {
    if (!co_await candar::sleep(load, settings_.refresh_after)) co_return;
    std::string const next = fmt::format("v2-{}", seed);
    log_.contestant(fmt::format("master data refresh: publishing version {}", next));
    co_await refresh_master(s, env, next);
  };
  auto track_level = [&]() -> asio::awaitable<void> {
    while (co_await candar::sleep(load, 200ms)) level_ = existing.parallelism();
  };
  co_await candar::together(
      [&] { return existing.process(s, load); }, [&] { return newcomers.process(s, load); },
      [&] { return banned.process(s, load); }, [&] { return refusals.process(s, load); },
      [&] { return adjust.run(load, settings_.adjust_every, s.result().score(), s.result().errors()); }, refresher,
      track_level);
  level_ = existing.parallelism();
  std::lock_guard lock(mutex_);
  timeline_ = adjust.timeline();
}

asio::awaitable<void> contest::validate(candar::step& s) {
  if (!env_) co_return;
  if (!restored_.empty()) {
    co_await validate_after_restart(s);
    co_return;
  }
  auto sample = model_->sample(settings_.validate_sample, loop_rng(settings_.seed));
  log_.contestant(fmt::format("validate: comparing {} users with the model ({} left the pool during the load)",
                              sample.size(), model_->retired()));
  co_await compare_users(s, *env_, std::move(sample));
}

asio::awaitable<void> contest::validate_after_restart(candar::step& s) {
  env_->browsers.resize(s.runtime().size());
  // The master version it had confirmed first: every request of the comparison carries it.
  {
    candar::agent a(co_await asio::this_coro::executor, env_->agent_options);
    client c(s, a, *version_, codes::validate);
    if (!co_await c.start()) co_return;
    if (c.version() != version_->current()) {
      s.add_error(candar::error(codes::master_version,
                                fmt::format("GET /api/version: {} after the restart; it had confirmed {} before it",
                                            c.version(), version_->current()))
                      .wrap(codes::validate));
      co_return;
    }
  }
  // The users whose changes were acknowledged last (a webapp that loses its last seconds of writes loses
  // theirs), then others at random: not from --seed, which the webapp's author knows.
  auto const wanted = 5 * settings_.validate_sample;
  auto const newest = std::min(restored_.size(), wanted / 2);
  std::vector<std::int64_t> ids(restored_.begin(), restored_.begin() + static_cast<std::ptrdiff_t>(newest));
  std::vector<std::int64_t> rest(restored_.begin() + static_cast<std::ptrdiff_t>(newest), restored_.end());
  std::mt19937_64 unseeded(std::random_device{}());
  std::shuffle(rest.begin(), rest.end(), unseeded);
  for (std::size_t i = 0; i < rest.size() && ids.size() < wanted; ++i) ids.push_back(rest[i]);
  std::vector<model_user*> sample;
  for (auto const id : ids) sample.push_back(model_->find(id));
  log_.contestant(
      fmt::format("validate after a restart: comparing {} of the {} users the run changed ({} changed "
                  "last) with its model, master version {}",
                  sample.size(), restored_.size(), newest, version_->current()));
  co_await compare_users(s, *env_, std::move(sample));
}

void contest::make_env(std::string master_version) {
  version_ = std::make_unique<isuchair::master_version>(std::move(master_version));
  candar::agent_options options{.base_url = settings_.target, .timeout = settings_.step_timeout};
  options.metrics = &result_->metrics();
  env_ = std::make_unique<flow_env>(*model_, *version_, options, settings_.seed);
}

nlohmann::json contest::save_state() const {
  if (!model_ || !version_) return {{"master_version", ""}, {"users", nlohmann::json::array()}};
  return save_model(*model_, version_->current());
}

void contest::load_state(nlohmann::json const& state) {
  auto restored = load_model(state);
  model_ = std::move(restored.users);
  make_env(std::move(restored.master_version));
  restored_ = std::move(restored.changed);
  if (restored_.empty()) throw candar::bad_usage("--state: the run changed no user: nothing to check after a restart");
}

}  // namespace isuchair
