import { defineSuite } from '../framework/check.js';

export default defineSuite({ api: 'ethernet', schemaRule: '', checks: [] });
