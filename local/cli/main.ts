import '../polyfills';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_BAD_INPUT, EXIT_PIPELINE_FAILED, UsageError } from './errors';
import { addKeysCommand } from './keys-command';
import { DEMO_PROFILE, DEV_SEED, HOLDOUT_SEED } from '../simulator/profiles';

// The AWS SDK (the Kinesis client of the local stream) warns on every run that its 2027 releases need Node 22.
// The project knows (README, Requirements); the warning would only bury the CLI's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Parses a whole number option, naming the option when it is not one. */
export function wholeNumber(name: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got "${value}"`);
    return n;
  };
}

/** A rate in [0, max): the simulator keeps most of what it sends valid. */
export function rate(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n >= max) throw new InvalidArgumentError(`${name} must be a number from 0 up to (not including) ${max}, got "${value}"`);
    return n;
  };
}

/** A number > 0 (a mean rate, which may be below 1). */
export function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0, got "${value}"`);
    return n;
  };
}

const program = new Command('retail-lake')
  .description('Retail POS data lake, run whole on one machine (the same handlers, state machine and SQL as AWS).')
  .addOption(new Option('--lake <dir>', 'lake root directory').env('RETAIL_LAKE_ROOT').default('.lake'))
  .exitOverride();

interface QueryCliOptions {
  file?: string;
  named?: string;
  param: string[];
  list?: boolean;
  warehouse?: boolean;
  format: 'table' | 'json' | 'csv';
  rawCsv?: boolean;
}

const lakeOf = (cmd: Command): string => cmd.optsWithGlobals<{ lake: string }>().lake;

program
  .command('demo')
  .description('simulate stores and tills, send through the ingest API, run the pipeline, print a summary')
  .option('--stores <n>', 'number of stores', wholeNumber('--stores'), 12)
  .option('--skus <n>', 'number of SKUs', wholeNumber('--skus'), 200)
  .option('--days <n>', 'days of trading', wholeNumber('--days'), 7)
  .option('--seed <n>', 'simulation seed', wholeNumber('--seed', 0), 42)
  .option('--fault-rate <x>', 'share of events sent malformed or invalid', rate('--fault-rate', 0.5), 0.02)
  .option('--reset', 'empty the lake first even if it holds data not made by a demo')
  .action(async (opts, cmd: Command) => {
    const { demoCommand } = await import('./demo-command');
    await demoCommand(lakeOf(cmd), opts);
  });

program
  .command('serve')
  .description('the ingest API on 127.0.0.1: POST /v1/events with the x-api-key header')
  .option('--port <n>', 'port', wholeNumber('--port', 0), 8787)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .addOption(new Option('--api-key <key>', 'one API key for every store, when there is no keys file (made up and printed when absent)').env('RETAIL_LAKE_API_KEY'))
  .option('--keys-file <path>', 'the keys of `retail-lake keys` (default: <lake>/control/ingest-keys.json, when it exists)')
  .option('--buffer-seconds <n>', 'Firehose buffering interval', wholeNumber('--buffer-seconds'), 60)
  .option('--buffer-mib <n>', 'Firehose buffering size', wholeNumber('--buffer-mib'), 5)
  .action(async (opts, cmd: Command) => {
    const { serveCommand } = await import('./serve-command');
    await serveCommand(lakeOf(cmd), opts);
  });

addKeysCommand(program, lakeOf);

program
  .command('simulate')
  .description('write sample data for the by-hand session: stores.csv, products.csv, exchange_rates.csv and the events as NDJSON files, one per day')
  .requiredOption('--out <dir>', 'folder to write into (created if needed)')
  .option('--stores <n>', 'number of stores', wholeNumber('--stores'), DEMO_PROFILE.stores)
  .option('--skus <n>', 'number of SKUs', wholeNumber('--skus'), DEMO_PROFILE.skus)
  .option('--days <n>', 'business dates of trading (up to 10 years)', wholeNumber('--days'), DEMO_PROFILE.days)
  .option('--seed <n>', 'simulation seed', wholeNumber('--seed', 0), DEV_SEED)
  .option('--start <date>', 'first business date, YYYY-MM-DD', DEMO_PROFILE.startDate)
  .option('--transactions-per-store-day <x>', "mean sale transactions per store and day, below 1 for a sparse history (default: from each store's target revenue)", positiveNumber('--transactions-per-store-day'))
  .option('--snapshot-every <n>', 'a stock count every this many days (default: every night): of every carried SKU, or of the next slice of a large assortment (cycle counts)', wholeNumber('--snapshot-every'))
  .option('--assortment-size <n>', 'SKUs the mean store carries, drawn by popularity (default 3,000; a catalog no larger is carried whole)', wholeNumber('--assortment-size'))
  .option('--fault-rate <x>', 'share of events written malformed or invalid', rate('--fault-rate', 0.5), 0.02)
  .option('--gzip', 'write .ndjson.gz files')
  .option('--force', 'replace an earlier output in the folder')
  .action(async (opts: import('./simulate-command').SimulateCommandOptions) => {
    const { formatSimulateSummary, simulateCommand } = await import('./simulate-command');
    process.stdout.write(formatSimulateSummary(opts.out, opts, simulateCommand(opts)));
  });

