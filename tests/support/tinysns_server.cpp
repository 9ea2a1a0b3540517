#include "support/tinysns_server.hpp"

#include <fmt/format.h>

#include "support/compress.hpp"
#include "support/multipart.hpp"

namespace candar::test {

namespace {

std::string cookie_value(seen_request const& r, std::string const& name) {
  auto const cookies = r.header("Cookie");
  auto const at = cookies.find(name + "=");
  if (at == std::string::npos) return {};
  auto const start = at + name.size() + 1;
  return cookies.substr(start, cookies.find(';', start) - start);
}

std::string escaped(std::string const& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

reply see_other(std::string const& where) { return reply{.status = 302, .headers = {{"Location", where}}}; }

std::string post_article(std::vector<tinysns_server::post> const& posts, std::size_t i) {
  return fmt::format(R"(<article class="post" data-user="{}"><img src="/image/{}"><p class="body">{}</p></article>)",
                     escaped(posts[i].user), i, escaped(posts[i].body));
}

std::string page(std::string_view body) {
  return fmt::format(
      R"(<!doctype html><html><head><title>tinysns</title><link rel="stylesheet" href="/static/style.css"></head>
<body>{}</body></html>)",
      body);
}

// Inflates past the agent's 64 MiB of decoded bytes. Made once, before the server answers (80 MB to deflate:
// seconds under a sanitizer, which would otherwise delay the first answer past a short load).
std::string const& gzip_bomb_body() {
  static std::string const bomb = deflate_as(coding::gzip, "<!doctype html>" + std::string(80 << 20, ' '));
  return bomb;
}

}  // namespace

tinysns_server::tinysns_server(std::string stylesheet, cheat c, std::shared_ptr<database> db)
    : stylesheet_(std::move(stylesheet)),
      cheat_(c),
      db_(std::move(db)),
      server_([this](seen_request const& r) { return handle(r); }) {
  if (cheat_ == cheat::gzip_bomb) (void)gzip_bomb_body();
}

std::size_t tinysns_server::posts() const {
  std::lock_guard lock(mutex_);
  return (cheat_ == cheat::memory_only ? in_memory_ : db_->posts).size();
}

reply tinysns_server::handle(seen_request const& r) {
  auto out = answer(r);
  if (cheat_ == cheat::latin1_header) out.headers.emplace_back("X-Note", "caf\xe9");
  return out;
}

void tinysns_server::make_hostile(reply& timeline) const {
  auto& body = timeline.body;
  auto const after_body = body.find("<body>") + 6;
  switch (cheat_) {
    case cheat::deep_page: {
      static std::string const deep = [] {
        std::string d;
        for (int i = 0; i < 100'000; ++i) d += "<div>";
        return d;
      }();
      body.insert(0, deep);
      break;
    }
    case cheat::huge_attribute:
      body.insert(after_body, "<div data-x=\"" + std::string(10 << 20, 'a') + "\"></div>");
      break;
    case cheat::many_links: {
      static std::string const links = [] {
        std::string l;
        for (int i = 0; i < 300'000; ++i) l += fmt::format(R"(<a href="/u/{}">{}</a>)", i, i);
        return l;
      }();
      body.insert(after_body, links);
      break;
    }
    case cheat::dormant_formatting: {
      static std::string const bombs = [] {
        std::string const value(100 * 1024, 'v');
        std::string b = "<div>";
        for (int i = 0; i < 100; ++i) b += fmt::format(R"(<b data-v{}="{}">)", i, value);
        b += "</div>";
        for (int i = 0; i < 1'900; ++i) b += "<p>x</p>";
        return b;
      }();
      body.insert(after_body, bombs);
      break;
    }
    case cheat::gzip_bomb: {
      timeline.body = gzip_bomb_body();
      timeline.headers.emplace_back("Content-Encoding", "gzip");
      break;
    }
    default:
      break;
  }
}

reply tinysns_server::answer(seen_request const& r) {
  std::lock_guard lock(mutex_);
  auto const path = r.target.substr(0, r.target.find('?'));
  auto& posts_ = stored();
  if (r.method == "POST" && path == "/initialize") {
    sessions_.clear();
    posts_.clear();
    frozen_timeline_.reset();
    return reply{.headers = {{"Content-Type", "application/json"}}, .body = R"({"ok":true})"};
  }
  if (path == "/static/style.css") {
    return reply{.headers = {{"Content-Type", "text/css"}, {"ETag", "\"css\""}, {"Cache-Control", "max-age=60"}},
                 .body = stylesheet_};
  }
  if (r.method == "GET" && path.starts_with("/posts/")) {  // a post's own page, public (a permalink)
    auto const id = static_cast<std::size_t>(std::stoul(path.substr(7)));
    if (id >= posts_.size()) return reply{.status = 404};
    return reply{.headers = {{"Content-Type", "text/html; charset=utf-8"}}, .body = page(post_article(posts_, id))};
  }
  if (path.starts_with("/image/")) {
    auto const id = static_cast<std::size_t>(std::stoul(path.substr(7)));
    if (id >= posts_.size()) return reply{.status = 404};
    auto const body = cheat_ == cheat::placeholder_images ? std::string("\x89PNG placeholder") : posts_[id].image;
    return reply{.headers = {{"Content-Type", "image/png"}}, .body = body};
  }

  // Everything else belongs to a session: a cookie names it, the first visit makes one.
  auto sid = cookie_value(r, "sid");
  std::vector<std::pair<std::string, std::string>> headers;
  if (!sessions_.contains(sid)) {
    sid = std::to_string(++next_session_);
    sessions_[sid].csrf = fmt::format("csrf-{}-{}", sid, sid.size() * 7919);
    headers.emplace_back("Set-Cookie", "sid=" + sid + "; Path=/; HttpOnly");
  }
  auto& s = sessions_[sid];
  auto with_cookie = [&](reply rep) {
    rep.headers.insert(rep.headers.end(), headers.begin(), headers.end());
    return rep;
  };

  if (r.method == "GET" && path == "/login") {
    return with_cookie(reply{
        .headers = {{"Content-Type", "text/html; charset=utf-8"}},
        .body = fmt::format(
            R"(<!doctype html><html><head><title>tinysns</title><link rel="stylesheet" href="/static/style.css"></head>
<body><form id="login" method="post" action="/login"><input type="hidden" name="csrf_token" value="{}">
<input name="account_name"><input type="password" name="password"><button>Log in</button></form></body></html>)",
            s.csrf)});
  }
  if (r.method == "POST" && path == "/login") {
    auto const f = parse_urlencoded(r.body);
    auto const get = [&](char const* k) { return f.contains(k) ? f.at(k) : std::string(); };
    bool const token_ok = cheat_ == cheat::no_csrf_check || get("csrf_token") == s.csrf;
    if (!token_ok || get("password") != "pw-" + get("account_name")) return with_cookie(reply{.status = 422});
    s.user = get("account_name");
    return with_cookie(see_other("/"));
  }
  if (s.user.empty()) return with_cookie(see_other("/login"));
  if (r.method == "POST" && path == "/posts") {
    auto parts = parse_multipart(r);
    if (parts["csrf_token"].bytes != s.csrf || parts["file"].type != "image/png") return reply{.status = 422};
    posts_.push_back({s.user, parts["body"].bytes, parts["file"].bytes});
    return see_other(fmt::format("/posts/{}", posts_.size() - 1));
  }
  if (r.method == "GET" && path == "/") {
    std::string articles;
    for (auto i = posts_.size(); i-- > 0 && posts_.size() - i <= 30;) articles += post_article(posts_, i);
    if (cheat_ == cheat::stale_timeline) {
      if (!frozen_timeline_) frozen_timeline_ = articles;
      articles = *frozen_timeline_;
    }
    reply timeline{
        .headers = {{"Content-Type", "text/html; charset=utf-8"}},
        .body = fmt::format(
            R"(<!doctype html><html><head><title>tinysns</title><link rel="stylesheet" href="/static/style.css"></head>
<body><form id="post" method="post" action="/posts" enctype="multipart/form-data">
<input type="hidden" name="csrf_token" value="{}"><textarea name="body"></textarea><input type="file" name="file">
<button>Post</button></form><div id="timeline">{}</div></body></html>)",
            s.csrf, articles)};
    make_hostile(timeline);
    return timeline;
  }
  return reply{.status = 404};
}

}  // namespace candar::test
