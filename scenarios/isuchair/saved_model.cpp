#include "saved_model.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "candar/app/benchmarker_app.hpp"
#include "isuchair/initial_data.hpp"

namespace isuchair {

namespace {

nlohmann::json user_json(model_user const& u) {
  auto presents = nlohmann::json::array();
  for (auto const& p : u.unreceived) presents.push_back({p.id, p.item_id, p.message});
  return {{"id", u.id},         {"name", u.name},   {"password", u.password},     {"coins", u.coins},
          {"chairs", u.chairs}, {"draws", u.draws}, {"last_write", u.last_write}, {"unreceived", std::move(presents)}};
}

// What a user of the initial data looks like to the comparison: their figures and unreceived presents' ids.
struct initial_look {
  std::int64_t coins = 0, chairs = 0, draws = 0;
  std::vector<std::int64_t> presents;
};

bool changed(model_user const& u, std::map<std::int64_t, initial_look> const& initial) {
  auto const it = initial.find(u.id);
  if (it == initial.end()) return true;  // registered during the run
  auto const& was = it->second;
  if (u.coins != was.coins || u.chairs != was.chairs || u.draws != was.draws) return true;
  if (u.unreceived.size() != was.presents.size()) return true;
  for (std::size_t i = 0; i < u.unreceived.size(); ++i) {
    if (u.unreceived[i].id != was.presents[i]) return true;
  }
  return false;
}

}  // namespace

nlohmann::json save_model(model const& m, std::string const& master_version) {
  auto const data = generate_initial_data();
  std::map<std::int64_t, initial_look> initial;
  for (auto const& u : data.users) initial[u.id] = {u.coins, u.chairs, u.draws, {}};
  for (auto const& p : data.presents) initial[p.user_id].presents.push_back(p.id);
  auto users = nlohmann::json::array();
  for (auto const* u : m.in_pool()) {
    if (changed(*u, initial)) users.push_back(user_json(*u));
  }
  return {{"master_version", master_version}, {"users", std::move(users)}};
}

restored_model load_model(nlohmann::json const& state) {
  restored_model r;
  r.users = std::make_unique<model>(generate_initial_data());
  r.master_version = state.at("master_version").get<std::string>();
  if (r.master_version.empty()) throw candar::bad_usage("--state: an empty master version");
  auto const item_count = static_cast<std::int64_t>(r.users->items().size());
  std::set<std::int64_t> seen;
  std::vector<std::pair<std::int64_t, std::int64_t>> by_write;  // (last write, id)
  for (auto const& saved : state.at("users")) {
    auto u = std::make_unique<model_user>();
    u->id = saved.at("id").get<std::int64_t>();
    u->name = saved.at("name").get<std::string>();
    u->password = saved.at("password").get<std::string>();
    u->coins = saved.at("coins").get<std::int64_t>();
    u->chairs = saved.at("chairs").get<std::int64_t>();
    u->draws = saved.at("draws").get<std::int64_t>();
    u->last_write = saved.value("last_write", std::int64_t{0});
    for (auto const& p : saved.at("unreceived")) {
      model_present present{p.at(0).get<std::int64_t>(), p.at(1).get<std::int64_t>(), p.at(2).get<std::string>()};
      if (present.item_id < 1 || present.item_id > item_count) {
        throw candar::bad_usage(
            fmt::format("--state: user {} holds a present of item {}, which does not exist", u->id, present.item_id));
      }
      u->unreceived.push_back(std::move(present));
    }
    if (u->id < 1) throw candar::bad_usage(fmt::format("--state: a user with id {}", u->id));
    if (!seen.insert(u->id).second) throw candar::bad_usage(fmt::format("--state: user {} twice", u->id));
    by_write.emplace_back(u->last_write, u->id);
    if (auto* known = r.users->find(u->id)) {
      if (known->banned) throw candar::bad_usage(fmt::format("--state: user {} is banned in the initial data", u->id));
      known->last_write = u->last_write;
      known->name = u->name;
      known->password = u->password;
      known->coins = u->coins;
      known->chairs = u->chairs;
      known->draws = u->draws;
      known->unreceived = std::move(u->unreceived);
    } else {
      r.users->add(std::move(u));
    }
  }
  std::sort(by_write.rbegin(), by_write.rend());  // the newest write first
  for (auto const& [write, id] : by_write) r.changed.push_back(id);
  return r;
}

}  // namespace isuchair
