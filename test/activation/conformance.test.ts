/** The activation conformance suite over real HTTP against the reference server, on SQLite and on PostgreSQL. */
import { describeReferenceConformance } from '../helpers/conformance.js';

describeReferenceConformance('activation');
