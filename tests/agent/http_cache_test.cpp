#include "candar/agent/http_cache.hpp"

#include <gtest/gtest.h>

namespace candar {
namespace {

using namespace std::chrono;
using time_point = http_cache::time_point;

time_point const t0 = sys_days(year(2026) / November / 23) + hours(12);
constexpr char const* t0_http = "Mon, 23 Nov 2026 12:00:00 GMT";
std::string const url = "http://isu.example/static/app.css";

response make(int status, http_cache::header_list headers, std::string body = "body") {
  response r;
  r.status = status;
  for (auto const& [k, v] : headers) r.headers.add(k, v);
  r.body = std::move(body);
  r.url = url;
  return r;
}

using kind = http_cache::lookup_result::kind;

TEST(http_cache, max_age_makes_an_entry_fresh_until_it_passes) {
  http_cache c;
  ASSERT_TRUE(c.store(url, {}, make(200, {{"Date", t0_http}, {"Cache-Control", "public, max-age=60"}}), t0, t0));
  auto hit = c.lookup(url, {}, t0 + seconds(59));
  EXPECT_EQ(hit.what, kind::fresh);
  ASSERT_TRUE(hit.stored.has_value());
  EXPECT_EQ(hit.stored->body, "body");
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(61)).what, kind::miss);  // stale with no validator
}

TEST(http_cache, expires_counts_from_date) {
  http_cache c;
  c.store(url, {}, make(200, {{"Date", t0_http}, {"Expires", "Mon, 23 Nov 2026 12:10:00 GMT"}}), t0, t0);
  EXPECT_EQ(c.lookup(url, {}, t0 + minutes(9)).what, kind::fresh);
  EXPECT_EQ(c.lookup(url, {}, t0 + minutes(11)).what, kind::miss);
}

TEST(http_cache, an_age_header_and_transit_time_count_against_freshness) {
  http_cache c;
  c.store(url, {}, make(200, {{"Date", t0_http}, {"Cache-Control", "max-age=100"}, {"Age", "90"}}), t0, t0);
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(5)).what, kind::fresh);
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(11)).what, kind::miss);
}

TEST(http_cache, last_modified_gives_heuristic_freshness_and_a_validator) {
  http_cache c;
  // Modified 100 minutes before Date: fresh for a tenth of that, 10 minutes.
  c.store(url, {}, make(200, {{"Date", t0_http}, {"Last-Modified", "Mon, 23 Nov 2026 10:20:00 GMT"}}), t0, t0);
  EXPECT_EQ(c.lookup(url, {}, t0 + minutes(9)).what, kind::fresh);
  auto stale = c.lookup(url, {}, t0 + minutes(11));
  EXPECT_EQ(stale.what, kind::stale);
  ASSERT_EQ(stale.conditional_headers.size(), 1U);
  EXPECT_EQ(stale.conditional_headers[0].first, "If-Modified-Since");
  EXPECT_EQ(stale.conditional_headers[0].second, "Mon, 23 Nov 2026 10:20:00 GMT");
}

TEST(http_cache, no_cache_always_revalidates_with_the_etag) {
  http_cache c;
  c.store(url, {}, make(200, {{"Cache-Control", "no-cache"}, {"ETag", "\"v1\""}}), t0, t0);
  auto r = c.lookup(url, {}, t0);
  EXPECT_EQ(r.what, kind::stale);
  ASSERT_EQ(r.conditional_headers.size(), 1U);
  EXPECT_EQ(r.conditional_headers[0], (std::pair<std::string, std::string>{"If-None-Match", "\"v1\""}));
}

TEST(http_cache, a_304_refreshes_headers_and_restores_the_body) {
  http_cache c;
  c.store(url, {}, make(200, {{"Date", t0_http}, {"Cache-Control", "max-age=10"}, {"ETag", "\"v1\""}}, "the css"), t0, t0);
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(20)).what, kind::stale);
  auto restored = c.revalidated(url, make(304, {{"Date", "Mon, 23 Nov 2026 12:00:20 GMT"}, {"Cache-Control", "max-age=30"}}, ""),
                                t0 + seconds(20), t0 + seconds(20));
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->status, 200);
  EXPECT_EQ(restored->body, "the css");
  EXPECT_EQ(restored->header("Cache-Control"), "max-age=30");
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(45)).what, kind::fresh);  // fresh again, for the new 30 s
}

