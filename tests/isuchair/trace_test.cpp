// --trace end to end: the trace id an error names is the one the webapp's own access log holds for the request
// that failed, as a contestant would look it up.
#include <fstream>
#include <sstream>

#include "bench_process.hpp"

namespace isuchair::test {
namespace {

std::vector<std::string> lines_of(std::string const& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(isuchair_trace, an_errors_trace_id_is_the_one_in_the_webapps_access_log) {
  auto const log = temp_path("access.log");
  // After Prepare: the errors come from the Load phase's many users at once, each request with its own span.
  webapp app({"--fault", "error-reward", "--faults-after", "60", "--access-log", log});
  auto args = short_run;
  args.push_back("--trace");
  auto const r = run_bench(app.url(), args);
  app.stop();
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_TRUE(r.result.at("traced").get<bool>());

  // The reward endpoint's 500s: each kept message names its trace, and first_traces holds the ids in order.
  auto const& errors = r.result.at("errors");
  auto const& messages = errors.at("first_messages").at("status");
  auto const& traces = errors.at("first_traces").at("status");
  ASSERT_EQ(messages.size(), traces.size()) << errors.dump(2);
  auto const access = lines_of(log);
  ASSERT_FALSE(access.empty());
  int found = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto const message = messages[i].get<std::string>();
    if (message.find("reward: expected status 200, got 500") == std::string::npos) continue;
    auto const trace_id = traces[i].at("trace_id").get<std::string>();
    auto const span_id = traces[i].at("span_id").get<std::string>();
    EXPECT_NE(message.find("(trace " + trace_id + " span " + span_id + ")"), std::string::npos) << message;
    auto const wanted = " 500 trace_id=" + trace_id + " span_id=" + span_id;
    int matching = 0;
    for (auto const& line : access) {
      if (line.starts_with("POST /api/users/") && line.ends_with(wanted)) ++matching;
    }
    EXPECT_EQ(matching, 1) << "no single access log line ends with '" << wanted << "'";
    ++found;
  }
  EXPECT_GT(found, 0) << errors.dump(2);
  // The contestant's console says it too.
  EXPECT_NE(r.out.find("(trace "), std::string::npos) << r.out;
  // Every request the benchmarker sent was traced.
  for (auto const& line : access) EXPECT_EQ(line.find("trace_id=-"), std::string::npos) << line;
}

}  // namespace
}  // namespace isuchair::test
