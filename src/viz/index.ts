/**
 * Pictures of models and blocks as SVG strings (browser-safe: no Node built-ins; the CLI writes the files):
 * graph pictures (`renderGraphSvg`), pyramid pictures of the SPP blocks' windows (`renderPyramidSvg`) and bar
 * charts of benchmark ratios (`renderBarChartSvg`).
 */
export { renderGraphSvg, renderDisplayGraphSvg, type GraphSvgOptions } from './graph-svg.js';
export {
  displayGraph,
  inferTypesTolerantly,
  type BoxKind,
  type BoxLine,
  type DisplayBox,
  type DisplayEdge,
  type DisplayGraph,
  type DisplayOptions,
  type LineRole,
} from './graph-model.js';
export { layoutGraph, type GraphLayout, type LayoutOptions } from './layout.js';
export {
  isPyramidBlock,
  pyramidConfigFromOptions,
  pyramidPicture,
  renderPyramidSvg,
  PYRAMID_BLOCKS,
  type PyramidBlockName,
  type PyramidConfigs,
  type PyramidSize,
} from './pyramid-picture.js';
export type {
  BinsPanel,
  FieldPanel,
  GridPadding,
  Interval,
  PyramidPanel,
  PyramidPicture,
  RefusedPanel,
} from './pyramid.js';
export type { NeckName, NeckPictureConfig, NeckPictureConfigs } from './receptive.js';
export {
  formatChartValue,
  renderBarChartSvg,
  type BarChartData,
  type BarChartOptions,
  type ChartBar,
  type ChartGroup,
} from './chart-svg.js';
export { escapeXml } from './svg.js';
