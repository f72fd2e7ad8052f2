import { createApp } from 'vue';
import '@vue-flow/core/dist/style.css';
import '@vue-flow/core/dist/theme-default.css';
import './styles/app.css';
import App from './App.vue';
import { createAppRouter } from './router.js';

createApp(App).use(createAppRouter()).mount('#app');
