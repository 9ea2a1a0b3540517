// tinysns-bench: the contest of the guide "Writing a benchmarker" (docs/writing-a-benchmarker.md), a small
// image SNS: users log in through a form with a CSRF token, post an image with a caption (multipart), and
// read the timeline. The tests build it and run it against a local tinysns server, honest and cheating.
#include <algorithm>
#include <filesystem>
#include <random>
#include <optional>
#include <string>
#include <vector>

#include <candar/candar.hpp>  // the one include, as the guide says

namespace {

using namespace candar;
using boost::asio::awaitable;

// [guide:member]
struct confirmed_post {
  std::int64_t id = 0;  // the webapp's, read back from where it redirected
  std::string caption;
  std::string image_sha256;
};

struct member {
  int id = 0;
  std::string name;
  std::string password;
  std::vector<confirmed_post> posts;  // what this user posted that the webapp confirmed
};

// How the check after a restart saves and reads the model: nlohmann's macros, field by field.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(confirmed_post, id, caption, image_sha256)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(member, id, name, password, posts)
// [/guide:member]

class tinysns {
 public:
  tinysns(run_settings const& settings, std::string const& assets, benchmark& b)
      : settings_(settings),
        assets_(asset_table::from_directory(assets, "/static")),
        users_({.base_url = settings.target, .timeout = std::chrono::seconds(5), .metrics = &b.result().metrics()}) {
    // [guide:score]
    b.result().score().set_weight("login", 1).set_weight("post", 5).set_weight("timeline", 1).set_deduction("visit", 1);
    b.result().errors().set_classifier(error_categories()
                                            .assign("initialize", category::initialize)
                                            .assign("visit", category::scenario)
                                            .assign("wrong-data", category::validation)
                                            .assign("validate", category::validation)
                                            .assign(codes::body, category::validation)
                                            .assign(codes::asset, category::validation)
                                            .classifier());
    // [/guide:score]
    for (int i = 0; i < 50; ++i) users_.add({i, fmt::format("user{}", i), fmt::format("pw-user{}", i), {}});
    b.add({.name = "tinysns",
           .prepare = [this](step& s) { return prepare(s); },
           .load = [this](step& s) { return load(s); },
           .validate = [this](step& s) { return validate(s); }});
  }

  // [guide:state]
  // --save-state: every user the pool still knows, with the posts the webapp confirmed.
  nlohmann::json save_state() const { return {{"users", users_.snapshot()}}; }
  // --validate-only --state: those users back, for Validate to check their posts on the restarted webapp.
  void load_state(nlohmann::json const& state) {
    restored_ = state.at("users").get<std::vector<member>>();
    auto const confirmed = [](member const& m) { return !m.posts.empty(); };
    if (std::none_of(restored_.begin(), restored_.end(), confirmed)) throw bad_usage("--state: no confirmed post to check");
  }
  // [/guide:state]

 private:
  // [guide:prepare]
  awaitable<void> prepare(step& s) {
    agent a({.base_url = settings_.target, .timeout = settings_.prepare_timeout});
    auto init = co_await a.post("/initialize").send();
    if (auto e = check(init, "POST /initialize", expect::status(200))) co_return s.add_error(std::move(*e).wrap("initialize"));
    auto css = co_await a.get("/static/style.css").send();
    if (auto e = check(css, "GET /static/style.css", expect::status(200), expect::asset(assets_))) {
      co_return s.add_error(std::move(*e).wrap("initialize"));
    }
    // What must be refused: a login whose CSRF token is not the one the page gave (a webapp that skips the
    // check would otherwise score as much for less work).
    auto page = co_await a.get("/login").send();
    auto login = page ? html::form::find(html::document::of(*page), "form#login") : std::nullopt;
    if (!login) co_return s.add_error(error("page", "GET /login: no form#login").wrap("initialize"));
    login->set("account_name", "user0").set("password", "pw-user0").set("csrf_token", "forged");
    auto forged = co_await login->submit(a).send();
    if (auto e = check(forged, "POST /login with a forged csrf_token", expect::status({400, 403, 422}))) {
      s.add_error(std::move(*e).wrap("wrong-data"));
    }
  }
  // [/guide:prepare]

