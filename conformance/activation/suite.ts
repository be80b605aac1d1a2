import { defineSuite } from '../framework/check.js';

export default defineSuite({ api: 'activation', schemaRule: '', checks: [] });
