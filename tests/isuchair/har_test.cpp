// --har end to end: a failed isuchair run's HAR holds the flow that led to each first error, the failing request
// as the webapp's own access log saw it, and the file has HAR 1.2's structure (what DevTools' import reads).
#include <fstream>
#include <regex>
#include <set>

#include "bench_process.hpp"
#include "support/headless_chromium.hpp"

namespace isuchair::test {
namespace {

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): the required members and their types.
void expect_har_1_2(json const& har) {
  ASSERT_TRUE(har.is_object() && har.contains("log"));
  auto const& log = har.at("log");
  EXPECT_EQ(log.at("version"), "1.2");
  EXPECT_TRUE(log.at("creator").at("name").is_string() && log.at("creator").at("version").is_string());
  std::regex const iso8601(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  std::set<std::string> page_ids;
  for (auto const& p : log.at("pages")) {
    EXPECT_TRUE(std::regex_match(p.at("startedDateTime").get<std::string>(), iso8601)) << p.dump();
    EXPECT_TRUE(p.at("title").is_string());
    EXPECT_TRUE(p.at("pageTimings").is_object());
    EXPECT_TRUE(page_ids.insert(p.at("id").get<std::string>()).second) << "page ids are unique";
  }
  auto const name_values = [](json const& list) {
    EXPECT_TRUE(list.is_array());
    for (auto const& nv : list) EXPECT_TRUE(nv.at("name").is_string() && nv.at("value").is_string()) << nv.dump();
  };
  for (auto const& e : log.at("entries")) {
    EXPECT_TRUE(page_ids.contains(e.at("pageref").get<std::string>())) << e.dump();
    EXPECT_TRUE(std::regex_match(e.at("startedDateTime").get<std::string>(), iso8601)) << e.dump();
    EXPECT_GE(e.at("time").get<double>(), 0.0);
    auto const& rq = e.at("request");
    EXPECT_TRUE(rq.at("method").is_string() && rq.at("url").is_string() && rq.at("httpVersion").is_string());
    name_values(rq.at("headers"));
    name_values(rq.at("queryString"));
    EXPECT_TRUE(rq.at("cookies").is_array());
    EXPECT_TRUE(rq.at("headersSize").is_number_integer() && rq.at("bodySize").is_number_integer());
    if (rq.contains("postData")) EXPECT_TRUE(rq.at("postData").at("mimeType").is_string());
    auto const& rs = e.at("response");
    EXPECT_TRUE(rs.at("status").is_number_integer() && rs.at("statusText").is_string() &&
                rs.at("httpVersion").is_string());
    name_values(rs.at("headers"));
    EXPECT_TRUE(rs.at("cookies").is_array());
    EXPECT_TRUE(rs.at("content").at("size").is_number_integer() && rs.at("content").at("mimeType").is_string());
    if (rs.at("content").contains("encoding")) EXPECT_EQ(rs.at("content").at("encoding"), "base64");
    EXPECT_TRUE(rs.at("redirectURL").is_string());
    EXPECT_TRUE(rs.at("headersSize").is_number_integer() && rs.at("bodySize").is_number_integer());
    EXPECT_TRUE(e.at("cache").is_object());
    for (auto const* t : {"send", "wait", "receive"}) EXPECT_GE(e.at("timings").at(t).get<double>(), 0.0) << e.dump();
    for (auto const* t : {"blocked", "dns", "connect", "ssl"}) {
      if (e.at("timings").contains(t)) EXPECT_GE(e.at("timings").at(t).get<double>(), -1.0);
    }
  }
}

std::string header(json const& headers, std::string_view name) {
  for (auto const& h : headers) {
    if (h.at("name") == name) return h.at("value");
  }
  return {};
}

TEST(isuchair_har, a_failed_runs_har_holds_the_flow_of_each_first_error) {
  auto const log = temp_path("har-access.log");
  auto const har_file = temp_path("run.har");
  std::filesystem::remove(har_file);
  webapp app({"--fault", "error-reward", "--faults-after", "60", "--access-log", log});
  auto args = short_run;
  auto const report = temp_path("har-report.html");
  args.insert(args.end(), {"--har", har_file, "--trace", "--report", report});
  auto const r = run_bench(app.url(), args);
  app.stop();
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_EQ(r.result.at("har").at("file"), har_file);
  std::ifstream in(har_file);
  auto const har = json::parse(in, nullptr, false);
  expect_har_1_2(har);
  auto const& pages = har.at("log").at("pages");
  auto const& entries = har.at("log").at("entries");
  ASSERT_FALSE(pages.empty()) << r.out;
  EXPECT_EQ(r.result.at("har").at("flows"), pages.size());

  std::ifstream access_in(log);
  std::vector<std::string> access;
  for (std::string line; std::getline(access_in, line);) access.push_back(line);
  int reward_failures = 0;
  for (auto const& page : pages) {
    auto const title = page.at("title").get<std::string>();
    if (title.find("reward: expected status 200, got 500") == std::string::npos) continue;
    ++reward_failures;
    // The page's last entry is the request that failed, the error its comment; its flow comes before it (a
    // login at least).
    json const* last = nullptr;
    int in_flow = 0;
    for (auto const& e : entries) {
      if (e.at("pageref") != page.at("id")) continue;
      last = &e;
      ++in_flow;
    }
    ASSERT_NE(last, nullptr);
    EXPECT_GT(in_flow, 1) << title;
    EXPECT_EQ(last->at("comment"), title);
    EXPECT_EQ(last->at("request").at("method"), "POST");
    EXPECT_EQ(last->at("response").at("status"), 500);
    EXPECT_FALSE(last->at("response").at("content").at("text").get<std::string>().empty());
    // As the webapp saw it: its access log has that request, under the traceparent the HAR says went out.
    auto const traceparent = header(last->at("request").at("headers"), "traceparent");
    ASSERT_EQ(traceparent.size(), 55U) << last->dump();
    auto const wanted = " 500 trace_id=" + traceparent.substr(3, 32) + " span_id=" + traceparent.substr(36, 16);
    int matching = 0;
    for (auto const& line : access) {
      if (line.starts_with("POST /api/users/") && line.ends_with(wanted)) ++matching;
    }
    EXPECT_EQ(matching, 1) << wanted;
  }
  EXPECT_GT(reward_failures, 0) << pages.dump(1);

  // The report draws each flow, and each error message the HAR has a flow for links to it (headless Chromium).
  auto const page = candar::test::render_in_chromium(report);
  ASSERT_TRUE(page.ran) << page.failure;
  EXPECT_TRUE(page.console.empty()) << page.console.front();
  EXPECT_NE(page.dom.find("data-rendered=\"ok\""), std::string::npos);
  for (auto const& p : pages) {
    auto const id = p.at("id").get<std::string>();
    EXPECT_NE(page.dom.find("<div class=\"flow\" id=\"" + id + "\">"), std::string::npos) << id;
    EXPECT_NE(page.dom.find("<a href=\"#" + id + "\">"), std::string::npos) << "no link to " << id;
  }
  auto const first = page.dom.find("id=\"flow-1\"");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(page.dom.find("the exchange the error is about", first), std::string::npos);
  // At most 3 a code (each error counts under every code of its chain: the flow's and the check's).
  EXPECT_LE(pages.size(), 3 * r.result.at("errors").at("by_code").size());
}

TEST(isuchair_har, one_run_only) {
  auto const r = run_bench("http://127.0.0.1:9", {"--har", temp_path("x.har"), "--repeat", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--har"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace isuchair::test