  // [guide:load]
  awaitable<void> load(step& s) {
    worker visits(s.runtime(), [this, &s](context const&, std::int64_t) { return visit(s); }, {.parallelism = 4});
    co_await visits.process(s);
  }
  // [/guide:load]

  // [guide:visit]
  awaitable<void> visit(step& s) {
    auto u = users_.take();  // a returning browser (cookies, cache), in one flow at a time
    if (!u) {                // every user of this loop is busy or retired: wait a little rather than spin
      co_await sleep(s.context(), std::chrono::milliseconds(50));
      co_return;
    }
    auto fail = [&](error e) { s.add_error(std::move(e).wrap("visit")); };

    auto home = co_await u->agent.get("/").send();
    if (home && home->status == 302) {  // not logged in (yet, or any more): the login form
      auto page = co_await u->agent.get("/login").send();
      if (auto e = check(page, "GET /login", expect::status(200))) co_return fail(std::move(*e));
      auto login = html::form::find(html::document::of(*page), "form#login");
      if (!login) co_return fail(error("page", "GET /login: no form#login"));
      login->set("account_name", u->user.name).set("password", u->user.password);
      auto res = co_await login->submit(u->agent).send();
      if (auto e = check(res, "POST /login", expect::redirect_to("/"))) co_return fail(std::move(*e));
      s.add_score("login");
      home = co_await u->agent.get("/").send();
    }
    if (auto e = check(home, "GET /", expect::status(200), expect::content_type("text/html"))) co_return fail(std::move(*e));
    auto const page = html::document::of(*home);
    auto resources = co_await u->agent.load_resources(*home, "GET (page resources)");
    if (!html::document::of(*home).first("link[rel=stylesheet][href='/static/style.css']")) {
      co_return fail(error(codes::asset, "GET /: the page does not load /static/style.css"));
    }
    for (auto const& r : resources.items) {  // the stylesheet must be the contest's; the images are users'
      auto e = r.ref.kind == "stylesheet" ? check(r.result, "GET " + r.ref.target, expect::status(200), expect::asset(assets_))
                                          : check(r.result, "GET " + r.ref.target, expect::status(200));
      if (e) co_return fail(std::move(*e));
    }

    // A post: a caption and a PNG drawn from --seed (the same for this user's n-th post on every run), sent as
    // the page's form sends it.
    auto rnd = seeded_random(settings_.seed).fork(static_cast<std::uint64_t>(u->user.id)).fork(u->user.posts.size());
    auto const caption = rnd.text(6);
    auto const image = rnd.png(16, 16);
    auto form = html::form::find(page, "form#post");
    if (!form) co_return fail(error("page", "GET /: no form#post"));
    form->set("body", caption).attach("file", "photo.png", "image/png", image);
    auto posted = co_await form->submit(u->agent).send();
    std::int64_t post_id = 0;
    if (auto e = check(posted, "POST /posts", expect::redirect_matching("/posts/:id", &post_id))) {
      u.retire();  // was it stored? the benchmarker no longer knows this user's posts
      co_return fail(std::move(*e));
    }

    // The timeline shows the post, with the very bytes that were sent; only then does the post score.
    auto timeline = co_await u->agent.get("/").send();
    if (auto e = check(timeline, "GET /", expect::status(200))) co_return fail(std::move(*e));
    auto const newest = html::document::of(*timeline).first(fmt::format("article.post[data-user={}]", u->user.name));
    if (!newest || !newest->first("p.body") || newest->first("p.body")->text() != caption) {
      co_return fail(error(codes::body, "GET /: the new post is not on the timeline"));
    }
    auto const img = newest->first("img");
    if (!img) co_return fail(error(codes::body, "GET /: the new post has no <img>"));
    auto got = co_await u->agent.get(img->url_attr("src")).label("GET /image/:id").send();
    if (auto e = check(got, "GET /image/:id", expect::status(200), expect::body(image))) co_return fail(std::move(*e));
    s.add_score("post");
    s.add_score("timeline");
    u->user.posts.push_back({post_id, caption, sha256_hex(image)});
  }
  // [/guide:visit]

