/**
 * Drawing a data link with the pointer in the editor's graph: press on a job's output handle
 * (`data-handleid="out:NAME"`), drag, release over a later job. While dragging, `path` holds the
 * curve from the job to the pointer (in the layout's coordinates); on release over another job
 * `connect` is called once. Whether the link is allowed (a later job) is the caller's decision:
 * it knows the run order, this only knows boxes.
 *
 * Plain pointer events on `window` rather than a drag-and-drop library: the gesture is one press,
 * one move, one release, and the graph is plain positioned divs (see ReadOnlyGraph.vue).
 */
import { onBeforeUnmount, ref } from 'vue';
import type { Ref } from 'vue';
import { dragCurve } from '../../workflow/graph-columns.js';
import type { ColumnBox } from '../../workflow/graph-columns.js';

/** A link the user drew: `output` of job `sourceId` to job `targetId`. */
export interface DrawnConnection {
  readonly sourceId: string;
  readonly output: string;
  readonly targetId: string;
}

export interface LinkDragOptions {
  /** The scaled layer that holds the boxes (its top left is the layout's origin + `padding`). */
  readonly layer: Readonly<Ref<HTMLElement | null>>;
  readonly scale: Readonly<Ref<number>>;
  readonly padding: number;
  /** The box of a node id, as currently drawn. */
  readonly boxOf: (id: string) => ColumnBox | undefined;
  readonly connect: (link: DrawnConnection) => void;
}

export interface LinkDrag {
  /** The curve being dragged (SVG path in layout coordinates), or null when not dragging. */
  readonly path: Readonly<Ref<string | null>>;
  /** Call on `pointerdown` in the graph: starts a drag when it is on an output handle. */
  readonly start: (event: PointerEvent) => void;
}

export function useLinkDrag(options: LinkDragOptions): LinkDrag {
  const path = ref<string | null>(null);
  let from: { box: ColumnBox; output: string } | undefined;

  const toLayout = (event: PointerEvent): { x: number; y: number } => {
    const rect = options.layer.value?.getBoundingClientRect();
    const s = options.scale.value;
    return {
      x: (event.clientX - (rect?.left ?? 0)) / s - options.padding,
      y: (event.clientY - (rect?.top ?? 0)) / s - options.padding,
    };
  };

  const stop = (): void => {
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', stop);
    from = undefined;
    path.value = null;
  };

  function onMove(event: PointerEvent): void {
    if (from) path.value = dragCurve(from.box, toLayout(event));
  }

  function onUp(event: PointerEvent): void {
    const source = from;
    stop();
    if (!source) return;
    const el = document
      .elementFromPoint(event.clientX, event.clientY)
      ?.closest<HTMLElement>('[data-node-id][data-kind=job]');
    const targetId = el?.dataset['nodeId'];
    // Only a job of this graph, and not the job itself (a release where the drag began).
    if (!el || !options.layer.value?.contains(el) || targetId === undefined) return;
    if (targetId === source.box.node.id) return;
    options.connect({ sourceId: source.box.node.id, output: source.output, targetId });
  }

  function start(event: PointerEvent): void {
    const handle = (event.target as HTMLElement | null)?.closest<HTMLElement>(
      '[data-handleid^="out:"]',
    );
    const id = handle?.closest<HTMLElement>('[data-node-id]')?.dataset['nodeId'];
    const box = id === undefined ? undefined : options.boxOf(id);
    if (!handle || !box || event.button !== 0) return;
    // No text selection or native drag while drawing the link.
    event.preventDefault();
    stop();
    from = { box, output: (handle.dataset['handleid'] ?? '').slice('out:'.length) };
    path.value = dragCurve(box, toLayout(event));
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', stop);
  }

  onBeforeUnmount(stop);
  return { path, start };
}
