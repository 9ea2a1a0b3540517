#include "html_bounds.hpp"

#include <gtest/gtest.h>

#include <string>

namespace candar::detail {
namespace {

std::string bounded(std::string const& html, html_bounds const& b) {
  auto const out = bound_html(html, b);
  return std::string(out.text(html));
}

TEST(bound_html, an_honest_page_is_parsed_as_it_is) {
  std::string const page =
      "<!doctype html><html><head><title>t</title></head><body><ul><li>a<li>b</ul>"
      "<p>x<p>y<table><tr><td>1<td>2</table><img src=a.png><br></body></html>";
  auto const out = bound_html(page, {.max_depth = 3});
  EXPECT_FALSE(out.flattened);
  EXPECT_FALSE(out.cut);
  EXPECT_EQ(out.text(page), page);
}

// Chromium's parser puts elements past its depth cap beside their parent: kept, empty, their contents after them.
TEST(bound_html, elements_deeper_than_the_cap_are_closed_at_once_and_their_end_tags_dropped) {
  auto const out = bound_html("<div><div><div id=x>x</div></div></div>", {.max_depth = 2});
  EXPECT_TRUE(out.flattened);
  EXPECT_EQ(out.text({}), "<div><div><div id=x></div>x</div></div>");
  EXPECT_EQ(bounded("<b><i><u><s>t</s></u></i></b>", {.max_depth = 2}), "<b><i><u></u><s></s>t</i></b>");
}

TEST(bound_html, raw_text_comments_and_quoted_values_are_not_tags) {
  std::string const page =
      "<div><script>if (a<b) document.write('<div><div><div>')</script><!-- <div><div><div> -->"
      "<textarea><div><div></textarea><span title=\"a><div><div>\"></span><![CDATA[<div>]]></div>";
  EXPECT_EQ(bounded(page, {.max_depth = 2}), page);
}

TEST(bound_html, self_closing_tags_close_only_in_svg_and_mathml) {
  std::string const svg = "<svg><path/><path/><path/><g/></svg><div></div>";
  EXPECT_EQ(bounded(svg, {.max_depth = 1}), svg);
  // In HTML, "/>" is ignored: <div/> opens a <div>.
  EXPECT_EQ(bounded("<div/><div/>t", {.max_depth = 1}), "<div/><div/></div>t");
}

TEST(bound_html, the_page_is_cut_before_the_element_past_the_cap_and_at_the_byte_cap) {
  auto const by_count = bound_html("<a>1</a><b>2</b><i>3</i>", {.max_elements = 2});
  EXPECT_TRUE(by_count.cut);
  EXPECT_EQ(by_count.text("<a>1</a><b>2</b><i>3</i>"), "<a>1</a><b>2</b>");
  auto const by_bytes = bound_html("<p>0123456789", {.max_bytes = 5});
  EXPECT_TRUE(by_bytes.cut);
  EXPECT_EQ(by_bytes.text("<p>0123456789"), "<p>01");
}

// gumbo checks each attribute against the tag's others: a tag with 100,000 is cut, with what follows it.
TEST(bound_html, a_tag_with_too_many_attributes_is_cut) {
  std::string page = "<p>kept</p><div";
  for (int i = 0; i < 2000; ++i) page += " a" + std::to_string(i) + "='>'";
  page += ">gone</div>";
  auto const out = bound_html(page, {.max_attributes = 1000});
  EXPECT_TRUE(out.cut);
  EXPECT_EQ(out.text(page), "<p>kept</p>");
}

TEST(bound_html, a_page_nested_100000_deep_is_bounded_in_one_pass) {
  std::string page;
  for (int i = 0; i < 100'000; ++i) page += "<div>";
  page += "deep";
  for (int i = 0; i < 100'000; ++i) page += "</div>";
  auto const out = bound_html(page);
  ASSERT_TRUE(out.flattened);
  // 512 levels open, the rest open and closed at once, 512 end tags kept.
  std::string const text(out.text(page));
  EXPECT_EQ(text.find("<div></div><div></div>"), 512 * 5);
  EXPECT_EQ(text.size(), page.size());  // as many end tags added as dropped
}

std::string repeated(std::string const& piece, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}

// What a parser keeps open, not what the tags count: each of these nests 1,000 deep in gumbo, so each is flattened.
TEST(bound_html, tags_that_close_nothing_in_a_parser_do_not_lower_the_depth) {
  html_bounds const b{.max_depth = 64};
  for (auto const& page : {
           repeated("<div></span>", 1000),                         // an end tag stops at a special element
           repeated("<div></ </span>", 1000),                      // "</ ...>" is a comment
           "<noscript>" + repeated("<div>", 1000),                 // markup, with scripting off as in gumbo
           repeated("<div><title></titlex></div></title>", 1000),  // </titlex> does not end a <title>
           "<!-- --!>" + repeated("<div>", 1000),                  // "--!>" ends a comment
           "<svg>" + repeated("<tr>", 1000),                       // in SVG, <tr> is an SVG element
           "<svg>" + repeated("<div/>", 1000),                     // <div> leaves SVG: "/>" is ignored
           "<svg>" + repeated("<g a=b/>", 1000),                   // the value is "b/": not self-closing
           repeated("<div><script><!--<script></script></div>--></script>", 1000),  // </div> is script text
       }) {
    auto const out = bound_html(page, b);
    EXPECT_TRUE(out.flattened) << page.substr(0, 60);
  }
}

TEST(bound_html, sloppy_but_honest_markup_is_not_flattened) {
  html_bounds const b{.max_depth = 64};
  for (auto const& page : {
           repeated("<div><span></div>", 1000),      // </div> closes the <span> left open
           repeated("<svg/><svg><g/></svg>", 1000),  // self-closed icons
           repeated("<ul><li><a>x</li></ul>", 1000),
       }) {
    auto const out = bound_html(page, b);
    EXPECT_FALSE(out.flattened) << page.substr(0, 60);
  }
}

// gumbo compares each attribute with the tag's others: many tags of many attributes are cut too.
TEST(bound_html, the_attribute_work_of_a_page_is_bounded) {
  std::string tag = "<p";
  for (int i = 0; i < 500; ++i) tag += " a" + std::to_string(i);
  tag += ">";
  auto const page = repeated(tag, 200);  // 250,000 comparisons a tag
  auto const out = bound_html(page);
  EXPECT_TRUE(out.cut);
  EXPECT_EQ(out.text(page).size(), tag.size() * 80);  // 80 tags make 20 million
}

// The tree builder clones the formatting elements an enclosing end tag left active into what follows: 400
// <b>s closed by one </p>, then "<p>x</p>" again and again, is 400 elements a paragraph (7 GB for 324 KB of
// page before they were counted). The page is cut where those clones pass the element cap.
TEST(bound_html, formatting_elements_left_active_count_with_every_tag_after_them) {
  std::string bombs = "<!doctype html><body><p>";
  for (int i = 0; i < 400; ++i) bombs += "<b id=b" + std::to_string(i) + ">";
  bombs += "</p>";
  auto const page = bombs + repeated("<p>x</p>", 40'000);
  auto const out = bound_html(page);
  EXPECT_TRUE(out.cut);
  auto const kept_paragraphs = (out.text(page).size() - bombs.size()) / std::string("<p>x</p>").size();
  // Each <p> counts with its 400 clones (and each <b> with those before it): a few hundred paragraphs fit.
  EXPECT_GT(kept_paragraphs, 100U);
  EXPECT_LT(kept_paragraphs, 500U);
  // Closing them takes them off the list: the same page with its </b>s is whole.
  std::string closed = bombs;
  for (int i = 0; i < 400; ++i) closed += "</b>";
  closed += repeated("<p>x</p>", 40'000);
  EXPECT_FALSE(bound_html(closed).cut);
  // A sloppy honest page (one <b> left open in a paragraph) keeps its 10,000 paragraphs.
  auto const sloppy = "<p><b>bold</p>" + repeated("<p>x</p>", 10'000);
  EXPECT_FALSE(bound_html(sloppy).cut);
}

// The clones copy their attributes: 100 <b>s of 100 KB left active by one </div> made every "<p>x</p>" after
// them 10 MB (1,900 paragraphs: 19 GB) within the element cap. Their bytes count against the page's byte cap.
TEST(bound_html, the_bytes_a_reconstruction_copies_are_bounded) {
  std::string const value(100 * 1024, 'v');
  std::string bombs = "<!doctype html><body><div>";
  for (int i = 0; i < 100; ++i) bombs += "<b data-v" + std::to_string(i) + "=\"" + value + "\">";
  bombs += "</div>";
  auto const page = bombs + repeated("<p>x</p>", 1'900);
  auto const out = bound_html(page);
  EXPECT_TRUE(out.cut);
  EXPECT_LE(out.text(page).size(), bombs.size() + 7 * 8);  // 64 MiB of copies: 10 MB a tag, 7 paragraphs at most
  // Ended, they copy nothing: ten of them, closed, leave the page whole.
  std::string closed = "<!doctype html><body><div>";
  for (int i = 0; i < 10; ++i) closed += "<b data-v" + std::to_string(i) + "=\"" + value + "\">";
  closed += "</div>";
  for (int i = 0; i < 10; ++i) closed += "</b>";
  closed += repeated("<p>x</p>", 1'900);
  EXPECT_FALSE(bound_html(closed).cut);
  // Left in a paragraph, they are dormant once it ends, by its end tag or by the next block.
  for (std::string const end : {"</p>", "<div>x</div>", "<p>"}) {
    std::string in_paragraph = "<!doctype html><body><p>";
    for (int i = 0; i < 100; ++i) in_paragraph += "<b data-v" + std::to_string(i) + "=\"" + value + "\">";
    in_paragraph += end + repeated("<p>x</p>", 1'900);
    EXPECT_TRUE(bound_html(in_paragraph).cut) << end;
  }
}

// What a reviewer found the tree builder copies where a model of open and dormant elements did not see it:
// each is cut. (<button> closes the one before it; the adoption agency gives up after 8 special elements;
// a foreignObject's HTML content; the entry it keeps is then cloned into each paragraph.)
TEST(bound_html, what_the_tree_builder_may_copy_is_bounded_whatever_closes_it) {
  std::string const value(26 * 1024, 'v');
  std::string buttons = "<!doctype html><body>";
  for (int i = 0; i < 600; ++i) buttons += "<button><b id=k" + std::to_string(i) + " title=\"" + value + "\">";
  EXPECT_TRUE(bound_html(buttons).cut);
  std::string agency = "<!doctype html><body><i title=\"" + std::string(50 * 1024, 'v') + "\">" + repeated("<div>", 9) +
                       "</i>" + repeated("</div>", 9) + repeated("<p>x</p>", 190'000);
  EXPECT_TRUE(bound_html(agency).cut);
  std::string foreign = "<!doctype html><body>";
  for (int i = 0; i < 600; ++i) {
    foreign +=
        "<svg><foreignObject><b id=f" + std::to_string(i) + " title=\"" + value + "\"></foreignObject></svg><p>x</p>";
  }
  EXPECT_TRUE(bound_html(foreign).cut);
}

// An honest page: links around cards, each closed, nest nothing and copy little; a 4 KB link around 2,000 tags
// is whole.
TEST(bound_html, honest_links_around_cards_are_whole_and_keep_their_depth) {
  auto const cards = "<!doctype html><body><div id=list>" +
                     repeated("<a href=/item><p>card</p><span>x</span></a>", 2'000) + "</div><p id=after>after</p>";
  auto const out = bound_html(cards);
  EXPECT_FALSE(out.cut);
  EXPECT_FALSE(out.flattened);
  std::string const link = "<a href=\"data:text/plain;base64," + std::string(4 * 1024, 'A') + "\">";
  auto const page = "<!doctype html><body><div>" + link + "<div>" + repeated("<span>x</span>", 2'000) + "</div></a>" +
                    repeated("<p>y</p>", 1'000) + "</div>";
  EXPECT_FALSE(bound_html(page).cut);
  auto const svg = "<svg>" + repeated("<a><rect/></a>", 10'000) + "</svg>" + repeated("<div>z</div>", 10);
  auto const in_svg = bound_html(svg);
  EXPECT_FALSE(in_svg.cut);
  EXPECT_FALSE(in_svg.flattened);
}

}  // namespace
}  // namespace candar::detail
