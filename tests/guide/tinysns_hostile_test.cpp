// tinysns-bench against a hostile tinysns webapp: whatever the timeline page holds or however it is sent, the
// verdict is about the webapp, the result and the HTML report are written (valid JSON, valid UTF-8), exit 3
// never shows, and the benchmarker's memory stays bounded (its peak printed, with a ceiling far above it).
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/tinysns_server.hpp"
#include "tinysns_files.hpp"

namespace candar::test {
namespace {

std::string const& assets = tinysns_assets;

struct hostile_case {
  tinysns_server::cheat cheat;
  std::string name;
  int exit_code;        // the verdict it deserves: 0 when the answers are right despite the hostile bytes;
                        // -1: 0 or 1, as the score decides (every visit fails, each login still scores)
  std::string message;  // a part of the printed errors ("" when it passes)
};

void PrintTo(hostile_case const& c, std::ostream* os) { *os << c.name; }

class tinysns_hostile : public ::testing::TestWithParam<hostile_case> {};

TEST_P(tinysns_hostile, the_verdict_is_about_the_webapp_and_the_result_is_written) {
  auto const& c = GetParam();
  tinysns_server app(read_file(assets + "/style.css"), c.cheat);
  auto const base = ::testing::TempDir() + "tinysns-hostile-" + std::to_string(::getpid()) + "-" + c.name;
  std::filesystem::remove(base + ".json");
  std::filesystem::remove(base + ".html");
  // A bomb's visit inflates 64 MiB: seconds under TSan (its shadow memory faults in), which a 2 s load, on a machine
  // running another test beside it, may end before any visit comes back with its error.
  std::string const duration = c.cheat == tinysns_server::cheat::gzip_bomb ? "8" : "2";
  child_process bench({TINYSNS_BENCH_BIN, "--target", app.url(), "--duration", duration, "--threads", "2", "--assets",
                       assets, "--result", base + ".json", "--report", base + ".html", "--progress", "none"});
  auto const code = bench.wait();
  // The figure the issue asks for, stated where it is measured (no timing or memory threshold is close to it).
  std::printf("%s: peak RSS %.1f MB\n", c.name.c_str(), static_cast<double>(bench.peak_rss_kb()) / 1024.0);
  if (c.exit_code >= 0) {
    EXPECT_EQ(code, c.exit_code) << bench.output();
  } else {
    EXPECT_TRUE(code == 0 || code == 1) << bench.output();
  }
  auto const result = nlohmann::json::parse(read_file(base + ".json"), nullptr, false);
  ASSERT_TRUE(result.is_object()) << bench.output();
  EXPECT_EQ(result.at("exit_code"), code);
  if (!c.message.empty()) EXPECT_NE(bench.output().find(c.message), std::string::npos) << bench.output();
  EXPECT_NE(read_file(base + ".html").find("</html>"), std::string::npos) << "no HTML report";
  // Far above what the sanitizers make of it (ASan 0.3-0.9 GB, TSan 0.05-2.1 GB): only unbounded growth gets there.
  EXPECT_LT(bench.peak_rss_kb(), 6L * 1024 * 1024) << "6 GiB: the agent's bounds did not hold";
}

INSTANTIATE_TEST_SUITE_P(
    each_cheat, tinysns_hostile,
    ::testing::Values(hostile_case{tinysns_server::cheat::deep_page, "deep_page", 0, ""},
                      hostile_case{tinysns_server::cheat::huge_attribute, "huge_attribute", 0, ""},
                      hostile_case{tinysns_server::cheat::many_links, "many_links", 0, ""},
                      hostile_case{tinysns_server::cheat::latin1_header, "latin1_header", 0, ""},
                      hostile_case{tinysns_server::cheat::dormant_formatting, "dormant_formatting", -1, ""},
                      hostile_case{tinysns_server::cheat::gzip_bomb, "gzip_bomb", -1,
                                   "visit > too-large: GET /: the decoded body passed the limit of 67108864 bytes"}),
    [](::testing::TestParamInfo<hostile_case> const& info) { return info.param.name; });

}  // namespace
}  // namespace candar::test
