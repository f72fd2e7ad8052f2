/**
 * Plugin health: every plugin kind may report whether it works (`health()`), and the host shows
 * it (server `/readyz` and admin API, the dashboard's settings page, `containerops plugin list`).
 */

/** What a plugin says about itself: ok, or why not in words an operator can act on. */
export interface HealthStatus {
  readonly ok: boolean;
  /** Why not (or a note while ok): "database file is read-only", "no Docker socket at ...". */
  readonly reason?: string;
}

/** Implemented (optionally) by an instance of any kind; orchestrators answer through `isAvailable`. */
export interface HealthReporting {
  /** Cheap; resolves (never rejects) with the instance's state. */
  health?(): Promise<HealthStatus>;
}

/** One loaded plugin's health as the host reports it. */
export interface PluginHealth extends HealthStatus {
  readonly kind: string;
  readonly name: string;
  readonly version: string;
  /** `builtin`, or where it was loaded from (the npm package name or path). */
  readonly source: string;
}
