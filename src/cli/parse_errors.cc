#include "cli/parse_errors.h"

#include <fmt/format.h>

#include <cmath>
#include <regex>
#include <vector>

#include "cli/suggest.h"

namespace duckpart::cli {
namespace {

// A bound of CLI11's Range as a person writes it ("0", "64"; "" for the open ends of
// NonNegativeNumber and PositiveNumber).
std::string Bound(const std::string& text) {
  const double v = std::strtod(text.c_str(), nullptr);
  if (std::fabs(v) > 1e300 || (v > 0 && v < 1e-300)) return "";
  if (v == std::floor(v)) return fmt::format("{:.0f}", v);
  return text;
}

std::string RangeMessage(const std::string& name, const std::string& value, const std::string& lo,
                         const std::string& hi) {
  const std::string low = Bound(lo), high = Bound(hi);
  if (high.empty() && low.empty())
    return fmt::format("{} '{}': give a positive number", name, value);
  if (high.empty())
    return fmt::format("{} '{}': give a whole number of {} or more", name, value, low);
  return fmt::format("{} '{}': give a number from {} to {}", name, value, low, high);
}

// "{a,b,c}" -> "a, b, c"
std::string SetList(std::string set) {
  if (set.size() >= 2 && set.front() == '{' && set.back() == '}')
    set = set.substr(1, set.size() - 2);
  std::string out;
  for (char c : set) out += c == ',' ? std::string(", ") : std::string(1, c);
  return out;
}

std::string Validation(const std::string& what) {
  std::smatch m;
  static const std::regex kRange(R"(^(\S+): Value (.*) not in range (\S+) to (\S+)$)");
  static const std::regex kMember(R"(^(\S+): (.*) not in (\{.*\})$)");
  if (std::regex_match(what, m, kRange)) return RangeMessage(m[1], m[2], m[3], m[4]);
  if (std::regex_match(what, m, kMember)) {
    return fmt::format("{} '{}' is not one of: {}", m[1].str(), m[2].str(), SetList(m[3]));
  }
  return what;
}

std::string Conversion(const std::string& what) {
  std::smatch m;
  static const std::regex kConvert(R"(^Could not convert: (\S+) = (.*)$)");
  static const std::regex kAllowed(R"(^The value (.*) is not an allowed value for (\S+)$)");
  if (std::regex_match(what, m, kConvert)) {
    return fmt::format("{} '{}' is not a number", m[1].str(), m[2].str());
  }
  if (std::regex_match(what, m, kAllowed))
    return fmt::format("{} '{}' is not allowed here", m[2].str(), m[1].str());
  return what;
}

std::string Mismatch(const std::string& what) {
  std::smatch m;
  static const std::regex kAtMost(R"(^(\S+): At Most 1 required but received (\d+)$)");
  static const std::regex kMissing(R"(^(\S+): \d+ required \S+ missing$)");
  if (std::regex_match(what, m, kAtMost)) {
    return fmt::format("{} was given {} times; give it once", m[1].str(), m[2].str());
  }
  if (std::regex_match(what, m, kMissing)) return fmt::format("{} needs a value", m[1].str());
  return what;
}

std::vector<std::string> OptionNames(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* o : command.get_options()) {
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
  }
  return names;
}

std::string Extras(const std::string& what, const CLI::App& command) {
  std::smatch m;
  static const std::regex kExtras(R"(^The following arguments? (?:was|were) not expected: (.*)$)");
  if (!std::regex_match(what, m, kExtras)) return what;
  const std::string args = m[1];
  const std::string first = args.substr(0, args.find(' '));
  if (first.rfind("-", 0) != 0) {
    return fmt::format("unexpected argument{} '{}'", args.find(' ') == std::string::npos ? "" : "s",
                       args);
  }
  const std::string flag = first.substr(0, first.find('='));
  const auto near = NearestName(flag, OptionNames(command));
  return fmt::format("unknown option '{}'{}", flag, near ? " (did you mean " + *near + "?)" : "");
}

std::string Excludes(const std::string& what) {
  std::smatch m;
  static const std::regex kExcludes(R"(^(\S+) excludes (\S+)$)");
  if (std::regex_match(what, m, kExcludes)) {
    return fmt::format("{} and {} cannot be given together; give one of them", m[1].str(),
                       m[2].str());
  }
  return what;
}

}  // namespace

std::string UnknownCommandMessage(const CLI::App& root, const std::string& name) {
  std::vector<std::string> names;
  for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  if (const auto near = NearestName(name, names)) {
    return fmt::format("unknown command '{}' (did you mean '{}'?)", name, *near);
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return fmt::format("unknown command '{}'; the commands are: {}", name, list);
}

std::string DescribeParseError(const CLI::ParseError& e, const CLI::App& command) {
  const std::string what = e.what();
  if (dynamic_cast<const CLI::ValidationError*>(&e)) return Validation(what);
  if (dynamic_cast<const CLI::ConversionError*>(&e)) return Conversion(what);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) return Mismatch(what);
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) return Extras(what, command);
  if (dynamic_cast<const CLI::ExcludesError*>(&e)) return Excludes(what);
  return what;
}

}  // namespace duckpart::cli
