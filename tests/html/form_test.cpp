#include "candar/html/form.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "support/http_server.hpp"
#include "support/with_agent.hpp"

namespace candar::html {
namespace {

namespace asio = boost::asio;
using test::http_server;
using test::reply;
using test::seen_request;

constexpr std::string_view signup = R"(<form id="signup" method="post" action="/register?from=home#top">
  <input type="hidden" name="csrf_token" value="abc 123">
  <input name="account" value="">
  <input name="nickname">
  <input type="password" name="password">
  <input type="checkbox" name="terms" checked>
  <input type="checkbox" name="news" value="weekly">
  <input type="radio" name="plan" value="free">
  <input type="radio" name="plan" value="pro" checked>
  <input name="off" value="x" disabled>
  <fieldset disabled><input name="in-disabled-set" value="x"></fieldset>
  <select name="country"><option>  Japan  </option><option value="fr">France</option></select>
  <select name="tags" multiple><option selected>a</option><option>b</option><option selected value="c">C</option></select>
  <textarea name="bio">line1
line2</textarea>
  <input type="text" value="nameless">
  <input type="reset" name="reset">
  <button name="go" value="now">Sign up</button>
  <button type="submit" name="draft" value="1" formaction="/draft" formmethod="get">Save</button>
</form>
<input name="outside" value="o" form="signup">
<input name="not-mine" value="n">)";

TEST(html_form, radio_groups_list_boxes_and_buttons_as_a_browser_has_them) {
  document const d(
      R"(<form action="/f"><input type=radio name=r value=a checked><input type=radio name=r value=b checked>
<select name=box size=3><option>one</option><option>two</option></select>
<button type=bogus name=b value=1>go</button><input type=image src=i.png></form>)",
      "http://h/");
  auto const f = form::find(d);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->entries().urlencoded().content, "r=b");  // the last checked radio of a group; a list box gives nothing
  EXPECT_EQ(f->buttons(), (std::vector<std::string>{"b", ""}));  // an unknown button type submits
  std::string target;
  test::with_agent({.base_url = "http://127.0.0.1:1"}, [&](agent& a) -> asio::awaitable<void> {
    target = f->submit(a, "").target();  // the default button: b
    co_return;
  });
  EXPECT_EQ(target, "http://h/f?r=b&b=1");
}

TEST(html_form, reads_the_entries_a_browser_would_submit) {
  document const d(signup, "http://127.0.0.1:9/page");
  auto const f = form::find(d, "#signup");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->method(), "POST");
  EXPECT_EQ(f->action(), "http://127.0.0.1:9/register?from=home");  // as requested: a fragment never goes out
  EXPECT_EQ(f->enctype(), "application/x-www-form-urlencoded");
  EXPECT_EQ(f->entries().urlencoded().content,
            "csrf_token=abc+123&account=&nickname=&password=&terms=on&plan=pro&country=Japan&tags=a&tags=c"
            "&bio=line1%0Aline2&outside=o");
  EXPECT_EQ(f->buttons(), (std::vector<std::string>{"go", "draft"}));
  EXPECT_FALSE(form::find(d, "#nothing").has_value());
  EXPECT_FALSE(form::find(d, "input").has_value());  // not a form
  EXPECT_THROW(form(*d.first("input")), std::invalid_argument);
}

struct recorder {
  std::mutex m;
  std::vector<seen_request> seen;
  void add(seen_request const& r) {
    std::lock_guard lock(m);
    seen.push_back(r);
  }
};

TEST(html_form, submits_as_a_browser_through_the_pressed_button) {
  recorder rec;
  http_server server([&](seen_request const& r) {
    rec.add(r);
    return reply{.body = std::string(signup)};
  });
  test::with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto page = co_await a.get("/page").send();
    if (!page) co_return;
    auto f = form::find(document::of(*page), "#signup");
    if (!f) co_return;
    f->set("account", "isu").set("password", "p&ss").set("bio", "a\nb");
    co_await f->submit(a).send();           // the default button: "go"
    co_await f->submit(a, "draft").send();  // formaction + formmethod=get: the entries in the query
    EXPECT_THROW((void)f->submit(a, "nope"), std::invalid_argument);
  });
  ASSERT_EQ(rec.seen.size(), 3U);
  auto const& post = rec.seen[1];
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(post.target, "/register?from=home");  // no fragment on the wire
  EXPECT_EQ(post.header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(post.body,
            "csrf_token=abc+123&account=isu&nickname=&password=p%26ss&terms=on&plan=pro&country=Japan&tags=a&tags=c"
            "&bio=a%0D%0Ab&go=now&outside=o");  // the button's entry where it stands in tree order
  auto const& get = rec.seen[2];
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.target.substr(0, 30), "/draft?csrf_token=abc+123&acco");
  EXPECT_TRUE(get.target.ends_with("&draft=1&outside=o")) << get.target;
  EXPECT_TRUE(get.body.empty());
}

// A login with a CSRF token in a hidden field and a session cookie: the token must come from the page the
// session saw, as a private-isu-like webapp checks.
TEST(html_form, a_login_with_a_csrf_token_from_the_page) {
  std::mutex m;
  std::string issued;
  int tokens = 0;
  http_server server([&](seen_request const& r) {
    std::lock_guard lock(m);
    if (r.method == "GET" && r.target == "/login") {
      issued = "tok" + std::to_string(++tokens);
      return reply{.headers = {{"Set-Cookie", "session=s" + std::to_string(tokens) + "; Path=/"}},
                   .body = R"(<html><body><form method=POST action=/login enctype="multipart/form-data">)"
                           R"(<input type=hidden name=csrf_token value=")" +
                           issued +
                           R"(">)"
                           R"(<input name=account_name><input type=password name=password>)"
                           R"(<input type=file name=icon><input type=submit value=Login></form></body></html>)"};
    }
    if (r.method == "POST" && r.target == "/login") {
      bool const ok = r.body.find("name=\"csrf_token\"\r\n\r\n" + issued + "\r\n") != std::string::npos &&
                      r.body.find("name=\"account_name\"\r\n\r\nisu\r\n") != std::string::npos &&
                      r.body.find("name=\"icon\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\nPNG!") !=
                          std::string::npos &&
                      r.header("Cookie") == "session=s" + std::to_string(tokens);
      return reply{.status = ok ? 302 : 422, .headers = {{"Location", "/"}}};
    }
    return reply{.status = 404};
  });
  int status = 0;
  test::with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto page = co_await a.get("/login").send();
    if (!page) co_return;
    auto login = form::find(document::of(*page));
    if (!login) co_return;
    login->set("account_name", "isu").set("password", "pw").attach("icon", "me.png", "image/png", "PNG!");
    auto res = co_await login->submit(a).send();
    if (res) status = res->status;
  });
  EXPECT_EQ(status, 302);
}

}  // namespace
}  // namespace candar::html
