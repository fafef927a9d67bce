#include "db/database_file.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace duckpart::db {

namespace fs = std::filesystem;

FileKind KindOfFile(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) return FileKind::kMissing;
  if (!fs::is_regular_file(st)) return FileKind::kNotAFile;
  std::ifstream in(path, std::ios::binary);
  std::array<char, 12> head{};
  in.read(head.data(), head.size());
  const std::streamsize got = in.gcount();
  if (got == 0) return in.eof() ? FileKind::kEmpty : FileKind::kOther;
  // DuckDB's main header: an 8-byte checksum, then the magic bytes "DUCK".
  if (got >= 12 && std::memcmp(head.data() + 8, "DUCK", 4) == 0) return FileKind::kDuckDb;
  if (got >= 4 && std::memcmp(head.data(), "PAR1", 4) == 0) return FileKind::kParquet;
  return FileKind::kOther;
}

std::string Describe(FileKind kind) {
  switch (kind) {
    case FileKind::kMissing:
      return "missing";
    case FileKind::kEmpty:
      return "an empty file";
    case FileKind::kDuckDb:
      return "a DuckDB database";
    case FileKind::kParquet:
      return "a Parquet file";
    case FileKind::kOther:
      return "a file of another kind";
    case FileKind::kNotAFile:
      return "not a regular file";
  }
  return "a file of another kind";
}

namespace {

// The path as the OS resolves it (symlinks and .. of existing parents followed).
fs::path Resolved(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal() : p;
}

bool Within(const fs::path& path, const fs::path& folder) {
  auto [f, p] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return f == folder.end();
}

}  // namespace

bool IsFileOfDatabase(const std::string& path, const std::string& database) {
  if (path.empty() || database.empty()) return false;
  const fs::path p = Resolved(path);
  const fs::path d = Resolved(database);
  if (p == d || p == fs::path(d.string() + ".wal")) return true;
  std::error_code ec;
  if (fs::exists(path, ec) && fs::exists(database, ec) && fs::equivalent(path, database, ec))
    return true;
  return Within(p, fs::path(d.string() + ".tmp"));
}

}  // namespace duckpart::db
