#include "text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/format.h"

namespace bench {

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

namespace {

// The multiplier of a count's suffix letter (k, m, g or b), 1 when there is none.
double SuffixMultiplier(char last) {
  switch (std::tolower(static_cast<unsigned char>(last))) {
    case 'k':
      return 1e3;
    case 'm':
      return 1e6;
    case 'g':
    case 'b':
      return 1e9;
    default:
      return 1;
  }
}

}  // namespace

int64_t ParseCount(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("empty count");
  const double mult = SuffixMultiplier(text.back());
  std::string num = text;
  if (mult != 1) num.pop_back();
  size_t used = 0;
  const double v = std::stod(num, &used);
  if (used != num.size() || v < 0) throw std::invalid_argument("bad count '" + text + "'");
  return static_cast<int64_t>(std::llround(v * mult));
}

std::string HumanCount(int64_t v) {
  if (v >= 1'000'000 && v % 1'000'000 == 0) return fmt::format("{}M", v / 1'000'000);
  if (v >= 1'000 && v % 1'000 == 0) return fmt::format("{}k", v / 1'000);
  return duckpart::util::FormatCount(v);
}

std::string HumanSeconds(double s) {
  return s < 100 ? fmt::format("{:.2f} s", s) : fmt::format("{:.1f} s", s);
}

std::string OneLine(std::string text, size_t max) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '|') c = ' ';
  }
  if (text.size() > max) text = text.substr(0, max) + "...";
  return text;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string LastLine(const std::string& text) {
  const size_t end = text.find_last_not_of(" \n\r\t");
  if (end == std::string::npos) return {};
  const size_t nl = text.rfind('\n', end);
  const size_t start = nl == std::string::npos ? 0 : nl + 1;
  return text.substr(start, end - start + 1);
}

bool ContainsNoCase(const std::string& hay, const std::string& needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\n"));
  s.erase(s.find_last_not_of(" \t\n") + 1);
  return s;
}

std::string Capture(const std::string& cmd) {
  std::string out;
  if (FILE* f = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, f)) out += buf;
    pclose(f);
  }
  return Trim(out);
}

std::string UtcNow(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace bench
