#include "monitor/http_service.h"

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "duckpart/error.h"

namespace duckpart::monitor {
namespace {

constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
constexpr size_t kWorkers = 2;  // a scrape is a copy of two strings: two threads are plenty

struct Snapshot {
  std::string metrics = "";
  std::string health = R"({"status":"starting"})";
  int health_code = 503;
};

}  // namespace

ListenAddress ParseListen(const std::string& text) {
  const std::string form = "--listen '" + text +
                           "': give HOST:PORT, e.g. 127.0.0.1:9464 (port 0: "
                           "any free port)";
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) throw InputError(form);
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) throw InputError(form);
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = text.substr(colon + 1);
  int port = -1;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535)
    throw InputError(form + "; the port is a number from 0 to 65535");
  return {.host = host, .port = port};
}

struct MonitorService::Impl {
  httplib::Server server;
  int port = 0;
  std::thread thread;
  std::mutex mu;
  Snapshot snapshot;  // guarded by mu

  Snapshot Current() {
    std::lock_guard<std::mutex> lock(mu);
    return snapshot;
  }
};

MonitorService::MonitorService(const ListenAddress& a) : impl_(std::make_unique<Impl>()) {
  httplib::Server& s = impl_->server;
  s.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  Impl* impl = impl_.get();
  s.Get("/metrics", [impl](const httplib::Request&, httplib::Response& res) {
    res.set_content(impl->Current().metrics, kMetricsType);
  });
  s.Get("/health", [impl](const httplib::Request&, httplib::Response& res) {
    const Snapshot now = impl->Current();
    res.status = now.health_code;
    res.set_content(now.health, "application/json");
  });
  impl_->port =
      a.port == 0 ? s.bind_to_any_port(a.host) : (s.bind_to_port(a.host, a.port) ? a.port : -1);
  if (impl_->port <= 0) {
    throw InputError("--listen " + a.host + ":" + std::to_string(a.port) +
                     ": cannot listen there (the port is in use, or the host is not an address "
                     "of this machine); choose another port, or 0 for any free one");
  }
}

MonitorService::~MonitorService() { Stop(); }

int MonitorService::port() const { return impl_->port; }

void MonitorService::Publish(const MonitorReport& report) {
  Snapshot next{.metrics = ToPrometheus(report),
                .health = ToJson(report).dump(),
                .health_code = report.Worst() == Health::kCritical ? 503 : 200};
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->snapshot = std::move(next);
}

void MonitorService::Start() {
  if (impl_->thread.joinable()) return;
  impl_->thread = std::thread([impl = impl_.get()] { impl->server.listen_after_bind(); });
  // httplib's stop() only stops a server whose loop runs: wait for the loop (a few
  // microseconds) so that a Stop() right after Start() cannot be lost.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!impl_->server.is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      impl_->thread.join();
      throw RuntimeFailure("the HTTP server on port " + std::to_string(impl_->port) +
                           " did not start");
    }
    std::this_thread::yield();
  }
}

void MonitorService::Stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace duckpart::monitor
