import { createApp } from 'vue';
import './styles/app.css';
import App from './App.vue';
import { createAppRouter } from './router.js';

createApp(App).use(createAppRouter()).mount('#app');
