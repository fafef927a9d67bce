// Every entry under a folder with its kind and content (files: size and a hash of the bytes;
// links: their text), links not followed: compare two snapshots to prove that a command left
// a target byte-identical.
//
//   const TreeSnapshot before = Snapshot(dir);
//   ... a refused command ...
//   EXPECT_EQ(Snapshot(dir), before);
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "support/run_binary.h"

namespace duckpart::testing {

using TreeSnapshot = std::map<std::string, std::string>;  // relative path -> what it is

inline TreeSnapshot Snapshot(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  TreeSnapshot out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(root).string();
    const auto st = it->symlink_status(ec);
    if (st.type() == fs::file_type::symlink) {
      out[rel] = "link " + fs::read_symlink(it->path(), ec).string();
    } else if (st.type() == fs::file_type::directory) {
      out[rel] = "folder";
    } else {
      const std::string bytes = ReadFile(it->path().string());
      out[rel] = "file " + std::to_string(bytes.size()) + " " +
                 std::to_string(std::hash<std::string>{}(bytes));
    }
  }
  return out;
}

}  // namespace duckpart::testing
