import { defineSuite } from '../framework/check.js';

export default defineSuite({ api: 'cart', schemaRule: '', checks: [] });
