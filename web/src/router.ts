/** Routes of the dashboard. Every page but sign-in needs a session (restored after a reload). */
import { createRouter, createWebHistory } from 'vue-router';
import type { Router } from 'vue-router';
import { useSession } from './stores/session.js';

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHistory(),
    routes: [
      {
        path: '/sign-in',
        name: 'sign-in',
        component: () => import('./views/SignInView.vue'),
        meta: { public: true },
      },
      { path: '/', name: 'overview', component: () => import('./views/OverviewView.vue') },
      {
        path: '/workflows',
        name: 'workflows',
        component: () => import('./views/WorkflowsView.vue'),
      },
      {
        path: '/workflows/new',
        name: 'workflow-new',
        component: () => import('./views/EditorView.vue'),
      },
      {
        path: '/workflows/:uri(.*)/edit',
        name: 'workflow-edit',
        component: () => import('./views/EditorView.vue'),
      },
      {
        path: '/workflows/:uri(.*)',
        name: 'workflow',
        component: () => import('./views/WorkflowView.vue'),
      },
      { path: '/runs/:id', name: 'run', component: () => import('./views/RunView.vue') },
      {
        path: '/deliveries',
        name: 'deliveries',
        component: () => import('./views/DeliveriesView.vue'),
      },
      {
        path: '/components',
        name: 'components',
        component: () => import('./views/ComponentsView.vue'),
      },
      {
        path: '/components/:namespace/:name',
        name: 'component',
        component: () => import('./views/ComponentView.vue'),
      },
      { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue') },
      {
        path: '/:rest(.*)',
        name: 'not-found',
        component: () => import('./views/NotFoundView.vue'),
      },
    ],
  });
  router.beforeEach(async (to) => {
    if (to.meta['public'] === true) return true;
    const session = useSession();
    if (await session.restore()) return true;
    return { name: 'sign-in', query: { next: to.fullPath } };
  });
  return router;
}
