import { type BundlingOptions, DockerImage } from 'aws-cdk-lib';

/**
 * Bundling that only copies files on the synth machine (no Docker, no network): `copy` fills the asset's output
 * folder. CDK requires an image, which is never pulled because local bundling always succeeds.
 */
export function localCopyBundling(copy: (outputDir: string) => void): BundlingOptions {
  return {
    image: DockerImage.fromRegistry('unused-local-bundling-only'),
    local: {
      tryBundle(outputDir: string): boolean {
        copy(outputDir);
        return true;
      },
    },
  };
}
