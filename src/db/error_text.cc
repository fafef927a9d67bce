#include "db/error_text.h"

#include <cstdlib>
#include <regex>
#include <vector>

namespace duckpart::db {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool IsContextLine(const std::string& line) {
  return line.rfind("LINE ", 0) == 0 && line.find(':') != std::string::npos;
}

bool IsCaretLine(const std::string& line) {
  return line.find('^') != std::string::npos && line.find_first_not_of(" ^") == std::string::npos;
}

}  // namespace

std::string WithoutSqlContext(const std::string& message) {
  std::string out;
  for (const auto& line : Lines(message)) {
    if (IsContextLine(line) || IsCaretLine(line)) continue;
    out += line + "\n";
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::optional<SqlPosition> CaretPosition(const std::string& message) {
  const auto lines = Lines(message);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (!IsContextLine(lines[i]) || !IsCaretLine(lines[i + 1])) continue;
    const size_t colon = lines[i].find(':');
    const int line = std::atoi(lines[i].substr(5, colon - 5).c_str());
    const size_t caret = lines[i + 1].find('^');
    const size_t text_start = colon + 2;  // "LINE 1: " then the statement
    if (line <= 0 || caret < text_start) return std::nullopt;
    return SqlPosition{line, static_cast<int>(caret - text_start) + 1};
  }
  return std::nullopt;
}

std::string WithoutErrorClass(const std::string& message) {
  static const std::regex kClass(R"(^[A-Z][A-Za-z ]* Error: )");
  return std::regex_replace(message, kClass, "", std::regex_constants::format_first_only);
}

std::optional<std::string> LockConflict(const std::string& message) {
  if (message.find("Could not set lock on file") == std::string::npos) return std::nullopt;
  std::smatch m;
  static const std::regex kHolder(
      R"re(Could not set lock on file "([^"]*)": Conflicting lock is held in (.*?) \(PID (\d+)\))re");
  if (std::regex_search(message, m, kHolder)) {
    return "database '" + m[1].str() + "' is in use by another process (PID " + m[3].str() + ", " +
           m[2].str() + ")";
  }
  static const std::regex kFile(R"re(Could not set lock on file "([^"]*)")re");
  if (std::regex_search(message, m, kFile))
    return "database '" + m[1].str() + "' is in use by another process";
  return "a database file is in use by another process";
}

}  // namespace duckpart::db