  // [guide:validate]
  // After the load (and after a restart, with the users of --state): the newest confirmed posts (a webapp that
  // loses its last seconds of writes loses those) and others at random, not from --seed (which the webapp's
  // author knows), each on its own page with its caption and the very image bytes. Gone or changed: wrong data.
  awaitable<void> validate(step& s) {
    auto const users = settings_.validate_only ? restored_ : users_.snapshot();
    std::vector<confirmed_post> posts;
    for (auto const& m : users) posts.insert(posts.end(), m.posts.begin(), m.posts.end());
    std::sort(posts.begin(), posts.end(), [](auto const& a, auto const& b) { return a.id > b.id; });
    std::vector<confirmed_post> older(posts.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(posts.size(), 10)), posts.end());
    posts.resize(posts.size() - older.size());
    seeded_random(std::random_device{}()).shuffle(older);
    for (std::size_t i = 0; i < older.size() && posts.size() < 30; ++i) posts.push_back(older[i]);
    agent a({.base_url = settings_.target, .timeout = settings_.validate_timeout, .metrics = &s.metrics()});
    for (auto const& p : posts) {
      auto const target = fmt::format("/posts/{}", p.id);
      auto page = co_await a.get(target).label("GET /posts/:id").send();
      if (auto e = check(page, "GET /posts/:id", expect::status(200))) co_return s.add_error(std::move(*e).wrap("validate"));
      auto const article = html::document::of(*page).first("article.post");
      if (!article || !article->first("p.body") || article->first("p.body")->text() != p.caption || !article->first("img")) {
        co_return s.add_error(error(codes::body, fmt::format("GET {}: not the post that was confirmed", target)).wrap("validate"));
      }
      auto const src = article->first("img")->url_attr("src");
      if (!src.starts_with(settings_.target + "/")) {  // the benchmarker goes nowhere the webapp points it
        co_return s.add_error(error(codes::body, fmt::format("GET {}: its image is elsewhere", target)).wrap("validate"));
      }
      auto image = co_await a.get(src).label("GET /image/:id").send();
      if (auto e = check(image, "GET /image/:id", expect::status(200))) co_return s.add_error(std::move(*e).wrap("validate"));
      if (sha256_hex(image->body) != p.image_sha256) {
        co_return s.add_error(error(codes::body, fmt::format("GET {}: its image is not the one posted", target)).wrap("validate"));
      }
    }
  }
  // [/guide:validate]

  run_settings const settings_;
  asset_table const assets_;
  user_pool<member> users_;
  std::vector<member> restored_;  // --validate-only: the users of --state
};

}  // namespace

// [guide:main]
int main(int argc, char** argv) {
  benchmarker_app app("tinysns-bench", "Benchmarks a tinysns webapp (the guide's sample contest).");
  std::string assets = "benchmarker/tinysns/static";
  app.text_flag("assets", assets, "the folder of the webapp's static files (default benchmarker/tinysns/static)");
  std::optional<tinysns> contest;  // after the app, which keeps the event loops its agents were made on
  return app.run(argc, argv, {.setup = [&](benchmark& b, run_settings const& s, logs&) {
                                if (!std::filesystem::is_directory(assets)) throw bad_usage("--assets: no folder " + assets);
                                contest.emplace(s, assets, b);
                              },
                              .save_state = [&] { return contest->save_state(); },
                              .load_state = [&](nlohmann::json const& state) { contest->load_state(state); }});
}
// [/guide:main]
