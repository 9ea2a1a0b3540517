#pragma once
// The command line of a headless Locust master (Debian's python3-locust, scripts/setup.sh test) as the Locust
// worker tests start it: it listens on 127.0.0.1, waits for its workers, spawns the users, ends after the run
// and writes its figures with --csv (read them with locust_csv.hpp).
#include <filesystem>
#include <string>
#include <vector>

namespace candar::test {

struct locust_master_plan {
  std::filesystem::path locustfile;
  unsigned short port = 0;  // where the master listens for workers
  int workers = 1;          // it starts once this many have joined
  int users = 1;
  int spawn_rate = 1;  // users started per second
  int seconds = 1;     // the run's length once started
  std::filesystem::path csv_prefix;
  std::string host;  // the base URL the users send to
};

inline std::vector<std::string> locust_master_argv(locust_master_plan const& plan) {
  return {"/usr/bin/locust",
          "-f",
          plan.locustfile.string(),
          "--master",
          "--master-bind-host",
          "127.0.0.1",
          "--master-bind-port",
          std::to_string(plan.port),
          "--headless",
          "--expect-workers",
          std::to_string(plan.workers),
          "-u",
          std::to_string(plan.users),
          "-r",
          std::to_string(plan.spawn_rate),
          "-t",
          std::to_string(plan.seconds) + "s",
          "--csv",
          plan.csv_prefix.string(),
          "--only-summary",
          "-H",
          plan.host};
}

}  // namespace candar::test
