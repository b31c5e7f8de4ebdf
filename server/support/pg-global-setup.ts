import type { TestProject } from 'vitest/node';
import { startThrowawayCluster } from '../../db/pg/throwaway.ts';

// The `pgUrl` it provides is declared beside its reader.
import type {} from '../test-support.ts';

/**
 * Starts one throwaway PostgreSQL cluster for the run (scripts/pg-cluster.sh) and hands its URL
 * to the test files; each test server gets a database of its own in it
 * (server/test-support.ts). The cluster is deleted when the run ends.
 */
export default async function setup(project: TestProject) {
  const cluster = await startThrowawayCluster();
  project.provide('pgUrl', cluster.url);
  return () => cluster.destroy();
}
