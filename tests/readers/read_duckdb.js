// Reads a duckpart dataset with DuckDB 1.5 (node) and writes what it read as Parquet.
//   node read_duckdb.js OUT.parquet "SELECT * FROM read_parquet('ds/**/*.parquet')"
// Prints DuckDB's version on stdout; exits 1 with the error on stderr.
const duckdb = require('@duckdb/node-bindings');

async function main([out, sql]) {
  const db = await duckdb.open(':memory:');
  const conn = await duckdb.connect(db);
  await duckdb.query(conn, "SET TimeZone = 'UTC'");
  const quoted = "'" + out.replace(/'/g, "''") + "'";
  await duckdb.query(conn, `COPY (${sql}) TO ${quoted} (FORMAT parquet)`);
  process.stdout.write(duckdb.library_version() + '\n');
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(String(e && e.message ? e.message : e) + '\n');
  process.exit(1);
});
