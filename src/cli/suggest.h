// "Did you mean ...?": the nearest of a few known names to a mistyped one.
//
//   NearestName("valdate", {"plan", "run", "validate"})   // "validate"
//   NearestName("compile", {"plan", "run", "validate"})   // nullopt: nothing is close
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace duckpart::cli {

// Levenshtein distance (insertions, deletions, substitutions), byte-wise.
size_t EditDistance(const std::string& a, const std::string& b);

// The candidate closest to `word` when it is close enough to be a likely typo: at most
// two edits (one for words of up to four letters), or `word` is a prefix of exactly one
// candidate. Ties go to the first candidate. nullopt when nothing is close.
std::optional<std::string> NearestName(const std::string& word,
                                       const std::vector<std::string>& candidates);

}  // namespace duckpart::cli
