/** Biller Direct `/v1/company` resource: categories, search, one company. */
import type { Route } from '../server';
import { BD_CATEGORIES } from '../billerdirect-data';
import { searchCompanies } from '../billerdirect-rules';
import type { BdCore } from './core';

export function companyRoutes(bd: BdCore): Route[] {
  return [
    bd.api('GET', '/company/categories', () => ({ data: BD_CATEGORIES.map((x) => ({ ...x })) })),
    bd.api('POST', '/company/search', (c) =>
      searchCompanies(
        bd.data.companies.map((x) => x.company),
        bd.body(c),
      ),
    ),
    bd.api('GET', '/company/:companyId', (c) => structuredClone(bd.companyRecord(c.params.companyId).company)),
  ];
}
