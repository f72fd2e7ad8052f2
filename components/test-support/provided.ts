/** What the global setup tells the component tests (vitest `provide`/`inject`). */

export interface ComponentImages {
  /** True when the engine answers and every library component image is built. */
  readonly ready: boolean;
  /** Why not, when not ready (the setup also prints it). */
  readonly reason?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    componentImages: ComponentImages;
  }
}