TEST(http_cache, what_is_never_stored) {
  http_cache c;
  EXPECT_FALSE(c.store(url, {}, make(200, {{"Cache-Control", "no-store, max-age=60"}}), t0, t0));
  EXPECT_FALSE(c.store(url, {{"Authorization", "Bearer x"}}, make(200, {{"Cache-Control", "max-age=60"}}), t0, t0));
  EXPECT_FALSE(c.store(url, {}, make(500, {{"Cache-Control", "max-age=60"}}), t0, t0));
  EXPECT_FALSE(c.store(url, {}, make(200, {}), t0, t0));  // no freshness, no validator
  EXPECT_FALSE(c.store(url, {}, make(200, {{"Cache-Control", "max-age=60"}, {"Vary", "*"}}), t0, t0));
  EXPECT_EQ(c.size(), 0U);
}

TEST(http_cache, a_request_with_authorization_is_not_served_from_the_cache) {
  http_cache c;
  c.store(url, {}, make(200, {{"Cache-Control", "max-age=60"}}), t0, t0);
  EXPECT_EQ(c.lookup(url, {{"Authorization", "Bearer x"}}, t0).what, kind::miss);
}

TEST(http_cache, vary_separates_variants) {
  http_cache c;
  c.store(url, {{"Accept-Language", "ja"}}, make(200, {{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Language"}}), t0, t0);
  EXPECT_EQ(c.lookup(url, {{"Accept-Language", "ja"}}, t0).what, kind::fresh);
  EXPECT_EQ(c.lookup(url, {{"Accept-Language", "en"}}, t0).what, kind::miss);
  EXPECT_EQ(c.lookup(url, {}, t0).what, kind::miss);
}

TEST(http_cache, the_least_recently_used_entries_go_first_past_the_size_limit) {
  http_cache c(3000);
  auto const big = [](std::string const& u) {
    auto r = make(200, {{"Cache-Control", "max-age=60"}}, std::string(1000, 'x'));
    r.url = u;
    return r;
  };
  c.store("http://h/a", {}, big("http://h/a"), t0, t0);
  c.store("http://h/b", {}, big("http://h/b"), t0, t0);
  EXPECT_EQ(c.lookup("http://h/a", {}, t0).what, kind::fresh);  // a is now the most recent
  c.store("http://h/c", {}, big("http://h/c"), t0, t0);
  EXPECT_EQ(c.lookup("http://h/b", {}, t0).what, kind::miss);
  EXPECT_EQ(c.lookup("http://h/a", {}, t0).what, kind::fresh);
  EXPECT_EQ(c.lookup("http://h/c", {}, t0).what, kind::fresh);
  EXPECT_LE(c.bytes(), 3000U);
  c.clear();
  EXPECT_EQ(c.size(), 0U);
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

// Found by fuzz_cache: a header holding a NUL byte made the packed form's reader loop forever.
TEST(http_cache, headers_with_any_bytes_are_stored_and_read_back) {
  http_cache c;
  std::string const odd("a\0b\0", 4);
  ASSERT_TRUE(c.store(url, {}, make(200, {{"Cache-Control", "max-age=60"}, {std::string("X-\0", 3), odd}, {"ETag", odd}}), t0, t0));
  auto hit = c.lookup(url, {}, t0);
  ASSERT_EQ(hit.what, kind::fresh);
  ASSERT_TRUE(hit.stored.has_value());
  ASSERT_EQ(hit.stored->headers.size(), 3U);
  EXPECT_EQ(hit.stored->headers[1].first, std::string("X-\0", 3));
  EXPECT_EQ(hit.stored->headers[2].second, odd);
}

}  // namespace
}  // namespace candar
