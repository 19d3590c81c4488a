// The early paint's own entry (vite.config.ts builds it into early-paint.js, which the instance
// inlines into the dashboard's page): it runs as soon as the page's head is read.
import { startEarlyPaint } from './early-paint';

startEarlyPaint(window);
