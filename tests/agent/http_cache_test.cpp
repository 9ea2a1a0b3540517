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
  c.store(url, {}, make(200, {{"Date", t0_http}, {"Cache-Control", "max-age=10"}, {"ETag", "\"v1\""}}, "the css"), t0,
          t0);
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(20)).what, kind::stale);
  auto restored =
      c.revalidated(url, make(304, {{"Date", "Mon, 23 Nov 2026 12:00:20 GMT"}, {"Cache-Control", "max-age=30"}}, ""),
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
  EXPECT_FALSE(c.store(url, {}, make(206, {{"Cache-Control", "max-age=60"}}), t0, t0));  // ranges are not cached
  EXPECT_FALSE(c.store(url, {}, make(200, {}), t0, t0));                                 // no freshness, no validator
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
  c.store(url, {{"Accept-Language", "ja"}}, make(200, {{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Language"}}),
          t0, t0);
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
  ASSERT_TRUE(c.store(
      url, {}, make(200, {{"Cache-Control", "max-age=60"}, {std::string("X-\0", 3), odd}, {"ETag", odd}}), t0, t0));
  auto hit = c.lookup(url, {}, t0);
  ASSERT_EQ(hit.what, kind::fresh);
  ASSERT_TRUE(hit.stored.has_value());
  ASSERT_EQ(hit.stored->headers.size(), 3U);
  EXPECT_EQ(hit.stored->headers[1].first, std::string("X-\0", 3));
  EXPECT_EQ(hit.stored->headers[2].second, odd);
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

using namespace std::chrono;
// The first part's t0, make() and url: both parts are in one anonymous namespace.

// RFC 9111 5.1: delta-seconds or nothing; the first member of a list; 2^31 past what fits.
TEST(http_cache_standards, age_is_whole_seconds_or_ignored) {
  for (auto const& [age, fresh_at_30s] :
       std::vector<std::pair<std::string, bool>>{{"7200.0", true},     // not delta-seconds: ignored, not read as 7200
                                                 {"-5", true},         // ditto
                                                 {"12abc", true},      // ditto
                                                 {"50, 7200", false},  // a list: the first member, 50 (+30 s > 60)
                                                 {" 20 ", true},       // whitespace around is not part of the value
                                                 {"99999999999999999999", false}}) {  // past 2^31: 2^31, stale at once
    http_cache c;
    c.store(url, {}, make(200, {{"Date", t0_http}, {"Cache-Control", "max-age=60"}, {"Age", age}}), t0, t0);
    EXPECT_EQ(c.lookup(url, {}, t0 + seconds(30)).what == kind::fresh, fresh_at_30s) << age;
  }
}

// RFC 9111 5.3: an Expires that is not an HTTP-date ("0", junk after a date) is a time in the past. The three
// HTTP-date forms RFC 9110 5.6.7 names are all dates.
TEST(http_cache_standards, expires_must_be_an_http_date_in_one_of_its_three_forms) {
  for (auto const& [expires, fresh] :
       std::vector<std::pair<std::string, bool>>{{"Mon, 23 Nov 2026 12:10:00 GMT", true},
                                                 {"Monday, 23-Nov-26 12:10:00 GMT", true},  // rfc850
                                                 {"Mon Nov 23 12:10:00 2026", true},        // asctime
                                                 {"Mon Nov  3 12:10:00 2027", true},        // asctime, one-digit day
                                                 {"0", false},
                                                 {"Mon, 23 Nov 2026 12:10:00 GMT junk", false},
                                                 {"23 Nov 2026 12:10:00", false},  // a cookie-date parser would read it
                                                 {"Mon, 23 Nov 2026 25:10:00 GMT", false},
                                                 {"Mon, 31 Nov 2026 12:10:00 GMT", false}}) {
    http_cache c;
    c.store(url, {}, make(200, {{"Date", t0_http}, {"Expires", expires}, {"ETag", "\"e\""}}), t0, t0);
    EXPECT_EQ(c.lookup(url, {}, t0 + minutes(5)).what, fresh ? kind::fresh : kind::stale) << expires;
  }
}

TEST(http_cache_standards, an_invalid_date_is_no_date) {
  http_cache c;
  // Date unreadable: the time of receipt stands in (RFC 9110 6.6.1), so max-age counts from t0.
  c.store(url, {}, make(200, {{"Date", "yesterday"}, {"Cache-Control", "max-age=60"}}), t0, t0);
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(59)).what, kind::fresh);
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(61)).what, kind::miss);
}

// RFC 9111 3: explicit freshness makes any understood status storable; without it only the heuristically
// cacheable ones are. A partial (206) or a 304 is never an entry.
TEST(http_cache_standards, explicit_freshness_stores_any_understood_status) {
  for (int status : {400, 403, 500, 503}) {
    http_cache c;
    EXPECT_TRUE(c.store(url, {}, make(status, {{"Date", t0_http}, {"Cache-Control", "max-age=60"}}), t0, t0)) << status;
    auto hit = c.lookup(url, {}, t0 + seconds(10));
    EXPECT_EQ(hit.what, kind::fresh) << status;
    EXPECT_EQ(hit.stored ? hit.stored->status : 0, status);
    http_cache heuristic_only;
    EXPECT_FALSE(heuristic_only.store(
        url, {}, make(status, {{"Date", t0_http}, {"Last-Modified", "Mon, 23 Nov 2026 10:00:00 GMT"}}), t0, t0))
        << status;
  }
  http_cache c;
  EXPECT_FALSE(c.store(url, {}, make(206, {{"Cache-Control", "max-age=60"}}), t0, t0));
  EXPECT_FALSE(c.store(url, {}, make(304, {{"Cache-Control", "max-age=60"}}), t0, t0));
  EXPECT_FALSE(c.store(url, {}, make(404, {{"Cache-Control", "max-age=60, no-store"}}), t0, t0));
}

