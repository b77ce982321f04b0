import {
  ConfigurationError,
  DataError,
  ERROR_NAMES,
  PipelineStateError,
  RetailLakeError,
  TransientError,
  withContext,
} from '../../../functions/lib/errors';
import { ReferenceDataError } from '../../../functions/lib/reference/reference-data';

describe('error classes', () => {
  it.each([
    [RetailLakeError, ERROR_NAMES.retailLake],
    [TransientError, ERROR_NAMES.transient],
    [DataError, ERROR_NAMES.data],
    [ConfigurationError, ERROR_NAMES.configuration],
    [PipelineStateError, ERROR_NAMES.pipelineState],
  ])('%p reports its own name (what Lambda gives Step Functions as the error type)', (Kind, name) => {
    const err = new Kind('boom');
    expect(err.name).toBe(name);
    expect(err.message).toBe('boom');
    expect(err).toBeInstanceOf(RetailLakeError);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toBe(`${name}: boom`);
  });

  it('has one name per class, each the class name', () => {
    expect(Object.values(ERROR_NAMES)).toEqual(['RetailLakeError', 'TransientError', 'DataError', 'ConfigurationError', 'PipelineStateError']);
  });

  it('keeps the cause', () => {
    const cause = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const err = new TransientError('Redshift Data API DescribeStatement', { cause });
    expect(err.cause).toBe(cause);
  });

  it('keeps the subclasses apart', () => {
    expect(new TransientError('x')).not.toBeInstanceOf(DataError);
    expect(new DataError('x')).not.toBeInstanceOf(TransientError);
    expect(new ReferenceDataError('stores.csv', 2, 'store_id', 'is empty')).toBeInstanceOf(DataError);
  });
});

describe('withContext', () => {
  it('keeps the kind of one of ours, so a transient failure stays retryable', () => {
    const cause = new TransientError('S3 GetObject: SlowDown: reduce your request rate');
    const err = withContext('reading raw object raw/pos/a.gz', cause, DataError);
    expect(err).toBeInstanceOf(TransientError);
    expect(err.name).toBe('TransientError');
    expect(err.message).toBe('reading raw object raw/pos/a.gz: S3 GetObject: SlowDown: reduce your request rate');
    expect(err.cause).toBe(cause);
  });

  it('counts a subclass as its kind', () => {
    expect(withContext('loading', new ReferenceDataError('p.csv', null, null, 'has no data rows'))).toBeInstanceOf(DataError);
  });

  it('uses the fallback for any other error, and the base class without one', () => {
    const cause = new Error('unexpected end of file');
    expect(withContext('reading raw object k', cause, DataError)).toBeInstanceOf(DataError);
    const plain = withContext('statement 1 failed', cause);
    expect(plain.name).toBe('RetailLakeError');
    expect(plain.cause).toBe(cause);
    expect(withContext('x', 'a string').message).toBe('x: a string');
  });
});
