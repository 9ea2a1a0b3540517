#include "candar/app/benchmarker_app.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <exception>
#include <fstream>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/app/verdict.hpp"
#include "candar/benchmark/benchmark.hpp"
#include "candar/context/spawn.hpp"
#include "candar/failure/codes.hpp"
#include "candar/load/logs.hpp"
#include "candar/runtime/open_files.hpp"
#include "candar/runtime/process_usage.hpp"
#include "candar/version.hpp"
#include "baseline_gate.hpp"
#include "agent/webapp_cpu.hpp"
#include "console.hpp"
#include "cpu_wait.hpp"
#include "loop_watch.hpp"
#include "repeated_runs.hpp"
#include "html_report.hpp"
#include "report_stream.hpp"
#include "result_file.hpp"
#include "saturation.hpp"
#include "timeline.hpp"

namespace candar {

namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using detail::progress_mode;

// Grace after the three phases' timeouts before the run is stopped from outside.
constexpr auto grace = std::chrono::seconds(5);

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

clock_type::duration seconds_of(double s) {
  return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

// The verdict of an exit code, as the result's "verdict" field says it.
std::string verdict_word(int exit_code) {
  switch (exit_code) {
    case 0: return "pass";
    case 1: return "fail";
    case 3: return "internal-error";
    case 4: return "regression";
    case 5: return "invalid";
    default: return "fail";
  }
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The CPUs this process may run on (its affinity mask): the benchmarker's capacity, whatever its loop count.
std::size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return std::max(1U, std::thread::hardware_concurrency());
  return static_cast<std::size_t>(std::max(1, CPU_COUNT(&set)));
}

// An absolute http:// or https:// URL with a host, checked before any load starts: a typo is one line of usage
// error, not a loop of failing requests.
void require_http_url(std::string const& url) {
  auto const u = boost::urls::parse_uri(url);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->host().empty()) {
    throw usage_error(fmt::format("--target: '{}' is not an http:// or https:// URL", url));
  }
}

// A number of seconds above zero and at most a million (so that no duration overflows), fractions allowed.
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

std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

void print_summary(result const& r, detail::run_summary const& s, std::optional<std::string> const& file) {
  auto const& errors = r.errors();
  auto const& score = r.score();
  std::cout << fmt::format("{}: score {} (sum {}, deductions {}){}\n", s.outcome.pass ? "PASS" : "FAIL",
                           score.total(errors), score.sum(), score.deduction(errors),
                           s.interrupted ? " — interrupted" : "");
  for (auto const& reason : s.outcome.reasons) std::cout << "  failed: " << reason << '\n';
  std::cout << "breakdown:\n";
  for (auto const& [tag, n] : score.breakdown()) {
    std::cout << fmt::format("  {:<15} {:>8} x {:>2} = {}\n", tag, n, score.weight(tag), n * score.weight(tag));
  }
  std::cout << fmt::format("errors: {}\n", errors.count());
  for (auto const& [category, n] : errors.counts_by_class()) std::cout << fmt::format("  {:<12} {}\n", category, n);
  int shown = 0;
  for (auto const& e : errors.all()) {
    if (++shown > 10) {
      std::cout << "  ... (every code's first messages are in the result file)\n";
      break;
    }
    std::cout << "  " << e.summary() << '\n';
  }
  if (auto const late = r.errors_after_window().count(); late > 0) {
    std::cout << fmt::format("cut off by the end of their phase (not counted): {}\n", late);
  }
  std::cout << fmt::format("benchmarker CPU: {:.2f}s over {:.2f}s\n", s.cpu_seconds, s.wall_seconds);
  if (file) std::cout << "result: " << *file << '\n';
}

// The running app's way out for std::terminate (an exception out of an error hook or a classifier, thrown in a
// completion handler on a loop thread): a terminate handler is a plain function, so it finds it here.
std::atomic<std::function<void(std::string const&, int)> const*> give_up_on_terminate{nullptr};

[[noreturn]] void on_terminate() {
  auto const e = std::current_exception();
  auto const why = "internal error: terminate: " + (e ? exception_message(e) : std::string("no exception"));
  if (auto const* give_up = give_up_on_terminate.load()) (*give_up)(why, 3);
  std::cerr << why << '\n';
  std::_Exit(3);
}

}  // namespace

