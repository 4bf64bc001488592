import type {Migration} from '../db/migrations.js';

/** Derived tables that the analytic tasks read (versions 100 and up). */
export const derivedMigrations: Migration[] = [];
