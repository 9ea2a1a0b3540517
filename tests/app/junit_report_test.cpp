// The JUnit XML of a result whose text came from a hostile webapp: escaped, and what XML 1.0 cannot hold
// dropped, so that a CI's parser reads the file.
#include "junit_report.hpp"

#include <gtest/gtest.h>

namespace candar::detail {
namespace {

TEST(junit_xml, hostile_text_is_escaped_and_what_xml_cannot_hold_is_dropped) {
  nlohmann::json const result = {{"contest", "a<b>&\"c'"},
                                 {"pass", false},
                                 {"verdict", "fail"},
                                 {"reasons", {"GET /: <script>&\"'\x01\x1f\x7f caf\xc3\xa9"}},
                                 {"errors", {{"critical_by_code", nlohmann::json::object()}}}};
  auto const xml = junit_xml(result);
  EXPECT_NE(xml.find(R"(name="a&lt;b&gt;&amp;&quot;c&apos;")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("GET /: &lt;script&gt;&amp;&quot;&apos;\x7f caf\xc3\xa9"), std::string::npos) << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\x1f'), std::string::npos);
  EXPECT_NE(xml.find(R"(tests="2" failures="1" errors="0" skipped="0")"), std::string::npos) << xml;
}

TEST(junit_xml, an_internal_error_is_an_error_not_a_failure) {
  auto const xml =
      junit_xml({{"contest", "x"}, {"pass", false}, {"verdict", "internal-error"}, {"internal_error", "boom"}});
  EXPECT_NE(xml.find(R"(<error message="boom" type="error">boom</error>)"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(errors="1")"), std::string::npos) << xml;
}

}  // namespace
}  // namespace candar::detail
