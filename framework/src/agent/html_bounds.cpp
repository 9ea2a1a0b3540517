#include "html_bounds.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "formatting_list.hpp"
#include "html_tags.hpp"

namespace candar::detail {

namespace {

using namespace markup;

// Follows the elements a parser keeps open, as far as tags alone tell: `open_` is at most max_depth long; a
// start tag past it is closed at once (its name counted in `excess_`, so that its end tag is dropped).
class bounder {
 public:
  bounder(std::string_view html, html_bounds const& b)
      : html_(html.substr(0, std::min(html.size(), b.max_bytes))), b_(b) {
    out_.cut = html_.size() < html.size();
  }

  bounded_html run() {
    std::size_t i = 0;
    while ((i = html_.find('<', i)) != std::string_view::npos) {
      if (html_.compare(i, 4, "<!--") == 0) {
        i = comment_end(i);
      } else if (i + 1 < html_.size() && (html_[i + 1] == '!' || html_[i + 1] == '?')) {
        i = bogus_comment_end(i);
      } else if (i + 1 < html_.size() && html_[i + 1] == '/') {
        if (i + 2 < html_.size() && is_alpha(html_[i + 2])) {
          i = end_tag(i);
        } else {
          i = i + 2 < html_.size() && html_[i + 2] == '>' ? i + 3 : bogus_comment_end(i);  // "</>", "</ ..."
        }
      } else if (i + 1 < html_.size() && is_alpha(html_[i + 1])) {
        if (!start_tag(i, i)) break;
      } else {
        ++i;
      }
    }
    if (out_.flattened) {
      out_.rewritten.append(html_.substr(copied_));
    } else {
      out_.size = html_.size();
    }
    return std::move(out_);
  }

 private:
  struct open_element {
    std::string name;
    bool foreign;  // inside <svg> or <math>
  };

  // A comment ends at "-->" or "--!>" ("<!-->" and "<!--->" at once).
  std::size_t comment_end(std::size_t at) const {
    auto const a = html_.find("-->", at + 2);
    auto const b = html_.find("--!>", at + 2);
    if (a == std::string_view::npos && b == std::string_view::npos) return html_.size();
    return a < b ? a + 3 : b + 4;
  }

  std::size_t bogus_comment_end(std::size_t at) const {
    auto const close = html_.find('>', at + 1);
    return close == std::string_view::npos ? html_.size() : close + 1;
  }

  bool in_foreign() const { return !open_.empty() && open_.back().foreign; }

  // Returns false when the page is cut before this tag.
  bool start_tag(std::size_t at, std::size_t& next) {
    tag const t = read_tag(html_, at + 1);
    attribute_work_ += t.attributes * t.attributes;  // gumbo checks each attribute against the tag's others
    // Each element may come with clones of the formatting elements still active (started, not ended: an
    // enclosing end tag closes them but leaves them active): 400 <b>s closed by one </p>, then 40,000
    // "<p>x</p>" (324 KB), make 16 million elements (7 GB, a minute) without this count.
    // A clone copies its attributes: 100 <b>s of 100 KB each, closed by a </div>, make 10 MB a paragraph
    // (19 GB for a 10 MB page) within the element cap. What they could copy counts against max_clone_bytes.
    elements_ += formatting_.count();
    clone_bytes_ += formatting_.bytes();
    if (++elements_ > b_.max_elements || t.attributes > b_.max_attributes || attribute_work_ > max_attribute_work ||
        clone_bytes_ > max_clone_bytes) {
      out_.cut = true;
      html_ = html_.substr(0, at);
      return false;
    }
    next = t.end;
    if (in_foreign() && breaks_out_of_foreign(t.name)) {
      while (in_foreign()) open_.pop_back();
    }
    bool const foreign = in_foreign() || t.name == "svg" || t.name == "math";
    if (foreign) {
      if (t.self_closing) return true;  // "/>" closes an SVG or MathML element
    } else {
      if (t.name == "plaintext") {
        next = html_.size();  // the rest of the page is its text
        return true;
      }
      if (t.name == "script" || is_raw_text(t.name)) {
        auto const close = t.name == "script" ? script_end(html_, t.end) : find_end_tag(html_, t.end, t.name);
        next = close == std::string_view::npos ? html_.size() : close + 2;  // past "</": its end tag is skipped
        return true;
      }
      if (is_void(t.name) || is_closed_by_siblings(t.name)) return true;
    }
    if (open_.size() < b_.max_depth) {
      open_.push_back({t.name, foreign});
      if (auto const f = formatting_list::index_of(t.name); !foreign && f < formatting_list::names) {
        formatting_.started(f, t.end - at);
        ++open_formatting_[f];
      }
      return true;
    }
    // Kept empty, beside its parent: closed at once; its end tag, when it comes, is dropped.
    ++excess_[t.name];
    ++excess_total_;
    copy_to(t.end);
    out_.rewritten.append("</").append(t.written).append(">");
    return true;
  }

