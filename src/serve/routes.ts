/** Every page of `plandb serve`, registered on the router. */
import type { Router } from './app.js';
import { registerIndicators } from './pages/indicators.js';
import { registerLists } from './pages/lists.js';
import { registerPlans } from './pages/plans.js';
import { registerSource } from './pages/source.js';
import { registerSql } from './pages/sql.js';
import { registerUnits } from './pages/units.js';
import { registerReview } from './review.js';
import type { SqlRunner } from './sql.js';

export function registerRoutes(r: Router, sql: () => SqlRunner): void {
  registerPlans(r);
  registerSource(r);
  registerUnits(r);
  registerIndicators(r);
  registerLists(r);
  registerSql(r, sql);
  registerReview(r);
}
