import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PRODUCT_COLUMNS,
  STORE_FILE_COLUMNS,
  toCsv,
  type Product,
  type ReferenceData,
  type Store,
} from '../../functions/lib/reference/reference-data';
import { resolveOptions, type SimulatorOptions } from './options';
import { BASE_CURRENCY, dailyRates, startRate } from './currencies';
import { Rng } from './random';

/** Reference data as the simulator produces it: arrays in a stable order (stores.csv / products.csv rows). */
export interface SimReference {
  stores: Store[];
  products: Product[];
}

/** The first seven sites cover the seven time zones the demo must show; further stores cycle through the list. */
const SITES: readonly { city: string; region: string; timezone: string; currency: string }[] = [
  { city: 'New York', region: 'US Northeast', timezone: 'America/New_York', currency: 'USD' },
  { city: 'Chicago', region: 'US Midwest', timezone: 'America/Chicago', currency: 'USD' },
  { city: 'Denver', region: 'US Mountain', timezone: 'America/Denver', currency: 'USD' },
  { city: 'Los Angeles', region: 'US West', timezone: 'America/Los_Angeles', currency: 'USD' },
  { city: 'London', region: 'UK & Ireland', timezone: 'Europe/London', currency: 'GBP' },
  { city: 'Berlin', region: 'DACH', timezone: 'Europe/Berlin', currency: 'EUR' },
  { city: 'Sydney', region: 'ANZ', timezone: 'Australia/Sydney', currency: 'AUD' },
  { city: 'Boston', region: 'US Northeast', timezone: 'America/New_York', currency: 'USD' },
  { city: 'Dallas', region: 'US Midwest', timezone: 'America/Chicago', currency: 'USD' },
  { city: 'Seattle', region: 'US West', timezone: 'America/Los_Angeles', currency: 'USD' },
  { city: 'Phoenix', region: 'US Mountain', timezone: 'America/Phoenix', currency: 'USD' },
  { city: 'Munich', region: 'DACH', timezone: 'Europe/Berlin', currency: 'EUR' },
  { city: 'Manchester', region: 'UK & Ireland', timezone: 'Europe/London', currency: 'GBP' },
  { city: 'Melbourne', region: 'ANZ', timezone: 'Australia/Melbourne', currency: 'AUD' },
  { city: 'Philadelphia', region: 'US Northeast', timezone: 'America/New_York', currency: 'USD' },
  { city: 'Salt Lake City', region: 'US Mountain', timezone: 'America/Denver', currency: 'USD' },
];

/** Store formats and their typical size (a multiplier on revenue and traffic). */
const FORMATS: readonly { name: string; size: number }[] = [
  { name: 'Downtown', size: 1.35 },
  { name: 'Mall', size: 1.0 },
  { name: 'Airport', size: 0.6 },
  { name: 'Outlet', size: 0.8 },
  { name: 'Uptown', size: 1.15 },
  { name: 'Riverside', size: 0.9 },
];

const BASE_DAILY_REVENUE = 8000;

/** An item kind and its plausible list price range in USD (log-uniform inside it). */
type ItemSpec = readonly [name: string, minPrice: number, maxPrice: number];

interface CategorySpec {
  name: string;
  /** gross margin range as a share of list price */
  margin: [number, number];
  /** relative demand of the category */
  demand: number;
  brands: string[];
  items: ItemSpec[];
  variants: string[];
  suppliers: string[];
}

