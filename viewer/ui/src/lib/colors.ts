/**
 * A distinct colour per service, the same on every page. Colours are handed out in
 * order, each service taking the first palette colour no other service holds, and the
 * mapping is kept (localStorage), so a service keeps its colour across pages and reloads.
 * A hash of the name was rejected: with 8 services in 14 colours two pairs collided, and
 * one service drew the error red.
 *
 * No colour here reads as the error red of either theme (tests/unit/viewer/ui/colors.test.ts
 * measures the distance in CIELAB); errors are also marked by a stripe and an icon, never by
 * colour alone.
 */

/** In the order they are handed out: the first eight are the most unlike each other. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#a0cbe8',
  '#8cd17d',
  '#6a51a3',
  '#bab0ac',
  '#17becf',
  '#bcbd22',
  '#1b9e77',
  '#d4a6c8',
  '#ffbe7d',
] as const;

/** The error colours of the light and dark themes (app.css --error). */
export const ERROR_COLORS = ['#d93838', '#ff6b6b'] as const;

/** Distinct colours for the series of one chart, by position. */
export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/**
 * Colours past the palette: hues a golden angle apart, skipping the reds (330°–30°), so the
 * hundredth service still gets a colour that is not an error's.
 */
export function extraColor(n: number): string {
  const hue = 30 + ((n * 137.508) % 300);
  return `hsl(${hue.toFixed(0)} 55% ${n % 2 === 0 ? 50 : 65}%)`;
}

/** Where the mapping is kept; anything that reads and writes strings by key. */
export interface ColorStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'hindsight.serviceColors';
/** Services remembered at most: old ones give their colours back first. */
const REMEMBERED = 200;

export class ServiceColors {
  private readonly colors = new Map<string, string>();

  constructor(private readonly storage: ColorStorage | undefined) {
    try {
      const saved = JSON.parse(storage?.getItem(KEY) ?? '{}') as unknown;
      if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
        for (const [service, color] of Object.entries(saved)) if (typeof color === 'string') this.colors.set(service, color);
      }
    } catch {
      // A mapping that does not parse is started afresh.
    }
  }

  /** The service's colour, handing it the first free one if it has none yet. */
  colorOf(service: string): string {
    return this.colors.get(service) ?? this.assign([service]).get(service)!;
  }

  /** The colour of a service that has one; undefined for any other name. */
  known(service: string): string | undefined {
    return this.colors.get(service);
  }

  /** Gives every service without a colour one, in sorted order, so two fresh browsers agree. */
  learn(services: readonly string[]): void {
    this.assign([...services].sort());
  }

  private assign(services: readonly string[]): Map<string, string> {
    const fresh = services.filter((s) => !this.colors.has(s));
    if (fresh.length === 0) return this.colors;
    for (const service of fresh) {
      if (this.colors.size >= REMEMBERED) this.colors.delete(this.colors.keys().next().value!);
      const taken = new Set(this.colors.values());
      let color: string | undefined = PALETTE.find((c) => !taken.has(c));
      for (let n = 0; color === undefined; n++) if (!taken.has(extraColor(n))) color = extraColor(n);
      this.colors.set(service, color);
    }
    try {
      this.storage?.setItem(KEY, JSON.stringify(Object.fromEntries(this.colors)));
    } catch {
      // Storage full or refused: the colours still hold for this page.
    }
    return this.colors;
  }
}

// Through globalThis: the unit tests import this module in Node, where there is no localStorage.
const shared = new ServiceColors((globalThis as { localStorage?: ColorStorage }).localStorage);

export function serviceColor(service: string): string {
  return shared.colorOf(service);
}

/** A label's service colour when it names a service that has one (chart bars grouped by service). */
export function knownServiceColor(label: string): string | undefined {
  return shared.known(label);
}

export function learnServices(services: readonly string[]): void {
  shared.learn(services);
}
