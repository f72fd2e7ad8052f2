/** The GraphQL documents the dashboard sends, grouped by feature. */

const RUN_SUMMARY = `id workflowUri organization workflowVersion status reason createdAt startedAt
  finishedAt durationMs triggerType triggeredBy lastSeq`;

const RUN_FULL = `${RUN_SUMMARY} trigger rerunOf
  stages { name type status reason durationMs decision { approved by comment }
    actions { name path status reason durationMs
      jobs { name path status attempt exitCode reason outputs startedAt finishedAt durationMs
        logTruncated { cause attempt message droppedLines }
        fanOut { total started running passed failed skipped } } } }`;

const EVENT = 'event { seq runId time scope path status reason }';

export const ME = `query Me { me { id name siteAdmin memberships { organization user role } } }`;

export const OVERVIEW = `query Overview {
  recent: runs(first: 15) { nodes { ${RUN_SUMMARY} } totalCount lastSeq }
  active: runs(first: 50, filter: { statuses: [QUEUED, RUNNING, WAITING] }) { nodes { ${RUN_SUMMARY} } }
  runCounts { queued running waiting succeeded failed timedOut cancelled }
  plugins { kind name version healthy detail active }
}`;

export const RUN_COUNTS = `query Counts { runCounts { queued running waiting succeeded failed timedOut cancelled } }`;

export const RUN_UPDATES_SUMMARY = `subscription Updates($afterSeq: Float) {
  runUpdates(afterSeq: $afterSeq) { ${EVENT} run { ${RUN_SUMMARY} } } }`;

export const RUN_UPDATES_WORKFLOW = `subscription WorkflowUpdates($workflow: String, $afterSeq: Float) {
  runUpdates(workflow: $workflow, afterSeq: $afterSeq) { ${EVENT} run { ${RUN_SUMMARY} } } }`;

export const WORKFLOWS = `query Workflows($search: String) {
  workflows(search: $search) { id uri organization title updatedAt latestVersion { number }
    lastRun { id status createdAt } } }`;

export const WORKFLOW = `query Workflow($uri: String!) {
  workflow(uri: $uri) { id uri organization title updatedAt
    latestVersion { number yaml createdAt createdBy }
    versions { number createdAt createdBy } }
  runs(filter: { workflow: $uri }, first: 100) { nodes { ${RUN_SUMMARY} } totalCount lastSeq } }`;

export const WORKFLOW_VERSION = `query Version($uri: String!, $number: Int!) {
  workflow(uri: $uri) { version(number: $number) { number yaml createdAt createdBy } } }`;

export const VALIDATE = `mutation Validate($yaml: String!) {
  validateWorkflow(yaml: $yaml) { ok diagnostics { severity code message line col path } } }`;

export const APPLY = `mutation Apply($yaml: String!) {
  applyWorkflow(yaml: $yaml) { ok changed diagnostics { severity code message line col path }
    workflow { uri } version { number yaml createdAt createdBy } } }`;

export const TRIGGER = `mutation Trigger($workflow: String!) { triggerRun(workflow: $workflow) { id } }`;

export const RUN = `query Run($id: ID!) { run(id: $id) { ${RUN_FULL}
  workflow { uri } } }`;

/** Notifications are read apart from the run: live updates carry the run state only. */
export const RUN_NOTIFICATIONS = `query RunNotifications($id: ID!) { run(id: $id) { id
  notifications { receiverType runStatus outcome attempts error at } } }`;

export const RUN_MODEL = `query RunModel($uri: String!, $number: Int!) {
  workflow(uri: $uri) { version(number: $number) { number model } } }`;

export const RUN_UPDATES_ONE = `subscription RunLive($runId: ID!, $afterSeq: Float) {
  runUpdates(runId: $runId, afterSeq: $afterSeq) { ${EVENT} run { ${RUN_FULL} } } }`;

/**
 * One page of the instances of a run's fan-out jobs (the API has no field for one job: the page
 * is read for each fan-out job of the run, usually one; the caller keeps the job it shows). The
 * page size is a literal so the server's complexity check counts 100, not its 500 maximum.
 */
export const FAN_OUT_INSTANCES = `query FanOutInstances($id: ID!, $after: String, $status: NodeStatus) {
  run(id: $id) { id stages { actions { jobs { path
    fanOut { instances(first: 100, after: $after, status: $status) {
      nodes { name path status attempt exitCode reason durationMs }
      pageInfo { endCursor hasNextPage } totalCount } } } } } } }`;

