// The Locust worker's statistics and messages, judged by Locust itself: Python's round() for the response-time
// buckets, and Locust 2.12's own StatsEntry reading what the worker writes.
#include "stats_entry.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "candar/locust/request_stats.hpp"
#include "msgpack.hpp"
#include "stats_report.hpp"

namespace candar::locust {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char const* python = "/usr/bin/python3";  // Debian's, with python3-locust (scripts/setup.sh test)

// The script goes to a file of the test's own: ctest runs the tests of this program in parallel processes.
std::string run_python(std::string const& script) {
  auto const* test = ::testing::UnitTest::GetInstance()->current_test_info();
  auto const path = fs::path(::testing::TempDir()) / ("candar-locust-judge-" + std::string(test->name()) + ".py");
  std::ofstream(path) << script;
  std::string out;
  FILE* pipe = popen((std::string(python) + " " + path.string() + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  while (auto n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  pclose(pipe);
  return out;
}

TEST(locust_stats, response_times_are_bucketed_as_pythons_round_does_in_locust) {
  EXPECT_EQ(rounded_response_time(0.5), 0);  // halves to even
  EXPECT_EQ(rounded_response_time(1.5), 2);
  EXPECT_EQ(rounded_response_time(2.5), 2);
  EXPECT_EQ(rounded_response_time(99.4), 99);
  EXPECT_EQ(rounded_response_time(99.5), 100);
  EXPECT_EQ(rounded_response_time(145), 140);
  EXPECT_EQ(rounded_response_time(155), 160);
  EXPECT_EQ(rounded_response_time(1250), 1200);
  EXPECT_EQ(rounded_response_time(1350), 1400);
  EXPECT_EQ(rounded_response_time(12500), 12000);
  EXPECT_EQ(rounded_response_time(13500), 14000);

  // And thousands of times against Python itself, with Locust's own thresholds.
  std::mt19937_64 rng(7);
  std::vector<double> times;
  for (int i = 0; i < 2000; ++i) {
    double const scale = std::pow(10.0, std::uniform_real_distribution<double>(-1, 4.7)(rng));
    times.push_back(std::uniform_real_distribution<double>(0, 1)(rng) * scale);
  }
  for (double half : {0.5, 2.5, 105.0, 115.0, 125.0, 995.0, 1050.0, 1150.0, 10500.0, 11500.0}) times.push_back(half);
  std::string list;
  for (double t : times) list += fmt::format("{},", t);
  auto const out = run_python(fmt::format(R"(
def rounded(t):
    if t < 100: return round(t)
    elif t < 1000: return round(t, -1)
    elif t < 10000: return round(t, -2)
    else: return round(t, -3)
print(" ".join(str(int(rounded(t))) for t in [{}]))
)",
                                          list));
  std::istringstream in(out);
  for (double t : times) {
    std::int64_t expected = -1;
    ASSERT_TRUE(in >> expected) << out;
    EXPECT_EQ(rounded_response_time(t), expected) << fmt::format("{}", t);
  }
}

TEST(locust_stats, a_report_is_read_by_locusts_own_stats_entry_as_the_requests_it_counts) {
  request_stats stats;
  stats.success("GET", "/", 12ms, 100);
  stats.success("GET", "/", 150ms, 50);
  std::thread other([&] {  // another loop's shard, merged into the same report
    stats.success("GET", "/", 1'234'500us, 10);
    stats.failure("POST", "/login", 3ms, "HTTP 500");
    stats.failure("POST", "/login", 4ms, "HTTP 500");
  });
  other.join();
  auto report = stats_access::of(stats).take();
  msgpack::writer w;
  report.write(w, {{"Visitor", 3}, {"Admin", 1}});
  auto const path = fs::path(::testing::TempDir()) / ("candar-locust-report-" + std::to_string(getpid()) + ".msgpack");
  std::ofstream(path, std::ios::binary) << w.bytes();

  auto const out = run_python(fmt::format(R"(
import msgpack
from locust.stats import StatsEntry, RequestStats
data = msgpack.unpackb(open("{}", "rb").read(), strict_map_key=False)
stats = RequestStats()
for e in data["stats"]:
    entry = StatsEntry.unserialize(e)
    stats.get(entry.name, entry.method).extend(entry)
stats.total.extend(StatsEntry.unserialize(data["stats_total"]))
get = stats.get("/", "GET")
post = stats.get("/login", "POST")
t = stats.total
print(get.num_requests, get.num_failures, round(get.total_response_time, 3), get.min_response_time, get.max_response_time,
      get.total_content_length, get.median_response_time, sorted(get.response_times.items()))
print(post.num_requests, post.num_failures, t.num_requests, t.num_failures, t.total_content_length)
print(sorted((v["method"], v["name"], v["error"], v["occurrences"]) for v in data["errors"].values()))
print(data["user_classes_count"], data["user_count"])
)",
                                          path.string()));
  std::istringstream lines(out);
  std::string get, post, errors, users;
  std::getline(lines, get);
  std::getline(lines, post);
  std::getline(lines, errors);
  std::getline(lines, users);
  EXPECT_EQ(get, "3 0 1396.5 12.0 1234.5 160 150 [(12, 1), (150, 1), (1200, 1)]") << out;
  EXPECT_EQ(post, "2 2 5 2 160") << out;
  EXPECT_EQ(errors, "[('POST', '/login', 'HTTP 500', 2)]") << out;
  EXPECT_EQ(users, "{'Admin': 1, 'Visitor': 3} 4") << out;
}

TEST(locust_msgpack, strings_are_valid_utf8_for_locust_which_drops_a_whole_report_otherwise) {
  msgpack::writer w;
  // A stray byte, a surrogate, an overlong slash, a truncated sequence; and well-formed text kept as it is.
  w.array(5)
      .str(
          "a\xff"
          "b")
      .str("\xed\xa0\x80")
      .str("\xc0\xaf")
      .str("\xe3\x81")
      .str("caf\xc3\xa9 \xf0\x9f\x90\x8d");
  auto const path = fs::path(::testing::TempDir()) / ("candar-locust-utf8-" + std::to_string(getpid()) + ".msgpack");
  std::ofstream(path, std::ios::binary) << w.bytes();
  auto const out = run_python(fmt::format(R"(
import msgpack
print(ascii(msgpack.unpackb(open("{}", "rb").read(), raw=False)))
)",
                                          path.string()));
  EXPECT_EQ(out,
            "['a\\ufffdb', '\\ufffd\\ufffd\\ufffd', '\\ufffd\\ufffd', '\\ufffd\\ufffd', 'caf\\xe9 \\U0001f40d']\n");
}

TEST(locust_stats, a_take_resets_and_after_close_nothing_more_is_counted) {
  request_stats stats;
  stats.success("GET", "/a", 1ms, 1);
  auto first = stats_access::of(stats).take();
  EXPECT_EQ(first.total.num_requests, 1);
  auto empty = stats_access::of(stats).take();
  EXPECT_EQ(empty.total.num_requests, 0);
  EXPECT_TRUE(empty.entries.empty()) << "rows with no request are left out, as Locust's workers do";
  EXPECT_GE(empty.start_time, first.start_time);

  EXPECT_TRUE(stats.success("GET", "/a", 1ms, 1));
  stats_access::of(stats).close();
  EXPECT_FALSE(stats.success("GET", "/a", 1ms, 1));
  EXPECT_FALSE(stats.failure("GET", "/a", 1ms, "late"));
  auto last = stats_access::of(stats).take();
  EXPECT_EQ(last.total.num_requests, 1);
  EXPECT_TRUE(last.errors.empty());
}

TEST(locust_stats, names_and_errors_past_the_caps_are_counted_under_one_row_each) {
  request_stats stats;
  for (std::size_t i = 0; i < request_stats::impl::max_names + 5; ++i) {
    stats.failure("GET", "/item/" + std::to_string(i), 1ms, "error " + std::to_string(i));
  }
  auto const r = stats_access::of(stats).take();
  EXPECT_EQ(r.entries.size(), request_stats::impl::max_names + 1);
  EXPECT_EQ(r.total.num_requests, static_cast<std::int64_t>(request_stats::impl::max_names + 5));
  EXPECT_EQ((r.entries.at({"(other names)", "GET"}).num_requests), 5);
  EXPECT_EQ(r.errors.size(), request_stats::impl::max_errors + 1);
}

TEST(locust_msgpack, what_the_writer_writes_the_reader_reads) {
  msgpack::writer w;
  w.array(3)
      .str("spawn")
      .map(3)
      .str("timestamp")
      .real(1.5)
      .str("user_classes_count")
      .map(1)
      .str("Visitor")
      .integer(300);
  w.str("neg").integer(-7).str("node");
  auto const v = msgpack::read(w.bytes());
  ASSERT_TRUE(v);
  auto const& parts = *v->as_array();
  ASSERT_EQ(parts.size(), 3U);
  EXPECT_EQ(*parts[0].as_string(), "spawn");
  EXPECT_EQ(*parts[1].find("timestamp")->as_number(), 1.5);
  EXPECT_EQ(*parts[1].find("user_classes_count")->find("Visitor")->as_integer(), 300);
  EXPECT_EQ(*parts[1].find("neg")->as_integer(), -7);
  EXPECT_EQ(parts[1].find("absent"), nullptr);
}

TEST(locust_msgpack, broken_and_hostile_input_is_refused_not_trusted) {
  msgpack::writer w;
  w.array(2).str("quit").nil();
  auto const good = w.bytes();
  EXPECT_TRUE(msgpack::read(good));
  EXPECT_FALSE(msgpack::read(""));
  for (std::size_t cut = 1; cut < good.size(); ++cut) EXPECT_FALSE(msgpack::read(good.substr(0, cut))) << cut;
  EXPECT_FALSE(msgpack::read(good + "x")) << "trailing bytes";
  // An array that says it holds 4 billion items, in five bytes.
  EXPECT_FALSE(msgpack::read(std::string("\xdd\xff\xff\xff\xff", 5)));
  // Nesting deeper than the limit: refused rather than recursed into.
  std::string deep(100, '\x91');
  deep += '\xc0';
  EXPECT_TRUE(msgpack::read(deep, 200));
  EXPECT_FALSE(msgpack::read(deep));
}

// Found by 20 minutes of fuzz_locust_message (its memory grew past 1.5 GB): containers were sized by the count
// a frame claims. 30 nested arrays each claiming the rest of a 1 MiB frame asked for about 48 bytes per claimed
// item at every level, 1.4 GB in all; grown as items come, the refusal costs next to nothing.
TEST(locust_msgpack, a_frame_claiming_more_items_than_it_holds_costs_no_memory) {
  std::string frame;
  for (int level = 0; level < 30; ++level) frame += std::string("\xdd\x00\x0f\x00\x00", 5);  // 983,040 items each
  frame += std::string(1024 * 1024 - frame.size(), '\xc0');
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  EXPECT_FALSE(msgpack::read(frame));
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 256L * 1024) << "KiB more at the peak";
}

}  // namespace
}  // namespace candar::locust
