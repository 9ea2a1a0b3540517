// The webapp's data: the schema, the initial data (POST /initialize, and a start on a new database), and a
// restart that goes on with what the database holds.
#include "app.hpp"

#include "isuchair/initial_data.hpp"
#include "replies.hpp"

namespace isuchair::webapp {

namespace {

constexpr std::string_view schema = R"(
DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS users; DROP TABLE IF EXISTS presents;
DROP TABLE IF EXISTS user_items; DROP TABLE IF EXISTS master_versions;
CREATE TABLE master_versions (id INTEGER PRIMARY KEY, version TEXT NOT NULL UNIQUE);
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, chairs INTEGER NOT NULL);
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, password TEXT NOT NULL, banned INTEGER NOT NULL,
                    coins INTEGER NOT NULL, chairs INTEGER NOT NULL, draws INTEGER NOT NULL);
CREATE TABLE presents (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, item_id INTEGER NOT NULL,
                       message TEXT NOT NULL, received INTEGER NOT NULL DEFAULT 0);
CREATE TABLE user_items (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, item_id INTEGER NOT NULL,
                         chairs INTEGER NOT NULL, source TEXT NOT NULL);
)";

// What `tuned` adds: the indexes the per-user queries need.
constexpr std::string_view tuned_indexes = R"(
CREATE INDEX presents_by_user ON presents (user_id, received, id);
CREATE INDEX user_items_by_user ON user_items (user_id, source);
)";

}  // namespace

app::app(database& db, app_options options) : db_(db), options_(std::move(options)) {
  std::lock_guard lock(mutex_);
  // A restart goes on with the data the database holds, as any webapp's does; only a new database starts from
  // the initial data.
  if (!has_table("users") || !has_table("master_versions")) {
    initialize();
    return;
  }
  item_count_ = db_.scalar("SELECT COUNT(*) FROM items WHERE id > ?", 0).value_or(0);
  auto current = db_.prepare("SELECT version FROM master_versions ORDER BY id DESC LIMIT 1");
  if (current.step()) master_version_ = current.text(0);
}

bool app::has_table(std::string_view name) {
  auto q = db_.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, name);
  return q.step();
}

http_reply app::initialize() {
  auto const data = generate_initial_data();
  db_.exec(schema);
  db_.exec("BEGIN");
  {
    auto versions = db_.prepare("INSERT INTO master_versions (version) VALUES (?)");
    for (auto const& v : data.master_versions) {
      versions.bind(1, v).step();
      versions.reset();
    }
    auto ins = db_.prepare("INSERT INTO items (id, name, chairs) VALUES (?, ?, ?)");
    for (auto const& i : data.items) {
      ins.bind(1, i.id).bind(2, i.name).bind(3, i.chairs).step();
      ins.reset();
    }
    auto users =
        db_.prepare("INSERT INTO users (id, name, password, banned, coins, chairs, draws) VALUES (?,?,?,?,?,?,0)");
    auto owned = db_.prepare("INSERT INTO user_items (user_id, item_id, chairs, source) VALUES (?, ?, ?, 'initial')");
    for (auto const& u : data.users) {
      users.bind(1, u.id).bind(2, u.name).bind(3, u.password).bind(4, std::int64_t{u.banned ? 1 : 0});
      users.bind(5, u.coins).bind(6, u.chairs).step();
      users.reset();
      for (auto const item_id : u.owned_items) {
        owned.bind(1, u.id).bind(2, item_id).bind(3, data.items[static_cast<std::size_t>(item_id - 1)].chairs).step();
        owned.reset();
      }
    }
    auto presents = db_.prepare("INSERT INTO presents (id, user_id, item_id, message) VALUES (?, ?, ?, ?)");
    for (auto const& p : data.presents) {
      presents.bind(1, p.id).bind(2, p.user_id).bind(3, p.item_id).bind(4, p.message).step();
      presents.reset();
    }
  }
  db_.exec("COMMIT");
  if (options_.tuned) db_.exec(tuned_indexes);
  db_.exec("ANALYZE");
  item_count_ = static_cast<std::int64_t>(data.items.size());
  master_version_ = data.master_versions.back();
  sessions_.clear();
  stale_homes_.clear();
  return json_reply(200, {{"implementation", options_.tuned ? "isuchair-cpp (tuned)" : "isuchair-cpp (naive)"},
                          {"master_version", master_version_}});
}

}  // namespace isuchair::webapp
