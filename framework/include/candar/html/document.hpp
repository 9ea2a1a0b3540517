#pragma once
// An HTML page parsed once (gumbo: the HTML5 parsing algorithm, with a browser's error recovery) and queried
// with CSS selectors, as goquery does for Go benchmarkers:
//
//   auto page = html::document::of(*res);
//   auto token = page.first("input[name=csrf_token]");
//   if (!token) ... ;                                   // the page lacks what a browser needs
//   std::string csrf(token->attr("value").value_or(""));
//   for (auto const& post : page.select("#timeline > .post")) post.text();
//
// Selectors: type and `*`, `#id`, `.class`, `[attr]`, `[attr=v]`, `~=`, `|=`, `^=`, `$=`, `*=` (quoted or bare
// values), `:first-child`, `:last-child`, `:not(compound)`; combinators descendant (space), child `>`, adjacent
// `+`, sibling `~`; lists with `,`. Anything else throws html::selector_error naming the selector: it is a bug
// in the benchmarker, not something the webapp did. Names of elements and attributes match case-insensitively,
// ids, classes and values exactly.
//
// Elements are handles: they keep the parsed page alive, and string_views they return stay valid while the
// document or any of its elements lives.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace candar {
struct response;
}

namespace candar::html {

struct selector_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

namespace detail {
struct parsed_page;
}
struct detail_access;

class element {
 public:
  // The element's name in lowercase ("input", "form", or a custom element's name).
  [[nodiscard]] std::string tag() const;
  [[nodiscard]] std::optional<std::string_view> attr(std::string_view name) const;
  [[nodiscard]] bool has_attr(std::string_view name) const { return attr(name).has_value(); }
  [[nodiscard]] std::string_view id() const { return attr("id").value_or(std::string_view()); }
  // The text of every text node inside, in document order (as textContent).
  [[nodiscard]] std::string text() const;
  // The text as a number, ASCII whitespace around it ignored: "  42\n" is 42; nothing when it is anything else
  // ("42 likes", "1,024", "", a value that does not fit). A number: decimal, optionally signed, with a fraction
  // or exponent ("-3.5", "1e3"), finite.
  [[nodiscard]] std::optional<std::int64_t> text_as_integer() const;
  [[nodiscard]] std::optional<double> text_as_number() const;
  // Descendants matching `selector`, in document order.
  [[nodiscard]] std::vector<element> select(std::string_view selector) const;
  [[nodiscard]] std::optional<element> first(std::string_view selector) const;
  [[nodiscard]] std::vector<element> children() const;
  [[nodiscard]] std::optional<element> parent() const;
  // Whether this element matches `selector`.
  [[nodiscard]] bool is(std::string_view selector) const;

  // What relative references resolve against: the document's URL with its <base href> applied.
  [[nodiscard]] std::string const& base_url() const;
  // The URL the document came from.
  [[nodiscard]] std::string const& document_url() const;
  // An attribute holding a URL, resolved against the document's base as a browser does (escapes kept, the
  // rest percent-encoded as Chromium does, no fragment); "" when absent, unparsable or not http(s).
  [[nodiscard]] std::string url_attr(std::string_view name) const;

  [[nodiscard]] void const* node() const noexcept { return node_; }  // identity, for comparing handles
  friend bool operator==(element const& a, element const& b) noexcept { return a.node_ == b.node_; }

 private:
  friend class document;
  friend struct detail_access;
  element(std::shared_ptr<detail::parsed_page const> page, void const* node) : page_(std::move(page)), node_(node) {}
  std::shared_ptr<detail::parsed_page const> page_;
  void const* node_;
};

class document {
 public:
  // `url`: where the page came from; with the page's <base href> it is what links and forms resolve against.
  explicit document(std::string_view html, std::string_view url = {});
  // A response's body, at the response's URL.
  [[nodiscard]] static document of(response const& r);

  [[nodiscard]] std::vector<element> select(std::string_view selector) const;
  [[nodiscard]] std::optional<element> first(std::string_view selector) const;
  [[nodiscard]] element root() const;  // <html>
  // <title>'s text, whitespace collapsed as a browser shows it.
  [[nodiscard]] std::string title() const;
  [[nodiscard]] std::string const& base_url() const;
  [[nodiscard]] std::string const& url() const;
  // The page passed the parser's bounds (16 MiB, 200,000 elements, a tag of 1,000 attributes, 64 MiB of what its
  // unclosed formatting elements could make the parser copy) and holds only what came before: say so when
  // something is missing.
  [[nodiscard]] bool cut() const;

 private:
  std::shared_ptr<detail::parsed_page const> page_;
};

}  // namespace candar::html
