import { RetailLakeError } from '../../functions/lib/errors';

/** Exit codes of docs/architecture.md §10. */
export const EXIT_OK = 0;
export const EXIT_PIPELINE_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** A failure the user can fix (bad usage, a bad input file): one line on stderr, exit code 2. */
export class UsageError extends RetailLakeError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
