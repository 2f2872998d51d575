/**
 * Migration 0006: pubsub#roster_groups_allowed of core/ports.ts `PepNodeRecord` (XEP-0060 §4.5
 * roster access model, https://xmpp.org/extensions/xep-0060.html#accessmodels): the groups as a
 * JSON array of strings, '[]' for the nodes that exist already.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function pepRosterGroups(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('pep_nodes')
        .addColumn('roster_groups', 'text', (c) => c.notNull().defaultTo(sql`'[]'`))
        .execute();
    },
  };
}
