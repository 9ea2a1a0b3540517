#include "http_date.hpp"

#include <array>
#include <cstddef>

namespace candar::detail {

namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> short_days{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> long_days{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                    "Friday", "Saturday", "Sunday"};

// A cursor over the text: each read consumes exactly what the grammar says, or fails.
struct reader {
  std::string_view rest;

  bool literal(std::string_view s) {
    if (!rest.starts_with(s)) return false;
    rest.remove_prefix(s.size());
    return true;
  }
  bool digits(std::size_t n, int& out) {
    if (rest.size() < n) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      char const c = rest[i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    rest.remove_prefix(n);
    out = v;
    return true;
  }
  template <std::size_t N>
  bool one_of(std::array<std::string_view, N> const& names, int& index) {
    for (std::size_t i = 0; i < N; ++i) {
      if (rest.starts_with(names[i])) {
        rest.remove_prefix(names[i].size());
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  // time-of-day = hour ":" minute ":" second
  bool time_of_day(int& h, int& m, int& s) {
    return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, s);
  }
};

std::optional<system_clock::time_point> make(int y, int month_index, int d, int h, int m, int s) {
  if (h > 23 || m > 59 || s > 60) return std::nullopt;  // 60: a leap second, as RFC 9110 allows
  year_month_day const ymd{year(y), month(static_cast<unsigned>(month_index + 1)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd) + hours(h) + minutes(m) + seconds(s);
}

}  // namespace

std::optional<system_clock::time_point> parse_http_date(std::string_view text, system_clock::time_point now) {
  int wd = 0, d = 0, mon = 0, y = 0, h = 0, m = 0, s = 0;
  {  // IMF-fixdate: day-name "," SP day SP month SP year SP time-of-day SP GMT
    reader r{text};
    if (r.one_of(short_days, wd) && r.literal(", ") && r.digits(2, d) && r.literal(" ") && r.one_of(month_names, mon) &&
        r.literal(" ") && r.digits(4, y) && r.literal(" ") && r.time_of_day(h, m, s) && r.literal(" GMT") &&
        r.rest.empty()) {
      return make(y, mon, d, h, m, s);
    }
  }
  {  // rfc850-date: day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day SP GMT
    reader r{text};
    if (r.one_of(long_days, wd) && r.literal(", ") && r.digits(2, d) && r.literal("-") && r.one_of(month_names, mon) &&
        r.literal("-") && r.digits(2, y) && r.literal(" ") && r.time_of_day(h, m, s) && r.literal(" GMT") &&
        r.rest.empty()) {
      // RFC 9110 5.6.7: a two-digit year more than 50 years in the future is the most recent past one.
      int const this_year = static_cast<int>(year_month_day(floor<days>(now)).year());
      int full = this_year - this_year % 100 + y;
      if (full > this_year + 50) full -= 100;
      return make(full, mon, d, h, m, s);
    }
  }
  {  // asctime-date: day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year
    reader r{text};
    if (r.one_of(short_days, wd) && r.literal(" ") && r.one_of(month_names, mon) && r.literal(" ") &&
        (r.literal(" ") ? r.digits(1, d) : r.digits(2, d)) && r.literal(" ") && r.time_of_day(h, m, s) &&
        r.literal(" ") && r.digits(4, y) && r.rest.empty()) {
      return make(y, mon, d, h, m, s);
    }
  }
  return std::nullopt;
}

}  // namespace candar::detail
