import type { FastifyPluginAsync } from 'fastify';
import advancement from './advancement.ts';
import contestants from './contestants.ts';
import course from './course.ts';
import exportsRoutes from './exports.ts';
import imports from './imports.ts';
import marks from './marks.ts';
import officials from './officials.ts';
import { competitionScope } from './scope.ts';
import settings from './settings.ts';
import standings from './standings.ts';

/**
 * Everything under `/api/competitions/:slug`, one file per part of the URL, in one scope that
 * resolves the competition once (scope.ts). Registered with that prefix by app.ts.
 */
const routes: FastifyPluginAsync = async (app) => {
  competitionScope(app);
  for (const part of [
    settings,
    standings,
    course,
    marks,
    officials,
    exportsRoutes,
    imports,
    contestants,
    advancement,
  ])
    await app.register(part);
};
export default routes;
