#include "app.hpp"

#include <charconv>

#include <fmt/format.h>

#include "isuchair/initial_data.hpp"
#include "isuchair/rules.hpp"
#include "replies.hpp"
#include "static_files.hpp"

namespace isuchair::webapp {

namespace {

using json = nlohmann::json;

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

}  // namespace

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
    if (fault("formatting-bomb")) {
      std::string bomb = "<div>";
      std::string const value(100 * 1024, 'v');
      for (int i = 0; i < 100; ++i) bomb += "<b data-v" + std::to_string(i) + "=\"" + value + "\">";
      bomb += "</div>";
      for (int i = 0; i < 1'900; ++i) bomb += "<p>x</p>";
      page.insert(0, bomb);
    }
    return {.status = 200,
            .content_type = "text/html; charset=utf-8",
            .body = std::move(page),
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
      return {.status = 200,
              .body = std::string("\x28\xb5\x2f\xfd\x00\x58\x61\x00\x00\xff\xfe", 11),
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
  if (!q.step() || q.text(0) != body.at("password").get<std::string>())
    return error_reply(401, "wrong user or password");
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
  return json_reply(200,
                    {{"user", user}, {"unreceived_presents", unreceived}, {"reward_available", s.reward_available}});
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
      list.push_back({{"id", q.integer(0)},
                      {"item_id", q.integer(1)},
                      {"item_name", q.text(2)},
                      {"chairs", q.integer(3)},
                      {"message", q.text(4)}});
    }
  } else {
    auto q =
        db_.prepare("SELECT id, item_id, message FROM presents WHERE user_id = ? AND received = 0 ORDER BY id LIMIT ?");
    q.bind(1, user_id).bind(2, static_cast<std::int64_t>(rules::presents_page));
    while (q.step()) {
      auto item = db_.prepare("SELECT name, chairs FROM items WHERE id = ?");  // N+1: one query per present
      item.bind(1, q.integer(1));
      item.step();
      list.push_back({{"id", q.integer(0)},
                      {"item_id", q.integer(1)},
                      {"item_name", item.text(0)},
                      {"chairs", item.integer(1)},
                      {"message", q.text(2)}});
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