struct benchmarker_app::impl {
  std::string name;
  CLI::App cli;
  run_settings settings;
  std::string progress = "auto";
  double duration_s = 60, prepare_s = 20, validate_s = 20;
  std::string result_file;
  std::string report_file;  // the HTML report
  // CI: the gate against an earlier result, and the stream of JSON lines.
  std::string baseline_file;
  double max_drop = 10;
  std::vector<std::string> gate_p99;
  std::optional<detail::baseline> base;
  int report_fd = -1;
  std::optional<detail::report_stream> stream;
  double starve_loops = 0;  // hidden: starves the loops on purpose, to test the saturation check
  int repeat = 1;
  std::vector<std::string> raw_args;  // as given, for the repeated runs
  // The contest's seconds flags: read as numbers, converted after parsing.
  std::deque<std::pair<double, clock_type::duration*>> seconds;
  std::deque<std::pair<CLI::Option*, std::size_t>> seconds_options;
  // Kept until the app goes, so that a contest's objects holding agents (a user_pool), declared after the app,
  // are destroyed while their loops still exist.
  std::optional<runtime> loops;
  std::optional<benchmark> the_benchmark;

  impl(std::string n, std::string const& about) : name(std::move(n)), cli(about, name) {
    cli.add_option("--target", settings.target, "the webapp's base URL, e.g. http://127.0.0.1:8080")->type_name("URL");
    cli.add_option("--duration", duration_s, "the Load phase in seconds (default 60)")->check(seconds_check)->type_name("S");
    cli.add_option("--threads", settings.threads, "event loops (default: one per hardware thread)")
        ->check(CLI::Range(0, 256))->type_name("T");
    cli.add_option("--seed", settings.seed, "the benchmarker's random choices (default 1)")
        ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 53))->type_name("N");
    cli.add_option("--result", result_file, "write the JSON result there (also when interrupted)")->type_name("FILE");
    cli.add_option("--report", report_file, "write the result as a self-contained HTML page there (charts, tables)")
        ->type_name("FILE.html");
    cli.add_flag("--prepare-only", settings.prepare_only, "stop after Prepare (pass: the webapp initializes and answers correctly)");
    cli.add_option("--progress", progress, "a live line on a terminal (auto), plain lines, or none")
        ->check(CLI::IsMember({"auto", "plain", "none"}))->type_name("MODE");
    cli.add_option("--prepare-timeout", prepare_s, "seconds (default 20)")->check(seconds_check)->type_name("S");
    cli.add_option("--validate-timeout", validate_s, "seconds (default 20)")->check(seconds_check)->type_name("S");
    cli.add_option("--baseline", baseline_file, "compare with this earlier --result of the same contest (exit 4 on a regression)")
        ->type_name("FILE");
    cli.add_option("--max-drop", max_drop, "with --baseline: how far the score may fall, and a gated p99 rise (default 10)")
        ->check(CLI::Range(0.0, 100.0))->type_name("PERCENT");
    cli.add_option("--gate-p99", gate_p99, "with --baseline: an endpoint label whose p99 is gated too (repeatable)")
        ->type_name("LABEL")->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cli.add_option("--report-fd", report_fd, "write JSON lines of the run to this inherited descriptor (or CANDAR_REPORT_FD)")
        ->check(CLI::Range(0, 1 << 20))->type_name("N");
    cli.add_option("--repeat", repeat, "run the whole benchmark N times (each a fresh process) and report the median")
        ->check(CLI::Range(1, 100))->type_name("N");
    cli.add_option("--starve-loops", starve_loops, "busy-wait this fraction of the time on every loop (testing only)")
        ->check(CLI::Range(0.0, 1.0))->group("");
    cli.set_version_flag("--version", name + " (candar " + std::string(version) + ")");
    cli.footer("Exit: 0 pass, 1 fail, 2 bad usage, 3 internal error, 4 regression against the baseline, "
               "5 invalid (the benchmarker itself was saturated).");
  }

  // Throws usage_error; returns false when --help or --version was asked (and printed).
  bool parse(int argc, char** argv) {
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
    for (auto const& [opt, i] : seconds_options) {
      if (opt->count() > 0) *seconds[i].second = seconds_of(seconds[i].first);
    }
    if (!gate_p99.empty() && baseline_file.empty()) throw usage_error("--gate-p99 needs --baseline FILE");
    if (!std::isfinite(max_drop)) throw usage_error("--max-drop takes a percentage from 0 to 100");
    if (!baseline_file.empty()) {
      try {
        base = detail::read_baseline(baseline_file, name, gate_p99);
      } catch (std::invalid_argument const& e) {
        throw usage_error(e.what());
      }
    }
    if (report_fd < 0) {
      if (char const* env = std::getenv("CANDAR_REPORT_FD"); env != nullptr && *env != '\0') {
        char* end = nullptr;
        long const fd = std::strtol(env, &end, 10);
        if (*end != '\0' || fd < 0 || fd > (1 << 20)) throw usage_error(fmt::format("CANDAR_REPORT_FD: '{}' is not a descriptor", env));
        report_fd = static_cast<int>(fd);
      }
    }
    unsetenv("CANDAR_REPORT_FD");  // read once: the runs of --repeat must not write to it too
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
    return true;
  }

  static void require_writable(std::string_view flag, std::string const& file) {
    auto dir = std::filesystem::path(file).parent_path();
    if (dir.empty()) dir = ".";
    if (std::filesystem::is_directory(file) || access(dir.c_str(), W_OK) != 0) {
      throw usage_error(fmt::format("{}: cannot write '{}'", flag, file));
    }
  }

  // The result's files: the JSON (--result) and the HTML report (--report). Throws on failure.
  void write_results(nlohmann::json const& j) const {
    if (settings.result_file) detail::write_result(*settings.result_file, j);
    if (!report_file.empty()) detail::write_file_atomically(report_file, detail::html_report(j));
  }

  // The stream's last line: the whole result. A reader that does not take it costs a warning, not the run.
  void finish_stream(nlohmann::json j, std::chrono::milliseconds wait = std::chrono::milliseconds(-1)) {
    if (!stream) return;
    j["final"] = true;
    if (!stream->finish(j, wait)) {
      std::cerr << name << ": --report-fd: the reader did not take the final line"
                << (stream->broken() ? " (it had gone)" : " in time") << (settings.result_file ? "; the result file has it" : "") << '\n';
    }
  }

  int run(contest_definition const& contest);
  int run_repeated();
};

