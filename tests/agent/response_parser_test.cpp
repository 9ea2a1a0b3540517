#include "response_parser.hpp"

#include "text.hpp"

#include <gtest/gtest.h>

namespace candar::detail {
namespace {

using failure = response_parser::failure;

struct parsed {
  response res;
  bool done = false;
  failure why = failure::none;
  std::string message;
  bool keep_alive = false;
  std::size_t used = 0;  // bytes the parser took
};

// Feeds `wire` in pieces of `piece` bytes (0: all at once), then ends the stream when `close` says so.
parsed parse(std::string_view wire, std::size_t piece = 0, bool close = false, response_limits limits = {},
             bool head = false) {
  parsed out;
  response_parser p(out.res, limits, head);
  if (piece == 0) piece = wire.size();
  for (std::size_t at = 0; at < wire.size() && !p.done() && p.failed() == failure::none; at += piece) {
    auto const part = wire.substr(at, piece);
    std::string const copy(part);  // a fresh buffer per feed: the parser must not keep pointers into it
    out.used += p.feed(copy);
  }
  if (close) p.end_of_stream();
  out.done = p.done();
  out.why = p.failed();
  out.message = p.failure_message();
  out.keep_alive = p.keep_alive();
  return out;
}

// Every way of cutting `wire` into pieces gives the same result as one piece.
void expect_same_at_every_cut(std::string_view wire, bool close = false) {
  auto const whole = parse(wire, 0, close);
  for (std::size_t piece = 1; piece < wire.size(); ++piece) {
    auto const cut = parse(wire, piece, close);
    ASSERT_EQ(cut.done, whole.done) << "pieces of " << piece;
    ASSERT_EQ(cut.why, whole.why) << "pieces of " << piece;
    ASSERT_EQ(cut.res.status, whole.res.status) << "pieces of " << piece;
    ASSERT_EQ(cut.res.headers, whole.res.headers) << "pieces of " << piece;
    ASSERT_EQ(cut.res.body, whole.res.body) << "pieces of " << piece;
    ASSERT_EQ(cut.keep_alive, whole.keep_alive) << "pieces of " << piece;
  }
}

using headers = header_fields;

TEST(response_parser, reads_status_headers_in_order_and_a_sized_body) {
  constexpr std::string_view wire =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\nhello";
  auto const r = parse(wire);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.res.status, 200);
  EXPECT_EQ(r.res.headers,
            (headers{{"Server", "nginx"}, {"Content-Length", "5"}, {"Set-Cookie", "a=1"}, {"set-cookie", "b=2"}}));
  EXPECT_EQ(r.res.body, "hello");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.used, wire.size());
  expect_same_at_every_cut(wire);
}

