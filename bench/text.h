// Small text, time and file helpers of the benchmark harness (bench/README.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Seconds elapsed since t0.
double Since(Clock::time_point t0);

// "a, b,,c" -> {"a", "b", "c"}: items trimmed, empty ones dropped.
std::vector<std::string> SplitList(const std::string& text);

// "2M", "500k", "1000000", "1.5M" -> rows. Throws std::invalid_argument on anything else.
int64_t ParseCount(const std::string& text);

// 2000000 -> "2M", 5000 -> "5k", otherwise with thousands separators.
std::string HumanCount(int64_t v);

// "1.23 s" below 100 s, "123.4 s" above.
std::string HumanSeconds(double s);

// Text on one line (newlines and table bars become spaces), cut at `max` characters.
std::string OneLine(std::string text, size_t max = 300);

// The whole file; empty when it cannot be read.
std::string ReadFile(const fs::path& p);

// The last non-blank line of text, without its line break.
std::string LastLine(const std::string& text);

// Whether hay contains needle, ignoring ASCII case.
bool ContainsNoCase(const std::string& hay, const std::string& needle);

// s without leading and trailing blanks and line breaks.
std::string Trim(std::string s);

// The trimmed standard output of a shell command; empty when it cannot run.
std::string Capture(const std::string& cmd);

// The current UTC time in strftime format.
std::string UtcNow(const char* format);

// The median of v; 0 for an empty v.
double Median(std::vector<double> v);

}  // namespace bench
