#include "app_flags.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "candar/version.hpp"
#include "html_report.hpp"
#include "junit_report.hpp"
#include "result_file.hpp"
#include "saved_state.hpp"

namespace candar::detail {

namespace {

using clock_type = std::chrono::steady_clock;

clock_type::duration seconds_of(double s) {
  return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

// An absolute http:// or https:// URL with a host: a typo is one line of usage error, not a loop of failing
// requests.
void require_http_url(std::string const& url) {
  auto const u = boost::urls::parse_uri(url);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->host().empty()) {
    throw usage_error(fmt::format("--target: '{}' is not an http:// or https:// URL", url));
  }
}

void require_writable(std::string_view flag, std::string const& file) {
  auto dir = std::filesystem::path(file).parent_path();
  if (dir.empty()) dir = ".";
  if (std::filesystem::is_directory(file) || access(dir.c_str(), W_OK) != 0) {
    throw usage_error(fmt::format("{}: cannot write '{}'", flag, file));
  }
}

std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// --report-fd, or else CANDAR_REPORT_FD, which is read once: the runs of --repeat must not write to it too.
int report_descriptor(int from_flag) {
  int fd = from_flag;
  if (fd < 0) {
    if (char const* env = std::getenv("CANDAR_REPORT_FD"); env != nullptr && *env != '\0') {
      char* end = nullptr;
      long const value = std::strtol(env, &end, 10);
      if (*end != '\0' || value < 0 || value > (1 << 20))
        throw usage_error(fmt::format("CANDAR_REPORT_FD: '{}' is not a descriptor", env));
      fd = static_cast<int>(value);
    }
  }
  unsetenv("CANDAR_REPORT_FD");
  return fd;
}

}  // namespace

CLI::Validator const seconds_check(
    [](std::string& text) -> std::string {
      double v = 0;
      std::size_t used = 0;
      try {
        v = std::stod(text, &used);
      } catch (std::exception const&) {
        used = 0;
      }
      if (used != text.size() || !(v > 0 && v <= 1e6)) return fmt::format("takes seconds above zero, not '{}'", text);
      return {};
    },
    "", "seconds");

app_flags::app_flags(std::string n, std::string const& about) : name(std::move(n)), cli(about, name) {
  cli.add_option("--target", settings.target, "the webapp's base URL, e.g. http://127.0.0.1:8080")->type_name("URL");
  cli.add_option("--duration", duration_s, "the Load phase in seconds (default 60)")
      ->check(seconds_check)
      ->type_name("S");
  cli.add_option("--threads", settings.threads, "event loops (default: one per hardware thread)")
      ->check(CLI::Range(0, 256))
      ->type_name("T");
  cli.add_option("--seed", settings.seed, "the benchmarker's random choices (default 1)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 53))
      ->type_name("N");
  cli.add_option("--result", result_file, "write the JSON result there (also when interrupted)")->type_name("FILE");
  cli.add_option("--report", report_file, "write the result as a self-contained HTML page there (charts, tables)")
      ->type_name("FILE.html");
  cli.add_flag("--trace", settings.trace,
               "send a W3C traceparent with every request; each error names its trace id (find it in your access log)");
  cli.add_flag("--prepare-only", settings.prepare_only,
               "stop after Prepare (pass: the webapp initializes and answers correctly)");
  cli.add_option("--save-state", save_state_file,
                 "after the run, write what the contest's model knows there (for --validate-only after a restart)")
      ->type_name("FILE");
  cli.add_flag("--validate-only", settings.validate_only,
               "only Validate, against the webapp restarted since the run that wrote --state FILE: "
               "does it still hold what it acknowledged?");
  cli.add_option("--state", state_file, "with --validate-only: the file a run's --save-state wrote (its --seed too)")
      ->type_name("FILE");
  cli.add_option("--progress", progress, "a live line on a terminal (auto), plain lines, or none")
      ->check(CLI::IsMember({"auto", "plain", "none"}))
      ->type_name("MODE");
  cli.add_option("--log-format", log_format,
                 "text, or json: each line one JSON object (time, level, phase, message; an error's code and trace id)")
      ->check(CLI::IsMember({"text", "json"}))
      ->type_name("FORMAT");
  cli.add_option("--prepare-timeout", prepare_s, "seconds (default 20)")->check(seconds_check)->type_name("S");
  cli.add_option("--validate-timeout", validate_s, "seconds (default 20)")->check(seconds_check)->type_name("S");
  cli.add_option("--har", har_file,
                 "write the flows that led to the first errors of each code there, as HAR 1.2 (DevTools imports it)")
      ->type_name("FILE.har");
  cli.add_option("--junit", junit_file, "write the run as JUnit XML there (verdict, phases, critical errors, the gate)")
      ->type_name("FILE.xml");
  cli.add_option("--metrics-listen", metrics_listen,
                 "serve the run's figures in Prometheus' text format at http://HOST:PORT/metrics while it lasts")
      ->type_name("HOST:PORT");
  cli.add_option("--metrics-hold", metrics_hold_s,
                 "with --metrics-listen: wait up to S after the run for a scrape of the last figures (default: 1.5 "
                 "scrape intervals when a scraper came twice, else none)")
      ->check(seconds_check)
      ->type_name("S");
  cli.add_option("--baseline", baseline_file,
                 "compare with this earlier --result of the same contest (exit 4 on a regression)")
      ->type_name("FILE");
  cli.add_option("--max-drop", max_drop,
                 "with --baseline: how far the score may fall, and a gated p99 rise (default 10)")
      ->check(CLI::Range(0.0, 100.0))
      ->type_name("PERCENT");
  cli.add_option("--gate-p99", gate_p99, "with --baseline: an endpoint label whose p99 is gated too (repeatable)")
      ->type_name("LABEL")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli.add_option("--report-fd", report_fd,
                 "write JSON lines of the run to this inherited descriptor (or CANDAR_REPORT_FD)")
      ->check(CLI::Range(0, 1 << 20))
      ->type_name("N");
  cli.add_option("--repeat", repeat, "run the whole benchmark N times (each a fresh process) and report the median")
      ->check(CLI::Range(1, 100))
      ->type_name("N");
  cli.add_option("--starve-loops", starve_loops, "busy-wait this fraction of the time on every loop (testing only)")
      ->check(CLI::Range(0.0, 1.0))
      ->group("");
  cli.set_version_flag("--version", name + " (candar " + std::string(version) + ")");
  cli.footer(
      "Exit: 0 pass, 1 fail, 2 bad usage, 3 internal error, 4 regression against the baseline, "
      "5 invalid (the benchmarker itself was saturated).");
}

void app_flags::add_seconds(std::string const& flag, duration& into, std::string const& help) {
  auto& slot = seconds_.emplace_back(std::chrono::duration<double>(into).count(), &into);
  auto* opt = cli.add_option("--" + flag, slot.first, help)->check(seconds_check)->type_name("S");
  seconds_options_.emplace_back(opt, seconds_.size() - 1);
}

bool app_flags::parse(int argc, char** argv) {
  try {
    cli.parse(argc, argv);
  } catch (CLI::CallForHelp const&) {
    std::cout << cli.help();
    return false;
  } catch (CLI::CallForVersion const&) {
    std::cout << cli.version() << '\n';
    return false;
  } catch (CLI::ParseError const& e) {
    throw usage_error(one_line(e.what()));
  }
  if (settings.target.empty()) throw usage_error("--target URL is required");
  require_http_url(settings.target);
  while (!settings.target.empty() && settings.target.back() == '/') settings.target.pop_back();
  settings.load_duration = seconds_of(duration_s);
  settings.prepare_timeout = seconds_of(prepare_s);
  settings.validate_timeout = seconds_of(validate_s);
  for (auto const& [opt, i] : seconds_options_) {
    if (opt->count() > 0) *seconds_[i].second = seconds_of(seconds_[i].first);
  }
  if (!gate_p99.empty() && baseline_file.empty()) throw usage_error("--gate-p99 needs --baseline FILE");
  check_post_restart_flags();
  if (!std::isfinite(max_drop)) throw usage_error("--max-drop takes a percentage from 0 to 100");
  if (!baseline_file.empty()) {
    try {
      base = read_baseline(baseline_file, name, gate_p99);
    } catch (std::invalid_argument const& e) {
      throw usage_error(e.what());
    }
  }
  report_fd = report_descriptor(report_fd);
  if (report_fd >= 0) {
    try {
      stream.emplace(report_fd);
      fcntl(report_fd, F_SETFD, fcntl(report_fd, F_GETFD) | FD_CLOEXEC);  // not inherited by --repeat's runs
    } catch (std::invalid_argument const& e) {
      throw usage_error(fmt::format("--report-fd: {}", e.what()));
    }
  }
  // Checked now, not after a whole run whose result would then be lost.
  if (!result_file.empty()) {
    require_writable("--result", result_file);
    settings.result_file = result_file;
  }
  if (!report_file.empty()) require_writable("--report", report_file);
  if (!junit_file.empty()) require_writable("--junit", junit_file);
  if (metrics_hold_s > 0 && metrics_listen.empty())
    throw usage_error("--metrics-hold waits for a scrape: it needs --metrics-listen");
  if (!metrics_listen.empty()) {
    try {
      (void)metrics_listen_endpoint(metrics_listen);
    } catch (std::invalid_argument const& e) {
      throw usage_error(e.what());
    }
  }
  auto setup = otlp_from_environment(name);
  otlp = std::move(setup.target);
  otlp_warnings = std::move(setup.warnings);
  if (!har_file.empty()) {
    if (repeat > 1) throw usage_error("--har records one run's flows: no --repeat");
    require_writable("--har", har_file);
  }
  return true;
}

void app_flags::check_post_restart_flags() {
  if (settings.validate_only) {
    if (state_file.empty()) throw usage_error("--validate-only needs --state FILE (written by a run's --save-state)");
    if (settings.prepare_only) throw usage_error("--validate-only and --prepare-only exclude each other");
    if (!save_state_file.empty()) throw usage_error("--validate-only changes nothing to save: no --save-state");
    if (repeat > 1) throw usage_error("--validate-only runs once: no --repeat");
    if (!baseline_file.empty()) throw usage_error("--validate-only has no score to compare: no --baseline");
    // --seed as the run that saved the state had it, unless given (then it must be the same).
    std::optional<std::uint64_t> seed;
    if (cli.count("--seed") > 0) seed = settings.seed;
    saved_state = read_state_file(state_file, name, seed);
    settings.seed = *seed;
  } else if (!state_file.empty()) {
    throw usage_error("--state FILE goes with --validate-only");
  }
  if (!save_state_file.empty()) {
    if (repeat > 1) throw usage_error("--save-state saves one run's model: no --repeat");
    if (settings.prepare_only) throw usage_error("--prepare-only writes nothing to save: no --save-state");
    require_writable("--save-state", save_state_file);
  }
}

void app_flags::write_results(nlohmann::json const& j, nlohmann::json const* har) const {
  if (settings.result_file) write_result(*settings.result_file, j);
  if (!report_file.empty()) write_file_atomically(report_file, html_report(j, har));
  if (!junit_file.empty()) write_file_atomically(junit_file, junit_xml(j));
}

void app_flags::finish_stream(nlohmann::json j, std::chrono::milliseconds wait) {
  if (!stream) return;
  j["final"] = true;
  if (!stream->finish(j, wait)) {
    std::cerr << name << ": --report-fd: the reader did not take the final line"
              << (stream->broken() ? " (it had gone)" : " in time")
              << (settings.result_file ? "; the result file has it" : "") << '\n';
  }
}

}  // namespace candar::detail
