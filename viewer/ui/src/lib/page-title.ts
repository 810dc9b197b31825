/** The tab's title for a page: most specific part first, then Hindsight. */
export function pageTitle(...parts: string[]): string {
  return [...parts.filter((p) => p.trim() !== ''), 'Hindsight'].join(' · ');
}
