#include "model.hpp"

#include <algorithm>
#include <stdexcept>

#include "isuchair/rules.hpp"

namespace isuchair {

nlohmann::json model_user::to_json() const {
  return {{"id", id}, {"name", name}, {"chairs", chairs}, {"coins", coins}};
}

model::model(initial_data data) : items_(std::move(data.items)) {
  auto& by_id = by_id_;
  for (auto& u : data.users) {
    auto m = std::make_unique<model_user>();
    static_cast<user&>(*m) = std::move(u);
    by_id[m->id] = m.get();
    (m->banned ? banned_.push_back(m.get()) : free_.push_back(m.get()));
    users_.push_back(std::move(m));
  }
  for (auto& p : data.presents) {
    by_id.at(p.user_id)->unreceived.push_back({.id = p.id, .item_id = p.item_id, .message = std::move(p.message)});
  }
}

item const& model::item_by_id(std::int64_t id) const {
  if (id < 1 || id > static_cast<std::int64_t>(items_.size())) throw std::out_of_range("no such item");
  return items_[static_cast<std::size_t>(id - 1)];
}

nlohmann::json model::presents_page(model_user const& u) const {
  auto list = nlohmann::json::array();
  for (auto const& p : u.unreceived) {
    if (list.size() == rules::presents_page) break;
    auto const& i = item_by_id(p.item_id);
    nlohmann::json entry = {
        {"item_id", p.item_id}, {"item_name", i.name}, {"chairs", i.chairs}, {"message", p.message}};
    if (p.id != 0) entry["id"] = p.id;
    list.push_back(std::move(entry));
  }
  return {{"presents", std::move(list)}};
}

model_user* model::take(std::mt19937_64& rng) {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return nullptr;
  auto const i = rng() % free_.size();
  auto* u = free_[i];
  free_[i] = free_.back();
  free_.pop_back();
  return u;
}

model_user* model::take_if(std::mt19937_64& rng, std::function<bool(model_user const&)> const& wanted) {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return nullptr;
  auto const start = rng() % free_.size();
  for (std::size_t k = 0; k < free_.size(); ++k) {
    auto const i = (start + k) % free_.size();
    if (!wanted(*free_[i])) continue;
    auto* u = free_[i];
    free_[i] = free_.back();
    free_.pop_back();
    return u;
  }
  return nullptr;
}

void model::give_back(model_user* u) {
  std::lock_guard lock(mutex_);
  free_.push_back(u);
}

void model::retire(model_user*) {
  std::lock_guard lock(mutex_);
  ++retired_;
}

void model::add(std::unique_ptr<model_user> u) {
  std::lock_guard lock(mutex_);
  by_id_.emplace(u->id, u.get());
  free_.push_back(u.get());
  users_.push_back(std::move(u));
}

model_user const* model::banned_user(std::mt19937_64& rng) const {
  if (banned_.empty()) return nullptr;
  return banned_[rng() % banned_.size()];
}

std::vector<model_user*> model::sample(std::size_t n, std::mt19937_64& rng) {
  std::lock_guard lock(mutex_);
  std::vector<model_user*> out = free_;
  std::shuffle(out.begin(), out.end(), rng);
  if (out.size() > n) out.resize(n);
  return out;
}

std::vector<model_user const*> model::in_pool() const {
  std::lock_guard lock(mutex_);
  std::vector<model_user const*> out(free_.begin(), free_.end());
  std::sort(out.begin(), out.end(), [](auto const* a, auto const* b) { return a->id < b->id; });
  return out;
}

model_user* model::find(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto const it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::size_t model::retired() const {
  std::lock_guard lock(mutex_);
  return retired_;
}

}  // namespace isuchair
