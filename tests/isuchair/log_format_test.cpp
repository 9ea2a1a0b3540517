// --log-format json end to end: every line the benchmarker prints is one JSON object a log pipeline can read
// (time, level, phase, message), errors come as they happen with their code and trace ids (the first few of
// each code), the admin log joins the stream, and the last record is the result's decision.
#include <regex>
#include <set>
#include <sstream>

#include "bench_process.hpp"

namespace isuchair::test {
namespace {

std::vector<json> records_of(std::string const& out) {
  std::vector<json> records;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    auto r = json::parse(line, nullptr, false);
    EXPECT_TRUE(r.is_object()) << "not a JSON object: " << line;
    if (r.is_object()) records.push_back(std::move(r));
  }
  return records;
}

TEST(isuchair_log_format, every_line_is_a_record_and_errors_carry_their_code_and_trace) {
  webapp app({"--fault", "error-reward", "--faults-after", "60"});
  auto args = short_run;
  args.insert(args.end(), {"--log-format", "json", "--trace"});
  auto const r = run_bench(app.url(), args);
  app.stop();
  ASSERT_TRUE(r.result.is_object()) << r.out;
  auto const records = records_of(r.out);
  ASSERT_FALSE(records.empty());

  std::regex const rfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  std::regex const trace_id("[0-9a-f]{32}");
  std::set<std::string> phases_seen;
  int status_errors = 0;
  bool contestant_line = false, admin_line = false;
  for (auto const& rec : records) {
    ASSERT_TRUE(std::regex_match(rec.at("time").get<std::string>(), rfc3339)) << rec.dump();
    auto const level = rec.at("level").get<std::string>();
    EXPECT_TRUE(level == "info" || level == "warning" || level == "error") << rec.dump();
    auto const phase = rec.at("phase").get<std::string>();
    EXPECT_TRUE(phase.empty() || phase == "prepare" || phase == "load" || phase == "validate") << rec.dump();
    phases_seen.insert(phase);
    auto const message = rec.at("message").get<std::string>();
    EXPECT_FALSE(message.empty()) << rec.dump();
    EXPECT_NE(message.front(), ' ') << "the text's indentation is not the record's: " << rec.dump();
    if (rec.contains("code")) {
      EXPECT_EQ(level, "error") << rec.dump();
      EXPECT_EQ(rec.at("codes").back(), rec.at("code")) << rec.dump();
      ASSERT_TRUE(rec.contains("trace_id")) << "--trace: every error names its request: " << rec.dump();
      EXPECT_TRUE(std::regex_match(rec.at("trace_id").get<std::string>(), trace_id)) << rec.dump();
      EXPECT_NE(message.find(rec.at("trace_id").get<std::string>()), std::string::npos) << rec.dump();
      if (rec.at("code") == "status") {
        ++status_errors;
        EXPECT_EQ(rec.value("more_not_logged", false), status_errors == 10) << rec.dump();
      }
    }
    if (message == "prepare: the validation pass succeeded") {
      contestant_line = true;
      EXPECT_EQ(phase, "prepare");
      EXPECT_EQ(level, "info");
    }
    if (rec.value("log", "") == "admin") admin_line = true;
    if (rec.contains("progress")) {  // plain progress comes every few seconds: a short run may show none
      EXPECT_TRUE(rec.at("progress").at("score").is_number_integer()) << rec.dump();
      EXPECT_TRUE(rec.at("progress").at("errors").is_number_integer()) << rec.dump();
    }
  }
  EXPECT_TRUE(contestant_line) << r.out;
  EXPECT_TRUE(admin_line) << "the load adjustor's admin records: " << r.out;
  EXPECT_TRUE(phases_seen.contains("load")) << r.out;
  // The reward endpoint's 500s: many in the result, the first ten of them logged.
  EXPECT_GT(r.result.at("errors").at("by_code").at("status").get<int>(), 10) << r.result.at("errors").dump();
  EXPECT_EQ(status_errors, 10) << r.out;

  // The summary's figures are fields, and the last record is the decision the result holds.
  bool counted = false;
  for (auto const& rec : records) {
    if (rec.contains("errors") && rec.contains("by_class")) {
      EXPECT_EQ(rec.at("errors"), r.result.at("errors").at("total")) << rec.dump();
      counted = true;
    }
  }
  EXPECT_TRUE(counted) << r.out;
  auto const& last = records.back();
  EXPECT_EQ(last.at("verdict"), r.result.at("verdict")) << last.dump();
  EXPECT_EQ(last.at("exit_code").get<int>(), r.exit_code) << last.dump();
}

TEST(isuchair_log_format, an_unknown_format_is_bad_usage) {
  auto const r = run_bench("http://127.0.0.1:9", {"--log-format", "xml"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--log-format"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace isuchair::test