/** The page size {@link FAN_OUT_INSTANCES} asks for. */
export const FAN_OUT_PAGE_SIZE = 100;

export const CANCEL = `mutation Cancel($id: ID!) { cancelRun(id: $id) { id status } }`;
export const DECIDE = `mutation Decide($runId: ID!, $stage: String!, $approved: Boolean!, $comment: String) {
  decidePause(runId: $runId, stage: $stage, approved: $approved, comment: $comment) { id status } }`;
export const RERUN = `mutation Rerun($runId: ID!, $fromFailed: Boolean) { rerun(runId: $runId, fromFailed: $fromFailed) { id } }`;

export const JOB_LOG = `subscription JobLog($runId: ID!, $jobPath: String!, $afterSeq: Int) {
  jobLog(runId: $runId, jobPath: $jobPath, afterSeq: $afterSeq) { lines { seq stream text time } } }`;

/**
 * One attempt of a job or fan-out instance (`stage.action.job[shard=3]`): replayed, then live; the
 * server ends it once that attempt ended and its last line was sent.
 */
export const ATTEMPT_LOG = `subscription AttemptLog($runId: ID!, $jobPath: String!, $attempt: Int, $afterSeq: Int) {
  jobLog(runId: $runId, jobPath: $jobPath, attempt: $attempt, afterSeq: $afterSeq) {
    lines { seq stream text time } } }`;

/** One job or started fan-out instance by path (null if the run has none there). */
export const RUN_JOB = `query RunJob($id: ID!, $path: String!) {
  run(id: $id) { id job(path: $path) { path status attempt outputs } } }`;

export const COMPONENTS = `query Components($search: String) {
  components(search: $search) { id namespace name latest { version description deprecated } } }`;

const COMPONENT_VERSION = `namespace name version description image inputs { key description required default secret }
  outputs { key description } resources timeoutMs yaml readme deprecated deprecationMessage publishedAt publishedBy`;

export const COMPONENT = `query Component($namespace: String!, $name: String!) {
  component(namespace: $namespace, name: $name) { id namespace name versions { ${COMPONENT_VERSION} } } }`;

export const PUBLISH_COMPONENT = `mutation Publish($yaml: String!, $readme: String) {
  publishComponent(yaml: $yaml, readme: $readme) { namespace name version } }`;

export const DEBUG_COMPONENT = `mutation Debug($organization: String!, $component: String!, $version: String, $inputs: JSON) {
  debugComponent(organization: $organization, component: $component, version: $version, inputs: $inputs) { id } }`;

export const TOKENS = `query Tokens { tokens { id name user prefix createdAt lastUsedAt expiresAt } }`;
export const CREATE_TOKEN = `mutation CreateToken($name: String!, $expiresInDays: Int) {
  createToken(name: $name, expiresInDays: $expiresInDays) { secret token { id } } }`;
export const DELETE_TOKEN = `mutation DeleteToken($id: ID!) { deleteToken(id: $id) }`;

export const ORGANIZATIONS = `query Orgs { organizations { id name myRole members { organization user role } } }`;
export const SECRETS = `query Secrets($organization: String!) { secrets(organization: $organization) { organization name updatedAt } }`;
export const SET_SECRET = `mutation SetSecret($organization: String!, $name: String!, $value: String!) {
  setSecret(organization: $organization, name: $name, value: $value) { name } }`;
export const DELETE_SECRET = `mutation DeleteSecret($organization: String!, $name: String!) { deleteSecret(organization: $organization, name: $name) }`;
export const SET_MEMBER = `mutation SetMember($organization: String!, $user: String!, $role: Role!) {
  setMember(organization: $organization, user: $user, role: $role) { user role } }`;
export const REMOVE_MEMBER = `mutation RemoveMember($organization: String!, $user: String!) { removeMember(organization: $organization, user: $user) }`;

export const RUN_ACTIVITY = `query RunActivity($hours: Int) {
  runActivity(hours: $hours) { start created succeeded failed } }`;

export const RUN_LOAD = `query RunLoad($hours: Int) {
  runLoad(hours: $hours) { start maxQueued maxRunning } }`;

export const JOB_LOAD = `query JobLoad($hours: Int) {
  jobLoad(hours: $hours) { start started maxRunning orchestrators { orchestrator started maxRunning } } }`;

export const SLOWEST_JOBS = `query SlowestJobs($workflow: String!) {
  slowestJobs(workflow: $workflow, lastRuns: 100, limit: 10) { path runs medianMs maxMs } }`;
