import { ConfigurationError } from '../../../../functions/lib/errors';
import { parseStoresCsv } from '../../../../functions/lib/reference/reference-data';
import { managerRlsRows, managersFromStores, storesOfManager } from '../../../../functions/lib/reference/store-managers';

// S003 and S001 share a manager, listed out of order
const STORES = parseStoresCsv(`store_id,store_name,region,manager_email,timezone,target_daily_revenue
S003,Chicago Loop,central,central@example.com,America/Chicago,15000
S002,Portland Pearl,west,pdx@example.com,America/Los_Angeles,9000
S001,Chicago North,central,central@example.com,America/Chicago,8000
`);
const QS_CENTRAL = 'arn:aws:quicksight:us-east-1:123456789012:user/default/central';

describe('the store-to-manager mapping', () => {
  it('groups the stores by manager e-mail, each manager once with their stores sorted', () => {
    expect(managersFromStores(STORES.values())).toEqual([
      { email: 'central@example.com', storeIds: ['S001', 'S003'] },
      { email: 'pdx@example.com', storeIds: ['S002'] },
    ]);
  });

  it("gives a manager's stores, and names an e-mail that manages none", () => {
    expect(storesOfManager(STORES.values(), 'central@example.com')).toEqual(['S001', 'S003']);
    expect(storesOfManager(STORES.values(), 'pdx@example.com')).toEqual(['S002']);
    expect(() => storesOfManager(STORES.values(), 'nobody@example.com')).toThrow(ConfigurationError);
    expect(() => storesOfManager(STORES.values(), 'nobody@example.com')).toThrow(/"nobody@example\.com" manages no store/);
  });

  it('gives one row-level security row per store of each identity with a QuickSight user, none for IAM-only identities', () => {
    const managers = managersFromStores(STORES.values());
    const rows = managerRlsRows(managers, [
      { email: 'central@example.com', quickSightUserArn: QS_CENTRAL, iamPrincipalArn: 'arn:aws:iam::123456789012:role/central' },
      { email: 'pdx@example.com', iamPrincipalArn: 'arn:aws:iam::123456789012:role/pdx' },
    ]);
    expect(rows).toEqual([
      { userArn: QS_CENTRAL, storeId: 'S001' },
      { userArn: QS_CENTRAL, storeId: 'S003' },
    ]);
    expect(() => managerRlsRows(managers, [{ email: 'gone@example.com', quickSightUserArn: QS_CENTRAL }])).toThrow(/"gone@example\.com" manages no store/);
  });
});
