#include "report_stream.hpp"

// The portal's stream against readers that misbehave, on real pipes: one that never reads (the run must not
// wait on it), one that reads slowly (it still gets whole lines and the final one last), one that went away.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <thread>

#include <nlohmann/json.hpp>

namespace candar::detail {
namespace {

using nlohmann::json;

struct pipe_pair {
  int read_end = -1, write_end = -1;
  pipe_pair() {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    read_end = fds[0];
    write_end = fds[1];
    ::fcntl(write_end, F_SETPIPE_SZ, 4096);  // the smallest buffer: a few lines fill it
  }
  ~pipe_pair() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
  std::string read_all() const {
    std::string out;
    char chunk[4096];
    for (;;) {
      auto const n = ::read(read_end, chunk, sizeof chunk);
      if (n <= 0) return out;
      out.append(chunk, static_cast<std::size_t>(n));
    }
  }
};

json line_of(int i, std::size_t padding) {
  return {{"i", i}, {"final", false}, {"padding", std::string(padding, 'x')}};
}

std::vector<json> lines_in(std::string const& text) {
  std::vector<json> out;
  std::size_t from = 0;
  for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
    out.push_back(json::parse(text.substr(from, nl - from)));  // throws on a torn line
    from = nl + 1;
  }
  return out;
}

TEST(report_stream, a_reader_that_never_reads_does_not_hold_the_run) {
  pipe_pair p;
  {
    report_stream stream(p.write_end);
    for (int i = 0; i < 200; ++i) stream.write(line_of(i, 1000));  // 200 KB into a 4 KB pipe: none of it blocks here
    EXPECT_FALSE(
        stream.finish({{"final", true}, {"padding", std::string(100000, 'y')}}, std::chrono::milliseconds(50)));
    EXPECT_FALSE(stream.broken());
  }                // the writer, stuck in write(), is left behind
  p.close_read();  // and now gets EPIPE and ends
  // The write end stays open, as the benchmarker never closes the descriptor it inherited: closing it here
  // would race with the abandoned writer's last write().
  p.write_end = -1;
}

TEST(report_stream, a_slow_reader_gets_whole_lines_and_the_final_one_last) {
  pipe_pair p;
  std::string received;
  std::thread reader([&] { received = p.read_all(); });
  {
    report_stream stream(p.write_end);
    for (int i = 0; i < 100; ++i) stream.write(line_of(i, 2000));
    EXPECT_TRUE(stream.finish({{"final", true}, {"score", 42}, {"padding", std::string(50000, 'z')}}));
  }
  p.close_write();
  reader.join();
  auto const lines = lines_in(received);
  ASSERT_GE(lines.size(), 2U);
  int previous = -1;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_EQ(lines[i].at("final"), false);
    EXPECT_GT(lines[i].at("i").get<int>(), previous);  // in order; some may have been dropped, none repeated
    previous = lines[i].at("i").get<int>();
  }
  EXPECT_EQ(lines.back().at("final"), true);
  EXPECT_EQ(lines.back().at("score"), 42);
}

TEST(report_stream, a_reader_that_went_away_breaks_the_stream_without_a_signal) {
  pipe_pair p;
  p.close_read();
  report_stream stream(p.write_end);
  stream.write(line_of(1, 10));
  EXPECT_FALSE(stream.finish({{"final", true}}));  // EPIPE, not SIGPIPE: the test process is still here
  EXPECT_TRUE(stream.broken());
}

TEST(report_stream, a_descriptor_not_open_for_writing_is_refused) {
  pipe_pair p;
  EXPECT_THROW(report_stream(p.read_end), std::invalid_argument);
  EXPECT_THROW(report_stream(-1), std::invalid_argument);
  EXPECT_THROW(report_stream(1000000), std::invalid_argument);
}

}  // namespace
}  // namespace candar::detail