benchmarker_app::benchmarker_app(std::string name, std::string about)
    : impl_(std::make_unique<impl>(std::move(name), about)) {}

benchmarker_app::~benchmarker_app() = default;

benchmarker_app& benchmarker_app::seconds_flag(std::string const& name, clock_type::duration& into, std::string const& help) {
  auto& slot = impl_->seconds.emplace_back(std::chrono::duration<double>(into).count(), &into);
  auto* opt = impl_->cli.add_option("--" + name, slot.first, help)->check(seconds_check)->type_name("S");
  impl_->seconds_options.emplace_back(opt, impl_->seconds.size() - 1);
  return *this;
}

benchmarker_app& benchmarker_app::integer_flag(std::string const& name, std::int64_t& into, std::int64_t min,
                                               std::int64_t max, std::string const& help) {
  impl_->cli.add_option("--" + name, into, help)->check(CLI::Range(min, max))->type_name("N");
  return *this;
}

benchmarker_app& benchmarker_app::switch_flag(std::string const& name, bool& into, std::string const& help) {
  impl_->cli.add_flag("--" + name, into, help);
  return *this;
}

benchmarker_app& benchmarker_app::text_flag(std::string const& name, std::string& into, std::string const& help) {
  impl_->cli.add_option("--" + name, into, help)->type_name("TEXT");
  return *this;
}

