/**
 * Finishing a `start()` that an engine crash cut short. `start()` creates the job's container,
 * seeds its `$CO_OUTPUT` file, then starts it: a process killed in between leaves a container in
 * Docker's `created` state that never ran. Docker's `wait` returns at once for such a container,
 * with code 0, so re-attaching it as it is would report a job that never ran as succeeded.
 */
import type Dockerode from 'dockerode';
import { dockerStatus, toOrchestratorError } from './docker-errors.js';
import { seedOutputFile } from './output/output-file.js';

/**
 * Completes the interrupted start of a `created` job container: seeds `$CO_OUTPUT` again (the
 * crash may have come before the seeding; the container never ran, so there is nothing to
 * lose) and starts it. Returns false when the container is gone (removed meanwhile). A start
 * that Docker refuses (the runtime cannot run the container) leaves it `created` with Docker's
 * `State.Error`, which `wait` then reports as `error`; an already started one (a second caller
 * was first) is fine.
 * @throws OrchestratorError when the daemon does not answer.
 */
export async function finishInterruptedStart(
  container: Dockerode.Container,
  endpoint: string,
): Promise<boolean> {
  try {
    await seedOutputFile(container);
    await container.start();
    return true;
  } catch (error) {
    const status = dockerStatus(error);
    if (status === 404) return false;
    // 304: started already; 500 and the like: Docker tried and recorded why in State.Error.
    if (status !== undefined) return true;
    throw toOrchestratorError(error, `starting container ${container.id} again`, endpoint);
  }
}
