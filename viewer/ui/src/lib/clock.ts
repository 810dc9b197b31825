/**
 * uPlot's date templates on the viewer's one clock. uPlot writes its time axis and its legend
 * from templates on a 12-hour clock ("{h}:{mm}{aa}" gives "6:10am") whatever the locale; every
 * other time in the viewer is on the 24-hour clock (viewer/model/format.ts). Rewriting the
 * templates keeps uPlot's choice of ticks and rollover lines (the date under the first tick of a
 * day), which a values function of our own would have to redo.
 */
export function clock24(template: string): string {
  return template.replaceAll('{h}{aa}', '{HH}:00').replaceAll('{h}', '{HH}').replaceAll('{aa}', '');
}