  std::size_t end_tag(std::size_t at) {
    tag const t = read_tag(html_, at + 2);
    if (excess_total_ > 0) {
      if (auto e = excess_.find(t.name); e != excess_.end()) {
        copy_to(at);
        copied_ = t.end;  // the end tag of an element closed at once: dropped
        if (--e->second == 0) excess_.erase(e);
        --excess_total_;
        return t.end;
      }
    }
    // As the tree builder closes: down to the element of that name, unless something it does not close past
    // comes first; nothing when there is none.
    bool const special = is_special(t.name);
    auto const f = in_foreign() ? formatting_list::names : formatting_list::index_of(t.name);
    if (f < formatting_list::names) {
      auto const above = special_above(f, t.name);
      if (above > 0) {
        // Misnested (a block inside it): the adoption agency clones what it reparents, counted as a start
        // tag's reconstruction is.
        elements_ += formatting_.count();
        clone_bytes_ += formatting_.bytes();
      }
      if (!adoption_agency_keeps(above)) formatting_.ended(f);
    }
    for (auto k = open_.size(); k > 0; --k) {
      auto const& e = open_[k - 1];
      if (e.name == t.name) {
        pop_to(k - 1);
        excess_.clear();  // what was opened past the cap was inside it
        excess_total_ = 0;
        break;
      }
      if (e.foreign && !special) continue;
      if (special ? is_scope_marker(e.name) : is_special(e.name)) break;
    }
    return t.end;
  }

  // The special elements open above the latest open element of that name, counted up to 8; none when no
  // element of that name is open (the adoption agency then only takes it off the list).
  std::size_t special_above(std::size_t formatting, std::string_view name) const {
    if (open_formatting_[formatting] == 0) return 0;
    std::size_t n = 0;
    for (auto k = open_.size(); k > 0 && open_[k - 1].name != name && !adoption_agency_keeps(n); --k) {
      n += is_special(open_[k - 1].name) ? 1 : 0;
    }
    return n;
  }

  void pop_to(std::size_t size) {
    for (auto k = size; k < open_.size(); ++k) {
      if (auto const f = formatting_list::index_of(open_[k].name); !open_[k].foreign && f < formatting_list::names) {
        --open_formatting_[f];
      }
    }
    open_.resize(size);
  }

  void copy_to(std::size_t at) {
    out_.flattened = true;
    out_.rewritten.append(html_.substr(copied_, at - copied_));
    copied_ = at;
  }

  // What clones of formatting elements may copy, at most: four pages' worth. Counted as if every entry were
  // cloned at every tag, an honest page stays far below (a 100 KB link around 600 tags would reach it).
  static constexpr std::size_t max_clone_bytes = 64 * 1024 * 1024;
  // About 20 million attribute comparisons in gumbo: 4,000 tags of 70 attributes, or 20 of 1,000.
  static constexpr std::size_t max_attribute_work = 20'000'000;

  std::string_view html_;
  html_bounds const& b_;
  bounded_html out_;
  std::size_t copied_ = 0;  // html_ up to here is in out_.rewritten (once flattened)
  std::vector<open_element> open_;
  std::map<std::string, std::size_t> excess_;  // names closed at once, whose end tags are still to come
  std::size_t excess_total_ = 0;
  std::size_t elements_ = 0;
  formatting_list formatting_;
  std::array<std::size_t, formatting_list::names> open_formatting_{};  // of each name, how many are on open_
  std::size_t clone_bytes_ = 0;
  std::size_t attribute_work_ = 0;
};

}  // namespace

bounded_html bound_html(std::string_view html, html_bounds const& bounds) { return bounder(html, bounds).run(); }

}  // namespace candar::detail
