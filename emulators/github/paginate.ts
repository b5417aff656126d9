// page/per_page slicing and GitHub's Link header (prev, next, last, first — in that order).

/** One page of a list and the Link header that goes with it (absent when everything fits one page). */
export interface Page<T> {
  items: T[];
  link?: string;
}

/** Reads per_page (default 30, clamped to 1..max) and page (default 1) the way GitHub tolerates them. */
export function pageParams(query: URLSearchParams, perPageMax: number): { page: number; perPage: number } {
  const rawPer = Number.parseInt(query.get('per_page') ?? '', 10);
  const rawPage = Number.parseInt(query.get('page') ?? '', 10);
  const perPage = Number.isFinite(rawPer) && rawPer > 0 ? Math.min(rawPer, perPageMax) : Math.min(30, perPageMax);
  const page = Number.isFinite(rawPage) && rawPage > 0 ? rawPage : 1;
  return { page, perPage };
}

/** The request's URL with `page` replaced (other parameters kept in their order). */
function pageUrl(url: URL, page: number): string {
  const next = new URL(url.toString());
  next.searchParams.set('page', String(page));
  return `<${next.toString()}>`;
}

/** Slices `all` for the request at `url` (absolute, as the client should follow it). */
export function paginate<T>(all: readonly T[], url: URL, perPageMax: number): Page<T> {
  const { page, perPage } = pageParams(url.searchParams, perPageMax);
  const items = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const parts: string[] = [];
  if (page > 1) parts.push(`${pageUrl(url, Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) {
    parts.push(`${pageUrl(url, page + 1)}; rel="next"`);
    parts.push(`${pageUrl(url, last)}; rel="last"`);
  }
  if (page > 1) parts.push(`${pageUrl(url, 1)}; rel="first"`);
  return parts.length > 0 ? { items, link: parts.join(', ') } : { items };
}
