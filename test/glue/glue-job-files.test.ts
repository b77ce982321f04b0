/**
 * Every file the Glue job imports or reads reaches it under the name the script uses.
 *
 * The job's Python (glue/curate_batch.py and the local modules it imports) is read with Python's ast
 * (test/glue/job_files.py): local imports, names passed to resource_text (files beside spark_dialect, i.e. in the
 * support zip) and to open() (the working directory, i.e. --extra-files), also through the script's reader functions
 * such as sql_file(name). The Glue job is synthesized with its assets bundled, and each S3 object of
 * --extra-py-files / --extra-files is traced through the asset manifest to what Glue gets: a zip (on the Python
 * path whatever its key, its members keep their names) or a single file (which Glue names after its S3 key, a
 * hash for a CDK file asset). Then the staged zip folder is zipped and imported by python3 from the zip.
 *
 * Not proven here: Glue's own handling of a zip in --extra-py-files (AWS documents it; this is Spark's --py-files).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CurateGlueJob, JOB_SUPPORT_MODULE } from '../../infra/lib/pipeline/curate-glue-job';
import { projectPath } from '../../infra/lib/common/paths';

interface JobFiles {
  imports: string[];
  resources: string[];
  opens: string[];
  unresolved: string[];
}

/** What Glue gets from one S3 object of the job's arguments. */
interface ShippedObject {
  key: string;
  /** the names the object provides: a zip's members, or the object's own base name */
  names: string[];
  /** the staged folder a zip is made of */
  folder?: string;
}

type Json = Record<string, unknown>;

function python(args: string[], input?: string): string {
  const r = spawnSync('python3', args, { encoding: 'utf8', input, timeout: 30_000 });
  if (r.status !== 0) throw new Error(`python3 ${args.join(' ')} failed: ${r.stderr || String(r.error)}`);
  return r.stdout;
}

function jobFiles(): JobFiles {
  return JSON.parse(python([join(__dirname, 'job_files.py'), projectPath('glue', 'curate_batch.py')])) as JobFiles;
}

/** A CloudFormation string value with every token replaced by `<ref>`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return join ? join[1].map(flatten).join(join[0]) : '<ref>';
}

/** The Glue job of a synthesized stack: its default arguments, and each S3 object of the two file arguments. */
function synthesizedJob(): { args: Record<string, string>; pythonPath: ShippedObject[]; extraFiles: ShippedObject[] } {
  const app = new App(); // assets bundled: the support zip's folder is staged as Glue will get it
  const stack = new Stack(app, 'GlueJobFiles');
  new CurateGlueJob(stack, 'Curate', { prefix: 'test', curated: new s3.Bucket(stack, 'Curated'), key: new kms.Key(stack, 'Key'), alarmTopic: new sns.Topic(stack, 'Ops') });
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, { Type: string; Properties: Json }> };
  const job = Object.values(template.Resources).find((r) => r.Type === 'AWS::Glue::Job');
  const args = Object.fromEntries(Object.entries((job?.Properties.DefaultArguments ?? {}) as Json).map(([k, v]) => [k, flatten(v)]));
  const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const sources = new Map(Object.values(manifest.files).flatMap((f) => Object.values(f.destinations).map((d) => [d.objectKey, f.source] as const)));
  const shipped = (arg: string | undefined): ShippedObject[] =>
    (arg ? arg.split(',') : []).map((url) => {
      const key = url.replace(/^s3:\/\/[^/]+\//, '');
      const source = sources.get(key);
      if (source?.packaging !== 'zip') return { key, names: [basename(key)] };
      const folder = join(assembly.directory, source.path);
      return { key, names: readdirSync(folder), folder };
    });
  return { args, pythonPath: shipped(args['--extra-py-files']), extraFiles: shipped(args['--extra-files']) };
}

describe('the Glue job’s files, as the job receives them', () => {
  let files: JobFiles;
  let job: ReturnType<typeof synthesizedJob>;
  beforeAll(() => {
    files = jobFiles();
    job = synthesizedJob();
  });

  it('finds what the script imports and reads, with every file name resolved', () => {
    expect(files.unresolved).toEqual([]);
    expect(files.imports).toEqual([JOB_SUPPORT_MODULE.replace(/\.py$/, '')]);
    // the five SQL files of the curation, sql_file("...") in the script, and the dialect mapping
    expect(files.resources).toEqual(expect.arrayContaining(['dialect.json', 'new_events.sql', 'dated_events.sql', 'sales_lines.sql', 'inventory_events.sql', 'date_totals.sql']));
  });

  it('puts every module the script imports on the Python path under its module name', () => {
    const importable = job.pythonPath.flatMap((o) => o.names);
    for (const module of files.imports) expect({ module, importable }).toEqual({ module, importable: expect.arrayContaining([`${module}.py`]) });
  });

  it('ships every file read beside spark_dialect in the zip that holds spark_dialect.py', () => {
    const zip = job.pythonPath.find((o) => o.names.includes(JOB_SUPPORT_MODULE));
    expect(zip?.folder).toBeDefined();
    for (const resource of files.resources) expect({ resource, zip: zip?.names }).toEqual({ resource, zip: expect.arrayContaining([resource]) });
  });

  it('copies every file opened by name into the working directory under that name', () => {
    const workingDirectory = job.extraFiles.flatMap((o) => o.names);
    for (const opened of files.opens) expect({ opened, workingDirectory }).toEqual({ opened, workingDirectory: expect.arrayContaining([opened]) });
  });

  it('zips the same bytes the repository holds (the SQL of sql/transform/, the mapping and module of glue/)', () => {
    const zip = job.pythonPath.find((o) => o.names.includes(JOB_SUPPORT_MODULE));
    for (const name of zip?.names ?? []) {
      const source = name.endsWith('.sql') ? projectPath('sql', 'transform', name) : projectPath('glue', name);
      expect({ name, same: readFileSync(join(zip?.folder ?? '', name), 'utf8') === readFileSync(source, 'utf8') }).toEqual({ name, same: true });
    }
  });

  it('imports spark_dialect from the zip and reads every file through it (python3, zipimport)', () => {
    const folder = job.pythonPath.find((o) => o.names.includes(JOB_SUPPORT_MODULE))?.folder ?? '';
    const zipPath = join(mkdtempSync(join(tmpdir(), 'glue-zip-')), 'support.zip');
    const out = python(
      ['-c', 'import json, os, sys, zipfile\n' +
        'folder, zip_path, names = sys.argv[1], sys.argv[2], json.loads(sys.stdin.read())\n' +
        'with zipfile.ZipFile(zip_path, "w") as z:\n' +
        '    for n in sorted(os.listdir(folder)): z.write(os.path.join(folder, n), n)\n' +
        'os.chdir("/")  # nothing readable from the working directory\n' +
        'sys.path.insert(0, zip_path)\n' +
        'import spark_dialect\n' +
        'assert spark_dialect.__file__.startswith(zip_path), spark_dialect.__file__\n' +
        'sizes = {n: len(spark_dialect.resource_text(n)) for n in names}\n' +
        'print(json.dumps({"session": spark_dialect.load_mapping()["session"], "sizes": sizes}))\n',
        folder, zipPath],
      JSON.stringify(files.resources),
    );
    const read = JSON.parse(out) as { session: Record<string, string>; sizes: Record<string, number> };
    expect(read.session['spark.sql.session.timeZone']).toBe('UTC');
    expect(Object.keys(read.sizes).sort()).toEqual([...files.resources].sort());
    for (const size of Object.values(read.sizes)) expect(size).toBeGreaterThan(0);
  });
});