const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Grocery', margin: [0.18, 0.32], demand: 1.6,
    brands: ['Harvest Lane', 'Good Pantry', 'Meadowfield'],
    items: [['Pasta', 1.2, 3.5], ['Rice', 1.8, 6], ['Olive Oil', 5, 14], ['Granola', 3, 7], ['Peanut Butter', 2.5, 6], ['Tomato Sauce', 1.5, 4], ['Oat Flakes', 1.8, 4.5], ['Honey', 4, 11], ['Crackers', 1.8, 4.5], ['Coffee Beans', 6, 16]],
    variants: ['500 g', '1 kg', 'Organic', 'Family Pack', 'Classic'],
    suppliers: ['Northwind Foods', 'Blue Valley Distribution'],
  },
  {
    name: 'Beverages', margin: [0.22, 0.4], demand: 1.5,
    brands: ['Clearspring', 'Fizzworks', 'Alpine Leaf'],
    items: [['Sparkling Water', 0.9, 2.5], ['Orange Juice', 2.5, 5], ['Cola', 1, 3], ['Green Tea', 1.5, 4], ['Energy Drink', 1.8, 3.5], ['Lemonade', 1.2, 3], ['Cold Brew', 2.8, 5.5]],
    variants: ['330 ml', '1 l', '6-pack', 'Zero Sugar', 'Original'],
    suppliers: ['Blue Valley Distribution', 'Coastal Beverage Co'],
  },
  {
    name: 'Household', margin: [0.25, 0.42], demand: 0.9,
    brands: ['BrightHome', 'Pureclean', 'Nestwell'],
    items: [['Dish Soap', 2, 5], ['Laundry Detergent', 6, 18], ['Paper Towels', 3, 9], ['Trash Bags', 3.5, 9], ['All-Purpose Cleaner', 2.5, 6], ['Sponges', 1.5, 4.5]],
    variants: ['Lemon', 'Unscented', 'Value Pack', 'Refill', 'Large'],
    suppliers: ['Nordic Home Supply', 'Northwind Foods'],
  },
  {
    name: 'Personal Care', margin: [0.35, 0.55], demand: 0.8,
    brands: ['Velvet & Co', 'Dermaleaf', 'Sunkissed'],
    items: [['Shampoo', 3.5, 9], ['Toothpaste', 2, 5], ['Body Lotion', 4, 12], ['Deodorant', 3, 7], ['Sunscreen', 7, 16], ['Hand Soap', 2, 5], ['Razor Blades', 9, 25]],
    variants: ['Sensitive', 'Travel Size', 'Fresh', 'SPF 30', 'Twin Pack'],
    suppliers: ['Evergreen Health Supply', 'Nordic Home Supply'],
  },
  {
    name: 'Electronics', margin: [0.12, 0.3], demand: 0.25,
    brands: ['Voltra', 'Kinetix', 'Lumen Audio'],
    items: [['USB-C Cable', 8, 22], ['Wireless Earbuds', 40, 180], ['Power Bank', 20, 60], ['Bluetooth Speaker', 30, 150], ['Phone Charger', 12, 35], ['Smart Plug', 15, 35], ['Headphones', 50, 350]],
    variants: ['Black', 'White', '2 m', 'Pro', 'Mini'],
    suppliers: ['Pacific Rim Electronics', 'Kestrel Tech Imports'],
  },
  {
    name: 'Apparel', margin: [0.45, 0.65], demand: 0.35,
    brands: ['Fieldstone', 'Urban Loom', 'Tidewear'],
    items: [['T-Shirt', 10, 25], ['Socks', 5, 14], ['Hoodie', 30, 65], ['Baseball Cap', 12, 28], ['Rain Jacket', 45, 110], ['Scarf', 12, 35]],
    variants: ['S', 'M', 'L', 'XL', 'Navy', 'Grey'],
    suppliers: ['Atlas Apparel Group', 'Kestrel Tech Imports'],
  },
  {
    name: 'Home & Kitchen', margin: [0.3, 0.5], demand: 0.3,
    brands: ['Copperleaf', 'Hearth & Oak', 'Nestwell'],
    items: [['Mug', 5, 14], ['Chef Knife', 20, 90], ['Storage Box', 6, 20], ['Scented Candle', 8, 25], ['Cutting Board', 12, 35], ['Water Bottle', 10, 30], ['Frying Pan', 25, 80]],
    variants: ['Set of 2', 'Large', 'Stainless', 'Bamboo', 'Matte'],
    suppliers: ['Nordic Home Supply', 'Atlas Apparel Group'],
  },
  {
    name: 'Snacks', margin: [0.25, 0.45], demand: 1.4,
    brands: ['Crunchville', 'Sweet Acre', 'Meadowfield'],
    items: [['Potato Chips', 1.5, 4], ['Chocolate Bar', 0.9, 3], ['Trail Mix', 3, 7], ['Gummy Bears', 1.2, 3.5], ['Pretzels', 1.5, 3.5], ['Protein Bar', 1.8, 3.5], ['Popcorn', 1.5, 4]],
    variants: ['Sea Salt', 'Dark', 'Share Size', 'Spicy', 'Mini'],
    suppliers: ['Northwind Foods', 'Coastal Beverage Co'],
  },
  {
    name: 'Toys & Games', margin: [0.3, 0.5], demand: 0.2,
    brands: ['Playforge', 'Tinker Town'],
    items: [['Puzzle', 10, 28], ['Card Game', 6, 18], ['Building Blocks', 15, 70], ['Plush Bear', 10, 30], ['Board Game', 20, 55]],
    variants: ['500 pcs', 'Junior', 'Deluxe', 'Travel', 'Classic'],
    suppliers: ['Kestrel Tech Imports', 'Pacific Rim Electronics'],
  },
  {
    name: 'Stationery', margin: [0.35, 0.55], demand: 0.45,
    brands: ['Inkwell', 'Papercraft'],
    items: [['Notebook', 2, 9], ['Gel Pens', 3, 9], ['Sticky Notes', 1.5, 5], ['Highlighters', 2.5, 7], ['Envelope Pack', 2, 6], ['Stapler', 6, 18]],
    variants: ['A5', 'A4', 'Assorted', '10-pack', 'Recycled'],
    suppliers: ['Atlas Apparel Group', 'Evergreen Health Supply'],
  },
];

