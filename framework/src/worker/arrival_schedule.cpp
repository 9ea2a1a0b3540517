#include "arrival_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace candar::detail {

namespace {

void check_rate(double r, char const* what) {
  if (!std::isfinite(r) || r < 0)
    throw std::invalid_argument(std::string("arrival rate: ") + what + " must be a rate >= 0 per second");
}

}  // namespace

arrival_schedule::arrival_schedule(double start_rate, std::vector<rate_stage> const& stages) {
  check_rate(start_rate, "the start rate");
  if (stages.empty()) throw std::invalid_argument("arrival rate: at least one stage is needed");
  double rate = start_rate, at = 0, n = 0;
  for (auto const& s : stages) {
    check_rate(s.target, "a stage's target");
    double const seconds = std::chrono::duration<double>(s.duration).count();
    if (!(seconds > 0)) throw std::invalid_argument("arrival rate: every stage needs a duration above zero");
    piece p{at, seconds, rate, s.target, n, (rate + s.target) / 2 * seconds};
    pieces_.push_back(p);
    n += p.arrivals;
    at += seconds;
    rate = s.target;
  }
  total_ = n;
  if (at > 100.0 * 86400) throw std::invalid_argument("arrival rate: the stages last more than 100 days");
  if (total_ > 9e15) throw std::invalid_argument("arrival rate: the stages hold too many arrivals");
  // Arrivals k < N(end): arrival k is due exactly at the end only when k == N(end), and that one is not in the
  // run. The total is a sum of rounded products: a whole number that came out an ulp above itself is whole.
  count_ = static_cast<std::int64_t>(std::ceil(total_ * (1 - 1e-12)));
}

std::optional<std::chrono::nanoseconds> arrival_schedule::due(std::int64_t k) const {
  if (k < 0 || k >= count_) return std::nullopt;
  auto const target = static_cast<double>(k);
  for (auto const& p : pieces_) {
    if (target >= p.arrivals_before + p.arrivals) continue;
    // Within the piece N(t) = from t + a t^2 with a = (to - from) / (2 seconds); solved for N(t) = x in the
    // form that stays exact when a is zero and does not cancel when `from` is large.
    double const x = target - p.arrivals_before;
    double const a = (p.to - p.from) / (2 * p.seconds);
    double t = 0;
    if (x > 0) {
      double const root = std::sqrt(std::max(0.0, p.from * p.from + 4 * a * x));
      t = 2 * x / (p.from + root);
    }
    return std::chrono::nanoseconds(
        static_cast<std::int64_t>(std::llround((p.begin_s + std::min(t, p.seconds)) * 1e9)));
  }
  return std::nullopt;  // rounding put it just past the last piece
}

std::int64_t arrival_schedule::due_by(std::chrono::nanoseconds elapsed) const {
  if (elapsed.count() < 0 || count_ == 0) return 0;
  double const t = std::chrono::duration<double>(elapsed).count();
  double n = total_;
  for (auto const& p : pieces_) {
    if (t >= p.begin_s + p.seconds) continue;
    double const in = t - p.begin_s;
    double const a = (p.to - p.from) / (2 * p.seconds);
    n = p.arrivals_before + p.from * in + a * in * in;
    break;
  }
  // An estimate from N(t), then made to agree with due() exactly (rounding, and stretches at rate zero where
  // N stays flat): the count c such that due(c - 1) <= elapsed < due(c).
  auto c = std::clamp(static_cast<std::int64_t>(std::floor(n)) + 1, std::int64_t{0}, count_);
  for (; c > 0; --c) {
    auto const d = due(c - 1);
    if (d && *d <= elapsed) break;
  }
  for (; c < count_; ++c) {
    auto const d = due(c);
    if (!d || *d > elapsed) break;
  }
  return c;
}

}  // namespace candar::detail
