/**
 * The minimap's drawing: every span of the trace as a rectangle, in depth-first
 * order from top to bottom, grouped by colour. Setting a canvas fill colour per span
 * cost most of the 50 ms a 50,000-span minimap took; one path per colour is a few.
 */
import { ERROR_COLORS, serviceColor } from './colors';

/** The parts of a span node the minimap needs (a SpanNode fits). */
export interface MinimapSpan {
  start: number;
  end: number;
  span: { service: string; statusCode: string };
}

export interface MinimapLayer {
  color: string;
  /** x, y, width, height of each rectangle, in CSS pixels, one after the other. */
  rects: number[];
}

/** The light theme's error red: on the canvas, errors are the one red, drawn over the rest. */
export const ERROR_COLOR = ERROR_COLORS[0];

/** Builds the minimap's layers a slice of spans at a time (see createFinder's prepare). */
export interface MinimapBuilder {
  /** Adds spans for as long as `more()` says there is time; true once every span is in. */
  build(more: () => boolean): boolean;
  /** The layers, errors last; complete once build has returned true. */
  layers(): MinimapLayer[];
}

/** Spans added between two asks of `more()`: well under a millisecond. */
const SLICE = 2048;

/**
 * The minimap of a 50,000-span trace, built in one go, was a 50 ms task right after the first
 * rows: a scroll begun then waited for it. Built in idle slices, no task holds up a frame.
 */
export function createMinimapBuilder(nodes: readonly MinimapSpan[], durationNs: number, width: number, height: number): MinimapBuilder {
  const empty = nodes.length === 0 || width <= 0 || height <= 0;
  const total = Math.max(1, durationNs);
  // A few spans get rows up to 6px tall; many spans share each pixel row.
  const perRow = Math.max(1, Math.ceil(nodes.length / height));
  const rowHeight = Math.min(6, Math.max(1, Math.floor(height / nodes.length)));
  const barHeight = Math.max(1, rowHeight - 1);
  const layers = new Map<string, number[]>();
  const colorOf = new Map<string, string>();
  let next = empty ? nodes.length : 0;
  const add = (upTo: number): void => {
    for (; next < upTo; next++) {
      const node = nodes[next]!;
      let color = node.span.statusCode === 'Error' ? ERROR_COLOR : colorOf.get(node.span.service);
      if (color === undefined) {
        color = serviceColor(node.span.service);
        colorOf.set(node.span.service, color);
      }
      let rects = layers.get(color);
      if (rects === undefined) layers.set(color, (rects = []));
      rects.push((node.start / total) * width, Math.floor(next / perRow) * rowHeight, Math.max(1, ((node.end - node.start) / total) * width), barHeight);
    }
  };
  return {
    build(more) {
      while (next < nodes.length && more()) add(Math.min(nodes.length, next + SLICE));
      return next === nodes.length;
    },
    // Errors last, so they are drawn over the spans they share pixels with.
    layers: () => [...layers].map(([color, rects]) => ({ color, rects })).sort((a, b) => Number(a.color === ERROR_COLOR) - Number(b.color === ERROR_COLOR)),
  };
}

/** The layers built in one go. */
export function minimapLayers(nodes: readonly MinimapSpan[], durationNs: number, width: number, height: number): MinimapLayer[] {
  const builder = createMinimapBuilder(nodes, durationNs, width, height);
  builder.build(() => true);
  return builder.layers();
}
