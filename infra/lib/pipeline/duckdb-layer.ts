import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { localCopyBundling } from '../common/local-bundling';
import { projectPath } from '../common/paths';

/** The packages that make up @duckdb/node-api on linux-x64 (the API, its loader, the native binding). */
export const DUCKDB_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-linux-x64'];

function duckdbVersion(): string {
  const pkg = JSON.parse(readFileSync(projectPath('node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * @duckdb/node-api is a native module, so the bundles leave it out (EXTERNAL_MODULES) and this layer supplies it at
 * /opt/nodejs/node_modules, copied from the installed linux-x64 packages: no Docker and no network at synth. The
 * asset hash is the package version, so the 70 MB copy happens once per version, not on every synth.
 */
export class DuckDbLayer extends Construct {
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const version = duckdbVersion();
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      description: `@duckdb/node-api ${version} (linux-x64)`,
      compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
      compatibleArchitectures: [lambda.Architecture.X86_64],
      code: lambda.Code.fromAsset(projectPath('node_modules', '@duckdb'), {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `duckdb-node-api-${version}-linux-x64`,
        bundling: localCopyBundling((outputDir) => {
          for (const pkg of DUCKDB_PACKAGES) {
            cpSync(projectPath('node_modules', pkg), join(outputDir, 'nodejs', 'node_modules', pkg), { recursive: true, dereference: true });
          }
        }),
      }),
    });
  }
}
