#include "junit_report.hpp"

#include <fmt/format.h>

#include "markup_text.hpp"

namespace candar::detail {

namespace {

using json = nlohmann::json;

std::string text_of(json const& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

struct test_case {
  std::string classname;
  std::string name;
  double seconds = 0;
  enum class outcome { passed, failed, error, skipped } result = outcome::passed;
  std::string message;
};

std::string joined(json const& lines) {
  std::string out;
  if (!lines.is_array()) return text_of(lines);
  for (auto const& l : lines) out += (out.empty() ? "" : "; ") + text_of(l);
  return out;
}

void verdict_case(json const& r, std::string const& suite, std::vector<test_case>& cases) {
  test_case t{suite, "verdict", r.value("/benchmarker/wall_seconds"_json_pointer, 0.0)};
  auto const verdict = r.value("verdict", std::string(r.value("pass", false) ? "pass" : "fail"));
  if (verdict == "internal-error") {
    t.result = test_case::outcome::error;
    t.message = r.value("internal_error", joined(r.value("reasons", json::array())));
  } else if (verdict == "invalid") {
    t.result = test_case::outcome::failed;
    t.message = "invalid: " + r.value("invalid_reason", std::string("the benchmarker was saturated"));
  } else if (!r.value("pass", false) || verdict != "pass") {
    t.result = test_case::outcome::failed;
    t.message = verdict + ": " + joined(r.value("reasons", json::array()));
  }
  cases.push_back(std::move(t));
}

void phase_cases(json const& r, std::string const& suite, std::vector<test_case>& cases) {
  if (!r.contains("phases")) return;
  for (auto const* name : {"prepare", "load", "validate"}) {
    auto const& p = r["phases"].value(name, json::object());
    test_case t{suite + ".phase", name, p.value("seconds", 0.0)};
    if (!p.value("ran", false)) {
      t.result = test_case::outcome::skipped;
    } else if (p.value("failed", false)) {
      t.result = test_case::outcome::failed;
      t.message = fmt::format("the {} phase failed (its errors say why)", name);
    }
    cases.push_back(std::move(t));
  }
}

void critical_cases(json const& r, std::string const& suite, std::vector<test_case>& cases) {
  auto const& errors = r.value("errors", json::object());
  if (!errors.contains("critical_by_code")) return;
  auto const& by_code = errors["critical_by_code"];
  if (by_code.empty()) {
    cases.push_back({suite + ".critical", "no critical error"});
    return;
  }
  for (auto const& [code, n] : by_code.items()) {
    test_case t{suite + ".critical", code};
    t.result = test_case::outcome::failed;
    auto const first = errors.value("first_messages", json::object()).value(code, json::array());
    t.message = fmt::format("{} critical error(s){}", text_of(n), first.empty() ? "" : ": " + text_of(first.front()));
    cases.push_back(std::move(t));
  }
}

void baseline_cases(json const& r, std::string const& suite, std::vector<test_case>& cases) {
  if (!r.contains("baseline")) return;
  auto const& b = r["baseline"];
  auto const findings = b.value("findings", json::array());
  auto const gated = b.value("gated", json::array());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    auto const line = text_of(findings[i]);
    auto name = i == 0 ? std::string("score") : i - 1 < gated.size() ? "p99 " + text_of(gated[i - 1]) : line;
    test_case t{suite + ".baseline", std::move(name)};
    if (line.starts_with("regression:")) {
      t.result = test_case::outcome::failed;
      t.message = line;
    }
    cases.push_back(std::move(t));
  }
}

void run_cases(json const& r, std::string const& suite, std::vector<test_case>& cases) {
  auto const runs = r.value("runs", json::array());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    test_case t{suite + ".runs", fmt::format("run {}", i + 1),
                runs[i].value("/benchmarker/wall_seconds"_json_pointer, 0.0)};
    if (!runs[i].value("pass", false)) {
      t.result = test_case::outcome::failed;
      t.message = fmt::format("score {}: {}", text_of(runs[i].value("score", json())),
                              joined(runs[i].value("reasons", json::array())));
    }
    cases.push_back(std::move(t));
  }
}

}  // namespace

std::string junit_xml(json const& result) {
  auto const suite = result.value("contest", std::string("candar"));
  std::vector<test_case> cases;
  verdict_case(result, suite, cases);
  phase_cases(result, suite, cases);
  critical_cases(result, suite, cases);
  baseline_cases(result, suite, cases);
  run_cases(result, suite, cases);
  std::size_t failures = 0, errors = 0, skipped = 0;
  for (auto const& c : cases) {
    failures += c.result == test_case::outcome::failed ? 1 : 0;
    errors += c.result == test_case::outcome::error ? 1 : 0;
    skipped += c.result == test_case::outcome::skipped ? 1 : 0;
  }
  auto const seconds = result.value("/benchmarker/wall_seconds"_json_pointer, 0.0);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\" skipped=\"{4}\" time=\"{5:.3f}\">\n"
      "  <testsuite name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\" skipped=\"{4}\" time=\"{5:.3f}\">\n",
      markup_text(suite), cases.size(), failures, errors, skipped, seconds);
  for (auto const& c : cases) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", markup_text(c.classname),
                       markup_text(c.name), c.seconds);
    switch (c.result) {
      case test_case::outcome::passed:
        out += "/>\n";
        break;
      case test_case::outcome::skipped:
        out += "><skipped/></testcase>\n";
        break;
      case test_case::outcome::failed:
      case test_case::outcome::error: {
        auto const tag = c.result == test_case::outcome::failed ? "failure" : "error";
        out += fmt::format(">\n      <{0} message=\"{1}\" type=\"{0}\">{1}</{0}>\n    </testcase>\n", tag,
                           markup_text(c.message));
        break;
      }
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace candar::detail
