// What the spec's parser, printer and JSON form share: character classes, transform names
// and parameters, message-safe quoting, and exact comparison of numbers as written.
// Internal to src/spec.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "duckpart/spec.h"

namespace duckpart::spec_text {

inline constexpr std::array<Transform, 9> kAllTransforms = {
    Transform::kIdentity, Transform::kYear,  Transform::kMonth,
    Transform::kDay,      Transform::kHour,  Transform::kBucket,
    Transform::kTruncate, Transform::kRange, Transform::kQuantile};

bool IsSpace(char c);
bool IsDigit(char c);
bool IsWordStart(char c);
bool IsWordChar(char c);
char ToLower(char c);
std::optional<Transform> TransformFromName(std::string_view word);
std::string TransformList();
bool TakesParam(Transform t);
int64_t MinParam(Transform t);
std::string ParamExpectation(Transform t);
std::string OneLine(std::string_view text);
std::string Quote(std::string_view text, char quote);
bool IsBareColumn(std::string_view name);
std::string PrintColumn(const std::string& column);
std::string PrintLiteral(const Literal& literal);
int CompareNumbers(std::string_view a_text, std::string_view b_text);
std::optional<size_t> FirstNotIncreasing(const std::vector<Literal>& bounds);
// True when `text` is exactly one number token of the spec grammar.
bool IsNumberText(std::string_view text);

}  // namespace duckpart::spec_text