program
  .command('dashboard')
  .description('the dashboards as a local web app on 127.0.0.1, from the warehouse (queries on demand, cached until it changes)')
  .option('--port <n>', 'port (0: any free port)', wholeNumber('--port', 0), 8787)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--manager <email>', "only this manager's stores (the stores.csv manager_email column)")
  .action(async (opts: { port: number; host: string; manager?: string }, cmd: Command) => {
    const { dashboardCommand } = await import('./dashboard-command');
    await dashboardCommand(lakeOf(cmd), opts);
  });

program
  .command('reference')
  .description('load reference data (stores and products CSV, and optionally daily exchange rates)')
  .requiredOption('--stores <file>', 'stores.csv: store_id, store_name, region, manager_email, timezone, target_daily_revenue[, currency]')
  .requiredOption('--products <file>', 'products.csv: sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days')
  .option('--exchange-rates <file>', 'exchange_rates.csv: rate_date, currency, rate (1 unit of currency in the reporting currency)')
  .action(async (opts: { stores: string; products: string; exchangeRates?: string }, cmd: Command) => {
    const { FsObjectStore } = await import('../adapters/fs-object-store');
    const { loadReferenceFiles } = await import('./reference-command');
    const { settingsFromEnv } = await import('../../functions/lib/pipeline/pipeline-settings');
    const { reportingCurrency } = settingsFromEnv();
    const n = await loadReferenceFiles(new FsObjectStore(lakeOf(cmd)), opts.stores, opts.products, { exchangeRatesPath: opts.exchangeRates, reportingCurrency });
    console.log(`reference data loaded: ${n.stores} stores, ${n.products} products${n.rates !== undefined ? `, ${n.rates} exchange rates` : ''}`);
    if (n.currenciesWithoutRates.length) {
      console.error(`warning: no exchange rate into ${reportingCurrency} for ${n.currenciesWithoutRates.join(', ')}: those stores' amounts stay out of totals until a rates file has them (--exchange-rates)`);
    }
  });

program
  .command('ingest')
  .description('drop NDJSON batch files (plain or .gz) into the raw zone')
  .argument('<files...>', 'NDJSON files')
  .action(async (files: string[], _opts, cmd: Command) => {
    const { FsObjectStore } = await import('../adapters/fs-object-store');
    const { ingestFiles } = await import('./ingest-command');
    for (const r of await ingestFiles(new FsObjectStore(lakeOf(cmd)), files)) console.log(`${r.file} -> ${r.key}`);
  });

program
  .command('run')
  .description('execute the pipeline over everything not yet processed')
  .action(async (_opts, cmd: Command) => {
    const { runCommand } = await import('./run-command');
    const ok = await runCommand(lakeOf(cmd));
    if (!ok) process.exitCode = EXIT_PIPELINE_FAILED;
  });

program
  .command('reload')
  .description('rebuild what is derived from the curated zone (every business date, or --from/--to), then reconcile')
  .option('--warehouse', 'rebuild the warehouse (the star schema)')
  .option('--baskets', "rebuild the lake's store_day_baskets table")
  .option('--from <date>', 'first business date, YYYY-MM-DD')
  .option('--to <date>', 'last business date, YYYY-MM-DD')
  .action(async (opts: { warehouse?: boolean; baskets?: boolean; from?: string; to?: string }, cmd: Command) => {
    const { reloadCommand } = await import('./reload-command');
    const what = { warehouse: opts.warehouse === true, baskets: opts.baskets === true };
    if (!(await reloadCommand(lakeOf(cmd), { from: opts.from, to: opts.to }, what))) process.exitCode = EXIT_PIPELINE_FAILED;
  });

program
  .command('redrive')
  .description('re-validate quarantined records against the current reference data; send the ones that pass through the pipeline')
  .requiredOption('--reason <reason>', 'unknown_sku or unknown_store')
  .action(async (opts: { reason: string }, cmd: Command) => {
    const { redriveCommand } = await import('./redrive-command');
    if (!(await redriveCommand(lakeOf(cmd), opts.reason))) process.exitCode = EXIT_PIPELINE_FAILED;
  });

program
  .command('reprocess')
  .description('re-curate business dates from the raw zone after a rule change, reload them into the warehouse, reconcile')
  .requiredOption('--from <date>', 'first business date, YYYY-MM-DD')
  .requiredOption('--to <date>', 'last business date, YYYY-MM-DD')
  .action(async (opts: { from: string; to: string }, cmd: Command) => {
    const { reprocessCommand } = await import('./reprocess-command');
    if (!(await reprocessCommand(lakeOf(cmd), opts))) process.exitCode = EXIT_PIPELINE_FAILED;
  });

