#include "candar/load/logs.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "support/threads.hpp"

namespace candar {
namespace {

TEST(logs, each_stream_goes_to_its_own_sink) {
  std::ostringstream contestant, admin;
  logs log(logs::to_stream(contestant), logs::to_stream(admin));
  log.contestant("load level raised to 2");
  log.admin({{"event", "x"}, {"n", 1}});
  EXPECT_EQ(contestant.str(), "load level raised to 2\n");
  EXPECT_EQ(nlohmann::json::parse(admin.str()).at("n"), 1);
}

TEST(logs, lines_from_many_threads_never_interleave) {
  std::ostringstream out;
  logs log(logs::to_stream(out), logs::discard());
  test::on_threads(4, [&](std::size_t) {
    for (int i = 0; i < 500; ++i) log.contestant("0123456789");
  });
  std::istringstream in(out.str());
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(line, "0123456789");
    ++lines;
  }
  EXPECT_EQ(lines, 2000);
}

}  // namespace
}  // namespace candar