TEST(response_parser, trims_values_and_accepts_bare_line_feeds_and_a_missing_reason) {
  auto const r = parse("HTTP/1.1 204\nX-A:   spaced \t\nX-Empty:\n\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.res.status, 204);
  EXPECT_EQ(r.res.headers, (headers{{"X-A", "spaced"}, {"X-Empty", ""}}));
}

TEST(response_parser, unfolds_obsolete_line_folding) {
  auto const r = parse("HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\n\tthree\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.res.headers[0].second, "one two three");
  // Folds in two fields, each value longer than the first: the text they are kept in grows and moves.
  std::string const a(40, 'a');
  std::string const b(300, 'b');
  auto const two = parse("HTTP/1.1 200 OK\r\nX-A: " + a + "\r\n " + a + "\r\nX-B: " + b + "\r\n\t" + b +
                         "\r\nX-C: c\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(two.done) << two.message;
  EXPECT_EQ(two.res.headers,
            (headers{{"X-A", a + " " + a}, {"X-B", b + " " + b}, {"X-C", "c"}, {"Content-Length", "0"}}));
}

TEST(response_parser, decodes_chunks_with_extensions_and_skips_trailers) {
  constexpr std::string_view wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n1B \r\n, and twenty-one more bytes\r\n0\r\nX-Trailer: t\r\n\r\n";
  auto const r = parse(wire);
  EXPECT_TRUE(r.done) << r.message;
  EXPECT_EQ(r.res.body, "hello, and twenty-one more bytes");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.res.headers.size(), 1U);  // the trailer is not a header
  EXPECT_EQ(r.used, wire.size());
  expect_same_at_every_cut(wire);
}

TEST(response_parser, a_body_without_length_runs_until_the_close) {
  constexpr std::string_view wire = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
  auto const open = parse(wire);
  EXPECT_FALSE(open.done);
  EXPECT_EQ(open.why, failure::none);
  auto const closed = parse(wire, 0, true);
  EXPECT_TRUE(closed.done);
  EXPECT_EQ(closed.res.body, "until the end");
  EXPECT_FALSE(closed.keep_alive);
  expect_same_at_every_cut(wire, true);
  // A coding other than chunked last: the length is not known either.
  auto const gzip_only = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz", 0, true);
  EXPECT_TRUE(gzip_only.done);
  EXPECT_EQ(gzip_only.res.body, "xyz");
  EXPECT_FALSE(gzip_only.keep_alive);
}

TEST(response_parser, keep_alive_follows_the_version_and_the_connection_header) {
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_TRUE(parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keep_alive);
  // Both Transfer-Encoding and Content-Length: the chunks count, and the connection is not trusted again.
  auto const both =
      parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
  EXPECT_TRUE(both.done);
  EXPECT_EQ(both.res.body, "ok");
  EXPECT_FALSE(both.keep_alive);
}

TEST(response_parser, responses_without_a_body) {
  auto const head = parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 0, false, {}, true);
  EXPECT_TRUE(head.done);
  EXPECT_TRUE(head.res.body.empty());
  EXPECT_TRUE(head.keep_alive);
  EXPECT_TRUE(parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n").done);
  EXPECT_TRUE(parse("HTTP/1.1 204 No Content\r\n\r\n").done);
  auto const upgrade = parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
  EXPECT_TRUE(upgrade.done);
  EXPECT_FALSE(upgrade.keep_alive);
}

TEST(response_parser, skips_interim_responses) {
  constexpr std::string_view wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  auto const r = parse(wire);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.res.status, 201);
  EXPECT_EQ(r.res.headers, (headers{{"Content-Length", "2"}}));
  EXPECT_EQ(r.res.body, "ok");
  expect_same_at_every_cut(wire);
}

TEST(response_parser, stops_at_the_end_of_the_response) {
  constexpr std::string_view wire = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
  auto const r = parse(wire);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.res.body, "ok");
  EXPECT_EQ(r.used, wire.size() - 5);
}

