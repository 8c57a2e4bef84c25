/**
 * A viewer for big SVG pictures: the picture scrolls inside a framed viewport; drag to pan, Ctrl/⌘ + wheel (or the
 * − / + buttons) to zoom about the pointer, "fit" to see it whole, "1:1" for its natural size.
 *
 * Zooming sets the picture's CSS size (its viewBox scales the drawing), so the browser's own scrolling does the
 * panning and text stays sharp at every zoom.
 */
import { h } from './dom.js';

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 4;
const STEP = 1.25;

/** A pan/zoom frame for one SVG picture at a time. */
export class SvgViewer {
  readonly root: HTMLDivElement;
  private readonly viewport: HTMLDivElement;
  private readonly zoomLabel: HTMLSpanElement;
  private svg: SVGSVGElement | undefined;
  private natural = { width: 1, height: 1 };
  private zoom = 1;

  constructor(label: string) {
    this.zoomLabel = h('span', { class: 'zoom-label', text: '100%' });
    const button = (text: string, title: string, action: () => void): HTMLButtonElement => {
      const b = h('button', { class: 'tool', text, title, attrs: { type: 'button' } });
      b.addEventListener('click', action);
      return b;
    };
    const toolbar = h('div', {
      class: 'viewer-tools',
      children: [
        h('span', { class: 'viewer-label', text: label }),
        button('−', 'zoom out', () => this.zoomAbout(this.zoom / STEP)),
        this.zoomLabel,
        button('+', 'zoom in', () => this.zoomAbout(this.zoom * STEP)),
        button('fit', 'fit the whole picture', () => this.fit(true)),
        button('1:1', 'natural size', () => this.zoomAbout(1)),
      ],
    });
    this.viewport = h('div', { class: 'viewer-viewport' });
    this.root = h('div', { class: 'viewer', children: [toolbar, this.viewport] });
    this.attachGestures();
  }

  /** Shows `svg` (replacing what was shown), fitted to the viewport's width when wider. */
  show(svg: SVGSVGElement): void {
    this.svg = svg;
    this.natural = {
      width: Number(svg.getAttribute('width')) || svg.viewBox.baseVal.width || 1,
      height: Number(svg.getAttribute('height')) || svg.viewBox.baseVal.height || 1,
    };
    this.viewport.replaceChildren(svg);
    this.root.dataset['empty'] = 'false';
    requestAnimationFrame(() => this.fit());
  }

  /** Shows a message instead of a picture (an empty state, or why there is no picture). */
  showMessage(text: string, className = 'empty'): void {
    this.svg = undefined;
    this.viewport.replaceChildren(h('p', { class: className, text }));
    this.root.dataset['empty'] = 'true';
  }

  /** The shown picture, if any. */
  get picture(): SVGSVGElement | undefined {
    return this.svg;
  }

  /** Zooms so the picture's width (`whole`: all of it) fits the viewport, never above its natural size. */
  fit(whole = false): void {
    const width = this.viewport.clientWidth - 2;
    if (width <= 0) return;
    const height = this.viewport.clientHeight - 2;
    const byHeight = whole && height > 0 ? height / this.natural.height : Infinity;
    this.setZoom(Math.min(1, width / this.natural.width, byHeight));
  }

  /** Adds `className` to the picture's elements with these ids (node boxes are `n<index>`); returns how many. */
  mark(ids: readonly string[], className: string): number {
    let found = 0;
    for (const id of ids) {
      const target = this.svg?.getElementById(id);
      if (target === undefined || target === null) continue;
      target.classList.add(className);
      found += 1;
    }
    return found;
  }

  /** Scrolls so the element with this id is in the middle of the viewport. */
  reveal(id: string): void {
    const target = this.svg?.getElementById(id);
    if (target === undefined || target === null || !(target instanceof SVGGraphicsElement)) return;
    const box = target.getBBox();
    const scale = this.zoom * (this.natural.width / (this.svg?.viewBox.baseVal.width || this.natural.width));
    this.viewport.scrollLeft = (box.x + box.width / 2) * scale - this.viewport.clientWidth / 2;
    this.viewport.scrollTop = (box.y + box.height / 2) * scale - this.viewport.clientHeight / 2;
  }

  private setZoom(zoom: number): void {
    this.zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    if (this.svg !== undefined) {
      this.svg.style.width = `${this.natural.width * this.zoom}px`;
      this.svg.style.height = `${this.natural.height * this.zoom}px`;
    }
    this.zoomLabel.textContent = `${Math.round(this.zoom * 100)}%`;
  }

  /** Zooms keeping the picture point under (x, y) of the viewport in place (default: its centre). */
  private zoomAbout(zoom: number, x = this.viewport.clientWidth / 2, y = this.viewport.clientHeight / 2): void {
    const before = this.zoom;
    const pictureX = (this.viewport.scrollLeft + x) / before;
    const pictureY = (this.viewport.scrollTop + y) / before;
    this.setZoom(zoom);
    this.viewport.scrollLeft = pictureX * this.zoom - x;
    this.viewport.scrollTop = pictureY * this.zoom - y;
  }

  private attachGestures(): void {
    const viewport = this.viewport;
    viewport.addEventListener(
      'wheel',
      (event) => {
        if (!(event.ctrlKey || event.metaKey) || this.svg === undefined) return;
        event.preventDefault();
        const box = viewport.getBoundingClientRect();
        this.zoomAbout(
          event.deltaY < 0 ? this.zoom * STEP : this.zoom / STEP,
          event.clientX - box.left,
          event.clientY - box.top,
        );
      },
      { passive: false },
    );
    let drag: { x: number; y: number; left: number; top: number } | undefined;
    viewport.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || this.svg === undefined) return;
      drag = { x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
      viewport.setPointerCapture(event.pointerId);
      viewport.classList.add('dragging');
    });
    viewport.addEventListener('pointermove', (event) => {
      if (drag === undefined) return;
      viewport.scrollLeft = drag.left - (event.clientX - drag.x);
      viewport.scrollTop = drag.top - (event.clientY - drag.y);
    });
    const end = (): void => {
      drag = undefined;
      viewport.classList.remove('dragging');
    };
    viewport.addEventListener('pointerup', end);
    viewport.addEventListener('pointercancel', end);
  }
}
