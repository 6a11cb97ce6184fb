/**
 * The site the fleet benchmark synthesizes: the export `BenchSiteFactory` must be an `ISiteFactory` class whose
 * constructor takes the number of sites.
 *
 * The benchmark measures the real `VideoSurveillanceSite` blueprint (bench/video-site-factory.ts). The stand-in site
 * (bench/stand-in-site.ts, plain L1 objects) remains for comparison: point this line at `StandInSiteFactory`.
 */
export { VideoSurveillanceSiteFactory as BenchSiteFactory } from './video-site-factory';

/** What the benchmark measured, printed with the results. */
export const BENCH_SITE_DESCRIPTION = 'VideoSurveillanceSite (bench/video-site-factory.ts: ~48 objects + REPORT.md per site, one chart per site)';
