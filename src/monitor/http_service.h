// The HTTP side of `duckpart monitor --listen`: /metrics (Prometheus text) and /health (the
// JSON report; 200 when nothing is critical, 503 otherwise), served by cpp-httplib from the
// last published report, so a scrape never waits for a check cycle.
//
//   MonitorService http(ParseListen("127.0.0.1:0"));   // binds now; port 0 = a free port
//   http.Publish(monitor.Check());
//   http.Start();                                       // serves in its own threads
//   ... http.Publish(monitor.Check()) every interval ...
//   http.Stop();
#pragma once

#include <memory>
#include <string>

#include "duckpart/monitor.h"

namespace duckpart::monitor {

struct ListenAddress {
  std::string host;
  int port = 0;  // 0: any free port
};

// "127.0.0.1:9464", "localhost:0", "[::1]:9464". Throws InputError naming the value and the
// form it needs.
ListenAddress ParseListen(const std::string& text);

class MonitorService {
 public:
  // Binds the address. Throws InputError when it cannot (in use, not a local address).
  explicit MonitorService(const ListenAddress& address);
  ~MonitorService();  // Stop()s
  MonitorService(const MonitorService&) = delete;
  MonitorService& operator=(const MonitorService&) = delete;

  // The bound port (the one chosen when 0 was asked for).
  int port() const;
  // The report /metrics and /health answer from, from now on. Thread-safe.
  void Publish(const MonitorReport& report);
  // Serves until Stop(), in threads of its own (two workers).
  void Start();
  // Stops serving and joins the threads; idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace duckpart::monitor
