import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PRODUCT_COLUMNS,
  STORE_COLUMNS,
  toCsv,
  type Product,
  type ReferenceData,
  type Store,
} from '../../functions/lib/reference/reference-data';
import { resolveOptions, type SimulatorOptions } from './options';
import { Rng } from './random';

/** Reference data as the simulator produces it: arrays in a stable order (stores.csv / products.csv rows). */
export interface SimReference {
  stores: Store[];
  products: Product[];
}

/** The first seven sites cover the seven time zones the demo must show; further stores cycle through the list. */
const SITES: readonly { city: string; region: string; timezone: string }[] = [
  { city: 'New York', region: 'US Northeast', timezone: 'America/New_York' },
  { city: 'Chicago', region: 'US Midwest', timezone: 'America/Chicago' },
  { city: 'Denver', region: 'US Mountain', timezone: 'America/Denver' },
  { city: 'Los Angeles', region: 'US West', timezone: 'America/Los_Angeles' },
  { city: 'London', region: 'UK & Ireland', timezone: 'Europe/London' },
  { city: 'Berlin', region: 'DACH', timezone: 'Europe/Berlin' },
  { city: 'Sydney', region: 'ANZ', timezone: 'Australia/Sydney' },
  { city: 'Boston', region: 'US Northeast', timezone: 'America/New_York' },
  { city: 'Dallas', region: 'US Midwest', timezone: 'America/Chicago' },
  { city: 'Seattle', region: 'US West', timezone: 'America/Los_Angeles' },
  { city: 'Phoenix', region: 'US Mountain', timezone: 'America/Phoenix' },
  { city: 'Munich', region: 'DACH', timezone: 'Europe/Berlin' },
  { city: 'Manchester', region: 'UK & Ireland', timezone: 'Europe/London' },
  { city: 'Melbourne', region: 'ANZ', timezone: 'Australia/Melbourne' },
  { city: 'Philadelphia', region: 'US Northeast', timezone: 'America/New_York' },
  { city: 'Salt Lake City', region: 'US Mountain', timezone: 'America/Denver' },
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

const BASE_DAILY_REVENUE = 14000;

interface CategorySpec {
  name: string;
  /** list price range, log-uniform */
  price: [number, number];
  /** gross margin range as a share of list price */
  margin: [number, number];
  /** relative demand of the category */
  demand: number;
  brands: string[];
  items: string[];
  variants: string[];
  suppliers: string[];
}

const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Grocery', price: [1.2, 12], margin: [0.18, 0.32], demand: 1.6,
    brands: ['Harvest Lane', 'Good Pantry', 'Meadowfield'],
    items: ['Pasta', 'Rice', 'Olive Oil', 'Granola', 'Peanut Butter', 'Tomato Sauce', 'Oat Flakes', 'Honey', 'Crackers', 'Coffee Beans'],
    variants: ['500 g', '1 kg', 'Organic', 'Family Pack', 'Classic'],
    suppliers: ['Northwind Foods', 'Blue Valley Distribution'],
  },
  {
    name: 'Beverages', price: [0.9, 9], margin: [0.22, 0.4], demand: 1.5,
    brands: ['Clearspring', 'Fizzworks', 'Alpine Leaf'],
    items: ['Sparkling Water', 'Orange Juice', 'Cola', 'Green Tea', 'Energy Drink', 'Lemonade', 'Cold Brew'],
    variants: ['330 ml', '1 l', '6-pack', 'Zero Sugar', 'Original'],
    suppliers: ['Blue Valley Distribution', 'Coastal Beverage Co'],
  },
  {
    name: 'Household', price: [2, 25], margin: [0.25, 0.42], demand: 0.9,
    brands: ['BrightHome', 'Pureclean', 'Nestwell'],
    items: ['Dish Soap', 'Laundry Detergent', 'Paper Towels', 'Trash Bags', 'All-Purpose Cleaner', 'Sponges'],
    variants: ['Lemon', 'Unscented', 'Value Pack', 'Refill', 'Large'],
    suppliers: ['Nordic Home Supply', 'Northwind Foods'],
  },
  {
    name: 'Personal Care', price: [2.5, 30], margin: [0.35, 0.55], demand: 0.8,
    brands: ['Velvet & Co', 'Dermaleaf', 'Sunkissed'],
    items: ['Shampoo', 'Toothpaste', 'Body Lotion', 'Deodorant', 'Sunscreen', 'Hand Soap', 'Razor Blades'],
    variants: ['Sensitive', 'Travel Size', 'Fresh', 'SPF 30', 'Twin Pack'],
    suppliers: ['Evergreen Health Supply', 'Nordic Home Supply'],
  },
  {
    name: 'Electronics', price: [9, 400], margin: [0.12, 0.3], demand: 0.25,
    brands: ['Voltra', 'Kinetix', 'Lumen Audio'],
    items: ['USB-C Cable', 'Wireless Earbuds', 'Power Bank', 'Bluetooth Speaker', 'Phone Charger', 'Smart Plug', 'Headphones'],
    variants: ['Black', 'White', '2 m', 'Pro', 'Mini'],
    suppliers: ['Pacific Rim Electronics', 'Kestrel Tech Imports'],
  },
  {
    name: 'Apparel', price: [6, 90], margin: [0.45, 0.65], demand: 0.35,
    brands: ['Fieldstone', 'Urban Loom', 'Tidewear'],
    items: ['T-Shirt', 'Socks', 'Hoodie', 'Baseball Cap', 'Rain Jacket', 'Scarf'],
    variants: ['S', 'M', 'L', 'XL', 'Navy', 'Grey'],
    suppliers: ['Atlas Apparel Group', 'Kestrel Tech Imports'],
  },
  {
    name: 'Home & Kitchen', price: [4, 120], margin: [0.3, 0.5], demand: 0.3,
    brands: ['Copperleaf', 'Hearth & Oak', 'Nestwell'],
    items: ['Mug', 'Chef Knife', 'Storage Box', 'Scented Candle', 'Cutting Board', 'Water Bottle', 'Frying Pan'],
    variants: ['Set of 2', 'Large', 'Stainless', 'Bamboo', 'Matte'],
    suppliers: ['Nordic Home Supply', 'Atlas Apparel Group'],
  },
  {
    name: 'Snacks', price: [0.8, 7], margin: [0.25, 0.45], demand: 1.4,
    brands: ['Crunchville', 'Sweet Acre', 'Meadowfield'],
    items: ['Potato Chips', 'Chocolate Bar', 'Trail Mix', 'Gummy Bears', 'Pretzels', 'Protein Bar', 'Popcorn'],
    variants: ['Sea Salt', 'Dark', 'Share Size', 'Spicy', 'Mini'],
    suppliers: ['Northwind Foods', 'Coastal Beverage Co'],
  },
  {
    name: 'Toys & Games', price: [5, 80], margin: [0.3, 0.5], demand: 0.2,
    brands: ['Playforge', 'Tinker Town'],
    items: ['Puzzle', 'Card Game', 'Building Blocks', 'Plush Bear', 'Board Game'],
    variants: ['500 pcs', 'Junior', 'Deluxe', 'Travel', 'Classic'],
    suppliers: ['Kestrel Tech Imports', 'Pacific Rim Electronics'],
  },
  {
    name: 'Stationery', price: [1, 20], margin: [0.35, 0.55], demand: 0.45,
    brands: ['Inkwell', 'Papercraft'],
    items: ['Notebook', 'Gel Pens', 'Sticky Notes', 'Highlighters', 'Envelope Pack', 'Stapler'],
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
      target_daily_revenue: Math.round((BASE_DAILY_REVENUE * size) / 100) * 100,
    });
  }
  return stores;
}

