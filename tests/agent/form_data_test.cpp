#include "candar/agent/form_data.hpp"

#include <gtest/gtest.h>

#include "candar/agent/agent.hpp"
#include "support/http_server.hpp"
#include "support/multipart.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using test::http_server;
using test::reply;
using test::seen_request;

TEST(form_data, urlencodes_as_the_whatwg_serializer) {
  form_data f;
  f.add("name", "a b&c=d").add("x", "\xC3\xA9").add("keep", "*-._~!'()").add("empty", "");
  auto const body = f.urlencoded();
  EXPECT_EQ(body.content_type, "application/x-www-form-urlencoded");
  // Only alphanumerics and *-._ stay; '~' and the rest are escaped in uppercase hex; space is '+'.
  EXPECT_EQ(body.content, "name=a+b%26c%3Dd&x=%C3%A9&keep=*-._%7E%21%27%28%29&empty=");
  EXPECT_EQ(form_urlencode("1+1 = 2"), "1%2B1+%3D+2");
}

TEST(form_data, set_get_and_remove_keep_order_and_repeats) {
  form_data f;
  f.add("a", "1").add("b", "2").add("a", "3");
  EXPECT_EQ(f.get("a"), "1");
  f.set("a", "9").set("c", "4");
  EXPECT_EQ(f.urlencoded().content, "a=9&b=2&a=3&c=4");
  f.remove("a");
  EXPECT_EQ(f.urlencoded().content, "b=2&c=4");
  EXPECT_FALSE(f.get("a").has_value());
}

TEST(form_data, multipart_writes_parts_as_a_browser_and_a_boundary_absent_from_the_content) {
  form_data f;
  f.add("title", "say \"hi\"\r\n").add_file("image", "a\"b.png", "image/png", "PNG");
  auto const body = f.multipart();
  std::string const prefix = "multipart/form-data; boundary=";
  ASSERT_EQ(body.content_type.rfind(prefix, 0), 0U);
  auto const boundary = body.content_type.substr(prefix.size());
  EXPECT_EQ(body.content, "--" + boundary +
                              "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nsay \"hi\"\r\n\r\n" + "--" +
                              boundary +
                              "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a%22b.png\"\r\n"
                              "Content-Type: image/png\r\n\r\nPNG\r\n--" +
                              boundary + "--\r\n");
  // A value that contains the boundary the default seed draws gets another one.
  form_data tricky;
  tricky.add("x", "--" + boundary + "--");
  EXPECT_EQ(tricky.multipart().content_type.find(boundary), std::string::npos);
}

TEST(form_data, a_multipart_upload_arrives_byte_for_byte) {
  std::string image;  // every byte value, CR LF pairs and something that looks like a boundary
  for (int i = 0; i < 256; ++i) image += static_cast<char>(i);
  image += "\r\n--\r\n------WebKitFormBoundary\r\n";
  http_server server([](seen_request const& r) {
    auto parts = test::parse_multipart(r);
    auto const& file = parts["image"];
    return reply{.headers = {{"X-Filename", file.filename}, {"X-Type", file.type}, {"X-Title", parts["title"].bytes}},
                 .body = file.bytes};
  });
  test::with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.post("/upload").field("title", "my cat").file("image", "cat.jpg", "image/jpeg", image).send();
    EXPECT_TRUE(res && res->status == 200);
    if (!res) co_return;
    EXPECT_EQ(res->header("X-Filename"), "cat.jpg");
    EXPECT_EQ(res->header("X-Type"), "image/jpeg");
    EXPECT_EQ(res->header("X-Title"), "my cat");
    EXPECT_EQ(res->body, image);
  });
}

}  // namespace
}  // namespace candar