TEST(http_cache_standards, the_requests_own_max_age_and_no_cache_make_it_revalidate) {
  http_cache c;
  c.store(url, {}, make(200, {{"Date", t0_http}, {"Cache-Control", "max-age=600"}, {"ETag", "\"v1\""}}), t0, t0);
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(30)).what, kind::fresh);
  auto reload = c.lookup(url, {{"Cache-Control", "max-age=0"}}, t0 + seconds(30));
  EXPECT_EQ(reload.what, kind::stale);
  ASSERT_EQ(reload.conditional_headers.size(), 1U);
  EXPECT_EQ(reload.conditional_headers[0].second, "\"v1\"");
  EXPECT_EQ(c.lookup(url, {{"Cache-Control", "no-cache"}}, t0 + seconds(30)).what, kind::stale);
  EXPECT_EQ(c.lookup(url, {{"Cache-Control", "max-age=60"}}, t0 + seconds(30)).what, kind::fresh);
  EXPECT_EQ(c.lookup(url, {{"Cache-Control", "max-age=20"}}, t0 + seconds(30)).what, kind::stale);
}

// RFC 9111 3.1: the Connection field, the fields it names and the hop-by-hop ones are not stored.
TEST(http_cache_standards, hop_by_hop_fields_are_not_stored) {
  http_cache c;
  c.store(url, {},
          make(200, {{"Cache-Control", "max-age=60"},
                     {"Connection", "keep-alive, X-Conn-Secret"},
                     {"Keep-Alive", "timeout=5"},
                     {"X-Conn-Secret", "s"},
                     {"X-Kept", "k"}}),
          t0, t0);
  auto hit = c.lookup(url, {}, t0);
  ASSERT_TRUE(hit.stored.has_value());
  EXPECT_FALSE(hit.stored->header("Connection"));
  EXPECT_FALSE(hit.stored->header("Keep-Alive"));
  EXPECT_FALSE(hit.stored->header("X-Conn-Secret"));
  EXPECT_EQ(hit.stored->header("X-Kept").value_or(""), "k");
}

TEST(http_cache_standards, invalidate_drops_the_entry) {
  http_cache c;
  c.store(url, {}, make(200, {{"Cache-Control", "max-age=60"}}), t0, t0);
  c.invalidate("http://isu.example/other");
  EXPECT_EQ(c.size(), 1U);
  c.invalidate(url);
  EXPECT_EQ(c.size(), 0U);
  EXPECT_EQ(c.bytes(), 0U);
  EXPECT_EQ(c.lookup(url, {}, t0).what, kind::miss);
}

TEST(http_cache_standards, stale_while_revalidate_serves_a_stale_entry_and_asks_for_a_revalidation) {
  http_cache c;
  ASSERT_TRUE(c.store(
      url, {},
      make(200, {{"Date", t0_http}, {"Cache-Control", "max-age=60, stale-while-revalidate=30"}, {"ETag", "\"v1\""}}),
      t0, t0));
  auto const fresh = c.lookup(url, {}, t0 + seconds(59));
  EXPECT_EQ(fresh.what, kind::fresh);
  EXPECT_FALSE(fresh.revalidate_in_background);
  auto const window = c.lookup(url, {}, t0 + seconds(75));
  EXPECT_EQ(window.what, kind::fresh);
  EXPECT_TRUE(window.revalidate_in_background);
  EXPECT_EQ(window.conditional_headers, (http_cache::header_list{{"If-None-Match", "\"v1\""}}));
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(91)).what, kind::stale);  // past the window: revalidate first
  // The request's no-cache and the response's must-revalidate want a fresh answer now.
  EXPECT_EQ(c.lookup(url, {{"Cache-Control", "no-cache"}}, t0 + seconds(75)).what, kind::stale);
  http_cache strict;
  strict.store(url, {},
               make(200, {{"Date", t0_http},
                          {"Cache-Control", "max-age=60, stale-while-revalidate=30, must-revalidate"},
                          {"ETag", "\"v1\""}}),
               t0, t0);
  EXPECT_EQ(strict.lookup(url, {}, t0 + seconds(75)).what, kind::stale);
}

TEST(http_cache_standards, must_understand_overrides_no_store_for_an_understood_status) {
  http_cache c;
  EXPECT_TRUE(c.store(url, {}, make(200, {{"Cache-Control", "no-store, must-understand, max-age=60"}}), t0, t0));
  EXPECT_EQ(c.lookup(url, {}, t0 + seconds(1)).what, kind::fresh);
  EXPECT_FALSE(
      c.store(url + "?r", {}, make(206, {{"Cache-Control", "no-store, must-understand, max-age=60"}}), t0, t0));
  EXPECT_FALSE(c.store(url + "?n", {}, make(200, {{"Cache-Control", "no-store, max-age=60"}}), t0, t0));
}

TEST(http_cache_standards, vary_compares_the_request_field_the_agent_sends_the_later_of_two) {
  http_cache c;
  c.store(url, {{"X-Variant", "a"}, {"X-Variant", "b"}},
          make(200, {{"Cache-Control", "max-age=60"}, {"Vary", "X-Variant"}}), t0, t0);
  EXPECT_EQ(c.lookup(url, {{"X-Variant", "b"}}, t0).what, kind::fresh);
  EXPECT_EQ(c.lookup(url, {{"X-Variant", "a"}}, t0).what, kind::miss);
  EXPECT_EQ(c.lookup(url, {{"X-Variant", "b"}, {"X-Variant", "a"}}, t0).what, kind::miss);
}

}  // namespace
}  // namespace candar
