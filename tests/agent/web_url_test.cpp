#include "web_url.hpp"

// URLs as Chromium spells them on the wire. The expected spellings are the request targets headless Chromium
// sent for scripts/chromium-pages/urls.html (bash scripts/compare-chromium.sh), and the WHATWG URL
// standard's examples for what a page cannot show (hosts, ports, IPv4 forms).
#include <gtest/gtest.h>

#include "candar/failure/codes.hpp"

namespace candar::detail {
namespace {

web_url const& page() {
  static web_url const p = *web_url::parse("http://127.0.0.1:8080/urls.html");
  return p;
}

// The href of `input` read against the page, or "error: ..." when it is not a URL to fetch.
std::string resolved(std::string_view input, web_url const* base = &page()) {
  auto u = web_url::parse(input, base);
  return u ? u->href() : "error: " + u.error().message();
}

TEST(web_url, keeps_escapes_as_written_and_encodes_what_chromium_encodes) {
  std::string const o = "http://127.0.0.1:8080";
  EXPECT_EQ(resolved("/u/a b.png"), o + "/u/a%20b.png");
  EXPECT_EQ(resolved("/u/%41%62%2f.png"), o + "/u/%41%62%2f.png");  // not decoded, not even %2f
  EXPECT_EQ(resolved("/u/%c3%A9-case.png"), o + "/u/%c3%A9-case.png");
  EXPECT_EQ(resolved("/u/\xC3\xA9.png"), o + "/u/%C3%A9.png");
  EXPECT_EQ(resolved("/u/emoji-\xF0\x9F\x98\x80.png"), o + "/u/emoji-%F0%9F%98%80.png");
  EXPECT_EQ(resolved("/u/set{}`^|~!$'()*+,;=:@[].png"), o + "/u/set%7B%7D%60%5E%7C~!$'()*+,;=:@[].png");
  EXPECT_EQ(resolved("/u/quote\"lt<gt>.png"), o + "/u/quote%22lt%3Cgt%3E.png");
  EXPECT_EQ(resolved("/u/ctl\x01.png"), o + "/u/ctl%01.png");
  EXPECT_EQ(resolved("/u/del\x7f.png"), o + "/u/del%7F.png");
  EXPECT_EQ(resolved("/u/pct%zz%4.png"), o + "/u/pct%zz%4.png");  // a stray % goes as it is
  EXPECT_EQ(resolved("/u/q.png?a b&c=\xC3\xA9&d='x'&e=\"&f=<>`{}|^#frag ment"),
            o + "/u/q.png?a%20b&c=%C3%A9&d=%27x%27&e=%22&f=%3C%3E`{}|^");
  EXPECT_EQ(resolved("/u/q2.png?\xC3\xA9=%zz&k=v"), o + "/u/q2.png?%C3%A9=%zz&k=v");
}

TEST(web_url, removes_tabs_and_newlines_and_trims_spaces) {
  std::string const o = "http://127.0.0.1:8080";
  EXPECT_EQ(resolved("/u/tab\tbed.png"), o + "/u/tabbed.png");
  EXPECT_EQ(resolved("/u/new\nline.png"), o + "/u/newline.png");
  EXPECT_EQ(resolved("/u/cr\r\nlf.png"), o + "/u/crlf.png");
  EXPECT_EQ(resolved("   /u/spaces-around.png  "), o + "/u/spaces-around.png");
  EXPECT_EQ(resolved("\x01\x1f/u/controls-around.png\x00"), o + "/u/controls-around.png");
}

TEST(web_url, reads_backslashes_dots_schemes_and_relative_forms_as_a_browser) {
  std::string const o = "http://127.0.0.1:8080";
  EXPECT_EQ(resolved("\\u\\back.png"), o + "/u/back.png");
  EXPECT_EQ(resolved("HTTP://127.0.0.1:8080/u/upper-scheme.png"), o + "/u/upper-scheme.png");
  EXPECT_EQ(resolved("/u/./dot/../dd.png"), o + "/u/dd.png");
  EXPECT_EQ(resolved("/u/x/%2e%2E/pct-dots.png"), o + "/u/pct-dots.png");
  EXPECT_EQ(resolved("/u/x/.%2e/mixed-dots.png"), o + "/u/mixed-dots.png");
  EXPECT_EQ(resolved("/a/b/.."), o + "/a/");
  EXPECT_EQ(resolved("/a/b/."), o + "/a/b/");
  EXPECT_EQ(resolved("/../../x"), o + "/x");
  EXPECT_EQ(resolved("//127.0.0.1:8080/u/scheme-relative.png"), o + "/u/scheme-relative.png");
  EXPECT_EQ(resolved("\\\\other.test\\x"), "http://other.test/x");
  EXPECT_EQ(resolved("u/relative.png"), o + "/u/relative.png");
  EXPECT_EQ(resolved("?only-query"), o + "/urls.html?only-query");
  EXPECT_EQ(resolved("#only-fragment"), o + "/urls.html");
  EXPECT_EQ(resolved(""), o + "/urls.html");
  EXPECT_EQ(resolved("/u/frag.png#x y"), o + "/u/frag.png");
  EXPECT_EQ(resolved("http:same-scheme.png"), o + "/same-scheme.png");  // same special scheme: relative
  EXPECT_EQ(resolved("https:other.test/p"), "https://other.test/p");
  EXPECT_EQ(resolved("http:/\\other.test/p", nullptr), "http://other.test/p");
}

TEST(web_url, writes_hosts_and_ports_as_the_standard_does) {
  EXPECT_EQ(resolved("http://EXAMPLE.Test/", nullptr), "http://example.test/");
  EXPECT_EQ(resolved("http://ex%41mple.test/", nullptr), "http://example.test/");
  EXPECT_EQ(resolved("http://example.test:80/", nullptr), "http://example.test/");
  EXPECT_EQ(resolved("https://example.test:443/", nullptr), "https://example.test/");
  EXPECT_EQ(resolved("http://example.test:0080/", nullptr), "http://example.test/");
  EXPECT_EQ(resolved("http://example.test:/", nullptr), "http://example.test/");
  EXPECT_EQ(resolved("https://example.test:80/", nullptr), "https://example.test:80/");
  EXPECT_EQ(resolved("http://example.test", nullptr), "http://example.test/");
  EXPECT_EQ(resolved("http://127.1/", nullptr), "http://127.0.0.1/");
  EXPECT_EQ(resolved("http://0x7f.0.0.1/", nullptr), "http://127.0.0.1/");
  EXPECT_EQ(resolved("http://0177.0.0.1/", nullptr), "http://127.0.0.1/");
  EXPECT_EQ(resolved("http://2130706433/", nullptr), "http://127.0.0.1/");
  EXPECT_EQ(resolved("http://127.0.0.1./", nullptr), "http://127.0.0.1/");
  EXPECT_EQ(resolved("http://[0:0::1]:8080/", nullptr), "http://[::1]:8080/");
  EXPECT_EQ(resolved("http://[::1]/x?y", nullptr), "http://[::1]/x?y");
}

TEST(web_url, refuses_what_it_cannot_fetch_and_says_why) {
  EXPECT_EQ(resolved("http://256.0.0.1/", nullptr), "error: bad host '256.0.0.1': not an IPv4 address");
  EXPECT_EQ(resolved("http://1.2.3.4.5/", nullptr), "error: bad host '1.2.3.4.5': not an IPv4 address");
  EXPECT_EQ(resolved("http://example.test:65536/", nullptr), "error: bad port '65536'");
  EXPECT_EQ(resolved("http://example.test:8a/", nullptr), "error: bad port '8a'");
  EXPECT_EQ(resolved("http:///x", nullptr), "http://x/");  // every slash after the scheme is skipped
  EXPECT_EQ(resolved("http://:8080/x", nullptr), "error: bad host '': empty");
  EXPECT_EQ(resolved("http://ex ample.test/", nullptr),
            "error: bad host 'ex ample.test': a character a host cannot have");
  EXPECT_EQ(resolved("http://[::1/", nullptr), "error: bad host '[::1': an IPv6 address without its ']'");
  EXPECT_EQ(resolved("http://user:pass@example.test/", nullptr),
            "error: a URL with credentials (user:password@) is not fetched");
  EXPECT_EQ(resolved("http://\xC3\xA9.test/", nullptr),
            "error: bad host '\xC3\xA9.test': an internationalized domain name (not supported)");
  EXPECT_EQ(resolved("mailto:someone@example.test"), "error: 'mailto:' is not a scheme the agent fetches");
  EXPECT_EQ(resolved("data:text/plain,x"), "error: 'data:' is not a scheme the agent fetches");
  EXPECT_EQ(resolved("/x", nullptr), "error: '/x' is relative and there is no base URL");
}

// Found by review against the standard (and Chromium), each once a difference.
TEST(web_url, the_standards_corner_cases) {
  EXPECT_EQ(resolved("http://[::ffff:1.2.3.4]/", nullptr), "http://[::ffff:102:304]/");  // hex pieces, never dotted
  EXPECT_EQ(resolved("http://[::127.0.0.1]/", nullptr), "http://[::7f00:1]/");
  EXPECT_EQ(resolved("http://[1:0:0:2:0:0:0:3]/", nullptr), "http://[1:0:0:2::3]/");       // the first longest zero run
  EXPECT_EQ(resolved("http://[1:0:2:0:3:0:4:0]/", nullptr), "http://[1:0:2:0:3:0:4:0]/");  // no run of two
  EXPECT_EQ(resolved("http://0x10000000000/", nullptr), "error: bad host '0x10000000000': not an IPv4 address");
  EXPECT_EQ(resolved("http://a.0xffffffffffff/", nullptr), "error: bad host 'a.0xffffffffffff': not an IPv4 address");
  EXPECT_EQ(resolved("http://@example.test/", nullptr), "http://example.test/");  // empty credentials are none
  EXPECT_EQ(resolved("http://:@example.test/", nullptr), "http://example.test/");
  EXPECT_FALSE(web_url::parse(std::string_view("http://[::1\0zz]/", 16)).has_value());  // not read up to the NUL only
  EXPECT_EQ(resolved("http://xn--a/", nullptr),
            "error: bad host 'xn--a': a punycode label (internationalized domain names are not supported)");
  EXPECT_EQ(resolved("/a\xFF?q=\xC3"), "http://127.0.0.1:8080/a%EF%BF%BD?q=%EF%BF%BD");       // not UTF-8: U+FFFD
  EXPECT_EQ(resolved("/\xED\xA0\x80"), "http://127.0.0.1:8080/%EF%BF%BD%EF%BF%BD%EF%BF%BD");  // a surrogate
}

TEST(web_url, gives_the_parts_a_request_needs) {
  auto u = *web_url::parse("HTTPS://Example.Test:8443/a%20b/c?q=1#f");
  EXPECT_EQ(u.href(), "https://example.test:8443/a%20b/c?q=1");
  EXPECT_EQ(u.scheme(), "https");
  EXPECT_TRUE(u.https());
  EXPECT_EQ(u.host(), "example.test");
  EXPECT_EQ(u.port(), "8443");
  EXPECT_EQ(u.port_number(), 8443);
  EXPECT_EQ(u.path(), "/a%20b/c");
  EXPECT_EQ(u.target(), "/a%20b/c?q=1");
  auto d = *web_url::parse("http://example.test/");
  EXPECT_EQ(d.port(), "");
  EXPECT_EQ(d.port_number(), 80);
  EXPECT_TRUE(d.same_origin(*web_url::parse("http://EXAMPLE.test:80/other")));
  EXPECT_FALSE(d.same_origin(*web_url::parse("https://example.test/")));
  EXPECT_FALSE(d.same_origin(*web_url::parse("http://example.test:81/")));
}

}  // namespace
}  // namespace candar::detail