int benchmarker_app::run(int argc, char** argv, contest_definition const& contest) {
  for (int i = 1; i < argc; ++i) impl_->raw_args.emplace_back(argv[i]);
  raise_open_files_limit();  // as Go does: a connection per user, and Debian's soft limit is 1024
  try {
    if (!impl_->parse(argc, argv)) return 0;
  } catch (usage_error const& e) {
    std::cerr << impl_->name << ": " << e.what() << " (see " << impl_->name << " --help)\n";
    return 2;
  }
  return impl_->repeat > 1 ? impl_->run_repeated() : impl_->run(contest);
}

int benchmarker_app::impl::run_repeated() {
  detail::forward_stop_signals();
  std::vector<nlohmann::json> runs;
  std::vector<int> codes;
  std::error_code fs_error;
  auto temp_dir = std::filesystem::temp_directory_path(fs_error);
  if (fs_error) temp_dir = ".";
  for (int i = 0; i < repeat && !detail::stop_requested(); ++i) {
    std::cout << fmt::format("== run {} of {}\n", i + 1, repeat) << std::flush;
    auto const file = (temp_dir / fmt::format("{}-{}-run{}.json", name, getpid(), i + 1)).string();
    int const code = detail::run_self(detail::child_arguments(raw_args, file));
    if (code == 2) return 2;  // the contest's setup refused its flags: it said why
    std::ifstream in(file);
    auto j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    std::filesystem::remove(file, fs_error);
    if (code < 0 || j.is_discarded() || !j.is_object()) {
      std::cerr << name << ": internal error: run " << i + 1 << " left no result (exit " << code << ")\n";
      return 3;
    }
    runs.push_back(std::move(j));
    codes.push_back(code);
    if (runs.back().value("interrupted", false)) break;  // a signal: no more runs
  }
  std::vector<std::int64_t> scores;
  for (auto const& r : runs) scores.push_back(r.value("score", std::int64_t{0}));
  auto const summary = detail::summarize(scores);
  bool const all_pass = std::all_of(runs.begin(), runs.end(), [](auto const& r) { return r.value("pass", false); });
  bool const all_valid = std::all_of(runs.begin(), runs.end(), [](auto const& r) { return r.value("valid", true); });
  bool const interrupted = detail::stop_requested() || static_cast<int>(runs.size()) < repeat;
  int exit_code = 0;
  if (std::find(codes.begin(), codes.end(), 3) != codes.end()) {
    exit_code = 3;
  } else if (std::find(codes.begin(), codes.end(), 1) != codes.end() || !all_pass || interrupted) {
    exit_code = 1;  // any failed run fails the whole, even beside an invalid one
  } else if (!all_valid) {
    exit_code = 5;
  }
  // The run whose score is the median stands for the endpoints the gate compares (the lower middle of an even count).
  std::vector<std::size_t> order(runs.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return scores[x] < scores[y]; });
  auto const median_endpoints = order.empty() ? nlohmann::json::object() : runs[order[(order.size() - 1) / 2]]["endpoints"];
  nlohmann::json j = {{"contest", name}, {"candar", std::string(version)}, {"pass", exit_code == 0}, {"valid", all_valid},
                      {"interrupted", interrupted}, {"score", summary.median}, {"repeat", summary.to_json()},
                      {"runs", runs}, {"endpoints", median_endpoints}};
  std::string line = "scores:";
  for (auto s : scores) line += " " + detail::with_thousands(s);
  std::cout << line << '\n'
            << fmt::format("median {}, min {}, max {}, spread {:.1f} % of the median\n", detail::with_thousands(summary.median),
                           detail::with_thousands(summary.min), detail::with_thousands(summary.max), summary.spread_percent);
  if (base && exit_code == 0) {
    // A fall inside the runs' spread is inconclusive only when the best run is itself within the tolerance:
    // one bad outlier (or a change that only made runs noisier) must not hide a regression.
    double const best_drop = base->score > 0 ? (1.0 - static_cast<double>(summary.max) / static_cast<double>(base->score)) * 100 : 0;
    double const tolerated_spread = best_drop <= max_drop ? summary.spread_percent : 0.0;
    auto const gate = detail::compare_with(*base, j, max_drop, gate_p99, tolerated_spread);
    bool const inconclusive = !gate.lines.empty() && gate.lines.front().starts_with("inconclusive");
    j["baseline"] = {{"file", base->file}, {"score", base->score}, {"max_drop_percent", max_drop},
                     {"regressed", gate.regressed}, {"inconclusive", inconclusive}, {"findings", gate.lines},
                     {"endpoints", base->endpoints}};
    std::cout << "baseline " << base->file << " (against the median):\n";
    for (auto const& l : gate.lines) std::cout << "  " << l << '\n';
    if (gate.regressed) exit_code = 4;
  }
  j["exit_code"] = exit_code;
  j["verdict"] = verdict_word(exit_code);
  std::cout << fmt::format("{}: median score {} over {} runs (exit {})\n", upper(verdict_word(exit_code)),
                           detail::with_thousands(summary.median), runs.size(), exit_code);
  try {
    write_results(j);
  } catch (std::exception const& e) {
    std::cerr << name << ": internal error: " << e.what() << '\n';
    return 3;
  }
  if (!report_file.empty()) std::cout << "report: " << report_file << '\n';
  finish_stream(j);
  return exit_code;
}

