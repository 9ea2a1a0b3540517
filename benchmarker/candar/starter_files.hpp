#pragma once
// The files of the starter contest `candar new` writes (benchmarker/candar/starter/, built in), with
// placeholders @NAME@, @VERSION@, @VERSION_MAJOR_MINOR@ and @PREFIX@ that new_command fills.
#include <string_view>
#include <vector>

namespace candar::cli {

struct starter_file {
  std::string_view path;
  std::string_view text;
};

std::vector<starter_file> const& starter_files();

}  // namespace candar::cli
