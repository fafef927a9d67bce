// VARCHAR date columns in formats other than ISO 8601, read with DuckDB's strptime.
//
//   duckpart run --from stocks.csv --by "year(date)" --date-format "date=%b %d %Y" ...
//
// `--date-format COL=FORMAT` (SourceOptions::date_formats) tells how a VARCHAR column of
// dates is parsed by the time transforms; without one, the column is CAST to TIMESTAMP.
// The format becomes part of each field's key SQL, so validate and query of the dataset
// parse it the same way. When values do not parse, GuessDateFormat names a format that
// parses the sampled ones.
#pragma once

#include <optional>
#include <string>

#include "duckpart/source.h"

namespace duckpart::plan {

// The FORMAT given for `column` with --date-format, if any. Throws InputError for an
// entry without '=' or with an empty column or format.
std::optional<std::string> DateFormatOf(const SourceOptions& source, const std::string& column);

// Throws InputError (nothing done yet) for an entry naming no column of the source, a
// column that is not VARCHAR, a column given twice or a format DuckDB rejects.
void CheckDateFormats(Workspace& ws);

// SQL parsing the VARCHAR `column_sql` as a TIMESTAMP: CAST, or strptime with the format.
// TryParseTimeSql gives NULL instead of failing.
std::string ParseTimeSql(const std::string& column_sql, const std::optional<std::string>& format);
std::string TryParseTimeSql(const std::string& column_sql,
                            const std::optional<std::string>& format);

// The first of a short list of common formats ('%b %d %Y', '%m/%d/%Y', ...) that parses
// every one of up to 1,000 sampled non-NULL values of `column`, if any.
std::optional<std::string> GuessDateFormat(Workspace& ws, const std::string& column);

}  // namespace duckpart::plan
