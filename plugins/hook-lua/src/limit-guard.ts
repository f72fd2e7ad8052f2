/**
 * Enforces a hook's instruction budget, wall time and memory bound from inside the Lua VM, and
 * caps string sizes. Runs in the worker. The worker's `resourceLimits` and the runner's wall-time
 * kill are the backstops for what these checks cannot see (a single huge JS-side allocation, a
 * pathological pattern match that never returns to the VM).
 */
import fengari from 'fengari';
import type { LuaHook, LuaState } from 'fengari';
import lobject from 'fengari/src/lobject.js';
import type { TString } from 'fengari/src/lobject.js';
import { budgetCheckInterval, formatBytes } from './limits.js';
import type { SandboxLimits } from './limits.js';
import { position, raise, raiseText } from './lua-util.js';
import { collectGarbage, memoryFloor, memoryInUse } from './memory.js';

const { lua } = fengari;

/** Arms the limits for one script run; `stop()` disarms them. One armed guard per thread at a time. */
export interface LimitGuard {
  start(): void;
  stop(): void;
  /**
   * The first limit error of the run, with its position. Set even when the script caught it:
   * a coroutine that hit the budget must not let the main chunk finish as a success.
   */
  readonly failure: string | undefined;
}

/** Strings from this size on count towards an early memory check. */
const largeStringBytes = 64 * 1024;

interface ArmedRun {
  readonly limits: SandboxLimits;
  /** Called for every large new string; may raise. */
  largeString(L: LuaState, length: number): void;
}

/** The run in progress on this thread; undefined when none is armed (e.g. syntax checks). */
let armed: ArmedRun | undefined;

/**
 * Creates the guard for the state `L`. The count hook is per thread but coroutines copy it when
 * created, and all threads share this closure, so the budget is global to the run. Memory is
 * also checked after every `memoryBytes / 8` of large strings, because a few instructions can
 * allocate a lot (`t[#t + 1] = string.rep('x', 4e6)`).
 *
 * Once a limit is hit the error is sticky: the hook then fires on every instruction of any
 * thread, so a script that catches the error with `pcall` cannot run on.
 */
export function createLimitGuard(L: LuaState, limits: SandboxLimits): LimitGuard {
  let executed = 0;
  let deadline = Infinity;
  let baseline = 0;
  let largeBytes = 0;
  let nextCollection = 0;
  /** Once set, every hook call raises it again. */
  let failure: string | undefined;

  /**
   * Cheap check first; only when it fails, collect and measure live data. Collections take
   * milliseconds, so after one the next waits 20 times as long (at most ~5% of the run), unless
   * usage passes twice the bound: a script churning garbage slows down a little, a script that
   * really holds too much is caught within that delay.
   */
  const memoryExceeded = (): boolean => {
    const used = memoryInUse() - baseline;
    if (used <= limits.memoryBytes) return false;
    const now = performance.now();
    if (now < nextCollection && used <= 2 * limits.memoryBytes) return false;
    collectGarbage();
    const after = performance.now();
    nextCollection = after + 20 * (after - now);
    return memoryInUse() - baseline > limits.memoryBytes;
  };
  const trip = (thread: LuaState, message: string): never => {
    failure ??= position(thread, 0) + message;
    lua.lua_sethook(thread, hook, lua.LUA_MASKCOUNT, 1);
    return raiseText(thread, failure);
  };

  const hook: LuaHook = (thread) => {
    if (failure !== undefined) trip(thread, failure);
    executed += budgetCheckInterval;
    if (executed > limits.instructionBudget) {
      trip(thread, `instruction budget exceeded (${limits.instructionBudget} instructions)`);
    } else if (performance.now() > deadline) {
      trip(thread, `wall time limit exceeded (${limits.wallTimeMs} ms)`);
    } else if (memoryExceeded()) {
      trip(thread, memoryMessage(limits));
    }
  };

  const run: ArmedRun = {
    limits,
    largeString(thread, length) {
      largeBytes += length;
      if (largeBytes < limits.memoryBytes / 8) return;
      largeBytes = 0;
      if (failure !== undefined || memoryExceeded()) trip(thread, memoryMessage(limits));
    },
  };

  return {
    start() {
      executed = 0;
      largeBytes = 0;
      nextCollection = 0;
      failure = undefined;
      baseline = memoryFloor();
      deadline = performance.now() + limits.wallTimeMs;
      armed = run;
      lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, budgetCheckInterval);
    },
    stop() {
      lua.lua_sethook(L, null, 0, 0);
      armed = undefined;
    },
    get failure() {
      return failure;
    },
  };
}

function memoryMessage(limits: SandboxLimits): string {
  return `memory limit exceeded (${formatBytes(limits.memoryBytes)})`;
}

/** Raises a Lua error when a string of `length` bytes is above the armed run's string cap. */
export function checkStringLength(L: LuaState, length: number): void {
  if (armed === undefined) return;
  if (length > armed.limits.maxStringBytes) {
    raise(
      L,
      `string of ${length} bytes exceeds the limit of ${formatBytes(armed.limits.maxStringBytes)}`,
      0,
    );
  }
  if (length >= largeStringBytes) armed.largeString(L, length);
}

/**
 * Fengari builds `..` results and library results before our code sees them, and has no
 * allocator hook. Its VM and API store every new string through these two module functions,
 * so wrapping them caps every string a script can keep. Done once per thread (module state).
 */
function patchStringStores(): void {
  const setsvalue2s = lobject.setsvalue2s;
  const pushsvalue2s = lobject.pushsvalue2s;
  lobject.setsvalue2s = (L: LuaState, idx: number, ts: TString) => {
    checkStringLength(L, ts.realstring.length);
    setsvalue2s(L, idx, ts);
  };
  lobject.pushsvalue2s = (L: LuaState, ts: TString) => {
    checkStringLength(L, ts.realstring.length);
    pushsvalue2s(L, ts);
  };
}

patchStringStores();