int benchmarker_app::impl::run(contest_definition const& contest) {
  auto const mode = progress == "none"    ? progress_mode::none
                    : progress == "plain" ? progress_mode::plain
                    : isatty(STDOUT_FILENO) ? progress_mode::live
                                            : progress_mode::plain;
  detail::console out(mode);
  logs log([&out](std::string_view line) { out.line(line); }, logs::discard());
  auto const& cs = settings;
  auto const bound = cs.prepare_timeout + (cs.prepare_only ? clock_type::duration() : cs.load_duration + cs.validate_timeout) + grace;

  detail::run_summary summary;
  auto& rt = loops;
  auto& bench = the_benchmark;
  std::atomic<bool> interrupted{false};
  try {
    rt.emplace(cs.threads);
    bench.emplace(benchmark_options{.prepare_timeout = cs.prepare_timeout,
                                    .load_timeout = cs.load_duration,
                                    .validate_timeout = cs.validate_timeout,
                                    .prepare_only = cs.prepare_only});
    if (contest.setup) contest.setup(*bench, cs, log);
  } catch (bad_usage const& e) {
    std::cerr << name << ": " << e.what() << " (see " << name << " --help)\n";
    return 2;
  } catch (std::exception const& e) {
    std::cerr << name << ": internal error: " << e.what() << '\n';
    return 3;
  }

  auto const started = clock_type::now();
  auto const cpu_before = process_cpu_seconds();
  context parent = context().with_deadline(rt->executor(0), started + bound);

  // The control thread: signals, the progress line, and a watchdog should the run not stop by itself.
  asio::io_context control;
  asio::signal_set signals(control, SIGINT, SIGTERM);
  // The whole result once written, and who writes: the run's end, or giving up (once, and then no one else).
  std::mutex write_mutex;
  std::optional<nlohmann::json> written;
  std::atomic<bool> giving_up{false};
  // The run has not stopped when it should have, its loops would not stop, or std::terminate: write what is
  // known (the counters are safe to read from any thread) and leave.
  std::function<void(std::string const&, int)> const give_up = [&](std::string const& why, int code) {
    if (giving_up.exchange(true)) std::_Exit(code);  // failed again while giving up, or two at once
    std::cerr << name << ": " << why << '\n';
    std::unique_lock lock(write_mutex, std::defer_lock);
    // A writer stuck while holding it (terminate in the middle of a write) must not keep this one waiting.
    for (int i = 0; i < 200 && !lock.try_lock(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (lock.owns_lock() && written) {
      // The whole result is out already: the same, with this failure.
      auto j = *written;
      j["pass"] = false;
      j["reasons"].push_back(why);
      j["internal_error"] = why;
      j["exit_code"] = code;
      j["verdict"] = verdict_word(code);
      try {
        write_results(j);
      } catch (std::exception const& e) {
        std::cerr << name << ": " << e.what() << '\n';
      }
      std::_Exit(code);
    }
    auto const& r = bench->current();
    nlohmann::json partial = {{"contest", name},
                              {"candar", std::string(version)},
                              {"pass", false},
                              {"score", r.score().total(r.errors())},
                              {"reasons", {why}},
                              {"interrupted", true},
                              {"internal_error", why},
                              {"exit_code", code},
                              {"verdict", verdict_word(code)},
                              {"breakdown", r.score().breakdown()},
                              {"errors", {{"total", r.errors().count()}, {"by_code", r.errors().counts()}}}};
    if (cs.result_file) {
      try {
        detail::write_result(*cs.result_file, partial);
      } catch (std::exception const& e) {
        std::cerr << name << ": " << e.what() << '\n';
      }
    }
    // The portal's stream ends with a final line whatever stopped the run, but a stuck reader gets only a moment.
    finish_stream(partial, std::chrono::seconds(2));
    std::_Exit(code);
  };
  std::function<void()> listen = [&] {
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (interrupted.exchange(true)) give_up("a second signal: stopped at once", 1);
      out.line(fmt::format("{}: stopping the run, the result will be written (again to stop at once)",
                           sig == SIGINT ? "SIGINT" : "SIGTERM"));
      parent.cancel();
      listen();
    });
  };
  listen();
  bool finishing = false;  // the control thread's: the run is over, no more progress lines nor samples
  asio::steady_timer ticker(control);
  auto const period = mode == progress_mode::live ? std::chrono::milliseconds(500) : std::chrono::milliseconds(5000);
  std::function<void()> tick = [&] {
    ticker.expires_after(period);
    ticker.async_wait([&](boost::system::error_code ec) {
      if (ec || finishing) return;
      auto const& r = bench->current();
      auto const now = bench->phase_now();
      out.progress({.elapsed = clock_type::now() - started,
                    .phase = now ? std::string(to_string(*now)) : std::string("done"),
                    .extra = contest.progress ? contest.progress() : std::string(),
                    .score = r.score().total(r.errors()),
                    .errors = r.errors().count()});
      tick();
    });
  };
  tick();
  // The timeline, once a second, and every fifth sample a line on the report stream.
  // The loops' lag and the CPU share, for the saturation check.
  detail::timeline seconds_line;
  detail::loop_watch lag_watch(*rt, std::chrono::milliseconds(100), starve_loops);
  detail::saturation_count saturation(std::min(rt->size(), usable_cpus()));
  auto const elapsed_s = [&] { return std::chrono::duration<double>(clock_type::now() - started).count(); };
  double waited_before = detail::process_cpu_wait_seconds();
  double webapp_work_before = detail::webapp_cpu_seconds();
  auto const take_sample = [&] {
    auto const now = bench->phase_now();
    std::optional<double> level;
    if (contest.load_level) level = contest.load_level();
    double const lag_ms = static_cast<double>(lag_watch.take_max_lag().count()) / 1000.0;
    auto const stretch = seconds_line.sample(elapsed_s(), now ? std::string(to_string(*now)) : std::string("done"),
                                             bench->current(), level, process_cpu_seconds() - cpu_before, lag_ms);
    double const waited = detail::process_cpu_wait_seconds();
    // A thread that ended took its share with it: never a negative stretch.
    double const wait_share = stretch.seconds > 0 ? std::max(0.0, waited - waited_before) / stretch.seconds : 0.0;
    waited_before = waited;
    double const webapp_work = detail::webapp_cpu_seconds();
    double const webapp_share = stretch.seconds > 0 ? (webapp_work - webapp_work_before) / stretch.seconds : 0.0;
    webapp_work_before = webapp_work;
    if (now == phase::load) {
      saturation.load_second_with_webapp(stretch.seconds, lag_ms, stretch.cpu_share, wait_share, webapp_share);
    }
    if (starve_loops > 0) lag_watch.starve(now == phase::load);
  };
  asio::steady_timer sampler(control);
  int samples_taken = 0;
  std::string streamed_phase;
  std::function<void()> sample_tick = [&] {
    sampler.expires_at(started + std::chrono::seconds(samples_taken + 1));  // on the second, not drifting
    sampler.async_wait([&](boost::system::error_code ec) {
      if (ec || finishing) return;
      take_sample();
      ++samples_taken;
      // A line every fifth second, and one as soon as a new phase shows: a portal sees Load begin even in a
      // run shorter than five seconds.
      if (stream) {
        auto line = seconds_line.last_json();
        auto const phase_now = line.is_object() ? line.value("phase", std::string()) : std::string();
        if (samples_taken % 5 == 0 || phase_now != streamed_phase) {
          streamed_phase = phase_now;
          line["final"] = false;
          stream->write(line);
        }
      }
      sample_tick();
    });
  };
  sample_tick();
  // Armed until the loops are joined: a loop stuck in blocking scenario code still ends the process (exit 3).
  asio::steady_timer watchdog(control, bound + std::chrono::seconds(10));
  std::string watchdog_reason = "internal error: the run did not stop within its upper bound";
  std::function<void()> watch = [&] {
    watchdog.async_wait([&](boost::system::error_code ec) {
      if (!ec) give_up(watchdog_reason, 3);
    });
  };
  watch();
  // Runs f on the control thread, whose timers are not thread-safe, and waits for it.
  auto const on_control = [&](auto f) {
    std::promise<void> done;
    asio::post(control, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  };
  give_up_on_terminate = &give_up;
  struct terminate_guard {
    std::terminate_handler previous = std::set_terminate(on_terminate);
    terminate_guard() = default;
    terminate_guard(terminate_guard const&) = delete;
    terminate_guard& operator=(terminate_guard const&) = delete;
    ~terminate_guard() {
      give_up_on_terminate = nullptr;
      std::set_terminate(previous);
    }
  } const restore_terminate;
  std::thread control_thread([&] { control.run(); });

  int exit_code = 1;
  bool broken_webapp = false;  // failed on correctness (Prepare, Validate, a critical error): never "invalid"
  try {
    auto const& r = bench->run(*rt, parent);
    summary.interrupted = interrupted.load() || r.interrupted() != stop_reason::none;
    auto const classes = r.errors().counts_by_class();
    std::int64_t critical = 0;
    for (auto const& c : contest.critical_classes) critical += classes.contains(c) ? classes.at(c) : 0;
    summary.outcome = judge({.prepare_failed = r.prepare_failed(),
                             .validate_failed = r.record(phase::validate).failed,
                             .critical_errors = critical,
                             .errors = r.errors().count(),
                             .error_limit = contest.error_limit,
                             .score = cs.prepare_only ? 1 : r.score().total(r.errors())});
    if (summary.interrupted) {
      summary.outcome.pass = false;
      summary.outcome.reasons.emplace_back("the run was interrupted");
    }
    exit_code = summary.outcome.pass ? 0 : 1;
    broken_webapp = r.prepare_failed() || r.record(phase::validate).failed || critical > 0;
  } catch (std::exception const& e) {
    summary.internal_error = e.what();
    summary.outcome.pass = false;
    summary.outcome.reasons.push_back(fmt::format("internal error: {}", e.what()));
    exit_code = 3;
  }
  summary.wall_seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  summary.cpu_seconds = process_cpu_seconds() - cpu_before;
  // The progress line and the samples stop (what they fed is read below); the signals and the watchdog stay,
  // and the result is written before the loops are stopped: a loop that will not stop cannot lose it.
  on_control([&] {
    finishing = true;  // a wait that completed before the cancel is not re-armed
    ticker.cancel();
    sampler.cancel();
  });
  out.finish();
  take_sample();  // the last stretch, up to the end

  auto const& r = bench->current();
  nlohmann::json j;
  std::optional<detail::gate_verdict> gate;
  std::string invalid_sentence;  // why the run is not comparable with others, when it is not
  try {
    j = detail::result_json(r, cs, summary);
    j["contest"] = name;
    j["candar"] = std::string(version);
    j["timeline"] = seconds_line.to_json();
    if (contest.add_to_result) contest.add_to_result(j);
    j["benchmarker"]["saturated_seconds"] = saturation.saturated_seconds();
    j["benchmarker"]["worst_loop_lag_ms"] = saturation.worst_lag_ms();
    j["benchmarker"]["worst_cpu_wait_fraction"] = saturation.worst_wait_fraction();
    j["benchmarker"]["webapp_cpu_seconds"] = saturation.webapp_cpu_seconds();  // reading the webapp's bytes, in Load
    j["benchmarker"]["cpu_starved_seconds"] = saturation.starved_seconds();
    if (saturation.waited_for_cpu()) j["benchmarker"]["cpu_wait_warning"] = saturation.wait_sentence();
    // The benchmarker's own failures (a socket it could not open): the score measured its limits, not the webapp.
    auto const own_failures = r.errors().count(codes::benchmarker);
    j["benchmarker"]["own_failures"] = own_failures;
    if (own_failures > 0) {
      auto const first = r.errors().messages(codes::benchmarker, 1);
      invalid_sentence = fmt::format("the benchmarker failed {} times on its own limits, not the webapp's{}", own_failures,
                                     first.empty() ? "" : " (" + first.front() + ")");
    } else if (saturation.invalid()) {
      invalid_sentence = saturation.sentence();
    }
    j["valid"] = invalid_sentence.empty();
    if (!invalid_sentence.empty()) {
      // Not compared with anything: the score measured the benchmarker's machine, not the webapp. A webapp
      // that answered wrongly still fails: saturating the benchmarker must not turn a FAIL into a retry.
      j["invalid_reason"] = invalid_sentence;
      if (exit_code != 3 && !broken_webapp) exit_code = 5;
    }
    if (base && exit_code != 5) {
      gate = detail::compare_with(*base, j, max_drop, gate_p99);
      j["baseline"] = {{"file", base->file}, {"score", base->score}, {"max_drop_percent", max_drop},
                       {"regressed", gate->regressed}, {"findings", gate->lines}, {"endpoints", base->endpoints}};
      // A failed run is a failure first; a passing one that regressed is the gate's.
      if (gate->regressed && exit_code == 0) exit_code = 4;
    }
    j["exit_code"] = exit_code;
    j["verdict"] = verdict_word(exit_code);
    std::unique_lock lock(write_mutex);
    if (giving_up) {
      // The watchdog or terminate is writing what it knows and will end the process: leave it the file.
      lock.unlock();
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
    }
    write_results(j);
    written = j;
    lock.unlock();
    // The rest is a moment, or the stream's final line for a slow reader (up to 10 s), then the loops: the
    // watchdog comes that long from now, no longer at the run's upper bound, which may be near.
    on_control([&] {
      watchdog_reason = "internal error: an event loop did not stop after the run (blocking scenario code?)";
      watchdog.expires_after(grace + std::chrono::seconds(10));  // the wait under way ends with operation_aborted
      watch();
    });
  } catch (std::exception const& e) {
    std::cerr << name << ": internal error: " << e.what() << '\n';
    exit_code = 3;
  }
  finish_stream(j);
  print_summary(r, summary, cs.result_file);
  if (!report_file.empty()) std::cout << "report: " << report_file << '\n';
  if (exit_code == 5) std::cout << "INVALID: " << invalid_sentence << " (exit 5: not comparable with other runs)\n";
  if (saturation.waited_for_cpu()) std::cout << "warning: " << saturation.wait_sentence() << '\n';
  if (gate) {
    std::cout << "baseline " << base->file << ":\n";
    for (auto const& line : gate->lines) std::cout << "  " << line << '\n';
    if (exit_code == 4) std::cout << "REGRESSION against the baseline (exit 4)\n";
  }
  std::cout.flush();
  // The loops are stopped and joined last, in a moment or never: the watchdog stays armed.
  rt->stop();
  control.stop();
  control_thread.join();
  return exit_code;
}

}  // namespace candar
