// bench/duckdb/report.mjs - the comparator of bench/report.sh in DuckDB.
//
// Usage: node report.mjs FILE.csv [RUNS]   (RUNS default 21)
// Loads the canonical CSV (bench/gen_responses.c) into an in-memory table
// (timed apart, as touchpoint's dataset open is), then runs "NPS by
// touchpoint by month where region = Norte" RUNS times on 2 threads and
// prints one line in the format of bench/report_bench.c:
//   load_s=S median_ms=M min_ms=M groups=G n=N nps_sum=X
// A run is the query up to its rows read back into JavaScript.
//
// submitted_at is ISO 8601 with "Z": it is read as TIMESTAMPTZ with the
// session in UTC and kept as a plain TIMESTAMP (UTC), the type DuckDB
// groups fastest by month (about twice as fast as TIMESTAMPTZ, whose
// strftime goes through ICU). The CSV's touchpoint column already holds the
// journey's touchpoint ids, the keys touchpoint groups by.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, runsArg] = process.argv.slice(2);
if (!csv) {
	console.error('usage: node report.mjs FILE.csv [RUNS]');
	process.exit(2);
}
const runs = runsArg ? Number(runsArg) : 21;

const QUERY = `
SELECT touchpoint, strftime(submitted_at, '%Y-%m') AS month, count(*) AS n,
       100.0 * (count_if(nps >= 9) - count_if(nps <= 6)) / count(*) AS nps
FROM responses
WHERE region = 'Norte' AND nps IS NOT NULL
GROUP BY touchpoint, month
ORDER BY touchpoint, month`;

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const db = await instance.connect();
await db.run(`SET TimeZone = 'UTC'`);

let t0 = performance.now();
await db.run(`
CREATE TABLE responses AS
SELECT * REPLACE (submitted_at::TIMESTAMP AS submitted_at)
FROM read_csv(${sqlString(csv)}, header = true, types = {'submitted_at': 'TIMESTAMPTZ'})`);
const loadS = (performance.now() - t0) / 1e3;

const ms = [];
let reader;
for (let i = 0; i < runs; i++) {
	t0 = performance.now();
	reader = await db.runAndReadAll(QUERY);
	ms.push(performance.now() - t0);
}
ms.sort((a, b) => a - b);

let n = 0;
let npsSum = 0;
const rows = reader.getRows();
for (const row of rows) {
	n += Number(row[2]);
	npsSum += row[3];
}
console.log(`load_s=${loadS.toFixed(3)} median_ms=${ms[Math.floor(runs / 2)].toFixed(3)} ` +
	`min_ms=${ms[0].toFixed(3)} groups=${rows.length} n=${n} nps_sum=${npsSum.toFixed(6)}`);
db.closeSync();
