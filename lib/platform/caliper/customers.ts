/** Caliper: customers (CALIPER §4 B, D, G): search, update the customer's info, add an admin note. */
import type { ResourceSpec } from '../../model/operation';
import { caliper, payloadBody, req } from './common';
import { text } from '../schemas';

/** UpdateCustomerInfo: `CustomerData` pairs and an `AdminNote` (only `Name` of a pair is captured ⚠). */
const customerInfo = {
  type: 'object',
  properties: {
    CustomerData: {
      type: 'array',
      items: { type: 'object', required: ['Name'], properties: { Name: text, Value: { type: 'string' } } },
    },
    AdminNote: {
      type: 'object',
      required: ['Note'],
      properties: {
        Note: text,
        CreatedByAdmin: text,
        FraudIndicator: { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }] },
      },
    },
  },
};

export const customers: ResourceSpec = {
  type: 'q2-platform-customers',
  icon: 'font-awesome/fa-building',
  operations: [
    caliper(
      'SearchCustomer',
      'POST',
      '/SearchCustomer',
      [
        { key: 'CustomerName', in: 'body', type: 'string' },
        { key: 'TaxID', in: 'body', type: 'string', sensitive: true },
        { key: 'PrimaryCIF', in: 'body', type: 'string' },
      ],
      { safe: true, exactlyOne: ['CustomerName', 'TaxID', 'PrimaryCIF'] },
    ),
    caliper(
      'UpdateCustomerInfo',
      'PUT',
      '/UpdateCustomerInfo',
      [
        req({ key: 'CustomerID', in: 'body', type: 'id' }),
        { key: 'TaxID', in: 'body', type: 'string', sensitive: true },
        { key: 'PrimaryCif', in: 'body', type: 'string' },
        { key: 'CustomerName', in: 'body', type: 'string' },
        { key: 'isCompany', in: 'body', type: 'boolean' },
        { key: 'ChargeAccount', in: 'body', type: 'id' },
      ],
      { body: payloadBody(customerInfo, true) },
    ),
    caliper('AddAdminNote', 'POST', '/AddAdminNote', [
      req({ key: 'CustomerID', in: 'body', type: 'id' }),
      req({ key: 'Note', in: 'body', type: 'string' }),
      { key: 'UserID', in: 'body', type: 'id' },
      { key: 'CreatedByAdmin', in: 'body', type: 'string' },
      { key: 'FraudIndicator', in: 'body', type: 'enum', enum: ['true', 'false'] },
    ]),
  ],
};