program
  .command('query')
  .description('analyst SQL over the curated tables (sales_lines, inventory_events, purchase_orders, quarantine, stores, products), or the warehouse')
  .argument('[sql...]', 'SQL (DuckDB dialect), one quoted argument; - reads it from stdin')
  .option('--file <path>', 'read the SQL from a file')
  .option('--named <name>', 'run a named query of sql/athena/queries/ (with --warehouse: a metric view v_metric_<name>)')
  .option('--param <name=value>', 'a named query parameter (repeat for each), e.g. --param from=2026-03-01', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--list', 'list the named queries with their parameters, and the warehouse metric views')
  .option('--warehouse', 'query the star schema instead of the curated tables')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .option('--raw-csv', 'CSV cells as they are (by default, when stdout is not a terminal, cells starting = + - @ get a leading \')')
  // SQL that starts with a `--` comment is an argument, not an option (query-source.ts refuses a lone unknown word)
  .allowUnknownOption()
  .action(async (sql: string[], opts: QueryCliOptions, cmd: Command) => {
    const { listNamedSql, namedLakeQuery, resolveQuerySql } = await import('./query-source');
    if (opts.list) {
      process.stdout.write(listNamedSql());
      return;
    }
    const { queryCommand } = await import('./query-command');
    const { text } = await import('node:stream/consumers');
    const src = { sql, file: opts.file, named: opts.named, param: opts.param, warehouse: opts.warehouse };
    const source = await resolveQuerySql(src, () => text(process.stdin));
    // a terminal shows the values as they are; a file or pipe may end up in a spreadsheet
    const rawCsv = opts.rawCsv === true || process.stdout.isTTY === true;
    process.stdout.write(await queryCommand(lakeOf(cmd), source, { warehouse: opts.warehouse, format: opts.format, rawCsv, named: namedLakeQuery(src) }));
  });

program
  .command('forecast')
  .description('fit the demand models now (per store and SKU, backtested) and print their accuracy against seasonal naive')
  .option('--as-of <date>', 'fit on the history up to this business date (default: the latest), YYYY-MM-DD')
  .action(async (opts: { asOf?: string }, cmd: Command) => {
    const { forecastCommand } = await import('./forecast-command');
    process.stdout.write(await forecastCommand(lakeOf(cmd), opts));
  });

program
  .command('evaluate')
  .description("simulate a fresh lake with the simulator's truth, run the pipeline, score stock alerts and demand forecasts against what really happened")
  .option('--days <n>', 'days of trading (windows end at days 56 and 112 and at the last day)', wholeNumber('--days', 14), 112)
  .option(
    '--seed <n>',
    `simulation seed: the development seed ${DEV_SEED} (what stock risk and forecasts were tuned on) or the hold-out seed ${HOLDOUT_SEED} (never tuned on: report final figures with it)`,
    wholeNumber('--seed', 0),
    DEV_SEED,
  )
  .option('--stores <n>', 'number of stores', wholeNumber('--stores'), 12)
  .option('--skus <n>', 'number of SKUs', wholeNumber('--skus'), 200)
  .option('--json <file>', 'also write the figures as JSON to this file')
  .option('--ceiling-only', 'only the ceiling: simulate and score an oracle that knows the true demand distribution, without the lake or the pipeline (seconds)')
  .option('--forecast-only', 'score only the forecasts (the same fits and figures), without the day-by-day stock risk and alerts: minutes instead of ~20')
  .action(async (opts: { days: number; seed: number; stores: number; skus: number; json?: string; ceilingOnly?: boolean; forecastOnly?: boolean }, cmd: Command) => {
    const { evaluateCommand } = await import('./evaluate-command');
    // the lake is evaluate's own: a temporary folder unless --lake names one (empty or new)
    const source = cmd.getOptionValueSourceWithGlobals('lake');
    // --ceiling-only builds no lake: one named only by the environment is no mistake
    const lake = source === 'default' || (opts.ceilingOnly && source === 'env') ? undefined : lakeOf(cmd);
    await evaluateCommand({ ...opts, lake });
  });

program
  .command('status')
  .description('runs, counts (received, curated, quarantined by reason, duplicates), alarms')
  .option('--json', 'machine-readable output')
  .action(async (opts: { json?: boolean }, cmd: Command) => {
    const { statusCommand } = await import('./status-command');
    process.stdout.write(await statusCommand(lakeOf(cmd), opts));
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number };
    if (e.code?.startsWith('commander.')) {
      // commander has printed its message; help and version are not errors
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    process.stderr.write(`retail-lake: ${e.message}\n`);
    process.exitCode = err instanceof UsageError ? EXIT_BAD_INPUT : EXIT_PIPELINE_FAILED;
  }
}

void main();
