#include "candar/agent/cookie_jar.hpp"

#include <gtest/gtest.h>

namespace candar {
namespace {

using namespace std::chrono;
using std::chrono::system_clock;

system_clock::time_point const t0 = sys_days(year(2026) / November / 23) + hours(12);

TEST(cookie_jar, a_host_only_cookie_goes_back_to_its_host_only) {
  cookie_jar jar;
  EXPECT_TRUE(jar.store("sid=abc; Path=/; HttpOnly", "isu.example", "/login", false, t0));
  EXPECT_EQ(jar.header_for("isu.example", "/home", false, t0), "sid=abc");
  EXPECT_EQ(jar.header_for("sub.isu.example", "/home", false, t0), "");
  EXPECT_EQ(jar.header_for("other.example", "/home", false, t0), "");
  ASSERT_EQ(jar.size(), 1U);
  EXPECT_TRUE(jar.all()[0].http_only);
  EXPECT_TRUE(jar.all()[0].host_only);
}

TEST(cookie_jar, a_domain_cookie_reaches_subdomains) {
  cookie_jar jar;
  EXPECT_TRUE(jar.store("d=1; Domain=.isu.example", "www.isu.example", "/", false, t0));
  EXPECT_EQ(jar.header_for("isu.example", "/", false, t0), "d=1");
  EXPECT_EQ(jar.header_for("a.b.isu.example", "/", false, t0), "d=1");
  EXPECT_EQ(jar.header_for("notisu.example", "/", false, t0), "");
}

TEST(cookie_jar, another_sites_or_a_public_suffixs_domain_is_never_stored) {
  cookie_jar jar;
  EXPECT_FALSE(jar.store("x=1; Domain=evil.example", "isu.example", "/", false, t0));
  EXPECT_FALSE(jar.store("x=1; Domain=.com", "shop.com", "/", false, t0));
  EXPECT_FALSE(jar.store("x=1; Domain=co.jp", "isu.co.jp", "/", false, t0));
  EXPECT_FALSE(jar.store("x=1; Domain=www.isu.example", "isu.example", "/", false, t0));  // a subdomain of the host
  EXPECT_EQ(jar.size(), 0U);
}

TEST(cookie_jar, paths_match_by_directory_and_longer_paths_come_first) {
  cookie_jar jar;
  jar.store("a=root; Path=/", "h", "/", false, t0);
  jar.store("b=api; Path=/api", "h", "/", false, t0 + seconds(1));
  jar.store("c=default", "h", "/api/users/42", false, t0 + seconds(2));  // default path: /api/users
  EXPECT_EQ(jar.header_for("h", "/api/users/42", false, t0), "c=default; b=api; a=root");
  EXPECT_EQ(jar.header_for("h", "/api", false, t0), "b=api; a=root");
  EXPECT_EQ(jar.header_for("h", "/apiary", false, t0), "a=root");
  EXPECT_EQ(jar.header_for("h", "/api/x?q=1", false, t0), "b=api; a=root");
}

TEST(cookie_jar, secure_cookies_only_over_https) {
  cookie_jar jar;
  EXPECT_FALSE(jar.store("s=1; Secure", "h", "/", false, t0));  // not set by an insecure origin
  EXPECT_TRUE(jar.store("s=1; Secure", "h", "/", true, t0));
  EXPECT_EQ(jar.header_for("h", "/", false, t0), "");
  EXPECT_EQ(jar.header_for("h", "/", true, t0), "s=1");
}

TEST(cookie_jar, max_age_and_expires_end_a_cookie) {
  cookie_jar jar;
  jar.store("short=1; Max-Age=60", "h", "/", false, t0);
  jar.store("dated=1; Expires=Mon, 23 Nov 2026 13:00:00 GMT", "h", "/", false, t0);
  jar.store("both=1; Expires=Mon, 23 Nov 2026 13:00:00 GMT; Max-Age=10", "h", "/", false, t0);  // Max-Age wins
  EXPECT_EQ(jar.header_for("h", "/", false, t0 + seconds(5)), "short=1; dated=1; both=1");
  EXPECT_EQ(jar.header_for("h", "/", false, t0 + seconds(30)), "short=1; dated=1");
  EXPECT_EQ(jar.header_for("h", "/", false, t0 + minutes(30)), "dated=1");
  EXPECT_EQ(jar.header_for("h", "/", false, t0 + hours(2)), "");
  EXPECT_EQ(jar.size(), 0U);
}

TEST(cookie_jar, a_past_expiry_or_zero_max_age_deletes) {
  cookie_jar jar;
  jar.store("sid=abc", "h", "/", false, t0);
  jar.store("keep=1", "h", "/", false, t0);
  EXPECT_FALSE(jar.store("sid=; Max-Age=0", "h", "/", false, t0));
  EXPECT_EQ(jar.header_for("h", "/", false, t0), "keep=1");
  EXPECT_FALSE(jar.store("keep=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "h", "/", false, t0));
  EXPECT_EQ(jar.size(), 0U);
}

TEST(cookie_jar, setting_again_replaces_and_keeps_the_creation_order) {
  cookie_jar jar;
  jar.store("a=1", "h", "/", false, t0);
  jar.store("b=2", "h", "/", false, t0 + seconds(1));
  jar.store("a=3", "h", "/", false, t0 + seconds(2));
  EXPECT_EQ(jar.header_for("h", "/", false, t0 + seconds(3)), "a=3; b=2");
  EXPECT_EQ(jar.size(), 2U);
  jar.clear();
  EXPECT_EQ(jar.header_for("h", "/", false, t0), "");
}

TEST(cookie_jar, malformed_headers_are_ignored) {
  cookie_jar jar;
  EXPECT_FALSE(jar.store("", "h", "/", false, t0));
  EXPECT_FALSE(jar.store("=", "h", "/", false, t0));
  EXPECT_FALSE(jar.store(" ; Path=/", "h", "/", false, t0));
  EXPECT_TRUE(jar.store("ok=1; Expires=garbage; Max-Age=abc; Path=relative", "h", "/x/y", false, t0));
  ASSERT_EQ(jar.size(), 1U);
  EXPECT_FALSE(jar.all()[0].expires.has_value());
  EXPECT_EQ(jar.all()[0].path, "/x");
}

// RFC 6265bis 5.6, as Chromium and Firefox do: "token" and "=token" are one nameless cookie, sent back as
// its value alone; the second replaces the first (same empty name, domain and path).
TEST(cookie_jar, a_pair_without_a_name_is_a_nameless_cookie) {
  cookie_jar jar;
  EXPECT_TRUE(jar.store("token1", "h", "/", false, t0));
  EXPECT_EQ(jar.header_for("h", "/", false, t0), "token1");
  EXPECT_TRUE(jar.store("=token2; Path=/", "h", "/", false, t0));
  EXPECT_EQ(jar.size(), 1U);
  EXPECT_TRUE(jar.store("a=1", "h", "/", false, t0));
  EXPECT_EQ(jar.header_for("h", "/", false, t0), "token2; a=1");
}

// RFC 6265 5.2.4 and 5.3 step 7: the last Path attribute wins, and an empty or relative one means the
// default path (the request's directory), not "keep the earlier Path".
TEST(cookie_jar, the_last_path_wins_even_when_empty) {
  cookie_jar jar;
  EXPECT_TRUE(jar.store("a=1; Path=/admin; Path=", "h", "/app/page", false, t0));
  ASSERT_EQ(jar.size(), 1U);
  EXPECT_EQ(jar.all()[0].path, "/app");
  EXPECT_TRUE(jar.store("b=2; Path=; Path=/admin", "h", "/app/page", false, t0));
  EXPECT_EQ(jar.all()[1].path, "/admin");
}

TEST(cookie_jar, a_cookie_over_4096_bytes_is_ignored_and_a_long_attribute_value_too) {
  cookie_jar jar;
  std::string const name(96, 'n');
  EXPECT_TRUE(jar.store(name + "=" + std::string(4000, 'v'), "h", "/", false, t0));        // 4096 in all
  EXPECT_FALSE(jar.store(name + "x=" + std::string(4000, 'v'), "h", "/", false, t0));      // 4097
  EXPECT_FALSE(jar.store(std::string(4097, 't'), "h", "/", false, t0));                    // nameless too
  EXPECT_TRUE(jar.store("p=1; Path=/" + std::string(1100, 'd'), "h", "/x/y", false, t0));  // Path ignored
  EXPECT_EQ(jar.all().back().path, "/x");
  EXPECT_EQ(jar.size(), 2U);
}

// A hostile server setting cookie after cookie: the jar stays bounded, the newest kept.
TEST(cookie_jar, a_domain_and_the_jar_hold_a_bounded_number_of_cookies) {
  cookie_jar jar;
  for (int i = 0; i < 500; ++i) {
    EXPECT_TRUE(jar.store("c" + std::to_string(i) + "=v", "h", "/", false, t0 + seconds(i)));
  }
  EXPECT_EQ(jar.size(), cookie_jar::max_cookies_per_domain);
  auto const header = jar.header_for("h", "/", false, t0 + seconds(500));
  EXPECT_EQ(header.find("c0=v"), std::string::npos);  // the oldest went first
  EXPECT_NE(header.find("c499=v"), std::string::npos);
  EXPECT_TRUE(jar.store("other=1", "other.example", "/", false, t0 + seconds(600)));  // another domain's count
  EXPECT_EQ(jar.size(), cookie_jar::max_cookies_per_domain + 1);
  for (int d = 0; d < 40; ++d) {
    for (int i = 0; i < 100; ++i) {
      jar.store("c" + std::to_string(i) + "=v", "d" + std::to_string(d) + ".example", "/", false,
                t0 + seconds(1000 + d * 100 + i));
    }
  }
  EXPECT_EQ(jar.size(), cookie_jar::max_cookies);
  EXPECT_EQ(jar.header_for("h", "/", false, t0 + seconds(9000)), "");  // the oldest domain's went first
  auto const newest = jar.header_for("d39.example", "/", false, t0 + seconds(9000));
  std::size_t pairs = 0;
  for (auto at = newest.find("=v"); at != std::string::npos; at = newest.find("=v", at + 1)) ++pairs;
  EXPECT_EQ(pairs, 100U);
}

TEST(parse_cookie_date, reads_the_forms_servers_send) {
  auto const want = sys_days(year(2015) / October / 21) + hours(7) + minutes(28);
  EXPECT_EQ(parse_cookie_date("Wed, 21 Oct 2015 07:28:00 GMT"), want);
  EXPECT_EQ(parse_cookie_date("Wednesday, 21-Oct-15 07:28:00 GMT"), want);
  EXPECT_EQ(parse_cookie_date("Wed Oct 21 07:28:00 2015"), want);
  EXPECT_FALSE(parse_cookie_date("yesterday").has_value());
  EXPECT_FALSE(parse_cookie_date("Wed, 32 Oct 2015 07:28:00 GMT").has_value());
}

}  // namespace
}  // namespace candar
