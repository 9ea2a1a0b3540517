#include "app.hpp"

#include <charconv>

#include <fmt/format.h>

#include "isuchair/initial_data.hpp"
#include "isuchair/rules.hpp"
#include "static_files.hpp"

namespace isuchair::webapp {

namespace {

using json = nlohmann::json;

http_reply json_reply(int status, json const& body) { return {.status = status, .body = body.dump(-1, ' ', false, json::error_handler_t::replace)}; }
http_reply error_reply(int status, std::string_view message) { return json_reply(status, {{"error", message}}); }

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t v = 0;
  auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

std::optional<std::string_view> cookie_value(http_request const& r, std::string_view name) {
  auto const header = r.header("Cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    auto const semi = rest.find(';');
    auto pair = rest.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto const eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

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

std::map<std::string, std::string> const& known_faults() {
  static std::map<std::string, std::string> const faults = {
      {"wrong-chairs", "GET /api/users/:id/home answers one chair too many"},
      {"ignore-version", "requests carrying an old master version are served"},
      {"admit-banned", "banned users can log in"},
      {"error-reward", "POST /api/users/:id/reward answers 500"},
      {"slow-gacha", "POST /api/users/:id/gacha answers after --slow-ms"},
      {"no-cache-headers", "static files come without ETag, Last-Modified and Cache-Control"},
      {"garbage-static", "static files are a one-line body with plausible cache headers (less to send)"},
      {"no-validators", "static files come without ETag and Last-Modified (nothing to revalidate)"},
      {"no-auth", "the session is not checked: a request without one acts on the path's user"},
      {"foreign-user", "a session may act on any user's path (no 403)"},
      {"double-reward", "the login reward can be claimed again and again (no 409)"},
      {"free-gacha", "the gacha draws without enough coins (no 409)"},
      {"stale-home", "GET /api/users/:id/home answers each user's first answer again (a per-user cache)"},
      // Hostile answers: what a broken or cheating webapp may send the benchmarker, which must stay standing.
      {"deep-page", "GET / is its page preceded by 100,000 nested <div>s (500 KB)"},
      {"latin1-header", "every answer carries X-Note: caf\\xe9 (Latin-1, not UTF-8)"},
      {"long-header", "every answer carries a 60 KB X-Padding header"},
      {"broken-utf8-error", "POST /api/users/:id/reward answers 500 with a Japanese HTML page cut mid-character"},
      {"zstd-home", "GET /api/users/:id/home answers bytes said to be zstd (which no browser here decodes)"},
      // Durability: what the check after a restart (--validate-only) is for.
      {"memory-only", "writes stay in memory and never reach --db: they vanish when the webapp restarts"},
      {"swr-static", "static files say max-age=0, stale-while-revalidate=60 (every hit revalidated behind)"},
  };
  return faults;
}

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

http_reply app::handle(http_request const& r) {
  auto reply = serve(r);
  add_hostile_headers(reply);
  return reply;
}

void app::add_hostile_headers(http_reply& reply) {
  std::lock_guard lock(mutex_);
  if (fault("latin1-header")) reply.headers.emplace_back("X-Note", "caf\xe9");
  if (fault("long-header")) reply.headers.emplace_back("X-Padding", std::string(60 * 1024, 'p'));
}

http_reply app::serve(http_request const& r) {
  auto const m = contract_.match(r.method, r.path());
  if (m.which == nullptr) return error_reply(404, fmt::format("no endpoint {} {}", r.method, r.path()));
  endpoint const& e = *m.which;

  json body;
  if (!e.request.is_null()) {
    body = json::parse(r.body, nullptr, false);
    if (body.is_discarded()) return error_reply(400, "the body is not JSON");
    if (auto problem = contract_.check_request(e, body)) return error_reply(400, *problem);
  }

  std::lock_guard lock(mutex_);
  ++served_;
  if (e.versioned && !fault("ignore-version")) {
    auto const sent = r.header(contract_.version_header());
    if (!sent || *sent != master_version_) {
      return json_reply(contract_.refused_status(),
                        {{"error", "master version mismatch"}, {"master_version", master_version_}});
    }
  }
  try {
    return dispatch(e, m, r, body);
  } catch (...) {
    // A failed statement must not leave a transaction open for the next request.
    try {
      db_.exec("ROLLBACK");
    } catch (database_error const&) {
      // no transaction was open
    }
    throw;
  }
}

http_reply app::dispatch(endpoint const& e, route_match const& m, http_request const& r, json const& body) {
  auto const& tag = e.tag;
  if (tag == "initialize") return initialize();
  if (tag == "version") return json_reply(200, {{"master_version", master_version_}});
  if (tag == "admin-master") {
    auto v = body.at("master_version").get<std::string>();
    if (v.empty()) return error_reply(400, "an empty master version");
    // OR REPLACE: a version published again is the newest row again (the current one after a restart).
    auto publish = db_.prepare("INSERT OR REPLACE INTO master_versions (version) VALUES (?)");
    publish.bind(1, v).step();
    master_version_ = std::move(v);
    return json_reply(200, {{"master_version", master_version_}});
  }
  if (tag == "login") return login(body);
  if (tag == "register") return register_user(body);
  if (tag == "page") {
    std::string page(home_page());
    if (fault("deep-page")) {
      std::string deep;
      for (int i = 0; i < 100'000; ++i) deep += "<div>";
      page.insert(0, deep);
    }
    return {.status = 200, .content_type = "text/html; charset=utf-8", .body = std::move(page),
            .headers = {{"Cache-Control", "no-store"}}};
  }
  if (tag == "static") return static_file(r);

  // The rest act on one user, the session's.
  auto const id_param = m.params.find(":id");
  auto const id = id_param == m.params.end() ? std::nullopt : parse_id(id_param->second);
  auto const token = cookie_value(r, contract_.session_cookie());
  auto const s = token ? sessions_.find(*token) : sessions_.end();
  session anonymous{.user_id = id.value_or(0), .reward_available = true};  // the no-auth fault's "session"
  session* who = s != sessions_.end() ? &s->second : nullptr;
  if (who == nullptr && fault("no-auth")) who = &anonymous;
  if (who == nullptr) return error_reply(401, "not logged in");
  if (!id || (*id != who->user_id && !fault("foreign-user"))) return error_reply(403, "another user's data");
  if (tag == "home") {
    if (fault("zstd-home")) {
      return {.status = 200, .body = std::string("\x28\xb5\x2f\xfd\x00\x58\x61\x00\x00\xff\xfe", 11),
              .headers = {{"Content-Encoding", "zstd"}}};
    }
    if (!fault("stale-home")) return home(*id, *who);
    auto const cached = stale_homes_.find(*id);
    if (cached != stale_homes_.end()) return cached->second;
    return stale_homes_[*id] = home(*id, *who);
  }
  if (tag == "reward") return reward(*id, *who);
  if (tag == "presents") return presents(*id);
  if (tag == "receive") return receive(*id, body);
  if (tag == "gacha") return gacha(*id);
  return error_reply(500, fmt::format("{} is in the contract but not implemented", e.name));
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
    auto users = db_.prepare("INSERT INTO users (id, name, password, banned, coins, chairs, draws) VALUES (?,?,?,?,?,?,0)");
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

std::int64_t app::chairs_of(std::int64_t user_id) {
  if (options_.tuned) return db_.scalar("SELECT chairs FROM users WHERE id = ?", user_id).value_or(0);
  // Naive: recounted from the whole history, with no index on user_id.
  return db_.scalar("SELECT COALESCE(SUM(chairs), 0) FROM user_items WHERE user_id = ?", user_id).value_or(0);
}

std::int64_t app::draws_of(std::int64_t user_id) {
  if (options_.tuned) return db_.scalar("SELECT draws FROM users WHERE id = ?", user_id).value_or(0);
  return db_.scalar("SELECT COUNT(*) FROM user_items WHERE user_id = ? AND source = 'gacha'", user_id).value_or(0);
}

app::json app::user_json(std::int64_t user_id) {
  auto q = db_.prepare("SELECT name, coins FROM users WHERE id = ?");
  q.bind(1, user_id);
  if (!q.step()) return nullptr;
  return {{"id", user_id}, {"name", q.text(0)}, {"chairs", chairs_of(user_id)}, {"coins", q.integer(1)}};
}

std::string app::new_session(std::int64_t user_id) {
  auto token = fmt::format("{:016x}{:016x}", tokens_(), tokens_());
  sessions_[token] = session{.user_id = user_id, .reward_available = true};
  return fmt::format("{}={}; Path=/; HttpOnly", contract_.session_cookie(), token);
}

http_reply app::login(json const& body) {
  auto const id = body.at("user_id").get<std::int64_t>();
  auto q = db_.prepare("SELECT password, banned FROM users WHERE id = ?");
  q.bind(1, id);
  if (!q.step() || q.text(0) != body.at("password").get<std::string>()) return error_reply(401, "wrong user or password");
  if (q.integer(1) != 0 && !fault("admit-banned")) return error_reply(403, "this user is banned");
  auto reply = json_reply(200, {{"user", user_json(id)}});
  reply.headers.emplace_back("Set-Cookie", new_session(id));
  return reply;
}

http_reply app::register_user(json const& body) {
  auto const name = body.at("name").get<std::string>();
  auto const password = body.at("password").get<std::string>();
  if (name.empty() || name.size() > 64 || password.empty()) return error_reply(400, "name and password are needed");
  db_.exec("BEGIN");
  auto ins = db_.prepare("INSERT INTO users (name, password, banned, coins, chairs, draws) VALUES (?, ?, 0, ?, 0, 0)");
  ins.bind(1, name).bind(2, password).bind(3, rules::starting_coins).step();
  auto const id = db_.last_insert_id();
  auto gift = db_.prepare("INSERT INTO presents (user_id, item_id, message) VALUES (?, ?, ?)");
  for (auto const item_id : rules::welcome_items) {
    gift.bind(1, id).bind(2, item_id).bind(3, std::string_view(rules::welcome_message)).step();
    gift.reset();
  }
  db_.exec("COMMIT");
  auto reply = json_reply(201, {{"user", user_json(id)}, {"presents", rules::welcome_items.size()}});
  reply.headers.emplace_back("Set-Cookie", new_session(id));
  return reply;
}

http_reply app::home(std::int64_t user_id, session const& s) {
  auto user = user_json(user_id);
  if (fault("wrong-chairs")) user["chairs"] = user["chairs"].get<std::int64_t>() + 1;
  auto const unreceived =
      db_.scalar("SELECT COUNT(*) FROM presents WHERE user_id = ? AND received = 0", user_id).value_or(0);
  return json_reply(200, {{"user", user}, {"unreceived_presents", unreceived}, {"reward_available", s.reward_available}});
}

http_reply app::reward(std::int64_t user_id, session& s) {
  if (fault("error-reward")) return error_reply(500, "reward service unavailable");
  if (fault("broken-utf8-error")) {
    std::string page = "<html><body><h1>\u5185\u90e8\u30a8\u30e9\u30fc</h1></body></html>";  // 内部エラー
    page.resize(page.find("</h1>") - 1);  // the last character cut in two
    return {.status = 500, .content_type = "text/html", .body = std::move(page)};
  }
  if (!s.reward_available && !fault("double-reward")) return error_reply(409, "the reward of this login was claimed");
  db_.exec("BEGIN");
  auto up = db_.prepare("UPDATE users SET coins = coins + ?, chairs = chairs + ? WHERE id = ?");
  up.bind(1, rules::reward_coins).bind(2, rules::reward_chairs).bind(3, user_id).step();
  auto hist = db_.prepare("INSERT INTO user_items (user_id, item_id, chairs, source) VALUES (?, 0, ?, 'reward')");
  hist.bind(1, user_id).bind(2, rules::reward_chairs).step();
  db_.exec("COMMIT");
  s.reward_available = false;
  auto const coins = db_.scalar("SELECT coins FROM users WHERE id = ?", user_id).value_or(0);
  return json_reply(200, {{"coins", coins}, {"chairs", chairs_of(user_id)}});
}

http_reply app::presents(std::int64_t user_id) {
  json list = json::array();
  if (options_.tuned) {
    auto q = db_.prepare(
        "SELECT p.id, p.item_id, i.name, i.chairs, p.message FROM presents p JOIN items i ON i.id = p.item_id "
        "WHERE p.user_id = ? AND p.received = 0 ORDER BY p.id LIMIT ?");
    q.bind(1, user_id).bind(2, static_cast<std::int64_t>(rules::presents_page));
    while (q.step()) {
      list.push_back({{"id", q.integer(0)}, {"item_id", q.integer(1)}, {"item_name", q.text(2)},
                      {"chairs", q.integer(3)}, {"message", q.text(4)}});
    }
  } else {
    auto q = db_.prepare("SELECT id, item_id, message FROM presents WHERE user_id = ? AND received = 0 ORDER BY id LIMIT ?");
    q.bind(1, user_id).bind(2, static_cast<std::int64_t>(rules::presents_page));
    while (q.step()) {
      auto item = db_.prepare("SELECT name, chairs FROM items WHERE id = ?");  // N+1: one query per present
      item.bind(1, q.integer(1));
      item.step();
      list.push_back({{"id", q.integer(0)}, {"item_id", q.integer(1)}, {"item_name", item.text(0)},
                      {"chairs", item.integer(1)}, {"message", q.text(2)}});
    }
  }
  return json_reply(200, {{"presents", list}});
}

http_reply app::receive(std::int64_t user_id, json const& body) {
  std::set<std::int64_t> ids;
  for (auto const& v : body.at("present_ids")) ids.insert(v.get<std::int64_t>());
  std::int64_t received = 0;
  db_.exec("BEGIN");
  auto find = db_.prepare(
      "SELECT i.id, i.chairs FROM presents p JOIN items i ON i.id = p.item_id "
      "WHERE p.id = ? AND p.user_id = ? AND p.received = 0");
  auto mark = db_.prepare("UPDATE presents SET received = 1 WHERE id = ?");
  auto gain = db_.prepare("UPDATE users SET chairs = chairs + ? WHERE id = ?");
  auto hist = db_.prepare("INSERT INTO user_items (user_id, item_id, chairs, source) VALUES (?, ?, ?, 'present')");
  for (auto const id : ids) {
    find.bind(1, id).bind(2, user_id);
    if (find.step()) {
      auto const item_id = find.integer(0);
      auto const chairs = find.integer(1);
      mark.bind(1, id).step();
      mark.reset();
      gain.bind(1, chairs).bind(2, user_id).step();
      gain.reset();
      hist.bind(1, user_id).bind(2, item_id).bind(3, chairs).step();
      hist.reset();
      ++received;
    }
    find.reset();
  }
  db_.exec("COMMIT");
  return json_reply(200, {{"received", received}, {"chairs", chairs_of(user_id)}});
}

http_reply app::gacha(std::int64_t user_id) {
  auto const coins = db_.scalar("SELECT coins FROM users WHERE id = ?", user_id).value_or(0);
  if (coins < rules::gacha_cost && !fault("free-gacha")) return error_reply(409, "not enough coins");
  auto const item_id = rules::gacha_item(user_id, draws_of(user_id), item_count_);
  auto item = db_.prepare("SELECT name, chairs FROM items WHERE id = ?");
  item.bind(1, item_id);
  if (!item.step()) return error_reply(500, "the gacha drew an unknown item");
  auto const name = item.text(0);
  auto const chairs = item.integer(1);
  db_.exec("BEGIN");
  auto up = db_.prepare("UPDATE users SET coins = coins - ?, chairs = chairs + ?, draws = draws + 1 WHERE id = ?");
  up.bind(1, rules::gacha_cost).bind(2, chairs).bind(3, user_id).step();
  auto hist = db_.prepare("INSERT INTO user_items (user_id, item_id, chairs, source) VALUES (?, ?, ?, 'gacha')");
  hist.bind(1, user_id).bind(2, item_id).bind(3, chairs).step();
  db_.exec("COMMIT");
  auto reply = json_reply(200, {{"item", {{"id", item_id}, {"name", name}, {"chairs", chairs}}},
                                {"coins", coins - rules::gacha_cost},
                                {"chairs", chairs_of(user_id)}});
  if (fault("slow-gacha")) reply.delay = options_.slow_delay;
  return reply;
}

http_reply app::static_file(http_request const& r) {
  auto const f = find_static(r.path());
  if (!f) return error_reply(404, "no such file");
  http_reply reply{.status = 200, .content_type = std::string(f->content_type), .body = std::string(f->body)};
  if (fault("garbage-static")) reply.body = "/* ok */\n";
  if (fault("no-cache-headers")) return reply;
  reply.headers = {{"ETag", f->etag},
                   {"Last-Modified", std::string(static_last_modified)},
                   {"Cache-Control", "public, max-age=3600"}};
  if (fault("no-validators")) reply.headers.erase(reply.headers.begin(), reply.headers.begin() + 2);
  if (fault("swr-static")) {
    for (auto& [name, value] : reply.headers) {
      if (name == "Cache-Control") value = "max-age=0, stale-while-revalidate=60";
    }
  }
  if (auto const inm = r.header("If-None-Match"); inm && *inm == f->etag) {
    reply.status = 304;
    reply.body.clear();
  }
  return reply;
}

}  // namespace isuchair::webapp
