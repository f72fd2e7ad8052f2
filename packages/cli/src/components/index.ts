/**
 * Building component directories into images (`containerops component build`), reusable by
 * scripts and test setups.
 */
export { COMPONENT_FILE, loadComponentDir } from './component-dir.js';
export type { LoadedComponentDir } from './component-dir.js';
export { COMPONENT_HASH_LABEL, baseImagesOf, hashComponentDir } from './content-hash.js';
export { createDockerCli } from './docker-cli.js';
export type { DockerBuildRequest, DockerCli, DockerCliOptions, ImageInfo } from './docker-cli.js';
export {
  COMPONENT_NAME_LABEL,
  COMPONENT_VERSION_LABEL,
  ComponentBuildErrorCode,
  buildComponent,
  buildLoadedComponent,
} from './component-builder.js';
export type { BuildComponentOptions, ComponentBuildResult } from './component-builder.js';
