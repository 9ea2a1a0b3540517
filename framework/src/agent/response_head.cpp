// The response parser's header block: the status line and the fields, read in one pass from the caller's
// buffer when the block came whole (quick_header), else from a copy (feed_header). What the fields say about
// the framing is noted for the body (response_parser.cpp).
#include <algorithm>
#include <cstring>

#include "response_parser.hpp"
#include "text.hpp"

namespace candar::detail {

namespace {

constexpr auto npos = std::string_view::npos;

// Where the header block ends (just past its blank line), searching for line ends from `from`; npos when the
// blank line has not come yet. A line ends with CRLF or a bare LF.
std::size_t header_end(std::string_view s, std::size_t from) {
  while (from < s.size()) {
    auto const* p = static_cast<char const*>(std::memchr(s.data() + from, '\n', s.size() - from));
    if (p == nullptr) return npos;
    auto const i = static_cast<std::size_t>(p - s.data());
    if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
    if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
    from = i + 1;
  }
  return npos;
}

// Each comma-separated element of a header value, trimmed; `each` returns false to stop.
template <class F>
void for_each_element(std::string_view value, F each) {
  while (!value.empty()) {
    auto const comma = value.find(',');
    auto const element = trim_ows(value.substr(0, comma));
    if (!element.empty() && !each(element)) return;
    if (comma == npos) return;
    value.remove_prefix(comma + 1);
  }
}

// An ordinary field line from `p` to `line_end` (its LF): a token name, a colon, a value of allowed characters
// (optional whitespace around it dropped). False for anything else (a folded or malformed line), which the
// careful path (add_field) reads and explains. Both paths read the lines of every response with it.
bool ordinary_field(char const* p, char const* line_end, std::string_view& name, std::string_view& value) {
  char const* colon = p;
  // Four at a time while four more bytes are surely in the line; the scan stops at the line end at the latest
  // (CR and LF are no token characters).
  while (line_end - colon >= 4 && is_token_char(colon[0]) && is_token_char(colon[1]) && is_token_char(colon[2]) &&
         is_token_char(colon[3])) {
    colon += 4;
  }
  while (is_token_char(*colon)) ++colon;
  if (colon == p || *colon != ':') return false;
  char const* first = colon + 1;
  char const* last = line_end;
  if (last > first && last[-1] == '\r') --last;
  while (first < last && (*first == ' ' || *first == '\t')) ++first;
  while (last > first && (last[-1] == ' ' || last[-1] == '\t')) --last;
  name = std::string_view(p, static_cast<std::size_t>(colon - p));
  value = std::string_view(first, static_cast<std::size_t>(last - first));
  return all_value_chars(value);
}

}  // namespace

// The usual case, taken first: the whole header block came in `in` and every line in it is an ordinary one.
// The block is then read in one pass straight from the caller's buffer and only it is copied, where the careful
// path below first looks for the block's end and then reads a copy of it. Returns the block's size, or npos
// when that does not hold (the block is cut, or a line needs the careful path, malformed ones included), with
// nothing done that the careful path does not redo.
std::size_t response_parser::quick_header(std::string_view in) {
  char const* const base = in.data();
  char const* const end = base + in.size();
  auto const* const status_end = static_cast<char const*>(std::memchr(base, '\n', in.size()));
  if (status_end == nullptr) return npos;
  std::string_view status(base, static_cast<std::size_t>(status_end - base));
  if (!status.empty() && status.back() == '\r') status.remove_suffix(1);
  // Leaves nothing half done: no failure recorded, no field pointing into `in`.
  auto const undo = [this] {
    state_ = state::header;
    failure_ = failure::none;
    message_.clear();
    to_.headers.entries_.clear();
    return npos;
  };
  if (!parse_status_line(status)) return undo();
  to_.headers.entries_.clear();
  to_.headers.entries_.reserve(16);
  reset_framing();
  char const* p = status_end + 1;
  for (;;) {
    if (p >= end) return undo();
    if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {  // the blank line
      p += *p == '\n' ? 1 : 2;
      break;
    }
    auto const* const line_end = static_cast<char const*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (line_end == nullptr) return undo();
    std::string_view name;
    std::string_view text;
    if (!ordinary_field(p, line_end, name, text) || to_.headers.size() >= limits_.max_header_count) return undo();
    to_.headers.add_in(base, name, text);
    if (!note_field(name, text)) return undo();
    p = line_end + 1;
  }
  auto const size = static_cast<std::size_t>(p - base);
  if (size > limits_.max_header_bytes) return undo();
  to_.headers.keep(in.substr(0, size));
  return size;
}

std::size_t response_parser::feed_header(std::string_view in) {
  std::size_t const old = pending_.size();
  if (old == 0) {
    if (auto const size = quick_header(in); size != npos) {
      after_header();
      return size;
    }
  }
  std::string_view data = in;
  std::size_t from = 0;
  if (old > 0) {
    // Copy no more than can still fit under the limit, plus a byte to tell "over" from "just fits".
    std::size_t const room = limits_.max_header_bytes + 1 > old ? limits_.max_header_bytes + 1 - old : 0;
    pending_.append(in.substr(0, room));
    data = pending_;
    from = old >= 2 ? old - 2 : 0;  // a blank line may have begun in the last two bytes already held
  }
  auto const end = header_end(data, from);
  if (end == npos || end > limits_.max_header_bytes) {
    if (end != npos || data.size() > limits_.max_header_bytes) {
      fail(failure::header_too_large,
           "response header over the limit of " + std::to_string(limits_.max_header_bytes) + " bytes");
    } else if (old == 0) {
      pending_.assign(in);
    }
    return in.size();
  }
  bool const ok = parse_header_block(data.substr(0, end));
  pending_.clear();  // `data` may point into it: only now
  if (!ok) return in.size();
  after_header();
  return end - old;
}

bool response_parser::parse_header_block(std::string_view received) {
  // The fields point into the response's own copy of the block: one copy, not one per name and value.
  to_.headers.entries_.reserve(16);  // one allocation for a usual response, not one per doubling
  auto const block_size = to_.headers.hold(received).size();
  reset_framing();

  char const* base = to_.headers.text_.data();
  auto const* nl = static_cast<char const*>(std::memchr(base, '\n', block_size));  // the block ends with a blank line
  std::string_view status(base, static_cast<std::size_t>(nl - base));
  if (!status.empty() && status.back() == '\r') status.remove_suffix(1);
  if (!parse_status_line(status)) return false;

  // The careful path: a block cut between reads, or one with a line quick_header does not take as it is (a
  // folded line, anything malformed), which goes to add_field to be handled or explained.
  bool folded = false;
  std::size_t pos = static_cast<std::size_t>(nl - base) + 1;
  for (;;) {
    base = to_.headers.text_.data();  // again each time: unfolding a line may move the text
    char const* const p = base + pos;
    char const* const end = base + block_size;
    if (*p == '\n' || (*p == '\r' && p[1] == '\n')) break;  // the blank line (the block ends with it)
    auto const* const line_end = static_cast<char const*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    pos = static_cast<std::size_t>(line_end - base) + 1;
    std::string_view name;
    std::string_view text;
    if (ordinary_field(p, line_end, name, text) && to_.headers.size() < limits_.max_header_count) {
      to_.headers.add_held(name, text);
      if (!note_field(name, text)) return false;
      continue;
    }
    std::string_view line(p, static_cast<std::size_t>(line_end - p));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    folded = folded || line.front() == ' ' || line.front() == '\t';
    std::size_t const before = to_.headers.size();
    if (!add_field(line)) return false;
    if (to_.headers.size() > before) {
      auto const [added_name, added_text] = to_.headers[before];
      if (!note_field(added_name, added_text)) return false;
    }
  }
  if (folded) {
    // A folded value was read in pieces: what the fields say is read again from the whole values.
    reset_framing();
    for (auto const& [name, text] : to_.headers) {
      if (!note_field(name, text)) return false;
    }
  }
  return true;
}

bool response_parser::note_field(std::string_view name, std::string_view value) {
  switch (name.size()) {
    case 10:
      if (token_iequals(name, "set-cookie")) {
        has_set_cookie_ = true;
      } else if (token_iequals(name, "connection")) {
        for_each_element(value, [this](std::string_view option) {
          if (ascii_iequal(option, "close")) connection_close_ = true;
          if (ascii_iequal(option, "keep-alive")) connection_keep_alive_ = true;
          return true;
        });
      }
      return true;
    case 14: {
      if (!token_iequals(name, "content-length")) return true;
      if (value.empty() || value.size() > 18 || !std::all_of(value.begin(), value.end(), is_ascii_digit)) {
        fail(failure::malformed, "bad Content-Length " + quoted_line(value));
        return false;
      }
      std::uint64_t n = 0;
      for (char c : value) n = n * 10 + static_cast<std::uint64_t>(c - '0');
      if (has_length_ && n != length_) {
        fail(failure::malformed, "two different Content-Length headers");
        return false;
      }
      has_length_ = true;
      length_ = n;
      return true;
    }
    case 16:
      if (token_iequals(name, "content-encoding")) has_content_encoding_ = true;
      return true;
    case 17:
      if (token_iequals(name, "transfer-encoding")) {
        has_transfer_encoding_ = true;
        chunked_ = false;
        for_each_element(value, [this](std::string_view coding) {
          chunked_ = ascii_iequal(coding, "chunked");  // only the last coding counts
          return true;
        });
      }
      return true;
    default:
      return true;
  }
}

}  // namespace candar::detail
