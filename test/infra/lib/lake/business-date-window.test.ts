import { businessDateWindow, BUSINESS_DAYS_AHEAD, EARLIEST_BUSINESS_DATE, isOutsideWindow } from '../../../../functions/lib/contract/business-date-window';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage } from '../../synthesized-stage';

/** Nothing is curated that Athena cannot see: the Glue tables' partition projection covers exactly the business
 * dates Validate lets through (one setting, functions/lib/contract/business-date-window.ts). */
describe('the business-date window and the curated tables partition projection', () => {
  let ranges: Record<string, string>;
  beforeAll(async () => {
    const { templates } = await synthesizedStage();
    ranges = Object.fromEntries(
      resourcesOfType(templates.lake, 'AWS::Glue::Table').flatMap(([, p]) => {
        const input = p.TableInput as { Name: string; Parameters: Record<string, unknown> };
        const range = input.Parameters['projection.business_date.range'] ?? input.Parameters['projection.month_start.range'];
        return range === undefined ? [] : [[input.Name, String(range)]];
      }),
    );
  });

  it('projects the window: from its first date to NOW plus the days ahead it accepts', () => {
    expect(ranges).toEqual({
      sales_lines: `${EARLIEST_BUSINESS_DATE},NOW+${BUSINESS_DAYS_AHEAD}DAYS`,
      inventory_events: `${EARLIEST_BUSINESS_DATE},NOW+${BUSINESS_DAYS_AHEAD}DAYS`,
      purchase_orders: `${EARLIEST_BUSINESS_DATE},NOW+${BUSINESS_DAYS_AHEAD}DAYS`,
      store_day_baskets: `${EARLIEST_BUSINESS_DATE},NOW+${BUSINESS_DAYS_AHEAD}DAYS`,
    });
  });

  it('lets through exactly the dates in that range (in UTC, a store in London in winter)', () => {
    const [start, end] = ranges.sales_lines.split(',');
    const days = Number(/^NOW\+(\d+)DAYS$/.exec(end)![1]);
    const now = new Date('2024-01-10T12:00:00Z');
    const window = businessDateWindow(now);
    const dayBefore = new Date(Date.parse(`${start}T00:00:00Z`) - 1000).toISOString();
    const lastProjected = new Date(Date.UTC(2024, 0, 10 + days, 23, 59, 59)).toISOString();
    const firstBeyond = new Date(Date.UTC(2024, 0, 11 + days)).toISOString();
    expect([dayBefore, `${start}T00:00:00Z`, lastProjected, firstBeyond].map((t) => isOutsideWindow(t, 'Europe/London', window))).toEqual([true, false, false, true]);
  });
});