/** Lead time range by supplier: overseas electronics take longer than the local grocery wholesaler. */
const SUPPLIER_LEAD_DAYS: Readonly<Record<string, [number, number]>> = {
  'Northwind Foods': [2, 4],
  'Blue Valley Distribution': [2, 5],
  'Coastal Beverage Co': [3, 6],
  'Nordic Home Supply': [4, 8],
  'Evergreen Health Supply': [3, 7],
  'Pacific Rim Electronics': [7, 14],
  'Kestrel Tech Imports': [6, 12],
  'Atlas Apparel Group': [5, 10],
};

/** Relative demand of a category by name (used for popularity; 1 for categories the simulator does not know). */
export function categoryDemand(category: string): number {
  return CATEGORIES.find((c) => c.name === category)?.demand ?? 1;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function generateStores(n: number, seed: number): Store[] {
  const rng = new Rng(seed, 'stores');
  const width = Math.max(3, String(n).length);
  const stores: Store[] = [];
  for (let i = 0; i < n; i++) {
    const site = SITES[i % SITES.length];
    // Each city gets a different format on every pass through the site list.
    const format = FORMATS[(i + Math.floor(i / SITES.length)) % FORMATS.length];
    const round = Math.floor(i / (SITES.length * FORMATS.length));
    const store_id = `S${String(i + 1).padStart(width, '0')}`;
    const size = format.size * rng.uniform(0.8, 1.25);
    stores.push({
      store_id,
      store_name: `${site.city} ${format.name}${round > 0 ? ` ${round + 1}` : ''}`,
      region: site.region,
      manager_email: `manager.${store_id.toLowerCase()}@${slug(site.city)}.stores.example.com`,
      timezone: site.timezone,
      // in the store's own currency, like every amount the store's tills send
      target_daily_revenue: Math.round((BASE_DAILY_REVENUE * size) / startRate(site.currency) / 100) * 100,
      currency: site.currency,
    });
  }
  return stores;
}

/** A price that looks like one: 4.99, 12.49, 129.00. */
export function shelfPrice(raw: number): number {
  if (raw >= 100) return Math.round(raw);
  const whole = Math.floor(raw);
  const ending = raw - whole < 0.5 ? 0.49 : 0.99;
  return cents(Math.max(whole, 0) + ending);
}

function generateProducts(n: number, seed: number): Product[] {
  const rng = new Rng(seed, 'products');
  const width = Math.max(5, String(n).length);
  const products: Product[] = [];
  for (let i = 0; i < n; i++) {
    // Cycle categories (weighted so everyday categories have more SKUs), then vary inside the category.
    const cat = CATEGORIES[i % CATEGORIES.length];
    const brand = rng.pick(cat.brands);
    const [item, minPrice, maxPrice] = rng.pick(cat.items);
    const list_price = shelfPrice(Math.exp(rng.uniform(Math.log(minPrice), Math.log(maxPrice))));
    const margin = rng.uniform(cat.margin[0], cat.margin[1]);
    const unit_cost = Math.min(cents(list_price * (1 - margin)), cents(list_price - 0.01));
    const supplier = rng.pick(cat.suppliers);
    const [leadMin, leadMax] = SUPPLIER_LEAD_DAYS[supplier];
    products.push({
      sku: `SKU-${String(i + 1).padStart(width, '0')}`,
      product_name: `${brand} ${item} ${rng.pick(cat.variants)}`,
      category: cat.name,
      brand,
      unit_cost: Math.max(unit_cost, 0.01),
      list_price,
      supplier,
      lead_time_days: rng.int(leadMin, leadMax),
    });
  }
  return products;
}

/** Stores and catalog for the options (only seed, stores and skus matter). */
export function generateReference(opts: SimulatorOptions = {}): SimReference {
  const o = resolveOptions(opts);
  return { stores: generateStores(o.stores, o.seed), products: generateProducts(o.skus, o.seed) };
}

/** The maps the contract's `checkReferences` takes. */
export function toReferenceData(ref: SimReference): ReferenceData {
  return {
    stores: new Map(ref.stores.map((s) => [s.store_id, s])),
    products: new Map(ref.products.map((p) => [p.sku, p])),
  };
}

export function storesCsv(ref: SimReference): string {
  return toCsv<Store>([...STORE_FILE_COLUMNS], ref.stores.map((s) => ({ ...s, currency: s.currency ?? BASE_CURRENCY })));
}

export function productsCsv(ref: SimReference): string {
  return toCsv<Product>([...PRODUCT_COLUMNS], ref.products);
}

/**
 * exchange_rates.csv (`rate_date,currency,rate`: 1 unit of `currency` = `rate` US dollars on `rate_date`) for the
 * stores' currencies over the simulated days (only seed, startDate and days of the options matter).
 */
export function exchangeRatesCsv(ref: SimReference, opts: SimulatorOptions = {}): string {
  const o = resolveOptions(opts);
  const rows = dailyRates(ref.stores.map((s) => s.currency ?? BASE_CURRENCY), o.startDate, o.days, o.seed);
  return toCsv(['rate_date', 'currency', 'rate'], rows);
}

/** Writes `stores.csv`, `products.csv` and `exchange_rates.csv` into `dir` (created if needed) and returns their paths. */
export function writeReferenceCsv(ref: SimReference, dir: string, opts: SimulatorOptions = {}): { stores: string; products: string; exchangeRates: string } {
  mkdirSync(dir, { recursive: true });
  const stores = join(dir, 'stores.csv');
  const products = join(dir, 'products.csv');
  const exchangeRates = join(dir, 'exchange_rates.csv');
  writeFileSync(stores, storesCsv(ref));
  writeFileSync(products, productsCsv(ref));
  writeFileSync(exchangeRates, exchangeRatesCsv(ref, opts));
  return { stores, products, exchangeRates };
}