/** A price that looks like one: 4.99, 12.49, 129.00. */
function shelfPrice(raw: number): number {
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
    const list_price = shelfPrice(Math.exp(rng.uniform(Math.log(cat.price[0]), Math.log(cat.price[1]))));
    const margin = rng.uniform(cat.margin[0], cat.margin[1]);
    const unit_cost = Math.min(cents(list_price * (1 - margin)), cents(list_price - 0.01));
    const supplier = rng.pick(cat.suppliers);
    const [leadMin, leadMax] = SUPPLIER_LEAD_DAYS[supplier];
    products.push({
      sku: `SKU-${String(i + 1).padStart(width, '0')}`,
      product_name: `${brand} ${rng.pick(cat.items)} ${rng.pick(cat.variants)}`,
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
  return toCsv<Store>([...STORE_COLUMNS], ref.stores);
}

export function productsCsv(ref: SimReference): string {
  return toCsv<Product>([...PRODUCT_COLUMNS], ref.products);
}

/** Writes `stores.csv` and `products.csv` into `dir` (created if needed) and returns their paths. */
export function writeReferenceCsv(ref: SimReference, dir: string): { stores: string; products: string } {
  mkdirSync(dir, { recursive: true });
  const stores = join(dir, 'stores.csv');
  const products = join(dir, 'products.csv');
  writeFileSync(stores, storesCsv(ref));
  writeFileSync(products, productsCsv(ref));
  return { stores, products };
}
