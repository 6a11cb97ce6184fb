/**
 * The site the fleet benchmark synthesizes: the export `BenchSiteFactory` must be an `ISiteFactory` class whose
 * constructor takes the number of sites.
 *
 * Until the `VideoSurveillanceSite` blueprint exists this is the stand-in site (bench/stand-in-site.ts). To measure
 * the real blueprint, point this one line at a factory of it, e.g.
 *   export { VideoSurveillanceSiteFactory as BenchSiteFactory } from './video-site-factory';
 * and update `BENCH_SITE_DESCRIPTION`.
 */
export { StandInSiteFactory as BenchSiteFactory } from './stand-in-site';

/** What the benchmark measured, printed with the results. */
export const BENCH_SITE_DESCRIPTION = 'stand-in site (bench/stand-in-site.ts: 28 L1 objects, one chart per site)';