TEST(response_parser, malformed_responses_say_what_is_wrong) {
  struct bad {
    std::string_view wire;
    std::string_view says;
  };
  for (auto const& [wire, says] : {
           bad{"HELLO THERE\r\n\r\n", "bad status line 'HELLO THERE'"},
           bad{"HTTP/2.0 200 OK\r\n\r\n", "not HTTP/1.x"},
           bad{"HTTP/1.1 20 OK\r\n\r\n", "bad status line"},
           bad{"HTTP/1.1 099 Odd\r\n\r\n", "bad status code"},
           bad{"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "bad header name 'Bad Name'"},
           bad{"HTTP/1.1 200 OK\r\n: no name\r\n\r\n", "bad header line"},
           bad{"HTTP/1.1 200 OK\r\nX-Ctl: a\x01z\r\n\r\n", "control character in the value of X-Ctl"},
           bad{"HTTP/1.1 200 OK\r\nX-Cr: a\rb\r\n\r\n", "control character in the value of X-Cr"},
           bad{"HTTP/1.1 200 OK\r\n folded first\r\n\r\n", "first header line starts with whitespace"},
           bad{"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", "bad Content-Length '12a'"},
           bad{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"},
           bad{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "two different Content-Length"},
           bad{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size 'zz'"},
           bad{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1 x\r\n", "bad chunk size"},
           bad{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", "chunk size too large"},
           bad{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokay\r\n", "longer than its chunk size"},
       }) {
    auto const r = parse(wire);
    EXPECT_EQ(r.why, failure::malformed) << wire;
    EXPECT_NE(r.message.find(says), std::string::npos) << r.message;
    EXPECT_FALSE(r.done);
  }
}

TEST(response_parser, a_header_line_without_a_colon_is_skipped_as_browsers_skip_it) {
  auto const r = parse("HTTP/1.1 200 OK\r\nX-Before: 1\r\nNo colon here\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_TRUE(r.done) << r.message;
  EXPECT_EQ(r.res.body, "ok");
  ASSERT_EQ(r.res.headers.size(), 2U);
  EXPECT_EQ(r.res.header("X-Before").value_or(""), "1");
}

TEST(response_parser, header_limits_count_the_whole_block_and_the_fields) {
  std::string const block = "HTTP/1.1 204 No Content\r\nX-Pad: " + std::string(50, 'p') + "\r\n\r\n";
  EXPECT_TRUE(parse(block, 0, false, {.max_header_bytes = block.size()}).done);
  for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
    auto const over = parse(block, piece, false, {.max_header_bytes = block.size() - 1});
    EXPECT_EQ(over.why, failure::header_too_large) << piece;
    EXPECT_NE(over.message.find("over the limit of"), std::string::npos);
  }
  // A header that never ends is cut off at the limit, not kept growing.
  auto const endless =
      parse("HTTP/1.1 200 OK\r\nX: " + std::string(10000, 'x'), 100, false, {.max_header_bytes = 1000});
  EXPECT_EQ(endless.why, failure::header_too_large);

  std::string many = "HTTP/1.1 204 No Content\r\n";
  for (int i = 0; i < 5; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  many += "\r\n";
  EXPECT_TRUE(parse(many, 0, false, {.max_header_count = 5}).done);
  auto const too_many = parse(many, 0, false, {.max_header_count = 4});
  EXPECT_EQ(too_many.why, failure::too_many_headers);
  EXPECT_EQ(too_many.message, "more than 4 response headers");
}

TEST(response_parser, body_limits_hold_for_every_framing) {
  response_limits const ten{.max_body_bytes = 10};
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 0, false, ten).done);
  auto const sized = parse("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", 0, false, ten);
  EXPECT_EQ(sized.why, failure::body_too_large);  // refused from the header, before any body byte
  EXPECT_EQ(sized.message, "response body of 11 bytes, over the limit of 10");
  auto const chunked =
      parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n5\r\n", 0, false, ten);
  EXPECT_EQ(chunked.why, failure::body_too_large);
  auto const to_close = parse("HTTP/1.1 200 OK\r\n\r\n0123456789A", 3, true, ten);
  EXPECT_EQ(to_close.why, failure::body_too_large);
}

TEST(response_parser, a_close_before_the_end_is_truncation) {
  auto const nothing = parse("", 0, true);
  EXPECT_EQ(nothing.why, failure::truncated);
  EXPECT_EQ(nothing.message, "the server closed the connection without a response");
  auto const half = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", 0, true);
  EXPECT_EQ(half.why, failure::truncated);
  EXPECT_EQ(half.message, "the server closed the connection in the middle of the response");
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Le", 0, true).why, failure::truncated);
}

TEST(response_parser, started_tells_a_silent_close_from_a_broken_response) {
  response res;
  response_parser p(res, {}, false);
  EXPECT_FALSE(p.started());
  p.feed("H");
  EXPECT_TRUE(p.started());
}

}  // namespace
}  // namespace candar::detail

namespace candar::detail {
namespace {

TEST(header_text, every_control_character_is_found_wherever_it_is) {
  for (std::size_t length : {1U, 7U, 8U, 9U, 16U, 23U}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string value(length, 'v');
        value[at] = static_cast<char>(c);
        bool const allowed = c == '\t' || (c >= 0x20 && c != 0x7f);  // obs-text (0x80 and up) is allowed
        ASSERT_EQ(all_value_chars(value), allowed) << "byte " << c << " at " << at << " of " << length;
      }
    }
  }
  EXPECT_TRUE(all_value_chars(""));
  EXPECT_TRUE(all_value_chars("\t\t\t\t\t\t\t\t\t"));
  EXPECT_TRUE(all_value_chars("\xff\xfe\x80\x81\x90\xa0\xc3\xa9 caf\xc3\xa9"));
}

}  // namespace
}  // namespace candar::detail

namespace candar::detail {
namespace {

TEST(header_text, token_iequals_agrees_with_a_plain_case_insensitive_comparison) {
  for (std::string_view lower :
       {"set-cookie", "connection", "content-length", "content-encoding", "transfer-encoding", "etag"}) {
    std::string const upper = [&] {
      std::string u(lower);
      for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return u;
    }();
    EXPECT_TRUE(token_iequals(lower, lower));
    EXPECT_TRUE(token_iequals(upper, lower)) << upper;
    for (std::size_t at = 0; at < lower.size(); ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string name(upper);
        name[at] = static_cast<char>(c);
        if (!is_token(name)) continue;  // only token characters come here
        ASSERT_EQ(token_iequals(name, lower), ascii_iequal(name, lower)) << name;
      }
    }
    EXPECT_FALSE(token_iequals(std::string(lower) + "x", lower));
    EXPECT_FALSE(token_iequals(lower.substr(1), lower));
  }
}

}  // namespace
}  // namespace candar::detail
